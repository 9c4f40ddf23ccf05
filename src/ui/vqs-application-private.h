/* vqs-application-private.h
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vqs-application.h"

G_BEGIN_DECLS

/* vqs-application-actions.c: app.about, app.quit and the accelerators. */
void _vqs_application_install_actions (VqsApplication *self);

G_END_DECLS
