/* test-window.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The main window's frame: application wiring, actions and shortcuts,
 * the remembered size, and what it is built from.
 */

#define G_LOG_DOMAIN "test-window"

#include "config.h"

#include <adwaita.h>

#include "vqs-application.h"
#include "vqs-ui-test-utils.h"
#include "vqs-window.h"

static void
test_window_title (void)
{
  VqsApplication *app = ui_get_application ();
  VqsWindow *window;

  window = vqs_window_new (app);
  g_assert_nonnull (window);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Searcharr");
  g_assert_true (gtk_window_get_application (GTK_WINDOW (window)) == GTK_APPLICATION (app));
  g_assert_true (vqs_window_get_manager (window) == vqs_application_get_manager (app));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
assert_accel (const char *action,
              const char *accel)
{
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (
    GTK_APPLICATION (ui_get_application ()), action);

  g_assert_nonnull (accels);
  g_assert_true (g_strv_contains ((const char * const *)accels, accel));
}

static void
test_actions (UiFixture     *f,
              gconstpointer  data)
{
  static const char * const window_actions[] = {
    "add-instance", "edit-instance", "check-drift", "delete-instance", "show-test-details",
    "show-help-overlay",
  };
  GActionGroup *app = G_ACTION_GROUP (ui_get_application ());

  for (guint i = 0; i < G_N_ELEMENTS (window_actions); i++)
    g_assert_true (g_action_group_has_action (G_ACTION_GROUP (f->window), window_actions[i]));
  g_assert_true (g_action_group_has_action (app, "about"));
  g_assert_true (g_action_group_has_action (app, "quit"));

  assert_accel ("win.add-instance", "<Control>n");
  assert_accel ("window.close", "<Control>w");
  assert_accel ("app.quit", "<Control>q");
  assert_accel ("win.show-help-overlay", "<Control>question");

  /* GtkApplication loads the shortcuts window from the resources. */
  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (
    gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (f->window))));
}

static gboolean
menu_has (GMenuModel *menu,
          const char *action)
{
  int n = g_menu_model_get_n_items (menu);

  for (int i = 0; i < n; i++)
    {
      g_autofree char *value = NULL;
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);

      if (section != NULL && menu_has (section, action))
        return TRUE;
      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &value) &&
          g_str_equal (value, action))
        return TRUE;
    }

  return FALSE;
}

static void
test_header_bar (UiFixture     *f,
                 gconstpointer  data)
{
  GtkWidget *add_button = ui_child (f->window, VQS_TYPE_WINDOW, "add_button");
  GtkWidget *menu_button = ui_child (f->window, VQS_TYPE_WINDOW, "menu_button");
  GMenuModel *menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (menu_button));

  /* Icon-only buttons carry a tooltip (and an accessible label). */
  g_assert_cmpstr (gtk_widget_get_tooltip_text (add_button), ==, "Add Instance");
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (add_button)), ==,
                   "win.add-instance");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (menu_button), ==, "Main Menu");
  g_assert_true (gtk_menu_button_get_primary (GTK_MENU_BUTTON (menu_button)));

  g_assert_true (menu_has (menu, "win.show-help-overlay"));
  g_assert_true (menu_has (menu, "app.about"));

  /* Small screens: the layout holds down to 360 pixels. */
  {
    int width, height;

    gtk_widget_get_size_request (GTK_WIDGET (f->window), &width, &height);
    g_assert_cmpint (width, ==, 360);
  }

  /* Dark style follows the system: nothing forces a scheme. */
  g_assert_cmpint (adw_style_manager_get_color_scheme (adw_style_manager_get_default ()), ==,
                   ADW_COLOR_SCHEME_DEFAULT);
}

static void
test_about (UiFixture     *f,
            gconstpointer  data)
{
  GtkWindow *about;

  g_action_group_activate_action (G_ACTION_GROUP (ui_get_application ()), "about", NULL);
  about = ui_wait_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_assert_cmpstr (adw_about_window_get_application_name (ADW_ABOUT_WINDOW (about)), ==,
                   "Searcharr");
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==,
                   PACKAGE_VERSION);
  g_assert_true (gtk_window_get_transient_for (about) == GTK_WINDOW (f->window));
}

typedef struct
{
  GtkWidget *widget;
  int        width;
} WidthWait;

static gboolean
has_width (gpointer data)
{
  WidthWait *wait = data;

  return gtk_widget_get_mapped (wait->widget) && gtk_widget_get_width (wait->widget) > 0;
}

/* The size is stored when the window closes, and the next window opens
 * with it.
 */
static void
test_remembers_size (UiFixture     *f,
                     gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  WidthWait wait = { NULL, 0 };
  VqsWindow *window;
  int width, height;

  g_settings_set_int (settings, "window-width", 640);
  g_settings_set_int (settings, "window-height", 480);
  g_settings_set_boolean (settings, "window-maximized", FALSE);

  window = vqs_window_new_with_manager (ui_get_application (), f->manager);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 640);
  g_assert_cmpint (height, ==, 480);

  gtk_window_present (GTK_WINDOW (window));
  wait.widget = GTK_WIDGET (window);
  ui_wait_for (has_width, &wait, "the window to show");

  gtk_window_set_default_size (GTK_WINDOW (window), 720, 520);
  gtk_window_close (GTK_WINDOW (window));
  ui_spin (50);

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 720);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 520);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);

  g_test_add_func ("/vqs/window/title", test_window_title);
  g_test_add ("/vqs/window/actions", UiFixture, NULL,
              ui_fixture_set_up, test_actions, ui_fixture_tear_down);
  g_test_add ("/vqs/window/header-bar", UiFixture, NULL,
              ui_fixture_set_up, test_header_bar, ui_fixture_tear_down);
  g_test_add ("/vqs/window/about", UiFixture, NULL,
              ui_fixture_set_up, test_about, ui_fixture_tear_down);
  g_test_add ("/vqs/window/remembers-size", UiFixture, NULL,
              ui_fixture_set_up, test_remembers_size, ui_fixture_tear_down);

  return ui_test_run ();
}
