/* vqs-application-actions.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vqs-application-actions"

#include "config.h"

#include <glib/gi18n.h>

#include "vqs-application-private.h"

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  static const char *developers[] = { "The Vibe Quality Searcharr authors", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "application-name", _("Searcharr"),
                        "application-icon", APP_ID,
                        "developer-name", _("The Vibe Quality Searcharr authors"),
                        "developers", developers,
                        "version", PACKAGE_VERSION,
                        "website", "https://github.com/vibequality/searcharr",
                        "issue-url", "https://github.com/vibequality/searcharr/issues",
                        "copyright", "© 2026 The Vibe Quality Searcharr authors",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "translator-credits", _("translator-credits"),
                        "transient-for", gtk_application_get_active_window (app),
                        "modal", TRUE,
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static gboolean
manager_is_busy (VqsApplication *self)
{
  VqsInstanceManager *manager = vqs_application_get_manager (self);

  return manager != NULL && vqs_instance_manager_get_busy_count (manager) > 0;
}

static void
on_busy_count_changed_cb (VqsApplication *self,
                          GParamSpec     *pspec,
                          GObject        *manager)
{
  if (manager_is_busy (self))
    return;

  g_signal_handlers_disconnect_by_func (manager, on_busy_count_changed_cb, self);
  g_application_quit (G_APPLICATION (self));
}

/* Windows are closed rather than destroyed, so each one saves its size
 * on the way out as it does when the user closes it. A save or delete
 * still in flight (the key already in the keyring, the row not yet
 * written) is allowed to finish before the process goes.
 */
static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  VqsApplication *self = VQS_APPLICATION (user_data);
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  for (const GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));

  if (!manager_is_busy (self))
    {
      g_application_quit (G_APPLICATION (self));
      return;
    }

  g_signal_connect_object (vqs_application_get_manager (self), "notify::busy-count",
                           G_CALLBACK (on_busy_count_changed_cb), self, G_CONNECT_SWAPPED);
}

static const GActionEntry app_actions[] = {
  { "about", about_activated },
  { "quit", quit_activated },
};

void
_vqs_application_install_actions (VqsApplication *self)
{
  static const struct {
    const char *action;
    const char *accels[2];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "win.add-instance", { "<Control>n", NULL } },
    { "window.close", { "<Control>w", NULL } },
  };

  g_return_if_fail (VQS_IS_APPLICATION (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action,
                                           accels[i].accels);
}
