/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <unistd.h>
#include <math.h>
#include <glib/gstdio.h>
#include "em-error.h"
#include "em-project-private.h"


G_DEFINE_FINAL_TYPE (EmProject, em_project, G_TYPE_OBJECT)

enum { SAMPLES_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
em_project_finalize (GObject *object)
{
  EmProject *self = EM_PROJECT (object);

  if (self->db != NULL)
    {
      if (self->tx_depth > 0)
        sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      sqlite3_close_v2 (self->db);
    }
  g_free (self->path);
  g_free (self->name);
  g_rec_mutex_clear (&self->lock);

  G_OBJECT_CLASS (em_project_parent_class)->finalize (object);
}

static void
em_project_class_init (EmProjectClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = em_project_finalize;

  signals[SAMPLES_CHANGED] = g_signal_new ("samples-changed", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 0);
}

static void
em_project_init (EmProject *self)
{
  g_rec_mutex_init (&self->lock);
}

void
em_sample_filter_init (EmSampleFilter *filter)
{
  memset (filter, 0, sizeof *filter);
  filter->category = -1;
  filter->kind = -1;
  filter->enabled = -1;
  filter->limit = -1;
}

void
em_label_stats_free (EmLabelStats *stats)
{
  if (stats == NULL)
    return;
  g_free (stats->label);
  g_free (stats);
}

/* --- small SQLite helpers ------------------------------------------------ */

sqlite3_stmt *
em_project_prepare (EmProject *self, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v3 (self->db, sql, -1, 0, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      em_project_set_sqlite_error (error, self->db, rc, self->path, "cannot read the project");
      return NULL;
    }
  return stmt;
}

gboolean
em_project_exec (EmProject *self, const char *sql, GError **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      em_project_set_sqlite_error (error, self->db, rc, self->path, "cannot write");
      return FALSE;
    }
  return TRUE;
}

/* Run a statement that returns no rows. */
gboolean
em_project_step_done (EmProject *self, sqlite3_stmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE)
    {
      em_project_set_sqlite_error (error, self->db, rc, self->path, "cannot write");
      return FALSE;
    }
  return TRUE;
}

void
em_project_bind_text (sqlite3_stmt *stmt, int i, const char *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, i);
  else
    sqlite3_bind_text (stmt, i, text, -1, SQLITE_TRANSIENT);
}

/* Each change runs inside a savepoint: alone it is its own transaction;
 * inside em_project_begin() it joins the caller's. */
gboolean
em_project_change_begin (EmProject *self, GError **error)
{
  g_rec_mutex_lock (&self->lock);
  if (!em_project_exec (self, "SAVEPOINT em_change", error))
    {
      g_rec_mutex_unlock (&self->lock);
      return FALSE;
    }
  return TRUE;
}

gboolean
em_project_change_end (EmProject *self, gboolean ok, gboolean samples_changed, GError **error)
{
  gboolean emit = FALSE;

  if (ok)
    ok = em_project_exec (self, "RELEASE em_change", error);
  if (!ok)
    {
      /* The release (the commit, when outside a transaction) can fail too,
       * e.g. on a full disk: undo, so the file keeps its last good state. */
      sqlite3_exec (self->db, "ROLLBACK TO em_change; RELEASE em_change", NULL, NULL, NULL);
    }
  else if (samples_changed)
    {
      if (self->tx_depth > 0)
        self->changed = TRUE;
      else
        emit = TRUE;
    }
  g_rec_mutex_unlock (&self->lock);
  if (emit)
    g_signal_emit (self, signals[SAMPLES_CHANGED], 0);
  return ok;
}

/* --- open / create ------------------------------------------------------- */

static char *
read_setting (EmProject *self, const char *key)
{
  sqlite3_stmt *stmt = em_project_prepare (self, "SELECT value FROM settings WHERE key = ?", NULL);
  char *value = NULL;

  if (stmt == NULL)
    return NULL;
  em_project_bind_text (stmt, 1, key);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

static EmProject *
project_new (const char *path, sqlite3 *db)
{
  EmProject *self = g_object_new (EM_TYPE_PROJECT, NULL);

  self->path = g_canonicalize_filename (path, NULL);
  self->db = db;
  self->name = read_setting (self, "name");
  if (self->name == NULL)
    {
      g_autofree char *base = g_path_get_basename (path);
      char *dot = strrchr (base, '.');
      if (dot != NULL && dot != base)
        *dot = '\0';
      self->name = g_steal_pointer (&base);
    }
  return self;
}

/* The key devices must send to the ingestion server: 128 bits from the
 * kernel's CSPRNG, since GLib's g_random is predictable from its output. */
static char *
new_api_key (void)
{
  guint8 bytes[16];
  GString *key = g_string_new ("ei_");

  if (getentropy (bytes, sizeof bytes) != 0)
    for (guint i = 0; i < sizeof bytes; i++)
      bytes[i] = (guint8) g_random_int ();
  for (guint i = 0; i < sizeof bytes; i++)
    g_string_append_printf (key, "%02x", bytes[i]);
  return g_string_free (key, FALSE);
}

EmProject *
em_project_create (const char *path, const char *name, GError **error)
{
  g_autoptr(EmProject) self = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *name_copy = NULL;
  g_autofree char *created = NULL;
  g_autofree char *api_key = NULL;
  sqlite3 *db;

  g_return_val_if_fail (path != NULL, NULL);

  db = em_project_schema_open (path, TRUE, error);
  if (db == NULL)
    {
      /* Don't leave a half-made file behind for the next attempt to trip on. */
      if (!(error != NULL && *error != NULL && g_error_matches (*error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT)))
        {
          g_autofree char *wal = g_strconcat (path, "-wal", NULL);
          g_autofree char *shm = g_strconcat (path, "-shm", NULL);
          g_unlink (path);
          g_unlink (wal);
          g_unlink (shm);
        }
      return NULL;
    }
  self = project_new (path, db);
  /* Copy: setting "name" replaces self->name, which @name may point to. */
  name_copy = g_strdup (name != NULL && *name != '\0' ? name : self->name);
  name = name_copy;
  now = g_date_time_new_now_utc ();
  created = g_date_time_format_iso8601 (now);
  api_key = new_api_key ();
  if (!em_project_begin (self, error) ||
      !em_project_set_setting (self, "name", name, error) ||
      !em_project_set_setting (self, "created", created, error) ||
      !em_project_set_setting (self, "api_key", api_key, error) ||
      !em_project_commit (self, error))
    {
      em_project_rollback (self);
      return NULL;
    }
  g_free (self->name);
  self->name = g_strdup (name);
  return g_steal_pointer (&self);
}

EmProject *
em_project_open (const char *path, GError **error)
{
  sqlite3 *db;

  g_return_val_if_fail (path != NULL, NULL);

  db = em_project_schema_open (path, FALSE, error);
  if (db == NULL)
    return NULL;
  return project_new (path, db);
}

const char *
em_project_get_path (EmProject *self)
{
  return self->path;
}

const char *
em_project_get_name (EmProject *self)
{
  return self->name;
}

char *
em_project_get_setting (EmProject *self, const char *key)
{
  char *value;

  g_rec_mutex_lock (&self->lock);
  value = read_setting (self, key);
  g_rec_mutex_unlock (&self->lock);
  return value;
}

gboolean
em_project_set_setting (EmProject *self, const char *key, const char *value, GError **error)
{
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (key != NULL, FALSE);
  if (!em_project_change_begin (self, error))
    return FALSE;
  if (value != NULL)
    stmt = em_project_prepare (self, "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", error);
  else
    stmt = em_project_prepare (self, "DELETE FROM settings WHERE key = ?", error);
  ok = stmt != NULL;
  if (ok)
    {
      em_project_bind_text (stmt, 1, key);
      if (value != NULL)
        em_project_bind_text (stmt, 2, value);
      ok = em_project_step_done (self, stmt, error);
    }
  sqlite3_finalize (stmt);
  if (ok && g_strcmp0 (key, "name") == 0 && value != NULL)
    {
      g_free (self->name);
      self->name = g_strdup (value);
    }
  return em_project_change_end (self, ok, FALSE, error);
}

/* --- transactions ---------------------------------------------------------- */

gboolean
em_project_begin (EmProject *self, GError **error)
{
  g_rec_mutex_lock (&self->lock);
  if (self->tx_depth == 0)
    {
      /* IMMEDIATE takes the write lock now, so a batch never fails half-way
       * because another process started writing first. */
      if (!em_project_exec (self, "BEGIN IMMEDIATE", error))
        {
          g_rec_mutex_unlock (&self->lock);
          return FALSE;
        }
      self->changed = FALSE;
    }
  self->tx_depth++;
  /* The lock stays held until the matching commit or rollback. */
  return TRUE;
}

gboolean
em_project_commit (EmProject *self, GError **error)
{
  gboolean ok = TRUE, emit = FALSE;

  if (self->tx_depth == 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "%s: no transaction to commit",
                   self->name);
      return FALSE;
    }
  self->tx_depth--;
  if (self->tx_depth == 0)
    {
      ok = em_project_exec (self, "COMMIT", error);
      if (!ok)
        sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      emit = ok && self->changed;
      self->changed = FALSE;
    }
  g_rec_mutex_unlock (&self->lock);
  if (emit)
    g_signal_emit (self, signals[SAMPLES_CHANGED], 0);
  return ok;
}

void
em_project_rollback (EmProject *self)
{
  if (self->tx_depth == 0)
    return;
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  self->changed = FALSE;
  /* Release every level the caller's stack holds. */
  while (self->tx_depth > 0)
    {
      self->tx_depth--;
      g_rec_mutex_unlock (&self->lock);
    }
}
