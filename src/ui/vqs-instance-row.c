/* vqs-instance-row.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vqs-instance-row"

#include "config.h"

#include <glib/gi18n.h>

#include "vqs-instance-row-private.h"

/* How often "2 minutes ago" is brought up to date. */
#define REFRESH_SECONDS 30

/* One instance in the main list. It follows the instance through notify,
 * so changes from the bus, the dialogs and background tests all show up,
 * and it runs its own connection test so that other rows stay usable.
 */
struct _VqsInstanceRow
{
  GtkListBoxRow       parent_instance;

  VqsInstanceManager *manager;
  VqsInstance        *instance;
  GCancellable       *cancellable;
  guint               refresh_id;
  gboolean            testing;

  GtkImage           *kind_image;
  GtkMenuButton      *menu_button;
  GtkLabel           *name_label;
  GtkLabel           *status_label;
  GtkLabel           *subtitle_label;
  GtkButton          *test_button;
  GtkSpinner         *test_spinner;
  GtkStack           *test_stack;
  GtkLabel           *time_label;
  GtkImage           *warning_image;
};

G_DEFINE_FINAL_TYPE (VqsInstanceRow, vqs_instance_row, GTK_TYPE_LIST_BOX_ROW)

enum {
  PROP_0,
  PROP_MANAGER,
  PROP_INSTANCE,
  PROP_TESTING,
  N_PROPS
};

enum {
  TESTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

char *
_vqs_instance_row_format_relative_time (GDateTime *then,
                                        GDateTime *now)
{
  GTimeSpan span;
  gint64 n;

  g_return_val_if_fail (then != NULL, NULL);
  g_return_val_if_fail (now != NULL, NULL);

  /* A clock that moved backwards still reads as "just now". */
  span = MAX (0, g_date_time_difference (now, then));

  if (span < G_TIME_SPAN_MINUTE)
    return g_strdup (_("just now"));

  if (span < G_TIME_SPAN_HOUR)
    {
      n = span / G_TIME_SPAN_MINUTE;
      return g_strdup_printf (ngettext ("%d minute ago", "%d minutes ago", n), (int)n);
    }

  if (span < G_TIME_SPAN_DAY)
    {
      n = span / G_TIME_SPAN_HOUR;
      return g_strdup_printf (ngettext ("%d hour ago", "%d hours ago", n), (int)n);
    }

  n = span / G_TIME_SPAN_DAY;
  return g_strdup_printf (ngettext ("%d day ago", "%d days ago", n), (int)n);
}

static void
set_status_class (VqsInstanceRow *self,
                  const char     *css_class)
{
  static const char * const classes[] = { "success", "error", "dim-label" };

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    {
      if (g_strcmp0 (classes[i], css_class) == 0)
        gtk_widget_add_css_class (GTK_WIDGET (self->status_label), classes[i]);
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), classes[i]);
    }
}

static void
update_time (VqsInstanceRow *self)
{
  GDateTime *tested = vqs_instance_get_last_connection_test (self->instance);
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *relative = NULL;
  g_autofree char *text = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->time_label), tested != NULL);
  if (tested == NULL)
    return;

  now = g_date_time_new_now_utc ();
  relative = _vqs_instance_row_format_relative_time (tested, now);
  /* Translators: %s is a relative time such as "2 minutes ago" */
  text = g_strdup_printf (_("Tested %s"), relative);
  gtk_label_set_label (self->time_label, text);
}

static void
update_health (VqsInstanceRow *self)
{
  const char *error = vqs_instance_get_last_error (self->instance);

  if (vqs_instance_get_last_connection_test (self->instance) == NULL)
    {
      gtk_label_set_label (self->status_label, _("Not tested yet"));
      set_status_class (self, "dim-label");
    }
  else if (vqs_instance_get_is_healthy (self->instance))
    {
      gtk_label_set_label (self->status_label, _("Healthy"));
      set_status_class (self, "success");
    }
  else
    {
      gtk_label_set_label (self->status_label,
                           error != NULL && *error != '\0'
                           ? error : _("The last connection test failed."));
      set_status_class (self, "error");
    }

  update_time (self);
}

static void
update_identity (VqsInstanceRow *self)
{
  VqsArrKind kind = vqs_instance_get_kind (self->instance);
  const char *name = vqs_instance_get_name (self->instance);
  const char *url = vqs_instance_get_url (self->instance);
  const char *version = vqs_instance_get_version (self->instance);
  const char *kind_name = vqs_arr_kind_display_name (kind);
  g_autofree char *subtitle = NULL;

  gtk_image_set_from_icon_name (self->kind_image, kind == VQS_ARR_KIND_RADARR
                                                  ? "vqs-radarr-symbolic"
                                                  : "vqs-sonarr-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->kind_image), kind_name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->kind_image),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, kind_name,
                                  -1);

  gtk_label_set_label (self->name_label, name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                  -1);

  if (version != NULL && *version != '\0')
    /* Translators: "http://nas:8989 · Sonarr 4.0.19.2979" */
    subtitle = g_strdup_printf (_("%s · %s %s"), url, kind_name, version);
  else
    subtitle = g_strdup (url);
  gtk_label_set_label (self->subtitle_label, subtitle);
}

static void
update_warning (VqsInstanceRow *self)
{
  const char *warning = vqs_instance_get_security_warning (self->instance);
  gboolean has_warning = warning != NULL && *warning != '\0';

  gtk_widget_set_visible (GTK_WIDGET (self->warning_image), has_warning);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->warning_image), has_warning ? warning : NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->warning_image),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, has_warning ? warning : "",
                                  -1);
}

static void
on_instance_notify_cb (VqsInstanceRow *self,
                       GParamSpec     *pspec,
                       VqsInstance    *instance)
{
  const char *name = pspec->name;

  if (g_str_equal (name, "name") || g_str_equal (name, "kind") ||
      g_str_equal (name, "url") || g_str_equal (name, "version"))
    update_identity (self);
  else if (g_str_equal (name, "is-healthy") || g_str_equal (name, "last-error") ||
           g_str_equal (name, "last-connection-test"))
    update_health (self);
  else if (g_str_equal (name, "security-warning"))
    update_warning (self);
}

static gboolean
refresh_time_cb (gpointer user_data)
{
  update_time (VQS_INSTANCE_ROW (user_data));

  return G_SOURCE_CONTINUE;
}

static void
set_testing (VqsInstanceRow *self,
             gboolean        testing)
{
  if (self->testing == testing)
    return;

  self->testing = testing;
  /* An idle GtkSpinner draws nothing, so it only spins while shown. */
  gtk_spinner_set_spinning (self->test_spinner, testing);
  gtk_stack_set_visible_child_name (self->test_stack, testing ? "spinner" : "button");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.test", !testing);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TESTING]);
}

static void
connection_tested_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  VqsInstanceRow *self = user_data;
  g_autoptr(VqsConnectionTest) test = NULL;
  g_autoptr(GError) error = NULL;

  test = vqs_instance_manager_test_connection_finish (VQS_INSTANCE_MANAGER (object), result,
                                                      &error);

  /* The row went away, and its dispose cancelled the test: @self may be
   * gone, so it holds no reference and is not touched.
   */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_testing (self, FALSE);

  if (test == NULL)
    {
      g_warning ("Could not test instance %" G_GINT64_FORMAT ": %s",
                 vqs_instance_get_id (self->instance), error->message);
      return;
    }

  g_signal_emit (self, signals[TESTED], 0, test);
}

static void
test_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VqsInstanceRow *self = VQS_INSTANCE_ROW (widget);

  if (self->testing)
    return;

  set_testing (self, TRUE);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  vqs_instance_manager_test_connection_async (self->manager, self->instance, self->cancellable,
                                              connection_tested_cb, self);
}

/* Edit, drift and delete open windows, which belong to the main window:
 * the row forwards them as window actions with the instance id.
 */
static void
forward_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  VqsInstanceRow *self = VQS_INSTANCE_ROW (widget);
  const char *window_action;

  if (g_str_equal (action_name, "row.edit"))
    window_action = "win.edit-instance";
  else if (g_str_equal (action_name, "row.check-drift"))
    window_action = "win.check-drift";
  else
    window_action = "win.delete-instance";

  gtk_widget_activate_action (widget, window_action, "x", vqs_instance_get_id (self->instance));
}

static void
vqs_instance_row_constructed (GObject *object)
{
  VqsInstanceRow *self = VQS_INSTANCE_ROW (object);

  G_OBJECT_CLASS (vqs_instance_row_parent_class)->constructed (object);

  g_assert (VQS_IS_INSTANCE_MANAGER (self->manager));
  g_assert (VQS_IS_INSTANCE (self->instance));

  g_signal_connect_object (self->instance, "notify", G_CALLBACK (on_instance_notify_cb),
                           self, G_CONNECT_SWAPPED);
  update_identity (self);
  update_health (self);
  update_warning (self);
}

static void
vqs_instance_row_dispose (GObject *object)
{
  VqsInstanceRow *self = VQS_INSTANCE_ROW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->instance != NULL)
    g_signal_handlers_disconnect_by_data (self->instance, self);
  g_clear_object (&self->instance);
  g_clear_object (&self->manager);

  G_OBJECT_CLASS (vqs_instance_row_parent_class)->dispose (object);
}

static void
vqs_instance_row_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  VqsInstanceRow *self = VQS_INSTANCE_ROW (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      g_value_set_object (value, vqs_instance_row_get_manager (self));
      break;

    case PROP_INSTANCE:
      g_value_set_object (value, vqs_instance_row_get_instance (self));
      break;

    case PROP_TESTING:
      g_value_set_boolean (value, vqs_instance_row_get_testing (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vqs_instance_row_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  VqsInstanceRow *self = VQS_INSTANCE_ROW (object);

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
vqs_instance_row_class_init (VqsInstanceRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vqs_instance_row_constructed;
  object_class->dispose = vqs_instance_row_dispose;
  object_class->get_property = vqs_instance_row_get_property;
  object_class->set_property = vqs_instance_row_set_property;

  properties[PROP_MANAGER] =
    g_param_spec_object ("manager", NULL, NULL,
                         VQS_TYPE_INSTANCE_MANAGER,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_INSTANCE] =
    g_param_spec_object ("instance", NULL, NULL,
                         VQS_TYPE_INSTANCE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_TESTING] =
    g_param_spec_boolean ("testing", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VqsInstanceRow::tested:
   * @test: the outcome of the connection test the row ran
   */
  signals[TESTED] =
    g_signal_new ("tested",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, VQS_TYPE_CONNECTION_TEST | G_SIGNAL_TYPE_STATIC_SCOPE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               APP_PATH "/ui/vqs-instance-row.ui");
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceRow, kind_image);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceRow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceRow, test_button);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceRow, test_spinner);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceRow, test_stack);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, VqsInstanceRow, warning_image);

  gtk_widget_class_install_action (widget_class, "row.test", NULL, test_action);
  gtk_widget_class_install_action (widget_class, "row.edit", NULL, forward_action);
  gtk_widget_class_install_action (widget_class, "row.check-drift", NULL, forward_action);
  gtk_widget_class_install_action (widget_class, "row.delete", NULL, forward_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "row.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "row.delete", NULL);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LIST_ITEM);
}

static void
vqs_instance_row_init (VqsInstanceRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->refresh_id = g_timeout_add_seconds (REFRESH_SECONDS, refresh_time_cb, self);
}

/**
 * vqs_instance_row_new:
 * @manager: the manager that owns @instance
 * @instance: the instance to show
 *
 * Returns: (transfer floating): a new row
 */
GtkWidget *
vqs_instance_row_new (VqsInstanceManager *manager,
                      VqsInstance        *instance)
{
  g_return_val_if_fail (VQS_IS_INSTANCE_MANAGER (manager), NULL);
  g_return_val_if_fail (VQS_IS_INSTANCE (instance), NULL);

  return g_object_new (VQS_TYPE_INSTANCE_ROW,
                       "manager", manager,
                       "instance", instance,
                       NULL);
}

VqsInstance *
vqs_instance_row_get_instance (VqsInstanceRow *self)
{
  g_return_val_if_fail (VQS_IS_INSTANCE_ROW (self), NULL);

  return self->instance;
}

VqsInstanceManager *
vqs_instance_row_get_manager (VqsInstanceRow *self)
{
  g_return_val_if_fail (VQS_IS_INSTANCE_ROW (self), NULL);

  return self->manager;
}

gboolean
vqs_instance_row_get_testing (VqsInstanceRow *self)
{
  g_return_val_if_fail (VQS_IS_INSTANCE_ROW (self), FALSE);

  return self->testing;
}
