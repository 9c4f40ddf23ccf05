/* vqs-enums.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vqs-enums"

#include "config.h"

#include "vqs-enums.h"

G_DEFINE_ENUM_TYPE (VqsArrKind, vqs_arr_kind,
                    G_DEFINE_ENUM_VALUE (VQS_ARR_KIND_SONARR, "sonarr"),
                    G_DEFINE_ENUM_VALUE (VQS_ARR_KIND_RADARR, "radarr"))
