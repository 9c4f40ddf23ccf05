/* vqs-enums.h
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "vqs-types.h"

G_BEGIN_DECLS

/* GEnum registrations of the shared enums in vqs-types.h, so that they can
 * be GObject properties. The nicks are the strings stored on disk and sent
 * over D-Bus, and they match vqs_arr_kind_to_string().
 */
#define VQS_TYPE_ARR_KIND (vqs_arr_kind_get_type ())

GType vqs_arr_kind_get_type (void) G_GNUC_CONST;

G_END_DECLS
