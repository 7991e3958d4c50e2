/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include "em-error.h"
#include "em-model-store.h"
#include "em-model-test-detect.h"
#include "em-nn-fomo.h"

char *
em_model_test_detection (const EmLearningOps *ops, GBytes *blob, gboolean int8, const EmLearnSet *set,
                         const char *block_id, EmProgressFunc progress, gpointer user_data,
                         GCancellable *cancellable, GArray *predictions, GError **error)
{
  const char *variant = int8 ? "int8" : "float";
  const guint32 want = 1 + EM_LEARN_MAX_OBJECTS * EM_LEARN_OBJECT_FLOATS;
  g_autoptr(EmNnFomoMetrics) m = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL, metrics = NULL;
  g_autofree float *out = NULL;
  g_autofree EmNnFomoObject *objects = NULL;
  g_autofree char *json = NULL;
  void *state = NULL;
  uint32_t n_outputs = 0;
  guint n_classes = set->info.n_classes;
  char err[512] = "";
  gsize size = 0;
  gconstpointer data = g_bytes_get_data (blob, &size);

  if (n_classes == 0 || set->box_start == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "block %s: the model has no object classes; retrain it",
                   block_id);
      return NULL;
    }
  if (ops->load (data, size, int8, &state, &n_outputs, err, sizeof err) != 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED, "%s", *err != '\0' ? err : "the block cannot load it");
      return NULL;
    }
  if (n_outputs != want)
    {
      ops->free (state);
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                   "block %s: the %s model gives %u outputs, object detection %u; retrain it", block_id, variant,
                   n_outputs, want);
      return NULL;
    }
  m = em_nn_fomo_metrics_new ((int) n_classes);
  out = g_new (float, want);
  objects = g_new (EmNnFomoObject, EM_LEARN_MAX_OBJECTS);
  for (guint i = 0; i < set->n; i++)
    {
      EmPrediction p = { set->sample_ids[i], set->windows[i], g_ptr_array_index (set->sample_labels, set->label_index[i]),
                         NULL, NAN, NAN };
      g_autoptr(GError) local = NULL;
      int n_found, best = -1;

      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          ops->run (state, set->x + (gsize) i * set->info.n_features, out, err, sizeof err) != 0)
        {
          ops->free (state);
          if (error != NULL && *error == NULL)
            g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "block %s: running the %s model failed: %s", block_id,
                         variant, err);
          return NULL;
        }
      n_found = (int) CLAMP (out[0], 0, EM_LEARN_MAX_OBJECTS);
      for (int k = 0; k < n_found; k++)
        {
          const float *o = out + 1 + k * EM_LEARN_OBJECT_FLOATS;
          objects[k] = (EmNnFomoObject) { (int32_t) o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], 1 };
          if (best < 0 || objects[k].score > objects[best].score)
            best = k;
        }
      /* The truth is the set's boxes, already in the input's pixels; the
       * two structs differ, so copy. */
      {
        guint32 first = set->box_start[i], n_truth = set->box_start[i + 1] - first;
        g_autofree EmNnFomoBox *truth = g_new (EmNnFomoBox, MAX (n_truth, 1));
        for (guint32 k = 0; k < n_truth; k++)
          {
            const EmLearnBox *t = &set->boxes[first + k];
            truth[k] = (EmNnFomoBox) { t->label, t->x, t->y, t->w, t->h };
          }
        if (!em_nn_fomo_metrics_add (m, truth, (int) n_truth, objects, n_found, &local))
          {
            ops->free (state);
            g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "block %s: the %s model: %s", block_id, variant,
                         local->message);
            return NULL;
          }
      }
      if (best >= 0 && objects[best].label >= 1 && (guint) objects[best].label <= n_classes)
        {
          p.predicted = set->labels[objects[best].label - 1];
          p.confidence = objects[best].score;
        }
      p.value = n_found;
      g_array_append_val (predictions, p);
      if (progress != NULL && (i % 64 == 0 || i + 1 == set->n))
        progress ((i + 1) / (double) set->n, variant, user_data);
    }
  ops->free (state);

  json = em_nn_fomo_metrics_to_json (m, (const char * const *) set->labels);
  metrics = json_from_string (json, NULL);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "variant");
  json_builder_add_string_value (b, variant);
  json_builder_set_member_name (b, "task");
  json_builder_add_string_value (b, em_learn_task_to_string (set->task));
  json_builder_set_member_name (b, "test_samples");
  json_builder_add_int_value (b, set->n_samples);
  json_builder_set_member_name (b, "skipped_samples");
  json_builder_add_int_value (b, set->n_skipped);
  json_builder_set_member_name (b, "test_boxes");
  json_builder_add_int_value (b, set->n_boxes);
  if (metrics != NULL && JSON_NODE_HOLDS_OBJECT (metrics))
    {
      JsonObject *o = json_node_get_object (metrics);
      g_autoptr(GList) names = json_object_get_members (o);
      for (GList *l = names; l != NULL; l = l->next)
        {
          json_builder_set_member_name (b, l->data);
          json_builder_add_value (b, json_node_copy (json_object_get_member (o, l->data)));
        }
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}
