/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <string.h>
#include "em-error.h"
#include "em-model-store.h"
#include "em-model-test.h"
#include "em-model-test-detect.h"
#include "em-nn-metrics.h"

#define DEFAULT_THRESHOLD 0.6f

/* Add every member of the JSON object text @json to @b (inside an open object). */
static void
add_members (JsonBuilder *b, const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  g_autoptr(GList) names = NULL;
  JsonObject *o;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return;
  o = json_node_get_object (node);
  names = json_object_get_members (o);
  for (GList *l = names; l != NULL; l = l->next)
    {
      json_builder_set_member_name (b, l->data);
      json_builder_add_value (b, json_node_copy (json_object_get_member (o, l->data)));
    }
}

static void
add_double_or_null (JsonBuilder *b, const char *name, double v)
{
  json_builder_set_member_name (b, name);
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

static char *
builder_to_string (JsonBuilder *b)
{
  g_autoptr(JsonNode) root = json_builder_get_root (b);

  return json_to_string (root, FALSE);
}

/* Per-sample result: the class most of the sample's certain windows chose
 * (a tie or no certain window = uncertain). */
static void
sample_votes (const EmLearnSet *set, const int *predicted, guint *n_samples, guint *n_correct, guint *n_uncertain)
{
  guint n_classes = set->info.n_classes;
  g_autofree guint *votes = g_new0 (guint, n_classes);

  *n_samples = *n_correct = *n_uncertain = 0;
  for (guint start = 0; start < set->n;)
    {
      guint end = start, best = 0, best_votes = 0;
      gboolean tie = FALSE;

      memset (votes, 0, n_classes * sizeof (guint));
      while (end < set->n && set->sample_ids[end] == set->sample_ids[start])
        {
          if (predicted[end] >= 0)
            votes[predicted[end]]++;
          end++;
        }
      for (guint c = 0; c < n_classes; c++)
        if (votes[c] > best_votes)
          {
            best = c;
            best_votes = votes[c];
            tie = FALSE;
          }
        else if (votes[c] == best_votes && best_votes > 0)
          tie = TRUE;
      (*n_samples)++;
      if (best_votes == 0 || tie)
        (*n_uncertain)++;
      else if ((gint32) best == set->y[start])
        (*n_correct)++;
      start = end;
    }
}

/* One variant over the whole set: metrics JSON and predictions. */
static char *
run_variant (const EmLearningOps *ops, GBytes *blob, gboolean int8, const EmLearnSet *set, float threshold,
             const char *block_id, EmProgressFunc progress, gpointer user_data, GCancellable *cancellable,
             GArray *predictions, GError **error)
{
  const char *variant = int8 ? "int8" : "float";
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree float *out = NULL;
  g_autofree float *probs = NULL;
  g_autofree float *values = NULL;
  g_autofree int *predicted = NULL;
  void *state = NULL;
  uint32_t n_outputs = 0;
  guint n_classes = set->info.n_classes;
  char err[512] = "";
  gsize size = 0;
  gconstpointer data = g_bytes_get_data (blob, &size);

  if (set->task == EM_TASK_OBJECT_DETECTION)
    return em_model_test_detection (ops, blob, int8, set, block_id, progress, user_data, cancellable, predictions,
                                    error);
  if (ops->load (data, size, int8, &state, &n_outputs, err, sizeof err) != 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED, "%s", *err != '\0' ? err : "the block cannot load it");
      return NULL;
    }
  if (n_outputs == 0 || (set->task == EM_TASK_CLASSIFICATION && n_outputs != n_classes))
    {
      ops->free (state);
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                   "block %s: the %s model gives %u outputs for %u classes; retrain it", block_id, variant,
                   n_outputs, n_classes);
      return NULL;
    }
  out = g_new (float, n_outputs);
  if (set->task == EM_TASK_CLASSIFICATION)
    {
      probs = g_new (float, (gsize) set->n * n_classes);
      predicted = g_new (int, set->n);
    }
  else
    values = g_new (float, set->n);

  for (guint i = 0; i < set->n; i++)
    {
      EmPrediction p = { set->sample_ids[i], set->windows[i], g_ptr_array_index (set->sample_labels, set->label_index[i]),
                         NULL, NAN, NAN };

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ops->free (state);
          return NULL;
        }
      if (ops->run (state, set->x + (gsize) i * set->info.n_features, out, err, sizeof err) != 0)
        {
          ops->free (state);
          g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "block %s: running the %s model failed: %s", block_id,
                       variant, err);
          return NULL;
        }
      if (probs != NULL)
        {
          guint top = 0;
          for (guint c = 0; c < n_classes; c++)
            {
              probs[(gsize) i * n_classes + c] = out[c];
              if (out[c] > out[top])
                top = c;
            }
          p.confidence = out[top];
          predicted[i] = out[top] >= threshold ? (int) top : -1;
          p.predicted = predicted[i] >= 0 ? set->labels[top] : NULL;
        }
      else
        {
          values[i] = out[0];
          p.value = out[0];
        }
      g_array_append_val (predictions, p);
      if (progress != NULL && (i % 256 == 0 || i + 1 == set->n))
        progress ((i + 1) / (double) set->n, variant, user_data);
    }
  ops->free (state);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "variant");
  json_builder_add_string_value (b, variant);
  json_builder_set_member_name (b, "task");
  json_builder_add_string_value (b, em_learn_task_to_string (set->task));
  json_builder_set_member_name (b, "test_samples");
  json_builder_add_int_value (b, set->n_samples);
  json_builder_set_member_name (b, "skipped_samples");
  json_builder_add_int_value (b, set->n_skipped);
  if (set->task == EM_TASK_CLASSIFICATION)
    {
      g_autoptr(EmNnClassMetrics) m = em_nn_class_metrics (set->y, probs, (int) set->n, (int) n_classes, threshold);
      g_autofree char *json = em_nn_class_metrics_to_json (m, (const char * const *) set->labels);
      guint n_samples, n_correct, n_uncertain;

      add_members (b, json);
      sample_votes (set, predicted, &n_samples, &n_correct, &n_uncertain);
      json_builder_set_member_name (b, "samples");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "n");
      json_builder_add_int_value (b, n_samples);
      json_builder_set_member_name (b, "correct");
      json_builder_add_int_value (b, n_correct);
      json_builder_set_member_name (b, "uncertain");
      json_builder_add_int_value (b, n_uncertain);
      add_double_or_null (b, "accuracy", n_samples > n_uncertain ? n_correct / (double) (n_samples - n_uncertain) : NAN);
      json_builder_end_object (b);
    }
  else if (set->task == EM_TASK_REGRESSION)
    {
      EmNnRegressionMetrics m;

      em_nn_regression_metrics (set->y_value, values, (int) set->n, &m);
      json_builder_set_member_name (b, "n");
      json_builder_add_int_value (b, m.n);
      add_double_or_null (b, "mse", m.mse);
      add_double_or_null (b, "mae", m.mae);
      add_double_or_null (b, "rmse", sqrt (m.mse));
    }
  else
    {
      guint n_labels = set->sample_labels->len;
      g_autofree double *sum = g_new0 (double, n_labels + 1);
      g_autofree double *lo = g_new (double, n_labels + 1);
      g_autofree double *hi = g_new (double, n_labels + 1);
      g_autofree guint *count = g_new0 (guint, n_labels + 1);

      /* Slot n_labels holds the overall numbers. */
      for (guint l = 0; l <= n_labels; l++)
        lo[l] = INFINITY, hi[l] = -INFINITY;
      for (guint i = 0; i < set->n; i++)
        {
          guint slots[2] = { set->label_index[i], n_labels };
          for (guint k = 0; k < 2; k++)
            {
              guint l = slots[k];
              sum[l] += values[i];
              lo[l] = MIN (lo[l], values[i]);
              hi[l] = MAX (hi[l], values[i]);
              count[l]++;
            }
        }
      json_builder_set_member_name (b, "n");
      json_builder_add_int_value (b, set->n);
      add_double_or_null (b, "mean", sum[n_labels] / set->n);
      add_double_or_null (b, "min", lo[n_labels]);
      add_double_or_null (b, "max", hi[n_labels]);
      json_builder_set_member_name (b, "per_label");
      json_builder_begin_object (b);
      for (guint l = 0; l < n_labels; l++)
        {
          json_builder_set_member_name (b, g_ptr_array_index (set->sample_labels, l));
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "n");
          json_builder_add_int_value (b, count[l]);
          add_double_or_null (b, "mean", count[l] > 0 ? sum[l] / count[l] : NAN);
          add_double_or_null (b, "min", lo[l]);
          add_double_or_null (b, "max", hi[l]);
          json_builder_end_object (b);
        }
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  return builder_to_string (b);
}

gboolean
em_model_test (EmProject *project, EmImpulse *impulse, EmBlockRegistry *registry, const char *block_id,
               const EmModelTestOptions *options, EmProgressFunc progress, gpointer user_data,
               GCancellable *cancellable, char **result, GError **error)
{
  g_autoptr(EmModel) model = NULL;
  g_autoptr(EmLearnSet) set = NULL;
  g_autoptr(GArray) float_predictions = g_array_new (FALSE, FALSE, sizeof (EmPrediction));
  g_autoptr(GArray) int8_predictions = g_array_new (FALSE, FALSE, sizeof (EmPrediction));
  g_autoptr(GError) int8_error = NULL;
  g_autofree char *key = NULL, *float_metrics = NULL, *int8_metrics = NULL;
  float threshold = options != NULL && options->threshold > 0 ? options->threshold : DEFAULT_THRESHOLD;
  const EmLearningOps *ops;
  EmImpulseLearnBlock *lb;
  EmBlock *block = NULL;
  gboolean ok;

  if ((lb = em_learn_find_block (impulse, registry, block_id, &block, error)) == NULL)
    return FALSE;
  ops = em_block_get_learning_ops (block);
  if ((model = em_model_store_get (project, lb->id, TRUE, error)) == NULL)
    return FALSE;
  if ((key = em_learn_params_key (impulse, lb, registry, error)) == NULL)
    return FALSE;
  if (g_strcmp0 (key, model->params_key) != 0 || g_strcmp0 (lb->plugin, model->plugin) != 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                   "block %s: the model is out of date (the impulse changed since it was trained): retrain with"
                   " 'ember-cli train'", lb->id);
      return FALSE;
    }
  set = em_learn_gather (project, impulse, registry, lb, EM_CATEGORY_TESTING,
                         g_strv_length (model->labels) > 0 ? (const char * const *) model->labels : NULL,
                         progress, user_data, cancellable, error);
  if (set == NULL)
    return FALSE;

  if ((float_metrics = run_variant (ops, model->blob, FALSE, set, threshold, lb->id, progress, user_data,
                                    cancellable, float_predictions, error)) == NULL)
    {
      if (error != NULL && *error != NULL && (*error)->code == EM_ERROR_UNSUPPORTED)
        g_prefix_error (error, "block %s: cannot load the float model: ", lb->id);
      return FALSE;
    }
  int8_metrics = run_variant (ops, model->blob, TRUE, set, threshold, lb->id, progress, user_data, cancellable,
                              int8_predictions, &int8_error);
  if (int8_metrics == NULL && !g_error_matches (int8_error, EM_ERROR, EM_ERROR_UNSUPPORTED))
    {
      g_propagate_error (error, g_steal_pointer (&int8_error));
      return FALSE;
    }
  if (int8_metrics == NULL)
    {
      /* Say why in the float metrics: the app shows it where int8 would be. */
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      add_members (b, float_metrics);
      json_builder_set_member_name (b, "int8_unavailable");
      json_builder_add_string_value (b, int8_error->message);
      json_builder_end_object (b);
      g_free (float_metrics);
      float_metrics = builder_to_string (b);
    }

  if (!em_project_begin (project, error))
    return FALSE;
  ok = em_model_store_put_test (project, lb->id, "float", float_metrics, (EmPrediction *) float_predictions->data,
                                float_predictions->len, error);
  if (ok && int8_metrics != NULL)
    ok = em_model_store_put_test (project, lb->id, "int8", int8_metrics, (EmPrediction *) int8_predictions->data,
                                  int8_predictions->len, error);
  if (ok)
    ok = em_project_commit (project, error);
  else
    em_project_rollback (project);
  if (!ok)
    return FALSE;
  if (result != NULL && (*result = em_model_test_load (project, lb->id, error)) == NULL)
    return FALSE;
  return TRUE;
}

char *
em_model_test_load (EmProject *project, const char *block_id, GError **error)
{
  g_autoptr(EmModel) model = em_model_store_get (project, block_id, FALSE, error);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) report = NULL;
  g_autoptr(JsonNode) float_node = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *float_metrics = NULL, *int8_metrics = NULL;
  gint64 tested = 0;
  JsonNode *unavailable = NULL;

  if (model == NULL)
    return NULL;
  float_metrics = em_model_store_get_test (project, block_id, "float", &tested, &local);
  if (float_metrics == NULL)
    {
      if (g_error_matches (local, EM_ERROR, EM_ERROR_NOT_FOUND))
        g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND,
                     "block %s has not been tested since it was trained: run 'ember-cli test'", block_id);
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  int8_metrics = em_model_store_get_test (project, block_id, "int8", NULL, NULL);
  report = json_from_string (model->report, NULL);
  float_node = json_from_string (float_metrics, NULL);
  if (float_node != NULL && JSON_NODE_HOLDS_OBJECT (float_node))
    unavailable = json_object_get_member (json_node_get_object (float_node), "int8_unavailable");

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "block");
  json_builder_add_string_value (b, block_id);
  json_builder_set_member_name (b, "plugin");
  json_builder_add_string_value (b, model->plugin);
  json_builder_set_member_name (b, "task");
  /* The task the model was trained for, as training recorded it. */
  json_builder_add_string_value (b, report != NULL && JSON_NODE_HOLDS_OBJECT (report) &&
                                    json_object_has_member (json_node_get_object (report), "task")
                                    ? json_object_get_string_member (json_node_get_object (report), "task")
                                    : "classification");
  json_builder_set_member_name (b, "labels");
  json_builder_begin_array (b);
  for (guint i = 0; model->labels[i] != NULL; i++)
    json_builder_add_string_value (b, model->labels[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "trained_us");
  json_builder_add_int_value (b, model->created);
  json_builder_set_member_name (b, "tested_us");
  json_builder_add_int_value (b, tested);
  json_builder_set_member_name (b, "float");
  json_builder_add_value (b, g_steal_pointer (&float_node));
  json_builder_set_member_name (b, "int8");
  if (int8_metrics != NULL && unavailable == NULL)
    json_builder_add_value (b, json_from_string (int8_metrics, NULL));
  else
    json_builder_add_null_value (b);
  if (unavailable != NULL)
    {
      json_builder_set_member_name (b, "int8_unavailable");
      json_builder_add_value (b, json_node_copy (unavailable));
    }
  json_builder_end_object (b);
  return builder_to_string (b);
}

typedef struct {
  EmImpulse          *impulse;
  EmBlockRegistry    *registry;
  char               *block_id;
  EmModelTestOptions  options;
  EmProgressFunc      progress;
  gpointer            progress_data;
} TestData;

static void
test_data_free (gpointer p)
{
  TestData *d = p;

  em_impulse_free (d->impulse);
  g_object_unref (d->registry);
  g_free (d->block_id);
  g_free (d);
}

static void
test_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  TestData *d = task_data;
  GError *error = NULL;
  char *result = NULL;

  if (em_model_test (source, d->impulse, d->registry, d->block_id, &d->options, d->progress, d->progress_data,
                     cancellable, &result, &error))
    g_task_return_pointer (task, result, g_free);
  else
    g_task_return_error (task, error);
}

void
em_model_test_async (EmProject *project, EmImpulse *impulse, EmBlockRegistry *registry, const char *block_id,
                     const EmModelTestOptions *options, EmProgressFunc progress, gpointer progress_data,
                     GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (project, cancellable, callback, user_data);
  TestData *d = g_new0 (TestData, 1);

  d->impulse = em_impulse_copy (impulse);
  d->registry = g_object_ref (registry);
  d->block_id = g_strdup (block_id);
  if (options != NULL)
    d->options = *options;
  d->progress = progress;
  d->progress_data = progress_data;
  g_task_set_source_tag (task, em_model_test_async);
  g_task_set_task_data (task, d, test_data_free);
  g_task_run_in_thread (task, test_thread);
}

char *
em_model_test_finish (EmProject *project, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, project), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
