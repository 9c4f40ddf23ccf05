/* vqs-window.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vqs-window"

#include "config.h"

#include <glib/gi18n.h>

#include "vqs-arr-error.h"
#include "vqs-drift-dialog.h"
#include "vqs-instance-dialog.h"
#include "vqs-instance-row.h"
#include "vqs-instance-validate.h"
#include "vqs-window.h"

/* How many failed tests keep their details for the toast's Details
 * button; older toasts are long gone by then.
 */
#define MAX_KEPT_TESTS 16

struct _VqsWindow
{
  AdwApplicationWindow  parent_instance;

  VqsInstanceManager   *manager;
  GSettings            *settings;
  GCancellable         *cancellable;
  GHashTable           *failed_tests;   /* id → VqsConnectionTest */
  guint                 last_test_id;

  GtkButton            *add_button;
  AdwStatusPage        *empty_page;
  AdwHeaderBar         *header_bar;
  GtkListBox           *list_box;
  GtkMenuButton        *menu_button;
  GtkScrolledWindow    *scrolled_window;
  GtkStack             *stack;
  AdwToastOverlay      *toast_overlay;
};

G_DEFINE_FINAL_TYPE (VqsWindow, vqs_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_MANAGER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
vqs_window_add_toast (VqsWindow *self,
                      AdwToast  *toast)
{
  g_return_if_fail (VQS_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* Toast titles are markup in libadwaita 1.2; names and messages are not. */
static void
add_text_toast (VqsWindow  *self,
                const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (escaped));
}

static void
present_dialog (VqsWindow *self,
                GtkWindow *dialog)
{
  gtk_window_set_transient_for (dialog, GTK_WINDOW (self));
  gtk_window_set_modal (dialog, TRUE);
  gtk_window_present (dialog);
}

static VqsInstance *
lookup_instance (VqsWindow *self,
                 GVariant  *parameter)
{
  return vqs_instance_manager_find_by_id (self->manager, g_variant_get_int64 (parameter));
}

static void
open_instance_dialog (VqsWindow   *self,
                      VqsInstance *instance)
{
  present_dialog (self, GTK_WINDOW (vqs_instance_dialog_new (self->manager, instance)));
}

static void
add_instance_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  open_instance_dialog (VQS_WINDOW (user_data), NULL);
}

static void
edit_instance_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  VqsWindow *self = VQS_WINDOW (user_data);
  VqsInstance *instance = lookup_instance (self, parameter);

  if (instance != NULL)
    open_instance_dialog (self, instance);
}

static void
check_drift_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  VqsWindow *self = VQS_WINDOW (user_data);
  VqsInstance *instance = lookup_instance (self, parameter);

  if (instance != NULL)
    present_dialog (self, GTK_WINDOW (vqs_drift_dialog_new (self->manager, instance)));
}

static void
instance_deleted_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(VqsWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!vqs_instance_manager_delete_finish (VQS_INSTANCE_MANAGER (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    add_text_toast (self, error->message);
}

static void
on_delete_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       gpointer          user_data)
{
  VqsWindow *self = VQS_WINDOW (user_data);
  VqsInstance *instance = g_object_get_data (G_OBJECT (dialog), "instance");

  if (g_strcmp0 (response, "delete") != 0)
    return;

  vqs_instance_manager_delete_async (self->manager, instance, self->cancellable,
                                     instance_deleted_cb, g_object_ref (self));
}

static void
delete_instance_activated (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  VqsWindow *self = VQS_WINDOW (user_data);
  VqsInstance *instance = lookup_instance (self, parameter);
  GtkWidget *dialog;

  if (instance == NULL)
    return;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), NULL,
                                   _("Its search history goes with it, and its API key is "
                                     "removed from the keyring."));
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Delete “%s”?"),
                                     vqs_instance_get_name (instance));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "instance", g_object_ref (instance), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response_cb), self, 0);

  gtk_window_present (GTK_WINDOW (dialog));
}

/* What the user can do about a failed test, by what went wrong. */
static const char *
connection_hint (const GError *error)
{
  if (error != NULL && error->domain == VQS_INSTANCE_ERROR)
    return _("Check that the keyring is unlocked, then edit the instance and enter its API "
             "key again.");

  if (error == NULL || error->domain != VQS_ARR_ERROR)
    return _("Check the address and the API key of the instance.");

  switch ((VqsArrError)error->code)
    {
    case VQS_ARR_ERROR_CONNECTION_FAILED:
      return _("Check that the server is running, and that the address and the port are "
               "right.");
    case VQS_ARR_ERROR_TIMEOUT:
      return _("Check that the server can be reached from this computer, or give it a "
               "longer timeout.");
    case VQS_ARR_ERROR_TLS_CERTIFICATE:
      return _("If the server uses a self-signed certificate, turn off certificate "
               "verification for this instance.");
    case VQS_ARR_ERROR_UNAUTHORIZED:
      return _("Copy the API key again from Settings → General in the server’s web "
               "interface, then edit the instance and paste it.");
    case VQS_ARR_ERROR_NOT_FOUND:
      return _("If the server runs under a URL base such as /sonarr, add it to the address.");
    case VQS_ARR_ERROR_RATE_LIMITED:
      return _("Wait a while before testing again, or lower the rate limit of the instance.");
    case VQS_ARR_ERROR_SERVER_ERROR:
    case VQS_ARR_ERROR_STARTING_UP:
      return _("Try again in a moment. If it keeps failing, look at the server’s logs.");
    case VQS_ARR_ERROR_REDIRECTED:
      return _("Use the address the server redirects to, usually the one with https.");
    case VQS_ARR_ERROR_WRONG_APPLICATION:
      return _("Edit the instance and choose the application the server really runs.");
    case VQS_ARR_ERROR_INVALID_RESPONSE:
      return _("Check that the address leads to Sonarr or Radarr itself, not to a login page "
               "or another service.");
    case VQS_ARR_ERROR_BAD_REQUEST:
    default:
      return _("Check the address of the instance and the server’s logs.");
    }
}

static void
show_test_details_activated (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  VqsWindow *self = VQS_WINDOW (user_data);
  guint id = g_variant_get_uint32 (parameter);
  VqsConnectionTest *test = g_hash_table_lookup (self->failed_tests, GUINT_TO_POINTER (id));
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (test == NULL)
    return;

  body = g_strdup_printf ("%s\n\n%s", test->error_details, connection_hint (test->error));
  dialog = adw_message_dialog_new (GTK_WINDOW (self), test->message, body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_row_tested_cb (VqsWindow         *self,
                  VqsConnectionTest *test,
                  VqsInstanceRow    *row)
{
  VqsInstance *instance = vqs_instance_row_get_instance (row);
  g_autofree char *name = NULL;
  AdwToast *toast;
  guint id;

  if (test->success)
    {
      add_text_toast (self, test->message);
      return;
    }

  id = ++self->last_test_id;
  g_hash_table_insert (self->failed_tests, GUINT_TO_POINTER (id),
                       vqs_connection_test_copy (test));
  if (id > MAX_KEPT_TESTS)
    g_hash_table_remove (self->failed_tests, GUINT_TO_POINTER (id - MAX_KEPT_TESTS));

  name = g_markup_escape_text (vqs_instance_get_name (instance), -1);
  toast = adw_toast_new_format (_("Could not connect to “%s”"), name);
  adw_toast_set_button_label (toast, _("_Details"));
  adw_toast_set_action_name (toast, "win.show-test-details");
  adw_toast_set_action_target (toast, "u", id);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  VqsWindow *self = VQS_WINDOW (user_data);
  GtkWidget *row = vqs_instance_row_new (self->manager, VQS_INSTANCE (item));

  g_signal_connect_object (row, "tested", G_CALLBACK (on_row_tested_cb), self, G_CONNECT_SWAPPED);

  return row;
}

static void
update_view (VqsWindow *self)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->manager));

  gtk_stack_set_visible_child_name (self->stack, n_items > 0 ? "list" : "empty");
}

static void
on_list_box_row_activated_cb (VqsWindow     *self,
                              GtkListBoxRow *row,
                              GtkListBox    *list_box)
{
  if (VQS_IS_INSTANCE_ROW (row))
    open_instance_dialog (self, vqs_instance_row_get_instance (VQS_INSTANCE_ROW (row)));
}

/* The size is saved when the window closes and restored when one opens,
 * as gnome-text-editor does; a maximized window keeps the size it had
 * before it was maximized.
 */
static gboolean
on_close_request_cb (VqsWindow *self)
{
  int width, height;

  if (!gtk_window_is_maximized (GTK_WINDOW (self)))
    {
      gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));

  return GDK_EVENT_PROPAGATE;
}

static void
restore_size (VqsWindow *self)
{
  int width = g_settings_get_int (self->settings, "window-width");
  int height = g_settings_get_int (self->settings, "window-height");

  gtk_window_set_default_size (GTK_WINDOW (self), MAX (width, 360), MAX (height, 294));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static const GActionEntry window_actions[] = {
  { "add-instance", add_instance_activated },
  { "edit-instance", edit_instance_activated, "x" },
  { "check-drift", check_drift_activated, "x" },
  { "delete-instance", delete_instance_activated, "x" },
  { "show-test-details", show_test_details_activated, "u" },
};

static void
vqs_window_constructed (GObject *object)
{
  VqsWindow *self = VQS_WINDOW (object);

  G_OBJECT_CLASS (vqs_window_parent_class)->constructed (object);

  g_assert (VQS_IS_INSTANCE_MANAGER (self->manager));

  /* Bound to the manager's model, the list follows every change whoever
   * makes it: this window, a dialog, the bus or a background test.
   */
  gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (self->manager),
                           create_row_cb, self, NULL);
  g_signal_connect_object (self->manager, "items-changed", G_CALLBACK (update_view),
                           self, G_CONNECT_SWAPPED);
  update_view (self);
}

static void
vqs_window_dispose (GObject *object)
{
  VqsWindow *self = VQS_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->failed_tests, g_hash_table_unref);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (vqs_window_parent_class)->dispose (object);

  g_clear_object (&self->manager);
}

static void
vqs_window_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  VqsWindow *self = VQS_WINDOW (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      g_value_set_object (value, vqs_window_get_manager (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vqs_window_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  VqsWindow *self = VQS_WINDOW (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      self->manager = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vqs_window_class_init (VqsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vqs_window_constructed;
  object_class->dispose = vqs_window_dispose;
  object_class->get_property = vqs_window_get_property;
  object_class->set_property = vqs_window_set_property;

  properties[PROP_MANAGER] =
    g_param_spec_object ("manager", NULL, NULL,
                         VQS_TYPE_INSTANCE_MANAGER,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, APP_PATH "/ui/vqs-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VqsWindow, add_button);
  gtk_widget_class_bind_template_child (widget_class, VqsWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, VqsWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, VqsWindow, list_box);
  gtk_widget_class_bind_template_child (widget_class, VqsWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, VqsWindow, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, VqsWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, VqsWindow, toast_overlay);
  gtk_widget_class_bind_template_callback (widget_class, on_close_request_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_list_box_row_activated_cb);
}

static void
vqs_window_init (VqsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->failed_tests = g_hash_table_new_full (NULL, NULL, NULL,
                                              (GDestroyNotify)vqs_connection_test_free);
  self->settings = g_settings_new (APP_ID);
  restore_size (self);

  g_action_map_add_action_entries (G_ACTION_MAP (self), window_actions,
                                   G_N_ELEMENTS (window_actions), self);
}

/**
 * vqs_window_new:
 * @application: the application, whose manager the window shows
 *
 * Returns: (transfer none): a new main window
 */
VqsWindow *
vqs_window_new (VqsApplication *application)
{
  g_return_val_if_fail (VQS_IS_APPLICATION (application), NULL);

  return vqs_window_new_with_manager (application, vqs_application_get_manager (application));
}

/**
 * vqs_window_new_with_manager:
 * @application: the application
 * @manager: the manager to show and drive (tests pass their own)
 *
 * Returns: (transfer none): a new main window
 */
VqsWindow *
vqs_window_new_with_manager (VqsApplication     *application,
                             VqsInstanceManager *manager)
{
  g_return_val_if_fail (VQS_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (VQS_IS_INSTANCE_MANAGER (manager), NULL);

  return g_object_new (VQS_TYPE_WINDOW,
                       "application", application,
                       "manager", manager,
                       NULL);
}

VqsInstanceManager *
vqs_window_get_manager (VqsWindow *self)
{
  g_return_val_if_fail (VQS_IS_WINDOW (self), NULL);

  return self->manager;
}
