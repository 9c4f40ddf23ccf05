/* vqs-secret-store.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vqs-secret-store"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "vqs-secret-store.h"

/* Every API key lives in the user's default keyring, one item per
 * instance, found by the instance uuid and the format version. The key
 * itself is only ever handed to libsecret and back to the caller: it
 * never reaches a log line or an error message.
 */

struct _VqsSecretStore
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (VqsSecretStore, vqs_secret_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (vqs-secret-error-quark, vqs_secret_error)

typedef enum
{
  OP_STORE,
  OP_LOOKUP,
  OP_CLEAR,
} OpKind;

typedef struct
{
  OpKind           kind;
  char            *uuid;
  char            *label;
  char            *api_key;
  GDBusConnection *bus;
} Op;

static void
op_free (Op *op)
{
  /* secret_password_free() zeroes the copy of the key before freeing it. */
  g_clear_pointer (&op->api_key, secret_password_free);
  g_clear_pointer (&op->uuid, g_free);
  g_clear_pointer (&op->label, g_free);
  g_clear_object (&op->bus);
  g_free (op);
}

/**
 * vqs_secret_get_schema:
 *
 * Returns: (transfer none): the schema of the items that hold API keys
 */
const SecretSchema *
vqs_secret_get_schema (void)
{
  static const SecretSchema schema = {
    "io.github.vibequality.Searcharr", SECRET_SCHEMA_NONE,
    {
      { "uuid", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "version", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

/**
 * vqs_secret_free:
 * @secret: (nullable): a key from vqs_secret_store_lookup_finish()
 *
 * Zeroes the memory of @secret, then frees it.
 */
void
vqs_secret_free (char *secret)
{
  /* libsecret may hand out keys in its locked (non-swappable) memory
   * pool; secret_password_free() wipes and frees both kinds of memory.
   */
  secret_password_free (secret);
}

static GError *
no_service_error (void)
{
  return g_error_new_literal (VQS_SECRET_ERROR, VQS_SECRET_ERROR_NO_SERVICE,
                              _("No keyring service is running. Install and start GNOME Keyring "
                                "(the gnome-keyring package) or another Secret Service provider, "
                                "then try again."));
}

static GError *
no_bus_error (const GError *error)
{
  g_debug ("No session bus: %s", error->message);
  return g_error_new_literal (VQS_SECRET_ERROR, VQS_SECRET_ERROR_NO_SERVICE,
                              _("No D-Bus session bus is running, so the keyring cannot be "
                                "reached. Start Searcharr from a desktop session, then try "
                                "again."));
}

static gboolean
is_no_service (const GError *error)
{
  if (error->domain != G_DBUS_ERROR)
    return FALSE;

  /* The bus knows no org.freedesktop.secrets, or it could not start the
   * program that its service file names.
   */
  switch (error->code)
    {
    case G_DBUS_ERROR_SERVICE_UNKNOWN:
    case G_DBUS_ERROR_NAME_HAS_NO_OWNER:
    case G_DBUS_ERROR_SPAWN_EXEC_FAILED:
    case G_DBUS_ERROR_SPAWN_FORK_FAILED:
    case G_DBUS_ERROR_SPAWN_CHILD_EXITED:
    case G_DBUS_ERROR_SPAWN_CHILD_SIGNALED:
    case G_DBUS_ERROR_SPAWN_FAILED:
    case G_DBUS_ERROR_SPAWN_SERVICE_INVALID:
    case G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND:
    case G_DBUS_ERROR_SPAWN_FILE_INVALID:
      return TRUE;

    default:
      return FALSE;
    }
}

static gboolean
is_locked (OpKind        kind,
           const GError *error)
{
  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    return TRUE;

  /* A store only names the default collection. When gnome-keyring can
   * neither unlock nor create it (no login keyring was unlocked, and the
   * prompt was dismissed or could not be shown), it answers UnknownMethod
   * with "Object does not exist at path …/collection/login".
   */
  if (kind != OP_STORE || strstr (error->message, "/org/freedesktop/secrets/collection/") == NULL)
    return FALSE;

  return g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT) ||
         g_error_matches (error, SECRET_ERROR, SECRET_ERROR_NO_SUCH_OBJECT);
}

static GError *
translate_error (OpKind        kind,
                 const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  g_debug ("Keyring operation failed: %s (%s, %d)",
           error->message, g_quark_to_string (error->domain), error->code);

  if (is_no_service (error))
    return no_service_error ();

  if (is_locked (kind, error))
    return g_error_new_literal (VQS_SECRET_ERROR, VQS_SECRET_ERROR_LOCKED,
                                _("The keyring is locked. Unlock it (for example by logging in "
                                  "again) and try again."));

  return g_error_new (VQS_SECRET_ERROR, VQS_SECRET_ERROR_FAILED,
                      _("The keyring could not be used (%s). Try again, and restart the keyring "
                        "service if the problem persists."),
                      error->message);
}

static void
on_store_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (secret_password_store_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, translate_error (OP_STORE, error));
}

static void
on_lookup_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  char *api_key;

  /* No error and no key means that no item matches: not a failure. */
  api_key = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, translate_error (OP_LOOKUP, error));
  else
    g_task_return_pointer (task, api_key, (GDestroyNotify) vqs_secret_free);
}

static void
on_clear_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* FALSE without an error means there was nothing to remove, which is
   * what the caller wanted anyway.
   */
  if (!secret_password_clear_finish (result, &error) && error != NULL)
    g_task_return_error (task, translate_error (OP_CLEAR, error));
  else
    g_task_return_boolean (task, TRUE);
}

/* Takes over the reference to @task, which the libsecret callback drops. */
static void
run_op (GTask *task)
{
  Op *op = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  const SecretSchema *schema = vqs_secret_get_schema ();
  char *api_key;

  switch (op->kind)
    {
    case OP_STORE:
      /* libsecret copies the key into its own locked memory before it
       * returns, so our copy can be wiped right away.
       */
      api_key = g_steal_pointer (&op->api_key);
      secret_password_store (schema, SECRET_COLLECTION_DEFAULT, op->label, api_key,
                             cancellable, on_store_cb, task,
                             "uuid", op->uuid, "version", VQS_SECRET_SCHEMA_VERSION, NULL);
      secret_password_free (api_key);
      break;

    case OP_LOOKUP:
      secret_password_lookup (schema, cancellable, on_lookup_cb, task,
                              "uuid", op->uuid, "version", VQS_SECRET_SCHEMA_VERSION, NULL);
      break;

    case OP_CLEAR:
      secret_password_clear (schema, cancellable, on_clear_cb, task,
                             "uuid", op->uuid, "version", VQS_SECRET_SCHEMA_VERSION, NULL);
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
on_bus_ready_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  Op *op = g_task_get_task_data (task);

  op->bus = g_bus_get_finish (result, &error);
  if (op->bus != NULL)
    run_op (g_steal_pointer (&task));
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_error (task, no_bus_error (error));
}

static void
start_op (VqsSecretStore      *self,
          Op                  *op,
          gpointer             source_tag,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);

  /* Connecting to the session bus first is what tells "no bus at all"
   * (no address, autolaunch impossible) apart from the I/O errors that a
   * keyring call can produce later. GDBus shares the connection with
   * libsecret, and the operation holds it until it completes.
   */
  g_bus_get (G_BUS_TYPE_SESSION, cancellable, on_bus_ready_cb, g_steal_pointer (&task));
}

static Op *
op_new (OpKind      kind,
        const char *uuid)
{
  Op *op = g_new0 (Op, 1);

  op->kind = kind;
  op->uuid = g_strdup (uuid);
  return op;
}

static void
vqs_secret_store_class_init (VqsSecretStoreClass *klass)
{
}

static void
vqs_secret_store_init (VqsSecretStore *self)
{
}

/**
 * vqs_secret_store_new:
 *
 * Returns: (transfer full): a new #VqsSecretStore
 */
VqsSecretStore *
vqs_secret_store_new (void)
{
  return g_object_new (VQS_TYPE_SECRET_STORE, NULL);
}

/**
 * vqs_secret_store_store_async:
 * @self: a #VqsSecretStore
 * @uuid: the uuid of the instance
 * @instance_name: the name of the instance, shown in the item label
 * @api_key: the key to keep
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the key is stored
 * @user_data: data for @callback
 *
 * Stores @api_key in the default keyring, replacing any key that the
 * instance had before.
 */
void
vqs_secret_store_store_async (VqsSecretStore      *self,
                              const char          *uuid,
                              const char          *instance_name,
                              const char          *api_key,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  Op *op;

  g_return_if_fail (VQS_IS_SECRET_STORE (self));
  g_return_if_fail (uuid != NULL && *uuid != '\0');
  g_return_if_fail (instance_name != NULL);
  g_return_if_fail (api_key != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  g_debug ("Storing the API key of instance %s", uuid);

  op = op_new (OP_STORE, uuid);
  /* Translators: the label of the keyring item, as shown in Passwords and
   * Keys (Seahorse); %s is the name of a Sonarr or Radarr instance.
   */
  op->label = g_strdup_printf (_("Searcharr API key for %s"), instance_name);
  op->api_key = g_strdup (api_key);
  start_op (self, op, vqs_secret_store_store_async, cancellable, callback, user_data);
}

/**
 * vqs_secret_store_store_finish:
 * @self: a #VqsSecretStore
 * @result: the result passed to the callback
 * @error: return location for a #VqsSecretError or %G_IO_ERROR_CANCELLED
 *
 * Returns: %TRUE if the key is stored
 */
gboolean
vqs_secret_store_store_finish (VqsSecretStore  *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  g_return_val_if_fail (VQS_IS_SECRET_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * vqs_secret_store_lookup_async:
 * @self: a #VqsSecretStore
 * @uuid: the uuid of the instance
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the lookup is done
 * @user_data: data for @callback
 *
 * Looks up the API key of the instance @uuid.
 */
void
vqs_secret_store_lookup_async (VqsSecretStore      *self,
                               const char          *uuid,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (VQS_IS_SECRET_STORE (self));
  g_return_if_fail (uuid != NULL && *uuid != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  g_debug ("Looking up the API key of instance %s", uuid);

  start_op (self, op_new (OP_LOOKUP, uuid), vqs_secret_store_lookup_async,
            cancellable, callback, user_data);
}

/**
 * vqs_secret_store_lookup_finish:
 * @self: a #VqsSecretStore
 * @result: the result passed to the callback
 * @error: return location for a #VqsSecretError or %G_IO_ERROR_CANCELLED
 *
 * Returns: (transfer full) (nullable): the key, to be freed with
 *   vqs_secret_free(), or %NULL with @error unset when the instance has
 *   no key
 */
char *
vqs_secret_store_lookup_finish (VqsSecretStore  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (VQS_IS_SECRET_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * vqs_secret_store_clear_async:
 * @self: a #VqsSecretStore
 * @uuid: the uuid of the instance
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the key is removed
 * @user_data: data for @callback
 *
 * Removes the API key of the instance @uuid from the keyring.
 */
void
vqs_secret_store_clear_async (VqsSecretStore      *self,
                              const char          *uuid,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (VQS_IS_SECRET_STORE (self));
  g_return_if_fail (uuid != NULL && *uuid != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  g_debug ("Removing the API key of instance %s", uuid);

  start_op (self, op_new (OP_CLEAR, uuid), vqs_secret_store_clear_async,
            cancellable, callback, user_data);
}

/**
 * vqs_secret_store_clear_finish:
 * @self: a #VqsSecretStore
 * @result: the result passed to the callback
 * @error: return location for a #VqsSecretError or %G_IO_ERROR_CANCELLED
 *
 * Removing a key that does not exist succeeds.
 *
 * Returns: %TRUE if the instance has no key in the keyring any more
 */
gboolean
vqs_secret_store_clear_finish (VqsSecretStore  *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  g_return_val_if_fail (VQS_IS_SECRET_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
