/* vqs-application.h
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "vqs-instance-manager.h"

G_BEGIN_DECLS

#define VQS_TYPE_APPLICATION (vqs_application_get_type ())

G_DECLARE_FINAL_TYPE (VqsApplication, vqs_application, VQS, APPLICATION, AdwApplication)

VqsApplication     *vqs_application_new         (const char        *application_id,
                                                 GApplicationFlags  flags);
VqsInstanceManager *vqs_application_get_manager (VqsApplication    *self);

G_END_DECLS
