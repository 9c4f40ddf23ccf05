/* vqs-instance-manager.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vqs-instance-manager"

#include "config.h"

#include <glib/gi18n.h>

#include "vqs-arr-client.h"
#include "vqs-instance-manager.h"
#include "vqs-instance-private.h"
#include "vqs-instance-validate.h"

/* The one service behind the window and the bus: it owns the list of
 * instances, keeps one client (and so one rate limiter) per instance, and
 * makes every change all-or-nothing across the keyring and the database.
 */
struct _VqsInstanceManager
{
  GObject           parent_instance;

  VqsInstanceStore *store;
  VqsSecretStore   *secrets;
  GPtrArray        *instances;   /* VqsInstance, newest first */
  GHashTable       *clients;     /* id → VqsArrClient */
  guint             busy;
  guint             max_retries;
  guint             retry_initial_ms;
  guint             retry_max_ms;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VqsInstanceManager, vqs_instance_manager, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

G_DEFINE_BOXED_TYPE (VqsConnectionTest, vqs_connection_test,
                     vqs_connection_test_copy, vqs_connection_test_free)
G_DEFINE_BOXED_TYPE (VqsDriftReport, vqs_drift_report,
                     vqs_drift_report_copy, vqs_drift_report_free)

enum {
  PROP_0,
  PROP_BUSY_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What a drift operation does once the live configuration is in. */
typedef void (*SnapshotReady) (GTask *task);

/* What one asynchronous operation carries from step to step. */
typedef struct
{
  VqsInstanceManager *self;
  VqsInstance        *instance;
  VqsInstance        *candidate;
  VqsArrClient       *client;
  char               *name;
  char               *url;
  char               *api_key;
  VqsArrKind          kind;
  gboolean            verify_tls;
  int                 timeout_seconds;
  int                 rate_limit_per_minute;
  gboolean            needs_test;
  gint64              started_us;
  VqsSystemStatus    *status;
  GPtrArray          *profiles;
  GPtrArray          *folders;
  VqsDriftSnapshot   *snapshot;
  SnapshotReady       snapshot_ready;
  VqsConnectionTest  *test;
  GError             *error;
} Op;

static void
op_free (Op *op)
{
  g_clear_object (&op->instance);
  g_clear_object (&op->candidate);
  g_clear_object (&op->client);
  g_clear_pointer (&op->name, g_free);
  g_clear_pointer (&op->url, g_free);
  g_clear_pointer (&op->api_key, vqs_secret_free);
  g_clear_pointer (&op->status, vqs_system_status_unref);
  g_clear_pointer (&op->profiles, g_ptr_array_unref);
  g_clear_pointer (&op->folders, g_ptr_array_unref);
  g_clear_pointer (&op->snapshot, vqs_drift_snapshot_unref);
  g_clear_pointer (&op->test, vqs_connection_test_free);
  g_clear_error (&op->error);
  g_clear_object (&op->self);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Op, op_free)

static void
busy_hold (VqsInstanceManager *self)
{
  self->busy++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY_COUNT]);
}

static void
busy_release (VqsInstanceManager *self)
{
  g_assert (self->busy > 0);

  self->busy--;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY_COUNT]);
}

static void
on_task_completed_cb (VqsInstanceManager *self,
                      GParamSpec         *pspec,
                      GTask              *task)
{
  busy_release (self);
}

static GTask *
op_task_new (VqsInstanceManager  *self,
             VqsInstance         *instance,
             gpointer             source_tag,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Op *op = g_new0 (Op, 1);

  /* The busy count lets a headless service wait for work in flight
   * before it exits on idle. It drops when the result is delivered, not
   * when the caller lets go of it.
   */
  op->self = g_object_ref (self);
  op->instance = instance ? g_object_ref (instance) : NULL;
  busy_hold (self);
  g_signal_connect_object (task, "notify::completed", G_CALLBACK (on_task_completed_cb),
                           self, G_CONNECT_SWAPPED);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, (GDestroyNotify)op_free);

  return task;
}

/* One journal entry per operation: what, which instance, how it ended.
 * The key is never among the fields.
 */
static void
log_operation (const char   *operation,
               gint64        instance_id,
               const GError *error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, instance_id);
  const char *result;

  if (error == NULL)
    result = "success";
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    result = "cancelled";
  else
    result = "failure";

  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_INFO,
                    "VQS_OPERATION", operation,
                    "VQS_INSTANCE_ID", id,
                    "VQS_RESULT", result,
                    "MESSAGE", "%s of instance %s: %s%s%s",
                    operation, id, result,
                    error ? ": " : "", error ? error->message : "");
}

/* The instance was deleted while the caller still held it. */
static void
return_not_found (GTask      *task,
                  const char *operation,
                  gint64      instance_id)
{
  g_autoptr(GError) error =
    g_error_new_literal (VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_NOT_FOUND,
                         _("This instance no longer exists."));

  log_operation (operation, instance_id, error);
  g_task_return_error (task, g_steal_pointer (&error));
}

static GError *
keyring_error (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  return g_error_new_literal (VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_KEYRING, error->message);
}

VqsConnectionTest *
vqs_connection_test_copy (const VqsConnectionTest *self)
{
  VqsConnectionTest *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (VqsConnectionTest, 1);
  copy->success = self->success;
  copy->message = g_strdup (self->message);
  copy->version = g_strdup (self->version);
  copy->response_time_ms = self->response_time_ms;
  copy->error_details = g_strdup (self->error_details);
  copy->error = self->error ? g_error_copy (self->error) : NULL;

  return copy;
}

void
vqs_connection_test_free (VqsConnectionTest *self)
{
  if (self == NULL)
    return;

  g_free (self->message);
  g_free (self->version);
  g_free (self->error_details);
  g_clear_error (&self->error);
  g_free (self);
}

VqsDriftReport *
vqs_drift_report_copy (const VqsDriftReport *self)
{
  VqsDriftReport *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (VqsDriftReport, 1);
  copy->drift_detected = self->drift_detected;
  copy->changes = g_ptr_array_new_with_free_func ((GDestroyNotify)vqs_drift_change_free);
  for (guint i = 0; self->changes != NULL && i < self->changes->len; i++)
    g_ptr_array_add (copy->changes, vqs_drift_change_copy (g_ptr_array_index (self->changes, i)));
  copy->current_version = g_strdup (self->current_version);
  copy->quality_profiles_count = self->quality_profiles_count;
  copy->baseline_taken = self->baseline_taken;

  return copy;
}

void
vqs_drift_report_free (VqsDriftReport *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->changes, g_ptr_array_unref);
  g_free (self->current_version);
  g_free (self);
}

static GType
list_model_get_item_type (GListModel *model)
{
  return VQS_TYPE_INSTANCE;
}

static guint
list_model_get_n_items (GListModel *model)
{
  return VQS_INSTANCE_MANAGER (model)->instances->len;
}

static gpointer
list_model_get_item (GListModel *model,
                     guint       position)
{
  VqsInstanceManager *self = VQS_INSTANCE_MANAGER (model);

  if (position >= self->instances->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->instances, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = list_model_get_item_type;
  iface->get_n_items = list_model_get_n_items;
  iface->get_item = list_model_get_item;
}

static void
vqs_instance_manager_dispose (GObject *object)
{
  VqsInstanceManager *self = (VqsInstanceManager *)object;

  g_clear_pointer (&self->clients, g_hash_table_unref);
  g_clear_pointer (&self->instances, g_ptr_array_unref);
  g_clear_object (&self->store);
  g_clear_object (&self->secrets);

  G_OBJECT_CLASS (vqs_instance_manager_parent_class)->dispose (object);
}

static void
vqs_instance_manager_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  VqsInstanceManager *self = VQS_INSTANCE_MANAGER (object);

  switch (prop_id)
    {
    case PROP_BUSY_COUNT:
      g_value_set_uint (value, vqs_instance_manager_get_busy_count (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vqs_instance_manager_class_init (VqsInstanceManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vqs_instance_manager_dispose;
  object_class->get_property = vqs_instance_manager_get_property;

  properties[PROP_BUSY_COUNT] =
    g_param_spec_uint ("busy-count", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vqs_instance_manager_init (VqsInstanceManager *self)
{
  self->instances = g_ptr_array_new_with_free_func (g_object_unref);
  self->clients = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->max_retries = 3;
  self->retry_initial_ms = 2000;
  self->retry_max_ms = 10000;
}

/**
 * vqs_instance_manager_new:
 * @store: where instances are persisted
 * @secrets: where their API keys are kept
 *
 * Returns: (transfer full): a manager with no instances until
 *   vqs_instance_manager_load_async() completes
 */
VqsInstanceManager *
vqs_instance_manager_new (VqsInstanceStore *store,
                          VqsSecretStore   *secrets)
{
  VqsInstanceManager *self;

  g_return_val_if_fail (VQS_IS_INSTANCE_STORE (store), NULL);
  g_return_val_if_fail (VQS_IS_SECRET_STORE (secrets), NULL);

  self = g_object_new (VQS_TYPE_INSTANCE_MANAGER, NULL);
  self->store = g_object_ref (store);
  self->secrets = g_object_ref (secrets);

  return self;
}

VqsInstanceStore *
vqs_instance_manager_get_store (VqsInstanceManager *self)
{
  g_return_val_if_fail (VQS_IS_INSTANCE_MANAGER (self), NULL);

  return self->store;
}

guint
vqs_instance_manager_get_busy_count (VqsInstanceManager *self)
{
  g_return_val_if_fail (VQS_IS_INSTANCE_MANAGER (self), 0);

  return self->busy;
}

/**
 * vqs_instance_manager_set_retry_policy:
 * @max_retries: retries after a transient failure
 * @initial_delay_ms: the first backoff, doubled for each retry
 * @max_delay_ms: the longest backoff
 *
 * Applies to the clients of every instance. The defaults (3 retries from
 * 2 s up to 10 s) suit real servers; tests shorten them.
 */
void
vqs_instance_manager_set_retry_policy (VqsInstanceManager *self,
                                       guint               max_retries,
                                       guint               initial_delay_ms,
                                       guint               max_delay_ms)
{
  GHashTableIter iter;
  gpointer client;

  g_return_if_fail (VQS_IS_INSTANCE_MANAGER (self));

  self->max_retries = max_retries;
  self->retry_initial_ms = initial_delay_ms;
  self->retry_max_ms = max_delay_ms;

  g_hash_table_iter_init (&iter, self->clients);
  while (g_hash_table_iter_next (&iter, NULL, &client))
    {
      vqs_arr_client_set_max_retries (client, max_retries);
      vqs_arr_client_set_retry_delays (client, initial_delay_ms, max_delay_ms);
    }
}

/**
 * vqs_instance_manager_find_by_id:
 *
 * Returns: (transfer none) (nullable): the instance with @id
 */
VqsInstance *
vqs_instance_manager_find_by_id (VqsInstanceManager *self,
                                 gint64              id)
{
  g_return_val_if_fail (VQS_IS_INSTANCE_MANAGER (self), NULL);

  for (guint i = 0; i < self->instances->len; i++)
    {
      VqsInstance *instance = g_ptr_array_index (self->instances, i);

      if (vqs_instance_get_id (instance) == id)
        return instance;
    }

  return NULL;
}

/**
 * vqs_instance_manager_find_by_name:
 *
 * Names compare ignoring case, as uniqueness does.
 *
 * Returns: (transfer none) (nullable): the instance called @name
 */
VqsInstance *
vqs_instance_manager_find_by_name (VqsInstanceManager *self,
                                   const char         *name)
{
  g_autofree char *key = NULL;
  g_autofree char *trimmed = NULL;

  g_return_val_if_fail (VQS_IS_INSTANCE_MANAGER (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  trimmed = g_strstrip (g_strdup (name));
  key = vqs_instance_name_collation_key (trimmed);

  for (guint i = 0; i < self->instances->len; i++)
    {
      VqsInstance *instance = g_ptr_array_index (self->instances, i);
      g_autofree char *other = vqs_instance_name_collation_key (vqs_instance_get_name (instance));

      if (g_strcmp0 (key, other) == 0)
        return instance;
    }

  return NULL;
}

static void
remove_instance (VqsInstanceManager *self,
                 VqsInstance        *instance)
{
  guint position;
  gint64 id = vqs_instance_get_id (instance);

  g_hash_table_remove (self->clients, &id);

  if (g_ptr_array_find (self->instances, instance, &position))
    {
      g_ptr_array_remove_index (self->instances, position);
      g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
    }
}

/* Returns the client of @instance, created on first use and brought in
 * line with the instance's current settings, so that every request to
 * one server goes through the same rate limiter.
 */
static VqsArrClient *
ensure_client (VqsInstanceManager *self,
               VqsInstance        *instance)
{
  gint64 id = vqs_instance_get_id (instance);
  VqsArrClient *client = g_hash_table_lookup (self->clients, &id);

  if (client != NULL && vqs_arr_client_get_kind (client) != vqs_instance_get_kind (instance))
    {
      g_hash_table_remove (self->clients, &id);
      client = NULL;
    }

  if (client == NULL)
    {
      client = vqs_arr_client_new (vqs_instance_get_kind (instance),
                                   vqs_instance_get_url (instance), NULL);
      vqs_arr_client_set_max_retries (client, self->max_retries);
      vqs_arr_client_set_retry_delays (client, self->retry_initial_ms, self->retry_max_ms);
      g_hash_table_insert (self->clients, g_memdup2 (&id, sizeof id), client);
    }

  vqs_arr_client_set_base_url (client, vqs_instance_get_url (instance));
  vqs_arr_client_set_verify_tls (client, vqs_instance_get_verify_tls (instance));
  vqs_arr_client_set_timeout_seconds (client, vqs_instance_get_timeout_seconds (instance));
  vqs_arr_client_set_rate_limit_per_minute (client,
                                            vqs_instance_get_rate_limit_per_minute (instance));

  return g_object_ref (client);
}

/* Fills @op with the validated, normalised values of @changes applied to
 * @editing (or to the defaults when creating).
 */
static gboolean
resolve_changes (VqsInstanceManager       *self,
                 VqsInstance              *editing,
                 const VqsInstanceChanges *changes,
                 Op                       *op,
                 GError                  **error)
{
  VqsInstanceSettings settings = { 0 };
  gint64 timeout = changes->timeout_seconds;
  gint64 rate = changes->rate_limit_per_minute;

  if (editing != NULL)
    {
      settings.name = changes->name ? changes->name : vqs_instance_get_name (editing);
      settings.kind = changes->kind ? changes->kind
                                    : vqs_arr_kind_to_string (vqs_instance_get_kind (editing));
      settings.url = changes->url ? changes->url : vqs_instance_get_url (editing);
      if (timeout < 0)
        timeout = vqs_instance_get_timeout_seconds (editing);
      if (rate < 0)
        rate = vqs_instance_get_rate_limit_per_minute (editing);
      op->verify_tls = changes->verify_tls < 0 ? vqs_instance_get_verify_tls (editing)
                                               : changes->verify_tls != 0;
    }
  else
    {
      settings.name = changes->name;
      settings.kind = changes->kind;
      settings.url = changes->url;
      if (timeout < 0)
        timeout = VQS_INSTANCE_DEFAULT_TIMEOUT_SECONDS;
      if (rate < 0)
        rate = VQS_INSTANCE_DEFAULT_RATE_LIMIT_PER_MINUTE;
      op->verify_tls = changes->verify_tls != 0;
    }

  /* Values beyond int come from the bus (type u); the range check must
   * still see them as out of range rather than wrapped around.
   */
  settings.timeout_seconds = (int)CLAMP (timeout, G_MININT, G_MAXINT);
  settings.rate_limit_per_minute = (int)CLAMP (rate, G_MININT, G_MAXINT);
  settings.api_key = changes->api_key;

  if (editing == NULL && changes->api_key == NULL)
    return vqs_instance_validate_api_key (NULL, TRUE, error);

  if (!vqs_instance_validate_settings (&settings, G_LIST_MODEL (self), editing,
                                       &op->name, &op->url, &op->kind, error))
    return FALSE;

  op->timeout_seconds = settings.timeout_seconds;
  op->rate_limit_per_minute = settings.rate_limit_per_minute;
  op->api_key = g_strdup (changes->api_key);

  return TRUE;
}

/**
 * vqs_instance_manager_validate:
 * @editing: (nullable): the instance being edited, or %NULL when adding
 *
 * Checks @changes with exactly the rules create and update apply, without
 * touching anything; the error names the field.
 */
gboolean
vqs_instance_manager_validate (VqsInstanceManager       *self,
                               VqsInstance              *editing,
                               const VqsInstanceChanges *changes,
                               GError                  **error)
{
  g_autoptr(Op) op = g_new0 (Op, 1);

  g_return_val_if_fail (VQS_IS_INSTANCE_MANAGER (self), FALSE);
  g_return_val_if_fail (changes != NULL, FALSE);

  return resolve_changes (self, editing, changes, op, error);
}

/* Loading */

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VqsInstanceManager *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  guint removed;

  loaded = vqs_instance_store_load_finish (VQS_INSTANCE_STORE (object), result, &error);
  if (loaded == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  removed = self->instances->len;
  g_ptr_array_set_size (self->instances, 0);
  g_hash_table_remove_all (self->clients);
  for (guint i = 0; i < loaded->len; i++)
    g_ptr_array_add (self->instances, g_object_ref (g_ptr_array_index (loaded, i)));

  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->instances->len);
  g_task_return_boolean (task, TRUE);
}

void
vqs_instance_manager_load_async (VqsInstanceManager  *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VQS_IS_INSTANCE_MANAGER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vqs_instance_manager_load_async);
  vqs_instance_store_load_async (self->store, cancellable, load_cb, task);
}

gboolean
vqs_instance_manager_load_finish (VqsInstanceManager  *self,
                                  GAsyncResult        *result,
                                  GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Connection tests */

static void start_status_request (GTask *task);

static VqsConnectionTest *
connection_test_new_failure (const GError *error)
{
  VqsConnectionTest *test = g_new0 (VqsConnectionTest, 1);

  test->success = FALSE;
  test->message = g_strdup (_("Connection test failed"));
  test->version = g_strdup ("");
  test->error_details = g_strdup (error->message);
  test->error = g_error_copy (error);

  return test;
}

static void
health_saved_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* The test itself is the answer; a failure to remember its outcome is
   * worth a warning but must not turn a good connection into an error.
   */
  if (!vqs_instance_store_update_health_finish (VQS_INSTANCE_STORE (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Could not save the health of instance %" G_GINT64_FORMAT ": %s",
               vqs_instance_get_id (op->instance), error->message);

  log_operation ("test-connection", vqs_instance_get_id (op->instance), op->test->error);
  g_task_return_pointer (task, g_steal_pointer (&op->test), (GDestroyNotify)vqs_connection_test_free);
}

/* Keeps the manager and the instance alive until the first baseline of a
 * freshly tested instance is known to exist.
 */
typedef struct
{
  VqsInstanceManager *self;
  VqsInstance        *instance;
} FirstBaseline;

static void
first_baseline_free (FirstBaseline *first)
{
  /* Released only after the drift check (if any) holds its own count,
   * so the manager never looks idle in between.
   */
  busy_release (first->self);
  g_clear_object (&first->self);
  g_clear_object (&first->instance);
  g_free (first);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FirstBaseline, first_baseline_free)

static void baseline_loaded_for_test_cb (GObject      *object,
                                         GAsyncResult *result,
                                         gpointer      user_data);

/* Records the outcome on the instance (the window and the bus see it
 * through notify) and persists it.
 */
static void
finish_connection_test (GTask *task)
{
  Op *op = g_task_get_task_data (task);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  if (op->instance == NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&op->test),
                             (GDestroyNotify)vqs_connection_test_free);
      return;
    }

  vqs_instance_set_last_connection_test (op->instance, now);
  vqs_instance_set_is_healthy (op->instance, op->test->success);
  if (op->test->success)
    {
      vqs_instance_set_last_connection_success (op->instance, now);
      vqs_instance_set_last_error (op->instance, NULL);
      vqs_instance_set_version (op->instance, op->test->version);
    }
  else
    {
      vqs_instance_set_last_error (op->instance, op->test->error_details);
    }

  vqs_instance_store_update_health_async (op->self->store, op->instance, NULL,
                                          health_saved_cb, g_object_ref (task));

  /* The first successful test also records the configuration baseline
   * that drift checks compare against.
   */
  if (op->test->success)
    {
      FirstBaseline *first = g_new0 (FirstBaseline, 1);

      first->self = g_object_ref (op->self);
      first->instance = g_object_ref (op->instance);
      busy_hold (first->self);
      vqs_instance_store_load_baseline_async (op->self->store,
                                              vqs_instance_get_id (op->instance),
                                              NULL, baseline_loaded_for_test_cb, first);
    }
}

static void
status_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(VqsSystemStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  VqsConnectionTest *test;

  status = vqs_arr_client_get_status_finish (VQS_ARR_CLIENT (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (op->instance != NULL)
        log_operation ("test-connection", vqs_instance_get_id (op->instance), error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (status == NULL)
    {
      op->test = connection_test_new_failure (error);
      op->test->response_time_ms = (g_get_monotonic_time () - op->started_us) / 1000;
      finish_connection_test (task);
      return;
    }

  test = g_new0 (VqsConnectionTest, 1);
  test->success = TRUE;
  test->version = g_strdup (status->version ? status->version : "");
  test->response_time_ms = (g_get_monotonic_time () - op->started_us) / 1000;
  test->error_details = g_strdup ("");
  /* Translators: "Connected to Sonarr 4.0.19.2979 in 84 ms" */
  test->message = g_strdup_printf (_("Connected to %s %s in %u ms"),
                                   status->app_name ? status->app_name : "",
                                   test->version, test->response_time_ms);
  op->test = test;
  finish_connection_test (task);
}

static void
start_status_request (GTask *task)
{
  Op *op = g_task_get_task_data (task);

  vqs_arr_client_set_api_key (op->client, op->api_key);
  op->started_us = g_get_monotonic_time ();
  vqs_arr_client_get_status_async (op->client, g_task_get_cancellable (task),
                                   status_cb, g_object_ref (task));
}

static void
key_for_test_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  op->api_key = vqs_secret_store_lookup_finish (VQS_SECRET_STORE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      log_operation ("test-connection", vqs_instance_get_id (op->instance), error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (error != NULL)
    {
      g_autoptr(GError) wrapped = keyring_error (error);

      op->test = connection_test_new_failure (wrapped);
      finish_connection_test (task);
      return;
    }

  if (op->api_key == NULL)
    {
      g_autoptr(GError) missing =
        g_error_new_literal (VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_KEYRING,
                             _("No API key is stored for this instance. Edit the instance and "
                               "enter its API key again."));

      op->test = connection_test_new_failure (missing);
      finish_connection_test (task);
      return;
    }

  start_status_request (task);
}

void
vqs_instance_manager_test_connection_async (VqsInstanceManager  *self,
                                            VqsInstance         *instance,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Op *op;

  g_return_if_fail (VQS_IS_INSTANCE_MANAGER (self));
  g_return_if_fail (VQS_IS_INSTANCE (instance));

  task = op_task_new (self, instance, vqs_instance_manager_test_connection_async,
                      cancellable, callback, user_data);
  op = g_task_get_task_data (task);
  op->client = ensure_client (self, instance);

  vqs_secret_store_lookup_async (self->secrets, vqs_instance_get_uuid (instance), cancellable,
                                 key_for_test_cb, g_steal_pointer (&task));
}

/**
 * vqs_instance_manager_test_connection_finish:
 *
 * A failed test is not an error: it returns a result with @success
 * %FALSE. Errors are reserved for cancellation.
 *
 * Returns: (transfer full): the outcome
 */
VqsConnectionTest *
vqs_instance_manager_test_connection_finish (VqsInstanceManager  *self,
                                             GAsyncResult        *result,
                                             GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
key_for_settings_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  op->api_key = vqs_secret_store_lookup_finish (VQS_SECRET_STORE (object), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, keyring_error (error));
      return;
    }

  start_status_request (task);
}

void
vqs_instance_manager_test_settings_async (VqsInstanceManager       *self,
                                          VqsInstance              *editing,
                                          const VqsInstanceChanges *settings,
                                          GCancellable             *cancellable,
                                          GAsyncReadyCallback       callback,
                                          gpointer                  user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  VqsInstanceChanges changes;
  Op *op;

  g_return_if_fail (VQS_IS_INSTANCE_MANAGER (self));
  g_return_if_fail (editing == NULL || VQS_IS_INSTANCE (editing));
  g_return_if_fail (settings != NULL);

  task = op_task_new (self, NULL, vqs_instance_manager_test_settings_async,
                      cancellable, callback, user_data);
  op = g_task_get_task_data (task);

  /* The name plays no part in a connection test, and may still be
   * incomplete while the user types; check everything else.
   */
  changes = *settings;
  if (changes.name == NULL || editing != NULL)
    changes.name = editing ? vqs_instance_get_name (editing) : "Connection test";
  if (!resolve_changes (self, editing, &changes, op, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* A separate client: these settings are not the instance's yet. */
  op->client = vqs_arr_client_new (op->kind, op->url, NULL);
  vqs_arr_client_set_verify_tls (op->client, op->verify_tls);
  vqs_arr_client_set_timeout_seconds (op->client, op->timeout_seconds);
  vqs_arr_client_set_rate_limit_per_minute (op->client, op->rate_limit_per_minute);
  vqs_arr_client_set_max_retries (op->client, 0);

  /* Trying new settings of a saved instance still counts against that
   * instance's limit: it is most likely the same server.
   */
  if (editing != NULL)
    {
      g_autoptr(VqsArrClient) instance_client = ensure_client (self, editing);

      vqs_arr_client_share_rate_limiter (op->client, instance_client);
    }

  if (op->api_key == NULL && editing != NULL)
    vqs_secret_store_lookup_async (self->secrets, vqs_instance_get_uuid (editing), cancellable,
                                   key_for_settings_cb, g_steal_pointer (&task));
  else
    start_status_request (g_steal_pointer (&task));
}

VqsConnectionTest *
vqs_instance_manager_test_settings_finish (VqsInstanceManager  *self,
                                           GAsyncResult        *result,
                                           GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Creating */

static void
test_in_background (VqsInstanceManager *self,
                    VqsInstance        *instance)
{
  vqs_instance_manager_test_connection_async (self, instance, NULL, NULL, NULL);
}

static void
secret_cleared_after_failure_cb (GObject      *object,
                                 GAsyncResult *result,
                                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!vqs_secret_store_clear_finish (VQS_SECRET_STORE (object), result, &error))
    g_warning ("Could not remove the API key of an instance that failed to save: %s",
               error->message);

  log_operation ("create", 0, op->error);
  g_task_return_error (task, g_steal_pointer (&op->error));
}

static void
row_inserted_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  VqsInstanceManager *self = op->self;

  if (!vqs_instance_store_insert_finish (VQS_INSTANCE_STORE (object), result, &op->error))
    {
      /* All or nothing: the key stored a moment ago goes too. */
      vqs_secret_store_clear_async (self->secrets, vqs_instance_get_uuid (op->candidate), NULL,
                                    secret_cleared_after_failure_cb, g_steal_pointer (&task));
      return;
    }

  g_ptr_array_insert (self->instances, 0, g_object_ref (op->candidate));
  g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, 1);

  log_operation ("create", vqs_instance_get_id (op->candidate), NULL);
  test_in_background (self, op->candidate);

  g_task_return_pointer (task, g_object_ref (op->candidate), g_object_unref);
}

static void
secret_stored_for_create_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!vqs_secret_store_store_finish (VQS_SECRET_STORE (object), result, &error))
    {
      op->error = keyring_error (error);
      log_operation ("create", 0, op->error);
      g_task_return_error (task, g_steal_pointer (&op->error));
      return;
    }

  /* The insert runs even if the caller cancels now: the key is already
   * in the keyring, and the store reports what really happened.
   */
  vqs_instance_store_insert_async (op->self->store, op->candidate, NULL,
                                   row_inserted_cb, g_steal_pointer (&task));
}

static VqsInstance *
candidate_new (Op *op)
{
  VqsInstance *candidate = vqs_instance_new (op->name, op->kind, op->url);

  vqs_instance_set_verify_tls (candidate, op->verify_tls);
  vqs_instance_set_timeout_seconds (candidate, op->timeout_seconds);
  vqs_instance_set_rate_limit_per_minute (candidate, op->rate_limit_per_minute);

  return candidate;
}

void
vqs_instance_manager_create_async (VqsInstanceManager       *self,
                                   const VqsInstanceChanges *settings,
                                   GCancellable             *cancellable,
                                   GAsyncReadyCallback       callback,
                                   gpointer                  user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  Op *op;

  g_return_if_fail (VQS_IS_INSTANCE_MANAGER (self));
  g_return_if_fail (settings != NULL);

  task = op_task_new (self, NULL, vqs_instance_manager_create_async,
                      cancellable, callback, user_data);
  op = g_task_get_task_data (task);

  if (!resolve_changes (self, NULL, settings, op, &error))
    {
      log_operation ("create", 0, error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The key goes into the keyring first, under a uuid chosen here; the
   * row follows only once the keyring has accepted it.
   */
  op->candidate = candidate_new (op);
  _vqs_instance_set_uuid (op->candidate, uuid);
  vqs_instance_set_has_api_key (op->candidate, TRUE);

  vqs_secret_store_store_async (self->secrets, uuid, op->name, op->api_key, cancellable,
                                secret_stored_for_create_cb, g_steal_pointer (&task));
}

/**
 * vqs_instance_manager_create_finish:
 *
 * Returns: (transfer full): the new instance, already in the list
 */
VqsInstance *
vqs_instance_manager_create_finish (VqsInstanceManager  *self,
                                    GAsyncResult        *result,
                                    GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Updating */

static void
apply_candidate (VqsInstance *instance,
                 VqsInstance *candidate)
{
  g_object_freeze_notify (G_OBJECT (instance));
  vqs_instance_set_name (instance, vqs_instance_get_name (candidate));
  vqs_instance_set_kind (instance, vqs_instance_get_kind (candidate));
  vqs_instance_set_url (instance, vqs_instance_get_url (candidate));
  vqs_instance_set_verify_tls (instance, vqs_instance_get_verify_tls (candidate));
  vqs_instance_set_timeout_seconds (instance, vqs_instance_get_timeout_seconds (candidate));
  vqs_instance_set_rate_limit_per_minute (instance,
                                          vqs_instance_get_rate_limit_per_minute (candidate));
  vqs_instance_set_has_api_key (instance, vqs_instance_get_has_api_key (candidate));
  _vqs_instance_set_updated_at (instance, vqs_instance_get_updated_at (candidate));
  g_object_thaw_notify (G_OBJECT (instance));
}

static void
row_updated_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gint64 id = vqs_instance_get_id (op->instance);

  if (!vqs_instance_store_update_finish (VQS_INSTANCE_STORE (object), result, &error))
    {
      log_operation ("update", id, error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  apply_candidate (op->instance, op->candidate);
  log_operation ("update", id, NULL);

  if (op->needs_test)
    test_in_background (op->self, op->instance);

  g_task_return_boolean (task, TRUE);
}

static void
save_update (GTask *task)
{
  Op *op = g_task_get_task_data (task);

  vqs_instance_store_update_async (op->self->store, op->candidate, NULL,
                                   row_updated_cb, g_object_ref (task));
}

static void
secret_stored_for_update_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!vqs_secret_store_store_finish (VQS_SECRET_STORE (object), result, &error))
    {
      g_autoptr(GError) wrapped = keyring_error (error);

      log_operation ("update", vqs_instance_get_id (op->instance), wrapped);
      g_task_return_error (task, g_steal_pointer (&wrapped));
      return;
    }

  save_update (task);
}

void
vqs_instance_manager_update_async (VqsInstanceManager       *self,
                                   VqsInstance              *instance,
                                   const VqsInstanceChanges *changes,
                                   GCancellable             *cancellable,
                                   GAsyncReadyCallback       callback,
                                   gpointer                  user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Op *op;

  g_return_if_fail (VQS_IS_INSTANCE_MANAGER (self));
  g_return_if_fail (VQS_IS_INSTANCE (instance));
  g_return_if_fail (changes != NULL);

  task = op_task_new (self, instance, vqs_instance_manager_update_async,
                      cancellable, callback, user_data);
  op = g_task_get_task_data (task);

  if (vqs_instance_manager_find_by_id (self, vqs_instance_get_id (instance)) != instance)
    {
      return_not_found (task, "update", vqs_instance_get_id (instance));
      return;
    }

  if (!resolve_changes (self, instance, changes, op, &error))
    {
      log_operation ("update", vqs_instance_get_id (instance), error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The changes are written from a copy, and reach the live instance
   * (and so every view of it) only once they are saved.
   */
  op->candidate = candidate_new (op);
  _vqs_instance_set_id (op->candidate, vqs_instance_get_id (instance));
  _vqs_instance_set_uuid (op->candidate, vqs_instance_get_uuid (instance));
  _vqs_instance_set_created_at (op->candidate, vqs_instance_get_created_at (instance));
  vqs_instance_set_has_api_key (op->candidate,
                                op->api_key != NULL || vqs_instance_get_has_api_key (instance));
  op->needs_test = op->api_key != NULL ||
                   op->kind != vqs_instance_get_kind (instance) ||
                   op->verify_tls != vqs_instance_get_verify_tls (instance) ||
                   g_strcmp0 (op->url, vqs_instance_get_url (instance)) != 0;

  if (op->api_key != NULL)
    vqs_secret_store_store_async (self->secrets, vqs_instance_get_uuid (instance), op->name,
                                  op->api_key, cancellable,
                                  secret_stored_for_update_cb, g_steal_pointer (&task));
  else
    save_update (task);
}

gboolean
vqs_instance_manager_update_finish (VqsInstanceManager  *self,
                                    GAsyncResult        *result,
                                    GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Deleting */

static void
secret_cleared_for_delete_cb (GObject      *object,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* The instance is gone either way; a keyring that cannot be reached
   * right now leaves an orphaned item, which is worth a warning only.
   */
  if (!vqs_secret_store_clear_finish (VQS_SECRET_STORE (object), result, &error))
    g_warning ("Could not remove the API key of deleted instance %" G_GINT64_FORMAT ": %s",
               vqs_instance_get_id (op->instance), error->message);

  log_operation ("delete", vqs_instance_get_id (op->instance), NULL);
  g_task_return_boolean (task, TRUE);
}

static void
row_deleted_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!vqs_instance_store_delete_finish (VQS_INSTANCE_STORE (object), result, &error))
    {
      log_operation ("delete", vqs_instance_get_id (op->instance), error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  remove_instance (op->self, op->instance);
  vqs_secret_store_clear_async (op->self->secrets, vqs_instance_get_uuid (op->instance), NULL,
                                secret_cleared_for_delete_cb, g_steal_pointer (&task));
}

void
vqs_instance_manager_delete_async (VqsInstanceManager  *self,
                                   VqsInstance         *instance,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VQS_IS_INSTANCE_MANAGER (self));
  g_return_if_fail (VQS_IS_INSTANCE (instance));

  task = op_task_new (self, instance, vqs_instance_manager_delete_async,
                      cancellable, callback, user_data);

  if (vqs_instance_manager_find_by_id (self, vqs_instance_get_id (instance)) != instance)
    {
      return_not_found (task, "delete", vqs_instance_get_id (instance));
      return;
    }

  vqs_instance_store_delete_async (self->store, vqs_instance_get_id (instance), NULL,
                                   row_deleted_cb, g_steal_pointer (&task));
}

gboolean
vqs_instance_manager_delete_finish (VqsInstanceManager  *self,
                                    GAsyncResult        *result,
                                    GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Drift: fetch status, profiles, root folders and tags in turn (each
 * through the instance's rate limiter), then compare or save.
 */

static void
fail_drift (GTask  *task,
            GError *error)
{
  Op *op = g_task_get_task_data (task);
  const char *operation = g_task_get_source_tag (task) == vqs_instance_manager_accept_drift_async
                          ? "accept-drift" : "check-drift";

  if (op->instance != NULL)
    log_operation (operation, vqs_instance_get_id (op->instance), error);
  g_task_return_error (task, error);
}

static void
tags_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GPtrArray) tags = NULL;
  GError *error = NULL;

  tags = vqs_arr_client_get_tags_finish (VQS_ARR_CLIENT (object), result, &error);
  if (tags == NULL)
    {
      fail_drift (task, error);
      return;
    }

  op->snapshot = vqs_drift_snapshot_new (op->status, op->profiles, op->folders, tags);
  op->snapshot_ready (task);
}

static void
folders_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  op->folders = vqs_arr_client_get_root_folders_finish (VQS_ARR_CLIENT (object), result, &error);
  if (op->folders == NULL)
    {
      fail_drift (task, error);
      return;
    }

  vqs_arr_client_get_tags_async (op->client, g_task_get_cancellable (task),
                                 tags_cb, g_object_ref (task));
}

static void
profiles_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  op->profiles = vqs_arr_client_get_quality_profiles_finish (VQS_ARR_CLIENT (object), result,
                                                             &error);
  if (op->profiles == NULL)
    {
      fail_drift (task, error);
      return;
    }

  vqs_arr_client_get_root_folders_async (op->client, g_task_get_cancellable (task),
                                         folders_cb, g_object_ref (task));
}

static void
drift_status_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  op->status = vqs_arr_client_get_status_finish (VQS_ARR_CLIENT (object), result, &error);
  if (op->status == NULL)
    {
      fail_drift (task, error);
      return;
    }

  vqs_arr_client_get_quality_profiles_async (op->client, g_task_get_cancellable (task),
                                             profiles_cb, g_object_ref (task));
}

static void
key_for_drift_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  op->api_key = vqs_secret_store_lookup_finish (VQS_SECRET_STORE (object), result, &error);
  if (error != NULL)
    {
      fail_drift (task, keyring_error (error));
      return;
    }

  if (op->api_key == NULL)
    {
      fail_drift (task, g_error_new_literal (VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_KEYRING,
                                             _("No API key is stored for this instance. Edit "
                                               "the instance and enter its API key again.")));
      return;
    }

  vqs_arr_client_set_api_key (op->client, op->api_key);
  vqs_arr_client_get_status_async (op->client, g_task_get_cancellable (task),
                                   drift_status_cb, g_object_ref (task));
}

static GTask *
start_snapshot (VqsInstanceManager  *self,
                VqsInstance         *instance,
                gpointer             source_tag,
                SnapshotReady        ready,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  GTask *task = op_task_new (self, instance, source_tag, cancellable, callback, user_data);
  Op *op = g_task_get_task_data (task);

  op->snapshot_ready = ready;

  if (vqs_instance_manager_find_by_id (self, vqs_instance_get_id (instance)) != instance)
    {
      fail_drift (task, g_error_new_literal (VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_NOT_FOUND,
                                             _("This instance no longer exists.")));
      return task;
    }

  op->client = ensure_client (self, instance);
  vqs_secret_store_lookup_async (self->secrets, vqs_instance_get_uuid (instance), cancellable,
                                 key_for_drift_cb, g_object_ref (task));

  return task;
}

static void
baseline_saved_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (!vqs_instance_store_save_baseline_finish (VQS_INSTANCE_STORE (object), result, &error))
    {
      fail_drift (task, error);
      return;
    }

  if (g_task_get_source_tag (task) == vqs_instance_manager_accept_drift_async)
    {
      log_operation ("accept-drift", vqs_instance_get_id (op->instance), NULL);
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* A check without a baseline: this snapshot is the baseline now. */
  {
    VqsDriftReport *report = g_new0 (VqsDriftReport, 1);

    report->changes = g_ptr_array_new_with_free_func ((GDestroyNotify)vqs_drift_change_free);
    report->current_version = g_strdup (vqs_drift_snapshot_get_version (op->snapshot));
    report->quality_profiles_count = vqs_drift_snapshot_get_n_quality_profiles (op->snapshot);
    report->baseline_taken = TRUE;
    log_operation ("check-drift", vqs_instance_get_id (op->instance), NULL);
    g_task_return_pointer (task, report, (GDestroyNotify)vqs_drift_report_free);
  }
}

static void
save_snapshot_as_baseline (GTask *task)
{
  Op *op = g_task_get_task_data (task);
  g_autofree char *json = vqs_drift_snapshot_to_json (op->snapshot);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  vqs_instance_store_save_baseline_async (op->self->store, vqs_instance_get_id (op->instance),
                                          json, now, NULL, baseline_saved_cb, g_object_ref (task));
}

static void
baseline_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(VqsDriftSnapshot) baseline = NULL;
  g_autofree char *json = NULL;
  GError *error = NULL;
  VqsDriftReport *report;

  json = vqs_instance_store_load_baseline_finish (VQS_INSTANCE_STORE (object), result, NULL,
                                                  &error);
  if (error != NULL)
    {
      fail_drift (task, error);
      return;
    }

  if (json != NULL)
    baseline = vqs_drift_snapshot_new_from_json (json, &error);

  /* No baseline yet, or one this version cannot read: start afresh. */
  if (baseline == NULL)
    {
      if (error != NULL)
        g_warning ("Replacing the unreadable baseline of instance %" G_GINT64_FORMAT ": %s",
                   vqs_instance_get_id (op->instance), error->message);
      g_clear_error (&error);
      save_snapshot_as_baseline (task);
      return;
    }

  report = g_new0 (VqsDriftReport, 1);
  report->changes = vqs_drift_snapshot_compare (baseline, op->snapshot);
  report->drift_detected = report->changes->len > 0;
  report->current_version = g_strdup (vqs_drift_snapshot_get_version (op->snapshot));
  report->quality_profiles_count = vqs_drift_snapshot_get_n_quality_profiles (op->snapshot);

  log_operation ("check-drift", vqs_instance_get_id (op->instance), NULL);
  g_task_return_pointer (task, report, (GDestroyNotify)vqs_drift_report_free);
}

static void
compare_with_baseline (GTask *task)
{
  Op *op = g_task_get_task_data (task);

  vqs_instance_store_load_baseline_async (op->self->store, vqs_instance_get_id (op->instance),
                                          NULL, baseline_loaded_cb, g_object_ref (task));
}

void
vqs_instance_manager_check_drift_async (VqsInstanceManager  *self,
                                        VqsInstance         *instance,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VQS_IS_INSTANCE_MANAGER (self));
  g_return_if_fail (VQS_IS_INSTANCE (instance));

  task = start_snapshot (self, instance, vqs_instance_manager_check_drift_async,
                         compare_with_baseline, cancellable, callback, user_data);
}

/**
 * vqs_instance_manager_check_drift_finish:
 *
 * Returns: (transfer full): the changes since the baseline
 */
VqsDriftReport *
vqs_instance_manager_check_drift_finish (VqsInstanceManager  *self,
                                         GAsyncResult        *result,
                                         GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
vqs_instance_manager_accept_drift_async (VqsInstanceManager  *self,
                                         VqsInstance         *instance,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VQS_IS_INSTANCE_MANAGER (self));
  g_return_if_fail (VQS_IS_INSTANCE (instance));

  task = start_snapshot (self, instance, vqs_instance_manager_accept_drift_async,
                         save_snapshot_as_baseline, cancellable, callback, user_data);
}

gboolean
vqs_instance_manager_accept_drift_finish (VqsInstanceManager  *self,
                                          GAsyncResult        *result,
                                          GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
first_baseline_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(VqsDriftReport) report = NULL;
  g_autoptr(GError) error = NULL;

  report = vqs_instance_manager_check_drift_finish (VQS_INSTANCE_MANAGER (object), result, &error);
  if (report == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Could not take the first drift baseline: %s", error->message);
}


static void
baseline_loaded_for_test_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(FirstBaseline) first = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  gint64 id = vqs_instance_get_id (first->instance);

  json = vqs_instance_store_load_baseline_finish (VQS_INSTANCE_STORE (object), result, NULL,
                                                  &error);
  if (json != NULL || error != NULL)
    return;

  /* The instance may have been deleted while the store answered. */
  if (vqs_instance_manager_find_by_id (first->self, id) != first->instance)
    return;

  vqs_instance_manager_check_drift_async (first->self, first->instance, NULL,
                                          first_baseline_cb, NULL);
}
