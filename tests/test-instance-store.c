/* test-instance-store.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-instance-store"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "vqs-db.h"
#include "vqs-instance-private.h"
#include "vqs-instance-store.h"
#include "vqs-instance-validate.h"
#include "vqs-instance.h"

#define TEST_KEY "f00dfacecafe0123456789abcdef4242"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static GThread *main_thread;

static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
      g_assert_cmpint (g_rmdir (path), ==, 0);
    }
  else
    {
      g_assert_cmpint (g_unlink (path), ==, 0);
    }
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("vqs-store-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "instances.db", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

/* Every result must come back on the thread (and main context) that
 * started the operation, whatever thread did the work.
 */
static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_true (g_thread_self () == main_thread);
  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *slot;
}

static GPtrArray *
load (VqsInstanceStore  *store,
      GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vqs_instance_store_load_async (store, NULL, result_cb, &result);
  return vqs_instance_store_load_finish (store, wait_for (&result), error);
}

static gboolean
insert (VqsInstanceStore  *store,
        VqsInstance       *instance,
        GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vqs_instance_store_insert_async (store, instance, NULL, result_cb, &result);
  return vqs_instance_store_insert_finish (store, wait_for (&result), error);
}

static gboolean
update (VqsInstanceStore  *store,
        VqsInstance       *instance,
        GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vqs_instance_store_update_async (store, instance, NULL, result_cb, &result);
  return vqs_instance_store_update_finish (store, wait_for (&result), error);
}

static gboolean
update_health (VqsInstanceStore  *store,
               VqsInstance       *instance,
               GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vqs_instance_store_update_health_async (store, instance, NULL, result_cb, &result);
  return vqs_instance_store_update_health_finish (store, wait_for (&result), error);
}

static gboolean
delete (VqsInstanceStore  *store,
        gint64             id,
        GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vqs_instance_store_delete_async (store, id, NULL, result_cb, &result);
  return vqs_instance_store_delete_finish (store, wait_for (&result), error);
}

static VqsInstance *
insert_new (VqsInstanceStore *store,
            const char       *name,
            const char       *url)
{
  g_autoptr(VqsInstance) instance = vqs_instance_new (name, VQS_ARR_KIND_SONARR, url);
  g_autoptr(GError) error = NULL;

  g_assert_true (insert (store, instance, &error));
  g_assert_no_error (error);
  g_assert_cmpint (vqs_instance_get_id (instance), >, 0);

  return g_steal_pointer (&instance);
}

static void
assert_same_date_time (GDateTime *a,
                       GDateTime *b)
{
  if (a == NULL || b == NULL)
    g_assert_true (a == b);
  else
    g_assert_true (g_date_time_equal (a, b));
}

/* Compares every property, so that a field the store forgets to write or
 * read shows up here.
 */
static void
assert_same_instance (VqsInstance *a,
                      VqsInstance *b)
{
  g_assert_cmpint (vqs_instance_get_id (a), ==, vqs_instance_get_id (b));
  g_assert_cmpstr (vqs_instance_get_uuid (a), ==, vqs_instance_get_uuid (b));
  g_assert_cmpstr (vqs_instance_get_name (a), ==, vqs_instance_get_name (b));
  g_assert_cmpint (vqs_instance_get_kind (a), ==, vqs_instance_get_kind (b));
  g_assert_cmpstr (vqs_instance_get_url (a), ==, vqs_instance_get_url (b));
  g_assert_cmpint (vqs_instance_get_verify_tls (a), ==, vqs_instance_get_verify_tls (b));
  g_assert_cmpint (vqs_instance_get_timeout_seconds (a), ==,
                   vqs_instance_get_timeout_seconds (b));
  g_assert_cmpint (vqs_instance_get_rate_limit_per_minute (a), ==,
                   vqs_instance_get_rate_limit_per_minute (b));
  g_assert_cmpint (vqs_instance_get_has_api_key (a), ==, vqs_instance_get_has_api_key (b));
  g_assert_cmpint (vqs_instance_get_is_healthy (a), ==, vqs_instance_get_is_healthy (b));
  assert_same_date_time (vqs_instance_get_last_connection_test (a),
                         vqs_instance_get_last_connection_test (b));
  assert_same_date_time (vqs_instance_get_last_connection_success (a),
                         vqs_instance_get_last_connection_success (b));
  g_assert_cmpstr (vqs_instance_get_last_error (a), ==, vqs_instance_get_last_error (b));
  g_assert_cmpstr (vqs_instance_get_version (a), ==, vqs_instance_get_version (b));
  assert_same_date_time (vqs_instance_get_created_at (a), vqs_instance_get_created_at (b));
  assert_same_date_time (vqs_instance_get_updated_at (a), vqs_instance_get_updated_at (b));
  g_assert_cmpstr (vqs_instance_get_security_warning (a), ==,
                   vqs_instance_get_security_warning (b));
}

static gint64
query_int (VqsDb      *db,
           const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *value = vqs_db_query_string (db, sql, &error);

  g_assert_no_error (error);
  g_assert_nonnull (value);
  return g_ascii_strtoll (value, NULL, 10);
}

static VqsDb *
open_db (const char *path)
{
  g_autoptr(VqsDb) db = vqs_db_new (path);
  g_autoptr(GError) error = NULL;

  g_assert_true (vqs_db_open (db, &error));
  g_assert_no_error (error);

  return g_steal_pointer (&db);
}

static void
test_create_read_update_delete (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "a", "b", "instances.db", NULL);
  g_autofree char *folder = g_path_get_dirname (path);
  g_autoptr(VqsInstanceStore) store = vqs_instance_store_new (path);
  g_autoptr(VqsInstance) first = NULL;
  g_autoptr(VqsInstance) second = NULL;
  g_autoptr(VqsInstance) third = NULL;
  g_autoptr(GPtrArray) instances = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  g_assert_cmpstr (vqs_instance_store_get_path (store), ==, path);

  /* Name and URL are stored normalised, and the object shows that too. */
  first = insert_new (store, "  Main Sonarr ", "HTTP://NAS:8989/");
  g_assert_cmpstr (vqs_instance_get_name (first), ==, "Main Sonarr");
  g_assert_cmpstr (vqs_instance_get_url (first), ==, "http://nas:8989");
  g_assert_true (g_uuid_string_is_valid (vqs_instance_get_uuid (first)));
  g_assert_nonnull (vqs_instance_get_created_at (first));
  assert_same_date_time (vqs_instance_get_created_at (first),
                         vqs_instance_get_updated_at (first));

  second = insert_new (store, "Radarr", "http://nas:7878");
  g_assert_cmpint (vqs_instance_get_id (second), >, vqs_instance_get_id (first));
  g_assert_cmpstr (vqs_instance_get_uuid (second), !=, vqs_instance_get_uuid (first));

  /* A uuid chosen beforehand (the keyring entry's) is kept. */
  third = vqs_instance_new ("Lidarr-ish", VQS_ARR_KIND_RADARR, "http://nas:8686");
  _vqs_instance_set_uuid (third, "5a1e1c3c-9f0e-4d8b-8c4e-2b7f6a9d0e11");
  g_assert_true (insert (store, third, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (vqs_instance_get_uuid (third), ==, "5a1e1c3c-9f0e-4d8b-8c4e-2b7f6a9d0e11");
  g_assert_true (delete (store, vqs_instance_get_id (third), &error));

  /* The folders were created private, and the file too. */
  g_assert_cmpint (g_stat (folder, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0077, ==, 0);

  instances = load (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (instances->len, ==, 2);
  assert_same_instance (g_ptr_array_index (instances, 0), second);  /* newest first */
  assert_same_instance (g_ptr_array_index (instances, 1), first);
  g_clear_pointer (&instances, g_ptr_array_unref);

  vqs_instance_set_name (first, "Sonarr 4K");
  vqs_instance_set_kind (first, VQS_ARR_KIND_RADARR);
  vqs_instance_set_url (first, "https://media.example.org/sonarr/");
  vqs_instance_set_verify_tls (first, FALSE);
  vqs_instance_set_timeout_seconds (first, 90);
  vqs_instance_set_rate_limit_per_minute (first, 10);
  vqs_instance_set_has_api_key (first, TRUE);
  g_assert_true (update (store, first, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (vqs_instance_get_url (first), ==, "https://media.example.org/sonarr");
  g_assert_cmpint (g_date_time_compare (vqs_instance_get_updated_at (first),
                                        vqs_instance_get_created_at (first)), >=, 0);

  instances = load (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (instances->len, ==, 2);
  assert_same_instance (g_ptr_array_index (instances, 1), first);
  g_clear_pointer (&instances, g_ptr_array_unref);

  g_assert_true (delete (store, vqs_instance_get_id (second), &error));
  g_assert_no_error (error);
  instances = load (store, &error);
  g_assert_cmpuint (instances->len, ==, 1);
  assert_same_instance (g_ptr_array_index (instances, 0), first);

  /* Gone is gone: a second delete, or an update, finds nothing. */
  g_assert_false (delete (store, vqs_instance_get_id (second), &error));
  g_assert_error (error, VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (update (store, second, &error));
  g_assert_error (error, VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (update_health (store, second, &error));
  g_assert_error (error, VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_NOT_FOUND);
}

static void
test_invalid_not_written (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(VqsInstanceStore) store = vqs_instance_store_new (fixture->path);
  g_autoptr(VqsInstance) bad_name = vqs_instance_new ("x", VQS_ARR_KIND_SONARR,
                                                      "http://nas:8989");
  g_autoptr(VqsInstance) bad_url = vqs_instance_new ("Sonarr", VQS_ARR_KIND_SONARR,
                                                     "http://nas:8989/?apikey=" TEST_KEY);
  g_autoptr(GPtrArray) instances = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (insert (store, bad_name, &error));
  g_assert_error (error, VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (vqs_instance_error_get_field (error), ==, VQS_INSTANCE_FIELD_NAME);
  g_clear_error (&error);

  g_assert_false (insert (store, bad_url, &error));
  g_assert_error (error, VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (vqs_instance_error_get_field (error), ==, VQS_INSTANCE_FIELD_URL);
  g_clear_error (&error);
  g_assert_cmpint (vqs_instance_get_id (bad_url), ==, 0);

  instances = load (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (instances->len, ==, 0);
}

static void
test_health (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(VqsInstanceStore) store = vqs_instance_store_new (fixture->path);
  g_autoptr(VqsInstance) instance = insert_new (store, "Sonarr", "http://nas:8989");
  g_autoptr(GDateTime) tested = g_date_time_new_utc (2026, 3, 4, 5, 6, 7);
  g_autoptr(GDateTime) succeeded = g_date_time_new_utc (2026, 3, 1, 0, 0, 0);
  g_autoptr(GPtrArray) instances = NULL;
  g_autoptr(GError) error = NULL;
  VqsInstance *loaded;

  vqs_instance_set_is_healthy (instance, TRUE);
  vqs_instance_set_last_connection_test (instance, tested);
  vqs_instance_set_last_connection_success (instance, succeeded);
  vqs_instance_set_last_error (instance, "The server answered 503.");
  vqs_instance_set_version (instance, "4.0.9.2421");
  /* Not a health field: update_health must not write it. */
  vqs_instance_set_timeout_seconds (instance, 120);

  g_assert_true (update_health (store, instance, &error));
  g_assert_no_error (error);

  instances = load (store, &error);
  g_assert_no_error (error);
  loaded = g_ptr_array_index (instances, 0);
  g_assert_true (vqs_instance_get_is_healthy (loaded));
  assert_same_date_time (vqs_instance_get_last_connection_test (loaded), tested);
  assert_same_date_time (vqs_instance_get_last_connection_success (loaded), succeeded);
  g_assert_cmpstr (vqs_instance_get_last_error (loaded), ==, "The server answered 503.");
  g_assert_cmpstr (vqs_instance_get_version (loaded), ==, "4.0.9.2421");
  g_assert_cmpint (vqs_instance_get_timeout_seconds (loaded), ==, 30);
  g_clear_pointer (&instances, g_ptr_array_unref);

  vqs_instance_set_last_error (instance, NULL);
  vqs_instance_set_last_connection_success (instance, NULL);
  g_assert_true (update_health (store, instance, &error));
  instances = load (store, &error);
  loaded = g_ptr_array_index (instances, 0);
  g_assert_null (vqs_instance_get_last_error (loaded));
  g_assert_null (vqs_instance_get_last_connection_success (loaded));
}

static void
test_reopen (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(VqsInstanceStore) store = vqs_instance_store_new (fixture->path);
  g_autoptr(VqsInstance) instance = vqs_instance_new ("Radarr UHD", VQS_ARR_KIND_RADARR,
                                                      "https://radarr.example.org/uhd");
  g_autoptr(GDateTime) tested = g_date_time_new_utc (2026, 5, 6, 7, 8, 9);
  g_autoptr(GPtrArray) instances = NULL;
  g_autoptr(GError) error = NULL;

  vqs_instance_set_verify_tls (instance, FALSE);
  vqs_instance_set_timeout_seconds (instance, 300);
  vqs_instance_set_rate_limit_per_minute (instance, 600);
  vqs_instance_set_has_api_key (instance, TRUE);
  vqs_instance_set_is_healthy (instance, TRUE);
  vqs_instance_set_last_connection_test (instance, tested);
  vqs_instance_set_last_connection_success (instance, tested);
  vqs_instance_set_version (instance, "5.2.6.9999");
  g_assert_true (insert (store, instance, &error));
  g_assert_no_error (error);

  /* Dropping the store closes the connection; a new one reads the file. */
  g_clear_object (&store);
  store = vqs_instance_store_new (fixture->path);
  instances = load (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (instances->len, ==, 1);
  assert_same_instance (g_ptr_array_index (instances, 0), instance);
  g_assert_nonnull (vqs_instance_get_security_warning (g_ptr_array_index (instances, 0)));
}

static void
test_ids_never_reused (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(VqsInstanceStore) store = vqs_instance_store_new (fixture->path);
  g_autoptr(VqsInstance) a = insert_new (store, "Instance A", "http://nas:1001");
  g_autoptr(VqsInstance) b = insert_new (store, "Instance B", "http://nas:1002");
  g_autoptr(VqsInstance) c = NULL;
  g_autoptr(VqsInstance) d = NULL;

  g_assert_true (delete (store, vqs_instance_get_id (b), NULL));
  c = insert_new (store, "Instance C", "http://nas:1003");
  g_assert_cmpint (vqs_instance_get_id (c), >, vqs_instance_get_id (b));

  g_assert_true (delete (store, vqs_instance_get_id (c), NULL));
  g_clear_object (&store);
  store = vqs_instance_store_new (fixture->path);
  d = insert_new (store, "Instance D", "http://nas:1004");
  g_assert_cmpint (vqs_instance_get_id (d), >, vqs_instance_get_id (c));
}

static void
test_duplicate (Fixture       *fixture,
                gconstpointer  data)
{
  static const char * const duplicates[] = {
    "SONARR", "sonarr", " Sonarr ", "ＳＯＮＡＲＲ", "émile", "E\u0301MILE",
  };
  g_autoptr(VqsInstanceStore) store = vqs_instance_store_new (fixture->path);
  g_autoptr(VqsInstance) sonarr = insert_new (store, "Sonarr", "http://nas:8989");
  g_autoptr(VqsInstance) emile = insert_new (store, "Émile", "http://nas:8990");
  g_autoptr(VqsInstance) radarr = insert_new (store, "Radarr", "http://nas:7878");
  g_autoptr(GPtrArray) instances = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (duplicates); i++)
    {
      g_autoptr(VqsInstance) copy = vqs_instance_new (duplicates[i], VQS_ARR_KIND_SONARR,
                                                      "http://other:8989");

      g_assert_false (insert (store, copy, &error));
      g_assert_error (error, VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_DUPLICATE);
      g_assert_cmpstr (vqs_instance_error_get_field (error), ==, VQS_INSTANCE_FIELD_NAME);
      g_assert_cmpint (vqs_instance_get_id (copy), ==, 0);
      g_clear_error (&error);
    }

  /* Renaming onto another instance fails; a case change of its own does not. */
  vqs_instance_set_name (radarr, "sONARR");
  g_assert_false (update (store, radarr, &error));
  g_assert_error (error, VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_DUPLICATE);
  g_clear_error (&error);
  vqs_instance_set_name (sonarr, "SONARR");
  g_assert_true (update (store, sonarr, &error));
  g_assert_no_error (error);

  instances = load (store, &error);
  g_assert_cmpuint (instances->len, ==, 3);
  g_assert_cmpstr (vqs_instance_get_name (g_ptr_array_index (instances, 0)), ==, "Radarr");
  g_assert_cmpstr (vqs_instance_get_name (g_ptr_array_index (instances, 2)), ==, "SONARR");
}

/* Queued without waiting in between: the single worker runs them in call
 * order, so the load sees both inserts.
 */
static void
test_order (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(VqsInstanceStore) store = vqs_instance_store_new (fixture->path);
  g_autoptr(VqsInstance) a = vqs_instance_new ("First", VQS_ARR_KIND_SONARR, "http://a:1");
  g_autoptr(VqsInstance) b = vqs_instance_new ("Second", VQS_ARR_KIND_RADARR, "http://b:2");
  g_autoptr(GAsyncResult) result_a = NULL;
  g_autoptr(GAsyncResult) result_b = NULL;
  g_autoptr(GAsyncResult) result_load = NULL;
  g_autoptr(GPtrArray) instances = NULL;
  g_autoptr(GError) error = NULL;

  vqs_instance_store_insert_async (store, a, NULL, result_cb, &result_a);
  vqs_instance_store_insert_async (store, b, NULL, result_cb, &result_b);
  vqs_instance_store_load_async (store, NULL, result_cb, &result_load);

  instances = vqs_instance_store_load_finish (store, wait_for (&result_load), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (instances->len, ==, 2);
  g_assert_true (vqs_instance_store_insert_finish (store, wait_for (&result_a), NULL));
  g_assert_true (vqs_instance_store_insert_finish (store, wait_for (&result_b), NULL));
  g_assert_cmpint (vqs_instance_get_id (a), <, vqs_instance_get_id (b));
}

static void
test_cancelled (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(VqsInstanceStore) store = vqs_instance_store_new (fixture->path);
  g_autoptr(VqsInstance) instance = vqs_instance_new ("Sonarr", VQS_ARR_KIND_SONARR,
                                                      "http://nas:8989");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) instances = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  vqs_instance_store_insert_async (store, instance, cancellable, result_cb, &result);
  g_assert_false (vqs_instance_store_insert_finish (store, wait_for (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (vqs_instance_get_id (instance), ==, 0);
  g_clear_error (&error);

  instances = load (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (instances->len, ==, 0);
}

static void
inserted_then_dropped_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (vqs_instance_store_insert_finish (VQS_INSTANCE_STORE (source), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

/* The caller may drop the store while work is queued: the jobs keep it
 * alive, and the last reference may then go away on the worker thread,
 * which must neither deadlock nor lose the write.
 */
static void
test_unref_while_busy (Fixture       *fixture,
                       gconstpointer  data)
{
  VqsInstanceStore *store = vqs_instance_store_new (fixture->path);
  g_autoptr(VqsInstance) instance = vqs_instance_new ("Sonarr", VQS_ARR_KIND_SONARR,
                                                      "http://nas:8989");
  g_autoptr(GPtrArray) instances = NULL;
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;
  GWeakRef weak;

  g_weak_ref_init (&weak, store);
  vqs_instance_store_insert_async (store, instance, NULL, inserted_then_dropped_cb, &done);
  g_object_unref (store);

  while (!done)
    g_main_context_iteration (NULL, TRUE);

  for (guint i = 0; i < 5000; i++)
    {
      g_autoptr(GObject) alive = g_weak_ref_get (&weak);

      if (alive == NULL)
        break;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_null (g_weak_ref_get (&weak));
  g_weak_ref_clear (&weak);

  store = vqs_instance_store_new (fixture->path);
  instances = load (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (instances->len, ==, 1);
  g_object_unref (store);
}

static gboolean
save_baseline (VqsInstanceStore  *store,
               gint64             id,
               const char        *json,
               GDateTime         *taken_at,
               GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vqs_instance_store_save_baseline_async (store, id, json, taken_at, NULL, result_cb, &result);
  return vqs_instance_store_save_baseline_finish (store, wait_for (&result), error);
}

static char *
load_baseline (VqsInstanceStore  *store,
               gint64             id,
               GDateTime        **taken_at,
               GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vqs_instance_store_load_baseline_async (store, id, NULL, result_cb, &result);
  return vqs_instance_store_load_baseline_finish (store, wait_for (&result), taken_at, error);
}

static void
test_baseline (Fixture       *fixture,
               gconstpointer  data)
{
  const char *json = "{\"format\":1,\"version\":\"4.0.9\",\"profiles\":[\"HD-1080p\"]}";
  g_autoptr(VqsInstanceStore) store = vqs_instance_store_new (fixture->path);
  g_autoptr(VqsInstance) instance = insert_new (store, "Sonarr", "http://nas:8989");
  g_autoptr(GDateTime) taken_at = g_date_time_new_utc (2026, 2, 3, 4, 5, 6);
  g_autoptr(GDateTime) loaded_at = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = vqs_instance_get_id (instance);
  char *loaded;

  loaded = load_baseline (store, id, &loaded_at, &error);
  g_assert_no_error (error);
  g_assert_null (loaded);
  g_assert_null (loaded_at);

  g_assert_true (save_baseline (store, id, json, taken_at, &error));
  g_assert_no_error (error);

  /* It survives a reopen. */
  g_clear_object (&store);
  store = vqs_instance_store_new (fixture->path);
  loaded = load_baseline (store, id, &loaded_at, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (loaded, ==, json);
  assert_same_date_time (loaded_at, taken_at);
  g_clear_pointer (&loaded, g_free);
  g_clear_pointer (&loaded_at, g_date_time_unref);

  g_assert_true (save_baseline (store, id, NULL, NULL, &error));
  loaded = load_baseline (store, id, &loaded_at, &error);
  g_assert_no_error (error);
  g_assert_null (loaded);
  g_assert_null (loaded_at);

  g_assert_false (save_baseline (store, id + 100, json, NULL, &error));
  g_assert_error (error, VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (load_baseline (store, id + 100, NULL, &error));
  g_assert_error (error, VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_NOT_FOUND);
}

static void
test_cascade (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(VqsInstanceStore) store = vqs_instance_store_new (fixture->path);
  g_autoptr(VqsInstance) doomed = insert_new (store, "Doomed", "http://nas:8989");
  g_autoptr(VqsInstance) kept = insert_new (store, "Kept", "http://nas:7878");
  g_autoptr(VqsDb) db = open_db (fixture->path);
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;

  /* A second connection on the same file, as the scheduler will have. */
  for (int i = 0; i < 2; i++)
    {
      gint64 id = vqs_instance_get_id (i == 0 ? doomed : kept);

      g_free (sql);
      sql = g_strdup_printf ("INSERT INTO search_queue (instance_id, item_id, item_kind,"
                             " parent_id, added_at) VALUES (%" G_GINT64_FORMAT ", 11,"
                             " 'episode', 3, 1700000000), (%" G_GINT64_FORMAT ", 12,"
                             " 'episode', 3, 1700000000);"
                             "INSERT INTO search_history (instance_id, item_kind, item_ids,"
                             " command_id, started_at, status, message) VALUES"
                             " (%" G_GINT64_FORMAT ", 'episode', '[11,12]', 42, 1700000100,"
                             " 'completed', NULL);",
                             id, id, id);
      g_assert_true (vqs_db_exec (db, sql, &error));
      g_assert_no_error (error);
    }

  /* Foreign keys are enforced: no rows for an instance that does not exist. */
  g_assert_false (vqs_db_exec (db, "INSERT INTO search_queue (instance_id, item_id, item_kind,"
                                   " added_at) VALUES (9999, 1, 'movie', 0)", &error));
  g_assert_error (error, VQS_DB_ERROR, VQS_DB_ERROR_FOREIGN_KEY);
  g_clear_error (&error);

  g_assert_true (delete (store, vqs_instance_get_id (doomed), &error));
  g_assert_no_error (error);

  g_free (sql);
  sql = g_strdup_printf ("SELECT (SELECT count(*) FROM search_queue WHERE instance_id = %"
                         G_GINT64_FORMAT ") + (SELECT count(*) FROM search_history"
                         " WHERE instance_id = %" G_GINT64_FORMAT ")",
                         vqs_instance_get_id (doomed), vqs_instance_get_id (doomed));
  g_assert_cmpint (query_int (db, sql), ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM search_queue"), ==, 2);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM search_history"), ==, 1);
}

/* The v1 schema exactly as the first release created it. Kept here, not
 * taken from vqs-db.c, so that a change to the migration code cannot
 * silently change what "an old file" means.
 */
static const char v1_schema[] =
  "CREATE TABLE instances ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  name TEXT NOT NULL,"
  "  name_key TEXT NOT NULL,"
  "  kind TEXT NOT NULL CHECK (kind IN ('sonarr', 'radarr')),"
  "  url TEXT NOT NULL,"
  "  verify_tls INTEGER NOT NULL DEFAULT 1,"
  "  timeout_seconds INTEGER NOT NULL DEFAULT 30 CHECK (timeout_seconds BETWEEN 1 AND 300),"
  "  rate_limit_per_minute INTEGER NOT NULL DEFAULT 60"
  "    CHECK (rate_limit_per_minute BETWEEN 1 AND 600),"
  "  has_api_key INTEGER NOT NULL DEFAULT 0,"
  "  is_healthy INTEGER NOT NULL DEFAULT 0,"
  "  last_connection_test INTEGER,"
  "  last_connection_success INTEGER,"
  "  last_error TEXT,"
  "  version TEXT,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL"
  ");"
  "CREATE UNIQUE INDEX instances_name_nocase ON instances (name COLLATE NOCASE);"
  "CREATE UNIQUE INDEX instances_name_key ON instances (name_key);"
  "INSERT INTO instances (uuid, name, name_key, kind, url, verify_tls, timeout_seconds,"
  "  rate_limit_per_minute, has_api_key, is_healthy, last_connection_test,"
  "  last_connection_success, last_error, version, created_at, updated_at)"
  "  VALUES ('0b6c6a3e-5f4e-4c1a-9a43-6f1d2a7c9e10', 'Old Radarr', 'old radarr', 'radarr',"
  "  'http://192.168.1.5:7878', 1, 45, 20, 1, 0, 1700000000, 1690000000,"
  "  'Connection refused.', '4.7.5.7809', 1680000000, 1685000000);"
  "PRAGMA user_version = 1;";

static void
write_raw_database (const char *path,
                    const char *sql)
{
  sqlite3 *handle = NULL;

  g_assert_cmpint (sqlite3_open (path, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_close (handle), ==, SQLITE_OK);
}

static void
test_migration_from_v1 (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(VqsInstanceStore) store = NULL;
  g_autoptr(GPtrArray) instances = NULL;
  g_autoptr(GDateTime) taken_at = g_date_time_new_utc (2026, 1, 1, 0, 0, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(VqsDb) db = NULL;
  g_autofree char *baseline = NULL;
  VqsInstance *old;

  write_raw_database (fixture->path, v1_schema);

  store = vqs_instance_store_new (fixture->path);
  instances = load (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (instances->len, ==, 1);

  old = g_ptr_array_index (instances, 0);
  g_assert_cmpint (vqs_instance_get_id (old), ==, 1);
  g_assert_cmpstr (vqs_instance_get_uuid (old), ==, "0b6c6a3e-5f4e-4c1a-9a43-6f1d2a7c9e10");
  g_assert_cmpstr (vqs_instance_get_name (old), ==, "Old Radarr");
  g_assert_cmpint (vqs_instance_get_kind (old), ==, VQS_ARR_KIND_RADARR);
  g_assert_cmpstr (vqs_instance_get_url (old), ==, "http://192.168.1.5:7878");
  g_assert_cmpint (vqs_instance_get_timeout_seconds (old), ==, 45);
  g_assert_cmpint (vqs_instance_get_rate_limit_per_minute (old), ==, 20);
  g_assert_true (vqs_instance_get_has_api_key (old));
  g_assert_false (vqs_instance_get_is_healthy (old));
  g_assert_cmpint (g_date_time_to_unix (vqs_instance_get_last_connection_test (old)), ==,
                   1700000000);
  g_assert_cmpint (g_date_time_to_unix (vqs_instance_get_last_connection_success (old)), ==,
                   1690000000);
  g_assert_cmpstr (vqs_instance_get_last_error (old), ==, "Connection refused.");
  g_assert_cmpstr (vqs_instance_get_version (old), ==, "4.7.5.7809");
  g_assert_cmpint (g_date_time_to_unix (vqs_instance_get_created_at (old)), ==, 1680000000);
  g_assert_cmpint (g_date_time_to_unix (vqs_instance_get_updated_at (old)), ==, 1685000000);

  /* The v2 parts work on the migrated row. */
  baseline = load_baseline (store, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (baseline);
  g_assert_true (save_baseline (store, 1, "{}", taken_at, &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  db = open_db (fixture->path);
  g_assert_cmpint (vqs_db_get_user_version (db, NULL), ==, VQS_DB_SCHEMA_VERSION);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                                  " AND name IN ('search_queue', 'search_history')"), ==, 2);
  g_assert_cmpint (query_int (db, "SELECT baseline_taken_at FROM instances WHERE id = 1"), ==,
                   g_date_time_to_unix (taken_at));
  g_assert_true (vqs_db_check_integrity (db, &error));
  g_assert_no_error (error);
}

static void
test_schema_too_new (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(VqsInstanceStore) store = NULL;
  g_autoptr(GPtrArray) instances = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;

  write_raw_database (fixture->path, "CREATE TABLE future (x); PRAGMA user_version = 99;");

  store = vqs_instance_store_new (fixture->path);
  instances = load (store, &error);
  g_assert_null (instances);
  g_assert_error (error, VQS_DB_ERROR, VQS_DB_ERROR_SCHEMA_TOO_NEW);
  g_clear_object (&store);

  /* The newer file was left alone. */
  g_assert_cmpint (sqlite3_open (fixture->path, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (handle, "PRAGMA user_version", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 99);
  sqlite3_finalize (stmt);
  sqlite3_close (handle);
}

static void
test_not_a_database (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(VqsInstanceStore) store = NULL;
  g_autoptr(GPtrArray) instances = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *garbage = g_strnfill (8192, 'x');

  g_assert_true (g_file_set_contents (fixture->path, garbage, -1, NULL));

  store = vqs_instance_store_new (fixture->path);
  instances = load (store, &error);
  g_assert_null (instances);
  g_assert_error (error, VQS_DB_ERROR, VQS_DB_ERROR_CORRUPT);
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;

  for (gsize i = 0; i + strlen (needle) <= length; i++)
    {
      if (memcmp (contents + i, needle, strlen (needle)) == 0)
        return TRUE;
    }

  return FALSE;
}

/* The store is never given the key, so this guards the schema and the
 * write path against a key column or a key smuggled into another field.
 */
static void
test_no_key_in_database (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(VqsInstanceStore) store = vqs_instance_store_new (fixture->path);
  g_autoptr(VqsInstance) instance = NULL;
  g_autoptr(VqsDb) db = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  g_autofree char *name = NULL;
  g_autofree char *url = NULL;
  VqsArrKind kind;
  VqsInstanceSettings settings = {
    .name = "Keyed", .kind = "sonarr", .url = "http://nas:8989", .api_key = TEST_KEY,
    .timeout_seconds = 30, .rate_limit_per_minute = 60,
  };
  guint n_columns = 0;
  int rc;

  g_assert_true (vqs_instance_validate_settings (&settings, NULL, NULL, &name, &url, &kind,
                                                 &error));
  instance = vqs_instance_new (name, kind, url);
  vqs_instance_set_has_api_key (instance, TRUE);
  g_assert_true (insert (store, instance, &error));
  g_assert_no_error (error);

  g_assert_false (file_contains (fixture->path, TEST_KEY));
  g_assert_false (file_contains (wal, TEST_KEY));

  db = open_db (fixture->path);
  stmt = vqs_db_prepare (db,
                         "SELECT m.name, p.name FROM sqlite_master AS m,"
                         " pragma_table_info(m.name) AS p WHERE m.type = 'table'",
                         &error);
  g_assert_no_error (error);
  while ((rc = vqs_db_step (db, stmt, &error)) == SQLITE_ROW)
    {
      g_autofree char *column = g_ascii_strdown ((const char *)sqlite3_column_text (stmt, 1), -1);

      n_columns++;
      if (g_str_equal (column, "has_api_key") || g_str_equal (column, "name_key"))
        continue;
      g_assert_null (strstr (column, "key"));
      g_assert_null (strstr (column, "secret"));
      g_assert_null (strstr (column, "password"));
      g_assert_null (strstr (column, "token"));
    }
  g_assert_cmpint (rc, ==, SQLITE_DONE);
  g_assert_cmpuint (n_columns, >, 20);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  main_thread = g_thread_self ();

#define ADD(path, func) \
  g_test_add ("/vqs/instance-store/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("crud", test_create_read_update_delete);
  ADD ("invalid-not-written", test_invalid_not_written);
  ADD ("health", test_health);
  ADD ("reopen", test_reopen);
  ADD ("ids-never-reused", test_ids_never_reused);
  ADD ("duplicate", test_duplicate);
  ADD ("order", test_order);
  ADD ("cancelled", test_cancelled);
  ADD ("unref-while-busy", test_unref_while_busy);
  ADD ("baseline", test_baseline);
  ADD ("cascade", test_cascade);
  ADD ("migration-from-v1", test_migration_from_v1);
  ADD ("schema-too-new", test_schema_too_new);
  ADD ("not-a-database", test_not_a_database);
  ADD ("no-key-in-database", test_no_key_in_database);

#undef ADD

  return g_test_run ();
}
