/* vqs-window.h
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "vqs-application.h"
#include "vqs-instance-manager.h"

G_BEGIN_DECLS

#define VQS_TYPE_WINDOW (vqs_window_get_type ())

G_DECLARE_FINAL_TYPE (VqsWindow, vqs_window, VQS, WINDOW, AdwApplicationWindow)

VqsWindow          *vqs_window_new              (VqsApplication     *application);
VqsWindow          *vqs_window_new_with_manager (VqsApplication     *application,
                                                 VqsInstanceManager *manager);
VqsInstanceManager *vqs_window_get_manager      (VqsWindow          *self);
void                vqs_window_add_toast        (VqsWindow          *self,
                                                 AdwToast           *toast);

G_END_DECLS
