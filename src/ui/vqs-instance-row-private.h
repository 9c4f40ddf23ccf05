/* vqs-instance-row-private.h
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vqs-instance-row.h"

G_BEGIN_DECLS

/* Exposed for tests: "just now", "2 minutes ago", "3 days ago"… */
char *_vqs_instance_row_format_relative_time (GDateTime *then,
                                              GDateTime *now);

G_END_DECLS
