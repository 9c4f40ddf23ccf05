/* vqs-instance-private.h
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vqs-instance.h"

G_BEGIN_DECLS

/* Identity and bookkeeping fields: only the instance store assigns them,
 * when it inserts, updates or loads a row.
 */
void _vqs_instance_set_id         (VqsInstance *self,
                                   gint64       id);
void _vqs_instance_set_uuid       (VqsInstance *self,
                                   const char  *uuid);
void _vqs_instance_set_created_at (VqsInstance *self,
                                   GDateTime   *created_at);
void _vqs_instance_set_updated_at (VqsInstance *self,
                                   GDateTime   *updated_at);

G_END_DECLS
