/* vqs-ui-test-utils.h
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "vqs-application.h"
#include "vqs-fake-arr.h"
#include "vqs-instance-manager.h"
#include "vqs-window.h"

G_BEGIN_DECLS

#define UI_GOOD_KEY  VQS_FAKE_ARR_DEFAULT_API_KEY
#define UI_WRONG_KEY "ffffffffffffffffffffffffffffffff"

/* A window over its own manager: a database in a temporary folder, the
 * session's real keyring, and a fake Sonarr on 127.0.0.1.
 */
typedef struct
{
  char               *dir;
  VqsInstanceStore   *store;
  VqsSecretStore     *secrets;
  VqsInstanceManager *manager;
  VqsFakeArr         *sonarr;
  char               *sonarr_url;
  VqsWindow          *window;
} UiFixture;

typedef gboolean (*UiCondition) (gpointer data);

void            ui_test_init          (int          *argc,
                                       char       ***argv);
VqsApplication *ui_get_application    (void);
int             ui_test_run           (void);

void            ui_fixture_set_up     (UiFixture     *f,
                                       gconstpointer  data);
void            ui_fixture_tear_down  (UiFixture     *f,
                                       gconstpointer  data);

void            ui_wait_for           (UiCondition    condition,
                                       gpointer       data,
                                       const char    *what);
gboolean        ui_wait_for_within    (UiCondition    condition,
                                       gpointer       data,
                                       guint          limit_ms);
void            ui_wait_idle          (VqsInstanceManager *manager);
void            ui_wait_baseline      (UiFixture     *f,
                                       VqsInstance   *instance);
void            ui_spin               (guint          ms);
void            ui_click              (GtkWidget     *button);
void            ui_activate_shortcut  (GtkWidget     *widget,
                                       const char    *accelerator);

GtkWidget      *ui_child              (gpointer       widget,
                                       GType          template_type,
                                       const char    *name);
GtkWidget      *ui_find_label         (GtkWidget     *root,
                                       const char    *substring);
GtkWidget      *ui_find_button        (GtkWidget     *root,
                                       const char    *label);
GtkWindow      *ui_find_toplevel      (GType          type);
GtkWindow      *ui_wait_toplevel      (GType          type);
GtkWidget      *ui_get_row            (UiFixture     *f,
                                       guint          position);
gboolean        ui_label_shows        (GtkWidget     *label,
                                       const char    *substring);

VqsInstance    *ui_create_instance    (UiFixture     *f,
                                       const char    *name,
                                       const char    *kind,
                                       const char    *url,
                                       const char    *key,
                                       gboolean       verify_tls);
VqsInstance    *ui_create_instance_with (UiFixture                *f,
                                         const VqsInstanceChanges *changes);
VqsInstance    *ui_add_through_dialog (UiFixture     *f,
                                       const char    *name,
                                       const char    *url,
                                       const char    *key);

void            ui_save_screenshot    (GtkWidget     *widget,
                                       const char    *name);

G_END_DECLS
