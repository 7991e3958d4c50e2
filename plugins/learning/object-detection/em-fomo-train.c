/* SPDX-License-Identifier: Apache-2.0 */
/* Object detection (FOMO-style): the architecture, training through
 * em_nn_train with per-cell targets, int8 quantization, and a report with
 * per-class precision / recall / F1 on the held-out validation windows. */
#include <math.h>
#include <json-glib/json-glib.h>
#include "em-fomo-private.h"
#include "em-learn-nn-shared.h"

/* Calibration windows for int8: enough for stable ranges, bounded in memory. */
#define MAX_CALIBRATION       500
#define MAX_CALIBRATION_BYTES (64u << 20)

/* MobileNetV2's rounding of channel counts: multiples of 8, never more than
 * 10 % below the scaled count. */
static int
make_divisible (double v)
{
  int r = MAX (8, (int) (v + 4) / 8 * 8);
  return r < 0.9 * v ? r + 8 : r;
}

static void
add_conv_bn (GString *s, const char *name, int filters, int kernel, int stride, gboolean relu6)
{
  g_string_append_printf (s, "{\"type\": \"conv2d\", \"name\": \"%s\", \"filters\": %d, \"kernel_size\": %d, "
                          "\"strides\": %d, \"padding\": \"same\"}, {\"type\": \"batchnorm\", \"name\": \"%s_bn\", \"momentum\": 0.9}, ",
                          name, filters, kernel, stride, name);
  if (relu6)
    g_string_append_printf (s, "{\"type\": \"activation\", \"name\": \"%s_relu\", \"activation\": \"relu6\"}, ", name);
}

/* One inverted-residual block: 1×1 expansion (skipped for t = 1), 3×3
 * depthwise with @stride, linear 1×1 projection; a residual add when the
 * shape is kept. @prev names the block's input layer; returns the name of
 * its output layer. */
static char *
add_block (GString *s, int index, const char *prev, int in_c, int out_c, int expand, int stride)
{
  g_autofree char *p = g_strdup_printf ("block%d", index);

  if (expand > 1)
    {
      g_autofree char *name = g_strdup_printf ("%s_expand", p);
      add_conv_bn (s, name, in_c * expand, 1, 1, TRUE);
    }
  g_string_append_printf (s, "{\"type\": \"depthwise_conv2d\", \"name\": \"%s_dw\", \"kernel_size\": 3, "
                          "\"strides\": %d, \"padding\": \"same\"}, {\"type\": \"batchnorm\", \"name\": \"%s_dw_bn\", \"momentum\": 0.9}, "
                          "{\"type\": \"activation\", \"name\": \"%s_dw_relu\", \"activation\": \"relu6\"}, ",
                          p, stride, p, p);
  {
    g_autofree char *name = g_strdup_printf ("%s_project", p);
    add_conv_bn (s, name, out_c, 1, 1, FALSE);
  }
  if (stride == 1 && in_c == out_c && prev != NULL)
    {
      g_string_append_printf (s, "{\"type\": \"add\", \"name\": \"%s_add\", \"inputs\": [\"%s\", \"%s_project_bn\"]}, ",
                              p, prev, p);
      return g_strdup_printf ("%s_add", p);
    }
  return g_strdup_printf ("%s_project_bn", p);
}

char *
em_fomo_architecture (guint32 width, guint32 height, guint32 channels, double alpha, guint32 n_classes)
{
  g_autoptr(GString) s = g_string_new (NULL);
  int stem = make_divisible (32 * alpha), c1 = make_divisible (16 * alpha), c2 = make_divisible (24 * alpha),
      c3 = make_divisible (32 * alpha);
  g_autofree char *b1 = NULL, *b2 = NULL, *b3 = NULL, *b4 = NULL, *b5 = NULL;

  g_string_append_printf (s, "{\"input_shape\": [%u, %u, %u], \"layers\": [", height, width, channels);
  /* 1/2 */
  add_conv_bn (s, "stem", stem, 3, 2, TRUE);
  b1 = add_block (s, 1, NULL, stem, c1, 1, 1);
  /* 1/4 */
  b2 = add_block (s, 2, b1, c1, c2, 6, 2);
  b3 = add_block (s, 3, b2, c2, c2, 6, 1);
  /* 1/8: FOMO cuts MobileNetV2 here, so a cell sees its neighbourhood only */
  b4 = add_block (s, 4, b3, c2, c3, 6, 2);
  b5 = add_block (s, 5, b4, c3, c3, 6, 1);
  g_string_append_printf (s, "{\"type\": \"conv2d\", \"name\": \"head\", \"filters\": 32, \"kernel_size\": 1, "
                          "\"activation\": \"relu\"}, "
                          "{\"type\": \"conv2d\", \"name\": \"logits\", \"filters\": %u, \"kernel_size\": 1}]}",
                          n_classes + 1);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* --- options --------------------------------------------------------------- */

typedef struct {
  EmNnTrainOptions nn;   /* nn.validation_split: the share of windows held out */
  double           alpha, threshold;
  gboolean         quantize;
} Options;

static gboolean
read_options (const EmPluginParam *params, size_t n, Options *o, GError **error)
{
  if (!em_learn_nn_read_options (params, n, &o->nn, &o->quantize, error))
    return FALSE;
  o->nn.loss = EM_NN_LOSS_FOMO;
  o->nn.object_weight = em_plugin_param_double (params, n, "object_weight", EM_NN_FOMO_OBJECT_WEIGHT);
  o->alpha = em_plugin_param_double (params, n, "alpha", 0.35);
  o->threshold = em_plugin_param_double (params, n, "threshold", 0.5);

  if (!(o->alpha >= 0.05 && o->alpha <= 2))
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "alpha %g: must be in [0.05, 2]", o->alpha);
  else if (!(o->threshold > 0 && o->threshold <= 1))
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "threshold %g: must be in (0, 1]", o->threshold);
  else if (!(o->nn.validation_split >= 0 && o->nn.validation_split <= 0.5))
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "validation_pct: must be 0..50");
  else
    return TRUE;
  return FALSE;
}

/* --- data ------------------------------------------------------------------ */

static gboolean
check_input (const EmLearnInfo *info, const EmLearnData *data, GError **error)
{
  if (info == NULL || data == NULL || info->n_features == 0)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "the impulse gives this block no features");
  else if (!(info->input_kind & EM_INPUT_IMAGE) || info->width == 0 || info->height == 0)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "object detection needs an image input");
  else if (info->n_inputs != 1 || (info->cols != 1 && info->cols != 3) ||
           (guint64) info->width * info->height != info->rows ||
           (guint64) info->rows * info->cols != info->n_features)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 "object detection takes one image block's pixels (width x height x 1 or 3 channels); "
                 "the impulse gives %u features in %u inputs", info->n_features, info->n_inputs);
  else if (info->width < 8 || info->height < 8)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "input %ux%u: object detection needs at least 8x8",
                 info->width, info->height);
  else if (data->n == 0 || data->x == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "there are no training windows");
  else if (data->n > G_MAXINT32 / 2 || info->n_features > G_MAXINT32 / 4)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "too much training data for one run");
  else if (data->boxes == NULL || data->box_start == NULL || data->box_start[data->n] == 0 || info->n_classes < 1)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 "object detection needs bounding boxes: none of the training images has one");
  else
    return TRUE;
  return FALSE;
}

/* y_cells for every window. */
static gint32 *
make_targets (const EmLearnInfo *info, const EmLearnData *data, int grid_w, int grid_h, guint *collisions,
              GError **error)
{
  gsize n_cells = (gsize) grid_w * grid_h;
  g_autofree gint32 *targets = g_new (gint32, data->n * n_cells);
  g_autoptr(GArray) boxes = g_array_new (FALSE, FALSE, sizeof (EmNnFomoBox));

  *collisions = 0;
  for (guint32 i = 0; i < data->n; i++)
    {
      int lost = 0;

      g_array_set_size (boxes, 0);
      for (guint32 k = data->box_start[i]; k < data->box_start[i + 1]; k++)
        {
          const EmLearnBox *b = &data->boxes[k];
          EmNnFomoBox fb = { b->label, b->x, b->y, b->w, b->h };
          g_array_append_val (boxes, fb);
        }
      if (!em_nn_fomo_targets ((EmNnFomoBox *) boxes->data, (int) boxes->len, (int) info->width,
                               (int) info->height, grid_w, grid_h, (int) info->n_classes,
                               targets + i * n_cells, &lost, error))
        {
          g_prefix_error (error, "window %u: ", i);
          return NULL;
        }
      *collisions += (guint) lost;
    }
  return g_steal_pointer (&targets);
}

/* Rows @rows of @x copied into one block. */
static float *
copy_rows (const float *x, guint32 n_features, const guint32 *rows, guint32 n)
{
  float *out = g_new (float, (gsize) n * n_features);

  for (guint32 i = 0; i < n; i++)
    memcpy (out + (gsize) i * n_features, x + (gsize) rows[i] * n_features, n_features * sizeof (float));
  return out;
}

/* Detection metrics of @compiled on rows[0..n) of @data. (transfer full) */
static EmNnFomoMetrics *
evaluate (EmNnCompiled *compiled, const EmNnFomoPostParams *post, const EmLearnData *data, guint32 n_features,
          const guint32 *rows, guint32 n, GError **error)
{
  g_autoptr(EmNnFomoMetrics) m = em_nn_fomo_metrics_new (post->n_classes);
  gsize out_size = (gsize) post->grid_w * post->grid_h * (post->n_classes + 1);
  g_autofree float *logits = g_new (float, out_size);
  size_t scratch_bytes = em_nn_fomo_scratch_bytes (post->grid_w, post->grid_h);
  g_autofree gint32 *scratch = g_new (gint32, scratch_bytes / sizeof (gint32) + 1);
  g_autofree EmNnFomoObject *objects = g_new (EmNnFomoObject, EM_LEARN_MAX_OBJECTS);
  g_autoptr(GArray) truth = g_array_new (FALSE, FALSE, sizeof (EmNnFomoBox));

  for (guint32 i = 0; i < n; i++)
    {
      guint32 r = rows[i];
      int found;

      em_nn_compiled_run (compiled, data->x + (gsize) r * n_features, logits);
      found = em_fomo_objects (post, logits, objects, EM_LEARN_MAX_OBJECTS, scratch, scratch_bytes);
      if (found < 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "post-processing failed (%d)", found);
          return NULL;
        }
      g_array_set_size (truth, 0);
      for (guint32 k = data->box_start[r]; k < data->box_start[r + 1]; k++)
        {
          const EmLearnBox *b = &data->boxes[k];
          EmNnFomoBox fb = { b->label, b->x, b->y, b->w, b->h };
          g_array_append_val (truth, fb);
        }
      if (!em_nn_fomo_metrics_add (m, (EmNnFomoBox *) truth->data, (int) truth->len, objects,
                                   MIN (found, EM_LEARN_MAX_OBJECTS), error))
        return NULL;
    }
  return g_steal_pointer (&m);
}

static void
add_json (JsonBuilder *b, const char *name, const char *json)
{
  json_builder_set_member_name (b, name);
  if (json != NULL)
    json_builder_add_value (b, json_from_string (json, NULL));
  else
    json_builder_add_null_value (b);
}

typedef struct {
  const EmNnModel          *net;
  const EmNnTrainResult    *result;
  const EmNnFomoPostParams *post;
  const Options            *o;
  const EmNnCompiled       *fc, *qc;
  const char               *val_float, *val_int8;   /* metrics JSON, NULL without validation */
  guint                     n_train, n_val, collisions;
} ReportArgs;

/* An EmLearnReportFunc. */
static char *
build_report (gconstpointer args, gboolean history)
{
  const ReportArgs *r = args;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *arch = em_nn_model_to_json (r->net);
  guint n_history = r->result != NULL && r->result->history != NULL ? r->result->history->len : 0;

  json_builder_begin_object (b);
  add_json (b, "architecture", arch);
  json_builder_set_member_name (b, "params");
  json_builder_add_int_value (b, (gint64) em_nn_model_n_params (r->net));
  json_builder_set_member_name (b, "macs");
  json_builder_add_int_value (b, (gint64) em_nn_model_macs (r->net));
  json_builder_set_member_name (b, "input");
  json_builder_begin_array (b);
  json_builder_add_int_value (b, r->post->input_w);
  json_builder_add_int_value (b, r->post->input_h);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "grid");
  json_builder_begin_array (b);
  json_builder_add_int_value (b, r->post->grid_w);
  json_builder_add_int_value (b, r->post->grid_h);
  json_builder_end_array (b);
  em_learn_report_add_number (b, "alpha", r->o->alpha);
  em_learn_report_add_number (b, "threshold", r->post->threshold);
  em_learn_report_add_number (b, "object_weight", r->o->nn.object_weight);
  em_learn_report_add_number (b, "learning_rate", r->o->nn.learning_rate);
  json_builder_set_member_name (b, "train_windows");
  json_builder_add_int_value (b, r->n_train);
  json_builder_set_member_name (b, "validation_windows");
  json_builder_add_int_value (b, r->n_val);
  json_builder_set_member_name (b, "centroid_collisions");
  json_builder_add_int_value (b, r->collisions);
  json_builder_set_member_name (b, "best_epoch");
  json_builder_add_int_value (b, r->result != NULL ? r->result->best_epoch : 0);
  json_builder_set_member_name (b, "epochs_run");
  json_builder_add_int_value (b, n_history);
  em_learn_report_add_history (b, r->result, history, TRUE);
  /* Per-class precision / recall / F1 with the centroid rule, on the
   * validation windows (em_nn_fomo_metrics_to_json). */
  add_json (b, "validation_detection", r->val_float);
  add_json (b, "validation_detection_int8", r->val_int8);
  em_learn_report_add_sizes (b, r->fc, r->qc);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static char *
metrics_json (const EmNnFomoMetrics *m, const EmLearnInfo *info)
{
  return m != NULL ? em_nn_fomo_metrics_to_json (m, info->labels) : NULL;
}

int
em_fomo_train (const EmPluginParam *params, size_t n_params, const EmLearnInfo *info, const EmLearnData *data,
               const EmLearnCallbacks *callbacks, void **model, size_t *model_len, char *report,
               size_t report_len, char *err, size_t err_len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnModel) net = NULL;
  g_autoptr(EmNnTrainResult) result = NULL;
  g_autoptr(EmNnCompiled) fc = NULL, qc = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GBytes) model_bytes = NULL, int8_bytes = NULL, labels = NULL;
  g_autoptr(EmNnFomoMetrics) m_float = NULL, m_int8 = NULL;
  g_autofree char *arch = NULL, *post_text = NULL, *val_float = NULL, *val_int8 = NULL;
  g_autofree gint32 *targets = NULL, *train_targets = NULL, *val_targets = NULL;
  g_autofree guint32 *rows = NULL;
  g_autofree float *train_x = NULL, *val_x = NULL;
  g_autoptr(GRand) rand = NULL;
  EmLearnEpochRelay progress = { callbacks, cancellable, "object cells right" };
  EmNnDataset train_ds = { 0 }, val_ds = { 0 };
  EmNnFomoPostParams post = { 0 };
  EmNnDims out;
  Options o;
  GByteArray *writer;
  guint collisions = 0;
  guint32 n_val, n_train, n_cells;
  gboolean trained;

  *model = NULL;
  *model_len = 0;
  if (!check_input (info, data, &error) || !read_options (params, n_params, &o, &error))
    return em_learn_fail_error (err, err_len, EM_FOMO_BLOCK, error);

  arch = em_fomo_architecture (info->width, info->height, info->cols, o.alpha, info->n_classes);
  net = em_nn_model_new_from_json (arch, &error);
  if (net == NULL)
    return em_learn_fail_error (err, err_len, EM_FOMO_BLOCK, error);
  em_nn_model_init_weights (net, o.nn.seed);
  out = em_nn_model_output (net);
  n_cells = (guint32) (out.h * out.w);
  post.input_w = (int32_t) info->width;
  post.input_h = (int32_t) info->height;
  post.grid_w = out.w;
  post.grid_h = out.h;
  post.n_classes = (int32_t) info->n_classes;
  post.threshold = (float) o.threshold;
  post.connectivity = 8;

  targets = make_targets (info, data, out.w, out.h, &collisions, &error);
  if (targets == NULL)
    return em_learn_fail_error (err, err_len, EM_FOMO_BLOCK, error);

  /* Our own seeded split (em_nn_train's would hide which windows it held
   * out), so the report can score the held-out windows. */
  rows = g_new (guint32, data->n);
  for (guint32 i = 0; i < data->n; i++)
    rows[i] = i;
  rand = g_rand_new_with_seed ((guint32) (o.nn.seed ^ 0x9e3779b9u));
  for (guint32 i = data->n - 1; i > 0; i--)
    {
      guint32 j = (guint32) g_rand_int_range (rand, 0, (gint32) i + 1), t = rows[i];
      rows[i] = rows[j];
      rows[j] = t;
    }
  n_val = MIN ((guint32) floor (data->n * o.nn.validation_split + 0.5), data->n - 1);
  n_train = data->n - n_val;

  train_x = copy_rows (data->x, info->n_features, rows + n_val, n_train);
  train_targets = g_new (gint32, (gsize) n_train * n_cells);
  for (guint32 i = 0; i < n_train; i++)
    memcpy (train_targets + (gsize) i * n_cells, targets + (gsize) rows[n_val + i] * n_cells,
            n_cells * sizeof (gint32));
  train_ds = (EmNnDataset) { .n = (int) n_train, .n_features = (int) info->n_features, .x = train_x,
                             .n_classes = (int) info->n_classes + 1, .y_cells = train_targets };
  if (n_val > 0)
    {
      val_x = copy_rows (data->x, info->n_features, rows, n_val);
      val_targets = g_new (gint32, (gsize) n_val * n_cells);
      for (guint32 i = 0; i < n_val; i++)
        memcpy (val_targets + (gsize) i * n_cells, targets + (gsize) rows[i] * n_cells, n_cells * sizeof (gint32));
      val_ds = (EmNnDataset) { .n = (int) n_val, .n_features = (int) info->n_features, .x = val_x,
                               .n_classes = (int) info->n_classes + 1, .y_cells = val_targets };
      o.nn.validation = &val_ds;
    }
  else
    o.nn.validation_split = 0;

  trained = em_nn_train (net, &train_ds, &o.nn, em_learn_relay_epoch, &progress, cancellable, &result, &error);
  if (g_cancellable_is_cancelled (cancellable))
    {
      em_learn_fail (err, err_len, EM_FOMO_BLOCK, "training cancelled");
      return EM_LEARN_CANCELLED;
    }
  if (!trained || !em_nn_model_check_finite (net, &error))
    return em_learn_fail_error (err, err_len, EM_FOMO_BLOCK, error);

  fc = em_nn_compile_float (net, &error);
  if (fc == NULL)
    return em_learn_fail_error (err, err_len, EM_FOMO_BLOCK, error);
  if (o.quantize)
    {
      guint32 cap = MAX (16u, MAX_CALIBRATION_BYTES / (info->n_features * (guint32) sizeof (float)));
      int n_cal = (int) MIN (MIN (n_train, (guint32) MAX_CALIBRATION), cap);

      /* train_x is already a seeded shuffle: its first rows are a fair pick. */
      qc = em_nn_compile_int8 (net, train_x, n_cal, &error);
      if (qc == NULL)
        return em_learn_fail_error (err, err_len, EM_FOMO_BLOCK, error);
      int8_bytes = em_nn_compiled_save (qc);
    }
  g_clear_pointer (&train_x, g_free);

  if (n_val > 0)
    {
      m_float = evaluate (fc, &post, data, info->n_features, rows, n_val, &error);
      if (m_float != NULL && qc != NULL)
        m_int8 = evaluate (qc, &post, data, info->n_features, rows, n_val, &error);
      if (m_float == NULL || (qc != NULL && m_int8 == NULL))
        return em_learn_fail_error (err, err_len, EM_FOMO_BLOCK, error);
      val_float = metrics_json (m_float, info);
      val_int8 = metrics_json (m_int8, info);
    }

  model_bytes = em_nn_model_save (net);
  labels = em_learn_labels_bytes (info);
  post_text = em_fomo_post_to_text (&post);
  writer = em_learn_blob_writer_new (EM_LEARN_OBJECT_DETECTION, info->n_features,
                                     1 + EM_LEARN_MAX_OBJECTS * EM_LEARN_OBJECT_FLOATS);
  em_learn_blob_writer_add (writer, "MODL", g_bytes_get_data (model_bytes, NULL), g_bytes_get_size (model_bytes));
  if (int8_bytes != NULL)
    em_learn_blob_writer_add (writer, "QINT", g_bytes_get_data (int8_bytes, NULL), g_bytes_get_size (int8_bytes));
  em_learn_blob_writer_add (writer, "LABL", g_bytes_get_data (labels, NULL), g_bytes_get_size (labels));
  em_learn_blob_writer_add (writer, "FOMO", post_text, strlen (post_text));

  if (report != NULL && report_len > 0)
    {
      ReportArgs r = { net, result, &post, &o, fc, qc, val_float, val_int8, n_train, n_val, collisions };

      if (!em_learn_report_copy_out (build_report, &r, report, report_len))
        {
          g_byte_array_unref (writer);
          return em_learn_fail (err, err_len, EM_FOMO_BLOCK, "the training report does not fit the report buffer");
        }
    }
  *model = em_learn_blob_writer_finish (writer, model_len);
  if (*model == NULL)
    return em_learn_fail (err, err_len, EM_FOMO_BLOCK, "out of memory");
  return 0;
}
