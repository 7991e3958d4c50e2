/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "em-error.h"
#include "em-project-private.h"

/* Migrations: entry i brings a project from user_version i to i + 1. Never
 * edit a released entry; append a new one and bump EM_PROJECT_SCHEMA_VERSION. */
static const char * const migrations[] = {
  /* 0 -> 1: samples, their data, metadata and bounding boxes. */
  "CREATE TABLE settings ("
  "  key TEXT PRIMARY KEY NOT NULL,"
  "  value TEXT NOT NULL) WITHOUT ROWID;"
  "CREATE TABLE samples ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL CHECK (name <> ''),"
  "  label TEXT NOT NULL,"
  "  category INTEGER NOT NULL CHECK (category IN (0, 1)),"
  "  kind INTEGER NOT NULL CHECK (kind IN (0, 1, 2)),"
  "  interval_ms REAL NOT NULL CHECK (interval_ms >= 0),"
  "  axes TEXT NOT NULL,"               /* 'name\tunits' lines */
  "  n_frames INTEGER NOT NULL CHECK (n_frames >= 0),"
  "  width INTEGER NOT NULL DEFAULT 0,"
  "  height INTEGER NOT NULL DEFAULT 0,"
  "  encoding INTEGER NOT NULL CHECK (encoding IN (0, 1, 2)),"
  "  source_format TEXT,"
  "  hash TEXT NOT NULL,"
  "  created INTEGER NOT NULL,"
  "  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)));"
  /* The raw data lives apart so that listing never reads blob pages. */
  "CREATE TABLE sample_data ("
  "  sample_id INTEGER PRIMARY KEY REFERENCES samples (id) ON DELETE CASCADE,"
  "  data BLOB NOT NULL);"
  "CREATE TABLE sample_metadata ("
  "  sample_id INTEGER NOT NULL REFERENCES samples (id) ON DELETE CASCADE,"
  "  key TEXT NOT NULL,"
  "  value TEXT NOT NULL,"
  "  PRIMARY KEY (sample_id, key)) WITHOUT ROWID;"
  "CREATE TABLE bounding_boxes ("
  "  id INTEGER PRIMARY KEY,"
  "  sample_id INTEGER NOT NULL REFERENCES samples (id) ON DELETE CASCADE,"
  "  label TEXT NOT NULL,"
  "  x REAL NOT NULL, y REAL NOT NULL,"
  "  width REAL NOT NULL CHECK (width >= 0),"
  "  height REAL NOT NULL CHECK (height >= 0));"
  "CREATE INDEX bounding_boxes_by_sample ON bounding_boxes (sample_id);"
  "CREATE INDEX samples_by_hash ON samples (hash);"
  "CREATE INDEX samples_by_label ON samples (label, category);"
  "CREATE INDEX samples_by_category ON samples (category, label);",

  /* 1 -> 2: the feature cache. Keyed by the sample's content hash and a key
   * of everything that shapes a block's output (plugin, version, params,
   * input block), so editing one block recomputes only its features. */
  "CREATE TABLE feature_cache ("
  "  id INTEGER PRIMARY KEY,"
  "  block_key TEXT NOT NULL,"
  "  sample_hash TEXT NOT NULL,"
  "  n_windows INTEGER NOT NULL CHECK (n_windows >= 0),"
  "  n_features INTEGER NOT NULL CHECK (n_features > 0),"
  "  data BLOB NOT NULL,"
  "  UNIQUE (block_key, sample_hash));"
  "CREATE TABLE feature_projections ("
  "  block_key TEXT PRIMARY KEY NOT NULL,"
  "  method TEXT NOT NULL,"
  "  data BLOB NOT NULL);",

  /* 2 -> 3: trained models and what testing them found. One model per
   * learning block; params_key fingerprints everything it was trained on
   * (feature pipeline + learning params), so a changed impulse shows as out
   * of date. Test results and predictions belong to the model: replacing the
   * model deletes them in the same transaction. */
  "CREATE TABLE models ("
  "  block_id TEXT PRIMARY KEY NOT NULL,"
  "  plugin TEXT NOT NULL,"
  "  params_key TEXT NOT NULL,"
  "  labels TEXT NOT NULL,"             /* JSON array of strings */
  "  blob BLOB NOT NULL,"
  "  report TEXT NOT NULL,"             /* JSON object */
  "  created INTEGER NOT NULL);"
  "CREATE TABLE test_results ("
  "  block_id TEXT NOT NULL REFERENCES models (block_id) ON DELETE CASCADE,"
  "  variant TEXT NOT NULL CHECK (variant IN ('float', 'int8')),"
  "  metrics TEXT NOT NULL,"            /* JSON object */
  "  created INTEGER NOT NULL,"
  "  PRIMARY KEY (block_id, variant)) WITHOUT ROWID;"
  /* One row per tested window. predicted: the class label, NULL when the
   * top probability was under the threshold (or for regression / anomaly);
   * confidence: the top probability; value: the regression output or the
   * anomaly score. */
  "CREATE TABLE test_predictions ("
  "  block_id TEXT NOT NULL,"
  "  variant TEXT NOT NULL,"
  "  sample_id INTEGER NOT NULL REFERENCES samples (id) ON DELETE CASCADE,"
  "  window INTEGER NOT NULL CHECK (window >= 0),"
  "  actual TEXT NOT NULL,"
  "  predicted TEXT,"
  "  confidence REAL,"
  "  value REAL,"
  "  PRIMARY KEY (block_id, variant, sample_id, window),"
  "  FOREIGN KEY (block_id, variant) REFERENCES test_results (block_id, variant) ON DELETE CASCADE"
  ") WITHOUT ROWID;"
  "CREATE INDEX test_predictions_by_sample ON test_predictions (sample_id);",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == EM_PROJECT_SCHEMA_VERSION);

void
em_project_set_sqlite_error (GError **error, sqlite3 *db, int rc, const char *path,
                             const char *what)
{
  g_autofree char *base = g_path_get_basename (path);
  const char *msg = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);
  EmError code;

  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      code = EM_ERROR_IO;
      msg = "the disk is full";
      break;
    case SQLITE_READONLY:
      code = EM_ERROR_IO;
      msg = "the project file is read-only";
      break;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      code = EM_ERROR_IO;
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      code = EM_ERROR_CORRUPT;
      msg = "the project file is damaged or not an Ember project";
      break;
    case SQLITE_CONSTRAINT:
      code = EM_ERROR_INVALID_ARGUMENT;
      break;
    default:
      code = EM_ERROR_FAILED;
      break;
    }
  g_set_error (error, EM_ERROR, code, "%s: %s: %s", base, what, msg);
}

static gboolean
exec (sqlite3 *db, const char *path, const char *sql, GError **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      em_project_set_sqlite_error (error, db, rc, path, "cannot update the project");
      return FALSE;
    }
  return TRUE;
}

static gboolean
query_int (sqlite3 *db, const char *path, const char *sql, gint64 *out, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      em_project_set_sqlite_error (error, db, rc, path, "cannot read the project");
      sqlite3_finalize (stmt);
      return FALSE;
    }
  *out = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return TRUE;
}

/* Cheap check before SQLite touches the file: the 16-byte magic. */
static gboolean
check_sqlite_magic (const char *path, GError **error)
{
  g_autofree char *base = g_path_get_basename (path);
  char magic[16] = { 0 };
  FILE *f = fopen (path, "rb");
  size_t got;

  if (f == NULL)
    {
      int saved = errno;
      g_set_error (error, EM_ERROR, saved == ENOENT ? EM_ERROR_NOT_FOUND : EM_ERROR_IO,
                   "%s: cannot open: %s", base, g_strerror (saved));
      return FALSE;
    }
  got = fread (magic, 1, sizeof magic, f);
  fclose (f);
  if (got == 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_CORRUPT, "%s: not an Ember project (empty file)", base);
      return FALSE;
    }
  if (got < sizeof magic || memcmp (magic, "SQLite format 3", 16) != 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_CORRUPT,
                   "%s: not an Ember project (not an SQLite database)", base);
      return FALSE;
    }
  return TRUE;
}

sqlite3 *
em_project_schema_open (const char *path, gboolean create, GError **error)
{
  g_autofree char *base = g_path_get_basename (path);
  sqlite3 *db = NULL;
  gint64 app_id = 0, version = 0, n_tables = 0;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  int rc;

  if (create)
    {
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                       "%s: already exists; choose another name or remove it first", base);
          return NULL;
        }
      flags |= SQLITE_OPEN_CREATE;
    }
  else if (!check_sqlite_magic (path, error))
    return NULL;

  rc = sqlite3_open_v2 (path, &db, flags, NULL);
  if (rc != SQLITE_OK)
    {
      em_project_set_sqlite_error (error, db, rc, path, "cannot open");
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_extended_result_codes (db, 1);
  sqlite3_busy_timeout (db, 10000);

  /* Read-only queries first: a refused file must not be modified, and
   * switching the journal mode would write to it. */
  if (!query_int (db, path, "PRAGMA application_id", &app_id, error) ||
      !query_int (db, path, "PRAGMA user_version", &version, error) ||
      !query_int (db, path, "SELECT count(*) FROM sqlite_schema", &n_tables, error))
    goto fail;

  if (!create && !(app_id == EM_PROJECT_APPLICATION_ID || (app_id == 0 && n_tables == 0)))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_CORRUPT,
                   "%s: not an Ember project (an SQLite database of another program)", base);
      goto fail;
    }
  if (version > EM_PROJECT_SCHEMA_VERSION)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_SCHEMA_TOO_NEW,
                   "%s: made by a newer Ember (project schema %" G_GINT64_FORMAT
                   ", this version reads up to %d); update Ember to open it",
                   base, version, EM_PROJECT_SCHEMA_VERSION);
      goto fail;
    }

  /* FULL: a commit that returned is on disk, so "committed" in a report
   * survives a power cut too, not just a killed process. */
  if (!exec (db, path, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                       "PRAGMA foreign_keys = ON;", error))
    goto fail;

  /* Test hook: cap the file's size so tests can meet a "full disk" without
   * filling a real one. */
  if (g_getenv ("EMBER_TEST_MAX_PAGE_COUNT") != NULL)
    {
      g_autofree char *sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GUINT64_FORMAT,
                                              g_ascii_strtoull (g_getenv ("EMBER_TEST_MAX_PAGE_COUNT"), NULL, 10));
      if (!exec (db, path, sql, error))
        goto fail;
    }

  if (version < EM_PROJECT_SCHEMA_VERSION)
    {
      if (!exec (db, path, "BEGIN IMMEDIATE", error))
        goto fail;
      for (gint64 v = version; v < EM_PROJECT_SCHEMA_VERSION; v++)
        if (!exec (db, path, migrations[v], error))
          {
            sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
            goto fail;
          }
      {
        g_autofree char *sql = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA user_version = %d;",
                                                EM_PROJECT_APPLICATION_ID, EM_PROJECT_SCHEMA_VERSION);
        if (!exec (db, path, sql, error) || !exec (db, path, "COMMIT", error))
          {
            sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
            goto fail;
          }
      }
    }
  return db;

fail:
  sqlite3_close (db);
  return NULL;
}
