/* vqs-arr-parse-private.h
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "vqs-arr-client.h"
#include "vqs-arr-models.h"

G_BEGIN_DECLS

/* Pure JSON → model parsers of the *arr client. They touch no global
 * state, so the client runs them in worker threads and the fuzz targets
 * feed them arbitrary bytes. @data needs no NUL terminator. Anything that
 * is not JSON of the expected shape is a VQS_ARR_ERROR_INVALID_RESPONSE;
 * members of the wrong type are treated as absent, as the servers omit
 * null members anyway.
 */

VqsSystemStatus *_vqs_arr_parse_system_status    (const char     *data,
                                                  gsize           len,
                                                  GError        **error);
VqsWantedPage   *_vqs_arr_parse_wanted_page      (VqsArrKind      kind,
                                                  const char     *data,
                                                  gsize           len,
                                                  GError        **error);
VqsCommand      *_vqs_arr_parse_command          (const char     *data,
                                                  gsize           len,
                                                  GError        **error);
/* (element-type VqsQualityProfile) */
GPtrArray       *_vqs_arr_parse_quality_profiles (const char     *data,
                                                  gsize           len,
                                                  GError        **error);
/* (element-type VqsRootFolder) */
GPtrArray       *_vqs_arr_parse_root_folders     (const char     *data,
                                                  gsize           len,
                                                  GError        **error);
/* (element-type VqsTag) */
GPtrArray       *_vqs_arr_parse_tags             (const char     *data,
                                                  gsize           len,
                                                  GError        **error);
/* /series or /movie: (element-type VqsLibraryItem) */
GPtrArray       *_vqs_arr_parse_library          (const char     *data,
                                                  gsize           len,
                                                  GError        **error);
VqsQueuePage    *_vqs_arr_parse_queue_page       (const char     *data,
                                                  gsize           len,
                                                  GError        **error);

/* The Radarr < 5.6 fallback: filters a /movie array the way the wanted
 * endpoints would (missing: monitored, no file, available; cutoff: a file
 * below the cutoff) and sorts it by @sort_key (NULL: sort title) and
 * @sort_direction (NULL: ascending), ties broken by id.
 * Returns: (element-type VqsWantedItem): every matching movie
 */
GArray          *_vqs_arr_parse_movie_wanted     (const char     *data,
                                                  gsize           len,
                                                  VqsWantedKind   wanted,
                                                  const char     *sort_key,
                                                  const char     *sort_direction,
                                                  GError        **error);

/* A human message from an error body (message, errorMessage, error,
 * problem-details title/errors, FluentValidation arrays), or NULL. The
 * result is valid UTF-8 and at most a few hundred characters long.
 */
char            *_vqs_arr_parse_error_message    (const char     *data,
                                                  gsize           len);

/* "yyyy-MM-ddTHH:mm:ssZ" (or any ISO 8601, UTC when no zone is given) to
 * Unix seconds; FALSE if @str is not a date.
 */
gboolean         _vqs_arr_parse_timestamp        (const char     *str,
                                                  gint64         *unix_seconds);

/* Compares dotted version strings numerically ("5.10" > "5.6");
 * missing or non-numeric parts count as 0.
 */
int              _vqs_arr_compare_versions       (const char     *a,
                                                  const char     *b);

/* For the tests: the thread on which the client ran its last parse, or
 * NULL. Only to compare with g_thread_self () of a live thread.
 */
GThread         *_vqs_arr_client_get_last_parse_thread_for_testing (void);

G_END_DECLS
