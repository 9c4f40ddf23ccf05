/* test-dbus.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-dbus"

#include "config.h"

#include <errno.h>
#include <gio/gunixfdlist.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "vqs-arr-error.h"
#include "vqs-dbus-error.h"
#include "vqs-dbus-generated.h"
#include "vqs-dbus-service.h"
#include "vqs-fake-arr.h"
#include "vqs-instance-manager.h"
#include "vqs-instance-validate.h"
#include "vqs-secret-store.h"

/* The service runs in this process on its own connection to the session
 * bus of tests/session-run (where the real gnome-keyring answers), and
 * the tests call it over the bus from separate client connections. All
 * client calls are asynchronous: the service answers from the same main
 * context, so a synchronous call would deadlock.
 */

#define ROOT_PATH       "/io/github/vibequality/Searcharr"
#define MANAGER_IFACE   "io.github.vibequality.Searcharr.Manager1"
#define INSTANCE_IFACE  "io.github.vibequality.Searcharr.Instance1"
#define ERROR_NAME(n)   "io.github.vibequality.Searcharr.Error." n
#define API_KEY         VQS_FAKE_ARR_DEFAULT_API_KEY
#define OTHER_KEY       "fedcba9876543210fedcba9876543210"
#define TIME_PATTERN    "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"

typedef struct
{
  char               *dir;
  char               *db_path;
  VqsFakeArr         *fake;
  char               *fake_url;
  VqsInstanceManager *manager;
  VqsDBusService     *service;
  GDBusConnection    *server;
  GDBusConnection    *client;
  guint               tick_id;
} Fixture;

/* Helpers */

/* SQLite removes its -wal and -shm files when the last connection closes,
 * which the store does on its own thread: a file may vanish, or the
 * directory may not be empty yet. Returns whether the tree is gone.
 */
static gboolean
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
      return g_rmdir (path) == 0 || errno == ENOENT;
    }

  return g_unlink (path) == 0 || errno == ENOENT;
}

/* Spins the main context until @cond holds, failing after 30 s rather
 * than hanging; the tick source keeps iterations coming.
 */
#define WAIT_UNTIL(cond)                                                   \
  G_STMT_START {                                                           \
    gint64 wait_end_ = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;      \
    while (!(cond))                                                        \
      {                                                                    \
        g_assert_cmpint (g_get_monotonic_time (), <, wait_end_);           \
        g_main_context_iteration (NULL, TRUE);                             \
      }                                                                    \
  } G_STMT_END

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  WAIT_UNTIL (*slot != NULL);
  return *slot;
}

static GDBusConnection *
new_connection (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  GDBusConnection *connection;

  address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  connection = g_dbus_connection_new_for_address_sync (
    address,
    G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
    NULL, NULL, &error);
  g_assert_no_error (error);

  return connection;
}

static void
close_connection (GDBusConnection **connection)
{
  g_autoptr(GError) error = NULL;

  if (*connection == NULL)
    return;

  g_dbus_connection_close_sync (*connection, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (connection);
}

static VqsInstanceManager *
new_manager (const char *db_path)
{
  g_autoptr(VqsInstanceStore) store = vqs_instance_store_new (db_path);
  g_autoptr(VqsSecretStore) secrets = vqs_secret_store_new ();
  VqsInstanceManager *manager = vqs_instance_manager_new (store, secrets);

  /* No backoff waits: a failing test here should fail at once. */
  vqs_instance_manager_set_retry_policy (manager, 0, 10, 10);

  return manager;
}

static void
load_manager (VqsInstanceManager *manager)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  vqs_instance_manager_load_async (manager, NULL, result_cb, &result);
  vqs_instance_manager_load_finish (manager, wait_for (&result), &error);
  g_assert_no_error (error);
}

/* The manager tests a new instance in the background; wait for it. */
static void
wait_idle (Fixture *f)
{
  WAIT_UNTIL (vqs_instance_manager_get_busy_count (f->manager) == 0);
}

static const char *
service_name (Fixture *f)
{
  return g_dbus_connection_get_unique_name (f->server);
}

typedef struct
{
  gboolean  done;
  GVariant *reply;
  GError   *error;
} CallResult;

static void
call_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  CallResult *r = user_data;

  r->reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &r->error);
  r->done = TRUE;
}

static void
call_with_fds_done_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  CallResult *r = user_data;

  r->reply = g_dbus_connection_call_with_unix_fd_list_finish (G_DBUS_CONNECTION (source), NULL,
                                                              result, &r->error);
  r->done = TRUE;
}

/* A call that sends @fd_list (may be %NULL) along with @parameters. */
static GVariant *
call_with_fds (Fixture          *f,
               GDBusConnection  *connection,
               const char       *path,
               const char       *iface,
               const char       *method,
               GVariant         *parameters,
               GUnixFDList      *fd_list,
               GError          **error)
{
  CallResult r = { FALSE, NULL, NULL };

  g_dbus_connection_call_with_unix_fd_list (connection, service_name (f), path, iface, method,
                                            parameters, NULL, G_DBUS_CALL_FLAGS_NONE, 60000,
                                            fd_list, NULL, call_with_fds_done_cb, &r);
  WAIT_UNTIL (r.done);

  if (r.error != NULL)
    g_propagate_error (error, r.error);

  return r.reply;
}

static GVariant *
call (Fixture          *f,
      GDBusConnection  *connection,
      const char       *path,
      const char       *iface,
      const char       *method,
      GVariant         *parameters,
      GError          **error)
{
  return call_with_fds (f, connection, path, iface, method, parameters, NULL, error);
}

static GVariant *
settings_new (const char *name,
              const char *url,
              guint       rate_limit)
{
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);

  g_variant_builder_add (&builder, "{sv}", "name", g_variant_new_string (name));
  g_variant_builder_add (&builder, "{sv}", "kind", g_variant_new_string ("sonarr"));
  g_variant_builder_add (&builder, "{sv}", "url", g_variant_new_string (url));
  g_variant_builder_add (&builder, "{sv}", "api-key", g_variant_new_string (API_KEY));
  if (rate_limit > 0)
    g_variant_builder_add (&builder, "{sv}", "rate-limit-per-minute",
                           g_variant_new_uint32 (rate_limit));

  return g_variant_builder_end (&builder);
}

/* Creates an instance over the bus and waits for its background test. */
static char *
create_instance (Fixture    *f,
                 const char *name,
                 guint       rate_limit)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  char *path;

  reply = call (f, f->client, ROOT_PATH, MANAGER_IFACE, "CreateInstance",
                g_variant_new ("(@a{sv})", settings_new (name, f->fake_url, rate_limit)), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(o)", &path);
  wait_idle (f);

  return path;
}

static void
assert_remote_error (const GError *error,
                     const char   *name)
{
  g_autofree char *remote = NULL;

  g_assert_nonnull (error);
  remote = g_dbus_error_get_remote_error (error);
  g_assert_cmpstr (remote, ==, name);
}

/* Fixture */

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("vqs-dbus-XXXXXX", &error);
  g_assert_no_error (error);
  f->db_path = g_build_filename (f->dir, "instances.db", NULL);

  f->fake = vqs_fake_arr_new (VQS_ARR_KIND_SONARR, NULL, NULL);
  vqs_fake_arr_listen (f->fake, 0, FALSE, &error);
  g_assert_no_error (error);
  f->fake_url = vqs_fake_arr_get_url (f->fake);

  f->tick_id = g_timeout_add (50, tick_cb, NULL);
  f->server = new_connection ();
  f->client = new_connection ();

  f->manager = new_manager (f->db_path);
  load_manager (f->manager);

  f->service = vqs_dbus_service_new (f->manager, ROOT_PATH);
  vqs_dbus_service_export (f->service, f->server, &error);
  g_assert_no_error (error);
  vqs_dbus_service_set_ready (f->service);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  wait_idle (f);

  vqs_dbus_service_unexport (f->service);
  g_clear_object (&f->service);
  g_clear_object (&f->manager);
  close_connection (&f->client);
  close_connection (&f->server);
  g_clear_object (&f->fake);
  g_clear_pointer (&f->fake_url, g_free);
  WAIT_UNTIL (remove_tree (f->dir));
  g_clear_handle_id (&f->tick_id, g_source_remove);

  /* Let the pending idle callbacks of GDBus and the store drop their
   * references before the leak check at exit.
   */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_clear_pointer (&f->dir, g_free);
  g_clear_pointer (&f->db_path, g_free);
}

/* Error names */

typedef struct
{
  GQuark      domain;
  int         code;
  const char *name;
} ErrorName;

static void
test_error_names (void)
{
  const ErrorName names[] = {
    { VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_INVALID_ARGUMENT, ERROR_NAME ("InvalidArgument") },
    { VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_DUPLICATE, ERROR_NAME ("Duplicate") },
    { VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_NOT_FOUND, ERROR_NAME ("NotFound") },
    { VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_KEYRING, ERROR_NAME ("Keyring") },
    { VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_FAILED, ERROR_NAME ("Failed") },
    { VQS_ARR_ERROR, VQS_ARR_ERROR_CONNECTION_FAILED, ERROR_NAME ("ConnectionFailed") },
    { VQS_ARR_ERROR, VQS_ARR_ERROR_TIMEOUT, ERROR_NAME ("Timeout") },
    { VQS_ARR_ERROR, VQS_ARR_ERROR_TLS_CERTIFICATE, ERROR_NAME ("TlsCertificate") },
    { VQS_ARR_ERROR, VQS_ARR_ERROR_UNAUTHORIZED, ERROR_NAME ("Unauthorized") },
    { VQS_ARR_ERROR, VQS_ARR_ERROR_NOT_FOUND, ERROR_NAME ("ServerNotFound") },
    { VQS_ARR_ERROR, VQS_ARR_ERROR_RATE_LIMITED, ERROR_NAME ("ServerRateLimited") },
    { VQS_ARR_ERROR, VQS_ARR_ERROR_SERVER_ERROR, ERROR_NAME ("ServerError") },
    { VQS_ARR_ERROR, VQS_ARR_ERROR_STARTING_UP, ERROR_NAME ("StartingUp") },
    { VQS_ARR_ERROR, VQS_ARR_ERROR_REDIRECTED, ERROR_NAME ("Redirected") },
    { VQS_ARR_ERROR, VQS_ARR_ERROR_WRONG_APPLICATION, ERROR_NAME ("WrongApplication") },
    { VQS_ARR_ERROR, VQS_ARR_ERROR_INVALID_RESPONSE, ERROR_NAME ("InvalidResponse") },
    { VQS_ARR_ERROR, VQS_ARR_ERROR_BAD_REQUEST, ERROR_NAME ("BadRequest") },
    { VQS_DBUS_ERROR, VQS_DBUS_ERROR_RATE_LIMITED, ERROR_NAME ("RateLimited") },
  };

  vqs_dbus_error_register ();

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GError) error = g_error_new_literal (names[i].domain, names[i].code, "message");
      g_autoptr(GError) decoded = NULL;
      g_autofree char *encoded = g_dbus_error_encode_gerror (error);

      g_assert_cmpstr (encoded, ==, names[i].name);

      /* And back: an in-process client gets the domain and code. */
      decoded = g_dbus_error_new_for_dbus_error (names[i].name, "message");
      g_assert_error (decoded, names[i].domain, names[i].code);
    }

  /* The arr names follow the core's nicks, except the two that would
   * collide with the instance's NotFound and the bus's RateLimited.
   */
  for (int code = VQS_ARR_ERROR_CONNECTION_FAILED; code <= VQS_ARR_ERROR_BAD_REQUEST; code++)
    {
      g_autoptr(GError) error = g_error_new_literal (VQS_ARR_ERROR, code, "message");
      g_autofree char *encoded = g_dbus_error_encode_gerror (error);
      const char *nick = vqs_arr_error_to_nick (code);
      g_autofree char *expected = NULL;

      if (code == VQS_ARR_ERROR_NOT_FOUND || code == VQS_ARR_ERROR_RATE_LIMITED)
        expected = g_strconcat (VQS_DBUS_ERROR_PREFIX "Server", nick, NULL);
      else
        expected = g_strconcat (VQS_DBUS_ERROR_PREFIX, nick, NULL);
      g_assert_cmpstr (encoded, ==, expected);
    }
}

static void
test_error_for_bus (void)
{
  g_autoptr(GError) secret = g_error_new_literal (VQS_SECRET_ERROR, VQS_SECRET_ERROR_LOCKED,
                                                  "The keyring is locked.");
  g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "x");
  g_autoptr(GError) io = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NO_SPACE, "Disk full.");
  g_autoptr(GError) invalid = vqs_instance_error_new (VQS_INSTANCE_ERROR_INVALID_ARGUMENT,
                                                      VQS_INSTANCE_FIELD_URL, "Bad address.");
  g_autoptr(GError) arr = g_error_new_literal (VQS_ARR_ERROR, VQS_ARR_ERROR_UNAUTHORIZED, "No.");
  g_autoptr(GError) bus_secret = vqs_dbus_error_for_bus (secret);
  g_autoptr(GError) bus_cancelled = vqs_dbus_error_for_bus (cancelled);
  g_autoptr(GError) bus_io = vqs_dbus_error_for_bus (io);
  g_autoptr(GError) bus_invalid = vqs_dbus_error_for_bus (invalid);
  g_autoptr(GError) bus_arr = vqs_dbus_error_for_bus (arr);

  g_assert_error (bus_secret, VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_KEYRING);
  g_assert_cmpstr (bus_secret->message, ==, "The keyring is locked.");
  g_assert_error (bus_cancelled, VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_FAILED);
  g_assert_error (bus_io, VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_FAILED);
  g_assert_cmpstr (bus_io->message, ==, "Disk full.");
  g_assert_error (bus_invalid, VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (bus_invalid->message, ==, "url: Bad address.");
  g_assert_cmpstr (vqs_instance_error_get_field (bus_invalid), ==, VQS_INSTANCE_FIELD_URL);
  g_assert_error (bus_arr, VQS_ARR_ERROR, VQS_ARR_ERROR_UNAUTHORIZED);
}

/* The generated client proxies against the service */

static void
on_properties_changed_cb (GDBusProxy *proxy,
                          GVariant   *changed,
                          GStrv       invalidated,
                          guint      *count)
{
  (*count)++;
}

static GDBusObjectManager *
new_object_manager_client (Fixture *f)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GDBusObjectManager *client;

  vqs_dbus_object_manager_client_new (f->client, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_NONE,
                                      service_name (f), ROOT_PATH, NULL, result_cb, &result);
  client = vqs_dbus_object_manager_client_new_finish (wait_for (&result), &error);
  g_assert_no_error (error);

  return client;
}

static VqsDBusManager1 *
new_manager_proxy (Fixture *f)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  VqsDBusManager1 *proxy;

  vqs_dbus_manager1_proxy_new (f->client, G_DBUS_PROXY_FLAGS_NONE, service_name (f), ROOT_PATH,
                               NULL, result_cb, &result);
  proxy = vqs_dbus_manager1_proxy_new_finish (wait_for (&result), &error);
  g_assert_no_error (error);

  return proxy;
}

static void
assert_time (const char *value)
{
  g_assert_true (g_regex_match_simple (TIME_PATTERN, value, 0, 0));
}

static VqsDBusInstance1 *
proxy_create (Fixture         *f,
              VqsDBusManager1 *manager,
              GDBusObjectManager *objects,
              const char      *name)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  GDBusInterface *iface;

  vqs_dbus_manager1_call_create_instance (manager, settings_new (name, f->fake_url, 600), NULL,
                                          NULL, result_cb, &result);
  vqs_dbus_manager1_call_create_instance_finish (manager, &path, NULL, wait_for (&result),
                                                 &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (path, ROOT_PATH "/instances/"));

  /* InterfacesAdded went out before the reply. */
  WAIT_UNTIL ((iface = g_dbus_object_manager_get_interface (objects, path, INSTANCE_IFACE)));

  return VQS_DBUS_INSTANCE1 (iface);
}

static void
test_proxy_lifecycle (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GDBusObjectManager) objects = new_object_manager_client (f);
  g_autoptr(VqsDBusManager1) manager = new_manager_proxy (f);
  g_autoptr(VqsDBusInstance1) instance = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GVariant) test = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GVariantBuilder) changes = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  g_autolist(GDBusObject) listed = NULL;
  guint changed = 0;
  gboolean success = FALSE;
  const char *version = NULL;

  g_assert_null (g_dbus_object_manager_get_objects (objects));

  instance = proxy_create (f, manager, objects, "Living room");
  g_signal_connect (instance, "g-properties-changed", G_CALLBACK (on_properties_changed_cb),
                    &changed);

  g_assert_cmpstr (vqs_dbus_instance1_get_name (instance), ==, "Living room");
  g_assert_cmpstr (vqs_dbus_instance1_get_kind (instance), ==, "sonarr");
  g_assert_cmpstr (vqs_dbus_instance1_get_url (instance), ==, f->fake_url);
  g_assert_true (vqs_dbus_instance1_get_verify_tls (instance));
  g_assert_cmpuint (vqs_dbus_instance1_get_timeout_seconds (instance), ==, 30);
  g_assert_cmpuint (vqs_dbus_instance1_get_rate_limit_per_minute (instance), ==, 600);
  g_assert_true (vqs_dbus_instance1_get_has_api_key (instance));
  g_assert_cmpuint (vqs_dbus_instance1_get_id (instance), >, 0);
  g_assert_cmpuint (strlen (vqs_dbus_instance1_get_uuid (instance)), ==, 36);
  assert_time (vqs_dbus_instance1_get_created_at (instance));
  assert_time (vqs_dbus_instance1_get_updated_at (instance));

  /* The background test reaches the proxy through PropertiesChanged. */
  WAIT_UNTIL (vqs_dbus_instance1_get_last_connection_success (instance));
  g_assert_true (vqs_dbus_instance1_get_is_healthy (instance));
  g_assert_cmpstr (vqs_dbus_instance1_get_version (instance), ==,
                   VQS_FAKE_ARR_DEFAULT_SONARR_VERSION);
  g_assert_cmpstr (vqs_dbus_instance1_get_last_error (instance), ==, "");
  assert_time (vqs_dbus_instance1_get_last_connection_test (instance));
  g_assert_cmpuint (changed, >, 0);
  wait_idle (f);

  /* Update: the live properties follow, whoever changed them. */
  g_variant_builder_add (&changes, "{sv}", "name", g_variant_new_string ("Bedroom"));
  g_variant_builder_add (&changes, "{sv}", "timeout-seconds", g_variant_new_uint32 (45));
  g_variant_builder_add (&changes, "{sv}", "verify-tls", g_variant_new_boolean (FALSE));
  vqs_dbus_instance1_call_update (instance, g_variant_builder_end (&changes), NULL, NULL,
                                  result_cb, &result);
  vqs_dbus_instance1_call_update_finish (instance, NULL, wait_for (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  WAIT_UNTIL (g_strcmp0 (vqs_dbus_instance1_get_name (instance), "Bedroom") == 0);
  WAIT_UNTIL (vqs_dbus_instance1_get_timeout_seconds (instance) == 45);
  g_assert_false (vqs_dbus_instance1_get_verify_tls (instance));
  g_assert_cmpstr (vqs_instance_get_name (vqs_instance_manager_find_by_id (f->manager,
                                          vqs_dbus_instance1_get_id (instance))), ==, "Bedroom");
  wait_idle (f);

  /* TestConnection. */
  vqs_dbus_instance1_call_test_connection (instance, NULL, result_cb, &result);
  vqs_dbus_instance1_call_test_connection_finish (instance, &test, wait_for (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_true (g_variant_lookup (test, "success", "b", &success));
  g_assert_true (success);
  g_assert_true (g_variant_lookup (test, "version", "&s", &version));
  g_assert_cmpstr (version, ==, VQS_FAKE_ARR_DEFAULT_SONARR_VERSION);
  g_assert_true (g_variant_lookup (test, "response-time-ms", "u", NULL));
  g_assert_true (g_variant_lookup (test, "message", "&s", NULL));
  g_assert_true (g_variant_lookup (test, "error-details", "&s", &version));
  g_assert_cmpstr (version, ==, "");

  /* A second instance is listed too. */
  g_clear_object (&instance);
  instance = proxy_create (f, manager, objects, "Kitchen");
  listed = g_dbus_object_manager_get_objects (objects);
  g_assert_cmpuint (g_list_length (listed), ==, 2);
  wait_idle (f);
}

static void
test_failed_connection (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GDBusObjectManager) objects = new_object_manager_client (f);
  g_autoptr(VqsDBusManager1) manager = new_manager_proxy (f);
  g_autoptr(VqsDBusInstance1) instance = proxy_create (f, manager, objects, "Living room");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GVariant) test = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *printed = NULL;
  gboolean success = TRUE;
  const char *error_name = NULL;

  WAIT_UNTIL (vqs_dbus_instance1_get_last_connection_success (instance));
  wait_idle (f);

  /* A wrong key on the server: a failed test is a successful call. */
  vqs_fake_arr_set_api_key (f->fake, "ffffffffffffffffffffffffffffffff");
  vqs_dbus_instance1_call_test_connection (instance, NULL, result_cb, &result);
  vqs_dbus_instance1_call_test_connection_finish (instance, &test, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (test, "success", "b", &success));
  g_assert_false (success);
  g_assert_true (g_variant_lookup (test, "error-name", "&s", &error_name));
  g_assert_cmpstr (error_name, ==, ERROR_NAME ("Unauthorized"));

  WAIT_UNTIL (!vqs_dbus_instance1_get_last_connection_success (instance));
  WAIT_UNTIL (!vqs_dbus_instance1_get_is_healthy (instance));
  g_assert_cmpstr (vqs_dbus_instance1_get_last_error (instance), !=, "");
  assert_time (vqs_dbus_instance1_get_last_connection_test (instance));
  printed = g_variant_print (test, TRUE);
  g_assert_null (strstr (printed, API_KEY));
}

static gboolean
drift_detected (GVariant *report)
{
  gboolean detected = FALSE;

  g_assert_true (g_variant_lookup (report, "drift-detected", "b", &detected));
  return detected;
}

static void
test_drift (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *path = create_instance (f, "Living room", 600);
  g_autoptr(GVariant) report = NULL;
  g_autoptr(GVariant) changes = NULL;
  g_autoptr(GVariant) change = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *category = NULL;
  guint32 profiles = 0;

  /* A check, then an accept, so that the baseline is this configuration
   * whether or not the background first baseline came first.
   */
  reply = call (f, f->client, path, INSTANCE_IFACE, "CheckDrift", NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&reply, g_variant_unref);
  reply = call (f, f->client, path, INSTANCE_IFACE, "AcceptDrift", NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&reply, g_variant_unref);
  wait_idle (f);

  reply = call (f, f->client, path, INSTANCE_IFACE, "CheckDrift", NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(@a{sv})", &report);
  g_assert_false (drift_detected (report));
  g_assert_true (g_variant_lookup (report, "quality-profiles-count", "u", &profiles));
  g_assert_cmpuint (profiles, ==, 2);
  g_clear_pointer (&report, g_variant_unref);
  g_clear_pointer (&reply, g_variant_unref);

  vqs_fake_arr_add_tag (f->fake, "kids");
  reply = call (f, f->client, path, INSTANCE_IFACE, "CheckDrift", NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(@a{sv})", &report);
  g_assert_true (drift_detected (report));
  changes = g_variant_lookup_value (report, "changes", G_VARIANT_TYPE ("aa{sv}"));
  g_assert_cmpuint (g_variant_n_children (changes), ==, 1);
  change = g_variant_get_child_value (changes, 0);
  g_assert_true (g_variant_lookup (change, "category", "&s", &category));
  g_assert_cmpstr (category, ==, "tag");
  g_assert_true (g_variant_lookup (change, "subject", "&s", &category));
  g_assert_cmpstr (category, ==, "kids");
  g_assert_true (g_variant_lookup (change, "description", "&s", NULL));
  g_clear_pointer (&report, g_variant_unref);
  g_clear_pointer (&reply, g_variant_unref);

  reply = call (f, f->client, path, INSTANCE_IFACE, "AcceptDrift", NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&reply, g_variant_unref);

  reply = call (f, f->client, path, INSTANCE_IFACE, "CheckDrift", NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(@a{sv})", &report);
  g_assert_false (drift_detected (report));
}

static gboolean
has_instance (GDBusObjectManager *objects,
              const char         *path)
{
  g_autoptr(GDBusInterface) iface = g_dbus_object_manager_get_interface (objects, path,
                                                                         INSTANCE_IFACE);

  return iface != NULL;
}

static void
test_find_and_delete (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GDBusObjectManager) objects = new_object_manager_client (f);
  g_autofree char *path = create_instance (f, "Living room", 600);
  g_autofree char *found = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  /* Names compare ignoring case and surrounding spaces. */
  reply = call (f, f->client, ROOT_PATH, MANAGER_IFACE, "FindInstance",
                g_variant_new ("(s)", "  LIVING room "), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(o)", &found);
  g_assert_cmpstr (found, ==, path);
  g_clear_pointer (&reply, g_variant_unref);

  WAIT_UNTIL (has_instance (objects, path));

  reply = call (f, f->client, path, INSTANCE_IFACE, "Delete", NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&reply, g_variant_unref);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->manager)), ==, 0);

  /* InterfacesRemoved went out, and the object is gone from the bus. */
  WAIT_UNTIL (!has_instance (objects, path));
  reply = call (f, f->client, path, INSTANCE_IFACE, "Delete", NULL, &error);
  assert_remote_error (error, "org.freedesktop.DBus.Error.UnknownMethod");
  g_clear_error (&error);

  reply = call (f, f->client, ROOT_PATH, MANAGER_IFACE, "FindInstance",
                g_variant_new ("(s)", "Living room"), &error);
  assert_remote_error (error, ERROR_NAME ("NotFound"));
}

/* Changes made in the window reach bus clients */

/* What a client saw: the paths of the objects added and removed, and the
 * last Name and TimeoutSeconds that PropertiesChanged carried.
 */
typedef struct
{
  GPtrArray *added;
  GPtrArray *removed;
  char      *name;
  guint      timeout;
} Seen;

static void
seen_clear (Seen *seen)
{
  g_clear_pointer (&seen->added, g_ptr_array_unref);
  g_clear_pointer (&seen->removed, g_ptr_array_unref);
  g_clear_pointer (&seen->name, g_free);
}

static void
on_object_added_cb (GDBusObjectManager *objects,
                    GDBusObject        *object,
                    Seen               *seen)
{
  g_ptr_array_add (seen->added, g_strdup (g_dbus_object_get_object_path (object)));
}

static void
on_object_removed_cb (GDBusObjectManager *objects,
                      GDBusObject        *object,
                      Seen               *seen)
{
  g_ptr_array_add (seen->removed, g_strdup (g_dbus_object_get_object_path (object)));
}

/* Only what the signal itself carries, not the proxy's cache. */
static void
on_settings_changed_cb (GDBusProxy *proxy,
                        GVariant   *changed,
                        GStrv       invalidated,
                        Seen       *seen)
{
  const char *name = NULL;
  guint32 timeout = 0;

  if (g_variant_lookup (changed, "Name", "&s", &name))
    {
      g_free (seen->name);
      seen->name = g_strdup (name);
    }
  if (g_variant_lookup (changed, "TimeoutSeconds", "u", &timeout))
    seen->timeout = timeout;
}

static gboolean
has_path (GPtrArray  *paths,
          const char *path)
{
  return g_ptr_array_find_with_equal_func (paths, path, g_str_equal, NULL);
}

/* What the window's Add dialog does: straight to the manager. */
static VqsInstance *
manager_create (Fixture    *f,
                const char *name)
{
  VqsInstanceChanges changes = VQS_INSTANCE_CHANGES_INIT;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  VqsInstance *instance;

  changes.name = name;
  changes.kind = "sonarr";
  changes.url = f->fake_url;
  changes.api_key = API_KEY;
  changes.rate_limit_per_minute = 600;
  vqs_instance_manager_create_async (f->manager, &changes, NULL, result_cb, &result);
  instance = vqs_instance_manager_create_finish (f->manager, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (instance);

  return instance;
}

static void
manager_update (Fixture            *f,
                VqsInstance        *instance,
                VqsInstanceChanges *changes)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  vqs_instance_manager_update_async (f->manager, instance, changes, NULL, result_cb, &result);
  g_assert_true (vqs_instance_manager_update_finish (f->manager, wait_for (&result), &error));
  g_assert_no_error (error);
}

static void
manager_delete (Fixture     *f,
                VqsInstance *instance)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  vqs_instance_manager_delete_async (f->manager, instance, NULL, result_cb, &result);
  g_assert_true (vqs_instance_manager_delete_finish (f->manager, wait_for (&result), &error));
  g_assert_no_error (error);
}

/* The window and the bus share one manager: whatever the window does, a
 * client on another connection learns from the usual signals.
 */
static void
test_window_changes_reach_clients (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GDBusObjectManager) objects = new_object_manager_client (f);
  g_autoptr(VqsInstance) instance = NULL;
  g_autoptr(GDBusInterface) iface = NULL;
  g_autofree char *path = NULL;
  VqsInstanceChanges changes = VQS_INSTANCE_CHANGES_INIT;
  Seen seen = { g_ptr_array_new_with_free_func (g_free),
                g_ptr_array_new_with_free_func (g_free), NULL, 0 };

  g_assert_nonnull (g_dbus_connection_get_unique_name (f->client));
  g_assert_cmpstr (g_dbus_connection_get_unique_name (f->client), !=, service_name (f));
  g_signal_connect (objects, "object-added", G_CALLBACK (on_object_added_cb), &seen);
  g_signal_connect (objects, "object-removed", G_CALLBACK (on_object_removed_cb), &seen);

  /* Create: InterfacesAdded, with the properties already filled in. */
  instance = manager_create (f, "Living room");
  path = vqs_dbus_service_dup_instance_path (f->service, instance);
  WAIT_UNTIL (has_path (seen.added, path));
  g_assert_cmpuint (seen.added->len, ==, 1);
  iface = g_dbus_object_manager_get_interface (objects, path, INSTANCE_IFACE);
  g_assert_nonnull (iface);
  g_assert_cmpstr (vqs_dbus_instance1_get_name (VQS_DBUS_INSTANCE1 (iface)), ==, "Living room");
  g_assert_cmpuint (vqs_dbus_instance1_get_timeout_seconds (VQS_DBUS_INSTANCE1 (iface)), ==, 30);
  g_assert_true (vqs_dbus_instance1_get_has_api_key (VQS_DBUS_INSTANCE1 (iface)));

  /* The manager's background test of the new instance shows up too. */
  WAIT_UNTIL (vqs_dbus_instance1_get_last_connection_success (VQS_DBUS_INSTANCE1 (iface)));
  wait_idle (f);

  /* Update: PropertiesChanged carries the new values. Nothing else
   * changes the name, so the signal can only come from this update.
   */
  g_signal_connect (iface, "g-properties-changed", G_CALLBACK (on_settings_changed_cb), &seen);
  changes.name = "Bedroom";
  changes.timeout_seconds = 45;
  manager_update (f, instance, &changes);
  WAIT_UNTIL (g_strcmp0 (seen.name, "Bedroom") == 0 && seen.timeout == 45);
  g_assert_cmpstr (vqs_dbus_instance1_get_name (VQS_DBUS_INSTANCE1 (iface)), ==, "Bedroom");
  g_assert_cmpuint (vqs_dbus_instance1_get_timeout_seconds (VQS_DBUS_INSTANCE1 (iface)), ==, 45);
  wait_idle (f);

  /* Delete: InterfacesRemoved, and the object is gone. */
  g_assert_cmpuint (seen.removed->len, ==, 0);
  manager_delete (f, instance);
  WAIT_UNTIL (has_path (seen.removed, path));
  g_assert_cmpuint (seen.removed->len, ==, 1);
  g_assert_false (has_instance (objects, path));
  g_assert_null (g_dbus_object_manager_get_objects (objects));
  g_assert_cmpuint (seen.added->len, ==, 1);

  g_signal_handlers_disconnect_by_data (objects, &seen);
  g_signal_handlers_disconnect_by_data (iface, &seen);
  seen_clear (&seen);
}

static VqsDBusInstance1 *
new_instance_proxy (Fixture         *f,
                    GDBusConnection *connection,
                    const char      *path)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  VqsDBusInstance1 *proxy;

  vqs_dbus_instance1_proxy_new (connection, G_DBUS_PROXY_FLAGS_NONE, service_name (f), path,
                                NULL, result_cb, &result);
  proxy = vqs_dbus_instance1_proxy_new_finish (wait_for (&result), &error);
  g_assert_no_error (error);

  return proxy;
}

/* One client's Update reaches another client's proxy of the same object,
 * which never calls anything itself.
 */
static void
test_two_clients (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *path = create_instance (f, "Living room", 600);
  g_autoptr(GDBusConnection) other = new_connection ();
  g_autoptr(VqsDBusInstance1) a = new_instance_proxy (f, f->client, path);
  g_autoptr(VqsDBusInstance1) b = new_instance_proxy (f, other, path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GVariantBuilder) changes = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  Seen seen_b = { NULL, NULL, NULL, 0 };

  g_assert_cmpstr (g_dbus_connection_get_unique_name (f->client), !=,
                   g_dbus_connection_get_unique_name (other));
  g_assert_cmpstr (vqs_dbus_instance1_get_name (a), ==, "Living room");
  g_assert_cmpstr (vqs_dbus_instance1_get_name (b), ==, "Living room");
  g_assert_cmpuint (vqs_dbus_instance1_get_timeout_seconds (b), ==, 30);
  g_signal_connect (b, "g-properties-changed", G_CALLBACK (on_settings_changed_cb), &seen_b);

  g_variant_builder_add (&changes, "{sv}", "name", g_variant_new_string ("Bedroom"));
  g_variant_builder_add (&changes, "{sv}", "timeout-seconds", g_variant_new_uint32 (45));
  vqs_dbus_instance1_call_update (a, g_variant_builder_end (&changes), NULL, NULL, result_cb,
                                  &result);
  vqs_dbus_instance1_call_update_finish (a, NULL, wait_for (&result), &error);
  g_assert_no_error (error);

  WAIT_UNTIL (g_strcmp0 (seen_b.name, "Bedroom") == 0 && seen_b.timeout == 45);
  g_assert_cmpstr (vqs_dbus_instance1_get_name (b), ==, "Bedroom");
  g_assert_cmpuint (vqs_dbus_instance1_get_timeout_seconds (b), ==, 45);
  WAIT_UNTIL (g_strcmp0 (vqs_dbus_instance1_get_name (a), "Bedroom") == 0);

  g_signal_handlers_disconnect_by_data (b, &seen_b);
  seen_clear (&seen_b);
  g_clear_object (&b);
  close_connection (&other);
  wait_idle (f);
}

/* The table of bad calls: each must fail with exactly this name, and
 * change nothing.
 */

#define EXISTING "EXISTING"
#define MISSING  ROOT_PATH "/instances/999"
#define PROPS    "org.freedesktop.DBus.Properties"
#define INVALID  ERROR_NAME ("InvalidArgument")
#define ARGS     "org.freedesktop.DBus.Error.InvalidArgs"
#define UNKNOWN  "org.freedesktop.DBus.Error.UnknownMethod"
#define GOOD     "'kind': <'sonarr'>, 'url': <'http://nas:8989'>, " \
                 "'api-key': <'" API_KEY "'>"

typedef struct
{
  const char *path;
  const char *iface;
  const char *method;
  const char *parameters;   /* GVariant text of the whole tuple, NULL for () */
  const char *error_name;
  const char *key;          /* the key an InvalidArgument message starts with */
} BadCall;

static const BadCall bad_calls[] = {
  /* CreateInstance: keys and types */
  { ROOT_PATH, MANAGER_IFACE, "CreateInstance", "(@a{sv} {},)", INVALID, "api-key" },
  { ROOT_PATH, MANAGER_IFACE, "CreateInstance",
    "({'name': <'Good name'>, 'kind': <'sonarr'>, 'url': <'http://nas:8989'>},)",
    INVALID, "api-key" },
  { ROOT_PATH, MANAGER_IFACE, "CreateInstance", "({'name': <'Good name'>, " GOOD ", "
    "'colour': <'blue'>},)", INVALID, "colour" },
  { ROOT_PATH, MANAGER_IFACE, "CreateInstance", "({'name': <42>, " GOOD "},)", INVALID, "name" },
  { ROOT_PATH, MANAGER_IFACE, "CreateInstance", "({'name': <'Good name'>, 'kind': <true>, "
    "'url': <'http://nas:8989'>, 'api-key': <'" API_KEY "'>},)", INVALID, "kind" },
  { ROOT_PATH, MANAGER_IFACE, "CreateInstance", "({'name': <'Good name'>, 'kind': <'sonarr'>, "
    "'url': <uint32 8989>, 'api-key': <'" API_KEY "'>},)", INVALID, "url" },
  { ROOT_PATH, MANAGER_IFACE, "CreateInstance", "({'name': <'Good name'>, 'kind': <'sonarr'>, "
    "'url': <'http://nas:8989'>, 'api-key': <['" API_KEY "']>},)", INVALID, "api-key" },
  { ROOT_PATH, MANAGER_IFACE, "CreateInstance", "({'name': <'Good name'>, " GOOD ", "
    "'verify-tls': <'yes'>},)", INVALID, "verify-tls" },
  { ROOT_PATH, MANAGER_IFACE, "CreateInstance", "({'name': <'Good name'>, 'kind': <'sonarr'>, "
    "'url': <'http://nas:8989'>, 'api-key-fd': <'0'>},)", INVALID, "api-key-fd" },
  { ROOT_PATH, MANAGER_IFACE, "CreateInstance", "({'name': <'Good name'>, " GOOD ", "
    "'api-key-fd': <handle 0>},)", INVALID, "api-key-fd" },
  { ROOT_PATH, MANAGER_IFACE, "CreateInstance", "({'name': <'Good name'>, 'kind': <'sonarr'>, "
    "'url': <'http://nas:8989'>, 'api-key-fd': <handle 0>},)", INVALID, "api-key-fd" },
  { ROOT_PATH, MANAGER_IFACE, "CreateInstance", "({'name': <'Good name'>, " GOOD ", "
    "'timeout-seconds': <30>},)", INVALID, "timeout-seconds" },
  { ROOT_PATH, MANAGER_IFACE, "CreateInstance", "({'name': <'Good name'>, " GOOD ", "
    "'rate-limit-per-minute': <int64 60>},)", INVALID, "rate-limit-per-minute" },
  { ROOT_PATH, MANAGER_IFACE, "CreateInstance", "({'name': <'Good name'>, 'name': <'Other'>, "
    GOOD "},)", INVALID, "name" },
  /* CreateInstance: values */
  { ROOT_PATH, MANAGER_IFACE, "CreateInstance", "({'name': <'Good name'>, " GOOD ", "
    "'timeout-seconds': <uint32 0>},)", INVALID, "timeout-seconds" },
  { ROOT_PATH, MANAGER_IFACE, "CreateInstance", "({'name': <'Good name'>, " GOOD ", "
    "'timeout-seconds': <uint32 301>},)", INVALID, "timeout-seconds" },
  { ROOT_PATH, MANAGER_IFACE, "CreateInstance", "({'name': <'Good name'>, " GOOD ", "
    "'timeout-seconds': <uint32 4294967295>},)", INVALID, "timeout-seconds" },
  { ROOT_PATH, MANAGER_IFACE, "CreateInstance", "({'name': <'Good name'>, " GOOD ", "
    "'rate-limit-per-minute': <uint32 0>},)", INVALID, "rate-limit-per-minute" },
  { ROOT_PATH, MANAGER_IFACE, "CreateInstance", "({'name': <'Good name'>, " GOOD ", "
    "'rate-limit-per-minute': <uint32 601>},)", INVALID, "rate-limit-per-minute" },
  { ROOT_PATH, MANAGER_IFACE, "CreateInstance", "({'name': <'ab'>, " GOOD "},)", INVALID, "name" },
  { ROOT_PATH, MANAGER_IFACE, "CreateInstance",
    "({'name': <'123456789012345678901234567890123456789012345678901'>, " GOOD "},)",
    INVALID, "name" },
  { ROOT_PATH, MANAGER_IFACE, "CreateInstance", "({'name': <'   '>, " GOOD "},)", INVALID, "name" },
  { ROOT_PATH, MANAGER_IFACE, "CreateInstance", "({'name': <'LIVING ROOM'>, " GOOD "},)",
    ERROR_NAME ("Duplicate"), NULL },
  { ROOT_PATH, MANAGER_IFACE, "CreateInstance", "({'name': <'Good name'>, 'kind': <'lidarr'>, "
    "'url': <'http://nas:8989'>, 'api-key': <'" API_KEY "'>},)", INVALID, "kind" },
  { ROOT_PATH, MANAGER_IFACE, "CreateInstance", "({'name': <'Good name'>, 'kind': <'sonarr'>, "
    "'url': <'ftp://nas'>, 'api-key': <'" API_KEY "'>},)", INVALID, "url" },
  { ROOT_PATH, MANAGER_IFACE, "CreateInstance", "({'name': <'Good name'>, 'kind': <'sonarr'>, "
    "'url': <'http://user:secretpass@nas:8989'>, 'api-key': <'" API_KEY "'>},)",
    INVALID, "url" },
  { ROOT_PATH, MANAGER_IFACE, "CreateInstance", "({'name': <'Good name'>, 'kind': <'sonarr'>, "
    "'url': <'http://nas:8989'>, 'api-key': <'short'>},)", INVALID, "api-key" },
  { ROOT_PATH, MANAGER_IFACE, "CreateInstance", "({'name': <'Good name'>, 'kind': <'sonarr'>, "
    "'url': <'http://nas:8989'>, 'api-key': <'0123456789abcdef 0123456789abcdef'>},)",
    INVALID, "api-key" },
  /* CreateInstance and FindInstance: signatures */
  { ROOT_PATH, MANAGER_IFACE, "CreateInstance", "('Good name',)", ARGS, NULL },
  { ROOT_PATH, MANAGER_IFACE, "CreateInstance", NULL, ARGS, NULL },
  { ROOT_PATH, MANAGER_IFACE, "FindInstance", "('No such name',)", ERROR_NAME ("NotFound"), NULL },
  { ROOT_PATH, MANAGER_IFACE, "FindInstance", "(uint32 1,)", ARGS, NULL },
  { ROOT_PATH, MANAGER_IFACE, "DeleteEverything", NULL, UNKNOWN, NULL },
  /* Update */
  { EXISTING, INSTANCE_IFACE, "Update", "({'colour': <'blue'>},)", INVALID, "colour" },
  { EXISTING, INSTANCE_IFACE, "Update", "({'timeout-seconds': <uint32 0>},)",
    INVALID, "timeout-seconds" },
  { EXISTING, INSTANCE_IFACE, "Update", "({'timeout-seconds': <'30'>},)",
    INVALID, "timeout-seconds" },
  { EXISTING, INSTANCE_IFACE, "Update", "({'name': <''>},)", INVALID, "name" },
  { EXISTING, INSTANCE_IFACE, "Update", "({'api-key': <''>},)", INVALID, "api-key" },
  { EXISTING, INSTANCE_IFACE, "Update", "({'api-key-fd': <uint32 0>},)", INVALID, "api-key-fd" },
  { EXISTING, INSTANCE_IFACE, "Update", "({'api-key-fd': <handle 0>},)", INVALID, "api-key-fd" },
  { EXISTING, INSTANCE_IFACE, "Update", "({'url': <'not a url'>},)", INVALID, "url" },
  { EXISTING, INSTANCE_IFACE, "Update", "({'kind': <'sickbeard'>},)", INVALID, "kind" },
  { EXISTING, INSTANCE_IFACE, "Update", "({'verify-tls': <uint32 1>},)", INVALID, "verify-tls" },
  { EXISTING, INSTANCE_IFACE, "Update", "('name',)", ARGS, NULL },
  { EXISTING, INSTANCE_IFACE, "Explode", NULL, UNKNOWN, NULL },
  /* Properties are read-only, and there is no key among them */
  { EXISTING, PROPS, "Set", "('" INSTANCE_IFACE "', 'Name', <'Renamed'>)", ARGS, NULL },
  { EXISTING, PROPS, "Get", "('" INSTANCE_IFACE "', 'ApiKey')", ARGS, NULL },
  /* Unknown object paths */
  { MISSING, INSTANCE_IFACE, "Update", "({'name': <'Renamed'>},)", UNKNOWN, NULL },
  { MISSING, INSTANCE_IFACE, "Delete", NULL, UNKNOWN, NULL },
  { MISSING, INSTANCE_IFACE, "TestConnection", NULL, UNKNOWN, NULL },
  { MISSING, INSTANCE_IFACE, "CheckDrift", NULL, UNKNOWN, NULL },
  { ROOT_PATH "/instances", INSTANCE_IFACE, "AcceptDrift", NULL, UNKNOWN, NULL },
};

static void
assert_unchanged (Fixture    *f,
                  const char *path)
{
  g_autoptr(VqsInstanceManager) fresh = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) objects = NULL;
  g_autoptr(GError) error = NULL;
  VqsInstance *instance;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->manager)), ==, 1);
  instance = g_list_model_get_item (G_LIST_MODEL (f->manager), 0);
  g_assert_cmpstr (vqs_instance_get_name (instance), ==, "Living room");
  g_assert_cmpstr (vqs_instance_get_url (instance), ==, f->fake_url);
  g_assert_cmpint (vqs_instance_get_kind (instance), ==, VQS_ARR_KIND_SONARR);
  g_assert_cmpint (vqs_instance_get_timeout_seconds (instance), ==, 30);
  g_assert_true (vqs_instance_get_verify_tls (instance));
  g_object_unref (instance);

  /* What is on disk, read by a manager of its own. */
  fresh = new_manager (f->db_path);
  load_manager (fresh);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fresh)), ==, 1);
  instance = g_list_model_get_item (G_LIST_MODEL (fresh), 0);
  g_assert_cmpstr (vqs_instance_get_name (instance), ==, "Living room");
  g_object_unref (instance);

  reply = call (f, f->client, ROOT_PATH, "org.freedesktop.DBus.ObjectManager",
                "GetManagedObjects", NULL, &error);
  g_assert_no_error (error);
  objects = g_variant_get_child_value (reply, 0);
  g_assert_cmpuint (g_variant_n_children (objects), ==, 1);
  g_assert_true (g_variant_lookup (objects, path, "a{sa{sv}}", NULL));
}

static void
test_bad_calls (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = create_instance (f, "Living room", 600);

  g_assert_cmpuint (G_N_ELEMENTS (bad_calls), >=, 30);

  for (guint i = 0; i < G_N_ELEMENTS (bad_calls); i++)
    {
      const BadCall *bad = &bad_calls[i];
      const char *call_path = g_str_equal (bad->path, EXISTING) ? path : bad->path;
      g_autoptr(GVariant) parameters = NULL;
      g_autoptr(GVariant) reply = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("%u: %s.%s%s", i, bad->iface, bad->method,
                      bad->parameters ? bad->parameters : "()");
      if (bad->parameters != NULL)
        {
          parameters = g_variant_parse (NULL, bad->parameters, NULL, NULL, &error);
          g_assert_no_error (error);
        }

      reply = call (f, f->client, call_path, bad->iface, bad->method, parameters, &error);
      g_assert_null (reply);
      assert_remote_error (error, bad->error_name);

      /* The key is never echoed; an invalid argument names its key. */
      g_assert_null (strstr (error->message, API_KEY));
      g_assert_null (strstr (error->message, "secretpass"));
      g_dbus_error_strip_remote_error (error);
      g_test_message ("   %s", error->message);
      if (bad->key != NULL)
        {
          g_autofree char *prefix = g_strconcat (bad->key, ": ", NULL);

          g_assert_true (g_str_has_prefix (error->message, prefix));
        }
    }

  wait_idle (f);
  assert_unchanged (f, path);
}

/* The bus carries the core's sentence, the one the window shows. */
static void
test_same_message_as_window (Fixture       *f,
                             gconstpointer  data)
{
  VqsInstanceChanges changes = VQS_INSTANCE_CHANGES_INIT;
  g_autoptr(GError) local = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) parameters = NULL;
  g_autofree char *expected = NULL;

  changes.name = "Good name";
  changes.kind = "sonarr";
  changes.url = "ftp://nas";
  changes.api_key = API_KEY;
  g_assert_false (vqs_instance_manager_validate (f->manager, NULL, &changes, &local));

  parameters = g_variant_parse (NULL, "({'name': <'Good name'>, 'kind': <'sonarr'>, "
                                "'url': <'ftp://nas'>, 'api-key': <'" API_KEY "'>},)",
                                NULL, NULL, NULL);
  reply = call (f, f->client, ROOT_PATH, MANAGER_IFACE, "CreateInstance", parameters, &error);
  assert_remote_error (error, INVALID);
  g_dbus_error_strip_remote_error (error);
  expected = g_strconcat ("url: ", local->message, NULL);
  g_assert_cmpstr (error->message, ==, expected);
}

/* The per-caller limit */

static gboolean
test_connection_succeeds (Fixture         *f,
                          GDBusConnection *connection,
                          const char      *path,
                          GError         **error)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) result = NULL;
  gboolean success = FALSE;

  reply = call (f, connection, path, INSTANCE_IFACE, "TestConnection", NULL, error);
  if (reply == NULL)
    return FALSE;

  g_variant_get (reply, "(@a{sv})", &result);
  g_assert_true (g_variant_lookup (result, "success", "b", &success));
  return success;
}

static void
test_rate_limit (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *path = create_instance (f, "Living room", 600);
  g_autoptr(GDBusConnection) second = new_connection ();
  g_autoptr(GRegex) number = g_regex_new ("([0-9]+) second", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *seconds = NULL;
  guint64 wait;

  for (guint i = 0; i < VQS_DBUS_SERVICE_CALLS_PER_MINUTE; i++)
    {
      g_assert_true (test_connection_succeeds (f, f->client, path, &error));
      g_assert_no_error (error);
    }

  /* The 11th within the minute is refused, and says how long to wait. */
  g_assert_false (test_connection_succeeds (f, f->client, path, &error));
  assert_remote_error (error, ERROR_NAME ("RateLimited"));
  g_dbus_error_strip_remote_error (error);
  g_assert_true (g_regex_match_simple ("^Too many .* Try again in [0-9]+ seconds?\\.$",
                                       error->message, 0, 0));
  g_assert_true (g_regex_match (number, error->message, 0, &match));
  seconds = g_match_info_fetch (match, 1);
  wait = g_ascii_strtoull (seconds, NULL, 10);
  g_assert_cmpuint (wait, >=, 1);
  g_assert_cmpuint (wait, <=, 60);
  g_clear_error (&error);

  /* CheckDrift shares the budget. */
  reply = call (f, f->client, path, INSTANCE_IFACE, "CheckDrift", NULL, &error);
  assert_remote_error (error, ERROR_NAME ("RateLimited"));
  g_clear_error (&error);

  /* Another bus name is not affected. */
  g_assert_true (test_connection_succeeds (f, second, path, &error));
  g_assert_no_error (error);

  close_connection (&second);
}

/* Calls that arrive before the instances are loaded wait for them. */

static void
test_ready_gate (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *path = create_instance (f, "Living room", 600);
  g_autoptr(VqsInstanceManager) manager = NULL;
  g_autoptr(VqsDBusService) service = NULL;
  g_autoptr(GDBusConnection) server = new_connection ();
  g_autoptr(GVariant) objects = NULL;
  g_autoptr(GVariant) properties = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *found = NULL;
  CallResult managed = { FALSE, NULL, NULL };
  CallResult find = { FALSE, NULL, NULL };
  gint64 until;
  const char *name = NULL;

  /* A second service over the same database, as after a restart. */
  manager = new_manager (f->db_path);
  service = vqs_dbus_service_new (manager, ROOT_PATH);
  vqs_dbus_service_export (service, server, &error);
  g_assert_no_error (error);

  g_dbus_connection_call (f->client, g_dbus_connection_get_unique_name (server), ROOT_PATH,
                          "org.freedesktop.DBus.ObjectManager", "GetManagedObjects", NULL, NULL,
                          G_DBUS_CALL_FLAGS_NONE, 60000, NULL, call_done_cb, &managed);
  g_dbus_connection_call (f->client, g_dbus_connection_get_unique_name (server), ROOT_PATH,
                          MANAGER_IFACE, "FindInstance", g_variant_new ("(s)", "Living room"),
                          NULL, G_DBUS_CALL_FLAGS_NONE, 60000, NULL, call_done_cb, &find);

  /* Nothing can answer them before set_ready(); give them every chance. */
  until = g_get_monotonic_time () + 300 * 1000;
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (managed.done);
  g_assert_false (find.done);
  g_assert_cmpuint (vqs_dbus_service_get_pending_calls (service), ==, 1);

  load_manager (manager);
  vqs_dbus_service_set_ready (service);
  WAIT_UNTIL (managed.done && find.done);

  g_assert_no_error (managed.error);
  objects = g_variant_get_child_value (managed.reply, 0);
  g_assert_cmpuint (g_variant_n_children (objects), ==, 1);
  g_assert_true (g_variant_lookup (objects, path, "@a{sa{sv}}", &properties));
  g_assert_true (g_variant_lookup (properties, INSTANCE_IFACE, "a{sv}", NULL));
  {
    g_autoptr(GVariant) instance = g_variant_lookup_value (properties, INSTANCE_IFACE,
                                                           G_VARIANT_TYPE_VARDICT);

    g_assert_true (g_variant_lookup (instance, "Name", "&s", &name));
    g_assert_cmpstr (name, ==, "Living room");
  }

  g_assert_no_error (find.error);
  g_variant_get (find.reply, "(o)", &found);
  g_assert_cmpstr (found, ==, path);

  g_variant_unref (managed.reply);
  g_variant_unref (find.reply);
  vqs_dbus_service_unexport (service);
  close_connection (&server);
}

/* The API key through a file descriptor (api-key-fd) */

/* A pipe holding @length bytes of @content, its read end the only
 * descriptor of the returned list. The writing end is closed, unless
 * @out_writer takes it.
 */
static GUnixFDList *
key_pipe_new (const char *content,
              gsize       length,
              int        *out_writer)
{
  g_autoptr(GError) error = NULL;
  GUnixFDList *fd_list = g_unix_fd_list_new ();
  int fds[2];

  g_unix_open_pipe (fds, FD_CLOEXEC, &error);
  g_assert_no_error (error);
  g_assert_cmpint (write (fds[1], content, length), ==, (gssize)length);
  if (out_writer != NULL)
    *out_writer = fds[1];
  else
    g_close (fds[1], NULL);

  g_assert_cmpint (g_unix_fd_list_append (fd_list, fds[0], &error), ==, 0);
  g_assert_no_error (error);
  g_close (fds[0], NULL);

  return fd_list;
}

static GUnixFDList *
key_pipe_new_string (const char *content)
{
  return key_pipe_new (content, strlen (content), NULL);
}

static GVariant *
fd_settings_new (const char *name,
                 const char *url,
                 gint32      handle)
{
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);

  g_variant_builder_add (&builder, "{sv}", "name", g_variant_new_string (name));
  g_variant_builder_add (&builder, "{sv}", "kind", g_variant_new_string ("sonarr"));
  g_variant_builder_add (&builder, "{sv}", "url", g_variant_new_string (url));
  g_variant_builder_add (&builder, "{sv}", "api-key-fd", g_variant_new_handle (handle));

  return g_variant_builder_end (&builder);
}

static GVariant *
update_key_fd (Fixture      *f,
               const char   *path,
               gint32        handle,
               GUnixFDList  *fd_list,
               GError      **error)
{
  GVariant *changes = g_variant_new_parsed ("{'api-key-fd': <@h %h>}", handle);

  return call_with_fds (f, f->client, path, INSTANCE_IFACE, "Update",
                        g_variant_new ("(@a{sv})", changes), fd_list, error);
}

/* What the keyring holds for the instance at @path. */
static void
assert_stored_key (Fixture    *f,
                   const char *path,
                   const char *expected)
{
  g_autoptr(VqsSecretStore) secrets = vqs_secret_store_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = g_ascii_strtoll (strrchr (path, '/') + 1, NULL, 10);
  VqsInstance *instance = vqs_instance_manager_find_by_id (f->manager, id);
  char *key;

  g_assert_nonnull (instance);
  vqs_secret_store_lookup_async (secrets, vqs_instance_get_uuid (instance), NULL, result_cb,
                                 &result);
  key = vqs_secret_store_lookup_finish (secrets, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, expected);
  vqs_secret_free (key);
}

/* An InvalidArgument about @key, which never echoes an API key. */
static void
assert_invalid_key (GError     *error,
                    const char *key)
{
  g_autofree char *prefix = g_strconcat (key, ": ", NULL);

  assert_remote_error (error, INVALID);
  g_dbus_error_strip_remote_error (error);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, prefix));
  g_assert_null (strstr (error->message, API_KEY));
  g_assert_null (strstr (error->message, OTHER_KEY));
}

static void
test_key_fd_round_trip (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(VqsDBusManager1) manager = new_manager_proxy (f);
  g_autoptr(GUnixFDList) fd_list = key_pipe_new_string (API_KEY "\n");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  /* Through the generated proxy, with one trailing newline to strip. */
  vqs_dbus_manager1_call_create_instance (manager, fd_settings_new ("Living room", f->fake_url, 0),
                                          fd_list, NULL, result_cb, &result);
  vqs_dbus_manager1_call_create_instance_finish (manager, &path, NULL, wait_for (&result),
                                                 &error);
  g_assert_no_error (error);
  wait_idle (f);
  assert_stored_key (f, path, API_KEY);
  g_assert_true (test_connection_succeeds (f, f->client, path, &error));
  g_assert_no_error (error);

  /* Update replaces it; no newline is fine too. */
  g_clear_object (&fd_list);
  fd_list = key_pipe_new_string (OTHER_KEY);
  reply = update_key_fd (f, path, 0, fd_list, &error);
  g_assert_no_error (error);
  wait_idle (f);
  assert_stored_key (f, path, OTHER_KEY);
  g_assert_false (test_connection_succeeds (f, f->client, path, &error));
  g_assert_no_error (error);
  vqs_fake_arr_set_api_key (f->fake, OTHER_KEY);
  g_assert_true (test_connection_succeeds (f, f->client, path, &error));
  g_assert_no_error (error);
}

static void
test_key_fd_both (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *path = create_instance (f, "Living room", 600);
  g_autoptr(GUnixFDList) fd_list = key_pipe_new_string (OTHER_KEY);
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  g_variant_builder_add (&builder, "{sv}", "name", g_variant_new_string ("Kitchen"));
  g_variant_builder_add (&builder, "{sv}", "kind", g_variant_new_string ("sonarr"));
  g_variant_builder_add (&builder, "{sv}", "url", g_variant_new_string (f->fake_url));
  g_variant_builder_add (&builder, "{sv}", "api-key", g_variant_new_string (OTHER_KEY));
  g_variant_builder_add (&builder, "{sv}", "api-key-fd", g_variant_new_handle (0));
  reply = call_with_fds (f, f->client, ROOT_PATH, MANAGER_IFACE, "CreateInstance",
                         g_variant_new ("(@a{sv})", g_variant_builder_end (&builder)), fd_list,
                         &error);
  g_assert_null (reply);
  assert_invalid_key (error, "api-key-fd");
  g_clear_error (&error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->manager)), ==, 1);

  reply = call_with_fds (f, f->client, path, INSTANCE_IFACE, "Update",
                         g_variant_new_parsed ("({'api-key-fd': <@h 0>, "
                                               "'api-key': <%s>},)", OTHER_KEY),
                         fd_list, &error);
  g_assert_null (reply);
  assert_invalid_key (error, "api-key-fd");
  wait_idle (f);
  assert_stored_key (f, path, API_KEY);
}

/* A client that never closes its end must not stall the service, which
 * runs in this very thread. Should it block in read(), this watchdog
 * closes the writer after a while: the call then comes back as a
 * success instead of hanging, and the test fails.
 */
typedef struct
{
  GMutex   mutex;
  GCond    cond;
  int      writer;
  gboolean answered;
  gboolean closed_by_watchdog;
} Watchdog;

static gpointer
watchdog_thread (gpointer data)
{
  Watchdog *w = data;
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  g_mutex_lock (&w->mutex);
  while (!w->answered && g_cond_wait_until (&w->cond, &w->mutex, end))
    ;
  w->closed_by_watchdog = !w->answered;
  g_close (w->writer, NULL);
  g_mutex_unlock (&w->mutex);

  return NULL;
}

static void
test_key_fd_open_writer (Fixture       *f,
                         gconstpointer  data)
{
  const char *contents[] = { API_KEY "\n", "" };

  for (guint i = 0; i < G_N_ELEMENTS (contents); i++)
    {
      Watchdog w = { 0 };
      g_autoptr(GUnixFDList) fd_list = key_pipe_new (contents[i], strlen (contents[i]),
                                                     &w.writer);
      g_autoptr(GVariant) reply = NULL;
      g_autoptr(GError) error = NULL;
      GThread *thread;

      g_mutex_init (&w.mutex);
      g_cond_init (&w.cond);
      thread = g_thread_new ("watchdog", watchdog_thread, &w);

      reply = call_with_fds (f, f->client, ROOT_PATH, MANAGER_IFACE, "CreateInstance",
                             g_variant_new ("(@a{sv})",
                                            fd_settings_new ("Living room", f->fake_url, 0)),
                             fd_list, &error);

      g_mutex_lock (&w.mutex);
      w.answered = TRUE;
      g_cond_signal (&w.cond);
      g_mutex_unlock (&w.mutex);
      g_thread_join (thread);
      g_mutex_clear (&w.mutex);
      g_cond_clear (&w.cond);

      /* The answer came while the writer was still open. */
      g_assert_false (w.closed_by_watchdog);
      g_assert_null (reply);
      assert_invalid_key (error, "api-key-fd");
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->manager)), ==, 0);
    }
}

static void
test_key_fd_too_long (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *path = create_instance (f, "Living room", 600);
  g_autofree char *longest = g_strnfill (VQS_INSTANCE_API_KEY_MAX_LENGTH, 'a');
  g_autofree char *longest_nl = g_strconcat (longest, "\n", NULL);
  g_autofree char *too_long = g_strnfill (VQS_INSTANCE_API_KEY_MAX_LENGTH + 1, 'b');
  g_autofree char *too_long_nl = g_strconcat (too_long, "\n", NULL);
  g_autofree char *two_nl = g_strconcat (longest, "\n\n", NULL);
  g_autofree char *huge = g_strnfill (4000, 'c');
  const char *rejected[] = { too_long, too_long_nl, two_nl, huge };

  for (guint i = 0; i < G_N_ELEMENTS (rejected); i++)
    {
      g_autoptr(GUnixFDList) fd_list = key_pipe_new_string (rejected[i]);
      g_autoptr(GVariant) reply = NULL;
      g_autoptr(GError) error = NULL;

      reply = update_key_fd (f, path, 0, fd_list, &error);
      g_assert_null (reply);
      assert_invalid_key (error, "api-key-fd");
      g_assert_null (strstr (error->message, "bbbbbbbbbb"));
    }
  wait_idle (f);
  assert_stored_key (f, path, API_KEY);

  /* The longest key, with its newline, is fine. */
  {
    g_autoptr(GUnixFDList) fd_list = key_pipe_new_string (longest_nl);
    g_autoptr(GVariant) reply = NULL;
    g_autoptr(GError) error = NULL;

    reply = update_key_fd (f, path, 0, fd_list, &error);
    g_assert_no_error (error);
    wait_idle (f);
    assert_stored_key (f, path, longest);
  }
}

/* Once read, the key is checked as api-key is: same rules, same
 * sentences, about api-key.
 */
static void
test_key_fd_core_validation (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *path = create_instance (f, "Living room", 600);
  const struct
  {
    const char *content;
    gsize       length;
    const char *as_string;
  } keys[] = {
    { "short\n", 6, "short" },
    { "\n", 1, "" },
    { "", 0, "" },
    { API_KEY "\n\n", sizeof API_KEY + 1, API_KEY "\n" },
    { API_KEY " \n", sizeof API_KEY + 1, API_KEY " " },
    { "0123456789abcdef\0" "0123456789abcdef", sizeof API_KEY,
      "0123456789abcdef_0123456789abcdef" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autoptr(GUnixFDList) fd_list = key_pipe_new (keys[i].content, keys[i].length, NULL);
      g_autoptr(GVariant) reply = NULL;
      g_autoptr(GVariant) string_reply = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) string_error = NULL;

      reply = update_key_fd (f, path, 0, fd_list, &error);
      g_assert_null (reply);
      assert_invalid_key (error, "api-key");

      string_reply = call (f, f->client, path, INSTANCE_IFACE, "Update",
                           g_variant_new_parsed ("({'api-key': <%s>},)", keys[i].as_string),
                           &string_error);
      assert_invalid_key (string_error, "api-key");
      g_assert_cmpstr (error->message, ==, string_error->message);
    }

  wait_idle (f);
  assert_stored_key (f, path, API_KEY);
}

static void
test_key_fd_bad_index (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *path = create_instance (f, "Living room", 600);
  const gint32 handles[] = { 1, -1, G_MAXINT32 };

  for (guint i = 0; i < G_N_ELEMENTS (handles); i++)
    {
      g_autoptr(GUnixFDList) fd_list = key_pipe_new_string (OTHER_KEY);
      g_autoptr(GVariant) reply = NULL;
      g_autoptr(GError) error = NULL;

      reply = update_key_fd (f, path, handles[i], fd_list, &error);
      g_assert_null (reply);
      assert_invalid_key (error, "api-key-fd");
      g_clear_error (&error);

      reply = call_with_fds (f, f->client, ROOT_PATH, MANAGER_IFACE, "CreateInstance",
                             g_variant_new ("(@a{sv})",
                                            fd_settings_new ("Kitchen", f->fake_url, handles[i])),
                             fd_list, &error);
      g_assert_null (reply);
      assert_invalid_key (error, "api-key-fd");
    }

  wait_idle (f);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->manager)), ==, 1);
  assert_stored_key (f, path, API_KEY);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vqs/dbus/errors/names", test_error_names);
  g_test_add_func ("/vqs/dbus/errors/for-bus", test_error_for_bus);
  g_test_add ("/vqs/dbus/proxy/lifecycle", Fixture, NULL,
              fixture_set_up, test_proxy_lifecycle, fixture_tear_down);
  g_test_add ("/vqs/dbus/proxy/failed-connection", Fixture, NULL,
              fixture_set_up, test_failed_connection, fixture_tear_down);
  g_test_add ("/vqs/dbus/drift", Fixture, NULL,
              fixture_set_up, test_drift, fixture_tear_down);
  g_test_add ("/vqs/dbus/find-and-delete", Fixture, NULL,
              fixture_set_up, test_find_and_delete, fixture_tear_down);
  g_test_add ("/vqs/dbus/window-changes-reach-clients", Fixture, NULL,
              fixture_set_up, test_window_changes_reach_clients, fixture_tear_down);
  g_test_add ("/vqs/dbus/two-clients", Fixture, NULL,
              fixture_set_up, test_two_clients, fixture_tear_down);
  g_test_add ("/vqs/dbus/bad-calls", Fixture, NULL,
              fixture_set_up, test_bad_calls, fixture_tear_down);
  g_test_add ("/vqs/dbus/same-message-as-window", Fixture, NULL,
              fixture_set_up, test_same_message_as_window, fixture_tear_down);
  g_test_add ("/vqs/dbus/rate-limit", Fixture, NULL,
              fixture_set_up, test_rate_limit, fixture_tear_down);
  g_test_add ("/vqs/dbus/ready-gate", Fixture, NULL,
              fixture_set_up, test_ready_gate, fixture_tear_down);
  g_test_add ("/vqs/dbus/api-key-fd/round-trip", Fixture, NULL,
              fixture_set_up, test_key_fd_round_trip, fixture_tear_down);
  g_test_add ("/vqs/dbus/api-key-fd/both", Fixture, NULL,
              fixture_set_up, test_key_fd_both, fixture_tear_down);
  g_test_add ("/vqs/dbus/api-key-fd/open-writer", Fixture, NULL,
              fixture_set_up, test_key_fd_open_writer, fixture_tear_down);
  g_test_add ("/vqs/dbus/api-key-fd/too-long", Fixture, NULL,
              fixture_set_up, test_key_fd_too_long, fixture_tear_down);
  g_test_add ("/vqs/dbus/api-key-fd/core-validation", Fixture, NULL,
              fixture_set_up, test_key_fd_core_validation, fixture_tear_down);
  g_test_add ("/vqs/dbus/api-key-fd/bad-index", Fixture, NULL,
              fixture_set_up, test_key_fd_bad_index, fixture_tear_down);

  return g_test_run ();
}
