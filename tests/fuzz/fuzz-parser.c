/* fuzz-parser.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One libFuzzer target per JSON response parser: meson compiles this
 * file once for each, with FUZZ_TARGET naming the parser. Every parser
 * must either return a result or set an error, never both, never crash
 * and never leak, whatever bytes arrive from the network.
 */

#define G_LOG_DOMAIN "fuzz-parser"

#include "config.h"

#include "vqs-arr-parse-private.h"

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

#define CHECK(result, error, free_func)                     \
  G_STMT_START {                                            \
    g_assert ((result != NULL) != (error != NULL));         \
    g_clear_pointer (&result, free_func);                   \
    g_clear_error (&error);                                 \
  } G_STMT_END

static void
fuzz_one (const char *text,
          gsize       len)
{
#if FUZZ_TARGET != 7
  GError *error = NULL;
#endif

#if FUZZ_TARGET == 1
  VqsSystemStatus *status = _vqs_arr_parse_system_status (text, len, &error);
  CHECK (status, error, vqs_system_status_unref);
#elif FUZZ_TARGET == 2
  VqsWantedPage *sonarr = _vqs_arr_parse_wanted_page (VQS_ARR_KIND_SONARR, text, len, &error);
  VqsWantedPage *radarr = NULL;
  CHECK (sonarr, error, vqs_wanted_page_unref);
  radarr = _vqs_arr_parse_wanted_page (VQS_ARR_KIND_RADARR, text, len, &error);
  CHECK (radarr, error, vqs_wanted_page_unref);
#elif FUZZ_TARGET == 3
  VqsCommand *command = _vqs_arr_parse_command (text, len, &error);
  CHECK (command, error, vqs_command_unref);
#elif FUZZ_TARGET == 4
  GPtrArray *profiles = _vqs_arr_parse_quality_profiles (text, len, &error);
  GPtrArray *folders = NULL;
  GPtrArray *tags = NULL;
  CHECK (profiles, error, g_ptr_array_unref);
  folders = _vqs_arr_parse_root_folders (text, len, &error);
  CHECK (folders, error, g_ptr_array_unref);
  tags = _vqs_arr_parse_tags (text, len, &error);
  CHECK (tags, error, g_ptr_array_unref);
#elif FUZZ_TARGET == 5
  GPtrArray *library = _vqs_arr_parse_library (text, len, &error);
  GArray *missing = NULL;
  GArray *cutoff = NULL;
  CHECK (library, error, g_ptr_array_unref);
  missing = _vqs_arr_parse_movie_wanted (text, len, VQS_WANTED_MISSING, NULL, NULL, &error);
  CHECK (missing, error, g_array_unref);
  cutoff = _vqs_arr_parse_movie_wanted (text, len, VQS_WANTED_CUTOFF, "movieMetadata.year",
                                        "descending", &error);
  CHECK (cutoff, error, g_array_unref);
#elif FUZZ_TARGET == 6
  VqsQueuePage *queue = _vqs_arr_parse_queue_page (text, len, &error);
  CHECK (queue, error, vqs_queue_page_unref);
#elif FUZZ_TARGET == 7
  char *message = _vqs_arr_parse_error_message (text, len);
  gint64 seconds = 0;
  g_autofree char *zstr = g_strndup (text, len);

  g_assert (message == NULL || g_utf8_validate (message, -1, NULL));
  g_free (message);
  (void)_vqs_arr_parse_timestamp (zstr, &seconds);
  (void)_vqs_arr_compare_versions (zstr, "5.6");
#else
#error "FUZZ_TARGET must name a parser"
#endif
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  /* The parsers take a length and need no terminator; copying into an
   * exact-size buffer lets ASan catch any read past the end.
   */
  char *copy = g_memdup2 (data, size);

  fuzz_one (copy, size);
  g_free (copy);

  return 0;
}
