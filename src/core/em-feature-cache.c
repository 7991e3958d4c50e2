/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include "em-error.h"
#include "em-feature-cache.h"
#include "em-project-private.h"

GHashTable *
em_feature_cache_list_hashes (EmProject *self, const char *block_key, GError **error)
{
  g_autoptr(GHashTable) hashes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *stmt;
  int rc;

  g_rec_mutex_lock (&self->lock);
  stmt = em_project_prepare (self, "SELECT sample_hash FROM feature_cache WHERE block_key = ?", error);
  if (stmt == NULL)
    {
      g_rec_mutex_unlock (&self->lock);
      return NULL;
    }
  em_project_bind_text (stmt, 1, block_key);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_add (hashes, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    em_project_set_sqlite_error (error, self->db, rc, self->path, "cannot read the feature cache");
  g_rec_mutex_unlock (&self->lock);
  return rc == SQLITE_DONE ? g_steal_pointer (&hashes) : NULL;
}

gboolean
em_feature_cache_put (EmProject *self, const char *block_key, const char *sample_hash,
                      guint n_windows, guint n_features, const float *data, GError **error)
{
  sqlite3_stmt *stmt;
  gboolean ok;

  if (!em_project_change_begin (self, error))
    return FALSE;
  stmt = em_project_prepare (self, "INSERT OR REPLACE INTO feature_cache"
                                   " (block_key, sample_hash, n_windows, n_features, data)"
                                   " VALUES (?, ?, ?, ?, ?)", error);
  ok = stmt != NULL;
  if (ok)
    {
      gsize bytes = (gsize) n_windows * n_features * sizeof (float);
      em_project_bind_text (stmt, 1, block_key);
      em_project_bind_text (stmt, 2, sample_hash);
      sqlite3_bind_int (stmt, 3, (int) n_windows);
      sqlite3_bind_int (stmt, 4, (int) n_features);
      sqlite3_bind_blob64 (stmt, 5, bytes > 0 ? (const void *) data : "", bytes, SQLITE_STATIC);
      ok = em_project_step_done (self, stmt, error);
    }
  sqlite3_finalize (stmt);
  return em_project_change_end (self, ok, FALSE, error);
}

gboolean
em_feature_cache_get (EmProject *self, const char *block_key, const char *sample_hash,
                      guint *n_windows, guint *n_features, float **data, GError **error)
{
  sqlite3_stmt *stmt;
  int rc;
  gboolean ok = FALSE;

  g_rec_mutex_lock (&self->lock);
  stmt = em_project_prepare (self, "SELECT n_windows, n_features, data FROM feature_cache"
                                   " WHERE block_key = ? AND sample_hash = ?", error);
  if (stmt != NULL)
    {
      em_project_bind_text (stmt, 1, block_key);
      em_project_bind_text (stmt, 2, sample_hash);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          guint w = (guint) sqlite3_column_int (stmt, 0), f = (guint) sqlite3_column_int (stmt, 1);
          gsize bytes = (gsize) sqlite3_column_bytes (stmt, 2);
          if (bytes != (gsize) w * f * sizeof (float))
            em_project_set_sqlite_error (error, self->db, SQLITE_CORRUPT, self->path, "feature cache");
          else
            {
              *n_windows = w;
              *n_features = f;
              *data = g_memdup2 (sqlite3_column_blob (stmt, 2), MAX (bytes, 1));
              ok = TRUE;
            }
        }
      else if (rc == SQLITE_DONE)
        g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "no features cached for this sample; generate features first");
      else
        em_project_set_sqlite_error (error, self->db, rc, self->path, "cannot read the feature cache");
      sqlite3_finalize (stmt);
    }
  g_rec_mutex_unlock (&self->lock);
  return ok;
}

gint64
em_feature_cache_prune (EmProject *self, const char * const *keep, GError **error)
{
  g_autoptr(GString) sql = g_string_new ("DELETE FROM feature_cache WHERE block_key NOT IN (");
  sqlite3_stmt *stmt;
  gint64 removed = -1;
  guint n = keep != NULL ? g_strv_length ((GStrv) keep) : 0;
  gboolean ok;

  for (guint i = 0; i < n; i++)
    g_string_append (sql, i ? ", ?" : "?");
  g_string_append (sql, ")");
  if (!em_project_change_begin (self, error))
    return -1;
  stmt = em_project_prepare (self, sql->str, error);
  ok = stmt != NULL;
  if (ok)
    {
      for (guint i = 0; i < n; i++)
        em_project_bind_text (stmt, (int) i + 1, keep[i]);
      ok = em_project_step_done (self, stmt, error);
      removed = sqlite3_changes (self->db);
    }
  sqlite3_finalize (stmt);
  return em_project_change_end (self, ok, FALSE, error) ? removed : -1;
}

gboolean
em_feature_projection_put (EmProject *self, const char *block_key, const char *method,
                           const EmProjectedPoint *points, gsize n_points, GError **error)
{
  sqlite3_stmt *stmt;
  gboolean ok;

  if (!em_project_change_begin (self, error))
    return FALSE;
  stmt = em_project_prepare (self, "INSERT OR REPLACE INTO feature_projections (block_key, method, data)"
                                   " VALUES (?, ?, ?)", error);
  ok = stmt != NULL;
  if (ok)
    {
      em_project_bind_text (stmt, 1, block_key);
      em_project_bind_text (stmt, 2, method);
      sqlite3_bind_blob64 (stmt, 3, n_points > 0 ? (const void *) points : "",
                           n_points * sizeof (EmProjectedPoint), SQLITE_STATIC);
      ok = em_project_step_done (self, stmt, error);
    }
  sqlite3_finalize (stmt);
  return em_project_change_end (self, ok, FALSE, error);
}

GArray *
em_feature_projection_get (EmProject *self, const char *block_key, char **method, GError **error)
{
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (EmProjectedPoint));
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  int rc;

  g_rec_mutex_lock (&self->lock);
  stmt = em_project_prepare (self, "SELECT method, data FROM feature_projections WHERE block_key = ?", error);
  if (stmt != NULL)
    {
      em_project_bind_text (stmt, 1, block_key);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          gsize bytes = (gsize) sqlite3_column_bytes (stmt, 1);
          if (method != NULL)
            *method = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          g_array_append_vals (points, sqlite3_column_blob (stmt, 1), (guint) (bytes / sizeof (EmProjectedPoint)));
          ok = TRUE;
        }
      else if (rc == SQLITE_DONE)
        g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "no projection stored; generate features first");
      else
        em_project_set_sqlite_error (error, self->db, rc, self->path, "cannot read the projection");
      sqlite3_finalize (stmt);
    }
  g_rec_mutex_unlock (&self->lock);
  return ok ? g_steal_pointer (&points) : NULL;
}
