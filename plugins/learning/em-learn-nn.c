/* SPDX-License-Identifier: Apache-2.0 */
/* The neural-network learning blocks (classification, regression): default
 * architectures, training through em_nn_train, int8 post-training
 * quantization, the trained blob and running it. */
#include <json-glib/json-glib.h>
#include "em-learn-nn-shared.h"

/* Calibration windows for int8: enough for stable min/max, bounded in memory. */
#define MAX_CALIBRATION       1000
#define MAX_CALIBRATION_BYTES (64u << 20)

G_STATIC_ASSERT (sizeof (int) == sizeof (int32_t));

typedef struct {
  EmLearnKind   kind;
  EmNnCompiled *compiled;
} NnState;

/* --- architecture ---------------------------------------------------------- */

char *
em_learn_nn_default_architecture (EmLearnKind kind, const EmLearnInfo *info)
{
  gboolean classify = kind == EM_LEARN_CLASSIFICATION;
  guint32 units = classify ? info->n_classes : 1;
  const char *head = classify ? ", {\"type\": \"softmax\"}" : "";
  gboolean one_input = info->n_inputs <= 1;

  if (classify && one_input && (info->input_kind & EM_INPUT_AUDIO) && info->rows > 1 && info->cols > 1 &&
      (guint64) info->rows * info->cols == info->n_features)
    return g_strdup_printf (
      "{\"input_shape\": [%u, %u], \"layers\": ["
      "{\"type\": \"reshape\", \"shape\": [1, %u, %u]}, "
      "{\"type\": \"conv1d\", \"filters\": 8, \"kernel_size\": 3, \"padding\": \"same\", \"activation\": \"relu\"}, "
      "{\"type\": \"maxpool1d\", \"pool_size\": 2, \"padding\": \"same\"}, "
      "{\"type\": \"dropout\", \"rate\": 0.25}, "
      "{\"type\": \"conv1d\", \"filters\": 16, \"kernel_size\": 3, \"padding\": \"same\", \"activation\": \"relu\"}, "
      "{\"type\": \"maxpool1d\", \"pool_size\": 2, \"padding\": \"same\"}, "
      "{\"type\": \"dropout\", \"rate\": 0.25}, "
      "{\"type\": \"flatten\"}, "
      "{\"type\": \"dense\", \"units\": %u}%s]}",
      info->rows, info->cols, info->rows, info->cols, units, head);

  /* Two valid 2×2 pools need at least 4 pixels each way. */
  if (classify && one_input && (info->input_kind & EM_INPUT_IMAGE) && info->width >= 4 && info->height >= 4 &&
      info->cols >= 1 && (guint64) info->width * info->height == info->rows &&
      (guint64) info->rows * info->cols == info->n_features)
    return g_strdup_printf (
      "{\"input_shape\": [%u, %u, %u], \"layers\": ["
      "{\"type\": \"conv2d\", \"filters\": 8, \"kernel_size\": 3, \"padding\": \"same\", \"activation\": \"relu\"}, "
      "{\"type\": \"maxpool2d\", \"pool_size\": 2}, "
      "{\"type\": \"conv2d\", \"filters\": 16, \"kernel_size\": 3, \"padding\": \"same\", \"activation\": \"relu\"}, "
      "{\"type\": \"maxpool2d\", \"pool_size\": 2}, "
      "{\"type\": \"flatten\"}, "
      "{\"type\": \"dropout\", \"rate\": 0.25}, "
      "{\"type\": \"dense\", \"units\": %u}%s]}",
      info->height, info->width, info->cols, units, head);

  return g_strdup_printf (
    "{\"input_shape\": [%u], \"layers\": ["
    "{\"type\": \"dense\", \"units\": 20, \"activation\": \"relu\"}, "
    "{\"type\": \"dense\", \"units\": 10, \"activation\": \"relu\"}, "
    "{\"type\": \"dense\", \"units\": %u}%s]}",
    info->n_features, units, head);
}

int
em_learn_nn_defaults (EmLearnKind kind, const EmLearnInfo *info, char *out, size_t out_len, char *err,
                      size_t err_len)
{
  const char *block = em_learn_kind_to_string (kind);
  g_autofree char *arch = NULL, *text = NULL;

  if (info == NULL || info->n_features == 0)
    return em_learn_fail (err, err_len, block, "the impulse gives this block no features");
  if (kind == EM_LEARN_CLASSIFICATION && info->n_classes < 2)
    return em_learn_fail (err, err_len, block, "classification needs at least two labels");
  arch = em_learn_nn_default_architecture (kind, info);
  text = g_strdup_printf ("architecture=%s\n", arch);
  if (!em_learn_copy_out (text, out, out_len))
    return em_learn_fail (err, err_len, block, "the defaults do not fit the output buffer");
  return 0;
}

static EmNnModel *
build_model (EmLearnKind kind, const char *architecture, const EmLearnInfo *info, GError **error)
{
  g_autofree char *fallback = NULL;
  g_autoptr(EmNnModel) model = NULL;
  g_autoptr(GError) local = NULL;
  guint32 want_out = kind == EM_LEARN_CLASSIFICATION ? info->n_classes : 1;
  const EmNnLayer *last;
  int in_size, out_size;

  if (architecture == NULL || *architecture == '\0')
    architecture = fallback = em_learn_nn_default_architecture (kind, info);
  model = em_nn_model_new_from_json (architecture, &local);
  if (model == NULL)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL, "architecture: %s", local->message);
      return NULL;
    }
  in_size = em_nn_dims_size (model->input);
  if (in_size < 0 || (guint32) in_size != info->n_features)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                   "architecture: the input shape holds %d values but each window has %u features",
                   in_size, info->n_features);
      return NULL;
    }
  out_size = em_nn_dims_size (em_nn_model_output (model));
  if (out_size < 0 || (guint32) out_size != want_out)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                   "architecture: the last layer gives %d outputs but %s needs %u", out_size,
                   kind == EM_LEARN_CLASSIFICATION ? "classification of these labels" : "regression",
                   want_out);
      return NULL;
    }
  last = model->layers->len > 0 ? g_ptr_array_index (model->layers, model->layers->len - 1) : NULL;
  if (kind == EM_LEARN_CLASSIFICATION && (last == NULL || last->type != EM_NN_SOFTMAX))
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                   "architecture: a classifier must end with a softmax layer");
      return NULL;
    }
  return g_steal_pointer (&model);
}

/* --- options --------------------------------------------------------------- */

static gboolean
read_options (EmLearnKind kind, const EmPluginParam *params, size_t n, EmNnTrainOptions *o,
              gboolean *quantize, gboolean *balanced, GError **error)
{
  if (!em_learn_nn_read_options (params, n, o, quantize, error))
    return FALSE;
  o->augment.noise_std = (float) em_plugin_param_double (params, n, "noise", 0);
  o->augment.time_shift_max = (int) em_plugin_param_int (params, n, "time_shift", 0);
  o->augment.time_masks = (int) em_plugin_param_int (params, n, "time_masks", 0);
  o->augment.time_mask_max = (int) em_plugin_param_int (params, n, "time_mask_width", 0);
  o->augment.freq_masks = (int) em_plugin_param_int (params, n, "freq_masks", 0);
  o->augment.freq_mask_max = (int) em_plugin_param_int (params, n, "freq_mask_width", 0);
  o->augment.flip_horizontal = em_plugin_param_bool (params, n, "flip_horizontal", 0);
  o->augment.crop_max = (float) em_plugin_param_double (params, n, "crop", 0);
  o->augment.brightness = (float) em_plugin_param_double (params, n, "brightness", 0);
  o->augment.contrast = (float) em_plugin_param_double (params, n, "contrast", 0);
  *balanced = FALSE;

  if (o->epochs < 1 || o->batch_size < 1 || !(o->learning_rate > 0) || o->validation_split < 0 ||
      o->validation_split > 0.9 || o->weight_decay < 0 || o->early_stopping_patience < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "epochs, batch_size and learning_rate must be positive, validation_pct 0..50");
      return FALSE;
    }

  if (kind == EM_LEARN_CLASSIFICATION)
    {
      const char *weights = em_plugin_param_string (params, n, "class_weights", "none");

      o->loss = EM_NN_LOSS_CROSS_ENTROPY;
      o->label_smoothing = em_plugin_param_double (params, n, "label_smoothing", 0);
      if (strcmp (weights, "balanced") == 0)
        *balanced = TRUE;
      else if (strcmp (weights, "none") != 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "class_weights '%s' is not one of: none, balanced", weights);
          return FALSE;
        }
    }
  else
    {
      const char *loss = em_plugin_param_string (params, n, "loss", "mse");

      if (strcmp (loss, "mse") == 0)
        o->loss = EM_NN_LOSS_MSE;
      else if (strcmp (loss, "huber") == 0)
        o->loss = EM_NN_LOSS_HUBER;
      else
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "loss '%s' is not one of: mse, huber", loss);
          return FALSE;
        }
    }
  return TRUE;
}

/* --- report ---------------------------------------------------------------- */

typedef struct {
  const EmNnModel       *model;
  const EmNnTrainResult *result;
  const EmNnCompiled    *fc, *qc;
  double                 learning_rate;
} ReportArgs;

/* An EmLearnReportFunc. */
static char *
build_report (gconstpointer args, gboolean full)
{
  const ReportArgs *r = args;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *arch = em_nn_model_to_json (r->model);
  guint n_history = r->result != NULL && r->result->history != NULL ? r->result->history->len : 0;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "architecture");
  if (json_parser_load_from_data (parser, arch, -1, NULL))
    json_builder_add_value (b, json_node_copy (json_parser_get_root (parser)));
  else
    json_builder_add_string_value (b, arch);
  json_builder_set_member_name (b, "params");
  json_builder_add_int_value (b, (gint64) em_nn_model_n_params (r->model));
  json_builder_set_member_name (b, "macs");
  json_builder_add_int_value (b, (gint64) em_nn_model_macs (r->model));
  json_builder_set_member_name (b, "best_epoch");
  json_builder_add_int_value (b, r->result != NULL ? r->result->best_epoch : 0);
  json_builder_set_member_name (b, "epochs_run");
  json_builder_add_int_value (b, n_history);
  json_builder_set_member_name (b, "stopped_early");
  json_builder_add_boolean_value (b, r->result != NULL && r->result->stopped_early);
  em_learn_report_add_history (b, r->result, full, FALSE);
  if (!full)
    {
      json_builder_set_member_name (b, "history_omitted");
      json_builder_add_boolean_value (b, TRUE);
    }
  em_learn_report_add_sizes (b, r->fc, r->qc);
  em_learn_report_add_number (b, "learning_rate", r->learning_rate);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

/* --- training -------------------------------------------------------------- */

/* Up to MAX_CALIBRATION training windows, a seeded random pick. *owned is
 * set when the returned rows were copied. */
static const float *
pick_calibration (const EmLearnData *data, guint32 n_features, guint64 seed, int *n_out, float **owned)
{
  guint32 cap = MAX (16u, MAX_CALIBRATION_BYTES / (n_features * (guint32) sizeof (float)));
  guint32 n = MIN (MIN (data->n, (guint32) MAX_CALIBRATION), cap);
  g_autofree guint32 *index = NULL;
  g_autoptr(GRand) rand = NULL;
  float *rows;

  *owned = NULL;
  *n_out = (int) n;
  if (n == data->n)
    return data->x;
  index = g_new (guint32, data->n);
  for (guint32 i = 0; i < data->n; i++)
    index[i] = i;
  rand = g_rand_new_with_seed ((guint32) (seed ^ (seed >> 32) ^ 0x5bd1e995u));
  rows = g_new (float, (gsize) n * n_features);
  for (guint32 i = 0; i < n; i++)
    {
      guint32 j = i + (guint32) g_rand_int_range (rand, 0, (gint32) (data->n - i));
      guint32 t = index[i];

      index[i] = index[j];
      index[j] = t;
      memcpy (rows + (gsize) i * n_features, data->x + (gsize) index[i] * n_features,
              n_features * sizeof (float));
    }
  *owned = rows;
  return rows;
}

int
em_learn_nn_train (EmLearnKind kind, const EmPluginParam *params, size_t n_params, const EmLearnInfo *info,
                   const EmLearnData *data, const EmLearnCallbacks *callbacks, void **model,
                   size_t *model_len, char *report, size_t report_len, char *err, size_t err_len)
{
  const char *block = em_learn_kind_to_string (kind);
  gboolean classify = kind == EM_LEARN_CLASSIFICATION;
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnModel) net = NULL;
  g_autoptr(EmNnTrainResult) result = NULL;
  g_autoptr(EmNnCompiled) fc = NULL, qc = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GBytes) model_bytes = NULL, int8_bytes = NULL, labels = NULL;
  g_autofree float *class_weights = NULL, *calibration_rows = NULL;
  EmNnTrainOptions options;
  EmNnDataset ds = { 0 };
  gboolean quantize, balanced, trained;
  EmLearnEpochRelay progress = { callbacks, cancellable, "accuracy" };
  GByteArray *writer;
  const float *calibration;
  int n_calibration = 0;

  *model = NULL;
  *model_len = 0;
  if (info == NULL || data == NULL || info->n_features == 0)
    return em_learn_fail (err, err_len, block, "the impulse gives this block no features");
  if (data->n == 0 || data->x == NULL)
    return em_learn_fail (err, err_len, block, "there are no training windows");
  if (data->n > G_MAXINT32 || info->n_features > G_MAXINT32 / 4)
    return em_learn_fail (err, err_len, block, "too much training data for one run");
  if (classify && (data->y == NULL || info->n_classes < 2))
    return em_learn_fail (err, err_len, block, "classification needs labelled windows of at least two labels");
  if (!classify && data->y_value == NULL)
    return em_learn_fail (err, err_len, block, "regression needs a target value for every window");
  if (!read_options (kind, params, n_params, &options, &quantize, &balanced, &error))
    return em_learn_fail_error (err, err_len, block, error);

  net = build_model (kind, em_plugin_param_string (params, n_params, "architecture", ""), info, &error);
  if (net == NULL)
    return em_learn_fail_error (err, err_len, block, error);
  em_nn_model_init_weights (net, options.seed);

  ds.n = (int) data->n;
  ds.n_features = (int) info->n_features;
  ds.x = data->x;
  ds.y = classify ? (const int *) data->y : NULL;
  ds.n_classes = classify ? (int) info->n_classes : 0;
  ds.y_value = classify ? NULL : data->y_value;
  ds.n_outputs = classify ? (int) info->n_classes : 1;
  if (balanced)
    {
      class_weights = em_nn_class_weights_balanced (&ds);
      options.class_weights = class_weights;
    }

  if (em_plugin_param_bool (params, n_params, "find_learning_rate", 0))
    {
      /* The range test restores the weights it started from. */
      double rate = em_nn_find_learning_rate (net, &ds, &options, cancellable, &error);

      if (rate <= 0)
        return g_cancellable_is_cancelled (cancellable) ? EM_LEARN_CANCELLED
                                                        : em_learn_fail_error (err, err_len, block, error);
      options.learning_rate = rate;
    }
  trained = em_nn_train (net, &ds, &options, em_learn_relay_epoch, &progress, cancellable, &result, &error);
  /* A cancel asked for during the last epoch still counts. */
  if (g_cancellable_is_cancelled (cancellable))
    {
      em_learn_fail (err, err_len, block, "training cancelled");
      return EM_LEARN_CANCELLED;
    }
  if (!trained)
    return em_learn_fail_error (err, err_len, block, error);
  if (!em_nn_model_check_finite (net, &error))
    return em_learn_fail_error (err, err_len, block, error);

  fc = em_nn_compile_float (net, &error);
  if (fc == NULL)
    return em_learn_fail_error (err, err_len, block, error);
  if (quantize)
    {
      calibration = pick_calibration (data, info->n_features, options.seed, &n_calibration, &calibration_rows);
      qc = em_nn_compile_int8 (net, calibration, n_calibration, &error);
      if (qc == NULL)
        return em_learn_fail_error (err, err_len, block, error);
      int8_bytes = em_nn_compiled_save (qc);
    }

  model_bytes = em_nn_model_save (net);
  writer = em_learn_blob_writer_new (kind, info->n_features, classify ? info->n_classes : 1);
  em_learn_blob_writer_add (writer, "MODL", g_bytes_get_data (model_bytes, NULL), g_bytes_get_size (model_bytes));
  if (int8_bytes != NULL)
    em_learn_blob_writer_add (writer, "QINT", g_bytes_get_data (int8_bytes, NULL), g_bytes_get_size (int8_bytes));
  if (classify && info->labels != NULL)
    {
      labels = em_learn_labels_bytes (info);
      em_learn_blob_writer_add (writer, "LABL", g_bytes_get_data (labels, NULL), g_bytes_get_size (labels));
    }

  if (report != NULL && report_len > 0)
    {
      ReportArgs r = { net, result, fc, qc, options.learning_rate };

      if (!em_learn_report_copy_out (build_report, &r, report, report_len))
        {
          g_byte_array_unref (writer);
          return em_learn_fail (err, err_len, block, "the training report does not fit the report buffer");
        }
    }

  *model = em_learn_blob_writer_finish (writer, model_len);
  if (*model == NULL)
    return em_learn_fail (err, err_len, block, "out of memory");
  return 0;
}

/* --- running --------------------------------------------------------------- */

int
em_learn_nn_load (EmLearnKind kind, const void *model, size_t model_len, int int8, void **state,
                  uint32_t *n_outputs, char *err, size_t err_len)
{
  const char *block = em_learn_kind_to_string (kind);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(EmNnCompiled) compiled = NULL;
  const EmNnProgram *p;
  EmLearnBlob blob;
  NnState *s;

  *state = NULL;
  if (!em_learn_blob_parse (model, model_len, kind, &blob, &error))
    return em_learn_fail_error (err, err_len, block, error);
  if (int8)
    {
      bytes = em_learn_blob_section (&blob, "QINT");
      if (bytes == NULL)
        return em_learn_fail (err, err_len, block,
                              "this model was trained without int8 quantization (quantize = false)");
      compiled = em_nn_compiled_load (bytes, &error);
    }
  else
    {
      g_autoptr(EmNnModel) net = NULL;

      bytes = em_learn_blob_section (&blob, "MODL");
      if (bytes == NULL)
        return em_learn_fail (err, err_len, block, "the trained model has no float model in it");
      net = em_nn_model_load (bytes, &error);
      if (net != NULL)
        compiled = em_nn_compile_float (net, &error);
    }
  if (compiled == NULL)
    return em_learn_fail_error (err, err_len, block, error);

  /* The engine validated the program; check it is the one the header describes. */
  p = em_nn_compiled_program (compiled);
  if (p == NULL || p->input_tensor < 0 || p->output_tensor < 0 || (guint32) p->input_tensor >= p->n_tensors ||
      (guint32) p->output_tensor >= p->n_tensors || p->tensors[p->input_tensor].size != blob.n_features ||
      p->tensors[p->output_tensor].size != blob.n_outputs)
    return em_learn_fail (err, err_len, block,
                          "the trained model is corrupt (its network does not match its header)");

  s = g_new0 (NnState, 1);
  s->kind = kind;
  s->compiled = g_steal_pointer (&compiled);
  *n_outputs = blob.n_outputs;
  *state = s;
  return 0;
}

int
em_learn_nn_run (void *state, const float *features, float *out, char *err, size_t err_len)
{
  NnState *s = state;

  if (s == NULL || features == NULL || out == NULL)
    return em_learn_fail (err, err_len, s != NULL ? em_learn_kind_to_string (s->kind) : "learning",
                          "run() needs a loaded model, features and an output");
  em_nn_compiled_run (s->compiled, features, out);
  return 0;
}

void
em_learn_nn_free (void *state)
{
  NnState *s = state;

  if (s == NULL)
    return;
  em_nn_compiled_free (s->compiled);
  g_free (s);
}

/* --- export (codegen) ------------------------------------------------------ */

/* The program codegen emits is the one load() runs: the stored int8 program
 * as is, or the float model compiled the same way load() compiles it. */
int
em_learn_nn_export (EmLearnKind kind, const void *model, size_t model_len, int int8, const char **format,
                    void **out, size_t *out_len, char *err, size_t err_len)
{
  const char *block = em_learn_kind_to_string (kind);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL, saved = NULL;
  g_autoptr(EmNnCompiled) compiled = NULL;
  EmLearnBlob blob;
  gconstpointer data;
  gsize len;

  *out = NULL;
  *out_len = 0;
  *format = "emnq";
  if (!em_learn_blob_parse (model, model_len, kind, &blob, &error))
    return em_learn_fail_error (err, err_len, block, error);
  if (int8)
    {
      bytes = em_learn_blob_section (&blob, "QINT");
      if (bytes == NULL)
        return em_learn_fail (err, err_len, block,
                              "this model was trained without int8 quantization (quantize = false)");
      /* Check it loads, so codegen never gets a program the engine refuses. */
      compiled = em_nn_compiled_load (bytes, &error);
      saved = g_bytes_ref (bytes);
    }
  else
    {
      g_autoptr(EmNnModel) net = NULL;

      bytes = em_learn_blob_section (&blob, "MODL");
      if (bytes == NULL)
        return em_learn_fail (err, err_len, block, "the trained model has no float model in it");
      net = em_nn_model_load (bytes, &error);
      if (net != NULL)
        compiled = em_nn_compile_float (net, &error);
      if (compiled != NULL)
        saved = em_nn_compiled_save (compiled);
    }
  if (compiled == NULL)
    return em_learn_fail_error (err, err_len, block, error);
  data = g_bytes_get_data (saved, &len);
  *out = malloc (len > 0 ? len : 1);
  if (*out == NULL)
    return em_learn_fail (err, err_len, block, "out of memory");
  memcpy (*out, data, len);
  *out_len = len;
  return 0;
}
