/* vqs-instance-row.h
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "vqs-instance-manager.h"

G_BEGIN_DECLS

#define VQS_TYPE_INSTANCE_ROW (vqs_instance_row_get_type ())

G_DECLARE_FINAL_TYPE (VqsInstanceRow, vqs_instance_row, VQS, INSTANCE_ROW, GtkListBoxRow)

GtkWidget          *vqs_instance_row_new          (VqsInstanceManager *manager,
                                                   VqsInstance        *instance);
VqsInstance        *vqs_instance_row_get_instance (VqsInstanceRow     *self);
VqsInstanceManager *vqs_instance_row_get_manager  (VqsInstanceRow     *self);
gboolean            vqs_instance_row_get_testing  (VqsInstanceRow     *self);

G_END_DECLS
