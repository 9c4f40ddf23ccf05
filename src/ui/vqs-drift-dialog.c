/* vqs-drift-dialog.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vqs-drift-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "vqs-drift-dialog.h"

/* Shows what changed on a server since its accepted configuration, one
 * group per category, and lets the user accept the current state as the
 * new baseline. The check starts as soon as the dialog is created.
 */
struct _VqsDriftDialog
{
  AdwWindow           parent_instance;

  VqsInstanceManager *manager;
  VqsInstance        *instance;
  GCancellable       *cancellable;
  gboolean            busy;

  GtkButton          *accept_button;
  GtkLabel           *accept_error_label;
  GtkSpinner         *accept_spinner;
  GtkSpinner         *checking_spinner;
  AdwStatusPage      *error_page;
  GtkBox             *groups_box;
  AdwStatusPage      *no_drift_page;
  GtkStack           *stack;
  GtkLabel           *summary_label;
  AdwWindowTitle     *window_title;
};

G_DEFINE_FINAL_TYPE (VqsDriftDialog, vqs_drift_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_MANAGER,
  PROP_INSTANCE,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The groups, in the order the report lists changes. Version and
 * application name share one group: both say what the server runs.
 */
typedef struct
{
  VqsDriftCategory  categories[2];
  const char       *title;
} Group;

static const Group groups[] = {
  { { VQS_DRIFT_CATEGORY_VERSION, VQS_DRIFT_CATEGORY_APPLICATION }, N_("Version") },
  { { VQS_DRIFT_CATEGORY_QUALITY_PROFILE, VQS_DRIFT_CATEGORY_QUALITY_PROFILE },
    N_("Quality Profiles") },
  { { VQS_DRIFT_CATEGORY_ROOT_FOLDER, VQS_DRIFT_CATEGORY_ROOT_FOLDER }, N_("Root Folders") },
  { { VQS_DRIFT_CATEGORY_TAG, VQS_DRIFT_CATEGORY_TAG }, N_("Tags") },
};

static void
set_busy (VqsDriftDialog *self,
          gboolean        busy)
{
  if (self->busy == busy)
    return;

  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static const char *
display_value (const char *value)
{
  if (g_strcmp0 (value, "true") == 0)
    return _("Allowed");
  if (g_strcmp0 (value, "false") == 0)
    return _("Not allowed");

  return value;
}

/* "before → after", unless the description already says exactly that or
 * one side is missing (an addition or removal says so itself).
 */
static char *
describe_values (const VqsDriftChange *change)
{
  g_autofree char *values = NULL;

  if (change->before == NULL || *change->before == '\0' ||
      change->after == NULL || *change->after == '\0')
    return NULL;

  values = g_strdup_printf ("%s → %s", display_value (change->before),
                            display_value (change->after));
  if (change->description != NULL && strstr (change->description, values) != NULL)
    return NULL;

  return g_steal_pointer (&values);
}

static GtkWidget *
create_change_row (const VqsDriftChange *change)
{
  g_autofree char *values = describe_values (change);
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 change->description ? change->description : change->subject);
  if (values != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), values);

  return row;
}

static GtkWidget *
create_group (const Group    *group,
              VqsDriftReport *report)
{
  GtkWidget *widget = NULL;

  for (guint i = 0; i < report->changes->len; i++)
    {
      const VqsDriftChange *change = g_ptr_array_index (report->changes, i);

      if (change->category != group->categories[0] && change->category != group->categories[1])
        continue;

      if (widget == NULL)
        {
          widget = adw_preferences_group_new ();
          adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (widget), _(group->title));
        }

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (widget), create_change_row (change));
    }

  return widget;
}

static void
show_changes (VqsDriftDialog *self,
              VqsDriftReport *report)
{
  g_autofree char *summary = NULL;
  g_autofree char *count = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->groups_box))) != NULL)
    gtk_box_remove (self->groups_box, child);

  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    {
      GtkWidget *group = create_group (&groups[i], report);

      if (group != NULL)
        gtk_box_append (self->groups_box, group);
    }

  count = g_strdup_printf (ngettext ("%u change since the accepted configuration.",
                                     "%u changes since the accepted configuration.",
                                     report->changes->len),
                           report->changes->len);
  summary = g_strdup_printf ("%s %s", count,
                             _("Accept the current configuration if these changes were "
                               "intended: later checks then compare against it."));
  gtk_label_set_label (self->summary_label, summary);
  gtk_widget_set_visible (GTK_WIDGET (self->accept_error_label), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->accept_button), TRUE);
  gtk_stack_set_visible_child_name (self->stack, "changes");
}

static void
show_no_drift (VqsDriftDialog *self,
               const char     *description)
{
  adw_status_page_set_description (self->no_drift_page, description);
  gtk_stack_set_visible_child_name (self->stack, "none");
}

/* Callbacks hold no reference: closing the dialog disposes it, which
 * cancels the work, and a cancelled result returns before touching it.
 */
static void
drift_checked_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  VqsDriftDialog *self = user_data;
  g_autoptr(VqsDriftReport) report = NULL;
  g_autoptr(GError) error = NULL;

  report = vqs_instance_manager_check_drift_finish (VQS_INSTANCE_MANAGER (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_spinner_set_spinning (self->checking_spinner, FALSE);

  if (report == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
    }
  else if (report->baseline_taken)
    show_no_drift (self, _("This was the first check. The current configuration is now the "
                           "baseline that later checks compare against."));
  else if (!report->drift_detected)
    show_no_drift (self, _("The configuration matches the accepted baseline."));
  else
    show_changes (self, report);

  set_busy (self, FALSE);
}

static void
start_check (VqsDriftDialog *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  set_busy (self, TRUE);
  gtk_spinner_set_spinning (self->checking_spinner, TRUE);
  gtk_stack_set_visible_child_name (self->stack, "checking");
  vqs_instance_manager_check_drift_async (self->manager, self->instance, self->cancellable,
                                          drift_checked_cb, self);
}

static void
on_retry_clicked_cb (VqsDriftDialog *self)
{
  start_check (self);
}

static void
set_accepting (VqsDriftDialog *self,
               gboolean        accepting)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->accept_button), !accepting);
  gtk_widget_set_visible (GTK_WIDGET (self->accept_spinner), accepting);
  gtk_spinner_set_spinning (self->accept_spinner, accepting);
  set_busy (self, accepting);
}

static void
drift_accepted_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  VqsDriftDialog *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!vqs_instance_manager_accept_drift_finish (VQS_INSTANCE_MANAGER (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      gtk_label_set_label (self->accept_error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->accept_error_label), TRUE);
      set_accepting (self, FALSE);
      return;
    }

  show_no_drift (self, _("The current configuration is now the baseline that later checks "
                         "compare against."));
  set_accepting (self, FALSE);
}

static void
on_accept_clicked_cb (VqsDriftDialog *self)
{
  if (self->busy)
    return;

  gtk_widget_set_visible (GTK_WIDGET (self->accept_error_label), FALSE);
  set_accepting (self, TRUE);
  vqs_instance_manager_accept_drift_async (self->manager, self->instance, self->cancellable,
                                           drift_accepted_cb, self);
}

static void
vqs_drift_dialog_constructed (GObject *object)
{
  VqsDriftDialog *self = VQS_DRIFT_DIALOG (object);

  G_OBJECT_CLASS (vqs_drift_dialog_parent_class)->constructed (object);

  g_assert (VQS_IS_INSTANCE_MANAGER (self->manager));
  g_assert (VQS_IS_INSTANCE (self->instance));

  adw_window_title_set_subtitle (self->window_title, vqs_instance_get_name (self->instance));
  start_check (self);
}

static void
vqs_drift_dialog_dispose (GObject *object)
{
  VqsDriftDialog *self = VQS_DRIFT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->instance);
  g_clear_object (&self->manager);

  G_OBJECT_CLASS (vqs_drift_dialog_parent_class)->dispose (object);
}

static void
vqs_drift_dialog_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  VqsDriftDialog *self = VQS_DRIFT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      g_value_set_object (value, vqs_drift_dialog_get_manager (self));
      break;

    case PROP_INSTANCE:
      g_value_set_object (value, vqs_drift_dialog_get_instance (self));
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, vqs_drift_dialog_get_busy (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vqs_drift_dialog_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  VqsDriftDialog *self = VQS_DRIFT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      self->manager = g_value_dup_object (value);
      break;

    case PROP_INSTANCE:
      self->instance = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vqs_drift_dialog_class_init (VqsDriftDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vqs_drift_dialog_constructed;
  object_class->dispose = vqs_drift_dialog_dispose;
  object_class->get_property = vqs_drift_dialog_get_property;
  object_class->set_property = vqs_drift_dialog_set_property;

  properties[PROP_MANAGER] =
    g_param_spec_object ("manager", NULL, NULL,
                         VQS_TYPE_INSTANCE_MANAGER,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_INSTANCE] =
    g_param_spec_object ("instance", NULL, NULL,
                         VQS_TYPE_INSTANCE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               APP_PATH "/ui/vqs-drift-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VqsDriftDialog, accept_button);
  gtk_widget_class_bind_template_child (widget_class, VqsDriftDialog, accept_error_label);
  gtk_widget_class_bind_template_child (widget_class, VqsDriftDialog, accept_spinner);
  gtk_widget_class_bind_template_child (widget_class, VqsDriftDialog, checking_spinner);
  gtk_widget_class_bind_template_child (widget_class, VqsDriftDialog, error_page);
  gtk_widget_class_bind_template_child (widget_class, VqsDriftDialog, groups_box);
  gtk_widget_class_bind_template_child (widget_class, VqsDriftDialog, no_drift_page);
  gtk_widget_class_bind_template_child (widget_class, VqsDriftDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, VqsDriftDialog, summary_label);
  gtk_widget_class_bind_template_child (widget_class, VqsDriftDialog, window_title);
  gtk_widget_class_bind_template_callback (widget_class, on_accept_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_retry_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
vqs_drift_dialog_init (VqsDriftDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * vqs_drift_dialog_new:
 * @manager: the manager that owns @instance
 * @instance: the instance to check
 *
 * Returns: (transfer none): a new dialog, already checking; owned by GTK
 *   until it closes
 */
VqsDriftDialog *
vqs_drift_dialog_new (VqsInstanceManager *manager,
                      VqsInstance        *instance)
{
  g_return_val_if_fail (VQS_IS_INSTANCE_MANAGER (manager), NULL);
  g_return_val_if_fail (VQS_IS_INSTANCE (instance), NULL);

  return g_object_new (VQS_TYPE_DRIFT_DIALOG,
                       "manager", manager,
                       "instance", instance,
                       NULL);
}

VqsInstanceManager *
vqs_drift_dialog_get_manager (VqsDriftDialog *self)
{
  g_return_val_if_fail (VQS_IS_DRIFT_DIALOG (self), NULL);

  return self->manager;
}

VqsInstance *
vqs_drift_dialog_get_instance (VqsDriftDialog *self)
{
  g_return_val_if_fail (VQS_IS_DRIFT_DIALOG (self), NULL);

  return self->instance;
}

/**
 * vqs_drift_dialog_get_busy:
 *
 * Returns: whether a check or an accept is running
 */
gboolean
vqs_drift_dialog_get_busy (VqsDriftDialog *self)
{
  g_return_val_if_fail (VQS_IS_DRIFT_DIALOG (self), FALSE);

  return self->busy;
}
