/* vqs-dbus-service.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vqs-dbus-service"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixfdlist.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "vqs-dbus-error.h"
#include "vqs-dbus-generated.h"
#include "vqs-dbus-service.h"
#include "vqs-instance-validate.h"
#include "vqs-secret-store.h"

#define RATE_WINDOW_US    (60 * G_USEC_PER_SEC)
#define OBJECT_MANAGER    "org.freedesktop.DBus.ObjectManager"
#define API_KEY_FD        "api-key-fd"

/* The most an api-key-fd may hold: the longest key and one newline. */
#define KEY_FD_MAX_BYTES  (VQS_INSTANCE_API_KEY_MAX_LENGTH + 1)

/* A key read from api-key-fd: wiped from memory when freed. */
typedef char FdKey;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdKey, vqs_secret_free)

/* Exports a VqsInstanceManager on the bus: Manager1 on the root path,
 * next to an ObjectManager whose objects (one per instance, Instance1)
 * follow the manager's items-changed and mirror each instance's
 * properties. Method handlers only start the manager's asynchronous
 * operations and complete the invocation from their callbacks.
 */

/* Until the manager has loaded the instances, GetManagedObjects would
 * answer with an empty list, and a client that D-Bus activated the app is
 * the first to ask. The gate, a connection filter, holds those calls back
 * and the service answers them once it is ready. Filters run in GDBus's
 * worker thread, hence the lock and the reference count.
 */
typedef struct
{
  GMutex    mutex;
  char     *path;
  GQueue    held;       /* GDBusMessage */
  gboolean  open;
} Gate;

/* One instance on the bus. */
typedef struct
{
  VqsDBusService        *self;      /* unowned: the service owns this */
  VqsInstance           *instance;
  VqsDBusObjectSkeleton *object;
  VqsDBusInstance1      *iface;
} Exported;

typedef enum
{
  CALL_CREATE_INSTANCE,
  CALL_FIND_INSTANCE,
  CALL_OTHER,
} CallKind;

/* One method call in flight. It owns the invocation until it completes. */
typedef struct
{
  VqsDBusService        *self;
  GDBusMethodInvocation *invocation;
  gpointer               iface;
  VqsInstance           *instance;
  CallKind               kind;
} Call;

struct _VqsDBusService
{
  GObject                   parent_instance;

  VqsInstanceManager       *manager;
  char                     *object_path;
  GDBusObjectManagerServer *server;
  VqsDBusManager1          *manager_iface;
  GDBusConnection          *connection;
  GPtrArray                *exported;        /* Exported, in the manager's order */
  GHashTable               *calls_by_sender; /* bus name → GArray of monotonic times */
  GQueue                    deferred;        /* Manager1 calls waiting for set_ready() */
  GCancellable             *cancellable;
  Gate                     *gate;
  guint                     filter_id;
  guint                     pending_calls;
  gboolean                  ready;
};

G_DEFINE_FINAL_TYPE (VqsDBusService, vqs_dbus_service, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MANAGER,
  PROP_OBJECT_PATH,
  PROP_PENDING_CALLS,
  PROP_READY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void run_manager_call (Call *call);

/* Calls */

static Call *
call_new (VqsDBusService        *self,
          GDBusMethodInvocation *invocation,
          gpointer               iface,
          VqsInstance           *instance)
{
  Call *call = g_new0 (Call, 1);

  call->self = g_object_ref (self);
  call->invocation = invocation;
  call->iface = g_object_ref (iface);
  call->instance = instance ? g_object_ref (instance) : NULL;
  call->kind = CALL_OTHER;

  /* The application stays alive while calls are pending. */
  self->pending_calls++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING_CALLS]);

  return call;
}

static void
call_free (Call *call)
{
  VqsDBusService *self = call->self;

  /* Every path completes the invocation; this is only a safety net so
   * that a caller never waits for a reply that cannot come.
   */
  if (call->invocation != NULL)
    g_dbus_method_invocation_return_dbus_error (g_steal_pointer (&call->invocation),
                                                VQS_DBUS_ERROR_PREFIX "Failed",
                                                _("The operation could not be completed."));

  g_clear_object (&call->iface);
  g_clear_object (&call->instance);
  g_free (call);

  self->pending_calls--;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING_CALLS]);
  g_object_unref (self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Call, call_free)

static void
call_return_error (Call         *call,
                   const GError *error)
{
  g_autoptr(GError) bus_error = vqs_dbus_error_for_bus (error);

  g_dbus_method_invocation_return_gerror (g_steal_pointer (&call->invocation), bus_error);
}

/* Values as they appear on the bus */

static char *
format_time (GDateTime *when)
{
  g_autoptr(GDateTime) utc = NULL;

  if (when == NULL)
    return g_strdup ("");

  utc = g_date_time_to_utc (when);
  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

/* The last test succeeded when it is also the last success: both are set
 * from the same moment by a successful test, and a failure moves only
 * the test time.
 */
static gboolean
last_test_succeeded (VqsInstance *instance)
{
  GDateTime *tested = vqs_instance_get_last_connection_test (instance);
  GDateTime *succeeded = vqs_instance_get_last_connection_success (instance);

  if (tested == NULL || succeeded == NULL)
    return FALSE;

  return g_date_time_compare (succeeded, tested) >= 0;
}

static const char *
nonnull (const char *str)
{
  return str ? str : "";
}

static void
sync_properties (Exported *e)
{
  VqsInstance *instance = e->instance;
  VqsDBusInstance1 *iface = e->iface;
  g_autofree char *last_test = format_time (vqs_instance_get_last_connection_test (instance));
  g_autofree char *created_at = format_time (vqs_instance_get_created_at (instance));
  g_autofree char *updated_at = format_time (vqs_instance_get_updated_at (instance));

  /* The skeleton compares each value with the previous one and sends a
   * single PropertiesChanged with what really changed. The API key is not
   * a property of the instance and so never reaches the bus.
   */
  vqs_dbus_instance1_set_id (iface, (guint64)MAX (0, vqs_instance_get_id (instance)));
  vqs_dbus_instance1_set_uuid (iface, nonnull (vqs_instance_get_uuid (instance)));
  vqs_dbus_instance1_set_name (iface, nonnull (vqs_instance_get_name (instance)));
  vqs_dbus_instance1_set_kind (iface, vqs_arr_kind_to_string (vqs_instance_get_kind (instance)));
  vqs_dbus_instance1_set_url (iface, nonnull (vqs_instance_get_url (instance)));
  vqs_dbus_instance1_set_verify_tls (iface, vqs_instance_get_verify_tls (instance));
  vqs_dbus_instance1_set_timeout_seconds (iface,
                                          MAX (0, vqs_instance_get_timeout_seconds (instance)));
  vqs_dbus_instance1_set_rate_limit_per_minute (
    iface, MAX (0, vqs_instance_get_rate_limit_per_minute (instance)));
  vqs_dbus_instance1_set_is_healthy (iface, vqs_instance_get_is_healthy (instance));
  vqs_dbus_instance1_set_last_connection_test (iface, last_test);
  vqs_dbus_instance1_set_last_connection_success (iface, last_test_succeeded (instance));
  vqs_dbus_instance1_set_last_error (iface, nonnull (vqs_instance_get_last_error (instance)));
  vqs_dbus_instance1_set_version (iface, nonnull (vqs_instance_get_version (instance)));
  vqs_dbus_instance1_set_created_at (iface, created_at);
  vqs_dbus_instance1_set_updated_at (iface, updated_at);
  vqs_dbus_instance1_set_security_warning (iface,
                                           nonnull (vqs_instance_get_security_warning (instance)));
  vqs_dbus_instance1_set_has_api_key (iface, vqs_instance_get_has_api_key (instance));
}

/* Parsing a{sv} settings */

typedef struct
{
  const char *key;
  const char *type;
} SettingKey;

static const SettingKey setting_keys[] = {
  { VQS_INSTANCE_FIELD_NAME, "s" },
  { VQS_INSTANCE_FIELD_KIND, "s" },
  { VQS_INSTANCE_FIELD_URL, "s" },
  { VQS_INSTANCE_FIELD_API_KEY, "s" },
  { API_KEY_FD, "h" },
  { "verify-tls", "b" },
  { VQS_INSTANCE_FIELD_TIMEOUT, "u" },
  { VQS_INSTANCE_FIELD_RATE_LIMIT, "u" },
};

static const SettingKey *
find_setting_key (const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (setting_keys); i++)
    {
      if (g_str_equal (setting_keys[i].key, key))
        return &setting_keys[i];
    }

  return NULL;
}

static void
store_setting (VqsInstanceChanges *changes,
               const char         *key,
               GVariant           *value)
{
  /* The strings point into @value, which the method's parameters keep
   * alive for the whole call.
   */
  if (g_str_equal (key, VQS_INSTANCE_FIELD_NAME))
    changes->name = g_variant_get_string (value, NULL);
  else if (g_str_equal (key, VQS_INSTANCE_FIELD_KIND))
    changes->kind = g_variant_get_string (value, NULL);
  else if (g_str_equal (key, VQS_INSTANCE_FIELD_URL))
    changes->url = g_variant_get_string (value, NULL);
  else if (g_str_equal (key, VQS_INSTANCE_FIELD_API_KEY))
    changes->api_key = g_variant_get_string (value, NULL);
  else if (g_str_equal (key, "verify-tls"))
    changes->verify_tls = g_variant_get_boolean (value) ? 1 : 0;
  else if (g_str_equal (key, VQS_INSTANCE_FIELD_TIMEOUT))
    changes->timeout_seconds = g_variant_get_uint32 (value);
  else if (g_str_equal (key, VQS_INSTANCE_FIELD_RATE_LIMIT))
    changes->rate_limit_per_minute = g_variant_get_uint32 (value);
}

/* Reading api-key-fd */

static gboolean
key_fd_error (GError     **error,
              const char  *sentence)
{
  /* The bus puts the field in front: "api-key-fd: …". */
  g_propagate_error (error, vqs_instance_error_new (VQS_INSTANCE_ERROR_INVALID_ARGUMENT,
                                                    API_KEY_FD, "%s", sentence));
  return FALSE;
}

static gboolean
key_fd_too_long (GError **error)
{
  return key_fd_error (error, _("The file descriptor holds more than an API key of at most "
                                "128 characters and one newline."));
}

static gboolean
key_fd_unreadable (GError **error)
{
  return key_fd_error (error, _("The API key could not be read from the file descriptor."));
}

/* Reads @fd, already non-blocking, up to its end into @buffer. */
static gboolean
read_to_end (int      fd,
             char    *buffer,
             gsize    size,
             gsize   *out_length,
             GError **error)
{
  gsize length = 0;

  while (length < size)
    {
      gssize n = read (fd, buffer + length, size - length);

      if (n > 0)
        length += (gsize)n;
      else if (n == 0)
        {
          *out_length = length;
          return TRUE;
        }
      else if (errno == EAGAIN || errno == EWOULDBLOCK)
        return key_fd_error (error, _("The API key must be complete when the call is made: "
                                      "write it, then close the writing end of the pipe."));
      else if (errno != EINTR)
        return key_fd_unreadable (error);
    }

  return key_fd_too_long (error);
}

/* Reads all of @fd into @buffer without ever waiting. The descriptor
 * comes from a client, which may never write or close its end; a
 * blocking read would freeze the whole app (the window included) until
 * it does. So the writer must have closed its end before the call, and
 * all the data must already be there. The client shares the file
 * description (and so its flags) with us: they are put back afterwards.
 */
static gboolean
read_key_fd (int      fd,
             char    *buffer,
             gsize    size,
             gsize   *out_length,
             GError **error)
{
  int flags = fcntl (fd, F_GETFL);
  gboolean ok;

  if (flags < 0 || fcntl (fd, F_SETFL, flags | O_NONBLOCK) < 0)
    return key_fd_unreadable (error);

  ok = read_to_end (fd, buffer, size, out_length, error);
  fcntl (fd, F_SETFL, flags);

  return ok;
}

/* Returns: (transfer full) (nullable): the key behind the descriptor at
 *   @handle in the call's file descriptors, without its one trailing
 *   newline, for vqs_secret_free(); the core checks it like any key
 */
static char *
take_key_from_fd (GDBusMethodInvocation  *invocation,
                  gint32                  handle,
                  GError                **error)
{
  GDBusMessage *message = g_dbus_method_invocation_get_message (invocation);
  GUnixFDList *fd_list = g_dbus_message_get_unix_fd_list (message);
  char buffer[KEY_FD_MAX_BYTES + 1];
  char *key = NULL;
  gsize length = 0;
  int fd;

  if (fd_list == NULL || handle < 0 || handle >= g_unix_fd_list_get_length (fd_list))
    {
      key_fd_error (error, _("The call carries no file descriptor with this index."));
      return NULL;
    }

  /* A duplicate: the message keeps and later closes its own. */
  fd = g_unix_fd_list_get (fd_list, handle, NULL);
  if (fd < 0)
    {
      key_fd_unreadable (error);
      return NULL;
    }

  if (read_key_fd (fd, buffer, sizeof buffer, &length, error))
    {
      if (length > 0 && buffer[length - 1] == '\n')
        length--;

      /* A NUL would end the string early, and the core would judge
       * only the part before it; it is a character no key has, and the
       * error says so as the core would for any other.
       */
      if (length > VQS_INSTANCE_API_KEY_MAX_LENGTH)
        key_fd_too_long (error);
      else if (memchr (buffer, '\0', length) != NULL)
        g_propagate_error (error, vqs_instance_error_new (
          VQS_INSTANCE_ERROR_INVALID_ARGUMENT, VQS_INSTANCE_FIELD_API_KEY, "%s",
          _("The API key can only contain the letters A to Z and the digits 0 to 9.")));
      else
        key = g_strndup (buffer, length);
    }

  g_close (fd, NULL);
  explicit_bzero (buffer, sizeof buffer);

  return key;
}

/* Checks the keys and types of @dict (the values are the core's to
 * judge) and fills @changes. Errors name the key, never a value, since a
 * value may be the API key. A key passed as api-key-fd is read here into
 * @out_fd_key, which @changes then points to.
 */
static gboolean
parse_settings (GDBusMethodInvocation  *invocation,
                GVariant               *dict,
                VqsInstanceChanges     *changes,
                char                  **out_fd_key,
                GError                **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GVariantIter iter;
  const char *key;
  GVariant *value;
  gint32 fd_handle = 0;

  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      g_autoptr(GVariant) owned = value;
      const SettingKey *known = find_setting_key (key);

      if (known == NULL)
        {
          /* Translators: %s is the key of a setting, such as “url”. */
          *error = vqs_instance_error_new (VQS_INSTANCE_ERROR_INVALID_ARGUMENT, NULL,
                                           _("%s: This setting does not exist."), key);
          return FALSE;
        }

      if (!g_hash_table_add (seen, (gpointer)known->key))
        {
          /* Translators: %s is the key of a setting, such as “url”. */
          *error = vqs_instance_error_new (VQS_INSTANCE_ERROR_INVALID_ARGUMENT, NULL,
                                           _("%s: This setting is given more than once."), key);
          return FALSE;
        }

      if (!g_variant_is_of_type (owned, G_VARIANT_TYPE (known->type)))
        {
          /* Translators: the first %s is the key of a setting, the second a
           * D-Bus type signature such as “s” or “u”.
           */
          *error = vqs_instance_error_new (VQS_INSTANCE_ERROR_INVALID_ARGUMENT, NULL,
                                           _("%s: The value must be of type “%s”."),
                                           key, known->type);
          return FALSE;
        }

      if (g_str_equal (known->key, API_KEY_FD))
        fd_handle = g_variant_get_handle (owned);
      else
        store_setting (changes, known->key, owned);
    }

  if (!g_hash_table_contains (seen, API_KEY_FD))
    return TRUE;

  if (changes->api_key != NULL)
    return key_fd_error (error, _("Give the API key either as api-key or as api-key-fd, "
                                  "not both."));

  *out_fd_key = take_key_from_fd (invocation, fd_handle, error);
  changes->api_key = *out_fd_key;

  return *out_fd_key != NULL;
}

/* The per-caller limit of network-bound calls */

static void
forget_quiet_senders (VqsDBusService *self,
                      gint64          now)
{
  GHashTableIter iter;
  GArray *times;

  g_hash_table_iter_init (&iter, self->calls_by_sender);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&times))
    {
      if (times->len == 0 || g_array_index (times, gint64, times->len - 1) <= now - RATE_WINDOW_US)
        g_hash_table_iter_remove (&iter);
    }
}

/* A rolling window: a caller may start VQS_DBUS_SERVICE_CALLS_PER_MINUTE
 * calls in any 60 seconds. Each bus connection has its own unique name,
 * so one busy script does not hold up the window or another client.
 */
static gboolean
check_rate_limit (VqsDBusService  *self,
                  const char      *sender,
                  GError         **error)
{
  gint64 now = g_get_monotonic_time ();
  GArray *times;
  guint expired = 0;

  forget_quiet_senders (self, now);

  if (sender == NULL)
    sender = "";

  times = g_hash_table_lookup (self->calls_by_sender, sender);
  if (times == NULL)
    {
      times = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_insert (self->calls_by_sender, g_strdup (sender), times);
    }

  while (expired < times->len && g_array_index (times, gint64, expired) <= now - RATE_WINDOW_US)
    expired++;
  g_array_remove_range (times, 0, expired);

  if (times->len >= VQS_DBUS_SERVICE_CALLS_PER_MINUTE)
    {
      gint64 wait_us = g_array_index (times, gint64, 0) + RATE_WINDOW_US - now;
      guint seconds = (guint)MAX (1, (wait_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);

      g_set_error (error, VQS_DBUS_ERROR, VQS_DBUS_ERROR_RATE_LIMITED,
                   g_dngettext (GETTEXT_PACKAGE,
                                "Too many connection tests and drift checks from this client. "
                                "Try again in %u second.",
                                "Too many connection tests and drift checks from this client. "
                                "Try again in %u seconds.",
                                seconds),
                   seconds);
      return FALSE;
    }

  g_array_append_val (times, now);
  return TRUE;
}

/* Manager1 */

static void
instance_created_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(VqsInstance) instance = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  instance = vqs_instance_manager_create_finish (VQS_INSTANCE_MANAGER (object), result, &error);
  if (instance == NULL)
    {
      call_return_error (call, error);
      return;
    }

  /* The manager announced the instance before finishing, so its object
   * is exported (and InterfacesAdded sent) before this reply.
   */
  path = vqs_dbus_service_dup_instance_path (call->self, instance);
  vqs_dbus_manager1_complete_create_instance (call->iface, g_steal_pointer (&call->invocation),
                                              NULL, path);
}

static void
create_instance (Call *call)
{
  VqsDBusService *self = call->self;
  VqsInstanceChanges changes = VQS_INSTANCE_CHANGES_INIT;
  g_autoptr(GVariant) settings = NULL;
  g_autoptr(FdKey) fd_key = NULL;
  g_autoptr(GError) error = NULL;

  settings = g_variant_get_child_value (g_dbus_method_invocation_get_parameters (call->invocation),
                                        0);
  if (!parse_settings (call->invocation, settings, &changes, &fd_key, &error))
    {
      call_return_error (call, error);
      call_free (call);
      return;
    }

  /* The manager copies the key before this returns; ours is wiped. */
  vqs_instance_manager_create_async (self->manager, &changes, self->cancellable,
                                     instance_created_cb, call);
}

static void
find_instance (Call *call)
{
  g_autoptr(Call) owned = call;
  VqsInstance *instance;
  g_autofree char *path = NULL;
  const char *name;

  g_variant_get (g_dbus_method_invocation_get_parameters (call->invocation), "(&s)", &name);

  instance = vqs_instance_manager_find_by_name (call->self->manager, name);
  if (instance == NULL)
    {
      g_autoptr(GError) error = NULL;

      error = vqs_instance_error_new (VQS_INSTANCE_ERROR_NOT_FOUND, NULL,
                                      _("No instance is called “%s”."), name);
      call_return_error (call, error);
      return;
    }

  path = vqs_dbus_service_dup_instance_path (call->self, instance);
  vqs_dbus_manager1_complete_find_instance (call->iface, g_steal_pointer (&call->invocation), path);
}

static void
run_manager_call (Call *call)
{
  switch (call->kind)
    {
    case CALL_CREATE_INSTANCE:
      create_instance (call);
      break;

    case CALL_FIND_INSTANCE:
      find_instance (call);
      break;

    case CALL_OTHER:
    default:
      g_assert_not_reached ();
    }
}

/* Before the instances are loaded, a name check or a lookup would answer
 * from an empty list; such calls wait for set_ready().
 */
static void
run_or_defer (VqsDBusService *self,
              Call           *call)
{
  if (self->ready)
    run_manager_call (call);
  else
    g_queue_push_tail (&self->deferred, call);
}

/* The file descriptors stay with the invocation's message, where
 * create_instance() finds them, also after waiting for set_ready().
 */
static gboolean
handle_create_instance_cb (VqsDBusService        *self,
                           GDBusMethodInvocation *invocation,
                           GUnixFDList           *fd_list,
                           GVariant              *settings,
                           VqsDBusManager1       *iface)
{
  Call *call = call_new (self, invocation, iface, NULL);

  call->kind = CALL_CREATE_INSTANCE;
  run_or_defer (self, call);

  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_find_instance_cb (VqsDBusService        *self,
                         GDBusMethodInvocation *invocation,
                         const char            *name,
                         VqsDBusManager1       *iface)
{
  Call *call = call_new (self, invocation, iface, NULL);

  call->kind = CALL_FIND_INSTANCE;
  run_or_defer (self, call);

  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* Instance1 */

static void
instance_updated_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;

  if (!vqs_instance_manager_update_finish (VQS_INSTANCE_MANAGER (object), result, &error))
    call_return_error (call, error);
  else
    vqs_dbus_instance1_complete_update (call->iface, g_steal_pointer (&call->invocation), NULL);
}

static gboolean
handle_update_cb (VqsDBusInstance1      *iface,
                  GDBusMethodInvocation *invocation,
                  GUnixFDList           *fd_list,
                  GVariant              *settings,
                  Exported              *e)
{
  g_autoptr(Call) call = call_new (e->self, invocation, iface, e->instance);
  VqsInstanceChanges changes = VQS_INSTANCE_CHANGES_INIT;
  g_autoptr(FdKey) fd_key = NULL;
  g_autoptr(GError) error = NULL;

  if (!parse_settings (invocation, settings, &changes, &fd_key, &error))
    {
      call_return_error (call, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  vqs_instance_manager_update_async (e->self->manager, e->instance, &changes,
                                     e->self->cancellable, instance_updated_cb,
                                     g_steal_pointer (&call));

  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
instance_deleted_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;

  if (!vqs_instance_manager_delete_finish (VQS_INSTANCE_MANAGER (object), result, &error))
    call_return_error (call, error);
  else
    vqs_dbus_instance1_complete_delete (call->iface, g_steal_pointer (&call->invocation));
}

static gboolean
handle_delete_cb (VqsDBusInstance1      *iface,
                  GDBusMethodInvocation *invocation,
                  Exported              *e)
{
  Call *call = call_new (e->self, invocation, iface, e->instance);

  vqs_instance_manager_delete_async (e->self->manager, e->instance, e->self->cancellable,
                                     instance_deleted_cb, call);

  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static GVariant *
connection_test_to_variant (const VqsConnectionTest *test)
{
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  g_autofree char *error_name = NULL;

  /* The D-Bus name of the failure lets scripts act on its kind without
   * parsing the sentence.
   */
  if (test->error != NULL)
    {
      g_autoptr(GError) bus_error = vqs_dbus_error_for_bus (test->error);

      error_name = g_dbus_error_encode_gerror (bus_error);
    }

  g_variant_builder_add (&builder, "{sv}", "success", g_variant_new_boolean (test->success));
  g_variant_builder_add (&builder, "{sv}", "message",
                         g_variant_new_string (nonnull (test->message)));
  g_variant_builder_add (&builder, "{sv}", "version",
                         g_variant_new_string (nonnull (test->version)));
  g_variant_builder_add (&builder, "{sv}", "response-time-ms",
                         g_variant_new_uint32 (test->response_time_ms));
  g_variant_builder_add (&builder, "{sv}", "error-details",
                         g_variant_new_string (nonnull (test->error_details)));
  g_variant_builder_add (&builder, "{sv}", "error-name",
                         g_variant_new_string (nonnull (error_name)));

  return g_variant_builder_end (&builder);
}

static void
connection_tested_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(VqsConnectionTest) test = NULL;
  g_autoptr(GError) error = NULL;

  test = vqs_instance_manager_test_connection_finish (VQS_INSTANCE_MANAGER (object), result,
                                                      &error);
  if (test == NULL)
    {
      call_return_error (call, error);
      return;
    }

  vqs_dbus_instance1_complete_test_connection (call->iface, g_steal_pointer (&call->invocation),
                                               connection_test_to_variant (test));
}

static gboolean
handle_test_connection_cb (VqsDBusInstance1      *iface,
                           GDBusMethodInvocation *invocation,
                           Exported              *e)
{
  g_autoptr(Call) call = call_new (e->self, invocation, iface, e->instance);
  g_autoptr(GError) error = NULL;

  if (!check_rate_limit (e->self, g_dbus_method_invocation_get_sender (invocation), &error))
    {
      call_return_error (call, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  vqs_instance_manager_test_connection_async (e->self->manager, e->instance,
                                              e->self->cancellable, connection_tested_cb,
                                              g_steal_pointer (&call));

  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static GVariant *
drift_change_to_variant (const VqsDriftChange *change)
{
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);

  g_variant_builder_add (&builder, "{sv}", "category",
                         g_variant_new_string (vqs_drift_category_to_string (change->category)));
  g_variant_builder_add (&builder, "{sv}", "subject",
                         g_variant_new_string (nonnull (change->subject)));
  g_variant_builder_add (&builder, "{sv}", "before",
                         g_variant_new_string (nonnull (change->before)));
  g_variant_builder_add (&builder, "{sv}", "after",
                         g_variant_new_string (nonnull (change->after)));
  g_variant_builder_add (&builder, "{sv}", "description",
                         g_variant_new_string (nonnull (change->description)));

  return g_variant_builder_end (&builder);
}

static GVariant *
drift_report_to_variant (const VqsDriftReport *report)
{
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  g_auto(GVariantBuilder) changes = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("aa{sv}"));

  for (guint i = 0; report->changes != NULL && i < report->changes->len; i++)
    g_variant_builder_add_value (&changes,
                                 drift_change_to_variant (g_ptr_array_index (report->changes, i)));

  g_variant_builder_add (&builder, "{sv}", "drift-detected",
                         g_variant_new_boolean (report->drift_detected));
  g_variant_builder_add (&builder, "{sv}", "changes", g_variant_builder_end (&changes));
  g_variant_builder_add (&builder, "{sv}", "current-version",
                         g_variant_new_string (nonnull (report->current_version)));
  g_variant_builder_add (&builder, "{sv}", "quality-profiles-count",
                         g_variant_new_uint32 (report->quality_profiles_count));
  g_variant_builder_add (&builder, "{sv}", "baseline-taken",
                         g_variant_new_boolean (report->baseline_taken));

  return g_variant_builder_end (&builder);
}

static void
drift_checked_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(VqsDriftReport) report = NULL;
  g_autoptr(GError) error = NULL;

  report = vqs_instance_manager_check_drift_finish (VQS_INSTANCE_MANAGER (object), result, &error);
  if (report == NULL)
    {
      call_return_error (call, error);
      return;
    }

  vqs_dbus_instance1_complete_check_drift (call->iface, g_steal_pointer (&call->invocation),
                                           drift_report_to_variant (report));
}

static gboolean
handle_check_drift_cb (VqsDBusInstance1      *iface,
                       GDBusMethodInvocation *invocation,
                       Exported              *e)
{
  g_autoptr(Call) call = call_new (e->self, invocation, iface, e->instance);
  g_autoptr(GError) error = NULL;

  if (!check_rate_limit (e->self, g_dbus_method_invocation_get_sender (invocation), &error))
    {
      call_return_error (call, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  vqs_instance_manager_check_drift_async (e->self->manager, e->instance, e->self->cancellable,
                                          drift_checked_cb, g_steal_pointer (&call));

  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
drift_accepted_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;

  if (!vqs_instance_manager_accept_drift_finish (VQS_INSTANCE_MANAGER (object), result, &error))
    call_return_error (call, error);
  else
    vqs_dbus_instance1_complete_accept_drift (call->iface, g_steal_pointer (&call->invocation));
}

static gboolean
handle_accept_drift_cb (VqsDBusInstance1      *iface,
                        GDBusMethodInvocation *invocation,
                        Exported              *e)
{
  Call *call = call_new (e->self, invocation, iface, e->instance);

  vqs_instance_manager_accept_drift_async (e->self->manager, e->instance, e->self->cancellable,
                                           drift_accepted_cb, call);

  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* Objects */

static Exported *
exported_new (VqsDBusService *self,
              VqsInstance    *instance)
{
  Exported *e = g_new0 (Exported, 1);
  g_autofree char *path = vqs_dbus_service_dup_instance_path (self, instance);

  e->self = self;
  e->instance = g_object_ref (instance);
  e->object = vqs_dbus_object_skeleton_new (path);
  e->iface = vqs_dbus_instance1_skeleton_new ();

  /* Properties first, so that InterfacesAdded already carries them. */
  sync_properties (e);
  vqs_dbus_object_skeleton_set_instance1 (e->object, e->iface);

  g_signal_connect (e->iface, "handle-update", G_CALLBACK (handle_update_cb), e);
  g_signal_connect (e->iface, "handle-delete", G_CALLBACK (handle_delete_cb), e);
  g_signal_connect (e->iface, "handle-test-connection", G_CALLBACK (handle_test_connection_cb), e);
  g_signal_connect (e->iface, "handle-check-drift", G_CALLBACK (handle_check_drift_cb), e);
  g_signal_connect (e->iface, "handle-accept-drift", G_CALLBACK (handle_accept_drift_cb), e);
  g_signal_connect_swapped (instance, "notify", G_CALLBACK (sync_properties), e);

  g_dbus_object_manager_server_export (self->server, G_DBUS_OBJECT_SKELETON (e->object));

  return e;
}

static void
exported_free (Exported *e)
{
  const char *path = g_dbus_object_get_object_path (G_DBUS_OBJECT (e->object));

  g_signal_handlers_disconnect_by_data (e->instance, e);
  g_signal_handlers_disconnect_by_data (e->iface, e);

  if (e->self->server != NULL)
    g_dbus_object_manager_server_unexport (e->self->server, path);

  g_clear_object (&e->iface);
  g_clear_object (&e->object);
  g_clear_object (&e->instance);
  g_free (e);
}

static void
on_manager_items_changed_cb (VqsDBusService *self,
                             guint           position,
                             guint           removed,
                             guint           added,
                             GListModel     *model)
{
  g_ptr_array_remove_range (self->exported, position, removed);

  for (guint i = 0; i < added; i++)
    {
      g_autoptr(VqsInstance) instance = g_list_model_get_item (model, position + i);

      g_ptr_array_insert (self->exported, position + i, exported_new (self, instance));
    }
}

/* The gate */

static Gate *
gate_new (const char *path)
{
  Gate *gate = g_atomic_rc_box_new0 (Gate);

  g_mutex_init (&gate->mutex);
  g_queue_init (&gate->held);
  gate->path = g_strdup (path);

  return gate;
}

static void
gate_clear (Gate *gate)
{
  g_queue_clear_full (&gate->held, g_object_unref);
  g_clear_pointer (&gate->path, g_free);
  g_mutex_clear (&gate->mutex);
}

static void
gate_unref (gpointer data)
{
  g_atomic_rc_box_release_full (data, (GDestroyNotify)gate_clear);
}

static gboolean
is_get_managed_objects (GDBusMessage *message,
                        const char   *path)
{
  const char *iface = g_dbus_message_get_interface (message);

  return g_dbus_message_get_message_type (message) == G_DBUS_MESSAGE_TYPE_METHOD_CALL &&
         g_strcmp0 (g_dbus_message_get_member (message), "GetManagedObjects") == 0 &&
         (iface == NULL || g_str_equal (iface, OBJECT_MANAGER)) &&
         g_strcmp0 (g_dbus_message_get_path (message), path) == 0;
}

static GDBusMessage *
gate_filter (GDBusConnection *connection,
             GDBusMessage    *message,
             gboolean         incoming,
             gpointer         user_data)
{
  Gate *gate = user_data;
  g_autoptr(GMutexLocker) locker = NULL;

  if (!incoming || !is_get_managed_objects (message, gate->path))
    return message;

  locker = g_mutex_locker_new (&gate->mutex);
  if (gate->open)
    return message;

  /* Keep the message (the filter owns this reference) and drop it from
   * the normal dispatch; the service answers it when ready.
   */
  g_queue_push_tail (&gate->held, message);
  return NULL;
}

static GVariant *
build_managed_objects (VqsDBusService *self)
{
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a{oa{sa{sv}}}"));
  GList *objects = g_dbus_object_manager_get_objects (G_DBUS_OBJECT_MANAGER (self->server));

  /* The same answer the object manager itself gives. */
  for (const GList *l = objects; l != NULL; l = l->next)
    {
      GList *ifaces = g_dbus_object_get_interfaces (l->data);

      g_variant_builder_open (&builder, G_VARIANT_TYPE ("{oa{sa{sv}}}"));
      g_variant_builder_add (&builder, "o", g_dbus_object_get_object_path (l->data));
      g_variant_builder_open (&builder, G_VARIANT_TYPE ("a{sa{sv}}"));
      for (const GList *i = ifaces; i != NULL; i = i->next)
        {
          GDBusInterfaceSkeleton *iface = i->data;
          g_autoptr(GVariant) props = NULL;

          /* Owned whether or not the skeleton returns a floating value. */
          props = g_variant_take_ref (g_dbus_interface_skeleton_get_properties (iface));
          g_variant_builder_add (&builder, "{s@a{sv}}",
                                 g_dbus_interface_skeleton_get_info (iface)->name, props);
        }
      g_variant_builder_close (&builder);
      g_variant_builder_close (&builder);
      g_list_free_full (ifaces, g_object_unref);
    }

  g_list_free_full (objects, g_object_unref);

  return g_variant_builder_end (&builder);
}

static void
answer_held_message (VqsDBusService *self,
                     GDBusMessage   *message,
                     gboolean        shutting_down)
{
  g_autoptr(GDBusMessage) reply = NULL;
  g_autoptr(GError) error = NULL;

  if (g_dbus_message_get_flags (message) & G_DBUS_MESSAGE_FLAGS_NO_REPLY_EXPECTED)
    return;

  if (shutting_down)
    {
      reply = g_dbus_message_new_method_error_literal (message, VQS_DBUS_ERROR_PREFIX "Failed",
                                                       _("The service is shutting down."));
    }
  else
    {
      reply = g_dbus_message_new_method_reply (message);
      g_dbus_message_set_body (reply, g_variant_new ("(@a{oa{sa{sv}}})",
                                                     build_managed_objects (self)));
    }

  if (!g_dbus_connection_send_message (self->connection, reply, G_DBUS_SEND_MESSAGE_FLAGS_NONE,
                                       NULL, &error))
    g_debug ("Could not answer a held GetManagedObjects call: %s", error->message);
}

/* Opens the gate for good and answers what it held back. */
static void
open_gate (VqsDBusService *self,
           gboolean        shutting_down)
{
  GQueue held = G_QUEUE_INIT;
  GDBusMessage *message;

  if (self->gate == NULL)
    return;

  g_mutex_lock (&self->gate->mutex);
  self->gate->open = TRUE;
  held = self->gate->held;
  g_queue_init (&self->gate->held);
  g_mutex_unlock (&self->gate->mutex);

  while ((message = g_queue_pop_head (&held)) != NULL)
    {
      answer_held_message (self, message, shutting_down);
      g_object_unref (message);
    }

  g_dbus_connection_remove_filter (self->connection, self->filter_id);
  self->filter_id = 0;
  g_clear_pointer (&self->gate, gate_unref);
}

static void
close_gate (VqsDBusService *self)
{
  g_assert (self->gate == NULL);

  self->gate = gate_new (self->object_path);
  self->filter_id = g_dbus_connection_add_filter (self->connection, gate_filter,
                                                  g_atomic_rc_box_acquire (self->gate),
                                                  gate_unref);
}

/* GObject */

static void
fail_deferred_calls (VqsDBusService *self)
{
  Call *call;

  while ((call = g_queue_pop_head (&self->deferred)) != NULL)
    {
      g_autoptr(GError) error =
        g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");

      call_return_error (call, error);
      call_free (call);
    }
}

static void
vqs_dbus_service_dispose (GObject *object)
{
  VqsDBusService *self = (VqsDBusService *)object;

  vqs_dbus_service_unexport (self);

  if (self->manager != NULL)
    g_signal_handlers_disconnect_by_data (self->manager, self);

  g_clear_pointer (&self->exported, g_ptr_array_unref);
  g_clear_object (&self->server);
  g_clear_object (&self->manager_iface);
  g_clear_object (&self->manager);

  G_OBJECT_CLASS (vqs_dbus_service_parent_class)->dispose (object);
}

static void
vqs_dbus_service_finalize (GObject *object)
{
  VqsDBusService *self = (VqsDBusService *)object;

  g_clear_pointer (&self->calls_by_sender, g_hash_table_unref);
  g_clear_object (&self->cancellable);
  g_free (self->object_path);

  G_OBJECT_CLASS (vqs_dbus_service_parent_class)->finalize (object);
}

static void
vqs_dbus_service_constructed (GObject *object)
{
  VqsDBusService *self = (VqsDBusService *)object;
  guint n_items;

  G_OBJECT_CLASS (vqs_dbus_service_parent_class)->constructed (object);

  g_assert (VQS_IS_INSTANCE_MANAGER (self->manager));
  g_assert (g_variant_is_object_path (self->object_path));

  vqs_dbus_error_register ();

  self->server = g_dbus_object_manager_server_new (self->object_path);
  self->manager_iface = vqs_dbus_manager1_skeleton_new ();
  g_signal_connect_object (self->manager_iface, "handle-create-instance",
                           G_CALLBACK (handle_create_instance_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->manager_iface, "handle-find-instance",
                           G_CALLBACK (handle_find_instance_cb), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->manager, "items-changed",
                           G_CALLBACK (on_manager_items_changed_cb), self, G_CONNECT_SWAPPED);
  n_items = g_list_model_get_n_items (G_LIST_MODEL (self->manager));
  on_manager_items_changed_cb (self, 0, 0, n_items, G_LIST_MODEL (self->manager));
}

static void
vqs_dbus_service_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  VqsDBusService *self = VQS_DBUS_SERVICE (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      g_value_set_object (value, self->manager);
      break;

    case PROP_OBJECT_PATH:
      g_value_set_string (value, self->object_path);
      break;

    case PROP_PENDING_CALLS:
      g_value_set_uint (value, vqs_dbus_service_get_pending_calls (self));
      break;

    case PROP_READY:
      g_value_set_boolean (value, vqs_dbus_service_get_ready (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vqs_dbus_service_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  VqsDBusService *self = VQS_DBUS_SERVICE (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      self->manager = g_value_dup_object (value);
      break;

    case PROP_OBJECT_PATH:
      self->object_path = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vqs_dbus_service_class_init (VqsDBusServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = vqs_dbus_service_constructed;
  object_class->dispose = vqs_dbus_service_dispose;
  object_class->finalize = vqs_dbus_service_finalize;
  object_class->get_property = vqs_dbus_service_get_property;
  object_class->set_property = vqs_dbus_service_set_property;

  properties[PROP_MANAGER] =
    g_param_spec_object ("manager", NULL, NULL,
                         VQS_TYPE_INSTANCE_MANAGER,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_OBJECT_PATH] =
    g_param_spec_string ("object-path", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PENDING_CALLS] =
    g_param_spec_uint ("pending-calls", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_READY] =
    g_param_spec_boolean ("ready", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vqs_dbus_service_init (VqsDBusService *self)
{
  self->exported = g_ptr_array_new_with_free_func ((GDestroyNotify)exported_free);
  self->calls_by_sender = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                 (GDestroyNotify)g_array_unref);
  self->cancellable = g_cancellable_new ();
  g_queue_init (&self->deferred);
}

/**
 * vqs_dbus_service_new:
 * @manager: the instances to export
 * @object_path: the root path, normally the application's object path
 *
 * Returns: (transfer full): a service that is not on any bus yet
 */
VqsDBusService *
vqs_dbus_service_new (VqsInstanceManager *manager,
                      const char         *object_path)
{
  g_return_val_if_fail (VQS_IS_INSTANCE_MANAGER (manager), NULL);
  g_return_val_if_fail (object_path != NULL && g_variant_is_object_path (object_path), NULL);

  return g_object_new (VQS_TYPE_DBUS_SERVICE,
                       "manager", manager,
                       "object-path", object_path,
                       NULL);
}

const char *
vqs_dbus_service_get_object_path (VqsDBusService *self)
{
  g_return_val_if_fail (VQS_IS_DBUS_SERVICE (self), NULL);

  return self->object_path;
}

/**
 * vqs_dbus_service_dup_instance_path:
 *
 * Returns: (transfer full): the object path of @instance
 */
char *
vqs_dbus_service_dup_instance_path (VqsDBusService *self,
                                    VqsInstance    *instance)
{
  g_return_val_if_fail (VQS_IS_DBUS_SERVICE (self), NULL);
  g_return_val_if_fail (VQS_IS_INSTANCE (instance), NULL);

  return g_strdup_printf ("%s/instances/%" G_GINT64_FORMAT,
                          self->object_path, vqs_instance_get_id (instance));
}

/**
 * vqs_dbus_service_export:
 * @connection: where to export
 *
 * Exports Manager1 and the object manager on @connection. Until
 * vqs_dbus_service_set_ready() is called, GetManagedObjects,
 * CreateInstance and FindInstance wait.
 */
gboolean
vqs_dbus_service_export (VqsDBusService   *self,
                         GDBusConnection  *connection,
                         GError          **error)
{
  g_return_val_if_fail (VQS_IS_DBUS_SERVICE (self), FALSE);
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), FALSE);
  g_return_val_if_fail (self->connection == NULL, FALSE);

  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->manager_iface),
                                         connection, self->object_path, error))
    return FALSE;

  self->connection = g_object_ref (connection);

  /* The gate goes up before the object manager, so that no early
   * GetManagedObjects slips through to an empty list.
   */
  if (!self->ready)
    close_gate (self);

  g_dbus_object_manager_server_set_connection (self->server, connection);

  return TRUE;
}

/**
 * vqs_dbus_service_unexport:
 *
 * Removes everything from the bus. Calls that still wait for
 * vqs_dbus_service_set_ready() fail. Safe to call when not exported.
 */
void
vqs_dbus_service_unexport (VqsDBusService *self)
{
  g_return_if_fail (VQS_IS_DBUS_SERVICE (self));

  if (self->connection == NULL)
    return;

  /* Calls in flight end now; their replies would go nowhere. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  open_gate (self, TRUE);
  fail_deferred_calls (self);

  g_dbus_object_manager_server_set_connection (self->server, NULL);
  g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->manager_iface));
  g_clear_object (&self->connection);
}

/**
 * vqs_dbus_service_set_ready:
 *
 * Tells the service that the manager has loaded its instances, whether or
 * not the load succeeded: the calls held back until now are answered.
 */
void
vqs_dbus_service_set_ready (VqsDBusService *self)
{
  Call *call;

  g_return_if_fail (VQS_IS_DBUS_SERVICE (self));

  if (self->ready)
    return;

  self->ready = TRUE;
  open_gate (self, FALSE);

  while ((call = g_queue_pop_head (&self->deferred)) != NULL)
    run_manager_call (call);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
}

gboolean
vqs_dbus_service_get_ready (VqsDBusService *self)
{
  g_return_val_if_fail (VQS_IS_DBUS_SERVICE (self), FALSE);

  return self->ready;
}

/**
 * vqs_dbus_service_get_pending_calls:
 *
 * Returns: how many method calls have not been answered yet; the
 *   application stays alive while there are any
 */
guint
vqs_dbus_service_get_pending_calls (VqsDBusService *self)
{
  g_return_val_if_fail (VQS_IS_DBUS_SERVICE (self), 0);

  return self->pending_calls;
}
