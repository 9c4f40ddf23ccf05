/* test-drift.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-drift"

#include "config.h"

#include <string.h>

#include "vqs-drift.h"

/* The snapshot only reads the public fields of the models, so the test
 * builds them on the stack instead of going through the JSON parsers.
 */
typedef struct
{
  VqsSystemStatus   status;
  VqsQualityProfile hd;
  VqsQualityProfile uhd;
  VqsRootFolder     tv;
  VqsRootFolder     tv2;
  VqsTag            anime;
  VqsTag            kids;
  char             *hd_allowed[4];
  char             *uhd_allowed[2];
} Config;

static void
config_init (Config *config)
{
  memset (config, 0, sizeof *config);

  config->status.app_name = (char *)"Sonarr";
  config->status.version = (char *)"4.0.9.2421";

  config->hd_allowed[0] = (char *)"WEBDL-1080p";
  config->hd_allowed[1] = (char *)"Bluray-1080p";
  config->hd.id = 4;
  config->hd.name = (char *)"HD-1080p";
  config->hd.cutoff_name = (char *)"Bluray-1080p";
  config->hd.upgrade_allowed = TRUE;
  config->hd.allowed = config->hd_allowed;

  config->uhd_allowed[0] = (char *)"Bluray-2160p";
  config->uhd.id = 5;
  config->uhd.name = (char *)"Ultra-HD";
  config->uhd.cutoff_name = (char *)"Bluray-2160p";
  config->uhd.allowed = config->uhd_allowed;

  config->tv.path = (char *)"/tv";
  config->tv2.path = (char *)"/tv2";
  config->anime.label = (char *)"anime";
  config->kids.label = (char *)"kids";
}

static VqsDriftSnapshot *
config_snapshot (Config   *config,
                 gboolean  with_uhd,
                 gboolean  with_tv2,
                 gboolean  with_kids)
{
  g_autoptr(GPtrArray) profiles = g_ptr_array_new ();
  g_autoptr(GPtrArray) folders = g_ptr_array_new ();
  g_autoptr(GPtrArray) tags = g_ptr_array_new ();

  /* Reversed order on purpose: snapshots must not depend on it. */
  if (with_uhd)
    g_ptr_array_add (profiles, &config->uhd);
  g_ptr_array_add (profiles, &config->hd);
  if (with_tv2)
    g_ptr_array_add (folders, &config->tv2);
  g_ptr_array_add (folders, &config->tv);
  if (with_kids)
    g_ptr_array_add (tags, &config->kids);
  g_ptr_array_add (tags, &config->anime);

  return vqs_drift_snapshot_new (&config->status, profiles, folders, tags);
}

static void
assert_single_change (GPtrArray        *changes,
                      VqsDriftCategory  category,
                      const char       *subject,
                      const char       *before,
                      const char       *after,
                      const char       *description)
{
  const VqsDriftChange *change;

  g_assert_cmpuint (changes->len, ==, 1);
  change = g_ptr_array_index (changes, 0);
  g_assert_cmpint (change->category, ==, category);
  g_assert_cmpstr (change->subject, ==, subject);
  g_assert_cmpstr (change->before, ==, before);
  g_assert_cmpstr (change->after, ==, after);
  g_assert_cmpstr (change->description, ==, description);
}

static void
test_drift_none (void)
{
  Config config;
  g_autoptr(VqsDriftSnapshot) a = NULL;
  g_autoptr(VqsDriftSnapshot) b = NULL;
  g_autoptr(GPtrArray) changes = NULL;

  config_init (&config);
  a = config_snapshot (&config, TRUE, TRUE, TRUE);
  b = config_snapshot (&config, TRUE, TRUE, TRUE);
  changes = vqs_drift_snapshot_compare (a, b);
  g_assert_cmpuint (changes->len, ==, 0);
  g_assert_cmpstr (vqs_drift_snapshot_get_version (a), ==, "4.0.9.2421");
  g_assert_cmpuint (vqs_drift_snapshot_get_n_quality_profiles (a), ==, 2);
}

static void
test_drift_version (void)
{
  Config config;
  g_autoptr(VqsDriftSnapshot) a = NULL;
  g_autoptr(VqsDriftSnapshot) b = NULL;
  g_autoptr(GPtrArray) changes = NULL;

  config_init (&config);
  a = config_snapshot (&config, FALSE, FALSE, FALSE);
  config.status.version = (char *)"4.0.19.2979";
  b = config_snapshot (&config, FALSE, FALSE, FALSE);
  changes = vqs_drift_snapshot_compare (a, b);
  assert_single_change (changes, VQS_DRIFT_CATEGORY_VERSION, "version",
                        "4.0.9.2421", "4.0.19.2979", "Version 4.0.9.2421 → 4.0.19.2979");
}

static void
test_drift_application (void)
{
  Config config;
  g_autoptr(VqsDriftSnapshot) a = NULL;
  g_autoptr(VqsDriftSnapshot) b = NULL;
  g_autoptr(GPtrArray) changes = NULL;

  config_init (&config);
  a = config_snapshot (&config, FALSE, FALSE, FALSE);
  config.status.app_name = (char *)"Radarr";
  b = config_snapshot (&config, FALSE, FALSE, FALSE);
  changes = vqs_drift_snapshot_compare (a, b);
  assert_single_change (changes, VQS_DRIFT_CATEGORY_APPLICATION, "application",
                        "Sonarr", "Radarr", "Application Sonarr → Radarr");
}

static void
test_drift_cutoff (void)
{
  Config config;
  g_autoptr(VqsDriftSnapshot) a = NULL;
  g_autoptr(VqsDriftSnapshot) b = NULL;
  g_autoptr(GPtrArray) changes = NULL;

  config_init (&config);
  a = config_snapshot (&config, FALSE, FALSE, FALSE);
  config.hd.cutoff_name = (char *)"WEBDL-1080p";
  b = config_snapshot (&config, FALSE, FALSE, FALSE);
  changes = vqs_drift_snapshot_compare (a, b);
  assert_single_change (changes, VQS_DRIFT_CATEGORY_QUALITY_PROFILE, "HD-1080p",
                        "Bluray-1080p", "WEBDL-1080p",
                        "Quality profile 'HD-1080p': cutoff Bluray-1080p → WEBDL-1080p");
}

static void
test_drift_upgrade_allowed (void)
{
  Config config;
  g_autoptr(VqsDriftSnapshot) a = NULL;
  g_autoptr(VqsDriftSnapshot) b = NULL;
  g_autoptr(GPtrArray) changes = NULL;

  config_init (&config);
  a = config_snapshot (&config, FALSE, FALSE, FALSE);
  config.hd.upgrade_allowed = FALSE;
  b = config_snapshot (&config, FALSE, FALSE, FALSE);
  changes = vqs_drift_snapshot_compare (a, b);
  assert_single_change (changes, VQS_DRIFT_CATEGORY_QUALITY_PROFILE, "HD-1080p",
                        "true", "false",
                        "Quality profile 'HD-1080p': upgrades are no longer allowed");
}

static void
test_drift_allowed_qualities (void)
{
  Config config;
  g_autoptr(VqsDriftSnapshot) a = NULL;
  g_autoptr(VqsDriftSnapshot) b = NULL;
  g_autoptr(GPtrArray) changes = NULL;

  config_init (&config);
  a = config_snapshot (&config, FALSE, FALSE, FALSE);
  config.hd_allowed[1] = (char *)"Remux-1080p";
  b = config_snapshot (&config, FALSE, FALSE, FALSE);
  changes = vqs_drift_snapshot_compare (a, b);
  assert_single_change (changes, VQS_DRIFT_CATEGORY_QUALITY_PROFILE, "HD-1080p",
                        "WEBDL-1080p, Bluray-1080p", "WEBDL-1080p, Remux-1080p",
                        "Quality profile 'HD-1080p': now allows Remux-1080p "
                        "and no longer allows Bluray-1080p");
}

static void
test_drift_profiles_added_removed (void)
{
  Config config;
  g_autoptr(VqsDriftSnapshot) a = NULL;
  g_autoptr(VqsDriftSnapshot) b = NULL;
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) removed = NULL;

  config_init (&config);
  a = config_snapshot (&config, FALSE, FALSE, FALSE);
  b = config_snapshot (&config, TRUE, FALSE, FALSE);

  added = vqs_drift_snapshot_compare (a, b);
  assert_single_change (added, VQS_DRIFT_CATEGORY_QUALITY_PROFILE, "Ultra-HD",
                        "", "Ultra-HD", "Quality profile 'Ultra-HD' added");
  removed = vqs_drift_snapshot_compare (b, a);
  assert_single_change (removed, VQS_DRIFT_CATEGORY_QUALITY_PROFILE, "Ultra-HD",
                        "Ultra-HD", "", "Quality profile 'Ultra-HD' removed");
}

static void
test_drift_root_folders (void)
{
  Config config;
  g_autoptr(VqsDriftSnapshot) a = NULL;
  g_autoptr(VqsDriftSnapshot) b = NULL;
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) removed = NULL;

  config_init (&config);
  a = config_snapshot (&config, FALSE, FALSE, FALSE);
  b = config_snapshot (&config, FALSE, TRUE, FALSE);

  added = vqs_drift_snapshot_compare (a, b);
  assert_single_change (added, VQS_DRIFT_CATEGORY_ROOT_FOLDER, "/tv2",
                        "", "/tv2", "Root folder /tv2 added");
  removed = vqs_drift_snapshot_compare (b, a);
  assert_single_change (removed, VQS_DRIFT_CATEGORY_ROOT_FOLDER, "/tv2",
                        "/tv2", "", "Root folder /tv2 removed");
}

static void
test_drift_tags (void)
{
  Config config;
  g_autoptr(VqsDriftSnapshot) a = NULL;
  g_autoptr(VqsDriftSnapshot) b = NULL;
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) removed = NULL;

  config_init (&config);
  a = config_snapshot (&config, FALSE, FALSE, FALSE);
  b = config_snapshot (&config, FALSE, FALSE, TRUE);

  added = vqs_drift_snapshot_compare (a, b);
  assert_single_change (added, VQS_DRIFT_CATEGORY_TAG, "kids", "", "kids", "Tag 'kids' added");
  removed = vqs_drift_snapshot_compare (b, a);
  assert_single_change (removed, VQS_DRIFT_CATEGORY_TAG, "kids", "kids", "",
                        "Tag 'kids' removed");
}

static void
test_drift_order (void)
{
  Config config;
  g_autoptr(VqsDriftSnapshot) a = NULL;
  g_autoptr(VqsDriftSnapshot) b = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  static const VqsDriftCategory expected[] = {
    VQS_DRIFT_CATEGORY_VERSION,
    VQS_DRIFT_CATEGORY_QUALITY_PROFILE,
    VQS_DRIFT_CATEGORY_ROOT_FOLDER,
    VQS_DRIFT_CATEGORY_TAG,
  };

  config_init (&config);
  a = config_snapshot (&config, FALSE, FALSE, FALSE);
  config.status.version = (char *)"4.1.0.1";
  b = config_snapshot (&config, TRUE, TRUE, TRUE);
  changes = vqs_drift_snapshot_compare (a, b);

  g_assert_cmpuint (changes->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < changes->len; i++)
    {
      const VqsDriftChange *change = g_ptr_array_index (changes, i);
      g_assert_cmpint (change->category, ==, expected[i]);
    }
}

static void
test_drift_json_round_trip (void)
{
  Config config;
  g_autoptr(VqsDriftSnapshot) a = NULL;
  g_autoptr(VqsDriftSnapshot) b = NULL;
  g_autoptr(VqsDriftSnapshot) changed = NULL;
  g_autoptr(GPtrArray) same = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *json2 = NULL;

  config_init (&config);
  a = config_snapshot (&config, TRUE, TRUE, TRUE);
  json = vqs_drift_snapshot_to_json (a);
  b = vqs_drift_snapshot_new_from_json (json, &error);
  g_assert_no_error (error);
  g_assert_nonnull (b);

  same = vqs_drift_snapshot_compare (a, b);
  g_assert_cmpuint (same->len, ==, 0);
  json2 = vqs_drift_snapshot_to_json (b);
  g_assert_cmpstr (json, ==, json2);

  /* A baseline read back from disk still detects changes. */
  config.hd.cutoff_name = (char *)"WEBDL-1080p";
  changed = config_snapshot (&config, TRUE, TRUE, TRUE);
  changes = vqs_drift_snapshot_compare (b, changed);
  g_assert_cmpuint (changes->len, ==, 1);
}

static void
test_drift_json_invalid (void)
{
  static const char * const bad[] = {
    "",
    "not json",
    "[]",
    "{\"format\": 99}",
    "{\"version\": \"1\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VqsDriftSnapshot) snapshot = vqs_drift_snapshot_new_from_json (bad[i], &error);

      g_assert_null (snapshot);
      g_assert_nonnull (error);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vqs/drift/none", test_drift_none);
  g_test_add_func ("/vqs/drift/version", test_drift_version);
  g_test_add_func ("/vqs/drift/application", test_drift_application);
  g_test_add_func ("/vqs/drift/cutoff", test_drift_cutoff);
  g_test_add_func ("/vqs/drift/upgrade-allowed", test_drift_upgrade_allowed);
  g_test_add_func ("/vqs/drift/allowed-qualities", test_drift_allowed_qualities);
  g_test_add_func ("/vqs/drift/profiles-added-removed", test_drift_profiles_added_removed);
  g_test_add_func ("/vqs/drift/root-folders", test_drift_root_folders);
  g_test_add_func ("/vqs/drift/tags", test_drift_tags);
  g_test_add_func ("/vqs/drift/order", test_drift_order);
  g_test_add_func ("/vqs/drift/json-round-trip", test_drift_json_round_trip);
  g_test_add_func ("/vqs/drift/json-invalid", test_drift_json_invalid);

  return g_test_run ();
}
