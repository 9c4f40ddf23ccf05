/* vqs-instance-dialog.h
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "vqs-instance-manager.h"

G_BEGIN_DECLS

#define VQS_TYPE_INSTANCE_DIALOG (vqs_instance_dialog_get_type ())

G_DECLARE_FINAL_TYPE (VqsInstanceDialog, vqs_instance_dialog, VQS, INSTANCE_DIALOG, AdwWindow)

VqsInstanceDialog  *vqs_instance_dialog_new          (VqsInstanceManager *manager,
                                                      VqsInstance        *instance);
VqsInstanceManager *vqs_instance_dialog_get_manager  (VqsInstanceDialog  *self);
VqsInstance        *vqs_instance_dialog_get_instance (VqsInstanceDialog  *self);
gboolean            vqs_instance_dialog_get_busy     (VqsInstanceDialog  *self);

G_END_DECLS
