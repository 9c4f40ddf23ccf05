/* test-instance-manager.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-instance-manager"
#define _GNU_SOURCE

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "vqs-arr-error.h"
#include "vqs-fake-arr.h"
#include "vqs-instance-manager.h"
#include "vqs-instance-validate.h"
#include "vqs-secret-store.h"

#define GOOD_KEY  VQS_FAKE_ARR_DEFAULT_API_KEY
#define WRONG_KEY "ffffffffffffffffffffffffffffffff"
#define WAIT_LIMIT_US (20 * G_USEC_PER_SEC)

/* Each test gets a fresh database in a temporary folder, the real keyring
 * of the session, and a fake Sonarr (plus whatever else it starts).
 */
typedef struct
{
  char               *dir;
  char               *db_path;
  VqsInstanceStore   *store;
  VqsSecretStore     *secrets;
  VqsInstanceManager *manager;
  VqsFakeArr         *sonarr;
  char               *sonarr_url;
} Fixture;

static gboolean
idle_timeout_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Background work (the test after a create, the first baseline after a
 * successful test) counts as busy; tests wait for it before they look.
 */
static void
wait_idle (VqsInstanceManager *manager)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_US;
  guint tick = g_timeout_add (20, idle_timeout_cb, NULL);

  while (vqs_instance_manager_get_busy_count (manager) > 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }

  g_source_remove (tick);
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_US;

  while (*slot == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }

  return *slot;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("vqs-manager-XXXXXX", &error);
  g_assert_no_error (error);
  f->db_path = g_build_filename (f->dir, "instances.db", NULL);
  f->store = vqs_instance_store_new (f->db_path);
  f->secrets = vqs_secret_store_new ();
  f->manager = vqs_instance_manager_new (f->store, f->secrets);
  vqs_instance_manager_set_retry_policy (f->manager, 0, 10, 20);

  f->sonarr = vqs_fake_arr_new (VQS_ARR_KIND_SONARR, "4.0.9.2421", GOOD_KEY);
  g_assert_true (vqs_fake_arr_listen (f->sonarr, 0, FALSE, &error));
  g_assert_no_error (error);
  f->sonarr_url = vqs_fake_arr_get_url (f->sonarr);
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  wait_idle (f->manager);
  g_clear_object (&f->manager);
  g_clear_object (&f->store);
  g_clear_object (&f->secrets);
  g_clear_object (&f->sonarr);
  g_clear_pointer (&f->sonarr_url, g_free);
  remove_tree (f->dir);
  g_clear_pointer (&f->dir, g_free);
  g_clear_pointer (&f->db_path, g_free);
}

static VqsInstance *
create (Fixture     *f,
        const char  *name,
        const char  *kind,
        const char  *url,
        const char  *key,
        GError     **error)
{
  VqsInstanceChanges changes = VQS_INSTANCE_CHANGES_INIT;
  g_autoptr(GAsyncResult) result = NULL;
  VqsInstance *instance;

  changes.name = name;
  changes.kind = kind;
  changes.url = url;
  changes.api_key = key;
  changes.timeout_seconds = 2;
  changes.rate_limit_per_minute = 600;

  vqs_instance_manager_create_async (f->manager, &changes, NULL, store_result_cb, &result);
  instance = vqs_instance_manager_create_finish (f->manager, wait_result (&result), error);
  wait_idle (f->manager);

  return instance;
}

static gboolean
update (Fixture                  *f,
        VqsInstance              *instance,
        const VqsInstanceChanges *changes,
        GError                  **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  gboolean ok;

  vqs_instance_manager_update_async (f->manager, instance, changes, NULL,
                                     store_result_cb, &result);
  ok = vqs_instance_manager_update_finish (f->manager, wait_result (&result), error);
  wait_idle (f->manager);

  return ok;
}

static VqsConnectionTest *
test_connection (Fixture     *f,
                 VqsInstance *instance)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  VqsConnectionTest *test;

  vqs_instance_manager_test_connection_async (f->manager, instance, NULL,
                                              store_result_cb, &result);
  test = vqs_instance_manager_test_connection_finish (f->manager, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (test);
  wait_idle (f->manager);

  return test;
}

static VqsDriftReport *
check_drift (Fixture     *f,
             VqsInstance *instance)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  VqsDriftReport *report;

  vqs_instance_manager_check_drift_async (f->manager, instance, NULL, store_result_cb, &result);
  report = vqs_instance_manager_check_drift_finish (f->manager, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);

  return report;
}

static char *
lookup_key (Fixture     *f,
            VqsInstance *instance)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *key;

  vqs_secret_store_lookup_async (f->secrets, vqs_instance_get_uuid (instance), NULL,
                                 store_result_cb, &result);
  key = vqs_secret_store_lookup_finish (f->secrets, wait_result (&result), &error);
  g_assert_no_error (error);

  return key;
}

static void
test_create_healthy (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VqsInstance) instance = NULL;
  g_autoptr(VqsDriftReport) report = NULL;
  g_autofree char *key = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->manager)), ==, 0);

  instance = create (f, "  Living Room  ", "sonarr", f->sonarr_url, GOOD_KEY, &error);
  g_assert_no_error (error);
  g_assert_nonnull (instance);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->manager)), ==, 1);
  g_assert_cmpint (vqs_instance_get_id (instance), >, 0);
  g_assert_cmpstr (vqs_instance_get_name (instance), ==, "Living Room");
  g_assert_nonnull (vqs_instance_get_uuid (instance));
  g_assert_true (vqs_instance_get_has_api_key (instance));

  /* The automatic test after create made it healthy. */
  g_assert_true (vqs_instance_get_is_healthy (instance));
  g_assert_cmpstr (vqs_instance_get_version (instance), ==, "4.0.9.2421");
  g_assert_null (vqs_instance_get_last_error (instance));
  g_assert_nonnull (vqs_instance_get_last_connection_test (instance));

  key = lookup_key (f, instance);
  g_assert_cmpstr (key, ==, GOOD_KEY);

  /* ... and took the drift baseline, so a check finds nothing. */
  report = check_drift (f, instance);
  g_assert_false (report->baseline_taken);
  g_assert_false (report->drift_detected);
  g_assert_cmpuint (report->changes->len, ==, 0);
  g_assert_cmpstr (report->current_version, ==, "4.0.9.2421");
  g_assert_cmpuint (report->quality_profiles_count, >, 0);

  g_assert_true (vqs_instance_manager_find_by_name (f->manager, "LIVING room") == instance);
  g_assert_true (vqs_instance_manager_find_by_id (f->manager, vqs_instance_get_id (instance)) ==
                 instance);
}

static void
test_create_invalid (Fixture       *f,
                     gconstpointer  data)
{
  static const struct {
    const char *name;
    const char *kind;
    const char *url;
    const char *key;
    const char *field;
  } cases[] = {
    { "ab", "sonarr", "http://nas:8989", GOOD_KEY, "name" },
    { "Good Name", "lidarr", "http://nas:8989", GOOD_KEY, "kind" },
    { "Good Name", "sonarr", "ftp://nas", GOOD_KEY, "url" },
    { "Good Name", "sonarr", "http://nas:8989", "short", "api-key" },
    { "Good Name", "sonarr", "http://nas:8989", NULL, "api-key" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VqsInstance) instance = NULL;

      instance = create (f, cases[i].name, cases[i].kind, cases[i].url, cases[i].key, &error);
      g_assert_null (instance);
      g_assert_error (error, VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_INVALID_ARGUMENT);
      g_assert_cmpstr (vqs_instance_error_get_field (error), ==, cases[i].field);
    }

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->manager)), ==, 0);
}

static void
test_create_duplicate (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VqsInstance) first = NULL;
  g_autoptr(VqsInstance) second = NULL;

  first = create (f, "Sonarr", "sonarr", f->sonarr_url, GOOD_KEY, &error);
  g_assert_no_error (error);
  second = create (f, "SONARR", "sonarr", f->sonarr_url, GOOD_KEY, &error);
  g_assert_null (second);
  g_assert_error (error, VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_DUPLICATE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->manager)), ==, 1);
}

static void
assert_test_fails (Fixture     *f,
                   VqsInstance *instance,
                   int          code)
{
  g_autoptr(VqsConnectionTest) test = test_connection (f, instance);

  g_assert_false (test->success);
  g_assert_error (test->error, VQS_ARR_ERROR, code);
  g_assert_cmpstr (test->error_details, ==, test->error->message);
  g_assert_false (vqs_instance_get_is_healthy (instance));
  g_assert_cmpstr (vqs_instance_get_last_error (instance), ==, test->error->message);
  g_assert_nonnull (vqs_instance_get_last_connection_test (instance));
  g_assert_null (strstr (test->error_details, GOOD_KEY));
  g_assert_null (strstr (test->error_details, WRONG_KEY));
}

static void
test_connection_unauthorized (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VqsInstance) instance = NULL;

  instance = create (f, "Wrong Key", "sonarr", f->sonarr_url, WRONG_KEY, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (vqs_instance_get_last_error (instance), "401"));
  assert_test_fails (f, instance, VQS_ARR_ERROR_UNAUTHORIZED);
}

static void
test_connection_wrong_url_base (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VqsInstance) missing_base = NULL;
  g_autoptr(VqsInstance) wrong_base = NULL;
  g_autofree char *wrong_url = NULL;

  /* The server lives under /sonarr: without it, an authenticated request
   * is redirected (never followed); with another base, nothing is there.
   */
  vqs_fake_arr_set_url_base (f->sonarr, "/sonarr");
  missing_base = create (f, "No Base", "sonarr", f->sonarr_url, GOOD_KEY, &error);
  g_assert_no_error (error);
  assert_test_fails (f, missing_base, VQS_ARR_ERROR_REDIRECTED);

  wrong_url = g_strconcat (f->sonarr_url, "/radarr", NULL);
  wrong_base = create (f, "Wrong Base", "sonarr", wrong_url, GOOD_KEY, &error);
  g_assert_no_error (error);
  assert_test_fails (f, wrong_base, VQS_ARR_ERROR_NOT_FOUND);
}

static void
test_connection_wrong_application (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VqsInstance) instance = NULL;

  instance = create (f, "Not A Radarr", "radarr", f->sonarr_url, GOOD_KEY, &error);
  g_assert_no_error (error);
  assert_test_fails (f, instance, VQS_ARR_ERROR_WRONG_APPLICATION);
}

static void
test_connection_timeout (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VqsInstance) instance = NULL;
  VqsInstanceChanges changes = VQS_INSTANCE_CHANGES_INIT;

  instance = create (f, "Slow One", "sonarr", f->sonarr_url, GOOD_KEY, &error);
  g_assert_no_error (error);
  g_assert_true (vqs_instance_get_is_healthy (instance));

  changes.timeout_seconds = 1;
  g_assert_true (update (f, instance, &changes, &error));
  g_assert_no_error (error);

  vqs_fake_arr_set_fault (f->sonarr, VQS_FAKE_FAULT_HANG, -1);
  assert_test_fails (f, instance, VQS_ARR_ERROR_TIMEOUT);
}

static void
test_connection_tls (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VqsFakeArr) secure = NULL;
  g_autoptr(VqsInstance) instance = NULL;
  g_autoptr(VqsConnectionTest) test = NULL;
  g_autofree char *url = NULL;
  VqsInstanceChanges changes = VQS_INSTANCE_CHANGES_INIT;

  secure = vqs_fake_arr_new (VQS_ARR_KIND_SONARR, NULL, GOOD_KEY);
  g_assert_true (vqs_fake_arr_listen (secure, 0, TRUE, &error));
  g_assert_no_error (error);
  url = vqs_fake_arr_get_url (secure);
  g_assert_true (g_str_has_prefix (url, "https://"));

  instance = create (f, "Self Signed", "sonarr", url, GOOD_KEY, &error);
  g_assert_no_error (error);
  g_assert_null (vqs_instance_get_security_warning (instance));
  assert_test_fails (f, instance, VQS_ARR_ERROR_TLS_CERTIFICATE);

  /* Turning verification off is the user's call; it works, and the
   * instance says it is not safe.
   */
  changes.verify_tls = FALSE;
  g_assert_true (update (f, instance, &changes, &error));
  g_assert_no_error (error);
  g_assert_nonnull (vqs_instance_get_security_warning (instance));
  test = test_connection (f, instance);
  g_assert_true (test->success);
  g_assert_true (vqs_instance_get_is_healthy (instance));
}

static void
test_update_keeps_key (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VqsInstance) instance = NULL;
  g_autofree char *key = NULL;
  g_autofree char *new_key = NULL;
  VqsInstanceChanges rename = VQS_INSTANCE_CHANGES_INIT;
  VqsInstanceChanges rekey = VQS_INSTANCE_CHANGES_INIT;
  VqsInstanceChanges invalid = VQS_INSTANCE_CHANGES_INIT;

  instance = create (f, "Before", "sonarr", f->sonarr_url, GOOD_KEY, &error);
  g_assert_no_error (error);

  rename.name = "After";
  rename.rate_limit_per_minute = 30;
  g_assert_true (update (f, instance, &rename, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (vqs_instance_get_name (instance), ==, "After");
  g_assert_cmpint (vqs_instance_get_rate_limit_per_minute (instance), ==, 30);
  key = lookup_key (f, instance);
  g_assert_cmpstr (key, ==, GOOD_KEY);

  /* A new key is stored, tested at once, and the instance follows. */
  rekey.api_key = WRONG_KEY;
  g_assert_true (update (f, instance, &rekey, &error));
  g_assert_no_error (error);
  new_key = lookup_key (f, instance);
  g_assert_cmpstr (new_key, ==, WRONG_KEY);
  g_assert_false (vqs_instance_get_is_healthy (instance));

  /* An invalid change leaves everything as it was. */
  invalid.name = "x";
  invalid.timeout_seconds = 30;
  g_assert_false (update (f, instance, &invalid, &error));
  g_assert_error (error, VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (vqs_instance_get_name (instance), ==, "After");
}

static void
test_delete (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VqsInstance) instance = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) again = NULL;
  g_autofree char *key = NULL;

  instance = create (f, "Doomed", "sonarr", f->sonarr_url, GOOD_KEY, &error);
  g_assert_no_error (error);

  vqs_instance_manager_delete_async (f->manager, instance, NULL, store_result_cb, &result);
  g_assert_true (vqs_instance_manager_delete_finish (f->manager, wait_result (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->manager)), ==, 0);

  key = lookup_key (f, instance);
  g_assert_null (key);

  vqs_instance_manager_delete_async (f->manager, instance, NULL, store_result_cb, &again);
  g_assert_false (vqs_instance_manager_delete_finish (f->manager, wait_result (&again), &error));
  g_assert_error (error, VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_NOT_FOUND);
}

static gboolean
changes_have (GPtrArray        *changes,
              VqsDriftCategory  category,
              const char       *description)
{
  for (guint i = 0; i < changes->len; i++)
    {
      const VqsDriftChange *change = g_ptr_array_index (changes, i);

      if (change->category == category && g_strcmp0 (change->description, description) == 0)
        return TRUE;
    }

  return FALSE;
}

static void
test_drift_detect_and_accept (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VqsInstance) instance = NULL;
  g_autoptr(VqsDriftReport) drift = NULL;
  g_autoptr(VqsDriftReport) after = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  instance = create (f, "Drifting", "sonarr", f->sonarr_url, GOOD_KEY, &error);
  g_assert_no_error (error);

  vqs_fake_arr_set_version (f->sonarr, "4.0.19.2979");
  vqs_fake_arr_set_profile_cutoff (f->sonarr, 4, "WEBDL-1080p");
  vqs_fake_arr_add_root_folder (f->sonarr, "/tv2");
  vqs_fake_arr_add_tag (f->sonarr, "kids");

  drift = check_drift (f, instance);
  g_assert_true (drift->drift_detected);
  g_assert_cmpstr (drift->current_version, ==, "4.0.19.2979");
  g_assert_true (changes_have (drift->changes, VQS_DRIFT_CATEGORY_VERSION,
                               "Version 4.0.9.2421 → 4.0.19.2979"));
  g_assert_true (changes_have (drift->changes, VQS_DRIFT_CATEGORY_ROOT_FOLDER,
                               "Root folder /tv2 added"));
  g_assert_true (changes_have (drift->changes, VQS_DRIFT_CATEGORY_TAG, "Tag 'kids' added"));
  for (guint i = 0, found = 0; i < drift->changes->len; i++)
    {
      const VqsDriftChange *change = g_ptr_array_index (drift->changes, i);

      if (change->category == VQS_DRIFT_CATEGORY_QUALITY_PROFILE)
        {
          g_assert_cmpstr (change->subject, ==, "HD-1080p");
          g_assert_cmpstr (change->after, ==, "WEBDL-1080p");
          found++;
        }
      if (i + 1 == drift->changes->len)
        g_assert_cmpuint (found, ==, 1);
    }

  vqs_instance_manager_accept_drift_async (f->manager, instance, NULL, store_result_cb, &result);
  g_assert_true (vqs_instance_manager_accept_drift_finish (f->manager, wait_result (&result),
                                                           &error));
  g_assert_no_error (error);

  after = check_drift (f, instance);
  g_assert_false (after->drift_detected);
  g_assert_cmpuint (after->changes->len, ==, 0);
}

static void
test_drift_removals (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VqsInstance) instance = NULL;
  g_autoptr(VqsDriftReport) drift = NULL;
  g_autoptr(VqsDriftReport) after = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  gint64 profile;

  profile = vqs_fake_arr_add_profile (f->sonarr, "Ultra-HD");
  vqs_fake_arr_add_tag (f->sonarr, "old");
  instance = create (f, "Shrinking", "sonarr", f->sonarr_url, GOOD_KEY, &error);
  g_assert_no_error (error);

  vqs_fake_arr_remove_profile (f->sonarr, profile);
  vqs_fake_arr_remove_tag (f->sonarr, "old");
  vqs_fake_arr_set_profile_upgrade_allowed (f->sonarr, 4, FALSE);
  vqs_fake_arr_set_profile_allowed (f->sonarr, 4, "HDTV-720p", TRUE);
  vqs_fake_arr_remove_root_folder (f->sonarr, "/tv/");

  drift = check_drift (f, instance);
  g_assert_true (drift->drift_detected);
  g_assert_true (changes_have (drift->changes, VQS_DRIFT_CATEGORY_QUALITY_PROFILE,
                               "Quality profile 'Ultra-HD' removed"));
  g_assert_true (changes_have (drift->changes, VQS_DRIFT_CATEGORY_QUALITY_PROFILE,
                               "Quality profile 'HD-1080p': upgrades are no longer allowed"));
  g_assert_true (changes_have (drift->changes, VQS_DRIFT_CATEGORY_QUALITY_PROFILE,
                               "Quality profile 'HD-1080p': now allows HDTV-720p"));
  g_assert_true (changes_have (drift->changes, VQS_DRIFT_CATEGORY_ROOT_FOLDER,
                               "Root folder /tv/ removed"));
  g_assert_true (changes_have (drift->changes, VQS_DRIFT_CATEGORY_TAG, "Tag 'old' removed"));

  /* Accepting makes the shrunken configuration the baseline. */
  vqs_instance_manager_accept_drift_async (f->manager, instance, NULL, store_result_cb, &result);
  g_assert_true (vqs_instance_manager_accept_drift_finish (f->manager, wait_result (&result),
                                                           &error));
  g_assert_no_error (error);
  after = check_drift (f, instance);
  g_assert_false (after->drift_detected);
}

static void
test_persistence (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VqsInstance) instance = NULL;
  g_autoptr(VqsInstanceStore) store = NULL;
  g_autoptr(VqsInstanceManager) reopened = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(VqsInstance) loaded = NULL;

  instance = create (f, "Kept", "sonarr", f->sonarr_url, GOOD_KEY, &error);
  g_assert_no_error (error);

  store = vqs_instance_store_new (f->db_path);
  reopened = vqs_instance_manager_new (store, f->secrets);
  vqs_instance_manager_load_async (reopened, NULL, store_result_cb, &result);
  g_assert_true (vqs_instance_manager_load_finish (reopened, wait_result (&result), &error));
  g_assert_no_error (error);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (reopened)), ==, 1);
  loaded = g_list_model_get_item (G_LIST_MODEL (reopened), 0);
  g_assert_cmpint (vqs_instance_get_id (loaded), ==, vqs_instance_get_id (instance));
  g_assert_cmpstr (vqs_instance_get_uuid (loaded), ==, vqs_instance_get_uuid (instance));
  g_assert_true (vqs_instance_get_is_healthy (loaded));
  g_assert_cmpstr (vqs_instance_get_version (loaded), ==, "4.0.9.2421");
  g_assert_true (vqs_instance_get_has_api_key (loaded));
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;

  return memmem (contents, length, needle, strlen (needle)) != NULL;
}

static void
test_key_not_in_database (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VqsInstance) instance = NULL;
  g_autofree char *wal = g_strconcat (f->db_path, "-wal", NULL);

  instance = create (f, "Secretive", "sonarr", f->sonarr_url, GOOD_KEY, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (f->db_path, G_FILE_TEST_EXISTS));

  /* The name is there, so the grep would find the key if it were. */
  g_assert_true (file_contains (f->db_path, "Secretive") || file_contains (wal, "Secretive"));
  g_assert_false (file_contains (f->db_path, GOOD_KEY));
  g_assert_false (file_contains (wal, GOOD_KEY));
}

static GPtrArray *captured;

static GLogWriterOutput
capture_writer (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  g_autoptr(GString) line = NULL;

  if (captured == NULL)
    return g_log_writer_default (level, fields, n_fields, user_data);

  line = g_string_new (NULL);
  for (gsize i = 0; i < n_fields; i++)
    {
      if (fields[i].length < 0)
        g_string_append_printf (line, "%s=%s ", fields[i].key, (const char *)fields[i].value);
    }
  g_ptr_array_add (captured, g_string_free (g_steal_pointer (&line), FALSE));

  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    return g_log_writer_default (level, fields, n_fields, user_data);

  return G_LOG_WRITER_HANDLED;
}

static void
test_journal_entries (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VqsInstance) instance = NULL;
  g_autoptr(VqsConnectionTest) test = NULL;
  gboolean saw_create = FALSE;
  gboolean saw_test = FALSE;

  captured = g_ptr_array_new_with_free_func (g_free);
  g_log_set_debug_enabled (TRUE);

  instance = create (f, "Journaled", "sonarr", f->sonarr_url, GOOD_KEY, &error);
  g_assert_no_error (error);
  test = test_connection (f, instance);
  g_assert_true (test->success);

  for (guint i = 0; i < captured->len; i++)
    {
      const char *line = g_ptr_array_index (captured, i);

      g_assert_null (strstr (line, GOOD_KEY));
      if (strstr (line, "VQS_OPERATION=create ") && strstr (line, "VQS_RESULT=success "))
        saw_create = TRUE;
      if (strstr (line, "VQS_OPERATION=test-connection ") && strstr (line, "VQS_INSTANCE_ID="))
        saw_test = TRUE;
    }

  g_assert_true (saw_create);
  g_assert_true (saw_test);

  g_log_set_debug_enabled (FALSE);
  g_clear_pointer (&captured, g_ptr_array_unref);
}

static void
count_keys_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  int *count = user_data;
  g_autoptr(GError) error = NULL;
  GList *items = secret_password_search_finish (result, &error);

  g_assert_no_error (error);
  *count = g_list_length (items);
  g_list_free_full (items, g_object_unref);
}

/* How many API keys of ours the keyring holds, whatever instance. */
static int
count_keys (void)
{
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  int count = -1;
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_US;

  g_hash_table_insert (attributes, (gpointer)"version", (gpointer)VQS_SECRET_SCHEMA_VERSION);
  secret_password_searchv (vqs_secret_get_schema (), attributes, SECRET_SEARCH_ALL, NULL,
                           count_keys_cb, &count);
  while (count < 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }

  return count;
}

/* A second manager on the same database knows nothing of the first one's
 * instances, so its own checks pass and only the row fails (the name is
 * unique in sqlite). The key it stored a moment before must go too.
 */
static void
test_create_row_fails (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VqsInstance) first = NULL;
  g_autoptr(VqsInstance) second = NULL;
  g_autoptr(VqsInstanceStore) store = NULL;
  g_autoptr(VqsInstanceManager) other = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  VqsInstanceChanges changes = VQS_INSTANCE_CHANGES_INIT;
  int keys_before;

  first = create (f, "Shared Name", "sonarr", f->sonarr_url, GOOD_KEY, &error);
  g_assert_no_error (error);
  keys_before = count_keys ();

  store = vqs_instance_store_new (f->db_path);
  other = vqs_instance_manager_new (store, f->secrets);
  changes.name = "shared name";
  changes.kind = "sonarr";
  changes.url = f->sonarr_url;
  changes.api_key = WRONG_KEY;
  vqs_instance_manager_create_async (other, &changes, NULL, store_result_cb, &result);
  second = vqs_instance_manager_create_finish (other, wait_result (&result), &error);
  wait_idle (other);

  g_assert_null (second);
  g_assert_error (error, VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_DUPLICATE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (other)), ==, 0);
  g_assert_cmpint (count_keys (), ==, keys_before);
}

/* Trying unsaved settings of a saved instance waits for the same start
 * slots as the instance itself: the server never sees more than the
 * instance's limit.
 */
static void
test_settings_share_limit (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VqsInstance) instance = NULL;
  g_autoptr(VqsConnectionTest) first = NULL;
  g_autoptr(VqsConnectionTest) second = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  VqsInstanceChanges slow = VQS_INSTANCE_CHANGES_INIT;
  VqsInstanceChanges unsaved = VQS_INSTANCE_CHANGES_INIT;
  GPtrArray *requests;
  gint64 gap;

  instance = create (f, "Polite", "sonarr", f->sonarr_url, GOOD_KEY, &error);
  g_assert_no_error (error);
  slow.rate_limit_per_minute = 60;
  g_assert_true (update (f, instance, &slow, &error));
  g_assert_no_error (error);

  vqs_fake_arr_clear_requests (f->sonarr);
  first = test_connection (f, instance);
  g_assert_true (first->success);

  unsaved.timeout_seconds = 5;
  vqs_instance_manager_test_settings_async (f->manager, instance, &unsaved, NULL,
                                            store_result_cb, &result);
  second = vqs_instance_manager_test_settings_finish (f->manager, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_true (second->success);

  /* The first test also took no baseline (one exists), so exactly two
   * status requests reached the server, one interval (1 s) apart.
   */
  requests = vqs_fake_arr_get_requests (f->sonarr);
  g_assert_cmpuint (requests->len, ==, 2);
  gap = ((VqsFakeRequest *)g_ptr_array_index (requests, 1))->monotonic_us -
        ((VqsFakeRequest *)g_ptr_array_index (requests, 0))->monotonic_us;
  g_assert_cmpint (gap, >=, G_USEC_PER_SEC * 85 / 100);
}

/* With no session bus there is no keyring: creating fails with a clear
 * keyring error and leaves no row behind. Runs in a subprocess so that
 * the bus address can be broken before anything connects.
 */
static void
test_no_keyring (Fixture       *f,
                 gconstpointer  data)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VqsInstance) instance = NULL;
      g_autoptr(VqsInstanceStore) store = NULL;
      g_autoptr(VqsInstanceManager) reopened = NULL;
      g_autoptr(GAsyncResult) result = NULL;

      instance = create (f, "Keyless", "sonarr", f->sonarr_url, GOOD_KEY, &error);
      g_assert_null (instance);
      g_assert_error (error, VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_KEYRING);
      g_assert_nonnull (strstr (error->message, "keyring"));
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->manager)), ==, 0);

      store = vqs_instance_store_new (f->db_path);
      reopened = vqs_instance_manager_new (store, f->secrets);
      vqs_instance_manager_load_async (reopened, NULL, store_result_cb, &result);
      g_assert_true (vqs_instance_manager_load_finish (reopened, wait_result (&result), &error));
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (reopened)), ==, 0);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  /* The subprocess of /vqs/manager/no-keyring must never reach a bus. */
  gboolean subprocess = FALSE;

  for (int i = 1; i < argc; i++)
    subprocess |= g_str_equal (argv[i], "--GTestSubprocess");

  for (int i = 1; subprocess && i < argc; i++)
    {
      if (g_str_equal (argv[i], "-p") && i + 1 < argc &&
          g_str_has_suffix (argv[i + 1], "/no-keyring"))
        {
          g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/vqs-no-bus", TRUE);
          g_unsetenv ("DISPLAY");
        }
    }

  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);

#define ADD(path, func) \
  g_test_add ("/vqs/manager/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("create-healthy", test_create_healthy);
  ADD ("create-invalid", test_create_invalid);
  ADD ("create-duplicate", test_create_duplicate);
  ADD ("create-row-fails", test_create_row_fails);
  ADD ("connection/unauthorized", test_connection_unauthorized);
  ADD ("connection/wrong-url-base", test_connection_wrong_url_base);
  ADD ("connection/wrong-application", test_connection_wrong_application);
  ADD ("connection/timeout", test_connection_timeout);
  ADD ("connection/tls", test_connection_tls);
  ADD ("update-keeps-key", test_update_keeps_key);
  ADD ("settings-share-limit", test_settings_share_limit);
  ADD ("delete", test_delete);
  ADD ("drift/detect-and-accept", test_drift_detect_and_accept);
  ADD ("drift/removals", test_drift_removals);
  ADD ("persistence", test_persistence);
  ADD ("key-not-in-database", test_key_not_in_database);
  ADD ("journal-entries", test_journal_entries);
  ADD ("no-keyring", test_no_keyring);

#undef ADD

  return g_test_run ();
}
