/* vqs-instance-dialog.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vqs-instance-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "vqs-instance-dialog.h"
#include "vqs-instance-validate.h"

/* The fields that can be wrong, in form order. */
typedef enum
{
  FIELD_NAME,
  FIELD_URL,
  FIELD_API_KEY,
  FIELD_TIMEOUT,
  FIELD_RATE_LIMIT,
  N_FIELDS
} Field;

static const char * const field_names[N_FIELDS] = {
  VQS_INSTANCE_FIELD_NAME,
  VQS_INSTANCE_FIELD_URL,
  VQS_INSTANCE_FIELD_API_KEY,
  VQS_INSTANCE_FIELD_TIMEOUT,
  VQS_INSTANCE_FIELD_RATE_LIMIT,
};

/* Stand-ins for the fields not under test when one field is checked on
 * its own while adding (see check_field()).
 */
#define PLACEHOLDER_URL "http://localhost"
#define PLACEHOLDER_KEY "00000000000000000000000000000000"

/* Adds an instance, or edits one. Every keystroke is checked with the
 * manager's own rules, and the answer is shown at the field it is about.
 */
struct _VqsInstanceDialog
{
  AdwWindow           parent_instance;

  VqsInstanceManager *manager;
  VqsInstance        *instance;
  GCancellable       *save_cancellable;
  GCancellable       *test_cancellable;
  gboolean            touched[N_FIELDS];
  gboolean            filling;
  gboolean            saving;
  gboolean            testing;

  AdwPasswordEntryRow *api_key_row;
  GtkLabel           *api_key_error_label;
  GtkLabel           *api_key_hint_label;
  GtkButton          *cancel_button;
  GtkBox             *form_box;
  AdwComboRow        *kind_row;
  AdwEntryRow        *name_row;
  GtkLabel           *name_error_label;
  GtkLabel           *rate_limit_error_label;
  AdwActionRow       *rate_limit_row;
  GtkSpinButton      *rate_limit_spin;
  GtkButton          *save_button;
  GtkLabel           *save_error_label;
  GtkSpinner         *save_spinner;
  GtkBox             *security_warning_box;
  GtkLabel           *security_warning_label;
  GtkButton          *test_button;
  GtkLabel           *test_result_label;
  GtkSpinner         *test_spinner;
  GtkStack           *test_stack;
  GtkLabel           *timeout_error_label;
  AdwActionRow       *timeout_row;
  GtkSpinButton      *timeout_spin;
  GtkSwitch          *tls_switch;
  GtkLabel           *url_error_label;
  AdwEntryRow        *url_row;
  AdwWindowTitle     *window_title;
};

G_DEFINE_FINAL_TYPE (VqsInstanceDialog, vqs_instance_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_MANAGER,
  PROP_INSTANCE,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GtkWidget *
field_row (VqsInstanceDialog *self,
           Field              field)
{
  GtkWidget *rows[N_FIELDS] = {
    GTK_WIDGET (self->name_row),
    GTK_WIDGET (self->url_row),
    GTK_WIDGET (self->api_key_row),
    GTK_WIDGET (self->timeout_row),
    GTK_WIDGET (self->rate_limit_row),
  };

  g_assert (field < N_FIELDS);

  return rows[field];
}

static GtkLabel *
field_error_label (VqsInstanceDialog *self,
                   Field              field)
{
  GtkLabel *labels[N_FIELDS] = {
    self->name_error_label,
    self->url_error_label,
    self->api_key_error_label,
    self->timeout_error_label,
    self->rate_limit_error_label,
  };

  g_assert (field < N_FIELDS);

  return labels[field];
}

static int
field_from_error (const GError *error)
{
  const char *name = vqs_instance_error_get_field (error);

  for (guint i = 0; name != NULL && i < N_FIELDS; i++)
    {
      if (g_str_equal (name, field_names[i]))
        return i;
    }

  return -1;
}

/* Fills @changes with what the form says. The strings belong to the
 * entries and stay valid until the next edit. When editing, an empty
 * API key means "keep the stored one".
 */
static void
read_form (VqsInstanceDialog  *self,
           VqsInstanceChanges *changes)
{
  const char *key = gtk_editable_get_text (GTK_EDITABLE (self->api_key_row));

  *changes = (VqsInstanceChanges)VQS_INSTANCE_CHANGES_INIT;
  changes->name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  changes->kind = adw_combo_row_get_selected (self->kind_row) == 1 ? "radarr" : "sonarr";
  changes->url = gtk_editable_get_text (GTK_EDITABLE (self->url_row));
  changes->api_key = (self->instance != NULL && *key == '\0') ? NULL : key;
  changes->verify_tls = gtk_switch_get_active (self->tls_switch);
  changes->timeout_seconds = gtk_spin_button_get_value_as_int (self->timeout_spin);
  changes->rate_limit_per_minute = gtk_spin_button_get_value_as_int (self->rate_limit_spin);
}

static gboolean
field_is_empty (VqsInstanceDialog *self,
                Field              field)
{
  GtkWidget *row = field_row (self, field);

  if (!GTK_IS_EDITABLE (row))
    return FALSE;

  return *gtk_editable_get_text (GTK_EDITABLE (row)) == '\0';
}

static char *
placeholder_name (VqsInstanceDialog *self)
{
  for (guint i = 0; ; i++)
    {
      g_autofree char *name = g_strdup_printf ("Placeholder %u", i);

      if (vqs_instance_manager_find_by_name (self->manager, name) == NULL)
        return g_steal_pointer (&name);
    }
}

/* Asks the manager about one field alone. When editing, the fields left
 * unset keep the instance's stored (valid) values; when adding, they get
 * stand-ins that are known to pass, so the answer is about @field only.
 */
static GError *
check_field (VqsInstanceDialog        *self,
             Field                     field,
             const VqsInstanceChanges *form)
{
  VqsInstanceChanges changes = VQS_INSTANCE_CHANGES_INIT;
  g_autofree char *placeholder = NULL;
  GError *error = NULL;

  changes.kind = form->kind;
  if (self->instance == NULL)
    {
      placeholder = placeholder_name (self);
      changes.name = placeholder;
      changes.url = PLACEHOLDER_URL;
      changes.api_key = PLACEHOLDER_KEY;
    }

  switch (field)
    {
    case FIELD_NAME: changes.name = form->name; break;
    case FIELD_URL: changes.url = form->url; break;
    case FIELD_API_KEY: changes.api_key = form->api_key; break;
    case FIELD_TIMEOUT: changes.timeout_seconds = form->timeout_seconds; break;
    case FIELD_RATE_LIMIT: changes.rate_limit_per_minute = form->rate_limit_per_minute; break;
    case N_FIELDS:
    default:
      g_assert_not_reached ();
    }

  vqs_instance_manager_validate (self->manager, self->instance, &changes, &error);

  return error;
}

static void
show_field_error (VqsInstanceDialog *self,
                  Field              field,
                  const GError      *error)
{
  GtkLabel *label = field_error_label (self, field);
  GtkWidget *row = field_row (self, field);

  /* A required field the user has not reached yet is not an error. */
  if (error != NULL && !self->touched[field] && field_is_empty (self, field))
    error = NULL;

  if (error != NULL)
    {
      gtk_label_set_label (label, error->message);
      gtk_widget_add_css_class (row, "error");
    }
  else
    {
      gtk_widget_remove_css_class (row, "error");
    }

  gtk_widget_set_visible (GTK_WIDGET (label), error != NULL);
}

static void
update_security_warning (VqsInstanceDialog *self)
{
  g_autofree char *warning = NULL;

  warning = vqs_instance_compute_security_warning (
    gtk_editable_get_text (GTK_EDITABLE (self->url_row)),
    gtk_switch_get_active (self->tls_switch));

  gtk_label_set_label (self->security_warning_label, warning ? warning : "");
  gtk_widget_set_visible (GTK_WIDGET (self->security_warning_box), warning != NULL);
}

static void
validate_form (VqsInstanceDialog *self)
{
  GError *errors[N_FIELDS] = { NULL };
  g_autoptr(GError) error = NULL;
  VqsInstanceChanges form;
  gboolean valid;

  if (self->filling)
    return;

  read_form (self, &form);
  for (guint i = 0; i < N_FIELDS; i++)
    errors[i] = check_field (self, i, &form);

  /* The whole form also has to pass: this is what Save will send. */
  valid = vqs_instance_manager_validate (self->manager, self->instance, &form, &error);
  if (!valid)
    {
      int field = field_from_error (error);

      if (field >= 0 && errors[field] == NULL)
        errors[field] = g_steal_pointer (&error);
    }

  for (guint i = 0; i < N_FIELDS; i++)
    {
      show_field_error (self, i, errors[i]);
      g_clear_error (&errors[i]);
    }

  update_security_warning (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), valid && !self->saving);
}

static void
on_field_changed_cb (VqsInstanceDialog *self,
                     GtkWidget         *widget)
{
  if (self->filling)
    return;

  for (guint i = 0; i < N_FIELDS; i++)
    {
      GtkWidget *row = field_row (self, i);

      if (row == widget || gtk_widget_is_ancestor (widget, row))
        self->touched[i] = TRUE;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->save_error_label), FALSE);
  validate_form (self);
}

static void
on_kind_changed_cb (VqsInstanceDialog *self)
{
  validate_form (self);
}

static void
on_tls_changed_cb (VqsInstanceDialog *self)
{
  validate_form (self);
}

static void
set_saving (VqsInstanceDialog *self,
            gboolean           saving)
{
  self->saving = saving;
  gtk_widget_set_sensitive (GTK_WIDGET (self->form_box), !saving);
  gtk_widget_set_visible (GTK_WIDGET (self->save_spinner), saving);
  gtk_spinner_set_spinning (self->save_spinner, saving);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  validate_form (self);
}

/* Errors from saving: a field's (a name taken meanwhile) goes to the
 * field, anything else (the keyring) above the form. What was typed
 * stays.
 */
static void
show_save_error (VqsInstanceDialog *self,
                 const GError      *error)
{
  int field = field_from_error (error);

  if (field >= 0)
    {
      self->touched[field] = TRUE;
      show_field_error (self, field, error);
      gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), FALSE);
      return;
    }

  gtk_label_set_label (self->save_error_label, error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->save_error_label), TRUE);
}

/* Callbacks hold no reference: closing the dialog disposes it, which
 * cancels the work, and a cancelled result returns before touching it.
 */
static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  VqsInstanceManager *manager = VQS_INSTANCE_MANAGER (object);
  g_autoptr(VqsInstance) created = NULL;
  g_autoptr(GError) error = NULL;
  VqsInstanceDialog *self;
  gboolean ok;

  if (g_async_result_is_tagged (result, vqs_instance_manager_create_async))
    ok = (created = vqs_instance_manager_create_finish (manager, result, &error)) != NULL;
  else
    ok = vqs_instance_manager_update_finish (manager, result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = VQS_INSTANCE_DIALOG (user_data);
  g_clear_object (&self->save_cancellable);
  set_saving (self, FALSE);

  if (ok)
    gtk_window_destroy (GTK_WINDOW (self));
  else
    show_save_error (self, error);
}

static void
on_save_clicked_cb (VqsInstanceDialog *self)
{
  VqsInstanceChanges form;

  if (self->saving || !gtk_widget_get_sensitive (GTK_WIDGET (self->save_button)))
    return;

  read_form (self, &form);
  self->save_cancellable = g_cancellable_new ();
  gtk_widget_set_visible (GTK_WIDGET (self->save_error_label), FALSE);

  if (self->instance == NULL)
    vqs_instance_manager_create_async (self->manager, &form, self->save_cancellable,
                                       saved_cb, self);
  else
    vqs_instance_manager_update_async (self->manager, self->instance, &form,
                                       self->save_cancellable, saved_cb, self);

  set_saving (self, TRUE);
}

static void
set_test_result (VqsInstanceDialog *self,
                 const char        *text,
                 gboolean           success)
{
  gtk_label_set_label (self->test_result_label, text);
  gtk_widget_remove_css_class (GTK_WIDGET (self->test_result_label),
                               success ? "error" : "success");
  gtk_widget_add_css_class (GTK_WIDGET (self->test_result_label),
                            success ? "success" : "error");
  gtk_widget_set_visible (GTK_WIDGET (self->test_result_label), TRUE);
}

static void
set_testing (VqsInstanceDialog *self,
             gboolean           testing)
{
  self->testing = testing;
  gtk_stack_set_visible_child_name (self->test_stack, testing ? "spinner" : "button");
  gtk_spinner_set_spinning (self->test_spinner, testing);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
settings_tested_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  VqsInstanceDialog *self = user_data;
  g_autoptr(VqsConnectionTest) test = NULL;
  g_autoptr(GError) error = NULL;

  test = vqs_instance_manager_test_settings_finish (VQS_INSTANCE_MANAGER (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_testing (self, FALSE);

  if (test == NULL)
    set_test_result (self, error->message, FALSE);
  else if (test->success)
    set_test_result (self, test->message, TRUE);
  else
    set_test_result (self, test->error_details, FALSE);
}

static void
on_test_clicked_cb (VqsInstanceDialog *self)
{
  VqsInstanceChanges form;

  read_form (self, &form);

  /* The name plays no part in a connection test. */
  form.name = NULL;

  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  self->test_cancellable = g_cancellable_new ();

  gtk_widget_set_visible (GTK_WIDGET (self->test_result_label), FALSE);
  set_testing (self, TRUE);
  vqs_instance_manager_test_settings_async (self->manager, self->instance, &form,
                                            self->test_cancellable,
                                            settings_tested_cb, self);
}

static void
fill_from_instance (VqsInstanceDialog *self)
{
  VqsInstance *instance = self->instance;

  self->filling = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), vqs_instance_get_name (instance));
  adw_combo_row_set_selected (self->kind_row,
                              vqs_instance_get_kind (instance) == VQS_ARR_KIND_RADARR ? 1 : 0);
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), vqs_instance_get_url (instance));
  gtk_switch_set_active (self->tls_switch, vqs_instance_get_verify_tls (instance));
  gtk_spin_button_set_value (self->timeout_spin, vqs_instance_get_timeout_seconds (instance));
  gtk_spin_button_set_value (self->rate_limit_spin,
                             vqs_instance_get_rate_limit_per_minute (instance));
  self->filling = FALSE;
}

static void
fill_defaults (VqsInstanceDialog *self)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  self->filling = TRUE;
  gtk_spin_button_set_value (self->timeout_spin,
                             g_settings_get_uint (settings, "default-timeout-seconds"));
  gtk_spin_button_set_value (self->rate_limit_spin,
                             g_settings_get_uint (settings, "default-rate-limit-per-minute"));
  self->filling = FALSE;
}

static void
vqs_instance_dialog_constructed (GObject *object)
{
  VqsInstanceDialog *self = VQS_INSTANCE_DIALOG (object);
  gboolean adding = self->instance == NULL;

  G_OBJECT_CLASS (vqs_instance_dialog_parent_class)->constructed (object);

  g_assert (VQS_IS_INSTANCE_MANAGER (self->manager));

  gtk_window_set_title (GTK_WINDOW (self), adding ? _("Add Instance") : _("Edit Instance"));
  adw_window_title_set_title (self->window_title,
                              adding ? _("Add Instance") : _("Edit Instance"));
  gtk_button_set_label (self->save_button, adding ? _("_Add") : _("_Save"));
  /* Without this, GTK 4.8 reads the mnemonic underscore out ("_Add"). */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->save_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, adding ? _("Add") : _("Save"),
                                  -1);
  gtk_label_set_label (self->api_key_hint_label,
                       adding
                       ? _("You find the API key in the server’s web interface, under "
                           "Settings → General.")
                       : _("Leave the API key empty to keep the one stored in the keyring."));

  if (adding)
    fill_defaults (self);
  else
    fill_from_instance (self);

  validate_form (self);
}

static void
vqs_instance_dialog_dispose (GObject *object)
{
  VqsInstanceDialog *self = VQS_INSTANCE_DIALOG (object);

  /* Closing the dialog abandons what it started. */
  g_cancellable_cancel (self->save_cancellable);
  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->save_cancellable);
  g_clear_object (&self->test_cancellable);
  g_clear_object (&self->instance);
  g_clear_object (&self->manager);

  G_OBJECT_CLASS (vqs_instance_dialog_parent_class)->dispose (object);
}

static void
vqs_instance_dialog_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  VqsInstanceDialog *self = VQS_INSTANCE_DIALOG (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      g_value_set_object (value, vqs_instance_dialog_get_manager (self));
      break;

    case PROP_INSTANCE:
      g_value_set_object (value, vqs_instance_dialog_get_instance (self));
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, vqs_instance_dialog_get_busy (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vqs_instance_dialog_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  VqsInstanceDialog *self = VQS_INSTANCE_DIALOG (object);

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
vqs_instance_dialog_class_init (VqsInstanceDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vqs_instance_dialog_constructed;
  object_class->dispose = vqs_instance_dialog_dispose;
  object_class->get_property = vqs_instance_dialog_get_property;
  object_class->set_property = vqs_instance_dialog_set_property;

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
                                               APP_PATH "/ui/vqs-instance-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceDialog, api_key_error_label);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceDialog, api_key_hint_label);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceDialog, api_key_row);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceDialog, form_box);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceDialog, kind_row);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceDialog, name_error_label);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceDialog, rate_limit_error_label);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceDialog, rate_limit_row);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceDialog, rate_limit_spin);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceDialog, save_error_label);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceDialog, save_spinner);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceDialog, security_warning_box);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceDialog, security_warning_label);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceDialog, test_button);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceDialog, test_result_label);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceDialog, test_spinner);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceDialog, test_stack);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceDialog, timeout_error_label);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceDialog, timeout_row);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceDialog, timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceDialog, tls_switch);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceDialog, url_error_label);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceDialog, url_row);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceDialog, window_title);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_kind_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_save_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_test_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_tls_changed_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
vqs_instance_dialog_init (VqsInstanceDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * vqs_instance_dialog_new:
 * @manager: the manager to save through
 * @instance: (nullable): the instance to edit, or %NULL to add one
 *
 * Returns: (transfer none): a new dialog, owned by GTK until it closes
 */
VqsInstanceDialog *
vqs_instance_dialog_new (VqsInstanceManager *manager,
                         VqsInstance        *instance)
{
  g_return_val_if_fail (VQS_IS_INSTANCE_MANAGER (manager), NULL);
  g_return_val_if_fail (instance == NULL || VQS_IS_INSTANCE (instance), NULL);

  return g_object_new (VQS_TYPE_INSTANCE_DIALOG,
                       "manager", manager,
                       "instance", instance,
                       NULL);
}

VqsInstanceManager *
vqs_instance_dialog_get_manager (VqsInstanceDialog *self)
{
  g_return_val_if_fail (VQS_IS_INSTANCE_DIALOG (self), NULL);

  return self->manager;
}

VqsInstance *
vqs_instance_dialog_get_instance (VqsInstanceDialog *self)
{
  g_return_val_if_fail (VQS_IS_INSTANCE_DIALOG (self), NULL);

  return self->instance;
}

/**
 * vqs_instance_dialog_get_busy:
 *
 * Returns: whether a save or a connection test is running
 */
gboolean
vqs_instance_dialog_get_busy (VqsInstanceDialog *self)
{
  g_return_val_if_fail (VQS_IS_INSTANCE_DIALOG (self), FALSE);

  return self->saving || self->testing;
}
