/* vqs-drift-dialog.h
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "vqs-instance-manager.h"

G_BEGIN_DECLS

#define VQS_TYPE_DRIFT_DIALOG (vqs_drift_dialog_get_type ())

G_DECLARE_FINAL_TYPE (VqsDriftDialog, vqs_drift_dialog, VQS, DRIFT_DIALOG, AdwWindow)

VqsDriftDialog     *vqs_drift_dialog_new          (VqsInstanceManager *manager,
                                                   VqsInstance        *instance);
VqsInstanceManager *vqs_drift_dialog_get_manager  (VqsDriftDialog     *self);
VqsInstance        *vqs_drift_dialog_get_instance (VqsDriftDialog     *self);
gboolean            vqs_drift_dialog_get_busy     (VqsDriftDialog     *self);

G_END_DECLS
