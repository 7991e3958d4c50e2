/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <json-glib/json-glib.h>
#include "em-error.h"
#include "em-model-store.h"
#include "em-project-private.h"

void
em_model_free (EmModel *m)
{
  if (m == NULL)
    return;
  g_free (m->block_id);
  g_free (m->plugin);
  g_free (m->params_key);
  g_strfreev (m->labels);
  g_clear_pointer (&m->blob, g_bytes_unref);
  g_free (m->report);
  g_free (m);
}

static char *
labels_to_json (GStrv labels)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (b);
  for (guint i = 0; labels != NULL && labels[i] != NULL; i++)
    json_builder_add_string_value (b, labels[i]);
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static GStrv
labels_from_json (const char *text)
{
  g_autoptr(JsonNode) node = json_from_string (text, NULL);
  GStrvBuilder *builder = g_strv_builder_new ();
  GStrv out;

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (a); i++)
        g_strv_builder_add (builder, json_array_get_string_element (a, i));
    }
  out = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return out;
}

static gboolean
delete_model_rows (EmProject *self, const char *block_id, gint *n_models, GError **error)
{
  /* Children first: the foreign keys would cascade, but saying it keeps the
   * intent visible and does not depend on PRAGMA foreign_keys. */
  static const char * const sql[] = {
    "DELETE FROM test_predictions WHERE block_id = ?",
    "DELETE FROM test_results WHERE block_id = ?",
    "DELETE FROM models WHERE block_id = ?",
  };

  for (guint i = 0; i < G_N_ELEMENTS (sql); i++)
    {
      sqlite3_stmt *stmt = em_project_prepare (self, sql[i], error);
      gboolean ok = stmt != NULL;

      if (ok)
        {
          em_project_bind_text (stmt, 1, block_id);
          ok = em_project_step_done (self, stmt, error);
          if (ok && n_models != NULL && i == G_N_ELEMENTS (sql) - 1)
            *n_models = sqlite3_changes (self->db);
        }
      sqlite3_finalize (stmt);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

gboolean
em_model_store_put (EmProject *self, const EmModel *model, GError **error)
{
  g_autofree char *labels = labels_to_json (model->labels);
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  g_return_val_if_fail (model->blob != NULL, FALSE);
  if (!em_project_change_begin (self, error))
    return FALSE;
  ok = delete_model_rows (self, model->block_id, NULL, error);
  if (ok)
    ok = (stmt = em_project_prepare (self, "INSERT INTO models (block_id, plugin, params_key, labels, blob,"
                                           " report, created) VALUES (?, ?, ?, ?, ?, ?, ?)", error)) != NULL;
  if (ok)
    {
      gsize size = 0;
      gconstpointer data = g_bytes_get_data (model->blob, &size);

      em_project_bind_text (stmt, 1, model->block_id);
      em_project_bind_text (stmt, 2, model->plugin);
      em_project_bind_text (stmt, 3, model->params_key);
      em_project_bind_text (stmt, 4, labels);
      sqlite3_bind_blob64 (stmt, 5, size > 0 ? data : "", size, SQLITE_STATIC);
      em_project_bind_text (stmt, 6, model->report != NULL ? model->report : "{}");
      sqlite3_bind_int64 (stmt, 7, model->created != 0 ? model->created : g_get_real_time ());
      ok = em_project_step_done (self, stmt, error);
    }
  sqlite3_finalize (stmt);
  return em_project_change_end (self, ok, FALSE, error);
}

EmModel *
em_model_store_get (EmProject *self, const char *block_id, gboolean with_blob, GError **error)
{
  g_autoptr(EmModel) model = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_rec_mutex_lock (&self->lock);
  stmt = em_project_prepare (self, "SELECT plugin, params_key, labels, report, created, blob FROM models"
                                   " WHERE block_id = ?", error);
  if (stmt != NULL)
    {
      em_project_bind_text (stmt, 1, block_id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          model = g_new0 (EmModel, 1);
          model->block_id = g_strdup (block_id);
          model->plugin = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          model->params_key = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
          model->labels = labels_from_json ((const char *) sqlite3_column_text (stmt, 2));
          model->report = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
          model->created = sqlite3_column_int64 (stmt, 4);
          if (with_blob)
            model->blob = g_bytes_new (sqlite3_column_blob (stmt, 5), (gsize) sqlite3_column_bytes (stmt, 5));
        }
      else if (rc == SQLITE_DONE)
        g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND,
                     "block %s has no trained model yet: train it with 'ember-cli train'", block_id);
      else
        em_project_set_sqlite_error (error, self->db, rc, self->path, "cannot read the model");
      sqlite3_finalize (stmt);
    }
  g_rec_mutex_unlock (&self->lock);
  return g_steal_pointer (&model);
}

gboolean
em_model_store_delete (EmProject *self, const char *block_id, GError **error)
{
  gint n = 0;
  gboolean ok;

  if (!em_project_change_begin (self, error))
    return FALSE;
  ok = delete_model_rows (self, block_id, &n, error);
  if (ok && n == 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "block %s has no trained model", block_id);
      ok = FALSE;
    }
  return em_project_change_end (self, ok, FALSE, error);
}

static void
bind_double_or_null (sqlite3_stmt *stmt, int i, double v)
{
  if (isfinite (v))
    sqlite3_bind_double (stmt, i, v);
  else
    sqlite3_bind_null (stmt, i);
}

gboolean
em_model_store_put_test (EmProject *self, const char *block_id, const char *variant, const char *metrics,
                         const EmPrediction *predictions, gsize n_predictions, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  if (g_strcmp0 (variant, "float") != 0 && g_strcmp0 (variant, "int8") != 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, "unknown model variant '%s'", variant);
      return FALSE;
    }
  if (!em_project_change_begin (self, error))
    return FALSE;
  ok = (stmt = em_project_prepare (self, "SELECT 1 FROM models WHERE block_id = ?", error)) != NULL;
  if (ok)
    {
      em_project_bind_text (stmt, 1, block_id);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "block %s has no trained model", block_id);
          ok = FALSE;
        }
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (ok)
    ok = (stmt = em_project_prepare (self, "DELETE FROM test_predictions WHERE block_id = ? AND variant = ?",
                                     error)) != NULL;
  if (ok)
    {
      em_project_bind_text (stmt, 1, block_id);
      em_project_bind_text (stmt, 2, variant);
      ok = em_project_step_done (self, stmt, error);
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (ok)
    ok = (stmt = em_project_prepare (self, "INSERT OR REPLACE INTO test_results (block_id, variant, metrics,"
                                           " created) VALUES (?, ?, ?, ?)", error)) != NULL;
  if (ok)
    {
      em_project_bind_text (stmt, 1, block_id);
      em_project_bind_text (stmt, 2, variant);
      em_project_bind_text (stmt, 3, metrics);
      sqlite3_bind_int64 (stmt, 4, g_get_real_time ());
      ok = em_project_step_done (self, stmt, error);
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (ok)
    ok = (stmt = em_project_prepare (self, "INSERT INTO test_predictions (block_id, variant, sample_id, window,"
                                           " actual, predicted, confidence, value)"
                                           " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error)) != NULL;
  for (gsize i = 0; ok && i < n_predictions; i++)
    {
      const EmPrediction *p = &predictions[i];

      sqlite3_reset (stmt);
      em_project_bind_text (stmt, 1, block_id);
      em_project_bind_text (stmt, 2, variant);
      sqlite3_bind_int64 (stmt, 3, p->sample_id);
      sqlite3_bind_int (stmt, 4, (int) p->window);
      em_project_bind_text (stmt, 5, p->actual);
      if (p->predicted != NULL)
        em_project_bind_text (stmt, 6, p->predicted);
      else
        sqlite3_bind_null (stmt, 6);
      bind_double_or_null (stmt, 7, p->confidence);
      bind_double_or_null (stmt, 8, p->value);
      ok = em_project_step_done (self, stmt, error);
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  return em_project_change_end (self, ok, FALSE, error);
}

char *
em_model_store_get_test (EmProject *self, const char *block_id, const char *variant, gint64 *created,
                         GError **error)
{
  char *metrics = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_rec_mutex_lock (&self->lock);
  stmt = em_project_prepare (self, "SELECT metrics, created FROM test_results WHERE block_id = ? AND variant = ?",
                             error);
  if (stmt != NULL)
    {
      em_project_bind_text (stmt, 1, block_id);
      em_project_bind_text (stmt, 2, variant);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          metrics = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          if (created != NULL)
            *created = sqlite3_column_int64 (stmt, 1);
        }
      else if (rc == SQLITE_DONE)
        g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "block %s: the %s model has not been tested",
                     block_id, variant);
      else
        em_project_set_sqlite_error (error, self->db, rc, self->path, "cannot read test results");
      sqlite3_finalize (stmt);
    }
  g_rec_mutex_unlock (&self->lock);
  return metrics;
}

gint64
em_model_store_count_predictions (EmProject *self, const char *block_id, const char *variant, GError **error)
{
  sqlite3_stmt *stmt;
  gint64 n = -1;
  int rc;

  g_rec_mutex_lock (&self->lock);
  stmt = em_project_prepare (self, "SELECT count(*) FROM test_predictions WHERE block_id = ? AND variant = ?",
                             error);
  if (stmt != NULL)
    {
      em_project_bind_text (stmt, 1, block_id);
      em_project_bind_text (stmt, 2, variant);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        n = sqlite3_column_int64 (stmt, 0);
      else
        em_project_set_sqlite_error (error, self->db, rc, self->path, "cannot read test predictions");
      sqlite3_finalize (stmt);
    }
  g_rec_mutex_unlock (&self->lock);
  return n;
}
