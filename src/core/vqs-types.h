/* vqs-types.h
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _VqsArrClient   VqsArrClient;
typedef struct _VqsRateLimiter VqsRateLimiter;

/**
 * VqsArrKind:
 * @VQS_ARR_KIND_SONARR: a Sonarr instance (series and episodes)
 * @VQS_ARR_KIND_RADARR: a Radarr instance (movies)
 *
 * The product an instance runs. It decides endpoints, command names and
 * the shape of wanted records.
 */
typedef enum
{
  VQS_ARR_KIND_SONARR,
  VQS_ARR_KIND_RADARR,
} VqsArrKind;

const char *vqs_arr_kind_to_string   (VqsArrKind   kind);
gboolean    vqs_arr_kind_from_string (const char  *str,
                                      VqsArrKind  *kind);
const char *vqs_arr_kind_display_name (VqsArrKind  kind);

G_END_DECLS
