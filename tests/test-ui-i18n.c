/* test-ui-i18n.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The window speaks German and French with the catalogues of this build:
 * templates (GtkBuilder), strings translated in C, contexts (the shortcuts
 * window) and plural forms all come out of po/LL/LC_MESSAGES/ of the build
 * tree.
 *
 * The language is chosen with LANGUAGE, which gettext ignores in the "C"
 * locale but honours in C.UTF-8, a locale glibc always has: the test needs
 * no generated locales. GNU gettext reads LANGUAGE on every lookup, and the
 * environment must not change once threads run, so each language gets its own
 * process: German here, French in a subprocess that main() recognises by
 * its arguments and that sets LANGUAGE before anything else happens.
 */

#define G_LOG_DOMAIN "test-ui-i18n"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "vqs-instance-dialog.h"
#include "vqs-instance-row-private.h"
#include "vqs-ui-test-utils.h"

#define FRENCH_PATH "/vqs/ui/i18n/french"

typedef struct
{
  const char *language;
  const char *add_instance;       /* tooltip, shortcut title, dialog title */
  const char *add_instance_pill;  /* with its mnemonic */
  const char *main_menu;
  const char *no_instances;
  const char *save_button;        /* set from C with _() */
  const char *minutes[3];         /* "%d minute(s) ago" for 0, 1 and 2 */
} Expected;

static const Expected german_expected = {
  "de", "Instanz hinzufügen", "Instanz _hinzufügen", "Hauptmenü", "Keine Instanzen",
  "_Hinzufügen", { "vor 0 Minuten", "vor 1 Minute", "vor 2 Minuten" },
};

/* French uses the singular for 0 as well: Plural-Forms n > 1. */
static const Expected french_expected = {
  "fr", "Ajouter une instance", "_Ajouter une instance", "Menu principal", "Aucune instance",
  "_Ajouter", { "il y a 0 minute", "il y a 1 minute", "il y a 2 minutes" },
};

static const Expected *expected;
static char *locale_name;
static char *catalogue_dir;

static GtkWidget *
find_shortcut (GtkWidget  *root,
               const char *title)
{
  if (GTK_IS_SHORTCUTS_SHORTCUT (root))
    {
      g_autofree char *shown = NULL;

      g_object_get (root, "title", &shown, NULL);
      if (g_strcmp0 (shown, title) == 0)
        return root;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_shortcut (child, title);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
assert_catalogue (void)
{
  g_autofree char *mo = g_build_filename (catalogue_dir, expected->language, "LC_MESSAGES",
                                          GETTEXT_PACKAGE ".mo", NULL);

  /* Without a UTF-8 locale gettext would ignore LANGUAGE altogether. */
  g_assert_cmpstr (locale_name, ==, "C.UTF-8");
  g_assert_cmpstr (g_getenv ("LANGUAGE"), ==, expected->language);
  g_assert_true (g_file_test (mo, G_FILE_TEST_IS_REGULAR));
}

static void
assert_plurals (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  /* The catalogue's plural formula, straight from its header... */
  for (int n = 0; n < 3; n++)
    {
      g_autofree char *text = g_strdup_printf (ngettext ("%d minute ago", "%d minutes ago", n),
                                               n);

      g_assert_cmpstr (text, ==, expected->minutes[n]);
    }

  /* ...and as the instance rows use it. */
  for (int n = 1; n < 3; n++)
    {
      g_autoptr(GDateTime) then = g_date_time_add_minutes (now, -n);
      g_autofree char *text = _vqs_instance_row_format_relative_time (then, now);

      g_assert_cmpstr (text, ==, expected->minutes[n]);
    }
}

static void
assert_window (UiFixture *f)
{
  GtkWidget *window = GTK_WIDGET (f->window);
  GtkWidget *add_button = ui_child (window, VQS_TYPE_WINDOW, "add_button");
  GtkWidget *menu_button = ui_child (window, VQS_TYPE_WINDOW, "menu_button");
  GtkWidget *empty_page = ui_child (window, VQS_TYPE_WINDOW, "empty_page");
  GtkWidget *stack = ui_child (window, VQS_TYPE_WINDOW, "stack");
  GtkShortcutsWindow *overlay;

  /* Template strings. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "empty");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (add_button), ==, expected->add_instance);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (menu_button), ==, expected->main_menu);
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (empty_page)), ==,
                   expected->no_instances);
  g_assert_nonnull (ui_find_label (window, expected->no_instances));
  g_assert_nonnull (ui_find_button (empty_page, expected->add_instance_pill));
  g_assert_null (ui_find_label (window, "No Instances"));
  g_assert_null (ui_find_button (empty_page, "_Add Instance"));

  /* A string with a context, in the shortcuts window GtkApplication adds. */
  overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window));
  g_assert_nonnull (overlay);
  g_assert_nonnull (find_shortcut (GTK_WIDGET (overlay), expected->add_instance));
  g_assert_null (find_shortcut (GTK_WIDGET (overlay), "Add Instance"));
}

static void
assert_dialog (UiFixture *f)
{
  GtkWindow *dialog;
  GtkWidget *save_button;

  /* Strings the dialog sets from C with _(). */
  g_action_group_activate_action (G_ACTION_GROUP (f->window), "add-instance", NULL);
  dialog = ui_wait_toplevel (VQS_TYPE_INSTANCE_DIALOG);
  save_button = ui_child (dialog, VQS_TYPE_INSTANCE_DIALOG, "save_button");

  g_assert_cmpstr (gtk_window_get_title (dialog), ==, expected->add_instance);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (save_button)), ==, expected->save_button);
}

static void
test_language (UiFixture     *f,
               gconstpointer  data)
{
  assert_catalogue ();
  assert_window (f);
  assert_dialog (f);
  assert_plurals ();
}

/* Runs again as a subprocess, which registers this path as the French
 * test proper.
 */
static void
test_french (void)
{
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* g_test_trap_subprocess() starts the program with --GTestSubprocess and
 * the path of the test to run.
 */
static gboolean
is_french_subprocess (int    argc,
                      char **argv)
{
  gboolean subprocess = FALSE;
  gboolean french = FALSE;

  for (int i = 1; i < argc; i++)
    {
      subprocess |= g_str_equal (argv[i], "--GTestSubprocess");
      french |= g_str_equal (argv[i], FRENCH_PATH);
    }

  return subprocess && french;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *po_dir = NULL;
  int status;
  gboolean french = is_french_subprocess (argc, argv);

  /* Before any thread exists: see the comment at the top. */
  expected = french ? &french_expected : &german_expected;
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("LANGUAGE", expected->language, TRUE);

  ui_test_init (&argc, &argv);

  /* gtk_test_init() picks a fixed locale of its own; take the one above. */
  locale_name = g_strdup (setlocale (LC_ALL, ""));
  po_dir = g_test_build_filename (G_TEST_BUILT, "..", "po", NULL);
  catalogue_dir = g_canonicalize_filename (po_dir, NULL);
  bindtextdomain (GETTEXT_PACKAGE, catalogue_dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (french)
    {
      g_test_add (FRENCH_PATH, UiFixture, NULL,
                  ui_fixture_set_up, test_language, ui_fixture_tear_down);
    }
  else
    {
      g_test_add ("/vqs/ui/i18n/german", UiFixture, NULL,
                  ui_fixture_set_up, test_language, ui_fixture_tear_down);
      g_test_add_func (FRENCH_PATH, test_french);
    }

  status = ui_test_run ();

  g_clear_pointer (&locale_name, g_free);
  g_clear_pointer (&catalogue_dir, g_free);

  return status;
}
