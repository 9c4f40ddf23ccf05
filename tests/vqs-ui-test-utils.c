/* vqs-ui-test-utils.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vqs-ui-test"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "vqs-instance-dialog.h"
#include "vqs-ui-test-utils.h"

#define WAIT_LIMIT_US (30 * G_USEC_PER_SEC)

static VqsApplication *application;

/* One application per test program: windows need a registered one, and
 * it exports itself on the session bus when it registers.
 */
void
ui_test_init (int    *argc,
              char ***argv)
{
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GError) error = NULL;

  gtk_test_init (argc, argv, NULL);
  adw_init ();

  /* The rate limiter spaces requests evenly; at the usual 60 a minute a
   * drift check (four requests) takes four seconds. Dialogs take their
   * defaults from here.
   */
  settings = g_settings_new (APP_ID);
  g_settings_set_uint (settings, "default-rate-limit-per-minute", 600);

  application = vqs_application_new (APP_ID ".Test", G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (application), NULL, &error);
  g_assert_no_error (error);
}

VqsApplication *
ui_get_application (void)
{
  return application;
}

int
ui_test_run (void)
{
  int status = g_test_run ();

  ui_wait_idle (vqs_application_get_manager (application));
  g_clear_object (&application);

  return status;
}

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the main loop until @condition holds or @limit_ms pass; the
 * tick wakes the loop up so that the deadline is noticed.
 */
gboolean
ui_wait_for_within (UiCondition  condition,
                    gpointer     data,
                    guint        limit_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)limit_ms * 1000;
  guint tick = g_timeout_add (10, tick_cb, NULL);
  gboolean met;

  while (!(met = condition (data)) && g_get_monotonic_time () <= deadline)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (tick);

  return met;
}

void
ui_wait_for (UiCondition  condition,
             gpointer     data,
             const char  *what)
{
  if (!ui_wait_for_within (condition, data, WAIT_LIMIT_US / 1000))
    g_error ("Timed out waiting for %s", what);
}

static gboolean
manager_idle (gpointer data)
{
  return vqs_instance_manager_get_busy_count (data) == 0;
}

void
ui_wait_idle (VqsInstanceManager *manager)
{
  if (manager != NULL)
    ui_wait_for (manager_idle, manager, "the manager to finish its work");
}

static gboolean
time_passed (gpointer data)
{
  return g_get_monotonic_time () >= *(gint64 *)data;
}

void
ui_spin (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  ui_wait_for (time_passed, &until, "time to pass");
}

/* GTK 4.8 has no public way to send a key press: the widget's own
 * shortcut for @accelerator (a key binding of its class, such as Delete on
 * a row or Escape in a dialog) is looked up among its controllers and
 * activated instead.
 */
void
ui_activate_shortcut (GtkWidget  *widget,
                      const char *accelerator)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  g_autoptr(GtkShortcutTrigger) trigger = gtk_shortcut_trigger_parse_string (accelerator);

  g_assert_nonnull (trigger);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);
      guint n;

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;

      n = g_list_model_get_n_items (G_LIST_MODEL (controller));
      for (guint j = 0; j < n; j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), trigger))
            {
              g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut),
                                                           0, widget, NULL));
              return;
            }
        }
    }

  g_error ("%s has no shortcut for %s", G_OBJECT_TYPE_NAME (widget), accelerator);
}

/* Clicks as a user would: only a visible, sensitive button. */
void
ui_click (GtkWidget *button)
{
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_visible (button));
  g_assert_true (gtk_widget_is_sensitive (button));

  g_signal_emit_by_name (button, "clicked");
}

GtkWidget *
ui_child (gpointer    widget,
          GType       template_type,
          const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (widget), template_type, name);

  g_assert_nonnull (child);

  return GTK_WIDGET (child);
}

gboolean
ui_label_shows (GtkWidget  *label,
                const char *substring)
{
  const char *text;

  if (!GTK_IS_LABEL (label) || !gtk_widget_is_visible (label))
    return FALSE;

  text = gtk_label_get_text (GTK_LABEL (label));

  return text != NULL && strstr (text, substring) != NULL;
}

GtkWidget *
ui_find_label (GtkWidget  *root,
               const char *substring)
{
  if (ui_label_shows (root, substring))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = ui_find_label (child, substring);

      if (found != NULL)
        return found;
    }

  return NULL;
}

GtkWidget *
ui_find_button (GtkWidget  *root,
                const char *label)
{
  if (GTK_IS_BUTTON (root) && gtk_widget_is_visible (root) &&
      g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = ui_find_button (child, label);

      if (found != NULL)
        return found;
    }

  return NULL;
}

GtkWindow *
ui_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n = g_list_model_get_n_items (toplevels);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

static gboolean
toplevel_shown (gpointer data)
{
  return ui_find_toplevel (GPOINTER_TO_SIZE (data)) != NULL;
}

GtkWindow *
ui_wait_toplevel (GType type)
{
  ui_wait_for (toplevel_shown, GSIZE_TO_POINTER (type), g_type_name (type));

  return ui_find_toplevel (type);
}

GtkWidget *
ui_get_row (UiFixture *f,
            guint      position)
{
  GtkWidget *list_box = ui_child (f->window, VQS_TYPE_WINDOW, "list_box");

  return GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list_box), position));
}

void
ui_fixture_set_up (UiFixture     *f,
                   gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("vqs-ui-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "instances.db", NULL);
  f->store = vqs_instance_store_new (path);
  f->secrets = vqs_secret_store_new ();
  f->manager = vqs_instance_manager_new (f->store, f->secrets);
  vqs_instance_manager_set_retry_policy (f->manager, 0, 10, 20);

  f->sonarr = vqs_fake_arr_new (VQS_ARR_KIND_SONARR, VQS_FAKE_ARR_DEFAULT_SONARR_VERSION,
                                UI_GOOD_KEY);
  g_assert_true (vqs_fake_arr_listen (f->sonarr, 0, FALSE, &error));
  g_assert_no_error (error);
  f->sonarr_url = vqs_fake_arr_get_url (f->sonarr);

  f->window = vqs_window_new_with_manager (ui_get_application (), f->manager);
  gtk_window_present (GTK_WINDOW (f->window));
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

void
ui_fixture_tear_down (UiFixture     *f,
                      gconstpointer  data)
{
  GtkWindow *window;

  /* Dialogs first: closing them cancels their work. */
  while ((window = ui_find_toplevel (GTK_TYPE_WINDOW)) != NULL)
    gtk_window_destroy (window);

  ui_wait_idle (f->manager);
  ui_spin (20);

  g_clear_object (&f->manager);
  g_clear_object (&f->store);
  g_clear_object (&f->secrets);
  g_clear_object (&f->sonarr);
  g_clear_pointer (&f->sonarr_url, g_free);
  remove_tree (f->dir);
  g_clear_pointer (&f->dir, g_free);
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static gboolean
result_arrived (gpointer data)
{
  return *(GAsyncResult **)data != NULL;
}

static void
baseline_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  int *state = user_data;
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;

  json = vqs_instance_store_load_baseline_finish (VQS_INSTANCE_STORE (object), result, NULL,
                                                  &error);
  g_assert_no_error (error);
  *state = json != NULL ? 2 : 1;
}

static gboolean
state_known (gpointer data)
{
  return *(int *)data != 0;
}

/* After the first successful test the manager takes the drift baseline
 * in the background, partly outside its busy count (it first asks the
 * store whether one exists). Tests that look at drift, or that tear down,
 * wait for the baseline to be there.
 */
void
ui_wait_baseline (UiFixture   *f,
                  VqsInstance *instance)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  for (;;)
    {
      int state = 0;

      ui_wait_idle (f->manager);
      vqs_instance_store_load_baseline_async (f->store, vqs_instance_get_id (instance), NULL,
                                              baseline_loaded_cb, &state);
      ui_wait_for (state_known, &state, "the baseline lookup");
      if (state == 2)
        break;

      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      ui_spin (20);
    }

  ui_wait_idle (f->manager);
}

/* Straight through the manager, for tests about something else. */
VqsInstance *
ui_create_instance (UiFixture  *f,
                    const char *name,
                    const char *kind,
                    const char *url,
                    const char *key,
                    gboolean    verify_tls)
{
  VqsInstanceChanges changes = VQS_INSTANCE_CHANGES_INIT;

  changes.name = name;
  changes.kind = kind;
  changes.url = url;
  changes.api_key = key;
  changes.verify_tls = verify_tls;
  changes.timeout_seconds = 5;
  changes.rate_limit_per_minute = 600;

  return ui_create_instance_with (f, &changes);
}

/* The same with every setting chosen by the caller (a short timeout). */
VqsInstance *
ui_create_instance_with (UiFixture                *f,
                         const VqsInstanceChanges *changes)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  VqsInstance *instance;

  vqs_instance_manager_create_async (f->manager, changes, NULL, store_result_cb, &result);
  ui_wait_for (result_arrived, &result, "an instance to be created");
  instance = vqs_instance_manager_create_finish (f->manager, result, &error);
  g_assert_no_error (error);
  ui_wait_idle (f->manager);
  if (vqs_instance_get_is_healthy (instance))
    ui_wait_baseline (f, instance);

  /* (transfer none): the manager keeps it. */
  g_object_unref (instance);

  return instance;
}

static gboolean
window_gone (gpointer data)
{
  return ui_find_toplevel (VQS_TYPE_INSTANCE_DIALOG) == NULL;
}

VqsInstance *
ui_add_through_dialog (UiFixture  *f,
                       const char *name,
                       const char *url,
                       const char *key)
{
  VqsInstance *instance;
  GtkWindow *dialog;

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.add-instance", NULL);
  dialog = ui_wait_toplevel (VQS_TYPE_INSTANCE_DIALOG);
  g_assert_true (gtk_window_get_transient_for (dialog) == GTK_WINDOW (f->window));
  g_assert_true (gtk_window_get_modal (dialog));

  gtk_editable_set_text (GTK_EDITABLE (ui_child (dialog, VQS_TYPE_INSTANCE_DIALOG, "name_row")),
                         name);
  gtk_editable_set_text (GTK_EDITABLE (ui_child (dialog, VQS_TYPE_INSTANCE_DIALOG, "url_row")),
                         url);
  gtk_editable_set_text (GTK_EDITABLE (ui_child (dialog, VQS_TYPE_INSTANCE_DIALOG,
                                                 "api_key_row")),
                         key);
  ui_click (ui_child (dialog, VQS_TYPE_INSTANCE_DIALOG, "save_button"));

  ui_wait_for (window_gone, NULL, "the dialog to close after saving");
  ui_wait_idle (f->manager);

  instance = vqs_instance_manager_find_by_name (f->manager, name);
  if (instance != NULL && vqs_instance_get_is_healthy (instance))
    ui_wait_baseline (f, instance);

  return instance;
}

void
ui_save_screenshot (GtkWidget  *widget,
                    const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = g_test_build_filename (G_TEST_BUILT, "screenshots", NULL);
  g_autofree char *file = g_strconcat (name, ".png", NULL);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);

  /* Rendered by GTK itself with the window's own renderer, so what is
   * saved is what the window shows.
   */
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Saved %s (%dx%d)", path, width, height);
}
