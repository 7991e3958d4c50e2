/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <math.h>
#include "em-error.h"
#include "em-project-private.h"

#define SAMPLE_COLUMNS \
  "id, name, label, category, kind, interval_ms, axes, n_frames, width," \
  " height, encoding, source_format, hash, created, enabled"

/* --- validation ------------------------------------------------------------ */

static gboolean
has_control_chars (const char *s)
{
  for (; *s != '\0'; s++)
    if ((guchar) *s < 0x20 || *s == 0x7f)
      return TRUE;
  return FALSE;
}

static gboolean
validate_text (const char *what, const char *value, gboolean allow_empty, GError **error)
{
  if (value == NULL || (!allow_empty && *value == '\0'))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, "%s must not be empty", what);
      return FALSE;
    }
  if (!g_utf8_validate (value, -1, NULL) || has_control_chars (value))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                   "%s '%s' has control characters or is not UTF-8", what, value);
      return FALSE;
    }
  return TRUE;
}

static gboolean
validate_sample (EmSample *sample, GError **error)
{
  const char *name = em_sample_get_name (sample);
  GBytes *data = em_sample_get_data (sample);
  EmSensorKind kind = em_sample_get_kind (sample);
  guint n_axes = em_sample_get_n_axes (sample);

  if (!validate_text ("sample name", name, FALSE, error) ||
      !validate_text ("label", em_sample_get_label (sample), TRUE, error))
    return FALSE;
  if (data == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, "sample '%s' has no data", name);
      return FALSE;
    }
  for (guint i = 0; i < n_axes; i++)
    if (!validate_text ("axis name", em_sample_get_axis (sample, i)->name, FALSE, error) ||
        !validate_text ("axis units", em_sample_get_axis (sample, i)->units, TRUE, error))
      return FALSE;

  if (kind == EM_SENSOR_IMAGE)
    {
      if (em_sample_get_encoding (sample) == EM_ENCODING_F32LE ||
          em_sample_get_width (sample) == 0 || em_sample_get_height (sample) == 0)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                       "image sample '%s' needs PNG or JPEG data and a size", name);
          return FALSE;
        }
    }
  else
    {
      guint64 n_frames = em_sample_get_n_frames (sample);
      const float *values;
      guint64 n_values = 0;

      /* A tabular row (one frame) has no interval; a series needs one. */
      if (em_sample_get_encoding (sample) != EM_ENCODING_F32LE || n_axes == 0 ||
          !(em_sample_get_interval_ms (sample) > 0 ||
            (em_sample_get_interval_ms (sample) == 0 && em_sample_get_n_frames (sample) == 1)))
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                       "sample '%s' needs float values, at least one axis and an interval", name);
          return FALSE;
        }
      values = em_sample_get_values (sample, &n_values);
      if (n_frames == 0 || n_values != n_frames * n_axes)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                       "sample '%s' holds %" G_GUINT64_FORMAT " values, expected %"
                       G_GUINT64_FORMAT " frames × %u axes", name, n_values, n_frames, n_axes);
          return FALSE;
        }
      for (guint64 i = 0; i < n_values; i++)
        if (!isfinite (values[i]))
          {
            g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                         "sample '%s': value %" G_GUINT64_FORMAT " is not a finite number",
                         name, i);
            return FALSE;
          }
    }
  return TRUE;
}

/* Axes are stored as 'name\tunits' lines: validated above to hold no tabs
 * or newlines, and much cheaper to read back for 100k rows than JSON. */
static char *
axes_to_text (EmSample *sample)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < em_sample_get_n_axes (sample); i++)
    {
      const EmAxis *axis = em_sample_get_axis (sample, i);
      g_string_append_printf (s, "%s%s\t%s", i > 0 ? "\n" : "", axis->name, axis->units);
    }
  return g_string_free (s, FALSE);
}

static void
axes_from_text (EmSample *sample, const char *text)
{
  g_auto(GStrv) lines = NULL;

  if (text == NULL || *text == '\0')
    return;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *tab = strchr (lines[i], '\t');
      if (tab != NULL)
        *tab = '\0';
      em_sample_add_axis (sample, lines[i], tab != NULL ? tab + 1 : "");
    }
}

/* --- add ------------------------------------------------------------------- */

static gint64
find_hash_locked (EmProject *self, const char *hash, char **name, GError **error)
{
  sqlite3_stmt *stmt = em_project_prepare (self, "SELECT id, name FROM samples WHERE hash = ? LIMIT 1", error);
  gint64 id = 0;
  int rc;

  if (stmt == NULL)
    return -1;
  em_project_bind_text (stmt, 1, hash);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      id = sqlite3_column_int64 (stmt, 0);
      if (name != NULL)
        *name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
    }
  else if (rc != SQLITE_DONE)
    {
      em_project_set_sqlite_error (error, self->db, rc, self->path, "cannot read the project");
      id = -1;
    }
  sqlite3_finalize (stmt);
  return id;
}

gint64
em_project_find_hash (EmProject *self, const char *hash, GError **error)
{
  gint64 id;

  g_rec_mutex_lock (&self->lock);
  id = find_hash_locked (self, hash, NULL, error);
  g_rec_mutex_unlock (&self->lock);
  return MAX (id, 0);
}

static gboolean
insert_metadata (EmProject *self, gint64 id, EmSample *sample, GError **error)
{
  g_autoptr(GPtrArray) keys = em_sample_get_metadata_keys (sample);
  sqlite3_stmt *stmt;
  gboolean ok = TRUE;

  if (keys->len == 0)
    return TRUE;
  stmt = em_project_prepare (self, "INSERT INTO sample_metadata (sample_id, key, value) VALUES (?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; ok && i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, id);
      em_project_bind_text (stmt, 2, key);
      em_project_bind_text (stmt, 3, em_sample_get_metadata (sample, key));
      ok = em_project_step_done (self, stmt, error);
    }
  sqlite3_finalize (stmt);
  return ok;
}

static gboolean
insert_boxes (EmProject *self, gint64 id, EmSample *sample, GError **error)
{
  sqlite3_stmt *stmt;
  gboolean ok = TRUE;

  if (em_sample_get_n_boxes (sample) == 0)
    return TRUE;
  stmt = em_project_prepare (self, "INSERT INTO bounding_boxes (sample_id, label, x, y, width, height)"
                                   " VALUES (?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; ok && i < em_sample_get_n_boxes (sample); i++)
    {
      const EmBoundingBox *box = em_sample_get_box (sample, i);
      if (!validate_text ("box label", box->label, FALSE, error) ||
          !(isfinite (box->x) && isfinite (box->y) && box->width >= 0 && box->height >= 0 &&
            isfinite (box->width) && isfinite (box->height)))
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                         "bounding box '%s' has a negative or non-finite size", box->label);
          ok = FALSE;
          break;
        }
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, id);
      em_project_bind_text (stmt, 2, box->label);
      sqlite3_bind_double (stmt, 3, box->x);
      sqlite3_bind_double (stmt, 4, box->y);
      sqlite3_bind_double (stmt, 5, box->width);
      sqlite3_bind_double (stmt, 6, box->height);
      ok = em_project_step_done (self, stmt, error);
    }
  sqlite3_finalize (stmt);
  return ok;
}

gint64
em_project_add_sample (EmProject *self, EmSample *sample, EmAddFlags flags, GError **error)
{
  g_autofree char *axes = NULL;
  g_autofree char *dup_name = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean ok;
  gint64 id = 0, created;
  GBytes *data;

  g_return_val_if_fail (EM_IS_PROJECT (self), 0);
  g_return_val_if_fail (EM_IS_SAMPLE (sample), 0);

  if (!validate_sample (sample, error))
    return 0;
  if (!em_project_change_begin (self, error))
    return 0;

  ok = TRUE;
  if (!(flags & EM_ADD_FLAGS_ALLOW_DUPLICATE))
    {
      gint64 dup = find_hash_locked (self, em_sample_get_hash (sample), &dup_name, error);
      if (dup < 0)
        ok = FALSE;
      else if (dup > 0)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_DUPLICATE,
                       "same data as sample %" G_GINT64_FORMAT " (%s) already in the project",
                       dup, dup_name);
          ok = FALSE;
        }
    }

  created = em_sample_get_created (sample) > 0 ? em_sample_get_created (sample) : g_get_real_time ();
  axes = axes_to_text (sample);
  if (ok)
    stmt = em_project_prepare (self, "INSERT INTO samples (name, label, category, kind, interval_ms, axes,"
                                     " n_frames, width, height, encoding, source_format, hash, created,"
                                     " enabled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt != NULL)
    {
      em_project_bind_text (stmt, 1, em_sample_get_name (sample));
      em_project_bind_text (stmt, 2, em_sample_get_label (sample));
      sqlite3_bind_int (stmt, 3, em_sample_get_category (sample));
      sqlite3_bind_int (stmt, 4, em_sample_get_kind (sample));
      sqlite3_bind_double (stmt, 5, em_sample_get_interval_ms (sample));
      em_project_bind_text (stmt, 6, axes);
      sqlite3_bind_int64 (stmt, 7, (sqlite3_int64) em_sample_get_n_frames (sample));
      sqlite3_bind_int (stmt, 8, (int) em_sample_get_width (sample));
      sqlite3_bind_int (stmt, 9, (int) em_sample_get_height (sample));
      sqlite3_bind_int (stmt, 10, em_sample_get_encoding (sample));
      em_project_bind_text (stmt, 11, em_sample_get_source_format (sample));
      em_project_bind_text (stmt, 12, em_sample_get_hash (sample));
      sqlite3_bind_int64 (stmt, 13, created);
      sqlite3_bind_int (stmt, 14, em_sample_get_enabled (sample) ? 1 : 0);
      ok = em_project_step_done (self, stmt, error);
      id = sqlite3_last_insert_rowid (self->db);
      sqlite3_finalize (stmt);
    }
  else
    ok = FALSE;

  if (ok)
    {
      data = em_sample_get_data (sample);
      stmt = em_project_prepare (self, "INSERT INTO sample_data (sample_id, data) VALUES (?, ?)", error);
      ok = stmt != NULL;
      if (ok)
        {
          gsize size = 0;
          const void *bytes = g_bytes_get_data (data, &size);
          sqlite3_bind_int64 (stmt, 1, id);
          /* zeroblob-safe: an empty blob must still be a blob, not NULL. */
          sqlite3_bind_blob64 (stmt, 2, size > 0 ? bytes : "", size, SQLITE_STATIC);
          ok = em_project_step_done (self, stmt, error);
        }
      sqlite3_finalize (stmt);
    }
  ok = ok && insert_metadata (self, id, sample, error) && insert_boxes (self, id, sample, error);

  if (!em_project_change_end (self, ok, TRUE, error))
    return 0;
  em_sample_set_id (sample, id);
  em_sample_set_created (sample, created);
  return id;
}

gboolean
em_project_add_samples (EmProject *self, GPtrArray *samples, EmAddFlags flags, GError **error)
{
  gboolean ok = TRUE;

  if (!em_project_change_begin (self, error))
    return FALSE;
  for (guint i = 0; ok && i < samples->len; i++)
    ok = em_project_add_sample (self, g_ptr_array_index (samples, i), flags, error) > 0;
  if (!ok)
    for (guint i = 0; i < samples->len; i++)
      em_sample_set_id (g_ptr_array_index (samples, i), 0);
  return em_project_change_end (self, ok, TRUE, error);
}

/* --- read ------------------------------------------------------------------ */

static EmSample *
sample_from_row (sqlite3_stmt *stmt)
{
  EmSample *sample = em_sample_new ();

  em_sample_set_id (sample, sqlite3_column_int64 (stmt, 0));
  em_sample_set_name (sample, (const char *) sqlite3_column_text (stmt, 1));
  em_sample_set_label (sample, (const char *) sqlite3_column_text (stmt, 2));
  em_sample_set_category (sample, sqlite3_column_int (stmt, 3) ? EM_CATEGORY_TESTING : EM_CATEGORY_TRAINING);
  em_sample_set_kind (sample, (EmSensorKind) CLAMP (sqlite3_column_int (stmt, 4), 0, 2));
  em_sample_set_interval_ms (sample, MAX (sqlite3_column_double (stmt, 5), 0.0));
  axes_from_text (sample, (const char *) sqlite3_column_text (stmt, 6));
  em_sample_set_n_frames (sample, (guint64) sqlite3_column_int64 (stmt, 7));
  em_sample_set_image_size (sample, (guint) sqlite3_column_int (stmt, 8), (guint) sqlite3_column_int (stmt, 9));
  em_sample_set_encoding (sample, (EmEncoding) CLAMP (sqlite3_column_int (stmt, 10), 0, 2));
  em_sample_set_source_format (sample, (const char *) sqlite3_column_text (stmt, 11));
  em_sample_set_hash (sample, (const char *) sqlite3_column_text (stmt, 12));
  em_sample_set_created (sample, sqlite3_column_int64 (stmt, 13));
  em_sample_set_enabled (sample, sqlite3_column_int (stmt, 14) != 0);
  return sample;
}

/* Fill in metadata and boxes for samples with ids in [min, max], in two
 * range queries rather than two queries per sample. */
static gboolean
load_details (EmProject *self, GPtrArray *samples, GError **error)
{
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  gint64 min_id = G_MAXINT64, max_id = G_MININT64;
  sqlite3_stmt *stmt;
  int rc;

  if (samples->len == 0)
    return TRUE;
  for (guint i = 0; i < samples->len; i++)
    {
      EmSample *s = g_ptr_array_index (samples, i);
      gint64 *key = g_new (gint64, 1);
      *key = em_sample_get_id (s);
      /* The key lives as long as the table: stash it on the sample. */
      g_object_set_data_full (G_OBJECT (s), "em-id-key", key, g_free);
      g_hash_table_insert (by_id, key, s);
      min_id = MIN (min_id, *key);
      max_id = MAX (max_id, *key);
    }

  stmt = em_project_prepare (self, "SELECT sample_id, key, value FROM sample_metadata"
                                   " WHERE sample_id BETWEEN ? AND ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, min_id);
  sqlite3_bind_int64 (stmt, 2, max_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      EmSample *s = g_hash_table_lookup (by_id, &id);
      if (s != NULL)
        em_sample_set_metadata (s, (const char *) sqlite3_column_text (stmt, 1),
                                (const char *) sqlite3_column_text (stmt, 2));
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    goto fail;

  stmt = em_project_prepare (self, "SELECT sample_id, label, x, y, width, height FROM bounding_boxes"
                                   " WHERE sample_id BETWEEN ? AND ? ORDER BY id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, min_id);
  sqlite3_bind_int64 (stmt, 2, max_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      EmSample *s = g_hash_table_lookup (by_id, &id);
      if (s != NULL)
        em_sample_add_box (s, (const char *) sqlite3_column_text (stmt, 1),
                           sqlite3_column_double (stmt, 2), sqlite3_column_double (stmt, 3),
                           sqlite3_column_double (stmt, 4), sqlite3_column_double (stmt, 5));
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    goto fail;
  for (guint i = 0; i < samples->len; i++)
    g_object_set_data (G_OBJECT (g_ptr_array_index (samples, i)), "em-id-key", NULL);
  return TRUE;

fail:
  em_project_set_sqlite_error (error, self->db, rc, self->path, "cannot read the project");
  return FALSE;
}

EmSample *
em_project_get_sample (EmProject *self, gint64 id, gboolean with_data, GError **error)
{
  g_autoptr(GPtrArray) one = NULL;
  g_autoptr(EmSample) sample = NULL;

  one = em_project_get_samples (self, &id, 1, error);
  if (one == NULL)
    return NULL;
  if (one->len == 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "no sample with id %" G_GINT64_FORMAT, id);
      return NULL;
    }
  sample = g_object_ref (g_ptr_array_index (one, 0));
  if (with_data)
    {
      sqlite3_stmt *stmt;
      int rc;

      g_rec_mutex_lock (&self->lock);
      stmt = em_project_prepare (self, "SELECT data FROM sample_data WHERE sample_id = ?", error);
      if (stmt == NULL)
        {
          g_rec_mutex_unlock (&self->lock);
          return NULL;
        }
      sqlite3_bind_int64 (stmt, 1, id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          g_autoptr(GBytes) data = g_bytes_new (sqlite3_column_blob (stmt, 0),
                                                (gsize) sqlite3_column_bytes (stmt, 0));
          g_autofree char *hash = g_strdup (em_sample_get_hash (sample));
          em_sample_set_data (sample, data);
          /* A mismatch means the file was damaged behind SQLite's back. */
          if (g_strcmp0 (hash, em_sample_get_hash (sample)) != 0)
            {
              g_set_error (error, EM_ERROR, EM_ERROR_CORRUPT,
                           "sample %" G_GINT64_FORMAT " (%s): data does not match its hash",
                           id, em_sample_get_name (sample));
              sqlite3_finalize (stmt);
              g_rec_mutex_unlock (&self->lock);
              return NULL;
            }
        }
      else
        {
          em_project_set_sqlite_error (error, self->db, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc,
                                       self->path, "cannot read sample data");
          sqlite3_finalize (stmt);
          g_rec_mutex_unlock (&self->lock);
          return NULL;
        }
      sqlite3_finalize (stmt);
      g_rec_mutex_unlock (&self->lock);
    }
  return g_steal_pointer (&sample);
}

GPtrArray *
em_project_get_samples (EmProject *self, const gint64 *ids, guint n_ids, GError **error)
{
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;
  gboolean ok = TRUE;

  g_rec_mutex_lock (&self->lock);
  stmt = em_project_prepare (self, "SELECT " SAMPLE_COLUMNS " FROM samples WHERE id = ?", error);
  if (stmt == NULL)
    ok = FALSE;
  for (guint i = 0; ok && i < n_ids; i++)
    {
      int rc;

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, ids[i]);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        g_ptr_array_add (samples, sample_from_row (stmt));
      else if (rc != SQLITE_DONE)
        {
          em_project_set_sqlite_error (error, self->db, rc, self->path, "cannot read the project");
          ok = FALSE;
        }
    }
  sqlite3_finalize (stmt);
  ok = ok && load_details (self, samples, error);
  g_rec_mutex_unlock (&self->lock);
  return ok ? g_steal_pointer (&samples) : NULL;
}

/* Appends " WHERE ..." for @filter; binds with bind_filter() in the same order. */
static void
append_where (GString *sql, const EmSampleFilter *f)
{
  const char *sep = " WHERE ";

#define ADD(cond) G_STMT_START { g_string_append (sql, sep); g_string_append (sql, cond); sep = " AND "; } G_STMT_END
  if (f == NULL)
    return;
  if (f->label != NULL)
    ADD ("label = ?");
  if (f->category >= 0)
    ADD ("category = ?");
  if (f->kind >= 0)
    ADD ("kind = ?");
  if (f->enabled >= 0)
    ADD ("enabled = ?");
  if (f->search != NULL && *f->search != '\0')
    ADD ("(name LIKE ? ESCAPE '\\' OR label LIKE ? ESCAPE '\\')");
#undef ADD
}

static int
bind_filter (sqlite3_stmt *stmt, const EmSampleFilter *f)
{
  int i = 1;

  if (f == NULL)
    return i;
  if (f->label != NULL)
    em_project_bind_text (stmt, i++, f->label);
  if (f->category >= 0)
    sqlite3_bind_int (stmt, i++, f->category);
  if (f->kind >= 0)
    sqlite3_bind_int (stmt, i++, f->kind);
  if (f->enabled >= 0)
    sqlite3_bind_int (stmt, i++, f->enabled ? 1 : 0);
  if (f->search != NULL && *f->search != '\0')
    {
      GString *pattern = g_string_new ("%");
      for (const char *c = f->search; *c != '\0'; c++)
        {
          if (*c == '%' || *c == '_' || *c == '\\')
            g_string_append_c (pattern, '\\');
          g_string_append_c (pattern, *c);
        }
      g_string_append_c (pattern, '%');
      em_project_bind_text (stmt, i++, pattern->str);
      em_project_bind_text (stmt, i++, pattern->str);
      g_string_free (pattern, TRUE);
    }
  return i;
}

static void
append_paging (GString *sql, const EmSampleFilter *f)
{
  g_string_append (sql, " ORDER BY id");
  if (f != NULL && (f->limit >= 0 || f->offset > 0))
    g_string_append_printf (sql, " LIMIT %" G_GINT64_FORMAT " OFFSET %" G_GINT64_FORMAT,
                            f->limit >= 0 ? f->limit : (gint64) -1, MAX (f->offset, 0));
}

GPtrArray *
em_project_list_samples (EmProject *self, const EmSampleFilter *filter, GError **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT " SAMPLE_COLUMNS " FROM samples");
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;
  int rc;
  gboolean ok;

  append_where (sql, filter);
  append_paging (sql, filter);
  g_rec_mutex_lock (&self->lock);
  stmt = em_project_prepare (self, sql->str, error);
  if (stmt == NULL)
    {
      g_rec_mutex_unlock (&self->lock);
      return NULL;
    }
  bind_filter (stmt, filter);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (samples, sample_from_row (stmt));
  sqlite3_finalize (stmt);
  ok = rc == SQLITE_DONE;
  if (!ok)
    em_project_set_sqlite_error (error, self->db, rc, self->path, "cannot read the project");
  ok = ok && load_details (self, samples, error);
  g_rec_mutex_unlock (&self->lock);
  return ok ? g_steal_pointer (&samples) : NULL;
}

GArray *
em_project_list_ids (EmProject *self, const EmSampleFilter *filter, GError **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT id FROM samples");
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  int rc;

  append_where (sql, filter);
  append_paging (sql, filter);
  g_rec_mutex_lock (&self->lock);
  stmt = em_project_prepare (self, sql->str, error);
  if (stmt == NULL)
    {
      g_rec_mutex_unlock (&self->lock);
      return NULL;
    }
  bind_filter (stmt, filter);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    em_project_set_sqlite_error (error, self->db, rc, self->path, "cannot read the project");
  g_rec_mutex_unlock (&self->lock);
  return rc == SQLITE_DONE ? g_steal_pointer (&ids) : NULL;
}

gint64
em_project_count_samples (EmProject *self, const EmSampleFilter *filter, GError **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT count(*) FROM samples");
  sqlite3_stmt *stmt;
  gint64 count = -1;
  int rc;

  append_where (sql, filter);
  g_rec_mutex_lock (&self->lock);
  stmt = em_project_prepare (self, sql->str, error);
  if (stmt != NULL)
    {
      bind_filter (stmt, filter);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        count = sqlite3_column_int64 (stmt, 0);
      else
        em_project_set_sqlite_error (error, self->db, rc, self->path, "cannot read the project");
      sqlite3_finalize (stmt);
    }
  g_rec_mutex_unlock (&self->lock);
  return count;
}
