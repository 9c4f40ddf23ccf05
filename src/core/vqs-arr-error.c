/* vqs-arr-error.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vqs-arr-error"

#include "config.h"

#include <glib/gi18n.h>

#include "vqs-arr-error.h"

G_DEFINE_QUARK (vqs-arr-error-quark, vqs_arr_error)

static const char * const error_nicks[] = {
  [VQS_ARR_ERROR_CONNECTION_FAILED] = "ConnectionFailed",
  [VQS_ARR_ERROR_TIMEOUT] = "Timeout",
  [VQS_ARR_ERROR_TLS_CERTIFICATE] = "TlsCertificate",
  [VQS_ARR_ERROR_UNAUTHORIZED] = "Unauthorized",
  [VQS_ARR_ERROR_NOT_FOUND] = "NotFound",
  [VQS_ARR_ERROR_RATE_LIMITED] = "RateLimited",
  [VQS_ARR_ERROR_SERVER_ERROR] = "ServerError",
  [VQS_ARR_ERROR_STARTING_UP] = "StartingUp",
  [VQS_ARR_ERROR_REDIRECTED] = "Redirected",
  [VQS_ARR_ERROR_WRONG_APPLICATION] = "WrongApplication",
  [VQS_ARR_ERROR_INVALID_RESPONSE] = "InvalidResponse",
  [VQS_ARR_ERROR_BAD_REQUEST] = "BadRequest",
};

/**
 * vqs_arr_error_to_nick:
 * @code: a #VqsArrError
 *
 * Returns: (transfer none): a stable CamelCase name for @code, used for
 *   D-Bus error names and JSON output
 */
const char *
vqs_arr_error_to_nick (VqsArrError code)
{
  if ((guint)code >= G_N_ELEMENTS (error_nicks))
    return "Failed";

  return error_nicks[code];
}

/**
 * vqs_arr_error_is_retryable:
 * @error: (nullable): an error from the client
 *
 * Transient failures are retried with backoff; configuration errors (a
 * wrong key, a wrong URL, the wrong product) never are, since asking again
 * cannot change the answer.
 *
 * Returns: %TRUE if a later attempt may succeed
 */
gboolean
vqs_arr_error_is_retryable (const GError *error)
{
  if (error == NULL || error->domain != VQS_ARR_ERROR)
    return FALSE;

  switch ((VqsArrError)error->code)
    {
    case VQS_ARR_ERROR_CONNECTION_FAILED:
    case VQS_ARR_ERROR_TIMEOUT:
    case VQS_ARR_ERROR_RATE_LIMITED:
    case VQS_ARR_ERROR_SERVER_ERROR:
    case VQS_ARR_ERROR_STARTING_UP:
      return TRUE;

    case VQS_ARR_ERROR_TLS_CERTIFICATE:
    case VQS_ARR_ERROR_UNAUTHORIZED:
    case VQS_ARR_ERROR_NOT_FOUND:
    case VQS_ARR_ERROR_REDIRECTED:
    case VQS_ARR_ERROR_WRONG_APPLICATION:
    case VQS_ARR_ERROR_INVALID_RESPONSE:
    case VQS_ARR_ERROR_BAD_REQUEST:
    default:
      return FALSE;
    }
}
