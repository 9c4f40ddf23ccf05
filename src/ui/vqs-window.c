/* vqs-window.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vqs-window"

#include "config.h"

#include <glib/gi18n.h>

#include "vqs-window.h"

struct _VqsWindow
{
  AdwApplicationWindow  parent_instance;

  AdwHeaderBar         *header_bar;
  AdwToastOverlay      *toast_overlay;
};

G_DEFINE_FINAL_TYPE (VqsWindow, vqs_window, ADW_TYPE_APPLICATION_WINDOW)

VqsWindow *
vqs_window_new (VqsApplication *application)
{
  g_return_val_if_fail (VQS_IS_APPLICATION (application), NULL);

  return g_object_new (VQS_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

static void
vqs_window_class_init (VqsWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/ui/vqs-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VqsWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, VqsWindow, toast_overlay);
}

static void
vqs_window_init (VqsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
