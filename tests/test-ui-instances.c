/* test-ui-instances.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The main window end to end, with real widgets: a manager over a
 * temporary database and the session's keyring, against the fake Sonarr.
 */

#define G_LOG_DOMAIN "test-ui-instances"

#include "config.h"

#include <string.h>

#include "vqs-drift-dialog.h"
#include "vqs-instance-dialog.h"
#include "vqs-instance-row-private.h"
#include "vqs-ui-test-utils.h"

static const char *
visible_page (UiFixture *f)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (ui_child (f->window, VQS_TYPE_WINDOW,
                                                                "stack")));
}

static GtkWidget *
row_child (GtkWidget  *row,
           const char *name)
{
  return ui_child (row, VQS_TYPE_INSTANCE_ROW, name);
}

typedef struct
{
  GtkWidget  *label;
  const char *text;
} LabelWait;

static gboolean
label_shows (gpointer data)
{
  LabelWait *wait = data;

  return ui_label_shows (wait->label, wait->text);
}

static void
wait_label (GtkWidget  *label,
            const char *text)
{
  LabelWait wait = { label, text };

  ui_wait_for (label_shows, &wait, text);
}

static void
test_empty_state (UiFixture     *f,
                  gconstpointer  data)
{
  GtkWidget *add_button = ui_child (f->window, VQS_TYPE_WINDOW, "add_button");
  GtkWidget *empty_page = ui_child (f->window, VQS_TYPE_WINDOW, "empty_page");
  GtkWidget *list_box = ui_child (f->window, VQS_TYPE_WINDOW, "list_box");
  GtkWidget *pill;

  g_assert_cmpstr (visible_page (f), ==, "empty");
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (empty_page)), ==, "No Instances");
  g_assert_nonnull (adw_status_page_get_description (ADW_STATUS_PAGE (empty_page)));

  pill = ui_find_button (empty_page, "_Add Instance");
  g_assert_nonnull (pill);
  g_assert_true (gtk_widget_has_css_class (pill, "pill"));
  g_assert_true (gtk_widget_has_css_class (pill, "suggested-action"));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (pill)), ==,
                   "win.add-instance");

  g_assert_cmpstr (gtk_button_get_icon_name (GTK_BUTTON (add_button)), ==, "list-add-symbolic");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (add_button), ==, "Add Instance");
  g_assert_true (gtk_widget_has_css_class (list_box, "boxed-list"));

  /* The pill opens the dialog too. */
  ui_click (pill);
  g_assert_nonnull (ui_wait_toplevel (VQS_TYPE_INSTANCE_DIALOG));
}

static void
test_add_healthy (UiFixture     *f,
                  gconstpointer  data)
{
  VqsInstance *instance;
  GtkWidget *row;
  GtkWidget *status;
  g_autofree char *subtitle = NULL;

  instance = ui_add_through_dialog (f, "Living Room", f->sonarr_url, UI_GOOD_KEY);
  g_assert_nonnull (instance);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->manager)), ==, 1);
  g_assert_cmpstr (visible_page (f), ==, "list");

  row = ui_get_row (f, 0);
  g_assert_true (VQS_IS_INSTANCE_ROW (row));
  g_assert_true (vqs_instance_row_get_instance (VQS_INSTANCE_ROW (row)) == instance);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (row_child (row, "name_label"))), ==,
                   "Living Room");

  /* The background test after creating marks it healthy, with version. */
  status = row_child (row, "status_label");
  wait_label (status, "Healthy");
  g_assert_true (gtk_widget_has_css_class (status, "success"));
  g_assert_false (gtk_widget_has_css_class (status, "error"));
  subtitle = g_strdup_printf ("%s · Sonarr %s", f->sonarr_url,
                              VQS_FAKE_ARR_DEFAULT_SONARR_VERSION);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (row_child (row, "subtitle_label"))), ==,
                   subtitle);
  g_assert_true (ui_label_shows (row_child (row, "time_label"), "Tested just now"));
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (row_child (row, "kind_image"))), ==,
                   "vqs-sonarr-symbolic");
  g_assert_false (gtk_widget_get_visible (row_child (row, "warning_image")));
}

static gboolean
has_toast_label (gpointer data)
{
  UiFixture *f = ((gpointer *)data)[0];
  const char *text = ((gpointer *)data)[1];

  return ui_find_label (ui_child (f->window, VQS_TYPE_WINDOW, "toast_overlay"), text) != NULL;
}

static void
wait_toast (UiFixture  *f,
            const char *text)
{
  gpointer data[2] = { f, (gpointer)text };

  ui_wait_for (has_toast_label, data, text);
}

static gboolean
row_idle (gpointer data)
{
  return !vqs_instance_row_get_testing (data);
}

static void
test_row_test_success (UiFixture     *f,
                       gconstpointer  data)
{
  GtkWidget *row;
  GtkWidget *stack;
  g_autofree char *expected = NULL;

  ui_create_instance (f, "Upstairs", "sonarr", f->sonarr_url, UI_GOOD_KEY, TRUE);
  row = ui_get_row (f, 0);
  stack = row_child (row, "test_stack");

  ui_click (row_child (row, "test_button"));

  /* While it runs, a spinner stands in for the button. */
  g_assert_true (vqs_instance_row_get_testing (VQS_INSTANCE_ROW (row)));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "spinner");
  g_assert_true (gtk_spinner_get_spinning (GTK_SPINNER (row_child (row, "test_spinner"))));

  ui_wait_for (row_idle, row, "the row's test");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "button");
  g_assert_false (gtk_spinner_get_spinning (GTK_SPINNER (row_child (row, "test_spinner"))));

  expected = g_strdup_printf ("Connected to Sonarr %s in", VQS_FAKE_ARR_DEFAULT_SONARR_VERSION);
  wait_toast (f, expected);
}

static void
test_wrong_key (UiFixture     *f,
                gconstpointer  data)
{
  GtkWidget *row;
  GtkWidget *status;
  GtkWidget *details;
  GtkWindow *dialog;
  const char *body;

  g_assert_nonnull (ui_add_through_dialog (f, "Wrong Key", f->sonarr_url, UI_WRONG_KEY));
  row = ui_get_row (f, 0);
  status = row_child (row, "status_label");

  wait_label (status, "API key rejected (401)");
  g_assert_true (gtk_widget_has_css_class (status, "error"));
  g_assert_false (gtk_widget_has_css_class (status, "success"));

  /* Testing again: a toast whose Details button explains what to do. */
  gtk_widget_activate_action (row, "row.test", NULL);
  ui_wait_for (row_idle, row, "the row's test");
  wait_toast (f, "Could not connect to “Wrong Key”");

  details = ui_find_button (ui_child (f->window, VQS_TYPE_WINDOW, "toast_overlay"), "_Details");
  g_assert_nonnull (details);
  ui_click (details);

  dialog = ui_wait_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  body = adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog));
  g_assert_nonnull (strstr (body, "API key rejected (401)"));
  g_assert_nonnull (strstr (body, "Copy the API key again"));
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Connection test failed");
}

static void
secret_looked_up_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  char **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = vqs_secret_store_lookup_finish (VQS_SECRET_STORE (object), result, &error);
  g_assert_no_error (error);
  if (*out == NULL)
    *out = g_strdup ("");
}

static gboolean
string_set (gpointer data)
{
  return *(char **)data != NULL;
}

static char *
lookup_key (UiFixture   *f,
            VqsInstance *instance)
{
  char *key = NULL;

  vqs_secret_store_lookup_async (f->secrets, vqs_instance_get_uuid (instance), NULL,
                                 secret_looked_up_cb, &key);
  ui_wait_for (string_set, &key, "the keyring");

  return key;
}

static gboolean
no_instance_dialog (gpointer data)
{
  return ui_find_toplevel (VQS_TYPE_INSTANCE_DIALOG) == NULL;
}

static void
test_edit_keeps_key (UiFixture     *f,
                     gconstpointer  data)
{
  VqsInstance *instance;
  GtkWidget *row;
  GtkWindow *dialog;
  GtkWidget *api_key_row;
  g_autofree char *key = NULL;

  instance = ui_add_through_dialog (f, "Before Rename", f->sonarr_url, UI_GOOD_KEY);
  row = ui_get_row (f, 0);
  wait_label (row_child (row, "status_label"), "Healthy");

  /* Enter on a row (its activation) opens the edit dialog. */
  g_signal_emit_by_name (row, "activate");
  dialog = ui_wait_toplevel (VQS_TYPE_INSTANCE_DIALOG);
  g_assert_true (vqs_instance_dialog_get_instance (VQS_INSTANCE_DIALOG (dialog)) == instance);

  api_key_row = ui_child (dialog, VQS_TYPE_INSTANCE_DIALOG, "api_key_row");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (api_key_row)), ==, "");
  g_assert_true (ui_label_shows (ui_child (dialog, VQS_TYPE_INSTANCE_DIALOG,
                                           "api_key_hint_label"),
                                 "keep the one stored"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ui_child (dialog,
                                                                  VQS_TYPE_INSTANCE_DIALOG,
                                                                  "name_row"))),
                   ==, "Before Rename");
  g_assert_true (gtk_widget_get_sensitive (ui_child (dialog, VQS_TYPE_INSTANCE_DIALOG,
                                                     "save_button")));

  gtk_editable_set_text (GTK_EDITABLE (ui_child (dialog, VQS_TYPE_INSTANCE_DIALOG, "name_row")),
                         "After Rename");
  ui_click (ui_child (dialog, VQS_TYPE_INSTANCE_DIALOG, "save_button"));
  ui_wait_for (no_instance_dialog, NULL, "the edit dialog to close");
  ui_wait_idle (f->manager);

  g_assert_cmpstr (vqs_instance_get_name (instance), ==, "After Rename");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (row_child (row, "name_label"))), ==,
                   "After Rename");

  key = lookup_key (f, instance);
  g_assert_cmpstr (key, ==, UI_GOOD_KEY);

  /* And the kept key still works. */
  gtk_widget_activate_action (row, "row.test", NULL);
  ui_wait_for (row_idle, row, "the row's test");
  g_assert_true (vqs_instance_get_is_healthy (instance));
  g_assert_true (ui_label_shows (row_child (row, "status_label"), "Healthy"));
}

static gboolean
drift_idle (gpointer data)
{
  return !vqs_drift_dialog_get_busy (data);
}

static GtkWidget *
find_group (GtkWidget  *root,
            const char *title)
{
  if (ADW_IS_PREFERENCES_GROUP (root) &&
      g_strcmp0 (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (root)), title) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_group (child, title);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static VqsDriftDialog *
open_drift (UiFixture   *f,
            VqsInstance *instance)
{
  VqsDriftDialog *dialog;

  gtk_widget_activate_action (ui_get_row (f, 0), "row.check-drift", NULL);
  dialog = VQS_DRIFT_DIALOG (ui_wait_toplevel (VQS_TYPE_DRIFT_DIALOG));
  g_assert_true (vqs_drift_dialog_get_instance (dialog) == instance);
  ui_wait_for (drift_idle, dialog, "the drift check");

  return dialog;
}

static void
test_drift (UiFixture     *f,
            gconstpointer  data)
{
  VqsInstance *instance;
  VqsDriftDialog *dialog;
  GtkWidget *stack;
  GtkWidget *groups;
  GtkWidget *no_drift;

  /* The first successful test takes the baseline in the background. */
  instance = ui_create_instance (f, "Drifting", "sonarr", f->sonarr_url, UI_GOOD_KEY, TRUE);
  g_assert_true (vqs_instance_get_is_healthy (instance));

  vqs_fake_arr_set_profile_cutoff (f->sonarr, 4, "Bluray-1080p");
  vqs_fake_arr_add_root_folder (f->sonarr, "/tv2/");

  dialog = open_drift (f, instance);
  stack = ui_child (dialog, VQS_TYPE_DRIFT_DIALOG, "stack");
  groups = ui_child (dialog, VQS_TYPE_DRIFT_DIALOG, "groups_box");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "changes");

  g_assert_nonnull (find_group (groups, "Quality Profiles"));
  g_assert_nonnull (find_group (groups, "Root Folders"));
  g_assert_null (find_group (groups, "Tags"));
  g_assert_nonnull (ui_find_label (find_group (groups, "Quality Profiles"), "Bluray-1080p"));
  g_assert_nonnull (ui_find_label (find_group (groups, "Root Folders"), "/tv2"));
  g_assert_true (ui_label_shows (ui_child (dialog, VQS_TYPE_DRIFT_DIALOG, "summary_label"),
                                 "2 changes"));

  /* Accepting makes the current state the baseline. */
  ui_click (ui_child (dialog, VQS_TYPE_DRIFT_DIALOG, "accept_button"));
  ui_wait_for (drift_idle, dialog, "accepting the drift");
  no_drift = ui_child (dialog, VQS_TYPE_DRIFT_DIALOG, "no_drift_page");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "none");
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (no_drift)), ==, "No Drift");
  gtk_window_close (GTK_WINDOW (dialog));
  ui_wait_idle (f->manager);

  /* A new check agrees. */
  dialog = open_drift (f, instance);
  stack = ui_child (dialog, VQS_TYPE_DRIFT_DIALOG, "stack");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "none");
}

static void
test_drift_cancelled_on_close (UiFixture     *f,
                               gconstpointer  data)
{
  VqsInstance *instance;
  GtkWindow *dialog;

  instance = ui_create_instance (f, "Hanging", "sonarr", f->sonarr_url, UI_GOOD_KEY, TRUE);

  /* The server stops answering: only cancelling ends the check. */
  vqs_fake_arr_set_fault (f->sonarr, VQS_FAKE_FAULT_HANG, 1000);
  gtk_widget_activate_action (ui_get_row (f, 0), "row.check-drift", NULL);
  dialog = ui_wait_toplevel (VQS_TYPE_DRIFT_DIALOG);
  g_assert_true (vqs_drift_dialog_get_busy (VQS_DRIFT_DIALOG (dialog)));
  ui_spin (100);
  g_assert_cmpuint (vqs_instance_manager_get_busy_count (f->manager), >, 0);

  gtk_window_close (dialog);
  ui_wait_idle (f->manager);
  g_assert_nonnull (vqs_instance_manager_find_by_id (f->manager, vqs_instance_get_id (instance)));
}

static gboolean
list_empty (gpointer data)
{
  UiFixture *f = data;

  return g_list_model_get_n_items (G_LIST_MODEL (f->manager)) == 0;
}

static void
test_delete (UiFixture     *f,
             gconstpointer  data)
{
  VqsInstance *instance;
  GtkWindow *dialog;
  g_autofree char *key = NULL;
  g_autoptr(VqsInstance) kept = NULL;

  instance = ui_create_instance (f, "Doomed", "sonarr", f->sonarr_url, UI_GOOD_KEY, TRUE);
  kept = g_object_ref (instance);
  g_assert_cmpstr (visible_page (f), ==, "list");

  gtk_widget_activate_action (ui_get_row (f, 0), "row.delete", NULL);
  dialog = ui_wait_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Delete “Doomed”?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            "search history"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            "keyring"));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (ADW_MESSAGE_DIALOG (dialog),
                                                               "delete"),
                   ==, ADW_RESPONSE_DESTRUCTIVE);
  g_assert_cmpstr (adw_message_dialog_get_default_response (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "cancel");

  /* Cancel keeps it. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  ui_spin (50);
  ui_wait_idle (f->manager);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->manager)), ==, 1);

  /* This time through the Delete key binding of the focused row. */
  ui_activate_shortcut (ui_get_row (f, 0), "Delete");
  dialog = ui_wait_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "delete");
  ui_wait_for (list_empty, f, "the instance to go");
  ui_wait_idle (f->manager);

  g_assert_cmpstr (visible_page (f), ==, "empty");
  g_assert_null (ui_get_row (f, 0));
  key = lookup_key (f, kept);
  g_assert_cmpstr (key, ==, "");
}

static void
update_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  vqs_instance_manager_update_finish (VQS_INSTANCE_MANAGER (object), result, &error);
  g_assert_no_error (error);
  *done = TRUE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *)data;
}

/* Changes made elsewhere (here straight through the manager, as the bus
 * does) reach the rows, newest first, and the warning icon follows.
 */
static void
test_live_updates (UiFixture     *f,
                   gconstpointer  data)
{
  VqsInstanceChanges changes = VQS_INSTANCE_CHANGES_INIT;
  VqsInstance *first;
  GtkWidget *row;
  GtkWidget *warning;
  gboolean done = FALSE;

  first = ui_create_instance (f, "First", "sonarr", f->sonarr_url, UI_GOOD_KEY, TRUE);
  ui_create_instance (f, "Second", "sonarr", f->sonarr_url, UI_GOOD_KEY, TRUE);

  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (row_child (ui_get_row (f, 0), "name_label"))),
                   ==, "Second");
  row = ui_get_row (f, 1);
  g_assert_true (vqs_instance_row_get_instance (VQS_INSTANCE_ROW (row)) == first);

  /* Plain http to a public-looking name: the key would cross the
   * internet in clear, which the row warns about.
   */
  changes.name = "First Renamed";
  changes.url = "http://sonarr.example.com:1";
  vqs_instance_manager_update_async (f->manager, first, &changes, NULL, update_done_cb, &done);
  ui_wait_for (flag_set, &done, "the update");
  ui_wait_idle (f->manager);

  g_assert_true (ui_get_row (f, 1) == row);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (row_child (row, "name_label"))), ==,
                   "First Renamed");
  warning = row_child (row, "warning_image");
  g_assert_true (gtk_widget_get_visible (warning));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (warning), ==,
                   vqs_instance_get_security_warning (first));
  g_assert_true (ui_label_shows (row_child (row, "status_label"), "sonarr.example.com"));
  g_assert_true (gtk_widget_has_css_class (row_child (row, "status_label"), "error"));
}

static GtkWidget *
row_for (UiFixture   *f,
         VqsInstance *instance)
{
  GtkWidget *row;

  for (guint i = 0; (row = ui_get_row (f, i)) != NULL; i++)
    {
      if (vqs_instance_row_get_instance (VQS_INSTANCE_ROW (row)) == instance)
        return row;
    }

  g_error ("No row shows “%s”", vqs_instance_get_name (instance));
}

static VqsInstance *
create_with_timeout (UiFixture  *f,
                     const char *name,
                     const char *url,
                     int         timeout_seconds)
{
  VqsInstanceChanges changes = VQS_INSTANCE_CHANGES_INIT;

  changes.name = name;
  changes.kind = "sonarr";
  changes.url = url;
  changes.api_key = UI_GOOD_KEY;
  changes.verify_tls = TRUE;
  changes.timeout_seconds = timeout_seconds;
  changes.rate_limit_per_minute = 600;

  return ui_create_instance_with (f, &changes);
}

/* What a person sees of a row's test: the button, or a spinning spinner. */
static void
assert_row_testing (GtkWidget *row,
                    gboolean   testing)
{
  GtkStack *stack = GTK_STACK (row_child (row, "test_stack"));
  GtkSpinner *spinner = GTK_SPINNER (row_child (row, "test_spinner"));

  g_assert_cmpint (vqs_instance_row_get_testing (VQS_INSTANCE_ROW (row)), ==, testing);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, testing ? "spinner" : "button");
  g_assert_cmpint (gtk_spinner_get_spinning (spinner), ==, testing);
}

typedef struct
{
  VqsFakeArr *server;
  guint       count;
} RequestWait;

static gboolean
request_arrived (gpointer data)
{
  RequestWait *wait = data;

  return vqs_fake_arr_get_request_count (wait->server) > wait->count;
}

/* Long enough that the other row's test surely ends first, even on a
 * slow machine; the test waits for this once.
 */
#define STUCK_TIMEOUT_SECONDS 4

/* Each row runs its own test: while one waits for a server that never
 * answers, another row can still be tested, and gets its own answer.
 */
static void
test_rows_test_independently (UiFixture     *f,
                              gconstpointer  data)
{
  g_autoptr(VqsFakeArr) stuck_server = NULL;
  g_autofree char *stuck_url = NULL;
  g_autofree char *connected = NULL;
  g_autofree char *within = NULL;
  g_autoptr(GError) error = NULL;
  VqsInstance *stuck;
  VqsInstance *quick;
  GtkWidget *stuck_row;
  GtkWidget *quick_row;
  GtkWidget *stuck_status;
  RequestWait wait;

  stuck_server = vqs_fake_arr_new (VQS_ARR_KIND_SONARR, VQS_FAKE_ARR_DEFAULT_SONARR_VERSION,
                                   UI_GOOD_KEY);
  g_assert_true (vqs_fake_arr_listen (stuck_server, 0, FALSE, &error));
  g_assert_no_error (error);
  stuck_url = vqs_fake_arr_get_url (stuck_server);

  /* Both servers answer at first, so both instances start healthy. */
  stuck = create_with_timeout (f, "Stuck", stuck_url, STUCK_TIMEOUT_SECONDS);
  quick = create_with_timeout (f, "Quick", f->sonarr_url, 5);
  g_assert_true (vqs_instance_get_is_healthy (stuck));
  g_assert_true (vqs_instance_get_is_healthy (quick));
  stuck_row = row_for (f, stuck);
  quick_row = row_for (f, quick);
  stuck_status = row_child (stuck_row, "status_label");

  /* Then the first one stops answering, and its row starts a test. */
  vqs_fake_arr_set_fault (stuck_server, VQS_FAKE_FAULT_HANG, -1);
  wait = (RequestWait) { stuck_server, vqs_fake_arr_get_request_count (stuck_server) };
  ui_click (row_child (stuck_row, "test_button"));
  assert_row_testing (stuck_row, TRUE);
  ui_wait_for (request_arrived, &wait, "the test request to reach the hanging server");

  /* The other row's button is still there and works. */
  assert_row_testing (quick_row, FALSE);
  ui_click (row_child (quick_row, "test_button"));
  assert_row_testing (quick_row, TRUE);
  ui_wait_for (row_idle, quick_row, "the quick row's test");
  assert_row_testing (quick_row, FALSE);
  connected = g_strdup_printf ("Connected to Sonarr %s in", VQS_FAKE_ARR_DEFAULT_SONARR_VERSION);
  wait_toast (f, connected);
  g_assert_true (ui_label_shows (row_child (quick_row, "status_label"), "Healthy"));

  /* Meanwhile the first row is still waiting, spinner spinning, and
   * still shows what it knew before.
   */
  assert_row_testing (stuck_row, TRUE);
  g_assert_true (ui_label_shows (stuck_status, "Healthy"));

  /* Until its own timeout ends the test, with the sentence that says so. */
  ui_wait_for (row_idle, stuck_row, "the hanging test to time out");
  assert_row_testing (stuck_row, FALSE);
  within = g_strdup_printf ("within %d seconds", STUCK_TIMEOUT_SECONDS);
  g_assert_true (ui_label_shows (stuck_status, "did not answer"));
  g_assert_true (ui_label_shows (stuck_status, within));
  g_assert_true (gtk_widget_has_css_class (stuck_status, "error"));
  g_assert_false (vqs_instance_get_is_healthy (stuck));
  wait_toast (f, "Could not connect to “Stuck”");

  /* The quick one kept its own result. */
  g_assert_true (vqs_instance_get_is_healthy (quick));
  g_assert_true (ui_label_shows (row_child (quick_row, "status_label"), "Healthy"));
}

static GtkAdjustment *
list_vadjustment (UiFixture *f)
{
  GtkWidget *scrolled = ui_child (f->window, VQS_TYPE_WINDOW, "scrolled_window");

  return gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
}

/* Lets layout run until the adjustment has stayed the same for a while
 * (several frames), so that what is read afterwards is what a person
 * would see.
 */
static void
settle (GtkAdjustment *adjustment)
{
  double last[3] = { -1, -1, -1 };
  guint stable = 0;

  for (guint i = 0; stable < 5; i++)
    {
      double now[3] = {
        gtk_adjustment_get_value (adjustment),
        gtk_adjustment_get_upper (adjustment),
        gtk_adjustment_get_page_size (adjustment),
      };

      g_assert_cmpuint (i, <, 500);
      stable = memcmp (now, last, sizeof now) == 0 ? stable + 1 : 0;
      memcpy (last, now, sizeof now);
      ui_spin (20);
    }
}

/* The window gets its default size less the few pixels of its
 * client-side border.
 */
static gboolean
window_sized (gpointer data)
{
  GtkWidget *window = data;

  return gtk_widget_get_mapped (window) &&
         gtk_widget_get_width (window) >= 960 && gtk_widget_get_height (window) >= 660;
}

/* Where @row is in the list's content, which does not move as it scrolls. */
static void
row_extent (GtkWidget *row,
            double    *top,
            double    *bottom)
{
  GtkWidget *content = gtk_widget_get_parent (gtk_widget_get_parent (row));
  double x;

  g_assert_true (gtk_widget_translate_coordinates (row, content, 0, 0, &x, top));
  *bottom = *top + gtk_widget_get_height (row);
}

/* The first row that lies wholly in the viewport. */
static GtkWidget *
first_visible_row (UiFixture *f,
                   double     value,
                   double     page_size)
{
  GtkWidget *row;

  for (guint i = 0; (row = ui_get_row (f, i)) != NULL; i++)
    {
      double top, bottom;

      row_extent (row, &top, &bottom);
      if (top >= value && bottom <= value + page_size)
        return row;
    }

  g_error ("No row lies in the viewport");
}

static void
result_cb (GObject      *object,
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

#define SCROLL_INSTANCES 15

/* Changes that arrive while the user looks at the middle of a long list
 * (from the bus, a background test or a dialog) leave the view where it
 * is: a renamed row in view, and a row deleted below the view.
 */
static void
test_scroll_position_kept (UiFixture     *f,
                           gconstpointer  data)
{
  VqsInstanceChanges changes = VQS_INSTANCE_CHANGES_INIT;
  GtkAdjustment *adjustment;
  g_autoptr(VqsInstance) oldest = NULL;
  GtkWidget *renamed_row;
  GtkWidget *label;
  double value, upper, page_size, top, bottom;
  gboolean done = FALSE;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < SCROLL_INSTANCES; i++)
    {
      g_autofree char *name = g_strdup_printf ("Instance %02u", i);
      VqsInstance *instance = ui_create_instance (f, name, "sonarr", f->sonarr_url,
                                                  UI_GOOD_KEY, TRUE);

      if (i == 0)
        oldest = g_object_ref (instance);
    }

  /* A window takes its default size only when it is first shown: this
   * test looks at the list through a new one of a realistic size.
   */
  gtk_window_destroy (GTK_WINDOW (f->window));
  f->window = vqs_window_new_with_manager (ui_get_application (), f->manager);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1000, 700);
  gtk_window_present (GTK_WINDOW (f->window));
  ui_wait_for (window_sized, f->window, "the window to take its size");
  adjustment = list_vadjustment (f);
  settle (adjustment);

  upper = gtk_adjustment_get_upper (adjustment);
  page_size = gtk_adjustment_get_page_size (adjustment);
  g_assert_cmpfloat (page_size, >, 300);
  g_assert_cmpfloat (upper, >, 2 * page_size);

  gtk_adjustment_set_value (adjustment, (upper - page_size) / 2);
  settle (adjustment);
  value = gtk_adjustment_get_value (adjustment);
  g_assert_cmpfloat_with_epsilon (value, (upper - page_size) / 2, 1);

  /* Rename the first row in view, as the bus would. */
  renamed_row = first_visible_row (f, value, page_size);
  label = row_child (renamed_row, "name_label");
  changes.name = "Renamed In View";
  vqs_instance_manager_update_async (f->manager,
                                     vqs_instance_row_get_instance (VQS_INSTANCE_ROW (renamed_row)),
                                     &changes, NULL, update_done_cb, &done);
  ui_wait_for (flag_set, &done, "the update");
  ui_wait_idle (f->manager);
  wait_label (label, "Renamed In View");
  settle (adjustment);
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (adjustment), value, 0.5);
  g_assert_true (first_visible_row (f, value, page_size) == renamed_row);

  /* Delete the oldest instance: the last row, wholly below the view. */
  row_extent (row_for (f, oldest), &top, &bottom);
  g_assert_cmpfloat (top, >=, value + page_size);
  vqs_instance_manager_delete_async (f->manager, oldest, NULL, result_cb, &result);
  ui_wait_for (got_result, &result, "the delete");
  g_assert_true (vqs_instance_manager_delete_finish (f->manager, result, &error));
  g_assert_no_error (error);
  ui_wait_idle (f->manager);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->manager)), ==,
                    SCROLL_INSTANCES - 1);
  settle (adjustment);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), <, upper);
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (adjustment), value, 0.5);
  g_assert_true (first_visible_row (f, value, page_size) == renamed_row);
}

static void
test_relative_time (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 3, 10, 12, 0, 0);
  static const struct {
    GTimeSpan   ago;
    const char *expected;
  } cases[] = {
    { 0, "just now" },
    { 59 * G_TIME_SPAN_SECOND, "just now" },
    { G_TIME_SPAN_MINUTE, "1 minute ago" },
    { 2 * G_TIME_SPAN_MINUTE + 30 * G_TIME_SPAN_SECOND, "2 minutes ago" },
    { 59 * G_TIME_SPAN_MINUTE, "59 minutes ago" },
    { G_TIME_SPAN_HOUR, "1 hour ago" },
    { 5 * G_TIME_SPAN_HOUR, "5 hours ago" },
    { G_TIME_SPAN_DAY, "1 day ago" },
    { 12 * G_TIME_SPAN_DAY, "12 days ago" },
    { -5 * G_TIME_SPAN_MINUTE, "just now" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) then = g_date_time_add (now, -cases[i].ago);
      g_autofree char *text = _vqs_instance_row_format_relative_time (then, now);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  ui_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/vqs/ui/instances/" path, UiFixture, NULL, ui_fixture_set_up, func, \
              ui_fixture_tear_down)

  ADD ("empty-state", test_empty_state);
  ADD ("add-healthy", test_add_healthy);
  ADD ("row-test-success", test_row_test_success);
  ADD ("wrong-key", test_wrong_key);
  ADD ("edit-keeps-key", test_edit_keeps_key);
  ADD ("drift", test_drift);
  ADD ("drift-cancelled-on-close", test_drift_cancelled_on_close);
  ADD ("delete", test_delete);
  ADD ("live-updates", test_live_updates);
  ADD ("rows-test-independently", test_rows_test_independently);
  ADD ("scroll-position-kept", test_scroll_position_kept);
  g_test_add_func ("/vqs/ui/instances/relative-time", test_relative_time);

#undef ADD

  status = ui_test_run ();

  return status;
}
