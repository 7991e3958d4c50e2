/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <string.h>
#include "em-error.h"
#include "em-learn-validation.h"
#include "em-nn-metrics.h"
#include "em-nn-train.h"

guint *
em_learn_validation_rows (const gint32 *y, guint n, guint n_classes, double fraction, guint64 seed, guint *n_rows)
{
  g_autoptr(GArray) train = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (int));

  *n_rows = 0;
  if (!(fraction > 0) || y == NULL)
    return NULL;
  em_nn_train_split_rows (y, (int) n, (int) n_classes, fraction, seed, train, rows);
  *n_rows = rows->len;
  return rows->len > 0 ? (guint *) g_array_free (g_steal_pointer (&rows), FALSE) : NULL;
}

double
em_learn_validation_reported_accuracy (const GArray *by_epoch, const char *plugin_report)
{
  g_autoptr(JsonNode) node = plugin_report != NULL ? json_from_string (plugin_report, NULL) : NULL;
  gint64 best = 0;

  if (by_epoch == NULL || by_epoch->len == 0)
    return NAN;
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonNode *member = json_object_get_member (json_node_get_object (node), "best_epoch");
      if (member != NULL && JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_INT64)
        best = json_node_get_int (member);
    }
  if (best <= 0 || best > (gint64) by_epoch->len)
    best = by_epoch->len;
  return g_array_index (by_epoch, double, best - 1);
}

gboolean
em_learn_validation_run (const EmLearningOps *ops, GBytes *blob, const EmLearnSet *set,
                         const EmBlockParams *params, double reported, char **metrics, char **reason,
                         GError **error)
{
  const char *pct = NULL, *seed_text = NULL;
  g_autofree guint *rows = NULL;
  g_autofree float *probs = NULL;
  g_autofree int *y = NULL;
  g_autoptr(EmNnClassMetrics) m = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *text = NULL;
  guint n_rows = 0, n_classes = set->info.n_classes, right, reported_right;
  uint32_t n_outputs = 0;
  void *state = NULL;
  char err[512] = "";
  gsize size = 0;
  gconstpointer data;
  long seed;

  *metrics = NULL;
  *reason = NULL;
  if (set->task != EM_TASK_CLASSIFICATION || set->y == NULL || n_classes < 2)
    {
      *reason = g_strdup ("not a classifier");
      return TRUE;
    }
  for (gsize i = 0; i < params->n_params; i++)
    if (g_strcmp0 (params->params[i].name, "validation_pct") == 0)
      pct = params->params[i].value;
    else if (g_strcmp0 (params->params[i].name, "seed") == 0)
      seed_text = params->params[i].value;
  if (pct == NULL || seed_text == NULL)
    {
      *reason = g_strdup ("the block does not say which windows it held out for validation");
      return TRUE;
    }
  seed = em_plugin_param_int (params->params, params->n_params, "seed", 1);
  rows = em_learn_validation_rows (set->y, set->n, n_classes,
                                   em_plugin_param_int (params->params, params->n_params, "validation_pct", 0) / 100.0,
                                   (guint64) MAX (seed, 0), &n_rows);
  if (n_rows == 0)
    {
      *reason = g_strdup ("no windows were held out for validation");
      return TRUE;
    }

  data = g_bytes_get_data (blob, &size);
  if (ops->load (data, size, 0, &state, &n_outputs, err, sizeof err) != 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "cannot load the trained model: %s", err);
      return FALSE;
    }
  if (n_outputs != n_classes)
    {
      ops->free (state);
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "the trained model gives %u outputs for %u classes",
                   n_outputs, n_classes);
      return FALSE;
    }
  probs = g_new (float, (gsize) n_rows * n_classes);
  y = g_new (int, n_rows);
  for (guint i = 0; i < n_rows; i++)
    {
      if (ops->run (state, set->x + (gsize) rows[i] * set->info.n_features, probs + (gsize) i * n_classes, err,
                    sizeof err) != 0)
        {
          ops->free (state);
          g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "running the trained model failed: %s", err);
          return FALSE;
        }
      y[i] = set->y[rows[i]];
    }
  ops->free (state);

  /* Threshold 0: every window counts, as the training's accuracy did. */
  m = em_nn_class_metrics (y, probs, (int) n_rows, (int) n_classes, 0.0f);
  right = 0;
  for (guint c = 0; c < n_classes; c++)
    right += m->confusion[c * n_classes + c];
  reported_right = isfinite (reported) ? (guint) lround (reported * n_rows) : G_MAXUINT;
  if (right != reported_right)
    {
      if (isfinite (reported))
        *reason = g_strdup_printf ("the block's validation windows could not be identified (it reported %.1f%%"
                                   " validation accuracy, the recount %.1f%%)", 100 * reported,
                                   100.0 * right / n_rows);
      else
        *reason = g_strdup ("the block reported no validation accuracy to check the split against");
      return TRUE;
    }

  text = em_nn_class_metrics_to_json (m, (const char * const *) set->labels);
  json = json_from_string (text, NULL);
  if (json == NULL || !JSON_NODE_HOLDS_OBJECT (json))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "cannot write the validation metrics");
      return FALSE;
    }
  json_object_set_int_member (json_node_get_object (json), "windows", n_rows);
  *metrics = json_to_string (json, FALSE);
  return TRUE;
}
