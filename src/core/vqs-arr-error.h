/* vqs-arr-error.h
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VQS_ARR_ERROR (vqs_arr_error_quark ())

/**
 * VqsArrError:
 * @VQS_ARR_ERROR_CONNECTION_FAILED: the host could not be resolved or refused the connection
 * @VQS_ARR_ERROR_TIMEOUT: no answer within the configured timeout
 * @VQS_ARR_ERROR_TLS_CERTIFICATE: the TLS certificate was not trusted
 * @VQS_ARR_ERROR_UNAUTHORIZED: the API key was rejected (401/403)
 * @VQS_ARR_ERROR_NOT_FOUND: 404, most often a wrong URL base
 * @VQS_ARR_ERROR_RATE_LIMITED: 429 from a proxy in front of the server
 * @VQS_ARR_ERROR_SERVER_ERROR: a 5xx answer
 * @VQS_ARR_ERROR_STARTING_UP: 503 while the application boots
 * @VQS_ARR_ERROR_REDIRECTED: a 3xx answer, which is never followed
 * @VQS_ARR_ERROR_WRONG_APPLICATION: e.g. a Radarr answering where a Sonarr was configured
 * @VQS_ARR_ERROR_INVALID_RESPONSE: not JSON, the wrong shape, an HTML page or too large
 * @VQS_ARR_ERROR_BAD_REQUEST: any other 4xx answer
 *
 * Error codes of the *arr client. Each maps to something a user can do:
 * fix the URL, fix the key, wait, or tell the server admin.
 */
typedef enum
{
  VQS_ARR_ERROR_CONNECTION_FAILED,
  VQS_ARR_ERROR_TIMEOUT,
  VQS_ARR_ERROR_TLS_CERTIFICATE,
  VQS_ARR_ERROR_UNAUTHORIZED,
  VQS_ARR_ERROR_NOT_FOUND,
  VQS_ARR_ERROR_RATE_LIMITED,
  VQS_ARR_ERROR_SERVER_ERROR,
  VQS_ARR_ERROR_STARTING_UP,
  VQS_ARR_ERROR_REDIRECTED,
  VQS_ARR_ERROR_WRONG_APPLICATION,
  VQS_ARR_ERROR_INVALID_RESPONSE,
  VQS_ARR_ERROR_BAD_REQUEST,
} VqsArrError;

GQuark      vqs_arr_error_quark    (void);
const char *vqs_arr_error_to_nick  (VqsArrError code);
gboolean    vqs_arr_error_is_retryable (const GError *error);

G_END_DECLS
