/* searcharrctl.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "searcharrctl"

#include "config.h"

#include <errno.h>
#include <gio/gunixfdlist.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "vqs-dbus-generated.h"

/* A command-line client of the app's D-Bus interface. It never touches
 * the database or the keyring: everything goes through the running app,
 * which the session bus starts on demand (D-Bus activation), so the window
 * and this tool always see the same instances.
 */

#define INSTANCE1_IFACE  "io.github.vibequality.Searcharr.Instance1"
#define ERROR_PREFIX     "io.github.vibequality.Searcharr.Error."
#define MAX_KEY_BYTES    4096

/* How long the app may take for a network-bound call. Each request of its
 * HTTP client makes up to 4 attempts (1 + 3 retries), each bounded by the
 * instance's TimeoutSeconds, and may wait before an attempt for a slot of
 * the instance's rate limit and for the backoff or the server's
 * Retry-After, each at most a minute. A drift snapshot makes 4 requests
 * (status, quality profiles, root folders, tags). The margin covers the
 * keyring and the database.
 */
#define ATTEMPTS_PER_REQUEST    4
#define MAX_PAUSES_SECONDS      (2 * 60)
#define DEFAULT_TIMEOUT_SECONDS 300
#define CALL_MARGIN_SECONDS     60
#define SNAPSHOT_REQUESTS       4

/* The app allows each bus connection 10 connection tests and drift
 * checks in any 60 seconds; past that, it answers RateLimited and says
 * how long to wait.
 */
#define MAX_RATE_WAIT_SECONDS   60
#define MAX_RATE_WAITS          5

enum {
  EXIT_OK          = 0,
  EXIT_FAILED      = 1,
  EXIT_USAGE       = 2,
  EXIT_NOT_FOUND   = 3,
  EXIT_UNAVAILABLE = 4,
};

typedef struct
{
  GDBusConnection    *connection;
  GDBusObjectManager *objects;
  VqsDBusManager1    *manager;
  char               *bus_name;
  char               *root_path;
  gboolean            json;
  gboolean            no_wait;
} Ctl;

static void
ctl_free (Ctl *ctl)
{
  g_clear_object (&ctl->manager);
  g_clear_object (&ctl->objects);
  g_clear_object (&ctl->connection);
  g_free (ctl->bus_name);
  g_free (ctl->root_path);
  g_free (ctl);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Ctl, ctl_free)

/* The object path GApplication derives from the application ID. */
static char *
object_path_for_app_id (const char *app_id)
{
  g_autofree char *path = g_strconcat ("/", app_id, NULL);

  for (char *p = path; *p != '\0'; p++)
    {
      if (*p == '.')
        *p = '/';
      else if (*p == '-')
        *p = '_';
    }

  return g_steal_pointer (&path);
}

static Ctl *
ctl_new (void)
{
  Ctl *ctl = g_new0 (Ctl, 1);

  ctl->bus_name = g_strdup (APP_ID);
  ctl->root_path = object_path_for_app_id (APP_ID);

  return ctl;
}

/* Keys: they are wiped from memory once sent */

static void
secure_free (char *secret)
{
  if (secret == NULL)
    return;

  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

typedef char SecretString;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SecretString, secure_free)

/* The first line of @buffer without surrounding white space. */
static char *
first_line (char *buffer)
{
  buffer[strcspn (buffer, "\r\n")] = '\0';
  return g_strdup (g_strstrip (buffer));
}

static char *
read_key_from_stream (FILE    *stream,
                      GError **error)
{
  char buffer[MAX_KEY_BYTES + 1] = { 0 };
  char *key = NULL;

  if (fgets (buffer, sizeof buffer, stream) == NULL && ferror (stream))
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                         _("Could not read the API key from standard input."));
  else
    key = first_line (buffer);

  explicit_bzero (buffer, sizeof buffer);
  return key;
}

/* On a terminal the key is typed without echo, as passwords are. */
static char *
prompt_for_key (GError **error)
{
  struct termios saved, quiet;
  char *key;

  if (tcgetattr (STDIN_FILENO, &saved) != 0)
    return read_key_from_stream (stdin, error);

  quiet = saved;
  quiet.c_lflag &= ~(tcflag_t)ECHO;
  quiet.c_lflag |= ECHONL;

  g_printerr ("%s", _("API key: "));
  tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
  key = read_key_from_stream (stdin, error);
  tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);

  return key;
}

static char *
read_key_from_file (const char  *path,
                    GError     **error)
{
  g_autoptr(SecretString) contents = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;

  if (length > MAX_KEY_BYTES)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("“%s” is too large to hold an API key."), path);
      return NULL;
    }

  return first_line (contents);
}

/* The key never comes from the command line, where other users could
 * read it in the process list: from a file, or from standard input.
 */
static char *
read_api_key (const char  *path,
              GError     **error)
{
  if (path != NULL && !g_str_equal (path, "-"))
    return read_key_from_file (path, error);

  if (isatty (STDIN_FILENO))
    return prompt_for_key (error);

  return read_key_from_stream (stdin, error);
}

/* The key travels to the app through a pipe whose read end goes with the
 * call (api-key-fd), never inside the message, where anyone monitoring
 * the bus could read it. The app reads without waiting, so the whole key
 * is written and the writing end closed before the call.
 */
static GUnixFDList *
key_fd_list_new (const char  *api_key,
                 GError     **error)
{
  g_autoptr(GUnixFDList) fd_list = NULL;
  const char *p = api_key;
  gsize left = strlen (api_key);
  int fds[2];

  if (!g_unix_open_pipe (fds, FD_CLOEXEC, error))
    return NULL;

  /* A key of at most MAX_KEY_BYTES fits in any pipe's buffer; should it
   * not, a failed write beats waiting for a reader that never comes.
   */
  g_unix_set_fd_nonblocking (fds[1], TRUE, NULL);
  while (left > 0)
    {
      gssize n = write (fds[1], p, left);
      int saved_errno = errno;

      if (n < 0 && saved_errno == EINTR)
        continue;
      if (n < 0)
        {
          g_close (fds[0], NULL);
          g_close (fds[1], NULL);
          /* Translators: %s is the system's description of the error. */
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Could not hand the API key to the app: %s"), g_strerror (saved_errno));
          return NULL;
        }
      p += n;
      left -= (gsize)n;
    }
  g_close (fds[1], NULL);

  fd_list = g_unix_fd_list_new ();
  if (g_unix_fd_list_append (fd_list, fds[0], error) < 0)
    g_clear_object (&fd_list);
  g_close (fds[0], NULL);

  return g_steal_pointer (&fd_list);
}

/* JSON output: a tiny writer, the only JSON this tool needs */

typedef struct
{
  GString  *out;
  guint     depth;
  gboolean  need_comma;
  gboolean  after_key;
} Json;

static void
json_append_string (Json       *j,
                    const char *str)
{
  g_string_append_c (j->out, '"');
  for (const char *p = str ? str : ""; *p != '\0'; p++)
    {
      guchar c = (guchar)*p;

      if (c == '"' || c == '\\')
        g_string_append_printf (j->out, "\\%c", c);
      else if (c == '\n')
        g_string_append (j->out, "\\n");
      else if (c == '\t')
        g_string_append (j->out, "\\t");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (j->out, "\\u%04x", c);
      else
        g_string_append_c (j->out, (char)c);
    }
  g_string_append_c (j->out, '"');
}

static void
json_newline (Json *j)
{
  g_string_append_c (j->out, '\n');
  for (guint i = 0; i < j->depth; i++)
    g_string_append (j->out, "  ");
}

/* Before a member or an element: a comma after the previous one, and a
 * line of its own unless it is the top-level value.
 */
static void
json_next (Json *j)
{
  if (j->need_comma)
    g_string_append_c (j->out, ',');
  if (j->out->len > 0)
    json_newline (j);
}

static void
json_key (Json       *j,
          const char *key)
{
  json_next (j);
  json_append_string (j, key);
  g_string_append (j->out, ": ");
  j->need_comma = FALSE;
  j->after_key = TRUE;
}

/* Opens an object or array: a member's value after json_key(), or else
 * an element of the enclosing array (or the top-level value).
 */
static void
json_open (Json *j,
           char  bracket)
{
  if (!j->after_key)
    json_next (j);
  g_string_append_c (j->out, bracket);
  j->depth++;
  j->need_comma = FALSE;
  j->after_key = FALSE;
}

static void
json_close (Json *j,
            char  bracket)
{
  gboolean had_members = j->need_comma;

  j->depth--;
  if (had_members)
    json_newline (j);
  g_string_append_c (j->out, bracket);
  j->need_comma = TRUE;
}

static void
json_string (Json       *j,
             const char *key,
             const char *value)
{
  json_key (j, key);
  json_append_string (j, value);
  j->need_comma = TRUE;
  j->after_key = FALSE;
}

static void
json_bool (Json       *j,
           const char *key,
           gboolean    value)
{
  json_key (j, key);
  g_string_append (j->out, value ? "true" : "false");
  j->need_comma = TRUE;
  j->after_key = FALSE;
}

static void
json_uint (Json       *j,
           const char *key,
           guint64     value)
{
  json_key (j, key);
  g_string_append_printf (j->out, "%" G_GUINT64_FORMAT, value);
  j->need_comma = TRUE;
  j->after_key = FALSE;
}

static void
json_print (Json *j)
{
  g_print ("%s\n", j->out->str);
  g_string_free (j->out, TRUE);
  j->out = NULL;
}

static Json
json_new (void)
{
  Json j = { g_string_new (NULL), 0, FALSE, FALSE };

  return j;
}

/* Errors and exit codes */

static int
exit_code_for_error (const GError *error)
{
  g_autofree char *name = g_dbus_error_get_remote_error (error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_FAILED) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_CHILD_EXITED) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_DISCONNECTED))
    return EXIT_UNAVAILABLE;

  if (g_strcmp0 (name, ERROR_PREFIX "NotFound") == 0)
    return EXIT_NOT_FOUND;

  if (g_strcmp0 (name, ERROR_PREFIX "InvalidArgument") == 0)
    return EXIT_USAGE;

  return EXIT_FAILED;
}

/* Reports @error on standard error, and with --json also as
 * {"error": {"name": …, "message": …}} on standard output.
 */
static int
report_error (Ctl          *ctl,
              const GError *error,
              int           status,
              const char   *context)
{
  g_autofree char *name = g_dbus_error_get_remote_error (error);
  g_autoptr(GError) copy = g_error_copy (error);

  g_dbus_error_strip_remote_error (copy);
  if (context != NULL)
    g_prefix_error (&copy, "%s: ", context);
  g_printerr ("searcharrctl: %s\n", copy->message);

  if (ctl->json)
    {
      Json j = json_new ();

      json_open (&j, '{');
      json_key (&j, "error");
      json_open (&j, '{');
      json_string (&j, "name", name ? name : "");
      json_string (&j, "message", copy->message);
      json_close (&j, '}');
      json_close (&j, '}');
      json_print (&j);
    }

  return status ? status : exit_code_for_error (error);
}

static int
usage_error (const char *command,
             const char *message)
{
  g_printerr ("searcharrctl: %s\n", message);
  g_printerr (_("Run “searcharrctl %s --help” for usage.\n"), command);

  return EXIT_USAGE;
}

/* Connecting */

/* Asks the bus to start the app if it is not running (D-Bus
 * activation); everything after that talks to the running instance.
 */
static GVariant *
call_bus_driver (Ctl                *ctl,
                 const char         *method,
                 GVariant           *parameters,
                 const GVariantType *reply_type,
                 GError            **error)
{
  return g_dbus_connection_call_sync (ctl->connection, "org.freedesktop.DBus",
                                      "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                      method, parameters, reply_type, G_DBUS_CALL_FLAGS_NONE,
                                      -1, NULL, error);
}

/* Asks the bus to start the app unless it runs already (D-Bus
 * activation). The bus refuses to start a name that has no service file
 * even when the name is owned, e.g. by an app run from its build
 * directory, hence the question first.
 */
static gboolean
ensure_service (Ctl     *ctl,
                GError **error)
{
  g_autoptr(GVariant) owned = NULL;
  g_autoptr(GVariant) started = NULL;
  gboolean has_owner = FALSE;

  owned = call_bus_driver (ctl, "NameHasOwner", g_variant_new ("(s)", ctl->bus_name),
                           G_VARIANT_TYPE ("(b)"), error);
  if (owned == NULL)
    return FALSE;

  g_variant_get (owned, "(b)", &has_owner);
  if (has_owner)
    return TRUE;

  started = call_bus_driver (ctl, "StartServiceByName", g_variant_new ("(su)", ctl->bus_name, 0),
                             G_VARIANT_TYPE ("(u)"), error);
  return started != NULL;
}

static int
ctl_connect (Ctl *ctl)
{
  g_autoptr(GError) error = NULL;

  ctl->connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (ctl->connection == NULL)
    return report_error (ctl, error, EXIT_UNAVAILABLE, _("Cannot reach the session bus"));

  if (!ensure_service (ctl, &error))
    return report_error (ctl, error, EXIT_UNAVAILABLE,
                         _("The Searcharr app is not running and could not be started"));

  /* Calls may still start the app: it exits on its own when idle, and
   * could do so between two calls of a long command.
   */
  ctl->manager = vqs_dbus_manager1_proxy_new_sync (ctl->connection,
                                                   G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES,
                                                   ctl->bus_name, ctl->root_path, NULL, &error);
  if (ctl->manager != NULL)
    ctl->objects = vqs_dbus_object_manager_client_new_sync (ctl->connection,
                                                            G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_NONE,
                                                            ctl->bus_name, ctl->root_path,
                                                            NULL, &error);
  if (ctl->objects == NULL)
    return report_error (ctl, error, EXIT_UNAVAILABLE, NULL);

  return EXIT_OK;
}

static int
compare_by_id (gconstpointer a,
               gconstpointer b)
{
  guint64 id_a = vqs_dbus_instance1_get_id (*(VqsDBusInstance1 **)a);
  guint64 id_b = vqs_dbus_instance1_get_id (*(VqsDBusInstance1 **)b);

  return (id_a > id_b) - (id_a < id_b);
}

/* Returns: (transfer container): the instances, sorted by id */
static GPtrArray *
list_instances (Ctl *ctl)
{
  GPtrArray *instances = g_ptr_array_new_with_free_func (g_object_unref);
  GList *objects = g_dbus_object_manager_get_objects (ctl->objects);

  for (const GList *l = objects; l != NULL; l = l->next)
    {
      VqsDBusInstance1 *instance = vqs_dbus_object_get_instance1 (l->data);

      if (instance != NULL)
        g_ptr_array_add (instances, instance);
    }
  g_list_free_full (objects, g_object_unref);

  g_ptr_array_sort (instances, compare_by_id);
  return instances;
}

/* A fresh proxy, so that its properties are read now rather than taken
 * from a cache that only the main loop would update.
 */
static VqsDBusInstance1 *
instance_proxy (Ctl         *ctl,
                const char  *path,
                GError     **error)
{
  return vqs_dbus_instance1_proxy_new_sync (ctl->connection, G_DBUS_PROXY_FLAGS_NONE,
                                            ctl->bus_name, path, NULL, error);
}

/* Method calls give up after 25 s by default, but a connection test or a
 * drift check of a slow or hung server legitimately takes longer: the
 * client would report its own "Timeout was reached" instead of the app's
 * answer (io.github.vibequality.Searcharr.Error.Timeout). The bound is
 * what the app may take for @requests requests to @instance (see
 * ATTEMPTS_PER_REQUEST); if the app goes away, the bus answers at once.
 */
static void
allow_network_time (VqsDBusInstance1 *instance,
                    guint             requests)
{
  guint timeout = vqs_dbus_instance1_get_timeout_seconds (instance);
  gint64 seconds;

  if (timeout == 0)
    timeout = DEFAULT_TIMEOUT_SECONDS;

  seconds = (gint64)requests * ATTEMPTS_PER_REQUEST * ((gint64)timeout + MAX_PAUSES_SECONDS)
            + CALL_MARGIN_SECONDS;
  g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (instance),
                                    (int)MIN (seconds * 1000, G_MAXINT));
}

/* Saving an API key may wait for the keyring, which can ask the user to
 * unlock it: as long as that takes, without a timeout (G_MAXINT).
 */
static void
allow_keyring_time (gpointer proxy)
{
  g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (proxy), G_MAXINT);
}

typedef gboolean (*NetworkCall) (VqsDBusInstance1  *instance,
                                 GVariant         **result,
                                 GError           **error);

static gboolean
call_test_connection (VqsDBusInstance1  *instance,
                      GVariant         **result,
                      GError           **error)
{
  return vqs_dbus_instance1_call_test_connection_sync (instance, result, NULL, error);
}

static gboolean
call_check_drift (VqsDBusInstance1  *instance,
                  GVariant         **result,
                  GError           **error)
{
  return vqs_dbus_instance1_call_check_drift_sync (instance, result, NULL, error);
}

static gboolean
is_rate_limited (const GError *error)
{
  g_autofree char *name = g_dbus_error_get_remote_error (error);

  return g_strcmp0 (name, ERROR_PREFIX "RateLimited") == 0;
}

/* The app's message ends in "Try again in N seconds." in the app's
 * language; N is its only number.
 */
static guint
rate_limit_wait_seconds (const GError *error)
{
  const char *digits = error->message + strcspn (error->message, "0123456789");
  guint64 seconds = MAX_RATE_WAIT_SECONDS;

  if (*digits != '\0')
    seconds = g_ascii_strtoull (digits, NULL, 10);

  return (guint)CLAMP (seconds, 1, MAX_RATE_WAIT_SECONDS);
}

/* Calls @call; when the app's per-client limit refuses it, waits as long
 * as the app says and tries again, so that a cron job testing many
 * instances gets through. --no-wait reports the refusal instead.
 */
static gboolean
call_waiting_for_rate_limit (Ctl               *ctl,
                             VqsDBusInstance1  *instance,
                             NetworkCall        call,
                             GVariant         **result,
                             GError           **error)
{
  for (guint waits = 0; ; waits++)
    {
      g_autoptr(GError) local_error = NULL;
      guint seconds;

      if (call (instance, result, &local_error))
        return TRUE;

      if (ctl->no_wait || waits == MAX_RATE_WAITS || !is_rate_limited (local_error))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      seconds = rate_limit_wait_seconds (local_error);
      g_printerr ("searcharrctl: ");
      g_printerr (g_dngettext (GETTEXT_PACKAGE,
                               "Waiting %u second for the app’s limit on connection tests "
                               "and drift checks…\n",
                               "Waiting %u seconds for the app’s limit on connection tests "
                               "and drift checks…\n",
                               seconds),
                  seconds);
      g_usleep (seconds * G_USEC_PER_SEC);
    }
}

static gboolean
is_number (const char *str)
{
  if (*str == '\0')
    return FALSE;

  for (const char *p = str; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
    }

  return TRUE;
}

/* NAME|ID: an id when all digits and such an instance exists, a name
 * (ignoring case, as the app compares them) otherwise.
 */
static VqsDBusInstance1 *
resolve_instance (Ctl         *ctl,
                  const char  *which,
                  GError     **error)
{
  g_autofree char *path = NULL;

  if (is_number (which))
    {
      g_autoptr(GPtrArray) instances = list_instances (ctl);
      guint64 id = g_ascii_strtoull (which, NULL, 10);

      for (guint i = 0; i < instances->len; i++)
        {
          VqsDBusInstance1 *instance = g_ptr_array_index (instances, i);

          if (vqs_dbus_instance1_get_id (instance) == id)
            return instance_proxy (ctl, g_dbus_proxy_get_object_path (G_DBUS_PROXY (instance)),
                                   error);
        }
    }

  if (!vqs_dbus_manager1_call_find_instance_sync (ctl->manager, which, &path, NULL, error))
    {
      g_autofree char *name = g_dbus_error_get_remote_error (*error);

      /* The app's message speaks of names only. */
      if (is_number (which) && g_strcmp0 (name, ERROR_PREFIX "NotFound") == 0)
        {
          g_clear_error (error);
          *error = g_dbus_error_new_for_dbus_error (ERROR_PREFIX "NotFound",
                                                    _("No instance has this id or name."));
        }
      return NULL;
    }

  return instance_proxy (ctl, path, error);
}

/* Output of instances */

static const char *
status_text (VqsDBusInstance1 *instance)
{
  if (*vqs_dbus_instance1_get_last_connection_test (instance) == '\0')
    return _("untested");

  return vqs_dbus_instance1_get_is_healthy (instance) ? _("healthy") : _("failing");
}

static void
instance_to_json (Json             *j,
                  VqsDBusInstance1 *instance)
{
  json_open (j, '{');
  json_uint (j, "id", vqs_dbus_instance1_get_id (instance));
  json_string (j, "uuid", vqs_dbus_instance1_get_uuid (instance));
  json_string (j, "name", vqs_dbus_instance1_get_name (instance));
  json_string (j, "kind", vqs_dbus_instance1_get_kind (instance));
  json_string (j, "url", vqs_dbus_instance1_get_url (instance));
  json_bool (j, "verify_tls", vqs_dbus_instance1_get_verify_tls (instance));
  json_uint (j, "timeout_seconds", vqs_dbus_instance1_get_timeout_seconds (instance));
  json_uint (j, "rate_limit_per_minute", vqs_dbus_instance1_get_rate_limit_per_minute (instance));
  json_bool (j, "is_healthy", vqs_dbus_instance1_get_is_healthy (instance));
  json_string (j, "last_connection_test", vqs_dbus_instance1_get_last_connection_test (instance));
  json_bool (j, "last_connection_success",
             vqs_dbus_instance1_get_last_connection_success (instance));
  json_string (j, "last_error", vqs_dbus_instance1_get_last_error (instance));
  json_string (j, "version", vqs_dbus_instance1_get_version (instance));
  json_string (j, "created_at", vqs_dbus_instance1_get_created_at (instance));
  json_string (j, "updated_at", vqs_dbus_instance1_get_updated_at (instance));
  json_string (j, "security_warning", vqs_dbus_instance1_get_security_warning (instance));
  json_bool (j, "has_api_key", vqs_dbus_instance1_get_has_api_key (instance));
  json_close (j, '}');
}

static void
print_field (const char *label,
             const char *value)
{
  int pad = 20 - (int)g_utf8_strlen (label, -1);

  g_print ("%s%*s %s\n", label, MAX (pad, 0), "", value);
}

static void
print_instance (VqsDBusInstance1 *instance)
{
  g_autofree char *id = g_strdup_printf ("%" G_GUINT64_FORMAT,
                                         vqs_dbus_instance1_get_id (instance));
  g_autofree char *timeout = g_strdup_printf (_("%u s"),
                                              vqs_dbus_instance1_get_timeout_seconds (instance));
  g_autofree char *rate = g_strdup_printf (_("%u requests a minute"),
                                           vqs_dbus_instance1_get_rate_limit_per_minute (instance));
  const char *last_test = vqs_dbus_instance1_get_last_connection_test (instance);
  const char *last_error = vqs_dbus_instance1_get_last_error (instance);
  const char *version = vqs_dbus_instance1_get_version (instance);
  const char *warning = vqs_dbus_instance1_get_security_warning (instance);

  print_field (_("ID:"), id);
  print_field (_("Name:"), vqs_dbus_instance1_get_name (instance));
  print_field (_("Kind:"), vqs_dbus_instance1_get_kind (instance));
  print_field (_("URL:"), vqs_dbus_instance1_get_url (instance));
  print_field (_("Verify TLS:"), vqs_dbus_instance1_get_verify_tls (instance) ? _("yes") : _("no"));
  print_field (_("Timeout:"), timeout);
  print_field (_("Rate limit:"), rate);
  print_field (_("Status:"), status_text (instance));
  print_field (_("Last test:"), *last_test ? last_test : _("never"));
  if (*last_error != '\0')
    print_field (_("Last error:"), last_error);
  print_field (_("Version:"), *version ? version : _("unknown"));
  print_field (_("API key:"), vqs_dbus_instance1_get_has_api_key (instance) ? _("stored")
                                                                          : _("missing"));
  print_field (_("Created:"), vqs_dbus_instance1_get_created_at (instance));
  print_field (_("Updated:"), vqs_dbus_instance1_get_updated_at (instance));
  if (*warning != '\0')
    print_field (_("Security warning:"), warning);
  print_field (_("Object path:"), g_dbus_proxy_get_object_path (G_DBUS_PROXY (instance)));
}

#define N_COLUMNS 7

static void
print_row (const char * const *cells,
           const guint        *widths)
{
  g_autoptr(GString) line = g_string_new (NULL);

  for (guint c = 0; c < N_COLUMNS; c++)
    {
      g_string_append (line, cells[c]);
      if (c + 1 < N_COLUMNS)
        {
          for (guint pad = g_utf8_strlen (cells[c], -1); pad < widths[c] + 2; pad++)
            g_string_append_c (line, ' ');
        }
    }

  g_print ("%s\n", line->str);
}

static void
print_table (GPtrArray *instances)
{
  const char *header[N_COLUMNS] = {
    _("ID"), _("NAME"), _("KIND"), _("URL"), _("STATUS"), _("LAST TEST"), _("VERSION"),
  };
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);
  guint widths[N_COLUMNS] = { 0 };

  for (guint i = 0; i < instances->len; i++)
    {
      VqsDBusInstance1 *instance = g_ptr_array_index (instances, i);
      char **row = g_new0 (char *, N_COLUMNS + 1);

      row[0] = g_strdup_printf ("%" G_GUINT64_FORMAT, vqs_dbus_instance1_get_id (instance));
      row[1] = g_strdup (vqs_dbus_instance1_get_name (instance));
      row[2] = g_strdup (vqs_dbus_instance1_get_kind (instance));
      row[3] = g_strdup (vqs_dbus_instance1_get_url (instance));
      row[4] = g_strdup (status_text (instance));
      row[5] = g_strdup (vqs_dbus_instance1_get_last_connection_test (instance));
      row[6] = g_strdup (vqs_dbus_instance1_get_version (instance));
      g_ptr_array_add (rows, row);
    }

  for (guint c = 0; c < N_COLUMNS; c++)
    {
      widths[c] = g_utf8_strlen (header[c], -1);
      for (guint i = 0; i < rows->len; i++)
        widths[c] = MAX (widths[c], (guint)g_utf8_strlen (((char **)rows->pdata[i])[c], -1));
    }

  print_row (header, widths);
  for (guint i = 0; i < rows->len; i++)
    print_row ((const char * const *)rows->pdata[i], widths);
}

/* Option parsing shared by the commands */

typedef struct
{
  const char *name;
  const char *parameters;
  const char *summary;
  int       (*run) (Ctl *ctl, int argc, char **argv);
} Command;

static gboolean json_option;

static const GOptionEntry json_entries[] = {
  { "json", 0, 0, G_OPTION_ARG_NONE, &json_option,
    N_("Print JSON (see “searcharrctl --help” for the format)"), NULL },
  { NULL }
};

static const char exit_codes_text[] =
  N_("Exit status: 0 success, 1 the operation failed (a failed test, an error from the app), "
     "2 wrong usage or an invalid value, 3 no such instance, 4 the app cannot be reached.");

static gboolean
parse_options (const Command      *command,
               const GOptionEntry *entries,
               int                *argc,
               char             ***argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;

  /* _("") would be the catalogue's header, not an empty string. */
  context = g_option_context_new (command->parameters ? _(command->parameters) : NULL);
  g_option_context_set_summary (context, _(command->summary));
  g_option_context_set_description (context, _(exit_codes_text));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, json_entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      usage_error (command->name, error->message);
      return FALSE;
    }

  return TRUE;
}

/* Settings for add and edit */

typedef struct
{
  char     *name;
  char     *kind;
  char     *url;
  char     *api_key_file;
  int       timeout;
  int       rate_limit;
  gboolean  no_verify_tls;
  gboolean  verify_tls;
} SettingsOptions;

static SettingsOptions settings_options = { NULL, NULL, NULL, NULL, -1, -1, FALSE, FALSE };

static const GOptionEntry settings_entries[] = {
  { "name", 0, 0, G_OPTION_ARG_STRING, &settings_options.name,
    N_("Display name, 3 to 50 characters"), N_("NAME") },
  { "kind", 0, 0, G_OPTION_ARG_STRING, &settings_options.kind,
    N_("“sonarr” or “radarr”"), N_("KIND") },
  { "url", 0, 0, G_OPTION_ARG_STRING, &settings_options.url,
    N_("Address, e.g. http://nas:8989"), N_("URL") },
  { "api-key-file", 0, 0, G_OPTION_ARG_FILENAME, &settings_options.api_key_file,
    N_("Read the API key from FILE (“-”: standard input)"), N_("FILE") },
  { "timeout", 0, 0, G_OPTION_ARG_INT, &settings_options.timeout,
    N_("Request timeout in seconds, 1 to 300"), N_("SECONDS") },
  { "rate-limit", 0, 0, G_OPTION_ARG_INT, &settings_options.rate_limit,
    N_("Most requests a minute, 1 to 600"), N_("N") },
  { "no-verify-tls", 0, 0, G_OPTION_ARG_NONE, &settings_options.no_verify_tls,
    N_("Do not verify TLS certificates"), NULL },
  { "verify-tls", 0, 0, G_OPTION_ARG_NONE, &settings_options.verify_tls,
    N_("Verify TLS certificates (edit only; the default for add)"), NULL },
  { NULL }
};

static void
settings_options_clear (void)
{
  g_clear_pointer (&settings_options.name, g_free);
  g_clear_pointer (&settings_options.kind, g_free);
  g_clear_pointer (&settings_options.url, g_free);
  g_clear_pointer (&settings_options.api_key_file, g_free);
}

/* Builds the a{sv} for CreateInstance or Update. With @key_fd_list, the
 * key is its only descriptor, index 0.
 */
static gboolean
build_settings (const char       *command,
                GUnixFDList      *key_fd_list,
                GVariantBuilder  *builder)
{
  SettingsOptions *o = &settings_options;

  if (o->verify_tls && o->no_verify_tls)
    {
      usage_error (command, _("--verify-tls and --no-verify-tls exclude each other."));
      return FALSE;
    }

  if (o->name != NULL)
    g_variant_builder_add (builder, "{sv}", "name", g_variant_new_string (o->name));
  if (o->kind != NULL)
    g_variant_builder_add (builder, "{sv}", "kind", g_variant_new_string (o->kind));
  if (o->url != NULL)
    g_variant_builder_add (builder, "{sv}", "url", g_variant_new_string (o->url));
  if (key_fd_list != NULL)
    g_variant_builder_add (builder, "{sv}", "api-key-fd", g_variant_new_handle (0));
  if (o->verify_tls || o->no_verify_tls)
    g_variant_builder_add (builder, "{sv}", "verify-tls", g_variant_new_boolean (o->verify_tls));

  /* Negative numbers cannot travel as D-Bus "u"; 0 and large ones go to
   * the app, whose message explains the range.
   */
  if ((o->timeout < 0 && o->timeout != -1) || (o->rate_limit < 0 && o->rate_limit != -1))
    {
      usage_error (command, _("--timeout and --rate-limit take positive numbers."));
      return FALSE;
    }
  if (o->timeout >= 0)
    g_variant_builder_add (builder, "{sv}", "timeout-seconds", g_variant_new_uint32 (o->timeout));
  if (o->rate_limit >= 0)
    g_variant_builder_add (builder, "{sv}", "rate-limit-per-minute",
                           g_variant_new_uint32 (o->rate_limit));

  return TRUE;
}

static int
print_saved_instance (Ctl        *ctl,
                      const char *path,
                      gboolean    added)
{
  g_autoptr(VqsDBusInstance1) instance = NULL;
  g_autoptr(GError) error = NULL;

  instance = instance_proxy (ctl, path, &error);
  if (instance == NULL)
    return report_error (ctl, error, 0, NULL);

  if (ctl->json)
    {
      Json j = json_new ();

      instance_to_json (&j, instance);
      json_print (&j);
    }
  else if (added)
    {
      g_autofree char *id = g_strdup_printf ("%" G_GUINT64_FORMAT,
                                             vqs_dbus_instance1_get_id (instance));

      /* Translators: the first %s is the instance's name, the second its id. */
      g_print (_("Added “%s” (id %s). A connection test runs in the background.\n"),
               vqs_dbus_instance1_get_name (instance), id);
    }
  else
    {
      g_print (_("Saved “%s”.\n"), vqs_dbus_instance1_get_name (instance));
    }

  return EXIT_OK;
}

/* Commands */

static int
run_add (Ctl   *ctl,
         int    argc,
         char **argv)
{
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  g_autoptr(SecretString) api_key = NULL;
  g_autoptr(GUnixFDList) key_fd_list = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  int status;

  if (argc != 1)
    return usage_error ("add", _("add takes no arguments besides its options."));
  if (settings_options.name == NULL || settings_options.kind == NULL ||
      settings_options.url == NULL)
    return usage_error ("add", _("add needs --name, --kind and --url."));
  if (settings_options.verify_tls && settings_options.no_verify_tls)
    return usage_error ("add", _("--verify-tls and --no-verify-tls exclude each other."));

  api_key = read_api_key (settings_options.api_key_file, &error);
  if (api_key == NULL)
    return report_error (ctl, error, EXIT_USAGE, NULL);

  /* From here on, the pipe holds the key; this copy is wiped. */
  key_fd_list = key_fd_list_new (api_key, &error);
  g_clear_pointer (&api_key, secure_free);
  if (key_fd_list == NULL)
    return report_error (ctl, error, EXIT_FAILED, NULL);

  if (!build_settings ("add", key_fd_list, &builder))
    return EXIT_USAGE;

  if ((status = ctl_connect (ctl)) != EXIT_OK)
    return status;

  allow_keyring_time (ctl->manager);
  if (!vqs_dbus_manager1_call_create_instance_sync (ctl->manager, g_variant_builder_end (&builder),
                                                    key_fd_list, &path, NULL, NULL, &error))
    return report_error (ctl, error, 0, NULL);

  return print_saved_instance (ctl, path, TRUE);
}

static int
run_edit (Ctl   *ctl,
          int    argc,
          char **argv)
{
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  g_autoptr(VqsDBusInstance1) instance = NULL;
  g_autoptr(SecretString) api_key = NULL;
  g_autoptr(GUnixFDList) key_fd_list = NULL;
  g_autoptr(GError) error = NULL;
  const char *path;
  int status;

  if (argc != 2)
    return usage_error ("edit", _("edit needs exactly one NAME or ID."));

  /* Only an explicit --api-key-file replaces the stored key. */
  if (settings_options.api_key_file != NULL)
    {
      api_key = read_api_key (settings_options.api_key_file, &error);
      if (api_key == NULL)
        return report_error (ctl, error, EXIT_USAGE, NULL);

      key_fd_list = key_fd_list_new (api_key, &error);
      g_clear_pointer (&api_key, secure_free);
      if (key_fd_list == NULL)
        return report_error (ctl, error, EXIT_FAILED, NULL);
    }

  if (!build_settings ("edit", key_fd_list, &builder))
    return EXIT_USAGE;

  if ((status = ctl_connect (ctl)) != EXIT_OK)
    return status;

  instance = resolve_instance (ctl, argv[1], &error);
  if (instance == NULL)
    return report_error (ctl, error, 0, NULL);

  allow_keyring_time (instance);
  if (!vqs_dbus_instance1_call_update_sync (instance, g_variant_builder_end (&builder),
                                            key_fd_list, NULL, NULL, &error))
    return report_error (ctl, error, 0, NULL);

  path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (instance));
  return print_saved_instance (ctl, path, FALSE);
}

static int
run_list (Ctl   *ctl,
          int    argc,
          char **argv)
{
  g_autoptr(GPtrArray) instances = NULL;
  int status;

  if (argc != 1)
    return usage_error ("list", _("list takes no arguments."));

  if ((status = ctl_connect (ctl)) != EXIT_OK)
    return status;

  instances = list_instances (ctl);

  if (ctl->json)
    {
      Json j = json_new ();

      json_open (&j, '[');
      for (guint i = 0; i < instances->len; i++)
        instance_to_json (&j, g_ptr_array_index (instances, i));
      json_close (&j, ']');
      json_print (&j);
    }
  else if (instances->len == 0)
    {
      g_print ("%s\n", _("No instances. Add one with “searcharrctl add”."));
    }
  else
    {
      print_table (instances);
    }

  return EXIT_OK;
}

static int
run_show (Ctl   *ctl,
          int    argc,
          char **argv)
{
  g_autoptr(VqsDBusInstance1) instance = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (argc != 2)
    return usage_error ("show", _("show needs exactly one NAME or ID."));

  if ((status = ctl_connect (ctl)) != EXIT_OK)
    return status;

  instance = resolve_instance (ctl, argv[1], &error);
  if (instance == NULL)
    return report_error (ctl, error, 0, NULL);

  if (ctl->json)
    {
      Json j = json_new ();

      instance_to_json (&j, instance);
      json_print (&j);
    }
  else
    {
      print_instance (instance);
    }

  return EXIT_OK;
}

static int
run_remove (Ctl   *ctl,
            int    argc,
            char **argv)
{
  g_autoptr(VqsDBusInstance1) instance = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (argc != 2)
    return usage_error ("remove", _("remove needs exactly one NAME or ID."));

  if ((status = ctl_connect (ctl)) != EXIT_OK)
    return status;

  instance = resolve_instance (ctl, argv[1], &error);
  if (instance == NULL)
    return report_error (ctl, error, 0, NULL);

  if (!vqs_dbus_instance1_call_delete_sync (instance, NULL, &error))
    return report_error (ctl, error, 0, NULL);

  if (ctl->json)
    {
      Json j = json_new ();

      json_open (&j, '{');
      json_uint (&j, "id", vqs_dbus_instance1_get_id (instance));
      json_string (&j, "name", vqs_dbus_instance1_get_name (instance));
      json_bool (&j, "removed", TRUE);
      json_close (&j, '}');
      json_print (&j);
    }
  else
    {
      g_print (_("Removed “%s”.\n"), vqs_dbus_instance1_get_name (instance));
    }

  return EXIT_OK;
}

static const char *
lookup_string (GVariant   *dict,
               const char *key)
{
  const char *value = NULL;

  if (!g_variant_lookup (dict, key, "&s", &value))
    return "";

  return value;
}

/* Tests one instance. With --all, a D-Bus error (the per-caller limit
 * with --no-wait, for example) becomes a failed result so that the
 * others still run; alone, it is reported as an error.
 */
static void
test_instance (Ctl              *ctl,
               VqsDBusInstance1 *instance,
               Json             *j,
               gboolean          all,
               int              *status)
{
  g_autoptr(GVariant) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *error_name = NULL;
  const char *name = vqs_dbus_instance1_get_name (instance);
  gboolean success = FALSE;
  guint32 time_ms = 0;

  allow_network_time (instance, 1);
  if (!call_waiting_for_rate_limit (ctl, instance, call_test_connection, &result, &error))
    {
      if (!all)
        {
          *status = report_error (ctl, error, 0, NULL);
          return;
        }

      *status = MAX (*status, exit_code_for_error (error));
      error_name = g_dbus_error_get_remote_error (error);
      g_dbus_error_strip_remote_error (error);
      g_printerr ("searcharrctl: %s: %s\n", name, error->message);
    }
  else
    {
      g_variant_lookup (result, "success", "b", &success);
      g_variant_lookup (result, "response-time-ms", "u", &time_ms);
      if (!success)
        *status = MAX (*status, EXIT_FAILED);
    }

  if (ctl->json)
    {
      json_open (j, '{');
      json_uint (j, "id", vqs_dbus_instance1_get_id (instance));
      json_string (j, "name", name);
      json_bool (j, "success", success);
      json_string (j, "message", result ? lookup_string (result, "message") : "");
      json_string (j, "version", result ? lookup_string (result, "version") : "");
      json_uint (j, "response_time_ms", time_ms);
      json_string (j, "error_details", result ? lookup_string (result, "error-details")
                                              : error->message);
      json_string (j, "error_name", result ? lookup_string (result, "error-name")
                                           : (error_name ? error_name : ""));
      json_close (j, '}');
    }
  else if (result != NULL && success)
    {
      g_print ("%s: %s\n", name, lookup_string (result, "message"));
    }
  else if (result != NULL)
    {
      g_print ("%s: %s: %s\n", name, lookup_string (result, "message"),
               lookup_string (result, "error-details"));
    }
}

static gboolean all_option;
static gboolean no_wait_option;

static const char no_wait_text[] =
  N_("Report the app’s limit on tests and drift checks instead of waiting for it");

static const GOptionEntry test_entries[] = {
  { "all", 0, 0, G_OPTION_ARG_NONE, &all_option, N_("Test every instance"), NULL },
  { "no-wait", 0, 0, G_OPTION_ARG_NONE, &no_wait_option,
    no_wait_text, NULL },
  { NULL }
};

static GPtrArray *
instances_to_test (Ctl         *ctl,
                   const char  *which,
                   GError     **error)
{
  VqsDBusInstance1 *instance;
  GPtrArray *instances;

  if (which == NULL)
    return list_instances (ctl);

  instance = resolve_instance (ctl, which, error);
  if (instance == NULL)
    return NULL;

  instances = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (instances, instance);
  return instances;
}

static int
run_test (Ctl   *ctl,
          int    argc,
          char **argv)
{
  g_autoptr(GPtrArray) instances = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  Json j = { out, 0, FALSE, FALSE };
  int status;

  if (all_option ? argc != 1 : argc != 2)
    return usage_error ("test", _("test needs exactly one NAME or ID, or --all."));

  if ((status = ctl_connect (ctl)) != EXIT_OK)
    return status;

  instances = instances_to_test (ctl, all_option ? NULL : argv[1], &error);
  if (instances == NULL)
    return report_error (ctl, error, 0, NULL);

  if (all_option)
    json_open (&j, '[');
  for (guint i = 0; i < instances->len; i++)
    test_instance (ctl, g_ptr_array_index (instances, i), &j, all_option, &status);
  if (all_option)
    json_close (&j, ']');

  if (ctl->json && out->len > 0)
    g_print ("%s\n", out->str);

  return status;
}

static gboolean accept_option;

static const GOptionEntry drift_entries[] = {
  { "accept", 0, 0, G_OPTION_ARG_NONE, &accept_option,
    N_("Make the live configuration the new baseline"), NULL },
  { "no-wait", 0, 0, G_OPTION_ARG_NONE, &no_wait_option,
    no_wait_text, NULL },
  { NULL }
};

static void
drift_to_json (Json             *j,
               VqsDBusInstance1 *instance,
               GVariant         *report)
{
  g_autoptr(GVariant) changes = g_variant_lookup_value (report, "changes",
                                                        G_VARIANT_TYPE ("aa{sv}"));
  gboolean detected = FALSE, baseline_taken = FALSE;
  guint32 profiles = 0;

  g_variant_lookup (report, "drift-detected", "b", &detected);
  g_variant_lookup (report, "baseline-taken", "b", &baseline_taken);
  g_variant_lookup (report, "quality-profiles-count", "u", &profiles);

  json_open (j, '{');
  json_uint (j, "id", vqs_dbus_instance1_get_id (instance));
  json_string (j, "name", vqs_dbus_instance1_get_name (instance));
  json_bool (j, "drift_detected", detected);
  json_bool (j, "baseline_taken", baseline_taken);
  json_string (j, "current_version", lookup_string (report, "current-version"));
  json_uint (j, "quality_profiles_count", profiles);
  json_key (j, "changes");
  json_open (j, '[');
  for (gsize i = 0; changes != NULL && i < g_variant_n_children (changes); i++)
    {
      g_autoptr(GVariant) change = g_variant_get_child_value (changes, i);

      json_open (j, '{');
      json_string (j, "category", lookup_string (change, "category"));
      json_string (j, "subject", lookup_string (change, "subject"));
      json_string (j, "before", lookup_string (change, "before"));
      json_string (j, "after", lookup_string (change, "after"));
      json_string (j, "description", lookup_string (change, "description"));
      json_close (j, '}');
    }
  json_close (j, ']');
  json_close (j, '}');
}

static void
print_drift (VqsDBusInstance1 *instance,
             GVariant         *report)
{
  g_autoptr(GVariant) changes = g_variant_lookup_value (report, "changes",
                                                        G_VARIANT_TYPE ("aa{sv}"));
  const char *name = vqs_dbus_instance1_get_name (instance);
  gboolean detected = FALSE, baseline_taken = FALSE;

  g_variant_lookup (report, "drift-detected", "b", &detected);
  g_variant_lookup (report, "baseline-taken", "b", &baseline_taken);

  if (baseline_taken)
    g_print (_("“%s” had no baseline; its current configuration is the baseline now.\n"), name);
  else if (!detected)
    g_print (_("“%s” matches its baseline.\n"), name);
  else
    g_print (_("“%s” drifted from its baseline:\n"), name);

  for (gsize i = 0; detected && changes != NULL && i < g_variant_n_children (changes); i++)
    {
      g_autoptr(GVariant) change = g_variant_get_child_value (changes, i);

      g_print ("  - %s\n", lookup_string (change, "description"));
    }
}

static int
accept_drift (Ctl              *ctl,
              VqsDBusInstance1 *instance)
{
  g_autoptr(GError) error = NULL;

  allow_network_time (instance, SNAPSHOT_REQUESTS);
  if (!vqs_dbus_instance1_call_accept_drift_sync (instance, NULL, &error))
    return report_error (ctl, error, 0, NULL);

  if (ctl->json)
    {
      Json j = json_new ();

      json_open (&j, '{');
      json_uint (&j, "id", vqs_dbus_instance1_get_id (instance));
      json_string (&j, "name", vqs_dbus_instance1_get_name (instance));
      json_bool (&j, "accepted", TRUE);
      json_close (&j, '}');
      json_print (&j);
    }
  else
    {
      g_print (_("The current configuration of “%s” is its baseline now.\n"),
               vqs_dbus_instance1_get_name (instance));
    }

  return EXIT_OK;
}

static int
run_drift (Ctl   *ctl,
           int    argc,
           char **argv)
{
  g_autoptr(VqsDBusInstance1) instance = NULL;
  g_autoptr(GVariant) report = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (argc != 2)
    return usage_error ("drift", _("drift needs exactly one NAME or ID."));

  if ((status = ctl_connect (ctl)) != EXIT_OK)
    return status;

  instance = resolve_instance (ctl, argv[1], &error);
  if (instance == NULL)
    return report_error (ctl, error, 0, NULL);

  if (accept_option)
    return accept_drift (ctl, instance);

  allow_network_time (instance, SNAPSHOT_REQUESTS);
  if (!call_waiting_for_rate_limit (ctl, instance, call_check_drift, &report, &error))
    return report_error (ctl, error, 0, NULL);

  if (ctl->json)
    {
      Json j = json_new ();

      drift_to_json (&j, instance, report);
      json_print (&j);
    }
  else
    {
      print_drift (instance, report);
    }

  return EXIT_OK;
}

static const Command commands[] = {
  { "list", NULL, N_("List the instances."), run_list },
  { "show", N_("NAME|ID"), N_("Show one instance."), run_show },
  { "add", NULL, N_("Add an instance. The API key comes from --api-key-file or standard input "
                  "(typed without echo on a terminal), never from the command line."), run_add },
  { "edit", N_("NAME|ID"), N_("Change an instance; options left out keep their value. "
                              "--api-key-file replaces the stored API key."), run_edit },
  { "remove", N_("NAME|ID"), N_("Remove an instance and its API key."), run_remove },
  { "test", N_("NAME|ID|--all"), N_("Test the connection to one or every instance."), run_test },
  { "drift", N_("[--accept] NAME|ID"), N_("Compare the live configuration with the baseline, "
                                          "or accept it as the new baseline."), run_drift },
};

static const GOptionEntry *
command_entries (const Command *command)
{
  if (command->run == run_add || command->run == run_edit)
    return settings_entries;
  if (command->run == run_test)
    return test_entries;
  if (command->run == run_drift)
    return drift_entries;

  return NULL;
}

static const char help_text[] =
  N_("Usage:\n"
     "  searcharrctl COMMAND [OPTION…]\n"
     "\n"
     "Manage the Sonarr and Radarr instances of Vibe Quality Searcharr through\n"
     "its D-Bus interface. The app starts on demand.\n"
     "\n"
     "Commands:\n"
     "  list                      List the instances\n"
     "  show NAME|ID              Show one instance\n"
     "  add --name N --kind K --url URL [--no-verify-tls] [--timeout S]\n"
     "      [--rate-limit N] [--api-key-file FILE]\n"
     "                            Add an instance\n"
     "  edit NAME|ID [options]    Change an instance\n"
     "  remove NAME|ID            Remove an instance\n"
     "  test [--no-wait] NAME|ID|--all\n"
     "                            Test connections\n"
     "  drift [--accept] [--no-wait] NAME|ID\n"
     "                            Check or accept configuration drift\n"
     "\n"
     "The app allows each client 10 connection tests and drift checks a\n"
     "minute. Past that, test and drift wait as long as the app asks (at most\n"
     "a minute at a time, with a note on standard error) and try again;\n"
     "with --no-wait they report the error RateLimited instead.\n"
     "\n"
     "Every command takes --help and --json. The API key is read from\n"
     "--api-key-file FILE or from standard input, never from the command line,\n"
     "and handed to the app through a pipe, never inside a D-Bus message.\n"
     "\n"
     "JSON (--json): list prints an array of instances, show/add/edit one\n"
     "instance: {id, uuid, name, kind, url, verify_tls, timeout_seconds,\n"
     "rate_limit_per_minute, is_healthy, last_connection_test,\n"
     "last_connection_success, last_error, version, created_at, updated_at,\n"
     "security_warning, has_api_key}, the Instance1 properties in snake_case\n"
     "(times in ISO 8601 UTC, \"\" for never). test prints {id, name, success,\n"
     "message, version, response_time_ms, error_details, error_name} (an array\n"
     "with --all); drift prints {id, name, drift_detected, baseline_taken,\n"
     "current_version, quality_profiles_count, changes: [{category, subject,\n"
     "before, after, description}]}; drift --accept {id, name, accepted};\n"
     "remove {id, name, removed}. Errors: {\"error\": {name, message}}.\n"
     "\n"
     "Exit status: 0 success, 1 the operation failed, 2 wrong usage or an\n"
     "invalid value, 3 no such instance, 4 the app cannot be reached.\n");

int
main (int   argc,
      char *argv[])
{
  g_autoptr(Ctl) ctl = NULL;
  g_autofree char *prgname = NULL;
  const Command *command = NULL;
  int status;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    {
      g_printerr ("%s", _(help_text));
      return EXIT_USAGE;
    }

  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      g_print ("%s", _(help_text));
      return EXIT_OK;
    }

  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("searcharrctl %s\n", PACKAGE_VERSION);
      return EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (g_str_equal (argv[1], commands[i].name))
        command = &commands[i];
    }

  if (command == NULL)
    {
      g_printerr (_("searcharrctl: unknown command “%s”.\n"), argv[1]);
      g_printerr ("%s", _("Run “searcharrctl --help” for usage.\n"));
      return EXIT_USAGE;
    }

  /* The option parser would echo "--api-key=…" back in its message. */
  for (int i = 2; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--api-key") || g_str_has_prefix (argv[i], "--api-key="))
        return usage_error (command->name,
                            _("The API key is never taken from the command line, where other "
                              "users could read it. Use --api-key-file FILE or standard input."));
    }

  /* Help and errors of the option parser name the command. */
  prgname = g_strdup_printf ("searcharrctl %s", command->name);
  g_set_prgname (prgname);

  argc--;
  argv++;
  if (!parse_options (command, command_entries (command), &argc, &argv))
    {
      settings_options_clear ();
      return EXIT_USAGE;
    }

  ctl = ctl_new ();
  ctl->json = json_option;
  ctl->no_wait = no_wait_option;
  status = command->run (ctl, argc, argv);

  settings_options_clear ();
  return status;
}
