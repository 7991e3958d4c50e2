/* SPDX-License-Identifier: Apache-2.0 */
/* The anomaly-detection learning blocks (K-means, GMM): fitting on every
 * training window (labels are ignored), the blob, and scoring.
 *
 * There is no int8 form: scoring is a handful of distances, cheap in float
 * on any device (codegen/ emits em-nn-anomaly-score.c as is), so load(int8 =
 * 1) returns the very same float scorer as load(int8 = 0). */
#include <math.h>
#include <json-glib/json-glib.h>
#include "em-learn-util.h"
#include "em-nn-anomaly.h"

static int
compare_floats (gconstpointer a, gconstpointer b)
{
  float x = *(const float *) a, y = *(const float *) b;

  return (x > y) - (x < y);
}

static char *
build_report (EmLearnKind kind, const EmNnAnomaly *a, int k, gboolean full, guint32 n, const float *scores)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree float *sorted = g_memdup2 (scores, n * sizeof (float));
  double sum = 0;

  for (guint32 i = 0; i < n; i++)
    sum += scores[i];
  qsort (sorted, n, sizeof (float), compare_floats);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "method");
  json_builder_add_string_value (b, kind == EM_LEARN_ANOMALY_GMM ? "gmm" : "kmeans");
  json_builder_set_member_name (b, kind == EM_LEARN_ANOMALY_GMM ? "components" : "clusters");
  json_builder_add_int_value (b, k);
  if (kind == EM_LEARN_ANOMALY_GMM)
    {
      json_builder_set_member_name (b, "covariance");
      json_builder_add_string_value (b, full ? "full" : "diagonal");
    }
  json_builder_set_member_name (b, "axes");
  if (a->axes != NULL && a->n_axes > 0)
    {
      json_builder_begin_array (b);
      for (int i = 0; i < a->n_axes; i++)
        json_builder_add_int_value (b, a->axes[i]);
      json_builder_end_array (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "windows");
  json_builder_add_int_value (b, n);
  /* What the training windows score, so a threshold can be chosen: for
   * K-means 1.0 is the edge of what was seen; GMM scores are negative log-
   * likelihoods with no fixed scale. */
  json_builder_set_member_name (b, "train_score_mean");
  json_builder_add_double_value (b, sum / n);
  json_builder_set_member_name (b, "train_score_p95");
  json_builder_add_double_value (b, sorted[MIN (n - 1, (guint32) floor (0.95 * (n - 1) + 0.5))]);
  json_builder_set_member_name (b, "train_score_max");
  json_builder_add_double_value (b, sorted[n - 1]);
  json_builder_set_member_name (b, "quantized");
  json_builder_add_boolean_value (b, FALSE);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

int
em_learn_anomaly_train (EmLearnKind kind, const EmPluginParam *params, size_t n_params,
                        const EmLearnInfo *info, const EmLearnData *data,
                        const EmLearnCallbacks *callbacks, void **model, size_t *model_len,
                        char *report, size_t report_len, char *err, size_t err_len)
{
  const char *block = em_learn_kind_to_string (kind);
  gboolean gmm = kind == EM_LEARN_ANOMALY_GMM;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(EmNnAnomaly) a = NULL;
  g_autofree int *axes = NULL;
  g_autofree float *scores = NULL;
  g_autofree char *json = NULL, *text = NULL, *line = NULL;
  const char *covariance = em_plugin_param_string (params, n_params, "covariance", "diagonal");
  long k = gmm ? em_plugin_param_int (params, n_params, "components", 8)
               : em_plugin_param_int (params, n_params, "clusters", 32);
  long seed = em_plugin_param_int (params, n_params, "seed", 1);
  gboolean full = FALSE;
  int n_axes = 0;
  double sum = 0, max = -INFINITY;
  GByteArray *writer;

  *model = NULL;
  *model_len = 0;
  if (info == NULL || data == NULL || info->n_features == 0)
    return em_learn_fail (err, err_len, block, "the impulse gives this block no features");
  if (data->n == 0 || data->x == NULL)
    return em_learn_fail (err, err_len, block, "there are no training windows");
  if (data->n > G_MAXINT32 || info->n_features > G_MAXINT32 / 4)
    return em_learn_fail (err, err_len, block, "too much training data for one run");
  if (k < 1 || k > 256)
    return em_learn_fail (err, err_len, block, gmm ? "components must be 1..256" : "clusters must be 1..256");
  if (gmm)
    {
      if (strcmp (covariance, "full") == 0)
        full = TRUE;
      else if (strcmp (covariance, "diagonal") != 0)
        return em_learn_fail (err, err_len, block, "covariance must be one of: diagonal, full");
    }
  if (!em_learn_parse_axes (em_plugin_param_string (params, n_params, "axes", ""), info->n_features, &axes,
                            &n_axes, &error))
    return em_learn_fail_error (err, err_len, block, error);

  if (gmm)
    a = em_nn_gmm_fit (data->x, (int) data->n, (int) info->n_features, axes, n_axes, (int) k, full,
                       (guint64) MAX (seed, 0), cancellable, &error);
  else
    a = em_nn_kmeans_fit (data->x, (int) data->n, (int) info->n_features, axes, n_axes, (int) k,
                          (guint64) MAX (seed, 0), cancellable, &error);
  if (a == NULL)
    return em_learn_fail_error (err, err_len, block, error);

  scores = g_new (float, data->n);
  for (guint32 i = 0; i < data->n; i++)
    {
      scores[i] = em_nn_anomaly_score (a, data->x + (gsize) i * info->n_features);
      sum += scores[i];
      max = MAX (max, scores[i]);
    }
  if (!isfinite (sum))
    return em_learn_fail (err, err_len, block, "the fitted model gives non-finite scores (check the features)");

  /* One step: the whole fit. */
  if (callbacks != NULL && callbacks->progress != NULL)
    {
      EmLearnProgress p = { .epoch = 1, .n_epochs = 1, .loss = sum / data->n, .accuracy = NAN,
                            .val_loss = NAN, .val_accuracy = NAN };

      line = g_strdup_printf ("%s: %ld %s fitted on %u windows (training score mean %.3f, max %.3f)",
                              gmm ? "GMM" : "K-means", k, gmm ? "components" : "clusters", data->n,
                              sum / data->n, max);
      if (callbacks->progress (&p, line, callbacks->user_data) != 0)
        {
          em_learn_fail (err, err_len, block, "training cancelled");
          return EM_LEARN_CANCELLED;
        }
    }

  json = em_nn_anomaly_to_json (a);
  if (report != NULL && report_len > 0)
    {
      text = build_report (kind, a, (int) k, full, data->n, scores);
      if (!em_learn_copy_out (text, report, report_len))
        return em_learn_fail (err, err_len, block, "the training report does not fit the report buffer");
    }
  writer = em_learn_blob_writer_new (kind, info->n_features, 1);
  em_learn_blob_writer_add (writer, "ANOM", json, strlen (json));
  *model = em_learn_blob_writer_finish (writer, model_len);
  if (*model == NULL)
    return em_learn_fail (err, err_len, block, "out of memory");
  return 0;
}

/* The engine's loader checks the arrays; the axes must also fit the windows
 * this blob was trained on, or scoring would read past them. */
static gboolean
check_fits (EmLearnKind kind, const EmNnAnomaly *a, guint32 n_features, GError **error)
{
  int dim = a->is_gmm ? a->gmm.dim : a->kmeans.dim;

  if (a->is_gmm != (kind == EM_LEARN_ANOMALY_GMM))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "the trained model is a %s model",
                   a->is_gmm ? "GMM" : "K-means");
      return FALSE;
    }
  if (a->axes != NULL && a->n_axes > 0)
    {
      if (dim != a->n_axes)
        goto corrupt;
      for (int i = 0; i < a->n_axes; i++)
        if (a->axes[i] < 0 || (guint32) a->axes[i] >= n_features)
          goto corrupt;
    }
  else if (dim < 1 || (guint32) dim != n_features)
    goto corrupt;
  return TRUE;

corrupt:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               "the trained model is corrupt (its axes do not fit %u features)", n_features);
  return FALSE;
}

int
em_learn_anomaly_load (EmLearnKind kind, const void *model, size_t model_len, int int8, void **state,
                       uint32_t *n_outputs, char *err, size_t err_len)
{
  const char *block = em_learn_kind_to_string (kind);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(EmNnAnomaly) a = NULL;
  g_autofree char *json = NULL;
  EmLearnBlob blob;
  gsize len;
  const char *data;

  *state = NULL;
  if (!em_learn_blob_parse (model, model_len, kind, &blob, &error))
    return em_learn_fail_error (err, err_len, block, error);
  bytes = em_learn_blob_section (&blob, "ANOM");
  if (bytes == NULL)
    return em_learn_fail (err, err_len, block, "the trained model has no anomaly model in it");
  if (blob.n_outputs != 1)
    return em_learn_fail (err, err_len, block, "the trained model is corrupt (an anomaly model gives one score)");
  data = g_bytes_get_data (bytes, &len);
  json = g_strndup (data, len);
  a = em_nn_anomaly_from_json (json, &error);
  if (a == NULL || !check_fits (kind, a, blob.n_features, &error))
    return em_learn_fail_error (err, err_len, block, error);
  *n_outputs = 1;
  *state = g_steal_pointer (&a);
  return 0;
}

int
em_learn_anomaly_run (void *state, const float *features, float *out, char *err, size_t err_len)
{
  if (state == NULL || features == NULL || out == NULL)
    return em_learn_fail (err, err_len, "anomaly", "run() needs a loaded model, features and an output");
  out[0] = em_nn_anomaly_score (state, features);
  return 0;
}

void
em_learn_anomaly_free (void *state)
{
  em_nn_anomaly_free (state);
}

/* export_model: the anomaly JSON as stored, after the same checks load() makes. */
int
em_learn_anomaly_export (EmLearnKind kind, const void *model, size_t model_len, int int8, const char **format,
                         void **out, size_t *out_len, char *err, size_t err_len)
{
  void *state = NULL;
  uint32_t n_outputs = 0;
  char *json;

  *out = NULL;
  *out_len = 0;
  *format = "em-anomaly-json";
  (void) int8;
  if (em_learn_anomaly_load (kind, model, model_len, 0, &state, &n_outputs, err, err_len) != 0)
    return -1;
  json = em_nn_anomaly_to_json (state);
  em_learn_anomaly_free (state);
  *out_len = strlen (json);
  *out = malloc (*out_len + 1);
  if (*out == NULL)
    {
      g_free (json);
      return em_learn_fail (err, err_len, em_learn_kind_to_string (kind), "out of memory");
    }
  memcpy (*out, json, *out_len + 1);
  g_free (json);
  return 0;
}
