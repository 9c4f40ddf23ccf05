/* vqs-application.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vqs-application"

#include "config.h"

#include <glib/gi18n.h>

#include "vqs-application-private.h"
#include "vqs-application.h"
#include "vqs-dbus-service.h"
#include "vqs-instance-manager.h"
#include "vqs-window.h"

struct _VqsApplication
{
  AdwApplication      parent_instance;

  VqsInstanceManager *manager;
  VqsDBusService     *dbus_service;
  gboolean            held_for_work;
};

/* How long a D-Bus-activated service without windows lingers after its
 * last call; VQS_INACTIVITY_TIMEOUT_MS overrides it (tests).
 */
#define SERVICE_INACTIVITY_TIMEOUT_MS 60000

G_DEFINE_FINAL_TYPE (VqsApplication, vqs_application, ADW_TYPE_APPLICATION)

VqsApplication *
vqs_application_new (const char        *application_id,
                     GApplicationFlags  flags)
{
  g_return_val_if_fail (application_id != NULL, NULL);

  return g_object_new (VQS_TYPE_APPLICATION,
                       "application-id", application_id,
                       "flags", flags,
                       "resource-base-path", APP_PATH,
                       NULL);
}

static void
vqs_application_activate (GApplication *app)
{
  GtkWindow *window;

  g_assert (VQS_IS_APPLICATION (app));

  /* One process serves the window and, later, the bus: activating it
   * again presents the existing window instead of opening a second one.
   */
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    window = GTK_WINDOW (vqs_window_new (VQS_APPLICATION (app)));

  gtk_window_present (window);
}

static void
manager_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(VqsApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!vqs_instance_manager_load_finish (VQS_INSTANCE_MANAGER (object), result, &error))
    g_warning ("Could not load the instances: %s", error->message);

  /* Bus calls that arrived during the load are answered now. */
  if (self->dbus_service != NULL)
    vqs_dbus_service_set_ready (self->dbus_service);

  g_application_release (G_APPLICATION (self));
}

/* Work in flight (a save, a connection test, a bus call) must finish even
 * when no window is open, e.g. after D-Bus activation or once the last
 * window closed; one hold covers all of it.
 */
static void
on_work_changed_cb (VqsApplication *self,
                    GParamSpec     *pspec,
                    GObject        *object)
{
  gboolean busy;

  busy = (self->manager != NULL && vqs_instance_manager_get_busy_count (self->manager) > 0) ||
         (self->dbus_service != NULL &&
          vqs_dbus_service_get_pending_calls (self->dbus_service) > 0);

  if (busy == self->held_for_work)
    return;

  self->held_for_work = busy;
  if (busy)
    g_application_hold (G_APPLICATION (self));
  else
    g_application_release (G_APPLICATION (self));
}

/* The bus registration comes before startup, and both need the manager. */
static void
ensure_manager (VqsApplication *self)
{
  g_autoptr(VqsInstanceStore) store = NULL;
  g_autoptr(VqsSecretStore) secrets = NULL;
  g_autofree char *path = NULL;

  if (self->manager != NULL)
    return;

  path = vqs_instance_store_get_default_path ();
  store = vqs_instance_store_new (path);
  secrets = vqs_secret_store_new ();
  self->manager = vqs_instance_manager_new (store, secrets);

  g_signal_connect_object (self->manager, "notify::busy-count",
                           G_CALLBACK (on_work_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
vqs_application_startup (GApplication *app)
{
  VqsApplication *self = VQS_APPLICATION (app);

  G_APPLICATION_CLASS (vqs_application_parent_class)->startup (app);

  _vqs_application_install_actions (self);

  /* One manager serves the window and the bus, so the two always agree.
   * Loading is asynchronous; the hold keeps a headless service alive
   * until the instances are known.
   */
  ensure_manager (self);

  g_application_hold (app);
  vqs_instance_manager_load_async (self->manager, NULL, manager_loaded_cb, g_object_ref (self));
}

static guint
service_inactivity_timeout (void)
{
  const char *env = g_getenv ("VQS_INACTIVITY_TIMEOUT_MS");
  guint64 value;

  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, G_MAXUINT, &value, NULL))
    return (guint)value;

  return SERVICE_INACTIVITY_TIMEOUT_MS;
}

static gboolean
vqs_application_dbus_register (GApplication     *app,
                               GDBusConnection  *connection,
                               const char       *object_path,
                               GError          **error)
{
  VqsApplication *self = VQS_APPLICATION (app);

  if (!G_APPLICATION_CLASS (vqs_application_parent_class)->dbus_register (app, connection,
                                                                          object_path, error))
    return FALSE;

  /* The instances appear on the bus as soon as the manager loads them in
   * startup; until then the service holds back the calls that would see
   * an empty list.
   */
  ensure_manager (self);
  self->dbus_service = vqs_dbus_service_new (self->manager, object_path);
  g_signal_connect_object (self->dbus_service, "notify::pending-calls",
                           G_CALLBACK (on_work_changed_cb), self, G_CONNECT_SWAPPED);

  if (!vqs_dbus_service_export (self->dbus_service, connection, error))
    {
      g_clear_object (&self->dbus_service);
      return FALSE;
    }

  /* Started by the bus (--gapplication-service) and with nothing to do,
   * the process goes away on its own after a while.
   */
  if (g_application_get_flags (app) & G_APPLICATION_IS_SERVICE)
    g_application_set_inactivity_timeout (app, service_inactivity_timeout ());

  return TRUE;
}

static void
vqs_application_dbus_unregister (GApplication    *app,
                                 GDBusConnection *connection,
                                 const char      *object_path)
{
  VqsApplication *self = VQS_APPLICATION (app);

  if (self->dbus_service != NULL)
    {
      vqs_dbus_service_unexport (self->dbus_service);
      g_clear_object (&self->dbus_service);
    }

  G_APPLICATION_CLASS (vqs_application_parent_class)->dbus_unregister (app, connection,
                                                                       object_path);
}

static void
vqs_application_dispose (GObject *object)
{
  VqsApplication *self = VQS_APPLICATION (object);

  g_clear_object (&self->dbus_service);
  g_clear_object (&self->manager);

  G_OBJECT_CLASS (vqs_application_parent_class)->dispose (object);
}

/**
 * vqs_application_get_manager:
 *
 * Returns: (transfer none) (nullable): the instance manager, created at
 *   startup
 */
VqsInstanceManager *
vqs_application_get_manager (VqsApplication *self)
{
  g_return_val_if_fail (VQS_IS_APPLICATION (self), NULL);

  return self->manager;
}

static void
vqs_application_window_added (GtkApplication *app,
                              GtkWindow      *window)
{
  GTK_APPLICATION_CLASS (vqs_application_parent_class)->window_added (app, window);

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (window), "devel");
#endif
}

static int
vqs_application_handle_local_options (GApplication *app,
                                      GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  return G_APPLICATION_CLASS (vqs_application_parent_class)->handle_local_options (app, options);
}

static const GOptionEntry main_entries[] = {
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the application version"), NULL },
  { NULL }
};

static void
vqs_application_class_init (VqsApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  GtkApplicationClass *gtk_app_class = GTK_APPLICATION_CLASS (klass);

  object_class->dispose = vqs_application_dispose;

  app_class->activate = vqs_application_activate;
  app_class->startup = vqs_application_startup;
  app_class->handle_local_options = vqs_application_handle_local_options;
  app_class->dbus_register = vqs_application_dbus_register;
  app_class->dbus_unregister = vqs_application_dbus_unregister;

  gtk_app_class->window_added = vqs_application_window_added;
}

static void
vqs_application_init (VqsApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), main_entries);
}
