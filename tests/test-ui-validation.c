/* test-ui-validation.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The add/edit dialog checks as the user types, with the manager's own
 * rules, and shows each message at its field.
 */

#define G_LOG_DOMAIN "test-ui-validation"

#include "config.h"

#include <string.h>

#include "vqs-instance-dialog.h"
#include "vqs-instance-validate.h"
#include "vqs-ui-test-utils.h"

static GtkWidget *
child (GtkWindow  *dialog,
       const char *name)
{
  return ui_child (dialog, VQS_TYPE_INSTANCE_DIALOG, name);
}

static void
type (GtkWindow  *dialog,
      const char *row,
      const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (child (dialog, row)), text);
}

static GtkWindow *
open_add_dialog (UiFixture *f)
{
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.add-instance", NULL);

  return ui_wait_toplevel (VQS_TYPE_INSTANCE_DIALOG);
}

static gboolean
save_sensitive (GtkWindow *dialog)
{
  return gtk_widget_get_sensitive (child (dialog, "save_button"));
}

/* The message the core gives for a value is the one the field shows. */
static void
assert_field_error (GtkWindow    *dialog,
                    const char   *field,
                    const GError *expected)
{
  g_autofree char *row_name = g_strdup_printf ("%s_row", field);
  g_autofree char *label_name = g_strdup_printf ("%s_error_label", field);
  GtkWidget *label = child (dialog, label_name);

  g_assert_nonnull (expected);
  g_assert_true (gtk_widget_get_visible (label));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, expected->message);
  g_assert_true (gtk_widget_has_css_class (child (dialog, row_name), "error"));
  g_assert_false (save_sensitive (dialog));
}

static void
assert_field_fine (GtkWindow  *dialog,
                   const char *field)
{
  g_autofree char *row_name = g_strdup_printf ("%s_row", field);
  g_autofree char *label_name = g_strdup_printf ("%s_error_label", field);

  g_assert_false (gtk_widget_get_visible (child (dialog, label_name)));
  g_assert_false (gtk_widget_has_css_class (child (dialog, row_name), "error"));
}

static void
test_untouched (UiFixture     *f,
                gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  static const char * const fields[] = {
    "name", "url", "api_key", "timeout", "rate_limit",
  };
  GtkWindow *dialog;

  g_settings_set_uint (settings, "default-timeout-seconds", 45);
  dialog = open_add_dialog (f);
  g_settings_reset (settings, "default-timeout-seconds");

  /* Empty required fields are not errors before the user gets there. */
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    assert_field_fine (dialog, fields[i]);
  g_assert_false (save_sensitive (dialog));
  g_assert_cmpstr (gtk_window_get_title (dialog), ==, "Add Instance");

  /* Defaults come from the settings. */
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (child (dialog,
                                                                            "timeout_spin"))),
                   ==, 45);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (child (dialog,
                                                                            "rate_limit_spin"))),
                   ==, 600);

  /* A touched field speaks up; the untouched ones stay quiet. */
  type (dialog, "name_row", "ab");
  g_assert_true (gtk_widget_get_visible (child (dialog, "name_error_label")));
  assert_field_fine (dialog, "url");
  assert_field_fine (dialog, "api_key");
}

static void
test_name (UiFixture     *f,
           gconstpointer  data)
{
  GtkWindow *dialog = open_add_dialog (f);
  g_autoptr(GError) too_short = NULL;
  g_autoptr(GError) empty = NULL;
  g_autoptr(GError) duplicate = NULL;

  ui_create_instance (f, "Existing", "sonarr", f->sonarr_url, UI_GOOD_KEY, TRUE);

  type (dialog, "name_row", "ab");
  g_assert_false (vqs_instance_validate_name ("ab", NULL, &too_short));
  assert_field_error (dialog, "name", too_short);
  g_assert_nonnull (strstr (too_short->message, "at least 3"));

  /* Emptied after typing is an error now. */
  type (dialog, "name_row", "");
  g_assert_false (vqs_instance_validate_name ("", NULL, &empty));
  assert_field_error (dialog, "name", empty);

  type (dialog, "name_row", "existing");
  g_assert_false (vqs_instance_validate_name_unique ("existing", G_LIST_MODEL (f->manager), 0,
                                                     &duplicate));
  assert_field_error (dialog, "name", duplicate);
  g_assert_nonnull (strstr (duplicate->message, "already exists"));

  type (dialog, "name_row", "Brand New");
  assert_field_fine (dialog, "name");
}

static void
test_url (UiFixture     *f,
          gconstpointer  data)
{
  static const char * const bad[] = {
    "ftp://nas:8989", "nas.local:8989", "http://user:secret@nas:8989", "http://nas:99999",
    "http://nas:8989/?apikey=1",
  };
  GtkWindow *dialog = open_add_dialog (f);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) expected = NULL;
      g_autofree char *normalized = vqs_instance_normalize_url (bad[i], &expected);

      g_assert_null (normalized);
      type (dialog, "url_row", bad[i]);
      assert_field_error (dialog, "url", expected);
      /* The message never repeats what was typed (it may hold a password). */
      g_assert_null (strstr (gtk_label_get_text (GTK_LABEL (child (dialog, "url_error_label"))),
                             "secret"));
    }

  type (dialog, "url_row", f->sonarr_url);
  assert_field_fine (dialog, "url");
}

static void
test_api_key (UiFixture     *f,
              gconstpointer  data)
{
  static const char * const bad[] = {
    "short", "0123456789-abcdef-0123456789", "",
  };
  GtkWindow *dialog = open_add_dialog (f);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) expected = NULL;

      g_assert_false (vqs_instance_validate_api_key (bad[i], TRUE, &expected));
      type (dialog, "api_key_row", bad[i]);
      assert_field_error (dialog, "api_key", expected);
    }

  type (dialog, "api_key_row", UI_GOOD_KEY);
  assert_field_fine (dialog, "api_key");
}

static void
test_limits_match_core (UiFixture     *f,
                        gconstpointer  data)
{
  GtkWindow *dialog = open_add_dialog (f);
  GtkAdjustment *timeout;
  GtkAdjustment *rate;

  /* The spin buttons cannot leave the range the core accepts. */
  timeout = gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (child (dialog, "timeout_spin")));
  rate = gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (child (dialog, "rate_limit_spin")));
  g_assert_cmpfloat (gtk_adjustment_get_lower (timeout), ==, VQS_INSTANCE_MIN_TIMEOUT_SECONDS);
  g_assert_cmpfloat (gtk_adjustment_get_upper (timeout), ==, VQS_INSTANCE_MAX_TIMEOUT_SECONDS);
  g_assert_cmpfloat (gtk_adjustment_get_lower (rate), ==, VQS_INSTANCE_MIN_RATE_LIMIT_PER_MINUTE);
  g_assert_cmpfloat (gtk_adjustment_get_upper (rate), ==, VQS_INSTANCE_MAX_RATE_LIMIT_PER_MINUTE);

  /* All fields valid: Save becomes available, and goes away again as
   * soon as one field breaks.
   */
  type (dialog, "name_row", "Complete");
  type (dialog, "url_row", f->sonarr_url);
  type (dialog, "api_key_row", UI_GOOD_KEY);
  g_assert_true (save_sensitive (dialog));

  type (dialog, "url_row", "nas");
  g_assert_false (save_sensitive (dialog));
  type (dialog, "url_row", f->sonarr_url);
  g_assert_true (save_sensitive (dialog));
}

static void
test_security_warning (UiFixture     *f,
                       gconstpointer  data)
{
  GtkWindow *dialog = open_add_dialog (f);
  GtkWidget *box = child (dialog, "security_warning_box");
  GtkWidget *label = child (dialog, "security_warning_label");
  GtkSwitch *tls = GTK_SWITCH (child (dialog, "tls_switch"));
  g_autofree char *expected = NULL;

  type (dialog, "url_row", "https://nas.local:8989");
  g_assert_false (gtk_widget_get_visible (box));

  gtk_switch_set_active (tls, FALSE);
  expected = vqs_instance_compute_security_warning ("https://nas.local:8989", FALSE);
  g_assert_nonnull (expected);
  g_assert_true (gtk_widget_get_visible (box));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, expected);

  gtk_switch_set_active (tls, TRUE);
  g_assert_false (gtk_widget_get_visible (box));

  /* Plain http to the internet is a risk whatever the switch says. */
  type (dialog, "url_row", "http://sonarr.example.com");
  g_assert_true (gtk_widget_get_visible (box));
}

static gboolean
dialog_idle (gpointer data)
{
  return !vqs_instance_dialog_get_busy (data);
}

static void
test_connection_button (UiFixture     *f,
                        gconstpointer  data)
{
  GtkWindow *dialog = open_add_dialog (f);
  GtkWidget *result = child (dialog, "test_result_label");
  g_autofree char *expected = NULL;

  type (dialog, "url_row", f->sonarr_url);
  type (dialog, "api_key_row", UI_GOOD_KEY);

  ui_click (child (dialog, "test_button"));
  g_assert_true (vqs_instance_dialog_get_busy (VQS_INSTANCE_DIALOG (dialog)));
  ui_wait_for (dialog_idle, dialog, "the connection test");
  expected = g_strdup_printf ("Connected to Sonarr %s in", VQS_FAKE_ARR_DEFAULT_SONARR_VERSION);
  g_assert_true (ui_label_shows (result, expected));
  g_assert_true (gtk_widget_has_css_class (result, "success"));

  type (dialog, "api_key_row", UI_WRONG_KEY);
  ui_click (child (dialog, "test_button"));
  ui_wait_for (dialog_idle, dialog, "the connection test");
  g_assert_true (ui_label_shows (result, "API key rejected (401)"));
  g_assert_true (gtk_widget_has_css_class (result, "error"));
  g_assert_false (gtk_widget_has_css_class (result, "success"));

  /* Testing saves nothing. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->manager)), ==, 0);
}

/* A name taken while the dialog was open: the save fails, and the
 * message lands at the name with everything typed still there.
 */
static void
test_duplicate_on_save (UiFixture     *f,
                        gconstpointer  data)
{
  GtkWindow *dialog = open_add_dialog (f);

  type (dialog, "name_row", "Racer");
  type (dialog, "url_row", f->sonarr_url);
  type (dialog, "api_key_row", UI_GOOD_KEY);
  g_assert_true (save_sensitive (dialog));

  ui_create_instance (f, "racer", "sonarr", f->sonarr_url, UI_GOOD_KEY, TRUE);

  ui_click (child (dialog, "save_button"));

  /* Progress while the keyring and the database work. */
  g_assert_true (vqs_instance_dialog_get_busy (VQS_INSTANCE_DIALOG (dialog)));
  g_assert_false (gtk_widget_get_sensitive (child (dialog, "form_box")));
  g_assert_true (gtk_widget_get_visible (child (dialog, "save_spinner")));
  g_assert_false (save_sensitive (dialog));

  ui_wait_for (dialog_idle, dialog, "the save");
  ui_wait_idle (f->manager);

  g_assert_true (ui_find_toplevel (VQS_TYPE_INSTANCE_DIALOG) == dialog);
  g_assert_true (gtk_widget_get_sensitive (child (dialog, "form_box")));
  g_assert_true (ui_label_shows (child (dialog, "name_error_label"), "already exists"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (dialog, "name_row"))), ==,
                   "Racer");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (dialog, "url_row"))), ==,
                   f->sonarr_url);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (dialog, "api_key_row"))), ==,
                   UI_GOOD_KEY);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->manager)), ==, 1);
}

static void
test_edit (UiFixture     *f,
           gconstpointer  data)
{
  VqsInstance *instance;
  GtkWindow *dialog;
  g_autoptr(GError) short_key = NULL;

  ui_create_instance (f, "Other", "sonarr", f->sonarr_url, UI_GOOD_KEY, TRUE);
  instance = ui_create_instance (f, "Mine", "sonarr", f->sonarr_url, UI_GOOD_KEY, TRUE);

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.edit-instance", "x",
                              vqs_instance_get_id (instance));
  dialog = ui_wait_toplevel (VQS_TYPE_INSTANCE_DIALOG);
  g_assert_cmpstr (gtk_window_get_title (dialog), ==, "Edit Instance");

  /* An empty key keeps the stored one, so the form starts valid. */
  assert_field_fine (dialog, "api_key");
  g_assert_true (save_sensitive (dialog));

  type (dialog, "api_key_row", "short");
  g_assert_false (vqs_instance_validate_api_key ("short", FALSE, &short_key));
  assert_field_error (dialog, "api_key", short_key);
  type (dialog, "api_key_row", "");
  assert_field_fine (dialog, "api_key");
  g_assert_true (save_sensitive (dialog));

  /* Its own name is fine, another instance's is not. */
  type (dialog, "name_row", "MINE");
  assert_field_fine (dialog, "name");
  type (dialog, "name_row", "other");
  g_assert_true (ui_label_shows (child (dialog, "name_error_label"), "already exists"));
  g_assert_false (save_sensitive (dialog));
}

static gboolean
request_arrived (gpointer data)
{
  return vqs_fake_arr_get_request_count (data) > 0;
}

static gboolean
manager_idle (gpointer data)
{
  return vqs_instance_manager_get_busy_count (data) == 0;
}

static gboolean
no_dialog (gpointer data)
{
  return ui_find_toplevel (VQS_TYPE_INSTANCE_DIALOG) == NULL;
}

/* Well below the timeout of the instance being tried, so that only a
 * cancelled request can end the work in time.
 */
#define HANG_TIMEOUT_SECONDS 30
#define CANCEL_LIMIT_MS      5000

/* Escape while the dialog's connection test waits on a server that never
 * answers: the dialog goes, and so does its work, long before the
 * request could time out.
 */
static void
test_close_cancels_test (UiFixture     *f,
                         gconstpointer  data)
{
  g_autoptr(VqsFakeArr) hanging = NULL;
  g_autofree char *hanging_url = NULL;
  g_autoptr(GError) error = NULL;
  GtkWindow *dialog;

  hanging = vqs_fake_arr_new (VQS_ARR_KIND_SONARR, VQS_FAKE_ARR_DEFAULT_SONARR_VERSION,
                              UI_GOOD_KEY);
  g_assert_true (vqs_fake_arr_listen (hanging, 0, FALSE, &error));
  g_assert_no_error (error);
  vqs_fake_arr_set_fault (hanging, VQS_FAKE_FAULT_HANG, -1);
  hanging_url = vqs_fake_arr_get_url (hanging);

  dialog = open_add_dialog (f);
  type (dialog, "name_row", "Never Saved");
  type (dialog, "url_row", hanging_url);
  type (dialog, "api_key_row", UI_GOOD_KEY);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child (dialog, "timeout_spin")),
                             HANG_TIMEOUT_SECONDS);
  g_assert_true (save_sensitive (dialog));

  ui_click (child (dialog, "test_button"));
  g_assert_true (vqs_instance_dialog_get_busy (VQS_INSTANCE_DIALOG (dialog)));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (child (dialog, "test_stack"))),
                   ==, "spinner");
  g_assert_true (gtk_spinner_get_spinning (GTK_SPINNER (child (dialog, "test_spinner"))));
  ui_wait_for (request_arrived, hanging, "the test request to reach the server");
  g_assert_cmpuint (vqs_instance_manager_get_busy_count (f->manager), >, 0);

  ui_activate_shortcut (GTK_WIDGET (dialog), "Escape");
  ui_wait_for (no_dialog, NULL, "Escape to close the dialog");

  g_assert_true (ui_wait_for_within (manager_idle, f->manager, CANCEL_LIMIT_MS));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->manager)), ==, 0);
  g_assert_null (vqs_instance_manager_find_by_name (f->manager, "Never Saved"));
}

static void
create_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static gboolean
got_result (gpointer data)
{
  return *(GAsyncResult **)data != NULL;
}

/* The error the manager itself gives for creating @name with no keyring. */
static GError *
keyring_error (UiFixture  *f,
               const char *name)
{
  VqsInstanceChanges changes = VQS_INSTANCE_CHANGES_INIT;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(VqsInstance) instance = NULL;
  GError *error = NULL;

  changes.name = name;
  changes.kind = "sonarr";
  changes.url = f->sonarr_url;
  changes.api_key = UI_GOOD_KEY;
  vqs_instance_manager_create_async (f->manager, &changes, NULL, create_cb, &result);
  ui_wait_for (got_result, &result, "the create");
  instance = vqs_instance_manager_create_finish (f->manager, result, &error);
  g_assert_null (instance);

  return error;
}

#define KEYRING_FAILURE_PATH "/vqs/ui/validation/keyring-failure"

/* With no session bus the keyring cannot be reached: Save fails, the
 * sentence lands above the form, the dialog stays open with everything
 * typed, and nothing is created. Runs in a subprocess whose bus address
 * main() breaks before anything connects.
 */
static void
test_keyring_failure (UiFixture     *f,
                      gconstpointer  data)
{
  GtkWindow *dialog;
  GtkWidget *save_error;
  g_autoptr(GError) expected = NULL;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  dialog = open_add_dialog (f);
  save_error = child (dialog, "save_error_label");
  type (dialog, "name_row", "Keyless");
  type (dialog, "url_row", f->sonarr_url);
  type (dialog, "api_key_row", UI_GOOD_KEY);
  g_assert_true (save_sensitive (dialog));
  g_assert_false (gtk_widget_get_visible (save_error));

  ui_click (child (dialog, "save_button"));
  g_assert_true (vqs_instance_dialog_get_busy (VQS_INSTANCE_DIALOG (dialog)));
  ui_wait_for (dialog_idle, dialog, "the save");
  ui_wait_idle (f->manager);

  /* Still open, with the manager's keyring sentence above the form. */
  g_assert_true (ui_find_toplevel (VQS_TYPE_INSTANCE_DIALOG) == dialog);
  g_assert_true (ui_label_shows (save_error, "keyring"));
  expected = keyring_error (f, "Keyless Too");
  g_assert_error (expected, VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_KEYRING);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (save_error)), ==, expected->message);

  /* What was typed is still there, and Save can be tried again. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (dialog, "name_row"))), ==,
                   "Keyless");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (dialog, "url_row"))), ==,
                   f->sonarr_url);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (dialog, "api_key_row"))), ==,
                   UI_GOOD_KEY);
  g_assert_true (gtk_widget_get_sensitive (child (dialog, "form_box")));
  g_assert_false (gtk_widget_get_visible (child (dialog, "save_spinner")));
  g_assert_true (save_sensitive (dialog));
  assert_field_fine (dialog, "name");
  assert_field_fine (dialog, "url");
  assert_field_fine (dialog, "api_key");

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->manager)), ==, 0);
  g_assert_null (vqs_instance_manager_find_by_name (f->manager, "Keyless"));
}

/* The subprocess of the keyring test must never reach a bus: its address
 * is broken before GTK, the application or libsecret connect. The
 * display stays, for the windows.
 */
static void
break_bus_for_keyring_subprocess (int    argc,
                                  char **argv)
{
  gboolean subprocess = FALSE;

  for (int i = 1; i < argc; i++)
    subprocess |= g_str_equal (argv[i], "--GTestSubprocess");

  for (int i = 1; subprocess && i + 1 < argc; i++)
    {
      if (g_str_equal (argv[i], "-p") && g_str_equal (argv[i + 1], KEYRING_FAILURE_PATH))
        g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/vqs-no-bus", TRUE);
    }
}

int
main (int   argc,
      char *argv[])
{
  break_bus_for_keyring_subprocess (argc, argv);
  ui_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/vqs/ui/validation/" path, UiFixture, NULL, ui_fixture_set_up, func, \
              ui_fixture_tear_down)

  ADD ("untouched", test_untouched);
  ADD ("name", test_name);
  ADD ("url", test_url);
  ADD ("api-key", test_api_key);
  ADD ("limits", test_limits_match_core);
  ADD ("security-warning", test_security_warning);
  ADD ("connection-button", test_connection_button);
  ADD ("duplicate-on-save", test_duplicate_on_save);
  ADD ("edit", test_edit);
  ADD ("close-cancels-test", test_close_cancels_test);
  g_test_add (KEYRING_FAILURE_PATH, UiFixture, NULL, ui_fixture_set_up, test_keyring_failure,
              ui_fixture_tear_down);

#undef ADD

  return ui_test_run ();
}
