/* test-instance.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-instance"

#include "config.h"

#include <string.h>

#include "vqs-enums.h"
#include "vqs-instance-private.h"
#include "vqs-instance-validate.h"
#include "vqs-instance.h"

#define GOOD_KEY "0123456789abcdef0123456789ABCDEF"

typedef enum
{
  CHECK_NAME,
  CHECK_URL,
  CHECK_API_KEY,
  CHECK_TIMEOUT,
  CHECK_RATE_LIMIT,
  CHECK_KIND,
} Check;

typedef struct
{
  Check       check;
  const char *text;
  int         number;
  int         code;
  const char *field;
} BadInput;

#define INVALID VQS_INSTANCE_ERROR_INVALID_ARGUMENT

static const BadInput bad_inputs[] = {
  /* Names */
  { CHECK_NAME, NULL, 0, INVALID, VQS_INSTANCE_FIELD_NAME },
  { CHECK_NAME, "", 0, INVALID, VQS_INSTANCE_FIELD_NAME },
  { CHECK_NAME, "    ", 0, INVALID, VQS_INSTANCE_FIELD_NAME },
  { CHECK_NAME, "\u00a0\u3000\t", 0, INVALID, VQS_INSTANCE_FIELD_NAME },
  { CHECK_NAME, "ab", 0, INVALID, VQS_INSTANCE_FIELD_NAME },
  { CHECK_NAME, "  ab  ", 0, INVALID, VQS_INSTANCE_FIELD_NAME },
  { CHECK_NAME, "é", 0, INVALID, VQS_INSTANCE_FIELD_NAME },
  { CHECK_NAME, "Son\narr", 0, INVALID, VQS_INSTANCE_FIELD_NAME },
  { CHECK_NAME, "Son\tarr", 0, INVALID, VQS_INSTANCE_FIELD_NAME },
  { CHECK_NAME, "\x01Sonarr", 0, INVALID, VQS_INSTANCE_FIELD_NAME },
  { CHECK_NAME, "Sonarr\x7f", 0, INVALID, VQS_INSTANCE_FIELD_NAME },
  { CHECK_NAME, "Son\u200barr", 0, INVALID, VQS_INSTANCE_FIELD_NAME },
  { CHECK_NAME, "Sonarr\u202e", 0, INVALID, VQS_INSTANCE_FIELD_NAME },
  { CHECK_NAME, "\xff\xfeSonarr", 0, INVALID, VQS_INSTANCE_FIELD_NAME },
  { CHECK_NAME, "Son\xc3\x28rr", 0, INVALID, VQS_INSTANCE_FIELD_NAME },
  { CHECK_NAME, "123456789012345678901234567890123456789012345678901", 0, INVALID,
    VQS_INSTANCE_FIELD_NAME },
  { CHECK_NAME, "ééééééééééééééééééééééééééééééééééééééééééééééééééé", 0, INVALID,
    VQS_INSTANCE_FIELD_NAME },

  /* URLs */
  { CHECK_URL, NULL, 0, INVALID, VQS_INSTANCE_FIELD_URL },
  { CHECK_URL, "", 0, INVALID, VQS_INSTANCE_FIELD_URL },
  { CHECK_URL, "   ", 0, INVALID, VQS_INSTANCE_FIELD_URL },
  { CHECK_URL, "nas:8989", 0, INVALID, VQS_INSTANCE_FIELD_URL },
  { CHECK_URL, "192.168.1.5:8989", 0, INVALID, VQS_INSTANCE_FIELD_URL },
  { CHECK_URL, "localhost", 0, INVALID, VQS_INSTANCE_FIELD_URL },
  { CHECK_URL, "http:/nas", 0, INVALID, VQS_INSTANCE_FIELD_URL },
  { CHECK_URL, "ftp://nas", 0, INVALID, VQS_INSTANCE_FIELD_URL },
  { CHECK_URL, "ws://nas:8989", 0, INVALID, VQS_INSTANCE_FIELD_URL },
  { CHECK_URL, "file:///etc/passwd", 0, INVALID, VQS_INSTANCE_FIELD_URL },
  { CHECK_URL, "http://", 0, INVALID, VQS_INSTANCE_FIELD_URL },
  { CHECK_URL, "http:///sonarr", 0, INVALID, VQS_INSTANCE_FIELD_URL },
  { CHECK_URL, "http://:8989", 0, INVALID, VQS_INSTANCE_FIELD_URL },
  { CHECK_URL, "http://user:secretpass@nas:8989", 0, INVALID, VQS_INSTANCE_FIELD_URL },
  { CHECK_URL, "http://user@nas", 0, INVALID, VQS_INSTANCE_FIELD_URL },
  { CHECK_URL, "http://nas:8989/api?apikey=0123456789abcdef0123", 0, INVALID,
    VQS_INSTANCE_FIELD_URL },
  { CHECK_URL, "http://nas:8989/?", 0, INVALID, VQS_INSTANCE_FIELD_URL },
  { CHECK_URL, "http://nas:8989/#settings", 0, INVALID, VQS_INSTANCE_FIELD_URL },
  { CHECK_URL, "http://nas:0", 0, INVALID, VQS_INSTANCE_FIELD_URL },
  { CHECK_URL, "http://nas:65536", 0, INVALID, VQS_INSTANCE_FIELD_URL },
  { CHECK_URL, "http://nas:99999999999", 0, INVALID, VQS_INSTANCE_FIELD_URL },
  { CHECK_URL, "http://nas:port", 0, INVALID, VQS_INSTANCE_FIELD_URL },
  { CHECK_URL, "http://nas:-1", 0, INVALID, VQS_INSTANCE_FIELD_URL },
  { CHECK_URL, "http://exa mple.com", 0, INVALID, VQS_INSTANCE_FIELD_URL },
  { CHECK_URL, "http://a..b", 0, INVALID, VQS_INSTANCE_FIELD_URL },
  { CHECK_URL, "http://-nas", 0, INVALID, VQS_INSTANCE_FIELD_URL },
  { CHECK_URL, "http://nas-", 0, INVALID, VQS_INSTANCE_FIELD_URL },
  { CHECK_URL, "http://1.2.3", 0, INVALID, VQS_INSTANCE_FIELD_URL },
  { CHECK_URL, "http://999.1.1.1", 0, INVALID, VQS_INSTANCE_FIELD_URL },
  { CHECK_URL, "http://nas\x01:8989", 0, INVALID, VQS_INSTANCE_FIELD_URL },
  { CHECK_URL, "http://n\xffs", 0, INVALID, VQS_INSTANCE_FIELD_URL },

  /* API keys */
  { CHECK_API_KEY, NULL, 0, INVALID, VQS_INSTANCE_FIELD_API_KEY },
  { CHECK_API_KEY, "", 0, INVALID, VQS_INSTANCE_FIELD_API_KEY },
  { CHECK_API_KEY, "short", 0, INVALID, VQS_INSTANCE_FIELD_API_KEY },
  { CHECK_API_KEY, "0123456789abcdef012", 0, INVALID, VQS_INSTANCE_FIELD_API_KEY },
  { CHECK_API_KEY, GOOD_KEY GOOD_KEY GOOD_KEY GOOD_KEY "x", 0, INVALID,
    VQS_INSTANCE_FIELD_API_KEY },
  { CHECK_API_KEY, "0123456789abcdef-0123456789abcdef", 0, INVALID, VQS_INSTANCE_FIELD_API_KEY },
  { CHECK_API_KEY, "0123456789abcdef 0123456789abcdef", 0, INVALID, VQS_INSTANCE_FIELD_API_KEY },
  { CHECK_API_KEY, GOOD_KEY "\n", 0, INVALID, VQS_INSTANCE_FIELD_API_KEY },
  { CHECK_API_KEY, " " GOOD_KEY, 0, INVALID, VQS_INSTANCE_FIELD_API_KEY },
  { CHECK_API_KEY, "0123456789abcdéf0123456789abcdef", 0, INVALID, VQS_INSTANCE_FIELD_API_KEY },
  { CHECK_API_KEY, "0123456789abcdef_0123456789abcdef", 0, INVALID, VQS_INSTANCE_FIELD_API_KEY },

  /* Timeouts */
  { CHECK_TIMEOUT, NULL, 0, INVALID, VQS_INSTANCE_FIELD_TIMEOUT },
  { CHECK_TIMEOUT, NULL, -1, INVALID, VQS_INSTANCE_FIELD_TIMEOUT },
  { CHECK_TIMEOUT, NULL, 301, INVALID, VQS_INSTANCE_FIELD_TIMEOUT },
  { CHECK_TIMEOUT, NULL, G_MAXINT, INVALID, VQS_INSTANCE_FIELD_TIMEOUT },
  { CHECK_TIMEOUT, NULL, G_MININT, INVALID, VQS_INSTANCE_FIELD_TIMEOUT },

  /* Rate limits */
  { CHECK_RATE_LIMIT, NULL, 0, INVALID, VQS_INSTANCE_FIELD_RATE_LIMIT },
  { CHECK_RATE_LIMIT, NULL, -5, INVALID, VQS_INSTANCE_FIELD_RATE_LIMIT },
  { CHECK_RATE_LIMIT, NULL, 601, INVALID, VQS_INSTANCE_FIELD_RATE_LIMIT },
  { CHECK_RATE_LIMIT, NULL, 100000, INVALID, VQS_INSTANCE_FIELD_RATE_LIMIT },

  /* Kinds */
  { CHECK_KIND, NULL, 0, INVALID, VQS_INSTANCE_FIELD_KIND },
  { CHECK_KIND, "", 0, INVALID, VQS_INSTANCE_FIELD_KIND },
  { CHECK_KIND, "lidarr", 0, INVALID, VQS_INSTANCE_FIELD_KIND },
  { CHECK_KIND, "sonar", 0, INVALID, VQS_INSTANCE_FIELD_KIND },
  { CHECK_KIND, " sonarr", 0, INVALID, VQS_INSTANCE_FIELD_KIND },
  { CHECK_KIND, "0", 0, INVALID, VQS_INSTANCE_FIELD_KIND },
};

static gboolean
run_check (const BadInput  *input,
           GError         **error)
{
  switch (input->check)
    {
    case CHECK_NAME:
      return vqs_instance_validate_name (input->text, NULL, error);
    case CHECK_URL:
      return vqs_instance_validate_url (input->text, error);
    case CHECK_API_KEY:
      return vqs_instance_validate_api_key (input->text, TRUE, error);
    case CHECK_TIMEOUT:
      return vqs_instance_validate_timeout (input->number, error);
    case CHECK_RATE_LIMIT:
      return vqs_instance_validate_rate_limit (input->number, error);
    case CHECK_KIND:
      return vqs_instance_validate_kind (input->text, NULL, error);
    default:
      g_assert_not_reached ();
    }
}

static void
test_bad_inputs (void)
{
  g_assert_cmpuint (G_N_ELEMENTS (bad_inputs), >=, 40);

  for (guint i = 0; i < G_N_ELEMENTS (bad_inputs); i++)
    {
      const BadInput *input = &bad_inputs[i];
      g_autoptr(GError) error = NULL;

      g_test_message ("bad input %u: %s / %d", i,
                      input->text != NULL && g_utf8_validate (input->text, -1, NULL)
                        ? input->text : "(binary or NULL)",
                      input->number);

      g_assert_false (run_check (input, &error));
      g_assert_error (error, VQS_INSTANCE_ERROR, input->code);
      g_assert_cmpstr (vqs_instance_error_get_field (error), ==, input->field);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_cmpuint (strlen (error->message), >, 10);

      /* Keys and whole addresses may carry secrets; no message repeats them. */
      if (input->text != NULL && strlen (input->text) >= 8 &&
          (input->check == CHECK_API_KEY || input->check == CHECK_URL))
        g_assert_null (strstr (error->message, input->text));
    }
}

static void
test_secrets_not_in_messages (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (vqs_instance_validate_url ("http://admin:hunter2secret@nas:8989", &error));
  g_assert_null (strstr (error->message, "hunter2secret"));
  g_clear_error (&error);

  g_assert_false (vqs_instance_validate_url ("http://nas/?apikey=" GOOD_KEY, &error));
  g_assert_null (strstr (error->message, GOOD_KEY));
  g_clear_error (&error);

  g_assert_false (vqs_instance_validate_api_key (GOOD_KEY "!", TRUE, &error));
  g_assert_null (strstr (error->message, GOOD_KEY));
}

static void
test_good_names (void)
{
  static const struct {
    const char *input;
    const char *normalized;
  } names[] = {
    { "abc", "abc" },
    { "  Sonarr 4K  ", "Sonarr 4K" },
    { "\u00a0Radarr\u3000", "Radarr" },
    { "Téléséries", "Téléséries" },
    { "e\u0301cole", "\u00e9cole" },          /* stored composed (NFC) */
    { "📺 TV", "📺 TV" },
    { "Sonarr (anime) #2", "Sonarr (anime) #2" },
    { "12345678901234567890123456789012345678901234567890",
      "12345678901234567890123456789012345678901234567890" },
    { "éééééééééééééééééééééééééééééééééééééééééééééééééé",
      "éééééééééééééééééééééééééééééééééééééééééééééééééé" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *normalized = NULL;

      g_assert_true (vqs_instance_validate_name (names[i].input, &normalized, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (normalized, ==, names[i].normalized);
    }
}

static void
test_good_urls (void)
{
  static const struct {
    const char *input;
    const char *normalized;
  } urls[] = {
    { "http://nas:8989", "http://nas:8989" },
    { "HTTP://NAS:8989/", "http://nas:8989" },
    { "  http://nas:8989  ", "http://nas:8989" },
    { "https://Sonarr.Example.COM/sonarr/", "https://sonarr.example.com/sonarr" },
    { "https://sonarr.example.com/Sonarr///", "https://sonarr.example.com/Sonarr" },
    { "https://nas:443", "https://nas:443" },
    { "http://192.168.1.5:7878/", "http://192.168.1.5:7878" },
    { "http://[::1]:8989/", "http://[::1]:8989" },
    { "http://[FD00::1]:8989", "http://[fd00::1]:8989" },
    { "http://bücher.example", "http://xn--bcher-kva.example" },
    { "http://nas:8989/media%20server/", "http://nas:8989/media%20server" },
    { "http://docker_sonarr:8989", "http://docker_sonarr:8989" },
    { "http://nas:1", "http://nas:1" },
    { "http://nas:65535", "http://nas:65535" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *normalized = NULL;

      normalized = vqs_instance_normalize_url (urls[i].input, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (normalized, ==, urls[i].normalized);
      g_assert_true (vqs_instance_validate_url (urls[i].input, NULL));
    }
}

static void
test_good_values (void)
{
  g_autofree char *longest = g_strnfill (VQS_INSTANCE_API_KEY_MAX_LENGTH, 'a');
  g_autofree char *shortest = g_strnfill (VQS_INSTANCE_API_KEY_MIN_LENGTH, '7');
  VqsArrKind kind = VQS_ARR_KIND_SONARR;

  g_assert_true (vqs_instance_validate_api_key (GOOD_KEY, TRUE, NULL));
  g_assert_true (vqs_instance_validate_api_key (longest, TRUE, NULL));
  g_assert_true (vqs_instance_validate_api_key (shortest, TRUE, NULL));
  /* When editing, no key means "keep the stored one". */
  g_assert_true (vqs_instance_validate_api_key (NULL, FALSE, NULL));

  g_assert_true (vqs_instance_validate_timeout (1, NULL));
  g_assert_true (vqs_instance_validate_timeout (300, NULL));
  g_assert_true (vqs_instance_validate_rate_limit (1, NULL));
  g_assert_true (vqs_instance_validate_rate_limit (600, NULL));

  g_assert_true (vqs_instance_validate_kind ("radarr", &kind, NULL));
  g_assert_cmpint (kind, ==, VQS_ARR_KIND_RADARR);
  g_assert_true (vqs_instance_validate_kind ("Sonarr", &kind, NULL));
  g_assert_cmpint (kind, ==, VQS_ARR_KIND_SONARR);
}

static GListModel *
make_instances (void)
{
  GListStore *list = g_list_store_new (VQS_TYPE_INSTANCE);
  g_autoptr(VqsInstance) first = vqs_instance_new ("Sonarr Main", VQS_ARR_KIND_SONARR,
                                                   "http://nas:8989");
  g_autoptr(VqsInstance) second = vqs_instance_new ("Émile", VQS_ARR_KIND_RADARR,
                                                    "http://nas:7878");

  _vqs_instance_set_id (first, 1);
  _vqs_instance_set_id (second, 2);
  g_list_store_append (list, first);
  g_list_store_append (list, second);

  return G_LIST_MODEL (list);
}

static void
test_unique_names (void)
{
  g_autoptr(GListModel) instances = make_instances ();
  static const char * const duplicates[] = {
    "Sonarr Main", "sonarr main", "SONARR MAIN", "  Sonarr Main ",
    "ＳＯＮＡＲＲ ＭＡＩＮ", "émile", "E\u0301MILE",
  };

  for (guint i = 0; i < G_N_ELEMENTS (duplicates); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (vqs_instance_validate_name_unique (duplicates[i], instances, 0, &error));
      g_assert_error (error, VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_DUPLICATE);
      g_assert_cmpstr (vqs_instance_error_get_field (error), ==, VQS_INSTANCE_FIELD_NAME);
    }

  g_assert_true (vqs_instance_validate_name_unique ("Sonarr 4K", instances, 0, NULL));
  g_assert_true (vqs_instance_validate_name_unique ("Emile", instances, 0, NULL));
  /* Renaming an instance to another case of its own name is fine. */
  g_assert_true (vqs_instance_validate_name_unique ("SONARR MAIN", instances, 1, NULL));
  g_assert_true (vqs_instance_validate_name_unique ("Sonarr", NULL, 0, NULL));
}

static void
test_settings (void)
{
  g_autoptr(GListModel) instances = make_instances ();
  g_autoptr(VqsInstance) editing = g_list_model_get_item (instances, 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *url = NULL;
  VqsArrKind kind = VQS_ARR_KIND_SONARR;
  VqsInstanceSettings settings = {
    .name = "  Radarr 4K ",
    .kind = "radarr",
    .url = "HTTPS://Media.Example.org/radarr/",
    .api_key = GOOD_KEY,
    .timeout_seconds = 30,
    .rate_limit_per_minute = 60,
  };

  g_assert_true (vqs_instance_validate_settings (&settings, instances, NULL,
                                                 &name, &url, &kind, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "Radarr 4K");
  g_assert_cmpstr (url, ==, "https://media.example.org/radarr");
  g_assert_cmpint (kind, ==, VQS_ARR_KIND_RADARR);

  /* A key is required when creating, optional when editing. */
  settings.api_key = NULL;
  g_assert_false (vqs_instance_validate_settings (&settings, instances, NULL,
                                                  NULL, NULL, NULL, &error));
  g_assert_error (error, VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (vqs_instance_error_get_field (error), ==, VQS_INSTANCE_FIELD_API_KEY);
  g_clear_error (&error);
  g_assert_true (vqs_instance_validate_settings (&settings, instances, editing,
                                                 NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  /* The edited instance may keep its name; a new one may not take it. */
  settings.name = "sonarr main";
  g_assert_true (vqs_instance_validate_settings (&settings, instances, editing,
                                                 NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  settings.api_key = GOOD_KEY;
  g_assert_false (vqs_instance_validate_settings (&settings, instances, NULL,
                                                  NULL, NULL, NULL, &error));
  g_assert_error (error, VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_DUPLICATE);
  g_assert_cmpstr (vqs_instance_error_get_field (error), ==, VQS_INSTANCE_FIELD_NAME);
  g_clear_error (&error);

  /* The first bad field in form order is reported, and nothing is output. */
  settings.name = "New one";
  settings.timeout_seconds = 0;
  settings.rate_limit_per_minute = 0;
  g_clear_pointer (&name, g_free);
  g_assert_false (vqs_instance_validate_settings (&settings, instances, NULL,
                                                  &name, NULL, NULL, &error));
  g_assert_cmpstr (vqs_instance_error_get_field (error), ==, VQS_INSTANCE_FIELD_TIMEOUT);
  g_assert_null (name);
  g_clear_error (&error);

  settings.timeout_seconds = 10;
  g_assert_false (vqs_instance_validate_settings (&settings, instances, NULL,
                                                  NULL, NULL, NULL, &error));
  g_assert_cmpstr (vqs_instance_error_get_field (error), ==, VQS_INSTANCE_FIELD_RATE_LIMIT);
  g_clear_error (&error);

  settings.kind = "readarr";
  g_assert_false (vqs_instance_validate_settings (&settings, instances, NULL,
                                                  NULL, NULL, NULL, &error));
  g_assert_cmpstr (vqs_instance_error_get_field (error), ==, VQS_INSTANCE_FIELD_KIND);
}

static void
test_error_field (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) copy = NULL;
  g_autoptr(GError) other = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "x");

  g_assert_false (vqs_instance_validate_url ("ftp://nas", &error));
  copy = g_error_copy (error);
  g_prefix_error (&copy, "Prefix: ");
  g_assert_cmpstr (vqs_instance_error_get_field (copy), ==, VQS_INSTANCE_FIELD_URL);
  g_assert_null (vqs_instance_error_get_field (other));
  g_assert_null (vqs_instance_error_get_field (NULL));
  g_clear_error (&copy);

  copy = vqs_instance_error_new (VQS_INSTANCE_ERROR_KEYRING, NULL, "No keyring %d", 1);
  g_assert_error (copy, VQS_INSTANCE_ERROR, VQS_INSTANCE_ERROR_KEYRING);
  g_assert_cmpstr (copy->message, ==, "No keyring 1");
  g_assert_null (vqs_instance_error_get_field (copy));
}

static void
test_security_warning (void)
{
  static const struct {
    const char *url;
    gboolean    verify_tls;
    gboolean    warns;
  } cases[] = {
    { "http://192.168.1.5:8989", TRUE, FALSE },
    { "http://example.com", TRUE, TRUE },
    { "https://example.com", FALSE, TRUE },
    { "https://example.com", TRUE, FALSE },
    { "http://nas:8989", TRUE, FALSE },
    { "http://[::1]", TRUE, FALSE },
    { "http://[::1]:8989/sonarr", TRUE, FALSE },
    { "http://localhost:8989", TRUE, FALSE },
    { "http://LOCALHOST:8989", TRUE, FALSE },
    { "http://127.0.0.1", TRUE, FALSE },
    { "http://127.8.9.10", TRUE, FALSE },
    { "http://10.20.30.40", TRUE, FALSE },
    { "http://172.16.0.1", TRUE, FALSE },
    { "http://172.31.255.254", TRUE, FALSE },
    { "http://172.32.0.1", TRUE, TRUE },
    { "http://169.254.10.1", TRUE, FALSE },
    { "http://192.169.1.1", TRUE, TRUE },
    { "http://8.8.8.8", TRUE, TRUE },
    { "http://[fd12:3456::1]", TRUE, FALSE },
    { "http://[fc00::1]", TRUE, FALSE },
    { "http://[fe80::1]", TRUE, FALSE },
    { "http://[2001:db8::1]", TRUE, TRUE },
    { "http://[::ffff:192.168.1.5]", TRUE, FALSE },
    { "http://[::ffff:8.8.8.8]", TRUE, TRUE },
    { "http://nas.local:8989", TRUE, FALSE },
    { "http://nas.lan", TRUE, FALSE },
    { "http://nas.home.arpa", TRUE, FALSE },
    { "http://sonarr.example.org", TRUE, TRUE },
    { "http://nas.local.example.org", TRUE, TRUE },
    { "https://sonarr.example.org", TRUE, FALSE },
    { "https://192.168.1.5", FALSE, TRUE },
    /* Certificate checks do not exist for plain http. */
    { "http://nas:8989", FALSE, FALSE },
    { NULL, TRUE, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *warning = NULL;

      warning = vqs_instance_compute_security_warning (cases[i].url, cases[i].verify_tls);
      g_test_message ("%s verify=%d → %s", cases[i].url, cases[i].verify_tls, warning);
      if (cases[i].warns)
        g_assert_nonnull (warning);
      else
        g_assert_null (warning);
    }
}

static void
test_security_warning_texts_differ (void)
{
  g_autofree char *plain = vqs_instance_compute_security_warning ("http://example.com", TRUE);
  g_autofree char *tls = vqs_instance_compute_security_warning ("https://example.com", FALSE);

  g_assert_nonnull (plain);
  g_assert_nonnull (tls);
  g_assert_cmpstr (plain, !=, tls);
}

static void
test_defaults (void)
{
  g_autoptr(VqsInstance) instance = vqs_instance_new (NULL, VQS_ARR_KIND_SONARR, NULL);
  GParamSpec *pspec;
  g_autoptr(GEnumClass) enum_class = NULL;

  g_assert_cmpint (vqs_instance_get_id (instance), ==, 0);
  g_assert_null (vqs_instance_get_uuid (instance));
  g_assert_null (vqs_instance_get_name (instance));
  g_assert_cmpint (vqs_instance_get_kind (instance), ==, VQS_ARR_KIND_SONARR);
  g_assert_true (vqs_instance_get_verify_tls (instance));
  g_assert_cmpint (vqs_instance_get_timeout_seconds (instance), ==, 30);
  g_assert_cmpint (vqs_instance_get_rate_limit_per_minute (instance), ==, 60);
  g_assert_false (vqs_instance_get_has_api_key (instance));
  g_assert_false (vqs_instance_get_is_healthy (instance));
  g_assert_null (vqs_instance_get_last_connection_test (instance));
  g_assert_null (vqs_instance_get_last_connection_success (instance));
  g_assert_null (vqs_instance_get_last_error (instance));
  g_assert_null (vqs_instance_get_version (instance));
  g_assert_null (vqs_instance_get_created_at (instance));
  g_assert_null (vqs_instance_get_updated_at (instance));
  g_assert_null (vqs_instance_get_security_warning (instance));

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (instance), "kind");
  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (pspec) == VQS_TYPE_ARR_KIND);
  enum_class = g_type_class_ref (VQS_TYPE_ARR_KIND);
  g_assert_cmpint (g_enum_get_value_by_nick (enum_class, "sonarr")->value, ==,
                   VQS_ARR_KIND_SONARR);
  g_assert_cmpint (g_enum_get_value_by_nick (enum_class, "radarr")->value, ==,
                   VQS_ARR_KIND_RADARR);

  /* Identity and bookkeeping fields are read-only from outside. */
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (instance), "id");
  g_assert_false (pspec->flags & G_PARAM_WRITABLE);
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (instance), "security-warning");
  g_assert_false (pspec->flags & G_PARAM_WRITABLE);
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 GHashTable *counts)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, pspec->name));

  g_hash_table_insert (counts, (gpointer)pspec->name, GUINT_TO_POINTER (count + 1));
}

static guint
count (GHashTable *counts,
       const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (counts, name));
}

static void
test_notify_settings (void)
{
  g_autoptr(VqsInstance) instance = vqs_instance_new ("Sonarr", VQS_ARR_KIND_SONARR,
                                                      "http://nas:8989");
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);

  g_signal_connect (instance, "notify", G_CALLBACK (count_notify_cb), counts);

  vqs_instance_set_name (instance, "Sonarr");
  g_assert_cmpuint (count (counts, "name"), ==, 0);
  vqs_instance_set_name (instance, "Sonarr 2");
  vqs_instance_set_name (instance, "Sonarr 2");
  g_assert_cmpuint (count (counts, "name"), ==, 1);
  g_object_set (instance, "name", "Sonarr 3", NULL);
  g_object_set (instance, "name", "Sonarr 3", NULL);
  g_assert_cmpuint (count (counts, "name"), ==, 2);

  vqs_instance_set_kind (instance, VQS_ARR_KIND_SONARR);
  vqs_instance_set_kind (instance, VQS_ARR_KIND_RADARR);
  g_assert_cmpuint (count (counts, "kind"), ==, 1);

  vqs_instance_set_timeout_seconds (instance, 30);
  vqs_instance_set_timeout_seconds (instance, 45);
  vqs_instance_set_timeout_seconds (instance, 45);
  g_assert_cmpuint (count (counts, "timeout-seconds"), ==, 1);

  vqs_instance_set_rate_limit_per_minute (instance, 60);
  vqs_instance_set_rate_limit_per_minute (instance, 120);
  g_assert_cmpuint (count (counts, "rate-limit-per-minute"), ==, 1);

  vqs_instance_set_has_api_key (instance, FALSE);
  vqs_instance_set_has_api_key (instance, TRUE);
  vqs_instance_set_has_api_key (instance, 2);
  g_assert_cmpuint (count (counts, "has-api-key"), ==, 1);
}

static void
test_notify_health (void)
{
  g_autoptr(VqsInstance) instance = vqs_instance_new ("Sonarr", VQS_ARR_KIND_SONARR,
                                                      "http://nas:8989");
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GDateTime) when = g_date_time_new_utc (2026, 1, 2, 3, 4, 5);
  g_autoptr(GDateTime) same = g_date_time_new_utc (2026, 1, 2, 3, 4, 5);
  g_autoptr(GDateTime) later = g_date_time_add_seconds (when, 60);

  g_signal_connect (instance, "notify", G_CALLBACK (count_notify_cb), counts);

  vqs_instance_set_is_healthy (instance, FALSE);
  vqs_instance_set_is_healthy (instance, TRUE);
  vqs_instance_set_is_healthy (instance, TRUE);
  g_assert_cmpuint (count (counts, "is-healthy"), ==, 1);

  vqs_instance_set_last_connection_test (instance, NULL);
  vqs_instance_set_last_connection_test (instance, when);
  vqs_instance_set_last_connection_test (instance, same);
  g_assert_cmpuint (count (counts, "last-connection-test"), ==, 1);
  vqs_instance_set_last_connection_test (instance, later);
  vqs_instance_set_last_connection_test (instance, NULL);
  g_assert_cmpuint (count (counts, "last-connection-test"), ==, 3);
  g_assert_null (vqs_instance_get_last_connection_test (instance));

  vqs_instance_set_last_connection_success (instance, when);
  vqs_instance_set_last_connection_success (instance, same);
  g_assert_cmpuint (count (counts, "last-connection-success"), ==, 1);

  vqs_instance_set_last_error (instance, NULL);
  vqs_instance_set_last_error (instance, "Connection refused.");
  vqs_instance_set_last_error (instance, "Connection refused.");
  vqs_instance_set_last_error (instance, NULL);
  g_assert_cmpuint (count (counts, "last-error"), ==, 2);

  vqs_instance_set_version (instance, "4.0.9.2421");
  vqs_instance_set_version (instance, "4.0.9.2421");
  g_assert_cmpuint (count (counts, "version"), ==, 1);

  _vqs_instance_set_id (instance, 7);
  _vqs_instance_set_id (instance, 7);
  g_assert_cmpuint (count (counts, "id"), ==, 1);
  _vqs_instance_set_created_at (instance, when);
  _vqs_instance_set_created_at (instance, same);
  g_assert_cmpuint (count (counts, "created-at"), ==, 1);
}

static void
test_notify_security_warning (void)
{
  g_autoptr(VqsInstance) instance = vqs_instance_new ("Sonarr", VQS_ARR_KIND_SONARR,
                                                      "http://nas:8989");
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *warning = NULL;

  g_signal_connect (instance, "notify", G_CALLBACK (count_notify_cb), counts);
  g_assert_null (vqs_instance_get_security_warning (instance));

  /* Another local address: url changes, the (absent) warning does not. */
  vqs_instance_set_url (instance, "http://192.168.1.5:8989");
  g_assert_cmpuint (count (counts, "url"), ==, 1);
  g_assert_cmpuint (count (counts, "security-warning"), ==, 0);

  vqs_instance_set_url (instance, "http://example.com");
  g_assert_cmpuint (count (counts, "url"), ==, 2);
  g_assert_cmpuint (count (counts, "security-warning"), ==, 1);
  g_assert_nonnull (vqs_instance_get_security_warning (instance));

  /* Same warning for another public host: no second notification. */
  vqs_instance_set_url (instance, "http://example.org");
  vqs_instance_set_url (instance, "http://example.org");
  g_assert_cmpuint (count (counts, "url"), ==, 3);
  g_assert_cmpuint (count (counts, "security-warning"), ==, 1);

  vqs_instance_set_url (instance, "https://example.org");
  g_assert_cmpuint (count (counts, "security-warning"), ==, 2);
  g_assert_null (vqs_instance_get_security_warning (instance));

  vqs_instance_set_verify_tls (instance, FALSE);
  vqs_instance_set_verify_tls (instance, FALSE);
  g_assert_cmpuint (count (counts, "verify-tls"), ==, 1);
  g_assert_cmpuint (count (counts, "security-warning"), ==, 3);
  g_object_get (instance, "security-warning", &warning, NULL);
  g_assert_nonnull (warning);

  g_object_set (instance, "verify-tls", TRUE, NULL);
  g_assert_cmpuint (count (counts, "verify-tls"), ==, 2);
  g_assert_cmpuint (count (counts, "security-warning"), ==, 4);
  g_assert_null (vqs_instance_get_security_warning (instance));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vqs/instance/validate/bad-inputs", test_bad_inputs);
  g_test_add_func ("/vqs/instance/validate/secrets-not-in-messages",
                   test_secrets_not_in_messages);
  g_test_add_func ("/vqs/instance/validate/good-names", test_good_names);
  g_test_add_func ("/vqs/instance/validate/good-urls", test_good_urls);
  g_test_add_func ("/vqs/instance/validate/good-values", test_good_values);
  g_test_add_func ("/vqs/instance/validate/unique-names", test_unique_names);
  g_test_add_func ("/vqs/instance/validate/settings", test_settings);
  g_test_add_func ("/vqs/instance/validate/error-field", test_error_field);
  g_test_add_func ("/vqs/instance/security-warning/cases", test_security_warning);
  g_test_add_func ("/vqs/instance/security-warning/texts-differ",
                   test_security_warning_texts_differ);
  g_test_add_func ("/vqs/instance/properties/defaults", test_defaults);
  g_test_add_func ("/vqs/instance/properties/notify-settings", test_notify_settings);
  g_test_add_func ("/vqs/instance/properties/notify-health", test_notify_health);
  g_test_add_func ("/vqs/instance/properties/notify-security-warning",
                   test_notify_security_warning);

  return g_test_run ();
}
