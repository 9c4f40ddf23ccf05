/* vqs-application.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vqs-application"

#include "config.h"

#include <glib/gi18n.h>

#include "vqs-application.h"
#include "vqs-window.h"

struct _VqsApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (VqsApplication, vqs_application, ADW_TYPE_APPLICATION)

VqsApplication *
vqs_application_new (const char        *application_id,
                     GApplicationFlags  flags)
{
  g_return_val_if_fail (application_id != NULL, NULL);

  return g_object_new (VQS_TYPE_APPLICATION,
                       "application-id", application_id,
                       "flags", flags,
                       "resource-base-path", APP_PATH,
                       NULL);
}

static void
vqs_application_activate (GApplication *app)
{
  GtkWindow *window;

  g_assert (VQS_IS_APPLICATION (app));

  /* One process serves the window and, later, the bus: activating it
   * again presents the existing window instead of opening a second one.
   */
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    window = GTK_WINDOW (vqs_window_new (VQS_APPLICATION (app)));

  gtk_window_present (window);
}

static void
vqs_application_window_added (GtkApplication *app,
                              GtkWindow      *window)
{
  GTK_APPLICATION_CLASS (vqs_application_parent_class)->window_added (app, window);

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (window), "devel");
#endif
}

static int
vqs_application_handle_local_options (GApplication *app,
                                      GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  return G_APPLICATION_CLASS (vqs_application_parent_class)->handle_local_options (app, options);
}

static const GOptionEntry main_entries[] = {
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the application version"), NULL },
  { NULL }
};

static void
vqs_application_class_init (VqsApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  GtkApplicationClass *gtk_app_class = GTK_APPLICATION_CLASS (klass);

  app_class->activate = vqs_application_activate;
  app_class->handle_local_options = vqs_application_handle_local_options;

  gtk_app_class->window_added = vqs_application_window_added;
}

static void
vqs_application_init (VqsApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), main_entries);
}
