/* vqs-arr-client.h
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "vqs-arr-error.h"
#include "vqs-arr-models.h"
#include "vqs-types.h"

G_BEGIN_DECLS

#define VQS_TYPE_ARR_CLIENT (vqs_arr_client_get_type ())

G_DECLARE_FINAL_TYPE (VqsArrClient, vqs_arr_client, VQS, ARR_CLIENT, GObject)

typedef enum
{
  VQS_WANTED_MISSING,
  VQS_WANTED_CUTOFF,
} VqsWantedKind;

/* Search commands. Which ones a kind accepts is checked before anything
 * is sent: an EpisodeSearch to a Radarr is a G_IO_ERROR_INVALID_ARGUMENT.
 */
typedef enum
{
  VQS_COMMAND_EPISODE_SEARCH,           /* Sonarr: ids = episode ids */
  VQS_COMMAND_SEASON_SEARCH,            /* Sonarr: series_id + season_number */
  VQS_COMMAND_SERIES_SEARCH,            /* Sonarr: series_id */
  VQS_COMMAND_MISSING_EPISODE_SEARCH,   /* Sonarr */
  VQS_COMMAND_CUTOFF_UNMET_EPISODE_SEARCH, /* Sonarr */
  VQS_COMMAND_MOVIES_SEARCH,            /* Radarr: ids = movie ids */
  VQS_COMMAND_MISSING_MOVIES_SEARCH,    /* Radarr */
  VQS_COMMAND_CUTOFF_UNMET_MOVIES_SEARCH, /* Radarr */
} VqsCommandKind;

/* Called on the main context of the walk after each page. */
typedef void (*VqsWantedProgressFunc) (gint64   records_so_far,
                                       gint64   total_records,
                                       gpointer user_data);

/* Properties (all also settable after construction):
 *   kind                  VqsArrKind, construct-only
 *   base-url              "http://nas:8989" or "https://host/sonarr"; no trailing slash needed
 *   api-key               write-only, memory only, never logged
 *   verify-tls            default TRUE
 *   timeout-seconds       default 30
 *   rate-limit-per-minute default 60; 0 = unlimited (benchmarks only)
 *   max-retries           default 3
 *   retry-initial-delay-ms default 2000, doubling per attempt
 *   retry-max-delay-ms    default 10000
 *   max-body-bytes        default 64 MiB: bigger answers are INVALID_RESPONSE
 */
VqsArrClient    *vqs_arr_client_new                  (VqsArrKind             kind,
                                                      const char            *base_url,
                                                      const char            *api_key);
VqsArrKind       vqs_arr_client_get_kind             (VqsArrClient          *self);
const char      *vqs_arr_client_get_base_url         (VqsArrClient          *self);
void             vqs_arr_client_set_base_url         (VqsArrClient          *self,
                                                      const char            *base_url);
void             vqs_arr_client_set_api_key          (VqsArrClient          *self,
                                                      const char            *api_key);
gboolean         vqs_arr_client_get_verify_tls       (VqsArrClient          *self);
void             vqs_arr_client_set_verify_tls       (VqsArrClient          *self,
                                                      gboolean               verify_tls);
guint            vqs_arr_client_get_timeout_seconds  (VqsArrClient          *self);
void             vqs_arr_client_set_timeout_seconds  (VqsArrClient          *self,
                                                      guint                  timeout_seconds);
guint            vqs_arr_client_get_rate_limit_per_minute (VqsArrClient     *self);
void             vqs_arr_client_set_rate_limit_per_minute (VqsArrClient     *self,
                                                      guint                  per_minute);
VqsRateLimiter  *vqs_arr_client_get_rate_limiter     (VqsArrClient          *self);
void             vqs_arr_client_share_rate_limiter   (VqsArrClient          *self,
                                                      VqsArrClient          *other);
guint            vqs_arr_client_get_max_retries      (VqsArrClient          *self);
void             vqs_arr_client_set_max_retries      (VqsArrClient          *self,
                                                      guint                  max_retries);
void             vqs_arr_client_set_retry_delays     (VqsArrClient          *self,
                                                      guint                  initial_ms,
                                                      guint                  max_ms);
void             vqs_arr_client_set_max_body_bytes   (VqsArrClient          *self,
                                                      gsize                  max_body_bytes);

void             vqs_arr_client_get_status_async     (VqsArrClient          *self,
                                                      GCancellable          *cancellable,
                                                      GAsyncReadyCallback    callback,
                                                      gpointer               user_data);
VqsSystemStatus *vqs_arr_client_get_status_finish    (VqsArrClient          *self,
                                                      GAsyncResult          *result,
                                                      GError               **error);

/* sort_key/sort_direction may be NULL for the stable defaults
 * (Sonarr episodes.airDateUtc, Radarr movieMetadata.sortTitle; ascending).
 */
void             vqs_arr_client_get_wanted_page_async  (VqsArrClient        *self,
                                                        VqsWantedKind        wanted,
                                                        int                  page,
                                                        int                  page_size,
                                                        const char          *sort_key,
                                                        const char          *sort_direction,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
VqsWantedPage   *vqs_arr_client_get_wanted_page_finish (VqsArrClient        *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

void             vqs_arr_client_get_all_wanted_async   (VqsArrClient          *self,
                                                        VqsWantedKind          wanted,
                                                        int                    page_size,
                                                        VqsWantedProgressFunc  progress,
                                                        gpointer               progress_data,
                                                        GDestroyNotify         progress_destroy,
                                                        GCancellable          *cancellable,
                                                        GAsyncReadyCallback    callback,
                                                        gpointer               user_data);
VqsWantedList   *vqs_arr_client_get_all_wanted_finish  (VqsArrClient          *self,
                                                        GAsyncResult          *result,
                                                        GError               **error);

/* ids/n_ids for EPISODE_SEARCH and MOVIES_SEARCH; series_id for
 * SEASON_SEARCH and SERIES_SEARCH (and optionally the Missing/Cutoff ones,
 * 0 = all); season_number for SEASON_SEARCH.
 */
void             vqs_arr_client_send_command_async   (VqsArrClient          *self,
                                                      VqsCommandKind         command,
                                                      const gint64          *ids,
                                                      gsize                  n_ids,
                                                      gint64                 series_id,
                                                      int                    season_number,
                                                      GCancellable          *cancellable,
                                                      GAsyncReadyCallback    callback,
                                                      gpointer               user_data);
VqsCommand      *vqs_arr_client_send_command_finish  (VqsArrClient          *self,
                                                      GAsyncResult          *result,
                                                      GError               **error);
void             vqs_arr_client_get_command_async    (VqsArrClient          *self,
                                                      gint64                 command_id,
                                                      GCancellable          *cancellable,
                                                      GAsyncReadyCallback    callback,
                                                      gpointer               user_data);
VqsCommand      *vqs_arr_client_get_command_finish   (VqsArrClient          *self,
                                                      GAsyncResult          *result,
                                                      GError               **error);

/* The list calls return a GPtrArray of the boxed type, with the unref
 * function as its element free func.
 */
void             vqs_arr_client_get_quality_profiles_async  (VqsArrClient       *self,
                                                             GCancellable       *cancellable,
                                                             GAsyncReadyCallback callback,
                                                             gpointer            user_data);
GPtrArray       *vqs_arr_client_get_quality_profiles_finish (VqsArrClient       *self,
                                                             GAsyncResult       *result,
                                                             GError            **error);
void             vqs_arr_client_get_root_folders_async      (VqsArrClient       *self,
                                                             GCancellable       *cancellable,
                                                             GAsyncReadyCallback callback,
                                                             gpointer            user_data);
GPtrArray       *vqs_arr_client_get_root_folders_finish     (VqsArrClient       *self,
                                                             GAsyncResult       *result,
                                                             GError            **error);
void             vqs_arr_client_get_tags_async              (VqsArrClient       *self,
                                                             GCancellable       *cancellable,
                                                             GAsyncReadyCallback callback,
                                                             gpointer            user_data);
GPtrArray       *vqs_arr_client_get_tags_finish             (VqsArrClient       *self,
                                                             GAsyncResult       *result,
                                                             GError            **error);
/* /series for Sonarr, /movie for Radarr: VqsLibraryItem elements. */
void             vqs_arr_client_get_library_async           (VqsArrClient       *self,
                                                             GCancellable       *cancellable,
                                                             GAsyncReadyCallback callback,
                                                             gpointer            user_data);
GPtrArray       *vqs_arr_client_get_library_finish          (VqsArrClient       *self,
                                                             GAsyncResult       *result,
                                                             GError            **error);
void             vqs_arr_client_get_queue_page_async        (VqsArrClient       *self,
                                                             int                 page,
                                                             int                 page_size,
                                                             GCancellable       *cancellable,
                                                             GAsyncReadyCallback callback,
                                                             gpointer            user_data);
VqsQueuePage    *vqs_arr_client_get_queue_page_finish       (VqsArrClient       *self,
                                                             GAsyncResult       *result,
                                                             GError            **error);

G_END_DECLS
