/* fake-arr.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A fake Sonarr/Radarr to point the app or a benchmark at. It prints its
 * URL as the only line on stdout, then serves until SIGINT or SIGTERM.
 */

#define G_LOG_DOMAIN "vqs-fake-arr"

#include "config.h"

#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>

#include "vqs-fake-arr.h"
#include "vqs-types.h"

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  int       port;
  char     *kind;
  char     *version;
  char     *api_key;
  int       missing;
  int       cutoff;
  char     *url_base;
  gboolean  tls;
  char     *fault;
  char     *instance_name;
} Options;

static void
options_clear (Options *options)
{
  g_free (options->kind);
  g_free (options->version);
  g_free (options->api_key);
  g_free (options->url_base);
  g_free (options->fault);
  g_free (options->instance_name);
}

static gboolean
parse_options (int       *argc,
               char    ***argv,
               Options   *o,
               GError   **error)
{
  const GOptionEntry entries[] = {
    { "port", 0, 0, G_OPTION_ARG_INT, &o->port, "Port to listen on (0 = any free)", "N" },
    { "kind", 0, 0, G_OPTION_ARG_STRING, &o->kind, "sonarr (default) or radarr", "KIND" },
    { "version", 0, 0, G_OPTION_ARG_STRING, &o->version, "Version to report", "V" },
    { "api-key", 0, 0, G_OPTION_ARG_STRING, &o->api_key, "API key to require", "K" },
    { "missing", 0, 0, G_OPTION_ARG_INT, &o->missing, "Missing records (default 25)", "N" },
    { "cutoff", 0, 0, G_OPTION_ARG_INT, &o->cutoff, "Cutoff-unmet records (default 5)", "N" },
    { "url-base", 0, 0, G_OPTION_ARG_STRING, &o->url_base, "URL base, e.g. /sonarr", "PATH" },
    { "tls", 0, 0, G_OPTION_ARG_NONE, &o->tls, "Serve HTTPS with the test certificate", NULL },
    { "fault", 0, 0, G_OPTION_ARG_STRING, &o->fault,
      "Answer every request with a fault: 500, 502, 503, 504, 429, hang, truncated-json, "
      "html, redirect, not-found, wrong-shape, huge", "NAME" },
    { "instance-name", 0, 0, G_OPTION_ARG_STRING, &o->instance_name, "Instance name", "NAME" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- fake Sonarr/Radarr server");

  g_option_context_add_main_entries (context, entries, NULL);
  return g_option_context_parse (context, argc, argv, error);
}

static VqsFakeArr *
create_fake (const Options  *o,
             GError        **error)
{
  g_autoptr(VqsFakeArr) fake = NULL;
  VqsArrKind kind = VQS_ARR_KIND_SONARR;
  VqsFakeFault fault = VQS_FAKE_FAULT_NONE;

  if (o->kind != NULL && !vqs_arr_kind_from_string (o->kind, &kind))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "Unknown kind '%s'",
                   o->kind);
      return NULL;
    }
  if (o->fault != NULL && !vqs_fake_fault_from_string (o->fault, &fault))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "Unknown fault '%s'",
                   o->fault);
      return NULL;
    }
  if (o->missing < 0 || o->cutoff < 0 || o->port < 0 || o->port > 65535)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "Counts and the port must not be negative");
      return NULL;
    }

  fake = vqs_fake_arr_new (kind, o->version, o->api_key);
  vqs_fake_arr_set_wanted_counts (fake, (guint) o->missing, (guint) o->cutoff);
  vqs_fake_arr_set_url_base (fake, o->url_base);
  if (o->instance_name != NULL)
    vqs_fake_arr_set_instance_name (fake, o->instance_name);
  vqs_fake_arr_set_fault (fake, fault, -1);
  if (!vqs_fake_arr_listen (fake, (guint) o->port, o->tls, error))
    return NULL;
  return g_steal_pointer (&fake);
}

int
main (int   argc,
      char *argv[])
{
  Options options = { .missing = 25, .cutoff = 5 };
  g_autoptr(GError) error = NULL;
  g_autoptr(VqsFakeArr) fake = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *url = NULL;
  int status = 0;

  if (!parse_options (&argc, &argv, &options, &error)
      || (fake = create_fake (&options, &error)) == NULL)
    {
      g_printerr ("fake-arr: %s\n", error->message);
      options_clear (&options);
      return 1;
    }

  /* The request log would grow forever in a long-running server. */
  g_signal_connect_swapped (fake, "request", G_CALLBACK (vqs_fake_arr_clear_requests), fake);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);

  url = vqs_fake_arr_get_url (fake);
  printf ("%s\n", url);
  fflush (stdout);

  g_main_loop_run (loop);
  options_clear (&options);
  return status;
}
