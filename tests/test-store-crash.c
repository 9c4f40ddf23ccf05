/* test-store-crash.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-store-crash"

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "vqs-db.h"
#include "vqs-instance-store.h"

/* Crash safety of the instance store. The test binary runs itself again
 * as a child ("--child DIR RUN") that inserts, renames and deletes
 * instances through a VqsInstanceStore, exactly as the app does, and
 * prints each write to a pipe before it starts ("pending ...") and after
 * its _finish reported the commit ("committed ..." / "deleted ..."). The
 * parent kills it with SIGKILL at a random moment, then checks the file:
 * integrity_check says "ok", every reported write is there, and the only
 * surprise allowed is the one write that was pending at the kill.
 */

#define N_KILLS       100
#define MAX_DELAY_US  30000
#define READ_TIMEOUT  (20 * 1000)  /* ms; only reached if the child hangs */
#define SEED          0x5eed2026u

static char *self_path;

/* The child. */

typedef struct
{
  VqsInstanceStore *store;
  GRand            *rand;
  GPtrArray        *live;     /* VqsInstance */
  VqsInstance      *current;  /* being inserted */
  guint             run;
  guint             counter;
} Child;

static void child_next (Child *child);

static void G_GNUC_PRINTF (1, 2)
say (const char *format,
     ...)
{
  g_autofree char *line = NULL;
  va_list args;
  gsize written = 0;
  gsize length;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);

  /* One write() per line: lines are shorter than PIPE_BUF, so the parent
   * never sees half a line from a child that is still alive.
   */
  length = strlen (line);
  while (written < length)
    {
      gssize n = write (STDOUT_FILENO, line + written, length - written);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        exit (3);
      written += n;
    }
}

static void
die_on_error (GError *error)
{
  if (error == NULL)
    return;

  g_printerr ("crash child: %s\n", error->message);
  exit (2);
}

static char *
next_name (Child *child)
{
  return g_strdup_printf ("run%u-op%u", child->run, child->counter++);
}

static void
inserted_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Child *child = user_data;
  g_autoptr(VqsInstance) instance = g_steal_pointer (&child->current);
  GError *error = NULL;

  vqs_instance_store_insert_finish (child->store, result, &error);
  die_on_error (error);

  say ("committed %" G_GINT64_FORMAT " %s\n",
       vqs_instance_get_id (instance), vqs_instance_get_name (instance));
  g_ptr_array_add (child->live, g_steal_pointer (&instance));
  child_next (child);
}

static void
updated_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Child *child = user_data;
  VqsInstance *instance = child->current;
  GError *error = NULL;

  vqs_instance_store_update_finish (child->store, result, &error);
  die_on_error (error);

  say ("committed %" G_GINT64_FORMAT " %s\n",
       vqs_instance_get_id (instance), vqs_instance_get_name (instance));
  child->current = NULL;
  child_next (child);
}

static void
deleted_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Child *child = user_data;
  g_autoptr(VqsInstance) instance = g_steal_pointer (&child->current);
  GError *error = NULL;

  vqs_instance_store_delete_finish (child->store, result, &error);
  die_on_error (error);

  say ("deleted %" G_GINT64_FORMAT "\n", vqs_instance_get_id (instance));
  child_next (child);
}

static void
child_insert (Child *child)
{
  g_autofree char *name = next_name (child);

  child->current = vqs_instance_new (name, g_rand_boolean (child->rand) ? VQS_ARR_KIND_SONARR
                                                                         : VQS_ARR_KIND_RADARR,
                                     "http://nas:8989");
  say ("pending insert %s\n", name);
  vqs_instance_store_insert_async (child->store, child->current, NULL, inserted_cb, child);
}

static void
child_update (Child *child,
              guint  index)
{
  g_autofree char *name = next_name (child);

  child->current = g_ptr_array_index (child->live, index);
  vqs_instance_set_name (child->current, name);
  vqs_instance_set_timeout_seconds (child->current, g_rand_int_range (child->rand, 1, 301));
  say ("pending update %" G_GINT64_FORMAT " %s\n", vqs_instance_get_id (child->current), name);
  vqs_instance_store_update_async (child->store, child->current, NULL, updated_cb, child);
}

static void
child_delete (Child *child,
              guint  index)
{
  child->current = g_ptr_array_steal_index_fast (child->live, index);
  say ("pending delete %" G_GINT64_FORMAT "\n", vqs_instance_get_id (child->current));
  vqs_instance_store_delete_async (child->store, vqs_instance_get_id (child->current), NULL,
                                   deleted_cb, child);
}

/* Half inserts, the rest renames and deletes, so that the table neither
 * empties nor grows without bound.
 */
static void
child_next (Child *child)
{
  int choice = g_rand_int_range (child->rand, 0, 10);
  guint index;

  if (child->live->len == 0 || choice < 5)
    {
      child_insert (child);
      return;
    }

  index = g_rand_int_range (child->rand, 0, child->live->len);
  if (choice < 8)
    child_update (child, index);
  else
    child_delete (child, index);
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Child *child = user_data;
  g_autoptr(GPtrArray) instances = NULL;
  GError *error = NULL;

  instances = vqs_instance_store_load_finish (child->store, result, &error);
  die_on_error (error);

  for (guint i = 0; i < instances->len; i++)
    g_ptr_array_add (child->live, g_object_ref (g_ptr_array_index (instances, i)));

  say ("ready\n");
  child_next (child);
}

static int
run_child (const char *dir,
           guint       run)
{
  g_autofree char *path = g_build_filename (dir, "instances.db", NULL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Child child = { 0 };

  child.store = vqs_instance_store_new (path);
  child.rand = g_rand_new_with_seed (SEED + run);
  child.live = g_ptr_array_new_with_free_func (g_object_unref);
  child.run = run;

  vqs_instance_store_load_async (child.store, NULL, loaded_cb, &child);

  /* Runs until the parent kills the process. */
  g_main_loop_run (loop);
  return 1;
}

/* The parent. */

typedef enum
{
  PENDING_NONE,
  PENDING_INSERT,
  PENDING_UPDATE,
  PENDING_DELETE,
} Pending;

typedef struct
{
  GHashTable *expected;       /* gint64 * id → char * name */
  Pending     pending;
  gint64      pending_id;
  char       *pending_name;
  guint       commits;
  guint       unreported;     /* pending writes found committed after a kill */
  gboolean    ready;
} Model;

typedef struct
{
  int      fd;
  GString *buffer;
  gboolean eof;
} Reader;

static gint64 *
dup_id (gint64 id)
{
  return g_memdup2 (&id, sizeof id);
}

static void
model_set_pending (Model      *model,
                   Pending     pending,
                   gint64      id,
                   const char *name)
{
  g_assert_cmpint (model->pending, ==, PENDING_NONE);
  model->pending = pending;
  model->pending_id = id;
  g_free (model->pending_name);
  model->pending_name = g_strdup (name);
}

static void
model_commit (Model      *model,
              gint64      id,
              const char *name)
{
  if (model->pending == PENDING_INSERT)
    {
      g_assert_cmpstr (name, ==, model->pending_name);
      g_assert_false (g_hash_table_contains (model->expected, &id));
    }
  else
    {
      g_assert_cmpint (model->pending, ==, PENDING_UPDATE);
      g_assert_cmpint (id, ==, model->pending_id);
      g_assert_cmpstr (name, ==, model->pending_name);
    }

  g_hash_table_insert (model->expected, dup_id (id), g_strdup (name));
  model->pending = PENDING_NONE;
  model->commits++;
}

static void
model_handle_line (Model      *model,
                   const char *line)
{
  g_auto(GStrv) words = g_strsplit (line, " ", 4);
  guint n_words = g_strv_length (words);

  if (g_str_equal (line, "ready"))
    model->ready = TRUE;
  else if (n_words == 3 && g_str_equal (words[0], "pending") && g_str_equal (words[1], "insert"))
    model_set_pending (model, PENDING_INSERT, 0, words[2]);
  else if (n_words == 4 && g_str_equal (words[0], "pending") && g_str_equal (words[1], "update"))
    model_set_pending (model, PENDING_UPDATE, g_ascii_strtoll (words[2], NULL, 10), words[3]);
  else if (n_words == 3 && g_str_equal (words[0], "pending") && g_str_equal (words[1], "delete"))
    model_set_pending (model, PENDING_DELETE, g_ascii_strtoll (words[2], NULL, 10), NULL);
  else if (n_words == 3 && g_str_equal (words[0], "committed"))
    model_commit (model, g_ascii_strtoll (words[1], NULL, 10), words[2]);
  else if (n_words == 2 && g_str_equal (words[0], "deleted"))
    {
      gint64 id = g_ascii_strtoll (words[1], NULL, 10);

      g_assert_cmpint (model->pending, ==, PENDING_DELETE);
      g_assert_cmpint (id, ==, model->pending_id);
      g_assert_true (g_hash_table_remove (model->expected, &id));
      model->pending = PENDING_NONE;
      model->commits++;
    }
  else
    g_error ("Unexpected line from the child: %s", line);
}

/* Returns the next complete line, or NULL at the end of the stream. A
 * last line without its newline was cut by the kill and is dropped.
 */
static char *
reader_next_line (Reader *reader)
{
  for (;;)
    {
      char *newline = memchr (reader->buffer->str, '\n', reader->buffer->len);
      struct pollfd pfd = { reader->fd, POLLIN, 0 };
      char chunk[4096];
      gssize n;

      if (newline != NULL)
        {
          char *line = g_strndup (reader->buffer->str, newline - reader->buffer->str);

          g_string_erase (reader->buffer, 0, newline - reader->buffer->str + 1);
          return line;
        }

      if (reader->eof)
        return NULL;

      g_assert_cmpint (poll (&pfd, 1, READ_TIMEOUT), ==, 1);
      n = read (reader->fd, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR)
        continue;
      g_assert_cmpint (n, >=, 0);
      if (n == 0)
        reader->eof = TRUE;
      else
        g_string_append_len (reader->buffer, chunk, n);
    }
}

static GHashTable *
read_rows (VqsDb *db)
{
  g_autoptr(GHashTable) rows = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                                      g_free, g_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) error = NULL;
  int rc;

  stmt = vqs_db_prepare (db, "SELECT id, name FROM instances", &error);
  g_assert_no_error (error);
  while ((rc = vqs_db_step (db, stmt, &error)) == SQLITE_ROW)
    g_hash_table_insert (rows, dup_id (sqlite3_column_int64 (stmt, 0)),
                         vqs_db_column_dup_text (stmt, 1));
  g_assert_no_error (error);
  g_assert_cmpint (rc, ==, SQLITE_DONE);

  return g_steal_pointer (&rows);
}

static void
check_expected_rows (Model      *model,
                     GHashTable *rows)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, model->expected);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gint64 id = *(gint64 *)key;
      const char *actual = g_hash_table_lookup (rows, &id);
      gboolean is_pending = model->pending_id == id;

      if (is_pending && model->pending == PENDING_DELETE && actual == NULL)
        model->unreported++;
      else if (is_pending && model->pending == PENDING_UPDATE &&
               g_strcmp0 (actual, model->pending_name) == 0)
        model->unreported++;
      else
        g_assert_cmpstr (actual, ==, value);
    }
}

static void
check_unexpected_rows (Model      *model,
                       GHashTable *rows)
{
  GHashTableIter iter;
  gpointer key, value;
  guint extra = 0;

  g_hash_table_iter_init (&iter, rows);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (g_hash_table_contains (model->expected, key))
        continue;

      /* Only the insert that was pending may have made it unreported. */
      g_assert_cmpint (model->pending, ==, PENDING_INSERT);
      g_assert_cmpstr (value, ==, model->pending_name);
      extra++;
      model->unreported++;
    }

  g_assert_cmpuint (extra, <=, 1);
}

static void
verify_database (Model      *model,
                 const char *path)
{
  g_autoptr(VqsDb) db = vqs_db_new (path);
  g_autoptr(GHashTable) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *integrity = NULL;

  g_assert_true (vqs_db_open (db, &error));
  g_assert_no_error (error);

  integrity = vqs_db_query_string (db, "PRAGMA integrity_check", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (integrity, ==, "ok");

  rows = read_rows (db);
  check_expected_rows (model, rows);
  check_unexpected_rows (model, rows);

  /* The file is the truth for the next child, which reloads it. */
  g_clear_pointer (&model->expected, g_hash_table_unref);
  model->expected = g_steal_pointer (&rows);
  model->pending = PENDING_NONE;
}

static GPid
spawn_child (const char *dir,
             guint       run,
             int        *out_fd)
{
  g_autofree char *run_arg = g_strdup_printf ("%u", run);
  const char *argv[] = { self_path, "--child", dir, run_arg, NULL };
  g_autoptr(GError) error = NULL;
  GPid pid = 0;

  g_spawn_async_with_pipes (NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                            &pid, NULL, out_fd, NULL, &error);
  g_assert_no_error (error);

  return pid;
}

static void
kill_child (GPid pid)
{
  int status = 0;

  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);

  /* Anything else means the child failed by itself before the kill. */
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);
  g_spawn_close_pid (pid);
}

/* One child: in four runs out of five it is killed at a random moment
 * after its first reported commit, so it dies while writing; in the fifth
 * at a random moment after the start, so it may die while creating or
 * migrating the file.
 */
static void
run_once (Model      *model,
          const char *dir,
          guint       run,
          GRand      *rand)
{
  g_autofree char *path = g_build_filename (dir, "instances.db", NULL);
  Reader reader = { 0 };
  char *line;
  guint commits_before = model->commits;
  gboolean early = run % 5 == 0;
  GPid pid;

  pid = spawn_child (dir, run, &reader.fd);
  reader.buffer = g_string_new (NULL);
  model->ready = FALSE;

  while (!early && model->commits == commits_before && (line = reader_next_line (&reader)))
    {
      model_handle_line (model, line);
      g_free (line);
    }
  g_assert_true (early || model->commits > commits_before);

  g_usleep (g_rand_int_range (rand, 0, MAX_DELAY_US + 1));
  kill_child (pid);

  while ((line = reader_next_line (&reader)) != NULL)
    {
      model_handle_line (model, line);
      g_free (line);
    }
  close (reader.fd);
  g_string_free (reader.buffer, TRUE);

  verify_database (model, path);
}

static void
test_kill_while_writing (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vqs-crash-XXXXXX", &error);
  g_autoptr(GRand) rand = g_rand_new_with_seed (SEED);
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };
  Model model = { 0 };

  g_assert_no_error (error);
  g_test_message ("seed %u, %d kills", SEED, N_KILLS);
  model.expected = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);

  for (guint run = 0; run < N_KILLS; run++)
    run_once (&model, dir, run, rand);

  g_test_message ("%u reported writes checked, %u unreported writes found committed, "
                  "%u instances at the end",
                  model.commits, model.unreported, g_hash_table_size (model.expected));
  /* At least one commit per run killed while writing, however slow the machine. */
  g_assert_cmpuint (model.commits, >=, N_KILLS - N_KILLS / 5);

  g_hash_table_unref (model.expected);
  g_free (model.pending_name);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (dir, "/instances.db", suffixes[i], NULL);

      g_remove (file);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  /* Handled before g_test_init(): the child is not a test program. */
  if (argc == 4 && g_str_equal (argv[1], "--child"))
    return run_child (argv[2], (guint)g_ascii_strtoull (argv[3], NULL, 10));

  g_test_init (&argc, &argv, NULL);

  self_path = g_canonicalize_filename (argv[0], NULL);
  g_test_add_func ("/vqs/instance-store/crash/kill-while-writing", test_kill_while_writing);
  ret = g_test_run ();
  g_free (self_path);

  return ret;
}
