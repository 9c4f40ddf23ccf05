/* vqs-instance-store.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vqs-instance-store"

#include "config.h"

#include <glib/gi18n.h>

#include "vqs-db.h"
#include "vqs-instance-private.h"
#include "vqs-instance-store.h"
#include "vqs-instance-validate.h"

/* The instance list in sqlite. All work runs on one worker thread (a
 * GThreadPool of one), on the store's own connection: one job at a time,
 * in the order the calls were made, so an update queued after an insert
 * always sees the inserted row. Jobs are GTasks, so their results arrive
 * on the main context of the caller. The API key never reaches this
 * file; only has_api_key is stored.
 */
struct _VqsInstanceStore
{
  GObject      parent_instance;

  char        *path;
  VqsDb       *db;      /* only used on the worker thread */
  GThreadPool *worker;
};

G_DEFINE_FINAL_TYPE (VqsInstanceStore, vqs_instance_store, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define INSTANCE_COLUMNS \
  "id, uuid, name, kind, url, verify_tls, timeout_seconds, rate_limit_per_minute," \
  " has_api_key, is_healthy, last_connection_test, last_connection_success, last_error," \
  " version, created_at, updated_at"

/* A copy of an instance's fields, taken on the caller's thread, so that
 * the worker never reads a GObject the main thread may be changing.
 */
typedef struct
{
  VqsInstance *instance;  /* updated in _finish, on the caller's thread */
  gint64       id;
  char        *uuid;
  char        *name;
  char        *name_key;
  char        *url;
  char        *last_error;
  char        *version;
  GDateTime   *last_connection_test;
  GDateTime   *last_connection_success;
  GDateTime   *created_at;
  GDateTime   *updated_at;
  VqsArrKind   kind;
  int          timeout_seconds;
  int          rate_limit_per_minute;
  gboolean     verify_tls;
  gboolean     has_api_key;
  gboolean     is_healthy;
} InstanceRow;

typedef struct
{
  gint64     id;
  char      *json;
  GDateTime *taken_at;
} Baseline;

typedef struct
{
  GTask           *task;
  GTaskThreadFunc  func;
} Job;

static void
instance_row_free (InstanceRow *row)
{
  g_clear_object (&row->instance);
  g_free (row->uuid);
  g_free (row->name);
  g_free (row->name_key);
  g_free (row->url);
  g_free (row->last_error);
  g_free (row->version);
  g_clear_pointer (&row->last_connection_test, g_date_time_unref);
  g_clear_pointer (&row->last_connection_success, g_date_time_unref);
  g_clear_pointer (&row->created_at, g_date_time_unref);
  g_clear_pointer (&row->updated_at, g_date_time_unref);
  g_free (row);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InstanceRow, instance_row_free)

static void
baseline_free (Baseline *baseline)
{
  g_free (baseline->json);
  g_clear_pointer (&baseline->taken_at, g_date_time_unref);
  g_free (baseline);
}

static GDateTime *
dup_date_time (GDateTime *value)
{
  return value != NULL ? g_date_time_ref (value) : NULL;
}

static InstanceRow *
instance_row_new (VqsInstance *instance)
{
  InstanceRow *row = g_new0 (InstanceRow, 1);

  row->instance = g_object_ref (instance);
  row->id = vqs_instance_get_id (instance);
  row->uuid = g_strdup (vqs_instance_get_uuid (instance));
  row->name = g_strdup (vqs_instance_get_name (instance));
  row->name_key = vqs_instance_name_collation_key (row->name);
  row->url = g_strdup (vqs_instance_get_url (instance));
  row->last_error = g_strdup (vqs_instance_get_last_error (instance));
  row->version = g_strdup (vqs_instance_get_version (instance));
  row->last_connection_test = dup_date_time (vqs_instance_get_last_connection_test (instance));
  row->last_connection_success =
    dup_date_time (vqs_instance_get_last_connection_success (instance));
  row->created_at = dup_date_time (vqs_instance_get_created_at (instance));
  row->updated_at = dup_date_time (vqs_instance_get_updated_at (instance));
  row->kind = vqs_instance_get_kind (instance);
  row->timeout_seconds = vqs_instance_get_timeout_seconds (instance);
  row->rate_limit_per_minute = vqs_instance_get_rate_limit_per_minute (instance);
  row->verify_tls = vqs_instance_get_verify_tls (instance);
  row->has_api_key = vqs_instance_get_has_api_key (instance);
  row->is_healthy = vqs_instance_get_is_healthy (instance);

  return row;
}

/* Stored times have whole seconds, so the objects get whole seconds too:
 * an instance then compares equal to itself after a reload.
 */
static GDateTime *
now_in_seconds (void)
{
  return g_date_time_new_from_unix_utc (g_get_real_time () / G_USEC_PER_SEC);
}

static GError *
not_found_error (void)
{
  return vqs_instance_error_new (VQS_INSTANCE_ERROR_NOT_FOUND, NULL,
                                 _("The instance no longer exists. "
                                   "It may have been removed in the meantime."));
}

/* Storage failures keep their VQS_DB_ERROR code, with a translated
 * sentence in front saying what failed; a unique constraint on the name
 * is the user's business and becomes VQS_INSTANCE_ERROR_DUPLICATE.
 */
static void
return_error (GTask      *task,
              GError     *error,
              const char *context,
              const char *name)
{
  if (g_error_matches (error, VQS_DB_ERROR, VQS_DB_ERROR_UNIQUE))
    {
      g_clear_error (&error);
      error = vqs_instance_error_new (VQS_INSTANCE_ERROR_DUPLICATE, VQS_INSTANCE_FIELD_NAME,
                                      _("An instance named “%s” already exists."), name);
    }
  else if (error->domain == VQS_DB_ERROR &&
           error->code != VQS_DB_ERROR_OPEN &&
           error->code != VQS_DB_ERROR_SCHEMA_TOO_NEW)
    {
      g_prefix_error (&error, "%s", context);
    }

  g_task_return_error (task, error);
}

static VqsInstance *
instance_from_stmt (sqlite3_stmt *stmt)
{
  g_autoptr(VqsInstance) instance = NULL;
  g_autoptr(GDateTime) last_test = vqs_db_column_datetime (stmt, 10);
  g_autoptr(GDateTime) last_success = vqs_db_column_datetime (stmt, 11);
  g_autoptr(GDateTime) created_at = vqs_db_column_datetime (stmt, 14);
  g_autoptr(GDateTime) updated_at = vqs_db_column_datetime (stmt, 15);
  VqsArrKind kind = VQS_ARR_KIND_SONARR;

  /* The CHECK constraint guarantees a known kind. */
  vqs_arr_kind_from_string ((const char *)sqlite3_column_text (stmt, 3), &kind);

  instance = vqs_instance_new ((const char *)sqlite3_column_text (stmt, 2), kind,
                               (const char *)sqlite3_column_text (stmt, 4));
  _vqs_instance_set_id (instance, sqlite3_column_int64 (stmt, 0));
  _vqs_instance_set_uuid (instance, (const char *)sqlite3_column_text (stmt, 1));
  vqs_instance_set_verify_tls (instance, sqlite3_column_int (stmt, 5));
  vqs_instance_set_timeout_seconds (instance, sqlite3_column_int (stmt, 6));
  vqs_instance_set_rate_limit_per_minute (instance, sqlite3_column_int (stmt, 7));
  vqs_instance_set_has_api_key (instance, sqlite3_column_int (stmt, 8));
  vqs_instance_set_is_healthy (instance, sqlite3_column_int (stmt, 9));
  vqs_instance_set_last_connection_test (instance, last_test);
  vqs_instance_set_last_connection_success (instance, last_success);
  vqs_instance_set_last_error (instance, (const char *)sqlite3_column_text (stmt, 12));
  vqs_instance_set_version (instance, (const char *)sqlite3_column_text (stmt, 13));
  _vqs_instance_set_created_at (instance, created_at);
  _vqs_instance_set_updated_at (instance, updated_at);

  return g_steal_pointer (&instance);
}

static void
vqs_instance_store_finalize (GObject *object)
{
  VqsInstanceStore *self = (VqsInstanceStore *)object;

  /* Every queued job holds a reference on the store, so nothing is left
   * to run. Not waiting matters: the last reference may be dropped by the
   * worker thread itself, which cannot wait for its own pool.
   */
  g_thread_pool_free (self->worker, FALSE, FALSE);
  g_clear_object (&self->db);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (vqs_instance_store_parent_class)->finalize (object);
}

static void
vqs_instance_store_constructed (GObject *object)
{
  VqsInstanceStore *self = (VqsInstanceStore *)object;

  G_OBJECT_CLASS (vqs_instance_store_parent_class)->constructed (object);

  if (self->path == NULL)
    self->path = vqs_instance_store_get_default_path ();
  self->db = vqs_db_new (self->path);
}

static void
vqs_instance_store_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  VqsInstanceStore *self = VQS_INSTANCE_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, vqs_instance_store_get_path (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vqs_instance_store_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  VqsInstanceStore *self = VQS_INSTANCE_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vqs_instance_store_class_init (VqsInstanceStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = vqs_instance_store_constructed;
  object_class->finalize = vqs_instance_store_finalize;
  object_class->get_property = vqs_instance_store_get_property;
  object_class->set_property = vqs_instance_store_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
run_job (gpointer data,
         gpointer user_data)
{
  Job *job = data;
  g_autoptr(GTask) task = g_steal_pointer (&job->task);
  GTaskThreadFunc func = job->func;
  VqsInstanceStore *self = g_task_get_source_object (task);
  GError *error = NULL;

  g_free (job);

  if (g_task_return_error_if_cancelled (task))
    return;

  /* Opened lazily, on the worker, by the first job; a failed open is
   * tried again by the next one.
   */
  if (!vqs_db_is_open (self->db) && !vqs_db_open (self->db, &error))
    {
      return_error (task, error, _("Could not open the list of instances: "), NULL);
      return;
    }

  func (task, self, g_task_get_task_data (task), g_task_get_cancellable (task));
}

static void
vqs_instance_store_init (VqsInstanceStore *self)
{
  /* A pool of one thread runs the jobs one after the other, in order. */
  self->worker = g_thread_pool_new (run_job, NULL, 1, FALSE, NULL);
}

/* Takes over @task. */
static void
queue_job (VqsInstanceStore *self,
           GTask            *task,
           GTaskThreadFunc   func)
{
  Job *job = g_new0 (Job, 1);

  job->task = task;
  job->func = func;
  g_thread_pool_push (self->worker, job, NULL);
}

/**
 * vqs_instance_store_get_default_path:
 *
 * Returns: (transfer full): `$XDG_DATA_HOME/vibe-quality-searcharr/instances.db`
 */
char *
vqs_instance_store_get_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "vibe-quality-searcharr", "instances.db",
                           NULL);
}

/**
 * vqs_instance_store_new:
 * @path: (nullable): the database file, or %NULL for the default
 *
 * Creates a store. The file, its folder and the schema are created or
 * migrated by the first operation.
 *
 * Returns: (transfer full): a new #VqsInstanceStore
 */
VqsInstanceStore *
vqs_instance_store_new (const char *path)
{
  return g_object_new (VQS_TYPE_INSTANCE_STORE, "path", path, NULL);
}

const char *
vqs_instance_store_get_path (VqsInstanceStore *self)
{
  g_return_val_if_fail (VQS_IS_INSTANCE_STORE (self), NULL);

  return self->path;
}

static GPtrArray *
select_all (VqsDb   *db,
            GError **error)
{
  g_autoptr(GPtrArray) instances = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = vqs_db_prepare (db,
                         "SELECT " INSTANCE_COLUMNS " FROM instances"
                         " ORDER BY created_at DESC, id DESC",
                         error);
  if (stmt == NULL)
    return NULL;

  while ((rc = vqs_db_step (db, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (instances, instance_from_stmt (stmt));

  if (rc != SQLITE_DONE)
    return NULL;

  return g_steal_pointer (&instances);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  VqsInstanceStore *self = source_object;
  GError *error = NULL;
  GPtrArray *instances;

  instances = select_all (self->db, &error);
  if (instances == NULL)
    return_error (task, error, _("Could not read the list of instances: "), NULL);
  else
    g_task_return_pointer (task, instances, (GDestroyNotify)g_ptr_array_unref);
}

/**
 * vqs_instance_store_load_async:
 * @self: a #VqsInstanceStore
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's main context
 * @user_data: data for @callback
 *
 * Opens the database if needed and reads all instances, newest first.
 */
void
vqs_instance_store_load_async (VqsInstanceStore    *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VQS_IS_INSTANCE_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vqs_instance_store_load_async);
  queue_job (self, task, load_thread);
}

/**
 * vqs_instance_store_load_finish:
 *
 * Returns: (transfer container) (element-type VqsInstance): the instances,
 *   newest first, or %NULL with @error set
 */
GPtrArray *
vqs_instance_store_load_finish (VqsInstanceStore  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (VQS_IS_INSTANCE_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
insert_row (VqsDb        *db,
            InstanceRow  *row,
            GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = vqs_db_prepare (db,
                         "INSERT INTO instances (uuid, name, name_key, kind, url, verify_tls,"
                         " timeout_seconds, rate_limit_per_minute, has_api_key, is_healthy,"
                         " last_connection_test, last_connection_success, last_error, version,"
                         " created_at, updated_at)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
                         " ?15, ?16)",
                         error);
  if (stmt == NULL)
    return FALSE;

  vqs_db_bind_text (stmt, 1, row->uuid);
  vqs_db_bind_text (stmt, 2, row->name);
  vqs_db_bind_text (stmt, 3, row->name_key);
  vqs_db_bind_text (stmt, 4, vqs_arr_kind_to_string (row->kind));
  vqs_db_bind_text (stmt, 5, row->url);
  sqlite3_bind_int (stmt, 6, row->verify_tls);
  sqlite3_bind_int (stmt, 7, row->timeout_seconds);
  sqlite3_bind_int (stmt, 8, row->rate_limit_per_minute);
  sqlite3_bind_int (stmt, 9, row->has_api_key);
  sqlite3_bind_int (stmt, 10, row->is_healthy);
  vqs_db_bind_datetime (stmt, 11, row->last_connection_test);
  vqs_db_bind_datetime (stmt, 12, row->last_connection_success);
  vqs_db_bind_text (stmt, 13, row->last_error);
  vqs_db_bind_text (stmt, 14, row->version);
  vqs_db_bind_datetime (stmt, 15, row->created_at);
  vqs_db_bind_datetime (stmt, 16, row->updated_at);

  if (!vqs_db_step_done (db, stmt, error))
    return FALSE;

  row->id = vqs_db_get_last_insert_id (db);
  return TRUE;
}

static void
insert_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  VqsInstanceStore *self = source_object;
  InstanceRow *row = task_data;
  GError *error = NULL;

  if (row->uuid == NULL)
    row->uuid = g_uuid_string_random ();
  row->created_at = now_in_seconds ();
  row->updated_at = g_date_time_ref (row->created_at);

  if (!insert_row (self->db, row, &error))
    return_error (task, error, _("Could not save the instance: "), row->name);
  else
    g_task_return_boolean (task, TRUE);
}

/* The name and URL are stored normalised, and the instance object gets
 * the same values, so that what the user sees is what was saved.
 */
static gboolean
normalize_instance (VqsInstance  *instance,
                    GError      **error)
{
  g_autofree char *name = NULL;
  g_autofree char *url = NULL;

  if (!vqs_instance_validate_name (vqs_instance_get_name (instance), &name, error))
    return FALSE;

  url = vqs_instance_normalize_url (vqs_instance_get_url (instance), error);
  if (url == NULL)
    return FALSE;

  vqs_instance_set_name (instance, name);
  vqs_instance_set_url (instance, url);
  return TRUE;
}

/* Normalises @instance and queues @func on a snapshot of it, or fails
 * @task (taking its reference) when the settings are not valid.
 */
static void
queue_instance_write (VqsInstanceStore *self,
                      GTask            *task,
                      VqsInstance      *instance,
                      GTaskThreadFunc   func)
{
  GError *error = NULL;

  if (!normalize_instance (instance, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  g_task_set_task_data (task, instance_row_new (instance), (GDestroyNotify)instance_row_free);
  queue_job (self, task, func);
}

/* Writes are not abandoned half-way by a cancellation: once a job has
 * started, its _finish reports what really happened to the file.
 */
static GTask *
write_task_new (VqsInstanceStore    *self,
                gpointer             source_tag,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_check_cancellable (task, FALSE);
  return task;
}

/**
 * vqs_instance_store_insert_async:
 * @self: a #VqsInstanceStore
 * @instance: a new instance (id 0)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's main context
 * @user_data: data for @callback
 *
 * Validates and normalises the name and URL of @instance, then stores it.
 * vqs_instance_store_insert_finish() sets the assigned id, uuid and times
 * on @instance. A uuid already set on @instance is kept, so that a caller
 * can file the API key in the keyring under it before the row exists. A
 * name that only differs in case from an existing one fails with
 * %VQS_INSTANCE_ERROR_DUPLICATE.
 */
void
vqs_instance_store_insert_async (VqsInstanceStore    *self,
                                 VqsInstance         *instance,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VQS_IS_INSTANCE_STORE (self));
  g_return_if_fail (VQS_IS_INSTANCE (instance));
  g_return_if_fail (vqs_instance_get_id (instance) == 0);
  g_return_if_fail (vqs_instance_get_uuid (instance) == NULL ||
                    g_uuid_string_is_valid (vqs_instance_get_uuid (instance)));

  task = write_task_new (self, vqs_instance_store_insert_async, cancellable, callback, user_data);
  queue_instance_write (self, task, instance, insert_thread);
}

gboolean
vqs_instance_store_insert_finish (VqsInstanceStore  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  InstanceRow *row;

  g_return_val_if_fail (VQS_IS_INSTANCE_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  row = g_task_get_task_data (G_TASK (result));
  _vqs_instance_set_id (row->instance, row->id);
  _vqs_instance_set_uuid (row->instance, row->uuid);
  _vqs_instance_set_created_at (row->instance, row->created_at);
  _vqs_instance_set_updated_at (row->instance, row->updated_at);

  return TRUE;
}

static gboolean
update_row (VqsDb        *db,
            InstanceRow  *row,
            GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = vqs_db_prepare (db,
                         "UPDATE instances SET name = ?2, name_key = ?3, kind = ?4, url = ?5,"
                         " verify_tls = ?6, timeout_seconds = ?7, rate_limit_per_minute = ?8,"
                         " has_api_key = ?9, updated_at = ?10"
                         " WHERE id = ?1",
                         error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, row->id);
  vqs_db_bind_text (stmt, 2, row->name);
  vqs_db_bind_text (stmt, 3, row->name_key);
  vqs_db_bind_text (stmt, 4, vqs_arr_kind_to_string (row->kind));
  vqs_db_bind_text (stmt, 5, row->url);
  sqlite3_bind_int (stmt, 6, row->verify_tls);
  sqlite3_bind_int (stmt, 7, row->timeout_seconds);
  sqlite3_bind_int (stmt, 8, row->rate_limit_per_minute);
  sqlite3_bind_int (stmt, 9, row->has_api_key);
  vqs_db_bind_datetime (stmt, 10, row->updated_at);

  if (!vqs_db_step_done (db, stmt, error))
    return FALSE;

  if (vqs_db_get_changes (db) == 0)
    {
      g_propagate_error (error, not_found_error ());
      return FALSE;
    }

  return TRUE;
}

static void
update_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  VqsInstanceStore *self = source_object;
  InstanceRow *row = task_data;
  GError *error = NULL;

  g_clear_pointer (&row->updated_at, g_date_time_unref);
  row->updated_at = now_in_seconds ();

  if (!update_row (self->db, row, &error))
    return_error (task, error, _("Could not save the instance: "), row->name);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * vqs_instance_store_update_async:
 * @self: a #VqsInstanceStore
 * @instance: a stored instance
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's main context
 * @user_data: data for @callback
 *
 * Writes the settings of @instance: name, kind, url, verify-tls, timeout,
 * rate limit and has-api-key. Health fields are written by
 * vqs_instance_store_update_health_async(). The finish function sets the
 * new updated-at on @instance.
 */
void
vqs_instance_store_update_async (VqsInstanceStore    *self,
                                 VqsInstance         *instance,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VQS_IS_INSTANCE_STORE (self));
  g_return_if_fail (VQS_IS_INSTANCE (instance));
  g_return_if_fail (vqs_instance_get_id (instance) > 0);

  task = write_task_new (self, vqs_instance_store_update_async, cancellable, callback, user_data);
  queue_instance_write (self, task, instance, update_thread);
}

gboolean
vqs_instance_store_update_finish (VqsInstanceStore  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  InstanceRow *row;

  g_return_val_if_fail (VQS_IS_INSTANCE_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  row = g_task_get_task_data (G_TASK (result));
  _vqs_instance_set_updated_at (row->instance, row->updated_at);

  return TRUE;
}

static gboolean
update_health_row (VqsDb        *db,
                   InstanceRow  *row,
                   GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = vqs_db_prepare (db,
                         "UPDATE instances SET is_healthy = ?2, last_connection_test = ?3,"
                         " last_connection_success = ?4, last_error = ?5, version = ?6"
                         " WHERE id = ?1",
                         error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, row->id);
  sqlite3_bind_int (stmt, 2, row->is_healthy);
  vqs_db_bind_datetime (stmt, 3, row->last_connection_test);
  vqs_db_bind_datetime (stmt, 4, row->last_connection_success);
  vqs_db_bind_text (stmt, 5, row->last_error);
  vqs_db_bind_text (stmt, 6, row->version);

  if (!vqs_db_step_done (db, stmt, error))
    return FALSE;

  if (vqs_db_get_changes (db) == 0)
    {
      g_propagate_error (error, not_found_error ());
      return FALSE;
    }

  return TRUE;
}

static void
update_health_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  VqsInstanceStore *self = source_object;
  InstanceRow *row = task_data;
  GError *error = NULL;

  if (!update_health_row (self->db, row, &error))
    return_error (task, error, _("Could not save the connection status: "), row->name);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * vqs_instance_store_update_health_async:
 * @self: a #VqsInstanceStore
 * @instance: a stored instance
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's main context
 * @user_data: data for @callback
 *
 * Writes is-healthy, last-connection-test, last-connection-success,
 * last-error and version of @instance, and nothing else.
 */
void
vqs_instance_store_update_health_async (VqsInstanceStore    *self,
                                        VqsInstance         *instance,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VQS_IS_INSTANCE_STORE (self));
  g_return_if_fail (VQS_IS_INSTANCE (instance));
  g_return_if_fail (vqs_instance_get_id (instance) > 0);

  task = write_task_new (self, vqs_instance_store_update_health_async, cancellable,
                         callback, user_data);
  g_task_set_task_data (task, instance_row_new (instance), (GDestroyNotify)instance_row_free);
  queue_job (self, task, update_health_thread);
}

gboolean
vqs_instance_store_update_health_finish (VqsInstanceStore  *self,
                                         GAsyncResult      *result,
                                         GError           **error)
{
  g_return_val_if_fail (VQS_IS_INSTANCE_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
delete_row (VqsDb   *db,
            gint64   id,
            GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  /* search_queue and search_history rows go with it (ON DELETE CASCADE). */
  stmt = vqs_db_prepare (db, "DELETE FROM instances WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  if (!vqs_db_step_done (db, stmt, error))
    return FALSE;

  if (vqs_db_get_changes (db) == 0)
    {
      g_propagate_error (error, not_found_error ());
      return FALSE;
    }

  return TRUE;
}

static void
delete_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  VqsInstanceStore *self = source_object;
  gint64 *id = task_data;
  GError *error = NULL;

  if (!delete_row (self->db, *id, &error))
    return_error (task, error, _("Could not remove the instance: "), NULL);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * vqs_instance_store_delete_async:
 * @self: a #VqsInstanceStore
 * @id: the id of a stored instance
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's main context
 * @user_data: data for @callback
 *
 * Deletes the instance with its search queue and history. The API key in
 * the keyring is the caller's to clear.
 */
void
vqs_instance_store_delete_async (VqsInstanceStore    *self,
                                 gint64               id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VQS_IS_INSTANCE_STORE (self));
  g_return_if_fail (id > 0);

  task = write_task_new (self, vqs_instance_store_delete_async, cancellable, callback, user_data);
  g_task_set_task_data (task, g_memdup2 (&id, sizeof id), g_free);
  queue_job (self, task, delete_thread);
}

gboolean
vqs_instance_store_delete_finish (VqsInstanceStore  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (VQS_IS_INSTANCE_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
save_baseline_row (VqsDb     *db,
                   Baseline  *baseline,
                   GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = vqs_db_prepare (db,
                         "UPDATE instances SET drift_baseline = ?2, baseline_taken_at = ?3"
                         " WHERE id = ?1",
                         error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, baseline->id);
  vqs_db_bind_text (stmt, 2, baseline->json);
  vqs_db_bind_datetime (stmt, 3, baseline->json != NULL ? baseline->taken_at : NULL);

  if (!vqs_db_step_done (db, stmt, error))
    return FALSE;

  if (vqs_db_get_changes (db) == 0)
    {
      g_propagate_error (error, not_found_error ());
      return FALSE;
    }

  return TRUE;
}

static void
save_baseline_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  VqsInstanceStore *self = source_object;
  GError *error = NULL;

  if (!save_baseline_row (self->db, task_data, &error))
    return_error (task, error, _("Could not save the configuration baseline: "), NULL);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * vqs_instance_store_save_baseline_async:
 * @self: a #VqsInstanceStore
 * @id: the id of a stored instance
 * @baseline_json: (nullable): the drift baseline (opaque JSON), or %NULL
 *   to forget it
 * @taken_at: (nullable): when the baseline was taken; now if %NULL
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's main context
 * @user_data: data for @callback
 */
void
vqs_instance_store_save_baseline_async (VqsInstanceStore    *self,
                                        gint64               id,
                                        const char          *baseline_json,
                                        GDateTime           *taken_at,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  GTask *task;
  Baseline *baseline;

  g_return_if_fail (VQS_IS_INSTANCE_STORE (self));
  g_return_if_fail (id > 0);

  baseline = g_new0 (Baseline, 1);
  baseline->id = id;
  baseline->json = g_strdup (baseline_json);
  baseline->taken_at = taken_at != NULL ? g_date_time_ref (taken_at) : now_in_seconds ();

  task = write_task_new (self, vqs_instance_store_save_baseline_async, cancellable,
                         callback, user_data);
  g_task_set_task_data (task, baseline, (GDestroyNotify)baseline_free);
  queue_job (self, task, save_baseline_thread);
}

gboolean
vqs_instance_store_save_baseline_finish (VqsInstanceStore  *self,
                                         GAsyncResult      *result,
                                         GError           **error)
{
  g_return_val_if_fail (VQS_IS_INSTANCE_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static Baseline *
select_baseline (VqsDb   *db,
                 gint64   id,
                 GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  Baseline *baseline;
  int rc;

  stmt = vqs_db_prepare (db,
                         "SELECT drift_baseline, baseline_taken_at FROM instances WHERE id = ?1",
                         error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, id);
  rc = vqs_db_step (db, stmt, error);
  if (rc == SQLITE_DONE)
    g_propagate_error (error, not_found_error ());
  if (rc != SQLITE_ROW)
    return NULL;

  baseline = g_new0 (Baseline, 1);
  baseline->id = id;
  baseline->json = vqs_db_column_dup_text (stmt, 0);
  baseline->taken_at = vqs_db_column_datetime (stmt, 1);
  return baseline;
}

static void
load_baseline_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  VqsInstanceStore *self = source_object;
  gint64 *id = task_data;
  GError *error = NULL;
  Baseline *baseline;

  baseline = select_baseline (self->db, *id, &error);
  if (baseline == NULL)
    return_error (task, error, _("Could not read the configuration baseline: "), NULL);
  else
    g_task_return_pointer (task, baseline, (GDestroyNotify)baseline_free);
}

void
vqs_instance_store_load_baseline_async (VqsInstanceStore    *self,
                                        gint64               id,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VQS_IS_INSTANCE_STORE (self));
  g_return_if_fail (id > 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vqs_instance_store_load_baseline_async);
  g_task_set_task_data (task, g_memdup2 (&id, sizeof id), g_free);
  queue_job (self, task, load_baseline_thread);
}

/**
 * vqs_instance_store_load_baseline_finish:
 * @self: a #VqsInstanceStore
 * @result: the result
 * @out_taken_at: (out) (optional) (nullable) (transfer full): when the
 *   baseline was taken
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the baseline JSON, or %NULL without
 *   an error when none was saved, or %NULL with @error set
 */
char *
vqs_instance_store_load_baseline_finish (VqsInstanceStore  *self,
                                         GAsyncResult      *result,
                                         GDateTime        **out_taken_at,
                                         GError           **error)
{
  Baseline *baseline;
  char *json;

  g_return_val_if_fail (VQS_IS_INSTANCE_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (out_taken_at != NULL)
    *out_taken_at = NULL;

  baseline = g_task_propagate_pointer (G_TASK (result), error);
  if (baseline == NULL)
    return NULL;

  json = g_steal_pointer (&baseline->json);
  if (out_taken_at != NULL && json != NULL)
    *out_taken_at = g_steal_pointer (&baseline->taken_at);
  baseline_free (baseline);

  return json;
}
