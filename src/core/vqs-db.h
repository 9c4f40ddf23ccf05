/* vqs-db.h
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define VQS_DB_ERROR (vqs_db_error_quark ())

/**
 * VqsDbError:
 * @VQS_DB_ERROR_FAILED: any other sqlite failure (I/O error, out of memory…)
 * @VQS_DB_ERROR_OPEN: the file or its folder could not be created or opened
 * @VQS_DB_ERROR_NOT_OPEN: the connection is not open
 * @VQS_DB_ERROR_BUSY: another connection held the lock for longer than the busy timeout
 * @VQS_DB_ERROR_CONSTRAINT: a CHECK, NOT NULL or other constraint failed
 * @VQS_DB_ERROR_UNIQUE: a UNIQUE or PRIMARY KEY constraint failed
 * @VQS_DB_ERROR_FOREIGN_KEY: a FOREIGN KEY constraint failed
 * @VQS_DB_ERROR_CORRUPT: the file is not a database or is damaged
 * @VQS_DB_ERROR_FULL: the disk is full
 * @VQS_DB_ERROR_READ_ONLY: the file or its folder is read-only
 * @VQS_DB_ERROR_SCHEMA_TOO_NEW: the file was written by a newer version of the app
 *
 * Storage errors. The message is sqlite's own (English) text, except for
 * %VQS_DB_ERROR_OPEN and %VQS_DB_ERROR_SCHEMA_TOO_NEW, whose messages are
 * translated sentences a user can act on.
 */
typedef enum
{
  VQS_DB_ERROR_FAILED,
  VQS_DB_ERROR_OPEN,
  VQS_DB_ERROR_NOT_OPEN,
  VQS_DB_ERROR_BUSY,
  VQS_DB_ERROR_CONSTRAINT,
  VQS_DB_ERROR_UNIQUE,
  VQS_DB_ERROR_FOREIGN_KEY,
  VQS_DB_ERROR_CORRUPT,
  VQS_DB_ERROR_FULL,
  VQS_DB_ERROR_READ_ONLY,
  VQS_DB_ERROR_SCHEMA_TOO_NEW,
} VqsDbError;

/* The schema version (PRAGMA user_version) that vqs_db_open() migrates to. */
#define VQS_DB_SCHEMA_VERSION 2

#define VQS_TYPE_DB (vqs_db_get_type ())

G_DECLARE_FINAL_TYPE (VqsDb, vqs_db, VQS, DB, GObject)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/**
 * VqsDbTransactionFunc:
 * @db: the connection, inside a transaction
 * @user_data: data passed to vqs_db_transaction()
 * @error: return location for an error
 *
 * Returns: %TRUE to commit, %FALSE (with @error set) to roll back
 */
typedef gboolean (*VqsDbTransactionFunc) (VqsDb     *db,
                                          gpointer   user_data,
                                          GError   **error);

GQuark        vqs_db_error_quark        (void);

VqsDb        *vqs_db_new                (const char            *path);
const char   *vqs_db_get_path           (VqsDb                 *self);
gboolean      vqs_db_open               (VqsDb                 *self,
                                         GError               **error);
gboolean      vqs_db_is_open            (VqsDb                 *self);
void          vqs_db_close              (VqsDb                 *self);
int           vqs_db_get_user_version   (VqsDb                 *self,
                                         GError               **error);
gboolean      vqs_db_check_integrity    (VqsDb                 *self,
                                         GError               **error);

gboolean      vqs_db_exec               (VqsDb                 *self,
                                         const char            *sql,
                                         GError               **error);
sqlite3_stmt *vqs_db_prepare            (VqsDb                 *self,
                                         const char            *sql,
                                         GError               **error);
int           vqs_db_step               (VqsDb                 *self,
                                         sqlite3_stmt          *stmt,
                                         GError               **error);
gboolean      vqs_db_step_done          (VqsDb                 *self,
                                         sqlite3_stmt          *stmt,
                                         GError               **error);
char         *vqs_db_query_string       (VqsDb                 *self,
                                         const char            *sql,
                                         GError               **error);
gint64        vqs_db_get_last_insert_id (VqsDb                 *self);
int           vqs_db_get_changes        (VqsDb                 *self);

gboolean      vqs_db_begin              (VqsDb                 *self,
                                         GError               **error);
gboolean      vqs_db_commit             (VqsDb                 *self,
                                         GError               **error);
void          vqs_db_rollback           (VqsDb                 *self);
gboolean      vqs_db_transaction        (VqsDb                 *self,
                                         VqsDbTransactionFunc   func,
                                         gpointer               user_data,
                                         GError               **error);

void          vqs_db_bind_text          (sqlite3_stmt          *stmt,
                                         int                    index,
                                         const char            *value);
void          vqs_db_bind_datetime      (sqlite3_stmt          *stmt,
                                         int                    index,
                                         GDateTime             *value);
char         *vqs_db_column_dup_text    (sqlite3_stmt          *stmt,
                                         int                    column);
GDateTime    *vqs_db_column_datetime    (sqlite3_stmt          *stmt,
                                         int                    column);

G_END_DECLS
