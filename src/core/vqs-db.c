/* vqs-db.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vqs-db"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "vqs-db.h"

/* How long a statement waits for a lock held by another connection (the
 * scheduler may open its own) before it fails with VQS_DB_ERROR_BUSY.
 */
#define BUSY_TIMEOUT_MS 5000

struct _VqsDb
{
  GObject  parent_instance;

  char    *path;
  sqlite3 *handle;
};

G_DEFINE_FINAL_TYPE (VqsDb, vqs_db, G_TYPE_OBJECT)

G_DEFINE_QUARK (vqs-db-error-quark, vqs_db_error)

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static VqsDbError
error_code_from_sqlite (int rc)
{
  switch (rc)
    {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return VQS_DB_ERROR_UNIQUE;

    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return VQS_DB_ERROR_FOREIGN_KEY;

    default:
      break;
    }

  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return VQS_DB_ERROR_BUSY;
    case SQLITE_CONSTRAINT:
      return VQS_DB_ERROR_CONSTRAINT;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return VQS_DB_ERROR_CORRUPT;
    case SQLITE_FULL:
      return VQS_DB_ERROR_FULL;
    case SQLITE_READONLY:
      return VQS_DB_ERROR_READ_ONLY;
    case SQLITE_CANTOPEN:
      return VQS_DB_ERROR_OPEN;
    default:
      return VQS_DB_ERROR_FAILED;
    }
}

static void
set_error_from_sqlite (VqsDb   *self,
                       int      rc,
                       GError **error)
{
  const char *message;

  message = self->handle != NULL ? sqlite3_errmsg (self->handle) : sqlite3_errstr (rc);
  g_set_error_literal (error, VQS_DB_ERROR, error_code_from_sqlite (rc), message);
}

static gboolean
check_open (VqsDb   *self,
            GError **error)
{
  if (self->handle != NULL)
    return TRUE;

  g_set_error_literal (error, VQS_DB_ERROR, VQS_DB_ERROR_NOT_OPEN,
                       "The database connection is not open");
  return FALSE;
}

static void
vqs_db_finalize (GObject *object)
{
  VqsDb *self = (VqsDb *)object;

  vqs_db_close (self);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (vqs_db_parent_class)->finalize (object);
}

static void
vqs_db_get_property (GObject    *object,
                     guint       prop_id,
                     GValue     *value,
                     GParamSpec *pspec)
{
  VqsDb *self = VQS_DB (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, vqs_db_get_path (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vqs_db_set_property (GObject      *object,
                     guint         prop_id,
                     const GValue *value,
                     GParamSpec   *pspec)
{
  VqsDb *self = VQS_DB (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vqs_db_class_init (VqsDbClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vqs_db_finalize;
  object_class->get_property = vqs_db_get_property;
  object_class->set_property = vqs_db_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vqs_db_init (VqsDb *self)
{
}

/**
 * vqs_db_new:
 * @path: the database file; its folder is created on open
 *
 * Creates a closed connection. A #VqsDb is not thread-safe: use it from
 * one thread at a time, which the instance store guarantees by running all
 * of its work on a single worker thread.
 *
 * Returns: (transfer full): a new #VqsDb
 */
VqsDb *
vqs_db_new (const char *path)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_object_new (VQS_TYPE_DB, "path", path, NULL);
}

const char *
vqs_db_get_path (VqsDb *self)
{
  g_return_val_if_fail (VQS_IS_DB (self), NULL);

  return self->path;
}

gboolean
vqs_db_is_open (VqsDb *self)
{
  g_return_val_if_fail (VQS_IS_DB (self), FALSE);

  return self->handle != NULL;
}

/* The folder holds the instance list of the user's home servers, so it is
 * private (0700). The file is created 0600 before sqlite sees it, because
 * sqlite gives the -wal and -shm files the mode of the database file.
 */
static gboolean
prepare_file (const char  *path,
              GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, VQS_DB_ERROR, VQS_DB_ERROR_OPEN,
                   _("Could not create the folder “%s”: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0)
    close (fd);

  return TRUE;
}

static gboolean
configure (VqsDb   *self,
           GError **error)
{
  g_autofree char *journal_mode = NULL;

  sqlite3_extended_result_codes (self->handle, 1);
  sqlite3_busy_timeout (self->handle, BUSY_TIMEOUT_MS);

  /* This is also the first statement that reads the file, so a file that
   * is not a database fails here with VQS_DB_ERROR_CORRUPT.
   */
  journal_mode = vqs_db_query_string (self, "PRAGMA journal_mode=WAL", error);
  if (journal_mode == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (journal_mode, "wal") != 0)
    g_warning ("The database %s uses journal mode %s instead of WAL", self->path, journal_mode);

  /* FULL rather than NORMAL: in WAL mode NORMAL already survives a killed
   * process, but may lose the last commits when the machine loses power.
   * Instance writes are rare (a few a minute at most), so an fsync per
   * commit costs nothing noticeable and "saved" then means saved.
   */
  return vqs_db_exec (self,
                      "PRAGMA synchronous=FULL;"
                      "PRAGMA foreign_keys=ON;",
                      error);
}

static gboolean migrate (VqsDb   *self,
                         GError **error);

/**
 * vqs_db_open:
 * @self: a #VqsDb
 * @error: return location for an error
 *
 * Creates the folder and file if needed, opens the connection in WAL mode
 * with foreign keys on, and migrates the schema to %VQS_DB_SCHEMA_VERSION.
 *
 * Returns: %TRUE if the connection is open and the schema current
 */
gboolean
vqs_db_open (VqsDb   *self,
             GError **error)
{
  int rc;

  g_return_val_if_fail (VQS_IS_DB (self), FALSE);
  g_return_val_if_fail (self->handle == NULL, FALSE);

  if (!prepare_file (self->path, error))
    return FALSE;

  rc = sqlite3_open_v2 (self->path, &self->handle,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, VQS_DB_ERROR, VQS_DB_ERROR_OPEN,
                   _("Could not open the database “%s”: %s"), self->path,
                   self->handle != NULL ? sqlite3_errmsg (self->handle) : sqlite3_errstr (rc));
      vqs_db_close (self);
      return FALSE;
    }

  if (!configure (self, error) || !migrate (self, error))
    {
      vqs_db_close (self);
      return FALSE;
    }

  return TRUE;
}

void
vqs_db_close (VqsDb *self)
{
  g_return_if_fail (VQS_IS_DB (self));

  if (self->handle == NULL)
    return;

  /* sqlite3_close_v2 never fails with SQLITE_BUSY: statements still
   * alive (a bug) keep the connection until they are finalized.
   */
  if (sqlite3_close_v2 (self->handle) != SQLITE_OK)
    g_warning ("Could not close the database %s: %s", self->path, sqlite3_errmsg (self->handle));
  self->handle = NULL;
}

gboolean
vqs_db_exec (VqsDb       *self,
             const char  *sql,
             GError     **error)
{
  int rc;

  g_return_val_if_fail (VQS_IS_DB (self), FALSE);
  g_return_val_if_fail (sql != NULL, FALSE);

  if (!check_open (self, error))
    return FALSE;

  rc = sqlite3_exec (self->handle, sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      set_error_from_sqlite (self, rc, error);
      return FALSE;
    }

  return TRUE;
}

/**
 * vqs_db_prepare:
 * @self: a #VqsDb
 * @sql: one SQL statement
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): a statement to free with
 *   sqlite3_finalize(), or with `g_autoptr(sqlite3_stmt)`
 */
sqlite3_stmt *
vqs_db_prepare (VqsDb       *self,
                const char  *sql,
                GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (VQS_IS_DB (self), NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  if (!check_open (self, error))
    return NULL;

  rc = sqlite3_prepare_v2 (self->handle, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_error_from_sqlite (self, rc, error);
      return NULL;
    }

  return stmt;
}

/**
 * vqs_db_step:
 * @self: the connection @stmt was prepared on
 * @stmt: a prepared statement
 * @error: return location for an error
 *
 * Returns: %SQLITE_ROW, %SQLITE_DONE, or another sqlite code with @error set
 */
int
vqs_db_step (VqsDb         *self,
             sqlite3_stmt  *stmt,
             GError       **error)
{
  int rc;

  g_return_val_if_fail (VQS_IS_DB (self), SQLITE_MISUSE);
  g_return_val_if_fail (stmt != NULL, SQLITE_MISUSE);

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    set_error_from_sqlite (self, rc, error);

  return rc;
}

/**
 * vqs_db_step_done:
 *
 * Runs a statement that returns no rows (INSERT, UPDATE, DELETE) to its end.
 *
 * Returns: %TRUE on success
 */
gboolean
vqs_db_step_done (VqsDb         *self,
                  sqlite3_stmt  *stmt,
                  GError       **error)
{
  int rc = vqs_db_step (self, stmt, error);

  if (rc == SQLITE_ROW)
    {
      g_set_error_literal (error, VQS_DB_ERROR, VQS_DB_ERROR_FAILED,
                           "The statement unexpectedly returned a row");
      return FALSE;
    }

  return rc == SQLITE_DONE;
}

/**
 * vqs_db_query_string:
 *
 * Runs @sql and returns the first column of its first row, which suits
 * PRAGMAs. A statement without rows, or a NULL value, gives %NULL without
 * an error.
 *
 * Returns: (transfer full) (nullable): the value as text
 */
char *
vqs_db_query_string (VqsDb       *self,
                     const char  *sql,
                     GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = vqs_db_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;

  rc = vqs_db_step (self, stmt, error);
  if (rc != SQLITE_ROW)
    return NULL;

  return vqs_db_column_dup_text (stmt, 0);
}

/**
 * vqs_db_get_user_version:
 *
 * Returns: the schema version stored in the file, or -1 with @error set
 */
int
vqs_db_get_user_version (VqsDb   *self,
                         GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = vqs_db_prepare (self, "PRAGMA user_version", error);
  if (stmt == NULL)
    return -1;

  if (vqs_db_step (self, stmt, error) != SQLITE_ROW)
    return -1;

  return sqlite3_column_int (stmt, 0);
}

/**
 * vqs_db_check_integrity:
 *
 * Runs `PRAGMA integrity_check`.
 *
 * Returns: %TRUE if sqlite answered "ok"; otherwise %FALSE with
 *   %VQS_DB_ERROR_CORRUPT carrying sqlite's findings
 */
gboolean
vqs_db_check_integrity (VqsDb   *self,
                        GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GString) problems = g_string_new (NULL);
  int rc;

  stmt = vqs_db_prepare (self, "PRAGMA integrity_check", error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = vqs_db_step (self, stmt, error)) == SQLITE_ROW)
    {
      const char *line = (const char *)sqlite3_column_text (stmt, 0);

      if (g_strcmp0 (line, "ok") == 0)
        continue;
      if (problems->len > 0)
        g_string_append (problems, "; ");
      g_string_append (problems, line != NULL ? line : "?");
    }

  if (rc != SQLITE_DONE)
    return FALSE;

  if (problems->len > 0)
    {
      g_set_error_literal (error, VQS_DB_ERROR, VQS_DB_ERROR_CORRUPT, problems->str);
      return FALSE;
    }

  return TRUE;
}

gint64
vqs_db_get_last_insert_id (VqsDb *self)
{
  g_return_val_if_fail (VQS_IS_DB (self), 0);
  g_return_val_if_fail (self->handle != NULL, 0);

  return sqlite3_last_insert_rowid (self->handle);
}

/**
 * vqs_db_get_changes:
 *
 * Returns: the number of rows the last INSERT, UPDATE or DELETE changed
 */
int
vqs_db_get_changes (VqsDb *self)
{
  g_return_val_if_fail (VQS_IS_DB (self), 0);
  g_return_val_if_fail (self->handle != NULL, 0);

  return sqlite3_changes (self->handle);
}

/* IMMEDIATE takes the write lock at once. A deferred transaction that
 * reads first and writes later can fail with SQLITE_BUSY in WAL mode
 * without waiting for the busy timeout, when another connection wrote in
 * between.
 */
gboolean
vqs_db_begin (VqsDb   *self,
              GError **error)
{
  return vqs_db_exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
vqs_db_commit (VqsDb   *self,
               GError **error)
{
  return vqs_db_exec (self, "COMMIT", error);
}

void
vqs_db_rollback (VqsDb *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (VQS_IS_DB (self));

  /* sqlite may already have rolled back by itself (after SQLITE_FULL, for
   * example); a second ROLLBACK would only fail.
   */
  if (self->handle == NULL || sqlite3_get_autocommit (self->handle))
    return;

  if (!vqs_db_exec (self, "ROLLBACK", &error))
    g_warning ("Could not roll back a transaction on %s: %s", self->path, error->message);
}

/**
 * vqs_db_transaction:
 * @self: a #VqsDb
 * @func: the work to do inside the transaction
 * @user_data: data for @func
 * @error: return location for an error
 *
 * Runs @func between BEGIN IMMEDIATE and COMMIT, and rolls back when
 * @func or the commit fails. When this returns %TRUE the changes are on
 * disk (synchronous=FULL).
 *
 * Returns: %TRUE if the transaction was committed
 */
gboolean
vqs_db_transaction (VqsDb                 *self,
                    VqsDbTransactionFunc   func,
                    gpointer               user_data,
                    GError               **error)
{
  g_return_val_if_fail (VQS_IS_DB (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  if (!vqs_db_begin (self, error))
    return FALSE;

  if (!func (self, user_data, error) || !vqs_db_commit (self, error))
    {
      vqs_db_rollback (self);
      return FALSE;
    }

  return TRUE;
}

static void
check_bind (sqlite3_stmt *stmt,
            int           index,
            int           rc)
{
  /* Only a wrong index or running out of memory can fail here: both are
   * bugs or fatal, not conditions a caller could handle.
   */
  if (rc != SQLITE_OK)
    g_critical ("Could not bind parameter %d of “%s”: %s",
                index, sqlite3_sql (stmt), sqlite3_errstr (rc));
}

/* Binds a string, or NULL for a %NULL @value. The string is copied. */
void
vqs_db_bind_text (sqlite3_stmt *stmt,
                  int           index,
                  const char   *value)
{
  g_return_if_fail (stmt != NULL);

  if (value == NULL)
    check_bind (stmt, index, sqlite3_bind_null (stmt, index));
  else
    check_bind (stmt, index, sqlite3_bind_text (stmt, index, value, -1, SQLITE_TRANSIENT));
}

/* Times are stored as Unix seconds (UTC); sub-second parts are dropped. */
void
vqs_db_bind_datetime (sqlite3_stmt *stmt,
                      int           index,
                      GDateTime    *value)
{
  g_return_if_fail (stmt != NULL);

  if (value == NULL)
    check_bind (stmt, index, sqlite3_bind_null (stmt, index));
  else
    check_bind (stmt, index, sqlite3_bind_int64 (stmt, index, g_date_time_to_unix (value)));
}

char *
vqs_db_column_dup_text (sqlite3_stmt *stmt,
                        int           column)
{
  g_return_val_if_fail (stmt != NULL, NULL);

  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return NULL;

  return g_strdup ((const char *)sqlite3_column_text (stmt, column));
}

GDateTime *
vqs_db_column_datetime (sqlite3_stmt *stmt,
                        int           column)
{
  g_return_val_if_fail (stmt != NULL, NULL);

  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return NULL;

  return g_date_time_new_from_unix_utc (sqlite3_column_int64 (stmt, column));
}

/* Schema migrations. Each step brings the schema from version N-1 to N in
 * its own transaction, together with the new user_version, so a crash
 * leaves the file at one version or the next and never in between. Steps
 * are never edited once released: a change is a new step.
 */

/* Version 1: the instance table as the first release had it. */
static gboolean
migrate_to_v1 (VqsDb   *self,
               GError **error)
{
  return vqs_db_exec (self,
                      "CREATE TABLE instances ("
                      "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
                      "  uuid TEXT NOT NULL UNIQUE,"
                      "  name TEXT NOT NULL,"
                      "  name_key TEXT NOT NULL,"
                      "  kind TEXT NOT NULL CHECK (kind IN ('sonarr', 'radarr')),"
                      "  url TEXT NOT NULL,"
                      "  verify_tls INTEGER NOT NULL DEFAULT 1,"
                      "  timeout_seconds INTEGER NOT NULL DEFAULT 30"
                      "    CHECK (timeout_seconds BETWEEN 1 AND 300),"
                      "  rate_limit_per_minute INTEGER NOT NULL DEFAULT 60"
                      "    CHECK (rate_limit_per_minute BETWEEN 1 AND 600),"
                      "  has_api_key INTEGER NOT NULL DEFAULT 0,"
                      "  is_healthy INTEGER NOT NULL DEFAULT 0,"
                      "  last_connection_test INTEGER,"
                      "  last_connection_success INTEGER,"
                      "  last_error TEXT,"
                      "  version TEXT,"
                      "  created_at INTEGER NOT NULL,"
                      "  updated_at INTEGER NOT NULL"
                      ");"
                      /* name_key is the NFKC case-folded name. NOCASE only
                       * folds ASCII, so the second index catches "Émile"
                       * against "émile" as well.
                       */
                      "CREATE UNIQUE INDEX instances_name_nocase"
                      "  ON instances (name COLLATE NOCASE);"
                      "CREATE UNIQUE INDEX instances_name_key ON instances (name_key);",
                      error);
}

/* Version 2: the drift baseline, and the tables of the search scheduler. */
static gboolean
migrate_to_v2 (VqsDb   *self,
               GError **error)
{
  return vqs_db_exec (self,
                      "ALTER TABLE instances ADD COLUMN drift_baseline TEXT;"
                      "ALTER TABLE instances ADD COLUMN baseline_taken_at INTEGER;"
                      "CREATE TABLE search_queue ("
                      "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
                      "  instance_id INTEGER NOT NULL"
                      "    REFERENCES instances (id) ON DELETE CASCADE,"
                      "  item_id INTEGER NOT NULL,"
                      "  item_kind TEXT NOT NULL,"
                      "  parent_id INTEGER,"
                      "  reason TEXT NOT NULL DEFAULT 'missing',"
                      "  added_at INTEGER NOT NULL,"
                      "  last_searched_at INTEGER,"
                      "  search_count INTEGER NOT NULL DEFAULT 0,"
                      "  UNIQUE (instance_id, item_kind, item_id)"
                      ");"
                      "CREATE INDEX search_queue_next"
                      "  ON search_queue (instance_id, last_searched_at);"
                      "CREATE TABLE search_history ("
                      "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
                      "  instance_id INTEGER NOT NULL"
                      "    REFERENCES instances (id) ON DELETE CASCADE,"
                      "  item_kind TEXT NOT NULL,"
                      "  item_ids TEXT NOT NULL,"
                      "  command_id INTEGER,"
                      "  started_at INTEGER NOT NULL,"
                      "  finished_at INTEGER,"
                      "  status TEXT NOT NULL,"
                      "  message TEXT"
                      ");"
                      "CREATE INDEX search_history_instance"
                      "  ON search_history (instance_id, started_at);",
                      error);
}

typedef gboolean (*MigrationFunc) (VqsDb   *self,
                                   GError **error);

/* Indexed by the version a step migrates to. */
static const MigrationFunc migrations[] = {
  NULL,
  migrate_to_v1,
  migrate_to_v2,
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == VQS_DB_SCHEMA_VERSION + 1);

static gboolean
migrate_step (VqsDb    *self,
              gpointer  user_data,
              GError  **error)
{
  int target = GPOINTER_TO_INT (user_data);
  g_autofree char *set_version = NULL;
  int current;

  /* Read again under the write lock: another connection opening the same
   * file at the same moment may have run this step already.
   */
  current = vqs_db_get_user_version (self, error);
  if (current < 0)
    return FALSE;
  if (current >= target)
    return TRUE;

  if (!migrations[target] (self, error))
    {
      g_prefix_error (error, "Migration to schema version %d failed: ", target);
      return FALSE;
    }

  set_version = g_strdup_printf ("PRAGMA user_version = %d", target);
  return vqs_db_exec (self, set_version, error);
}

static gboolean
migrate (VqsDb   *self,
         GError **error)
{
  int version = vqs_db_get_user_version (self, error);

  if (version < 0)
    return FALSE;

  if (version > VQS_DB_SCHEMA_VERSION)
    {
      g_set_error (error, VQS_DB_ERROR, VQS_DB_ERROR_SCHEMA_TOO_NEW,
                   _("The database “%s” was written by a newer version of this app. "
                     "Update the app to use it."),
                   self->path);
      return FALSE;
    }

  for (int target = version + 1; target <= VQS_DB_SCHEMA_VERSION; target++)
    {
      if (!vqs_db_transaction (self, migrate_step, GINT_TO_POINTER (target), error))
        return FALSE;
      g_debug ("Migrated %s to schema version %d", self->path, target);
    }

  return TRUE;
}
