/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <sqlite3.h>
#include "em-project.h"

G_BEGIN_DECLS

struct _EmProject
{
  GObject    parent_instance;

  char      *path;
  char      *name;
  sqlite3   *db;
  /* One connection, used from whichever thread holds the lock: jobs may
   * read or write from worker threads. */
  GRecMutex  lock;
  guint      tx_depth;       /* em_project_begin() nesting */
  gboolean   changed;        /* samples changed in the open transaction */
};

/* Helpers shared by em-project.c and em-project-samples.c. */
sqlite3_stmt *em_project_prepare      (EmProject *self, const char *sql, GError **error);
gboolean      em_project_exec         (EmProject *self, const char *sql, GError **error);
gboolean      em_project_step_done    (EmProject *self, sqlite3_stmt *stmt, GError **error);
void          em_project_bind_text    (sqlite3_stmt *stmt, int i, const char *text);
/* A change runs inside a savepoint, holding the project lock: alone it is its
 * own transaction; inside em_project_begin() it joins the caller's. */
gboolean      em_project_change_begin (EmProject *self, GError **error);
/* Releases or rolls back the savepoint; emits "samples-changed" after the
 * outermost commit when @samples_changed. Returns @ok && the release worked. */
gboolean      em_project_change_end   (EmProject *self, gboolean ok, gboolean samples_changed,
                                       GError **error);

/* 'EMBR': marks the SQLite file as an Ember project (PRAGMA application_id). */
#define EM_PROJECT_APPLICATION_ID 0x454D4252

/* Set @error from the connection's last error, prefixed with @what.
 * Maps SQLite's codes to EmError (disk full, read-only -> IO; corrupt -> CORRUPT). */
void     em_project_set_sqlite_error (GError **error, sqlite3 *db, int rc, const char *path,
                                      const char *what);

/* Open @path read-write (create when @create), check that it is an Ember
 * project this build can read, enable WAL + foreign keys and migrate the
 * schema to EM_PROJECT_SCHEMA_VERSION. NULL with @error set otherwise;
 * nothing is written to a file that is refused. */
sqlite3 *em_project_schema_open      (const char *path, gboolean create, GError **error);

G_END_DECLS
