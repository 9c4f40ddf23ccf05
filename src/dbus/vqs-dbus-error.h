/* vqs-dbus-error.h
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Every error the service sends has a name under this prefix. */
#define VQS_DBUS_ERROR_PREFIX "io.github.vibequality.Searcharr.Error."

#define VQS_DBUS_ERROR (vqs_dbus_error_quark ())

/**
 * VqsDBusError:
 * @VQS_DBUS_ERROR_RATE_LIMITED: the calling bus name made too many network-bound
 *   calls in the last minute ("io.github.vibequality.Searcharr.Error.RateLimited")
 *
 * Errors that exist only on the bus. The core's own domains
 * (VQS_INSTANCE_ERROR, VQS_ARR_ERROR) are registered next to this one by
 * vqs_dbus_error_register().
 */
typedef enum
{
  VQS_DBUS_ERROR_RATE_LIMITED,
} VqsDBusError;

GQuark  vqs_dbus_error_quark    (void);
void    vqs_dbus_error_register (void);
GError *vqs_dbus_error_for_bus  (const GError *error);

G_END_DECLS
