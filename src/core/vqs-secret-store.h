/* vqs-secret-store.h
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

G_BEGIN_DECLS

#define VQS_SECRET_ERROR (vqs_secret_error_quark ())

/**
 * VqsSecretError:
 * @VQS_SECRET_ERROR_NO_SERVICE: no D-Bus session bus, or no Secret Service on it
 * @VQS_SECRET_ERROR_LOCKED: the keyring is locked, or the unlock prompt was dismissed
 * @VQS_SECRET_ERROR_FAILED: any other keyring failure
 *
 * Error codes of #VqsSecretStore. Cancellation is reported as
 * %G_IO_ERROR_CANCELLED, never with one of these codes.
 */
typedef enum
{
  VQS_SECRET_ERROR_NO_SERVICE,
  VQS_SECRET_ERROR_LOCKED,
  VQS_SECRET_ERROR_FAILED,
} VqsSecretError;

/**
 * VQS_SECRET_SCHEMA_VERSION:
 *
 * The value of the `version` attribute of every stored item. A new format
 * gets a new value, so old and new items never match each other.
 */
#define VQS_SECRET_SCHEMA_VERSION "1"

#define VQS_TYPE_SECRET_STORE (vqs_secret_store_get_type ())

G_DECLARE_FINAL_TYPE (VqsSecretStore, vqs_secret_store, VQS, SECRET_STORE, GObject)

GQuark              vqs_secret_error_quark        (void);
const SecretSchema *vqs_secret_get_schema         (void) G_GNUC_CONST;
void                vqs_secret_free               (char                *secret);

VqsSecretStore     *vqs_secret_store_new          (void);
void                vqs_secret_store_store_async  (VqsSecretStore      *self,
                                                   const char          *uuid,
                                                   const char          *instance_name,
                                                   const char          *api_key,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean            vqs_secret_store_store_finish (VqsSecretStore      *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);
void                vqs_secret_store_lookup_async (VqsSecretStore      *self,
                                                   const char          *uuid,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
char               *vqs_secret_store_lookup_finish (VqsSecretStore     *self,
                                                    GAsyncResult       *result,
                                                    GError            **error);
void                vqs_secret_store_clear_async  (VqsSecretStore      *self,
                                                   const char          *uuid,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean            vqs_secret_store_clear_finish (VqsSecretStore      *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

G_END_DECLS
