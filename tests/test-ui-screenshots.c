/* test-ui-screenshots.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Renders the main states with GTK's own renderer into
 * $G_TEST_BUILDDIR/screenshots: empty, main (the list), instance (the add
 * dialog showing a validation error) and drift, each wide and narrow, light
 * and dark. tests/update-screenshots.sh copies them to data/screenshots.
 */

#define G_LOG_DOMAIN "test-ui-screenshots"

#include "config.h"

#include <string.h>

#include "vqs-drift-dialog.h"
#include "vqs-instance-dialog.h"
#include "vqs-instance-row.h"
#include "vqs-ui-test-utils.h"

#define WIDE_WIDTH    1000
#define WIDE_HEIGHT   700
#define NARROW_WIDTH  360
#define DIALOG_WIDTH  600

typedef struct
{
  GtkWidget *widget;
  int        width;
  int        height;
} SizeWait;

static gboolean
has_size (gpointer data)
{
  SizeWait *wait = data;

  return gtk_widget_get_mapped (wait->widget) &&
         gtk_widget_get_width (wait->widget) == wait->width &&
         gtk_widget_get_height (wait->widget) == wait->height;
}

static gboolean
has_some_size (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 0;
}

static void
set_dark (gboolean dark)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                           : ADW_COLOR_SCHEME_DEFAULT);
}

/* Shows @window at the size, lets transitions settle, and saves it. */
static void
shoot (GtkWindow  *window,
       int         width,
       int         height,
       gboolean    dark,
       const char *name)
{
  SizeWait wait = { GTK_WIDGET (window), width, height };
  int extra_width, extra_height;

  set_dark (dark);
  gtk_window_set_default_size (window, width, height);
  gtk_window_present (window);
  ui_wait_for (has_some_size, window, "the window to appear");

  /* The default size counts the client-side decorations around the
   * content; make the content itself the size asked for.
   */
  extra_width = width - gtk_widget_get_width (GTK_WIDGET (window));
  extra_height = height - gtk_widget_get_height (GTK_WIDGET (window));
  gtk_window_set_default_size (window, width + extra_width, height + extra_height);
  ui_wait_for (has_size, &wait, "the window to take its size");

  g_assert_cmpint (adw_style_manager_get_dark (adw_style_manager_get_default ()), ==, dark);

  /* Stack crossfades and the first frames of a new style. */
  ui_spin (400);
  ui_save_screenshot (GTK_WIDGET (window), name);
  set_dark (FALSE);
}

typedef GtkWindow *(*WindowFactory) (UiFixture *f);

static void
shoot_variants (UiFixture     *f,
                WindowFactory  factory,
                int            width,
                int            height,
                const char    *name)
{
  static const struct {
    gboolean    narrow;
    gboolean    dark;
    const char *suffix;
  } variants[] = {
    { FALSE, FALSE, "" },
    { FALSE, TRUE, "-dark" },
    { TRUE, FALSE, "-narrow" },
    { TRUE, TRUE, "-narrow-dark" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      g_autofree char *file = g_strconcat (name, variants[i].suffix, NULL);
      GtkWindow *window = factory (f);

      shoot (window, variants[i].narrow ? NARROW_WIDTH : width, height, variants[i].dark, file);
      gtk_window_destroy (window);
      ui_spin (50);
    }
}

static GtkWindow *
new_main_window (UiFixture *f)
{
  return GTK_WINDOW (vqs_window_new_with_manager (ui_get_application (), f->manager));
}

static void
close_fixture_window (UiFixture *f)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  f->window = NULL;
}

static void
test_empty (UiFixture     *f,
            gconstpointer  data)
{
  close_fixture_window (f);
  shoot_variants (f, new_main_window, WIDE_WIDTH, WIDE_HEIGHT, "empty");
}

static VqsFakeArr *
start_fake (VqsArrKind  kind,
            gboolean    tls)
{
  g_autoptr(GError) error = NULL;
  VqsFakeArr *fake;

  fake = vqs_fake_arr_new (kind, kind == VQS_ARR_KIND_RADARR
                                 ? VQS_FAKE_ARR_DEFAULT_RADARR_VERSION
                                 : VQS_FAKE_ARR_DEFAULT_SONARR_VERSION,
                           UI_GOOD_KEY);
  g_assert_true (vqs_fake_arr_listen (fake, 0, tls, &error));
  g_assert_no_error (error);

  return fake;
}

/* The real outcome of each test stays; only the addresses are staged to
 * read like a home network instead of 127.0.0.1 with random ports.
 */
static void
stage (VqsInstance *instance,
       const char  *url,
       GTimeSpan    tested_ago)
{
  const char *error = vqs_instance_get_last_error (instance);
  g_autoptr(GUri) real = g_uri_parse (vqs_instance_get_url (instance), G_URI_FLAGS_NONE, NULL);
  g_autoptr(GUri) staged = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) when = g_date_time_add (now, -tested_ago);

  if (error != NULL)
    {
      g_autofree char *real_host = g_strdup_printf ("%s:%d", g_uri_get_host (real),
                                                    g_uri_get_port (real));
      g_autofree char *staged_host = g_strdup_printf ("%s:%d", g_uri_get_host (staged),
                                                      g_uri_get_port (staged));
      g_auto(GStrv) parts = g_strsplit (error, real_host, -1);
      g_autofree char *rewritten = g_strjoinv (staged_host, parts);

      vqs_instance_set_last_error (instance, rewritten);
    }

  vqs_instance_set_url (instance, url);
  vqs_instance_set_last_connection_test (instance, when);
}

typedef struct
{
  VqsFakeArr *radarr;
  VqsFakeArr *seedbox;
} Extra;

static void
populate (UiFixture *f,
          Extra     *extra)
{
  g_autofree char *radarr_url = NULL;
  g_autofree char *seedbox_url = NULL;
  VqsInstance *seedbox;
  VqsInstance *movies;
  VqsInstance *living_room;

  extra->radarr = start_fake (VQS_ARR_KIND_RADARR, FALSE);
  extra->seedbox = start_fake (VQS_ARR_KIND_RADARR, TRUE);
  radarr_url = vqs_fake_arr_get_url (extra->radarr);
  seedbox_url = vqs_fake_arr_get_url (extra->seedbox);

  seedbox = ui_create_instance (f, "Seedbox", "radarr", seedbox_url, UI_GOOD_KEY, FALSE);
  movies = ui_create_instance (f, "Movies", "radarr", radarr_url, UI_WRONG_KEY, TRUE);
  living_room = ui_create_instance (f, "Living Room", "sonarr", f->sonarr_url, UI_GOOD_KEY,
                                    TRUE);

  /* A healthy one, one with a rejected key, one with a warning. */
  g_assert_true (vqs_instance_get_is_healthy (living_room));
  g_assert_false (vqs_instance_get_is_healthy (movies));
  g_assert_nonnull (strstr (vqs_instance_get_last_error (movies), "401"));
  g_assert_true (vqs_instance_get_is_healthy (seedbox));
  g_assert_nonnull (vqs_instance_get_security_warning (seedbox));

  stage (living_room, "http://nas.local:8989", 2 * G_TIME_SPAN_MINUTE);
  stage (movies, "http://nas.local:7878", 14 * G_TIME_SPAN_MINUTE);
  stage (seedbox, "https://seedbox.example.net", 3 * G_TIME_SPAN_HOUR);
}

static void
extra_clear (Extra *extra)
{
  g_clear_object (&extra->radarr);
  g_clear_object (&extra->seedbox);
}

static void
test_main (UiFixture     *f,
           gconstpointer  data)
{
  Extra extra = { NULL };

  close_fixture_window (f);
  populate (f, &extra);
  shoot_variants (f, new_main_window, WIDE_WIDTH, WIDE_HEIGHT, "main");
  extra_clear (&extra);
}

static GtkWindow *
new_add_dialog (UiFixture *f)
{
  VqsInstanceDialog *dialog = vqs_instance_dialog_new (f->manager, NULL);
  GtkWidget *url_row = ui_child (dialog, VQS_TYPE_INSTANCE_DIALOG, "url_row");

  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (f->window));
  gtk_editable_set_text (GTK_EDITABLE (ui_child (dialog, VQS_TYPE_INSTANCE_DIALOG, "name_row")),
                         "Bedroom");
  gtk_editable_set_text (GTK_EDITABLE (url_row), "nas.local:8989");
  gtk_editable_set_text (GTK_EDITABLE (ui_child (dialog, VQS_TYPE_INSTANCE_DIALOG,
                                                 "api_key_row")),
                         UI_GOOD_KEY);

  /* What the screenshot is about: the message at the field. */
  g_assert_true (gtk_widget_has_css_class (url_row, "error"));
  g_assert_true (gtk_widget_get_visible (ui_child (dialog, VQS_TYPE_INSTANCE_DIALOG,
                                                   "url_error_label")));

  return GTK_WINDOW (dialog);
}

static void
test_instance (UiFixture     *f,
               gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  guint rate = g_settings_get_uint (settings, "default-rate-limit-per-minute");

  /* The dialog as users see it, with the shipped defaults. */
  g_settings_reset (settings, "default-rate-limit-per-minute");
  shoot_variants (f, new_add_dialog, DIALOG_WIDTH, WIDE_HEIGHT, "instance");
  g_settings_set_uint (settings, "default-rate-limit-per-minute", rate);
}

static gboolean
drift_idle (gpointer data)
{
  return !vqs_drift_dialog_get_busy (data);
}

static GtkWindow *
new_drift_dialog (UiFixture *f)
{
  VqsInstance *instance = vqs_instance_manager_find_by_name (f->manager, "Living Room");
  VqsDriftDialog *dialog = vqs_drift_dialog_new (f->manager, instance);
  GtkWidget *stack = ui_child (dialog, VQS_TYPE_DRIFT_DIALOG, "stack");

  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (f->window));
  ui_wait_for (drift_idle, dialog, "the drift check");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "changes");

  return GTK_WINDOW (dialog);
}

static void
test_drift (UiFixture     *f,
            gconstpointer  data)
{
  ui_create_instance (f, "Living Room", "sonarr", f->sonarr_url, UI_GOOD_KEY, TRUE);

  vqs_fake_arr_set_version (f->sonarr, "4.0.20.3001");
  vqs_fake_arr_set_profile_cutoff (f->sonarr, 4, "Bluray-1080p");
  vqs_fake_arr_set_profile_upgrade_allowed (f->sonarr, 4, FALSE);
  vqs_fake_arr_add_root_folder (f->sonarr, "/tv-kids/");
  vqs_fake_arr_add_tag (f->sonarr, "kids");
  vqs_fake_arr_remove_tag (f->sonarr, "4k");

  shoot_variants (f, new_drift_dialog, DIALOG_WIDTH, WIDE_HEIGHT, "drift");
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/vqs/ui/screenshots/" path, UiFixture, NULL, ui_fixture_set_up, func, \
              ui_fixture_tear_down)

  ADD ("empty", test_empty);
  ADD ("main", test_main);
  ADD ("instance", test_instance);
  ADD ("drift", test_drift);

#undef ADD

  return ui_test_run ();
}
