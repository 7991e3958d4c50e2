/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <math.h>
#include "em-error.h"
#include "em-project-private.h"

/* Run @sql (with the id as the last parameter and @bind setting the others)
 * once per id, all in one change; an unknown id fails the whole change. */
typedef void (*BindFunc) (sqlite3_stmt *stmt, gconstpointer user_data);

static gboolean
update_each (EmProject *self, const char *sql, const gint64 *ids, guint n_ids, int id_param,
             BindFunc bind, gconstpointer user_data, GError **error)
{
  sqlite3_stmt *stmt;
  gboolean ok;

  if (!em_project_change_begin (self, error))
    return FALSE;
  stmt = em_project_prepare (self, sql, error);
  ok = stmt != NULL;
  for (guint i = 0; ok && i < n_ids; i++)
    {
      sqlite3_reset (stmt);
      if (bind != NULL)
        bind (stmt, user_data);
      sqlite3_bind_int64 (stmt, id_param, ids[i]);
      ok = em_project_step_done (self, stmt, error);
      if (ok && sqlite3_changes (self->db) == 0)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND,
                       "no sample with id %" G_GINT64_FORMAT "; nothing was changed", ids[i]);
          ok = FALSE;
        }
    }
  sqlite3_finalize (stmt);
  return em_project_change_end (self, ok, TRUE, error);
}

static void
bind_label (sqlite3_stmt *stmt, gconstpointer user_data)
{
  em_project_bind_text (stmt, 1, user_data);
}

static void
bind_int (sqlite3_stmt *stmt, gconstpointer user_data)
{
  sqlite3_bind_int (stmt, 1, GPOINTER_TO_INT (user_data));
}

static gboolean
check_text (const char *what, const char *text, gboolean allow_empty, GError **error)
{
  if (text == NULL || (!allow_empty && *text == '\0') || !g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, "%s must be non-empty UTF-8 text", what);
      return FALSE;
    }
  for (const char *c = text; *c != '\0'; c++)
    if ((guchar) *c < 0x20)
      {
        g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                     "%s '%s' has control characters", what, text);
        return FALSE;
      }
  return TRUE;
}

gboolean
em_project_relabel (EmProject *self, const gint64 *ids, guint n_ids, const char *label,
                    GError **error)
{
  if (!check_text ("label", label, TRUE, error))
    return FALSE;
  return update_each (self, "UPDATE samples SET label = ? WHERE id = ?", ids, n_ids, 2,
                      bind_label, label, error);
}

gboolean
em_project_set_category (EmProject *self, const gint64 *ids, guint n_ids, EmCategory category,
                         GError **error)
{
  g_return_val_if_fail (category <= EM_CATEGORY_TESTING, FALSE);
  return update_each (self, "UPDATE samples SET category = ? WHERE id = ?", ids, n_ids, 2,
                      bind_int, GINT_TO_POINTER (category), error);
}

gboolean
em_project_set_enabled (EmProject *self, const gint64 *ids, guint n_ids, gboolean enabled,
                        GError **error)
{
  return update_each (self, "UPDATE samples SET enabled = ? WHERE id = ?", ids, n_ids, 2,
                      bind_int, GINT_TO_POINTER (enabled ? 1 : 0), error);
}

gboolean
em_project_delete_samples (EmProject *self, const gint64 *ids, guint n_ids, GError **error)
{
  /* Data, metadata and boxes go with ON DELETE CASCADE. */
  return update_each (self, "DELETE FROM samples WHERE id = ?", ids, n_ids, 1, NULL, NULL, error);
}

gboolean
em_project_rename_sample (EmProject *self, gint64 id, const char *name, GError **error)
{
  if (!check_text ("sample name", name, FALSE, error))
    return FALSE;
  return update_each (self, "UPDATE samples SET name = ? WHERE id = ?", &id, 1, 2,
                      bind_label, name, error);
}

static gboolean
sample_exists (EmProject *self, gint64 id, GError **error)
{
  sqlite3_stmt *stmt = em_project_prepare (self, "SELECT 1 FROM samples WHERE id = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "no sample with id %" G_GINT64_FORMAT, id);
      return FALSE;
    }
  return TRUE;
}

gboolean
em_project_set_metadata (EmProject *self, gint64 id, const char *key, const char *value,
                         GError **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  if (!check_text ("metadata key", key, FALSE, error) ||
      (value != NULL && !check_text ("metadata value", value, TRUE, error)))
    return FALSE;
  if (!em_project_change_begin (self, error))
    return FALSE;
  ok = sample_exists (self, id, error);
  if (ok)
    {
      if (value != NULL)
        stmt = em_project_prepare (self, "INSERT OR REPLACE INTO sample_metadata (sample_id, key, value)"
                                         " VALUES (?, ?, ?)", error);
      else
        stmt = em_project_prepare (self, "DELETE FROM sample_metadata WHERE sample_id = ? AND key = ?",
                                   error);
      ok = stmt != NULL;
    }
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, id);
      em_project_bind_text (stmt, 2, key);
      if (value != NULL)
        em_project_bind_text (stmt, 3, value);
      ok = em_project_step_done (self, stmt, error);
    }
  sqlite3_finalize (stmt);
  return em_project_change_end (self, ok, TRUE, error);
}

gboolean
em_project_set_boxes (EmProject *self, gint64 id, EmSample *boxes_from, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  for (guint i = 0; i < em_sample_get_n_boxes (boxes_from); i++)
    {
      const EmBoundingBox *box = em_sample_get_box (boxes_from, i);
      if (!check_text ("box label", box->label, FALSE, error))
        return FALSE;
      if (!(isfinite (box->x) && isfinite (box->y) && isfinite (box->width) &&
            isfinite (box->height) && box->width >= 0 && box->height >= 0))
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                       "bounding box '%s' has a negative or non-finite size", box->label);
          return FALSE;
        }
    }
  if (!em_project_change_begin (self, error))
    return FALSE;
  ok = sample_exists (self, id, error);
  if (ok)
    {
      stmt = em_project_prepare (self, "DELETE FROM bounding_boxes WHERE sample_id = ?", error);
      ok = stmt != NULL;
      if (ok)
        {
          sqlite3_bind_int64 (stmt, 1, id);
          ok = em_project_step_done (self, stmt, error);
        }
      sqlite3_finalize (stmt);
      stmt = NULL;
    }
  if (ok)
    stmt = em_project_prepare (self, "INSERT INTO bounding_boxes (sample_id, label, x, y, width, height)"
                                     " VALUES (?, ?, ?, ?, ?, ?)", error);
  ok = ok && stmt != NULL;
  for (guint i = 0; ok && i < em_sample_get_n_boxes (boxes_from); i++)
    {
      const EmBoundingBox *box = em_sample_get_box (boxes_from, i);
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
  return em_project_change_end (self, ok, TRUE, error);
}

typedef struct {
  char   *label;
  GArray *ids;
} LabelGroup;

static void
label_group_free (gpointer p)
{
  LabelGroup *group = p;

  g_free (group->label);
  g_array_unref (group->ids);
  g_free (group);
}

gboolean
em_project_resplit (EmProject *self, double train_fraction, guint32 seed, GError **error)
{
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func (label_group_free);
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  sqlite3_stmt *stmt;
  LabelGroup *group = NULL;
  gboolean ok;
  int rc;

  if (!(train_fraction >= 0.0 && train_fraction <= 1.0))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                   "train fraction %g is outside 0..1", train_fraction);
      return FALSE;
    }
  if (!em_project_change_begin (self, error))
    return FALSE;

  /* Ordered by label then id, so the shuffle depends only on the seed. */
  stmt = em_project_prepare (self, "SELECT label, id FROM samples WHERE enabled = 1 ORDER BY label, id", error);
  ok = stmt != NULL;
  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *label = (const char *) sqlite3_column_text (stmt, 0);
      gint64 id = sqlite3_column_int64 (stmt, 1);
      if (group == NULL || strcmp (group->label, label) != 0)
        {
          group = g_new0 (LabelGroup, 1);
          group->label = g_strdup (label);
          group->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
          g_ptr_array_add (groups, group);
        }
      g_array_append_val (group->ids, id);
    }
  if (ok && rc != SQLITE_DONE)
    {
      em_project_set_sqlite_error (error, self->db, rc, self->path, "cannot read the project");
      ok = FALSE;
    }
  sqlite3_finalize (stmt);

  stmt = ok ? em_project_prepare (self, "UPDATE samples SET category = ? WHERE id = ?", error) : NULL;
  ok = ok && stmt != NULL;
  for (guint g = 0; ok && g < groups->len; g++)
    {
      GArray *ids = ((LabelGroup *) g_ptr_array_index (groups, g))->ids;
      guint n_train = (guint) lround (ids->len * train_fraction);

      /* Fisher-Yates */
      for (guint i = ids->len; i > 1; i--)
        {
          guint j = (guint) g_rand_int_range (rand, 0, (gint32) i);
          gint64 tmp = g_array_index (ids, gint64, i - 1);
          g_array_index (ids, gint64, i - 1) = g_array_index (ids, gint64, j);
          g_array_index (ids, gint64, j) = tmp;
        }
      for (guint i = 0; ok && i < ids->len; i++)
        {
          sqlite3_reset (stmt);
          sqlite3_bind_int (stmt, 1, i < n_train ? EM_CATEGORY_TRAINING : EM_CATEGORY_TESTING);
          sqlite3_bind_int64 (stmt, 2, g_array_index (ids, gint64, i));
          ok = em_project_step_done (self, stmt, error);
        }
    }
  sqlite3_finalize (stmt);
  return em_project_change_end (self, ok, TRUE, error);
}

GPtrArray *
em_project_label_stats (EmProject *self, GError **error)
{
  g_autoptr(GPtrArray) stats = g_ptr_array_new_with_free_func ((GDestroyNotify) em_label_stats_free);
  EmLabelStats *current = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_rec_mutex_lock (&self->lock);
  stmt = em_project_prepare (self, "SELECT label, category, count(*),"
                                   " total(CASE WHEN kind <> 2 THEN n_frames * interval_ms ELSE 0 END)"
                                   " FROM samples GROUP BY label, category ORDER BY label, category",
                             error);
  if (stmt == NULL)
    {
      g_rec_mutex_unlock (&self->lock);
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *label = (const char *) sqlite3_column_text (stmt, 0);
      int category = sqlite3_column_int (stmt, 1) ? 1 : 0;
      if (current == NULL || strcmp (current->label, label) != 0)
        {
          current = g_new0 (EmLabelStats, 1);
          current->label = g_strdup (label);
          g_ptr_array_add (stats, current);
        }
      current->count[category] = (guint) sqlite3_column_int64 (stmt, 2);
      current->length_ms[category] = sqlite3_column_double (stmt, 3);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    em_project_set_sqlite_error (error, self->db, rc, self->path, "cannot read the project");
  g_rec_mutex_unlock (&self->lock);
  return rc == SQLITE_DONE ? g_steal_pointer (&stats) : NULL;
}

GPtrArray *
em_project_list_labels (EmProject *self, GError **error)
{
  g_autoptr(GPtrArray) stats = em_project_label_stats (self, error);
  GPtrArray *labels;

  if (stats == NULL)
    return NULL;
  labels = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < stats->len; i++)
    g_ptr_array_add (labels, g_strdup (((EmLabelStats *) g_ptr_array_index (stats, i))->label));
  return labels;
}

gboolean
em_project_check (EmProject *self, GError **error)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  sqlite3_stmt *stmt;
  int rc;

  g_rec_mutex_lock (&self->lock);
  stmt = em_project_prepare (self, "PRAGMA integrity_check", error);
  if (stmt == NULL)
    {
      g_rec_mutex_unlock (&self->lock);
      return FALSE;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *row = (const char *) sqlite3_column_text (stmt, 0);
      if (g_strcmp0 (row, "ok") != 0)
        g_string_append_printf (problems, "%s%s", problems->len ? "; " : "", row);
    }
  sqlite3_finalize (stmt);
  if (rc == SQLITE_DONE)
    {
      stmt = em_project_prepare (self, "PRAGMA foreign_key_check", error);
      if (stmt != NULL)
        {
          while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
            g_string_append_printf (problems, "%sdangling reference in %s",
                                    problems->len ? "; " : "", sqlite3_column_text (stmt, 0));
          sqlite3_finalize (stmt);
        }
    }
  if (rc != SQLITE_DONE)
    {
      em_project_set_sqlite_error (error, self->db, rc, self->path, "integrity check failed");
      g_rec_mutex_unlock (&self->lock);
      return FALSE;
    }
  g_rec_mutex_unlock (&self->lock);
  if (problems->len > 0)
    {
      g_autofree char *base = g_path_get_basename (self->path);
      g_set_error (error, EM_ERROR, EM_ERROR_CORRUPT, "%s: damaged: %s", base, problems->str);
      return FALSE;
    }
  return TRUE;
}
