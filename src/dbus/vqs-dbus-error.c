/* vqs-dbus-error.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vqs-dbus-error"

#include "config.h"

#include <glib/gi18n.h>

#include "vqs-arr-error.h"
#include "vqs-dbus-error.h"
#include "vqs-instance-validate.h"
#include "vqs-secret-store.h"

/* One D-Bus name stands for exactly one (domain, code) pair, in both
 * directions, so the names of different domains must not collide. The
 * instance's NotFound ("no such instance") keeps the plain name; the
 * server's 404 and 429 become ServerNotFound and ServerRateLimited, and
 * the plain RateLimited is the bus's own per-caller limit. Keyring errors
 * reach the bus as VQS_INSTANCE_ERROR_KEYRING (see vqs_dbus_error_for_bus()).
 */
static const GDBusErrorEntry dbus_entries[] = {
  { VQS_DBUS_ERROR_RATE_LIMITED, VQS_DBUS_ERROR_PREFIX "RateLimited" },
};

static const GDBusErrorEntry instance_entries[] = {
  { VQS_INSTANCE_ERROR_INVALID_ARGUMENT, VQS_DBUS_ERROR_PREFIX "InvalidArgument" },
  { VQS_INSTANCE_ERROR_DUPLICATE, VQS_DBUS_ERROR_PREFIX "Duplicate" },
  { VQS_INSTANCE_ERROR_NOT_FOUND, VQS_DBUS_ERROR_PREFIX "NotFound" },
  { VQS_INSTANCE_ERROR_KEYRING, VQS_DBUS_ERROR_PREFIX "Keyring" },
  { VQS_INSTANCE_ERROR_FAILED, VQS_DBUS_ERROR_PREFIX "Failed" },
};

static const GDBusErrorEntry arr_entries[] = {
  { VQS_ARR_ERROR_CONNECTION_FAILED, VQS_DBUS_ERROR_PREFIX "ConnectionFailed" },
  { VQS_ARR_ERROR_TIMEOUT, VQS_DBUS_ERROR_PREFIX "Timeout" },
  { VQS_ARR_ERROR_TLS_CERTIFICATE, VQS_DBUS_ERROR_PREFIX "TlsCertificate" },
  { VQS_ARR_ERROR_UNAUTHORIZED, VQS_DBUS_ERROR_PREFIX "Unauthorized" },
  { VQS_ARR_ERROR_NOT_FOUND, VQS_DBUS_ERROR_PREFIX "ServerNotFound" },
  { VQS_ARR_ERROR_RATE_LIMITED, VQS_DBUS_ERROR_PREFIX "ServerRateLimited" },
  { VQS_ARR_ERROR_SERVER_ERROR, VQS_DBUS_ERROR_PREFIX "ServerError" },
  { VQS_ARR_ERROR_STARTING_UP, VQS_DBUS_ERROR_PREFIX "StartingUp" },
  { VQS_ARR_ERROR_REDIRECTED, VQS_DBUS_ERROR_PREFIX "Redirected" },
  { VQS_ARR_ERROR_WRONG_APPLICATION, VQS_DBUS_ERROR_PREFIX "WrongApplication" },
  { VQS_ARR_ERROR_INVALID_RESPONSE, VQS_DBUS_ERROR_PREFIX "InvalidResponse" },
  { VQS_ARR_ERROR_BAD_REQUEST, VQS_DBUS_ERROR_PREFIX "BadRequest" },
};

GQuark
vqs_dbus_error_quark (void)
{
  static gsize quark = 0;

  g_dbus_error_register_error_domain ("vqs-dbus-error-quark", &quark,
                                      dbus_entries, G_N_ELEMENTS (dbus_entries));

  return (GQuark)quark;
}

/**
 * vqs_dbus_error_register:
 *
 * Registers the D-Bus names of the core's error domains, so that
 * g_dbus_method_invocation_return_gerror() sends
 * "io.github.vibequality.Searcharr.Error.*" and an in-process client gets
 * the original domain and code back. Safe to call more than once.
 */
void
vqs_dbus_error_register (void)
{
  static gsize instance_quark = 0;
  static gsize arr_quark = 0;

  /* The core defines its quarks with G_DEFINE_QUARK; registering under
   * the same quark string gives the same GQuark.
   */
  g_dbus_error_register_error_domain (g_quark_to_string (VQS_INSTANCE_ERROR), &instance_quark,
                                      instance_entries, G_N_ELEMENTS (instance_entries));
  g_dbus_error_register_error_domain (g_quark_to_string (VQS_ARR_ERROR), &arr_quark,
                                      arr_entries, G_N_ELEMENTS (arr_entries));
  (void)vqs_dbus_error_quark ();
}

static GError *
invalid_argument_for_bus (const GError *error)
{
  const char *field = vqs_instance_error_get_field (error);

  /* The window shows the message next to the field; on the bus, the key
   * in front of the same sentence says which setting it is about.
   */
  if (field == NULL)
    return g_error_copy (error);

  return vqs_instance_error_new (VQS_INSTANCE_ERROR_INVALID_ARGUMENT, field,
                                 "%s: %s", field, error->message);
}

/**
 * vqs_dbus_error_for_bus:
 * @error: an error from the core
 *
 * Translates @error into one with a registered D-Bus name: keyring errors
 * become Keyring, cancellation and errors of other domains (the database,
 * GIO) become Failed, and invalid arguments name their key. The messages
 * stay the core's sentences, which never contain an API key.
 *
 * Returns: (transfer full): the error to send
 */
GError *
vqs_dbus_error_for_bus (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  vqs_dbus_error_register ();

  if (g_error_matches (error, VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_INVALID_ARGUMENT))
    return invalid_argument_for_bus (error);

  if (error->domain == VQS_INSTANCE_ERROR || error->domain == VQS_ARR_ERROR ||
      error->domain == VQS_DBUS_ERROR || error->domain == G_DBUS_ERROR)
    return g_error_copy (error);

  if (error->domain == VQS_SECRET_ERROR)
    return g_error_new_literal (VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_KEYRING, error->message);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_new_literal (VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_FAILED,
                                _("The service stopped before the operation could finish."));

  return g_error_new_literal (VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_FAILED, error->message);
}
