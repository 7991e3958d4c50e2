/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include "em-error.h"
#include "em-project-private.h"
#include "em-project-undo.h"

static gboolean
id_is_free (EmProject *self, gint64 id, gboolean *free_out, GError **error)
{
  sqlite3_stmt *stmt = em_project_prepare (self, "SELECT 1 FROM samples WHERE id = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      em_project_set_sqlite_error (error, self->db, rc, self->path, "cannot read the project");
      return FALSE;
    }
  *free_out = rc == SQLITE_DONE;
  return TRUE;
}

static char *
axes_text (EmSample *sample)
{
  GString *s = g_string_new (NULL);

  /* Same 'name\tunits' lines em-project-samples.c writes. */
  for (guint i = 0; i < em_sample_get_n_axes (sample); i++)
    {
      const EmAxis *axis = em_sample_get_axis (sample, i);
      g_string_append_printf (s, "%s%s\t%s", i > 0 ? "\n" : "", axis->name, axis->units);
    }
  return g_string_free (s, FALSE);
}

static gboolean
restore_one (EmProject *self, EmSample *sample, GError **error)
{
  g_autofree char *axes = axes_text (sample);
  g_autoptr(GPtrArray) keys = NULL;
  GBytes *data = em_sample_get_data (sample);
  gint64 old_id = em_sample_get_id (sample);
  gboolean id_free = FALSE;
  sqlite3_stmt *stmt;
  gboolean ok;
  gint64 id;
  gsize size = 0;
  const void *bytes;

  if (data == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                   "sample '%s' cannot be restored: it was kept without its data",
                   em_sample_get_name (sample));
      return FALSE;
    }
  if (old_id > 0 && !id_is_free (self, old_id, &id_free, error))
    return FALSE;

  stmt = em_project_prepare (self, "INSERT INTO samples (id, name, label, category, kind, interval_ms,"
                                   " axes, n_frames, width, height, encoding, source_format, hash,"
                                   " created, enabled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             error);
  if (stmt == NULL)
    return FALSE;
  if (id_free)
    sqlite3_bind_int64 (stmt, 1, old_id);
  else
    sqlite3_bind_null (stmt, 1);
  em_project_bind_text (stmt, 2, em_sample_get_name (sample));
  em_project_bind_text (stmt, 3, em_sample_get_label (sample));
  sqlite3_bind_int (stmt, 4, em_sample_get_category (sample));
  sqlite3_bind_int (stmt, 5, em_sample_get_kind (sample));
  sqlite3_bind_double (stmt, 6, em_sample_get_interval_ms (sample));
  em_project_bind_text (stmt, 7, axes);
  sqlite3_bind_int64 (stmt, 8, (sqlite3_int64) em_sample_get_n_frames (sample));
  sqlite3_bind_int (stmt, 9, (int) em_sample_get_width (sample));
  sqlite3_bind_int (stmt, 10, (int) em_sample_get_height (sample));
  sqlite3_bind_int (stmt, 11, em_sample_get_encoding (sample));
  em_project_bind_text (stmt, 12, em_sample_get_source_format (sample));
  em_project_bind_text (stmt, 13, em_sample_get_hash (sample));
  sqlite3_bind_int64 (stmt, 14, em_sample_get_created (sample) > 0 ? em_sample_get_created (sample)
                                                                     : g_get_real_time ());
  sqlite3_bind_int (stmt, 15, em_sample_get_enabled (sample) ? 1 : 0);
  ok = em_project_step_done (self, stmt, error);
  id = sqlite3_last_insert_rowid (self->db);
  sqlite3_finalize (stmt);
  if (!ok)
    return FALSE;

  stmt = em_project_prepare (self, "INSERT INTO sample_data (sample_id, data) VALUES (?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  bytes = g_bytes_get_data (data, &size);
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_blob64 (stmt, 2, size > 0 ? bytes : "", size, SQLITE_STATIC);
  ok = em_project_step_done (self, stmt, error);
  sqlite3_finalize (stmt);

  keys = em_sample_get_metadata_keys (sample);
  if (ok && keys->len > 0)
    {
      stmt = em_project_prepare (self, "INSERT INTO sample_metadata (sample_id, key, value)"
                                       " VALUES (?, ?, ?)", error);
      ok = stmt != NULL;
      for (guint i = 0; ok && i < keys->len; i++)
        {
          const char *key = g_ptr_array_index (keys, i);
          sqlite3_reset (stmt);
          sqlite3_bind_int64 (stmt, 1, id);
          em_project_bind_text (stmt, 2, key);
          em_project_bind_text (stmt, 3, em_sample_get_metadata (sample, key));
          ok = em_project_step_done (self, stmt, error);
        }
      if (stmt != NULL)
        sqlite3_finalize (stmt);
    }
  if (ok && em_sample_get_n_boxes (sample) > 0)
    {
      stmt = em_project_prepare (self, "INSERT INTO bounding_boxes (sample_id, label, x, y, width,"
                                       " height) VALUES (?, ?, ?, ?, ?, ?)", error);
      ok = stmt != NULL;
      for (guint i = 0; ok && i < em_sample_get_n_boxes (sample); i++)
        {
          const EmBoundingBox *box = em_sample_get_box (sample, i);
          sqlite3_reset (stmt);
          sqlite3_bind_int64 (stmt, 1, id);
          em_project_bind_text (stmt, 2, box->label);
          sqlite3_bind_double (stmt, 3, box->x);
          sqlite3_bind_double (stmt, 4, box->y);
          sqlite3_bind_double (stmt, 5, box->width);
          sqlite3_bind_double (stmt, 6, box->height);
          ok = em_project_step_done (self, stmt, error);
        }
      if (stmt != NULL)
        sqlite3_finalize (stmt);
    }
  if (ok)
    em_sample_set_id (sample, id);
  return ok;
}

gboolean
em_project_restore_samples (EmProject *self, GPtrArray *samples, GError **error)
{
  g_autoptr(GArray) old_ids = NULL;
  gboolean ok = TRUE;

  g_return_val_if_fail (EM_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (samples != NULL, FALSE);

  if (samples->len == 0)
    return TRUE;
  /* Ids are only written back once the whole set is committed, so a
   * failed restore leaves the caller's samples as they were and it may
   * try again. */
  old_ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), samples->len);
  for (guint i = 0; i < samples->len; i++)
    {
      gint64 id = em_sample_get_id (g_ptr_array_index (samples, i));
      g_array_append_val (old_ids, id);
    }
  if (!em_project_change_begin (self, error))
    return FALSE;
  for (guint i = 0; ok && i < samples->len; i++)
    ok = restore_one (self, g_ptr_array_index (samples, i), error);
  ok = em_project_change_end (self, ok, TRUE, error);
  if (!ok)
    for (guint i = 0; i < samples->len; i++)
      em_sample_set_id (g_ptr_array_index (samples, i), g_array_index (old_ids, gint64, i));
  return ok;
}
