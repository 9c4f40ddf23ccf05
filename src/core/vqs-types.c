/* vqs-types.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vqs-types"

#include "config.h"

#include "vqs-types.h"

const char *
vqs_arr_kind_to_string (VqsArrKind kind)
{
  return kind == VQS_ARR_KIND_RADARR ? "radarr" : "sonarr";
}

gboolean
vqs_arr_kind_from_string (const char *str,
                          VqsArrKind *kind)
{
  g_return_val_if_fail (kind != NULL, FALSE);

  if (g_strcmp0 (str, "sonarr") == 0)
    *kind = VQS_ARR_KIND_SONARR;
  else if (g_strcmp0 (str, "radarr") == 0)
    *kind = VQS_ARR_KIND_RADARR;
  else
    return FALSE;

  return TRUE;
}

const char *
vqs_arr_kind_display_name (VqsArrKind kind)
{
  return kind == VQS_ARR_KIND_RADARR ? "Radarr" : "Sonarr";
}
