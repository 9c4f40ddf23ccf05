/* test-secret-store.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-secret-store"

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <string.h>

#include "vqs-secret-store.h"

/* These tests talk to the real gnome-keyring-daemon that tests/session-run
 * starts, unlocked, on the private session bus. Each test uses fresh random
 * uuids, so tests never see each other's items. The "no keyring" cases run
 * in a subprocess that points the session bus somewhere else before
 * anything touches it.
 */

#define WAIT_LIMIT_SECONDS 30

/* libsecret 0.20.5 leaks the reply of every successful lookup. The reply
 * is allocated on the GDBus worker thread, so the only frames that name
 * it are GIO's (tests/lsan.supp), and LSan's default fast unwinder stops
 * inside GLib before reaching them. Full unwinding lets that suppression
 * match; ASAN_OPTIONS and LSAN_OPTIONS still override this default. Only
 * sanitizer builds ever call this function.
 */
const char *__lsan_default_options (void);

const char *
__lsan_default_options (void)
{
  return "fast_unwind_on_malloc=0";
}

/* Async plumbing. */

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

static gboolean
timed_out_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* The limit only stops a hung keyring from stalling the whole run. */
static GAsyncResult *
await_result (GAsyncResult **slot)
{
  gboolean timed_out = FALSE;
  guint timeout_id;

  timeout_id = g_timeout_add_seconds (WAIT_LIMIT_SECONDS, timed_out_cb, &timed_out);
  while (*slot == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  g_assert_false (timed_out);
  g_source_remove (timeout_id);
  return g_steal_pointer (slot);
}

static gboolean
store_key (VqsSecretStore *store,
           const char     *uuid,
           const char     *name,
           const char     *api_key,
           GCancellable   *cancellable,
           GError        **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  vqs_secret_store_store_async (store, uuid, name, api_key, cancellable, result_cb, &slot);
  result = await_result (&slot);
  return vqs_secret_store_store_finish (store, result, error);
}

static char *
lookup_key (VqsSecretStore *store,
            const char     *uuid,
            GCancellable   *cancellable,
            GError        **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  vqs_secret_store_lookup_async (store, uuid, cancellable, result_cb, &slot);
  result = await_result (&slot);
  return vqs_secret_store_lookup_finish (store, result, error);
}

static gboolean
clear_key (VqsSecretStore *store,
           const char     *uuid,
           GCancellable   *cancellable,
           GError        **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  vqs_secret_store_clear_async (store, uuid, cancellable, result_cb, &slot);
  result = await_result (&slot);
  return vqs_secret_store_clear_finish (store, result, error);
}

static void
assert_stored_key (VqsSecretStore *store,
                   const char     *uuid,
                   const char     *expected)
{
  g_autoptr(GError) error = NULL;
  char *api_key;

  api_key = lookup_key (store, uuid, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (api_key, ==, expected);
  vqs_secret_free (api_key);
}

static void
assert_cleared (VqsSecretStore *store,
                const char     *uuid)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (clear_key (store, uuid, NULL, &error));
  g_assert_no_error (error);
}

static char *
new_test_key (void)
{
  g_autofree char *random = g_uuid_string_random ();

  return g_strdup_printf ("vqs-test-key-%s", random);
}

/* Reads the keyring without our store: by uuid alone, whatever the
 * schema name and version, so that the test sees exactly what was written.
 */
static GList *
search_items (const char *uuid)
{
  static const SecretSchema by_uuid = {
    "io.github.vibequality.Searcharr.Test", SECRET_SCHEMA_DONT_MATCH_NAME,
    {
      { "uuid", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GList *items;

  secret_password_search (&by_uuid, SECRET_SEARCH_ALL | SECRET_SEARCH_LOAD_SECRETS, NULL,
                          result_cb, &slot, "uuid", uuid, NULL);
  result = await_result (&slot);
  items = secret_password_search_finish (result, &error);
  g_assert_no_error (error);
  return items;
}

static SecretValue *
retrieve_secret (SecretRetrievable *item)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SecretValue *value;

  secret_retrievable_retrieve_secret (item, NULL, result_cb, &slot);
  result = await_result (&slot);
  value = secret_retrievable_retrieve_secret_finish (item, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (value);
  return value;
}

/* Log capture: a single writer for the whole process, since GLib allows
 * only one. It records every field of every entry while capturing.
 */

static GMutex captured_lock;
static GPtrArray *captured;

static GLogWriterOutput
capture_writer_cb (GLogLevelFlags   log_level,
                   const GLogField *fields,
                   gsize            n_fields,
                   gpointer         user_data)
{
  gboolean capturing;

  g_mutex_lock (&captured_lock);
  capturing = captured != NULL;
  if (capturing)
    {
      GString *entry = g_string_new (NULL);

      for (gsize i = 0; i < n_fields; i++)
        {
          const char *value = fields[i].value;

          if (fields[i].length < 0)
            g_string_append_printf (entry, "%s=%s\n", fields[i].key, value);
          else
            g_string_append_printf (entry, "%s=%.*s\n",
                                    fields[i].key, (int) fields[i].length, value);
        }
      g_ptr_array_add (captured, g_string_free (entry, FALSE));
    }
  g_mutex_unlock (&captured_lock);

  /* Captured debug output stays out of the TAP stream on stdout. */
  if (capturing && (log_level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO)) != 0)
    return G_LOG_WRITER_HANDLED;

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static void
start_capture (void)
{
  g_mutex_lock (&captured_lock);
  g_assert_null (captured);
  captured = g_ptr_array_new_with_free_func (g_free);
  g_mutex_unlock (&captured_lock);
  g_log_set_debug_enabled (TRUE);
}

static GPtrArray *
stop_capture (void)
{
  GPtrArray *lines;

  g_log_set_debug_enabled (FALSE);
  g_mutex_lock (&captured_lock);
  lines = g_steal_pointer (&captured);
  g_mutex_unlock (&captured_lock);
  return lines;
}

static guint
count_lines_containing (GPtrArray  *lines,
                        const char *needle)
{
  guint n = 0;

  for (guint i = 0; i < lines->len; i++)
    {
      if (strstr (g_ptr_array_index (lines, i), needle) != NULL)
        n++;
    }
  return n;
}

/* Tests against the session keyring. */

static void
test_round_trip (void)
{
  g_autoptr(VqsSecretStore) store = vqs_secret_store_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *api_key = new_test_key ();

  g_assert_true (store_key (store, uuid, "Sonarr", api_key, NULL, &error));
  g_assert_no_error (error);
  assert_stored_key (store, uuid, api_key);
  assert_cleared (store, uuid);
}

static void
test_overwrite (void)
{
  g_autoptr(VqsSecretStore) store = vqs_secret_store_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *old_key = new_test_key ();
  g_autofree char *new_key = new_test_key ();
  GList *items;

  g_assert_true (store_key (store, uuid, "Radarr", old_key, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (store_key (store, uuid, "Radarr 4K", new_key, NULL, &error));
  g_assert_no_error (error);
  assert_stored_key (store, uuid, new_key);

  /* The second store replaces the item instead of adding one. */
  items = search_items (uuid);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  g_list_free_full (items, g_object_unref);

  assert_cleared (store, uuid);
}

static void
test_lookup_unknown (void)
{
  g_autoptr(VqsSecretStore) store = vqs_secret_store_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  char *api_key;

  api_key = lookup_key (store, uuid, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (api_key);
}

static void
test_clear (void)
{
  g_autoptr(VqsSecretStore) store = vqs_secret_store_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *api_key = new_test_key ();
  GList *items;

  g_assert_true (store_key (store, uuid, "Sonarr", api_key, NULL, &error));
  g_assert_no_error (error);
  assert_stored_key (store, uuid, api_key);

  assert_cleared (store, uuid);
  assert_stored_key (store, uuid, NULL);
  items = search_items (uuid);
  g_assert_null (items);
}

static void
test_clear_missing (void)
{
  g_autoptr(VqsSecretStore) store = vqs_secret_store_new ();
  g_autofree char *uuid = g_uuid_string_random ();

  assert_cleared (store, uuid);
  assert_cleared (store, uuid);
}

static void
test_independent (void)
{
  g_autoptr(VqsSecretStore) store = vqs_secret_store_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid_a = g_uuid_string_random ();
  g_autofree char *uuid_b = g_uuid_string_random ();
  g_autofree char *key_a = new_test_key ();
  g_autofree char *key_b = new_test_key ();

  g_assert_true (store_key (store, uuid_a, "Sonarr", key_a, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (store_key (store, uuid_b, "Radarr", key_b, NULL, &error));
  g_assert_no_error (error);

  assert_stored_key (store, uuid_a, key_a);
  assert_stored_key (store, uuid_b, key_b);

  assert_cleared (store, uuid_a);
  assert_stored_key (store, uuid_a, NULL);
  assert_stored_key (store, uuid_b, key_b);

  assert_cleared (store, uuid_b);
}

static void
assert_item (SecretRetrievable *item,
             const char        *uuid,
             const char        *api_key)
{
  g_autoptr(GHashTable) attributes = secret_retrievable_get_attributes (item);
  g_autofree char *label = secret_retrievable_get_label (item);
  SecretValue *value;

  g_assert_cmpuint (g_hash_table_size (attributes), ==, 3);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "xdg:schema"), ==,
                   "io.github.vibequality.Searcharr");
  g_assert_cmpstr (g_hash_table_lookup (attributes, "uuid"), ==, uuid);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "version"), ==, "1");
  g_assert_cmpstr (label, ==, "Searcharr API key for Home Sonarr");

  value = retrieve_secret (item);
  g_assert_cmpstr (secret_value_get_content_type (value), ==, "text/plain");
  g_assert_cmpstr (secret_value_get_text (value), ==, api_key);
  secret_value_unref (value);
}

static void
test_attributes (void)
{
  g_autoptr(VqsSecretStore) store = vqs_secret_store_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *api_key = new_test_key ();
  const SecretSchema *schema = vqs_secret_get_schema ();
  GList *items;

  g_assert_cmpstr (schema->name, ==, "io.github.vibequality.Searcharr");
  g_assert_cmpint (schema->flags, ==, SECRET_SCHEMA_NONE);

  g_assert_true (store_key (store, uuid, "Home Sonarr", api_key, NULL, &error));
  g_assert_no_error (error);

  items = search_items (uuid);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  assert_item (items->data, uuid, api_key);
  g_list_free_full (items, g_object_unref);

  assert_cleared (store, uuid);
}

static void
test_cancel_before_start (void)
{
  g_autoptr(VqsSecretStore) store = vqs_secret_store_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *api_key = new_test_key ();
  char *found;

  g_cancellable_cancel (cancellable);

  g_assert_false (store_key (store, uuid, "Sonarr", api_key, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* A store cancelled before it started never reached the keyring. */
  assert_stored_key (store, uuid, NULL);

  found = lookup_key (store, uuid, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (found);
  g_clear_error (&error);

  g_assert_false (clear_key (store, uuid, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
assert_cancelled (GAsyncResult **slot,
                  gboolean     (*finish) (VqsSecretStore *, GAsyncResult *, GError **),
                  VqsSecretStore *store)
{
  g_autoptr(GAsyncResult) result = await_result (slot);
  g_autoptr(GError) error = NULL;

  g_assert_false (finish (store, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* Cancelling while the operations are in flight: the callbacks run
 * only from the main loop, so none can have completed yet.
 */
static void
test_cancel_in_flight (void)
{
  g_autoptr(VqsSecretStore) store = vqs_secret_store_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) lookup_result = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *api_key = new_test_key ();
  GAsyncResult *store_slot = NULL;
  GAsyncResult *lookup_slot = NULL;
  GAsyncResult *clear_slot = NULL;
  char *found;

  vqs_secret_store_store_async (store, uuid, "Sonarr", api_key, cancellable,
                                result_cb, &store_slot);
  vqs_secret_store_lookup_async (store, uuid, cancellable, result_cb, &lookup_slot);
  vqs_secret_store_clear_async (store, uuid, cancellable, result_cb, &clear_slot);
  g_cancellable_cancel (cancellable);

  assert_cancelled (&store_slot, vqs_secret_store_store_finish, store);
  assert_cancelled (&clear_slot, vqs_secret_store_clear_finish, store);

  lookup_result = await_result (&lookup_slot);
  found = vqs_secret_store_lookup_finish (store, lookup_result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (found);

  /* The store may or may not have reached the keyring; leave nothing. */
  assert_cleared (store, uuid);
}

static void
test_key_never_logged (void)
{
  g_autoptr(VqsSecretStore) store = vqs_secret_store_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *api_key = new_test_key ();
  char *found;

  start_capture ();
  g_assert_true (store_key (store, uuid, "Sonarr", api_key, NULL, &error));
  g_assert_no_error (error);
  found = lookup_key (store, uuid, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, api_key);
  vqs_secret_free (found);
  g_assert_true (clear_key (store, uuid, NULL, &error));
  g_assert_no_error (error);
  lines = stop_capture ();

  /* The store's own debug lines were captured, so a leaked key would be. */
  g_assert_cmpuint (count_lines_containing (lines, uuid), >=, 3);
  g_assert_cmpuint (count_lines_containing (lines, api_key), ==, 0);
}

/* Subprocess cases: the session bus must be chosen before GDBus connects. */

static void
assert_every_call_fails (const char *expected_message)
{
  g_autoptr(VqsSecretStore) store = vqs_secret_store_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *api_key = new_test_key ();
  char *found;

  start_capture ();

  g_assert_false (store_key (store, uuid, "Sonarr", api_key, NULL, &error));
  g_assert_error (error, VQS_SECRET_ERROR, VQS_SECRET_ERROR_NO_SERVICE);
  g_assert_cmpstr (error->message, ==, expected_message);
  g_clear_error (&error);

  found = lookup_key (store, uuid, NULL, &error);
  g_assert_error (error, VQS_SECRET_ERROR, VQS_SECRET_ERROR_NO_SERVICE);
  g_assert_null (found);
  g_clear_error (&error);

  g_assert_false (clear_key (store, uuid, NULL, &error));
  g_assert_error (error, VQS_SECRET_ERROR, VQS_SECRET_ERROR_NO_SERVICE);

  lines = stop_capture ();
  g_assert_cmpuint (count_lines_containing (lines, uuid), >=, 3);
  g_assert_cmpuint (count_lines_containing (lines, api_key), ==, 0);
}

static void
run_subprocess (void)
{
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_no_service (void)
{
  g_autoptr(GTestDBus) bus = NULL;

  if (!g_test_subprocess ())
    {
      run_subprocess ();
      return;
    }

  /* A private bus with no service files: nothing can own
   * org.freedesktop.secrets there.
   */
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);

  assert_every_call_fails ("No keyring service is running. Install and start GNOME Keyring "
                           "(the gnome-keyring package) or another Secret Service provider, "
                           "then try again.");

  secret_service_disconnect ();
  g_test_dbus_down (bus);
}

static void
test_no_bus (void)
{
  g_autofree char *runtime_dir = NULL;

  if (!g_test_subprocess ())
    {
      run_subprocess ();
      return;
    }

  /* No address, no $XDG_RUNTIME_DIR/bus and no display to autolaunch a
   * bus on: GDBus answers "Cannot autolaunch D-Bus without X11 $DISPLAY".
   */
  runtime_dir = g_dir_make_tmp ("vqs-no-bus-XXXXXX", NULL);
  g_assert_nonnull (runtime_dir);
  g_setenv ("XDG_RUNTIME_DIR", runtime_dir, TRUE);
  g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
  g_unsetenv ("DBUS_STARTER_ADDRESS");
  g_unsetenv ("DISPLAY");

  assert_every_call_fails ("No D-Bus session bus is running, so the keyring cannot be reached. "
                           "Start Searcharr from a desktop session, then try again.");

  g_assert_cmpint (g_rmdir (runtime_dir), ==, 0);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      dir = g_dir_open (path, 0, NULL);
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
    }
  g_remove (path);
}

static char *
make_dir (const char *parent,
          const char *name)
{
  char *path = g_build_filename (parent, name, NULL);

  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  return path;
}

/* Points the child at a keyring whose "login" collection was never created
 * or unlocked, like a session where PAM did not unlock the keyring.
 */
static char *
start_locked_keyring (GTestDBus  *bus,
                      const char *keyring_daemon)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *services = NULL;
  g_autofree char *service_file = NULL;
  g_autofree char *service = NULL;
  g_autofree char *home = NULL;
  g_autofree char *data = NULL;
  g_autofree char *runtime = NULL;
  char *root;

  root = g_dir_make_tmp ("vqs-locked-XXXXXX", &error);
  g_assert_no_error (error);
  home = make_dir (root, "home");
  data = make_dir (root, "data");
  runtime = make_dir (root, "runtime");
  services = make_dir (root, "services");

  service = g_strdup_printf ("[D-BUS Service]\n"
                             "Name=org.freedesktop.secrets\n"
                             "Exec=%s --start --foreground --components=secrets\n",
                             keyring_daemon);
  service_file = g_build_filename (services, "org.freedesktop.secrets.service", NULL);
  g_file_set_contents (service_file, service, -1, &error);
  g_assert_no_error (error);

  /* The bus passes this environment on to the keyring daemon it starts. */
  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
  g_unsetenv ("GNOME_KEYRING_CONTROL");
  g_unsetenv ("DISPLAY");

  g_test_dbus_add_service_dir (bus, services);
  g_test_dbus_up (bus);
  return root;
}

static void
test_locked (void)
{
  g_autoptr(VqsSecretStore) store = NULL;
  g_autoptr(GTestDBus) bus = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *keyring_daemon = g_find_program_in_path ("gnome-keyring-daemon");
  g_autofree char *root = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *api_key = new_test_key ();

  if (keyring_daemon == NULL)
    {
      g_test_skip ("gnome-keyring-daemon is not installed");
      return;
    }

  if (!g_test_subprocess ())
    {
      run_subprocess ();
      return;
    }

  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  root = start_locked_keyring (bus, keyring_daemon);

  /* No prompter is on this bus, so gnome-keyring cannot ask for a
   * password and answers as if the user dismissed the prompt.
   */
  store = vqs_secret_store_new ();
  g_assert_false (store_key (store, uuid, "Sonarr", api_key, NULL, &error));
  g_assert_error (error, VQS_SECRET_ERROR, VQS_SECRET_ERROR_LOCKED);
  g_assert_cmpstr (error->message, ==,
                   "The keyring is locked. Unlock it (for example by logging in again) and "
                   "try again.");
  g_assert_null (strstr (error->message, api_key));

  secret_service_disconnect ();
  g_test_dbus_down (bus);

  /* The keyring daemon goes away with the bus and may still write its
   * socket or keyring files for a moment, so cleanup tries again until
   * the tree is gone.
   */
  for (guint i = 0; i < 50 && g_file_test (root, G_FILE_TEST_EXISTS); i++)
    {
      remove_tree (root);
      if (g_file_test (root, G_FILE_TEST_EXISTS))
        g_usleep (G_USEC_PER_SEC / 10);
    }
  g_assert_false (g_file_test (root, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (capture_writer_cb, NULL, NULL);

  g_test_add_func ("/vqs/secret-store/round-trip", test_round_trip);
  g_test_add_func ("/vqs/secret-store/overwrite", test_overwrite);
  g_test_add_func ("/vqs/secret-store/lookup-unknown", test_lookup_unknown);
  g_test_add_func ("/vqs/secret-store/clear", test_clear);
  g_test_add_func ("/vqs/secret-store/clear-missing", test_clear_missing);
  g_test_add_func ("/vqs/secret-store/independent", test_independent);
  g_test_add_func ("/vqs/secret-store/attributes", test_attributes);
  g_test_add_func ("/vqs/secret-store/cancel-before-start", test_cancel_before_start);
  g_test_add_func ("/vqs/secret-store/cancel-in-flight", test_cancel_in_flight);
  g_test_add_func ("/vqs/secret-store/key-never-logged", test_key_never_logged);
  g_test_add_func ("/vqs/secret-store/no-service", test_no_service);
  g_test_add_func ("/vqs/secret-store/no-bus", test_no_bus);
  g_test_add_func ("/vqs/secret-store/locked", test_locked);

  ret = g_test_run ();

  /* libsecret caches its service proxy for the life of the process. */
  secret_service_disconnect ();
  return ret;
}
