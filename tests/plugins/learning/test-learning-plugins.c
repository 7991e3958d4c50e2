/* SPDX-License-Identifier: Apache-2.0 */
/* The built-in learning blocks through their plugin ABI only: each .so is
 * opened with GModule from the build tree, the way Ember's registry opens
 * it, and driven through EmLearningOps (schema, defaults, train, load, run). */
#include "learning-test-util.h"

/* --- ABI and schema -------------------------------------------------------- */

static void
check_schema (const char *id, const char *const *names)
{
  const EmBlockInfo *bi = block (id);
  const EmLearningOps *o = bi->ops;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *schema;

  g_assert_cmpstr (bi->id, ==, id);
  g_assert_cmpint (bi->kind, ==, EM_BLOCK_LEARNING);
  g_assert_true (bi->name != NULL && *bi->name != '\0');
  g_assert_true (bi->description != NULL && *bi->description != '\0');
  g_assert_cmpuint (bi->version, >=, 1);
  g_assert_cmphex (bi->input_kinds, ==, EM_INPUT_TIME_SERIES | EM_INPUT_AUDIO | EM_INPUT_IMAGE);
  g_assert_true (o->defaults && o->train && o->free_model && o->load && o->run && o->free);

  json_parser_load_from_data (parser, bi->params_schema, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  schema = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (schema), ==, g_strv_length ((char **) names));
  for (guint i = 0; i < json_array_get_length (schema); i++)
    {
      JsonObject *p = json_array_get_object_element (schema, i);
      const char *type = json_object_get_string_member (p, "type");
      JsonNode *def = json_object_get_member (p, "default");

      g_assert_cmpstr (json_object_get_string_member (p, "name"), ==, names[i]);
      g_assert_nonnull (def);
      g_assert_true (json_object_has_member (p, "label"));
      if (strcmp (type, "int") == 0 || strcmp (type, "float") == 0)
        {
          double v = json_node_get_double (def);
          if (json_object_has_member (p, "min"))
            g_assert_cmpfloat (v, >=, json_object_get_double_member (p, "min"));
          if (json_object_has_member (p, "max"))
            g_assert_cmpfloat (v, <=, json_object_get_double_member (p, "max"));
        }
      else if (strcmp (type, "enum") == 0)
        {
          JsonArray *values = json_object_get_array_member (p, "values");
          gboolean found = FALSE;
          for (guint j = 0; j < json_array_get_length (values); j++)
            found |= strcmp (json_array_get_string_element (values, j), json_node_get_string (def)) == 0;
          g_assert_true (found);
        }
      else if (strcmp (type, "bool") == 0)
        g_assert_cmpint (json_node_get_value_type (def), ==, G_TYPE_BOOLEAN);
      else
        g_assert_cmpstr (type, ==, "string");
    }
}

#define NN_TRAINING "epochs", "learning_rate", "batch_size", "validation_pct", "optimizer", "weight_decay"
#define NN_COMMON "early_stopping_patience", "seed", "find_learning_rate", "architecture", "noise", "time_shift", "time_masks", \
  "time_mask_width", "freq_masks", "freq_mask_width", "flip_horizontal", "crop", "brightness", \
  "contrast", "quantize"

static void
test_abi (void)
{
  const char *classification[] = { NN_TRAINING, "label_smoothing", "class_weights", NN_COMMON, NULL };
  const char *regression[] = { NN_TRAINING, "loss", NN_COMMON, NULL };
  const char *kmeans[] = { "clusters", "axes", "seed", NULL };
  const char *gmm[] = { "components", "covariance", "axes", "seed", NULL };

  check_schema ("classification", classification);
  check_schema ("regression", regression);
  check_schema ("anomaly-kmeans", kmeans);
  check_schema ("anomaly-gmm", gmm);
}

/* --- defaults -------------------------------------------------------------- */

/* The default architecture's layer types, "type,type,...", and its input shape. */
static char *
default_layers (const char *id, const EmLearnInfo *info, char **input_shape)
{
  char out[4096], err[256];
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) types = g_string_new (NULL);
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  JsonObject *arch;
  JsonArray *layers;

  g_assert_cmpint (ops (id)->defaults (info, out, sizeof out, err, sizeof err), ==, 0);
  g_assert_true (g_str_has_prefix (out, "architecture="));
  g_assert_true (g_str_has_suffix (out, "\n"));
  out[strlen (out) - 1] = '\0';
  json_parser_load_from_data (parser, out + strlen ("architecture="), -1, &error);
  g_assert_no_error (error);
  arch = json_node_get_object (json_parser_get_root (parser));
  json_generator_set_root (gen, json_object_get_member (arch, "input_shape"));
  *input_shape = json_generator_to_data (gen, NULL);
  layers = json_object_get_array_member (arch, "layers");
  for (guint i = 0; i < json_array_get_length (layers); i++)
    {
      JsonObject *l = json_array_get_object_element (layers, i);
      g_string_append_printf (types, "%s%s", i ? "," : "", json_object_get_string_member (l, "type"));
      if (i + 1 == json_array_get_length (layers) - (strcmp (id, "classification") == 0))
        g_assert_cmpint (json_object_get_int_member (l, "units"), ==, info->n_classes ? info->n_classes : 1);
    }
  return g_string_free (g_steal_pointer (&types), FALSE);
}

static void
test_defaults (void)
{
  EmLearnInfo audio = { .n_features = 49 * 13, .rows = 49, .cols = 13, .n_inputs = 1,
                        .input_kind = EM_INPUT_AUDIO, .n_classes = 4 };
  EmLearnInfo image = { .n_features = 32 * 32 * 3, .rows = 32 * 32, .cols = 3, .n_inputs = 1,
                        .input_kind = EM_INPUT_IMAGE, .width = 32, .height = 32, .n_classes = 5 };
  EmLearnInfo flat = flat_info (33, 3);
  EmLearnInfo two = audio;
  char *shape, out[64], err[256];
  char *types;

  types = default_layers ("classification", &audio, &shape);
  g_assert_cmpstr (types, ==, "reshape,conv1d,maxpool1d,dropout,conv1d,maxpool1d,dropout,flatten,dense,softmax");
  g_assert_cmpstr (shape, ==, "[49,13]");
  g_free (types), g_free (shape);

  types = default_layers ("classification", &image, &shape);
  g_assert_cmpstr (types, ==, "conv2d,maxpool2d,conv2d,maxpool2d,flatten,dropout,dense,softmax");
  g_assert_cmpstr (shape, ==, "[32,32,3]");
  g_free (types), g_free (shape);

  types = default_layers ("classification", &flat, &shape);
  g_assert_cmpstr (types, ==, "dense,dense,dense,softmax");
  g_assert_cmpstr (shape, ==, "[33]");
  g_free (types), g_free (shape);

  /* Two processing blocks: their features are concatenated, so flat. */
  two.n_inputs = 2;
  two.n_features = 49 * 13 + 20;
  types = default_layers ("classification", &two, &shape);
  g_assert_cmpstr (types, ==, "dense,dense,dense,softmax");
  g_free (types), g_free (shape);

  audio.n_classes = image.n_classes = flat.n_classes = 0;
  for (const EmLearnInfo *i = &audio; i != NULL; i = i == &audio ? &image : i == &image ? &flat : NULL)
    {
      types = default_layers ("regression", i, &shape);
      g_assert_cmpstr (types, ==, "dense,dense,dense");
      g_free (types), g_free (shape);
    }

  /* A classifier of one label has no default; a tiny buffer is an error. */
  flat.n_classes = 1;
  g_assert_cmpint (ops ("classification")->defaults (&flat, out, sizeof out, err, sizeof err), <, 0);
  g_assert_nonnull (strstr (err, "classification"));
  flat.n_classes = 3;
  g_assert_cmpint (ops ("classification")->defaults (&flat, out, 8, err, sizeof err), <, 0);
  g_assert_cmpint (ops ("anomaly-kmeans")->defaults (&flat, out, sizeof out, err, sizeof err), ==, 0);
  g_assert_cmpint (ops ("anomaly-gmm")->defaults (&flat, out, sizeof out, err, sizeof err), ==, 0);
}

/* The default convolutional architectures train (one epoch, tiny data). */
static void
test_default_conv_trains (void)
{
  EmLearnInfo audio = { .n_features = 12 * 5, .rows = 12, .cols = 5, .n_inputs = 1,
                        .input_kind = EM_INPUT_AUDIO, .n_classes = 2 };
  EmLearnInfo image = { .n_features = 8 * 6 * 3, .rows = 8 * 6, .cols = 3, .n_inputs = 1,
                        .input_kind = EM_INPUT_IMAGE, .width = 8, .height = 6, .n_classes = 2 };
  const char *params[] = { "epochs", "1", "validation_pct", "0", NULL };

  for (const EmLearnInfo *info = &audio; info != NULL; info = info == &audio ? &image : NULL)
    {
      g_autoptr(GRand) r = g_rand_new_with_seed (3);
      g_autofree float *x = g_new (float, 24 * info->n_features);
      int32_t y[24];
      EmLearnData data = { 24, x, y, NULL };
      Progress progress = { 0 };
      Trained t = { 0 };
      g_autoptr(JsonParser) parser = json_parser_new ();

      for (int i = 0; i < 24; i++)
        {
          y[i] = i % 2;
          for (guint32 f = 0; f < info->n_features; f++)
            x[i * info->n_features + f] = (float) (y[i] * 2 - 1 + 0.3 * gauss (r));
        }
      if (train ("classification", params, info, &data, &progress, &t) != 0)
        g_error ("default architecture for input kind %u: %s", info->input_kind, t.err);
      g_assert_true (json_parser_load_from_data (parser, t.report, -1, NULL));
      g_assert_nonnull (strstr (t.report, info == &audio ? "conv1d" : "conv2d"));
      g_assert_cmpint (progress.calls, ==, 1);
      trained_clear ("classification", &t);
    }
}

/* --- classification -------------------------------------------------------- */

static void
test_classification (void)
{
  g_autoptr(Data) d = blobs (PER_CLASS, 11);
  EmLearnInfo info = flat_info (N_FEATURES, N_CLASSES);
  EmLearnData data = { d->n, d->x, d->y, NULL };
  const char *params[] = { "epochs", "15", "seed", "3", NULL };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree float *probs = NULL, *probs8 = NULL;
  Progress progress = { 0 };
  Trained t = { 0 };
  JsonObject *report;
  uint32_t n_outputs = 0;
  guint right = 0, agree = 0;

  if (train ("classification", params, &info, &data, &progress, &t) != 0)
    g_error ("classification: %s", t.err);
  g_assert_cmpint (progress.calls, ==, 15);
  g_assert_cmpint (progress.n_epochs, ==, 15);
  g_assert_true (progress.ordered);

  json_parser_load_from_data (parser, t.report, -1, &error);
  g_assert_no_error (error);
  report = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (report, "architecture")));
  /* 20·20+20 + 20·10+10 + 10·3+3 */
  g_assert_cmpint (json_object_get_int_member (report, "params"), ==, 663);
  g_assert_cmpint (json_object_get_int_member (report, "macs"), >=, 630);
  g_assert_cmpint (json_object_get_int_member (report, "epochs_run"), ==, 15);
  g_assert_cmpint (json_object_get_int_member (report, "best_epoch"), >=, 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (report, "history")), ==, 15);
  g_assert_cmpint (json_object_get_int_member (report, "float_arena_bytes"), >, 0);
  g_assert_cmpint (json_object_get_int_member (report, "int8_arena_bytes"), >, 0);
  g_assert_cmpint (json_object_get_int_member (report, "int8_weight_bytes"), >=, 663 - 33);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (report, "learning_rate"), 0.005, 1e-9);

  probs = run_all ("classification", t.model, t.len, 0, d, N_FEATURES, &n_outputs);
  g_assert_cmpuint (n_outputs, ==, N_CLASSES);
  probs8 = run_all ("classification", t.model, t.len, 1, d, N_FEATURES, &n_outputs);
  g_assert_cmpuint (n_outputs, ==, N_CLASSES);
  for (guint32 i = 0; i < d->n; i++)
    {
      float sum = probs[i * N_CLASSES] + probs[i * N_CLASSES + 1] + probs[i * N_CLASSES + 2];
      g_assert_cmpfloat_with_epsilon (sum, 1.f, 1e-4);
      right += argmax (probs + i * N_CLASSES, N_CLASSES) == d->y[i];
      agree += argmax (probs + i * N_CLASSES, N_CLASSES) == argmax (probs8 + i * N_CLASSES, N_CLASSES);
      /* The int8 model really is int8: its softmax output is in steps of 1/256. */
      for (int c = 0; c < N_CLASSES; c++)
        g_assert_cmpfloat (fabsf (probs8[i * N_CLASSES + c] * 256 - rintf (probs8[i * N_CLASSES + c] * 256)), <, 1e-3);
    }
  g_test_message ("classification: %u/%u right (float), int8 agrees on %u", right, d->n, agree);
  g_assert_cmpuint (right * 100, >=, 95 * d->n);
  g_assert_cmpuint (agree * 100, >=, 95 * d->n);

  check_corrupt_blobs ("classification", "regression", t.model, t.len);
  trained_clear ("classification", &t);
}

/* find_learning_rate=true trains with the range test's rate, which the
 * report records instead of the 0.005 default. */
static void
test_classification_find_rate (void)
{
  g_autoptr(Data) d = blobs (PER_CLASS, 11);
  EmLearnInfo info = flat_info (N_FEATURES, N_CLASSES);
  EmLearnData data = { d->n, d->x, d->y, NULL };
  const char *params[] = { "epochs", "10", "seed", "3", "find_learning_rate", "true", NULL };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  Progress progress = { 0 };
  Trained t = { 0 };
  double rate;

  if (train ("classification", params, &info, &data, &progress, &t) != 0)
    g_error ("classification: %s", t.err);
  json_parser_load_from_data (parser, t.report, -1, &error);
  g_assert_no_error (error);
  rate = json_object_get_double_member (json_node_get_object (json_parser_get_root (parser)), "learning_rate");
  g_test_message ("range test suggested %g", rate);
  g_assert_cmpfloat (rate, >, 1e-6);
  g_assert_cmpfloat (rate, <, 1);
  g_assert_cmpfloat (fabs (rate - 0.005), >, 1e-9);
  trained_clear ("classification", &t);
}

static void
test_classification_options (void)
{
  g_autoptr(Data) d = blobs (20, 5);
  EmLearnInfo info = flat_info (N_FEATURES, N_CLASSES);
  EmLearnData data = { d->n, d->x, d->y, NULL };
  const char *float_only[] = { "epochs", "2", "quantize", "false", "optimizer", "sgd",
                               "class_weights", "balanced", "label_smoothing", "0.1", "noise", "0.1", NULL };
  const char *bad_input[] = { "architecture", "{\"input_shape\": [5], \"layers\": [{\"type\": \"dense\", \"units\": 3},"
                              " {\"type\": \"softmax\"}]}", NULL };
  const char *no_softmax[] = { "architecture", "{\"input_shape\": [20], \"layers\": [{\"type\": \"dense\", \"units\": 3}]}",
                               NULL };
  const char *not_json[] = { "architecture", "{layers", NULL };
  Progress progress = { 0 };
  Trained t = { 0 };
  char err[256];
  void *state = NULL;
  uint32_t n_outputs;

  g_assert_cmpint (train ("classification", float_only, &info, &data, &progress, &t), ==, 0);
  g_assert_nonnull (strstr (t.report, "\"int8_arena_bytes\":null"));
  g_assert_cmpint (ops ("classification")->load (t.model, t.len, 1, &state, &n_outputs, err, sizeof err), <, 0);
  g_assert_nonnull (strstr (err, "quantiz"));
  g_assert_cmpint (ops ("classification")->load (t.model, t.len, 0, &state, &n_outputs, err, sizeof err), ==, 0);
  ops ("classification")->free (state);
  trained_clear ("classification", &t);

  /* A report buffer too small for the history still gets the rest. */
  {
    EmPluginParam p[] = { { "epochs", "40" } };
    char small[900], why[256];
    void *model = NULL;
    size_t len = 0;

    g_assert_cmpint (ops ("classification")->train (p, 1, &info, &data, NULL, &model, &len, small, sizeof small,
                                                    why, sizeof why), ==, 0);
    g_assert_nonnull (strstr (small, "\"history_omitted\":true"));
    g_assert_nonnull (strstr (small, "\"int8_weight_bytes\""));
    ops ("classification")->free_model (model);
    g_assert_cmpint (ops ("classification")->train (p, 1, &info, &data, NULL, &model, &len, small, 16,
                                                    why, sizeof why), <, 0);
    g_assert_null (model);
    g_assert_nonnull (strstr (why, "report"));
  }

  g_assert_cmpint (train ("classification", bad_input, &info, &data, &progress, &t), <, 0);
  g_assert_nonnull (strstr (t.err, "architecture"));
  g_assert_nonnull (strstr (t.err, "20 features"));
  g_assert_null (t.model);
  g_assert_cmpint (train ("classification", no_softmax, &info, &data, &progress, &t), <, 0);
  g_assert_nonnull (strstr (t.err, "softmax"));
  g_assert_cmpint (train ("classification", not_json, &info, &data, &progress, &t), <, 0);
  g_assert_true (g_str_has_prefix (t.err, "classification: architecture"));

  /* Labels the model cannot have: one class only. */
  info.n_classes = 1;
  g_assert_cmpint (train ("classification", NULL, &info, &data, &progress, &t), <, 0);
  g_assert_null (t.model);
}

static void
test_classification_cancel (void)
{
  g_autoptr(Data) d = blobs (20, 9);
  EmLearnInfo info = flat_info (N_FEATURES, N_CLASSES);
  EmLearnData data = { d->n, d->x, d->y, NULL };
  const char *params[] = { "epochs", "10", NULL };
  Progress progress = { .cancel_at = 2 };
  Trained t = { 0 };

  g_assert_cmpint (train ("classification", params, &info, &data, &progress, &t), ==, EM_LEARN_CANCELLED);
  g_assert_cmpint (progress.calls, ==, 2);
  g_assert_null (t.model);
  g_assert_nonnull (strstr (t.err, "cancel"));

  /* Cancel on the very last epoch counts too. */
  progress = (Progress) { .cancel_at = 10 };
  g_assert_cmpint (train ("classification", params, &info, &data, &progress, &t), ==, EM_LEARN_CANCELLED);
  g_assert_null (t.model);
}

/* --- regression ------------------------------------------------------------ */

static void
test_regression (void)
{
  g_autoptr(GRand) r = g_rand_new_with_seed (21);
  g_autoptr(Data) d = g_new0 (Data, 1);
  EmLearnInfo info = flat_info (N_FEATURES, 0);
  const char *params[] = { "epochs", "60", "validation_pct", "0", "seed", "2", NULL };
  g_autofree float *pred = NULL, *pred8 = NULL;
  float w[N_FEATURES];
  double mean = 0, var = 0, sse = 0, sse8 = 0;
  guint differ = 0;
  Progress progress = { 0 };
  Trained t = { 0 };
  uint32_t n_outputs;
  EmLearnData data;

  for (int f = 0; f < N_FEATURES; f++)
    w[f] = (float) g_rand_double_range (r, -0.5, 0.5);
  d->n = 200;
  d->x = g_new (float, d->n * N_FEATURES);
  d->y_value = g_new (float, d->n);
  for (guint32 i = 0; i < d->n; i++)
    {
      float y = 0.7f;
      for (int f = 0; f < N_FEATURES; f++)
        {
          d->x[i * N_FEATURES + f] = (float) gauss (r);
          y += w[f] * d->x[i * N_FEATURES + f];
        }
      d->y_value[i] = y;
      mean += y / d->n;
    }
  data = (EmLearnData) { d->n, d->x, NULL, d->y_value };
  if (train ("regression", params, &info, &data, &progress, &t) != 0)
    g_error ("regression: %s", t.err);
  g_assert_cmpint (progress.calls, ==, 60);
  g_assert_nonnull (strstr (t.report, "\"history\""));

  pred = run_all ("regression", t.model, t.len, 0, d, N_FEATURES, &n_outputs);
  g_assert_cmpuint (n_outputs, ==, 1);
  pred8 = run_all ("regression", t.model, t.len, 1, d, N_FEATURES, &n_outputs);
  for (guint32 i = 0; i < d->n; i++)
    {
      differ += pred[i] != pred8[i];
      var += (d->y_value[i] - mean) * (d->y_value[i] - mean);
      sse += (d->y_value[i] - pred[i]) * (d->y_value[i] - pred[i]);
      sse8 += (d->y_value[i] - pred8[i]) * (d->y_value[i] - pred8[i]);
    }
  g_test_message ("regression: R^2 float %.3f, int8 %.3f", 1 - sse / var, 1 - sse8 / var);
  g_assert_cmpfloat (1 - sse / var, >=, 0.9);
  g_assert_cmpfloat (1 - sse8 / var, >=, 0.8);
  g_assert_cmpuint (differ, >, d->n / 2);   /* the int8 load is not the float model again */

  check_corrupt_blobs ("regression", "classification", t.model, t.len);
  trained_clear ("regression", &t);

  /* Regression needs target values. */
  data.y_value = NULL;
  g_assert_cmpint (train ("regression", params, &info, &data, &progress, &t), <, 0);
  g_assert_nonnull (strstr (t.err, "regression"));
}

/* --- anomaly --------------------------------------------------------------- */

static void
check_anomaly (const char *id, const char *other, const char *const *params)
{
  g_autoptr(Data) d = blobs (PER_CLASS, 17);
  g_autoptr(Data) far = blobs (10, 17);
  EmLearnInfo info = flat_info (N_FEATURES, 0);
  EmLearnData data = { d->n, d->x, NULL, NULL };
  g_autofree float *scores = NULL, *scores8 = NULL, *far_scores = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *bad_axes[] = { "axes", "0,99", NULL };
  const char *few_axes[] = { "axes", "1, 3", NULL };
  float max_train = -INFINITY, min_far = INFINITY;
  Progress progress = { 0 };
  Trained t = { 0 };
  uint32_t n_outputs;

  if (train (id, params, &info, &data, &progress, &t) != 0)
    g_error ("%s: %s", id, t.err);
  g_assert_cmpint (progress.calls, ==, 1);
  g_assert_true (json_parser_load_from_data (parser, t.report, -1, NULL));
  g_assert_nonnull (strstr (t.report, "train_score_max"));

  for (guint32 i = 0; i < far->n * N_FEATURES; i++)
    far->x[i] += 15.f;
  scores = run_all (id, t.model, t.len, 0, d, N_FEATURES, &n_outputs);
  g_assert_cmpuint (n_outputs, ==, 1);
  scores8 = run_all (id, t.model, t.len, 1, d, N_FEATURES, &n_outputs);
  far_scores = run_all (id, t.model, t.len, 0, far, N_FEATURES, &n_outputs);
  for (guint32 i = 0; i < d->n; i++)
    {
      g_assert_cmpfloat (scores[i], ==, scores8[i]);   /* int8 load is the same float scorer */
      max_train = MAX (max_train, scores[i]);
    }
  for (guint32 i = 0; i < far->n; i++)
    min_far = MIN (min_far, far_scores[i]);
  g_test_message ("%s: training scores up to %g, far points from %g", id, max_train, min_far);
  g_assert_cmpfloat (min_far, >, max_train);
  if (strcmp (id, "anomaly-kmeans") == 0)
    g_assert_cmpfloat (max_train, <=, 1.0001f);

  check_corrupt_blobs (id, other, t.model, t.len);
  trained_clear (id, &t);

  g_assert_cmpint (train (id, few_axes, &info, &data, &progress, &t), ==, 0);
  g_assert_nonnull (strstr (t.report, "\"axes\":[1,3]"));
  trained_clear (id, &t);
  g_assert_cmpint (train (id, bad_axes, &info, &data, &progress, &t), <, 0);
  g_assert_nonnull (strstr (t.err, "99"));

  progress = (Progress) { .cancel_at = 1 };
  g_assert_cmpint (train (id, params, &info, &data, &progress, &t), ==, EM_LEARN_CANCELLED);
  g_assert_null (t.model);
}

static void
test_kmeans (void)
{
  const char *params[] = { "clusters", "6", NULL };

  check_anomaly ("anomaly-kmeans", "anomaly-gmm", params);
}

static void
test_gmm (void)
{
  const char *diagonal[] = { "components", "3", NULL };
  const char *full[] = { "components", "3", "covariance", "full", NULL };

  check_anomaly ("anomaly-gmm", "anomaly-kmeans", diagonal);
  check_anomaly ("anomaly-gmm", "anomaly-kmeans", full);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/learning/abi", test_abi);
  g_test_add_func ("/learning/defaults", test_defaults);
  g_test_add_func ("/learning/defaults/conv-trains", test_default_conv_trains);
  g_test_add_func ("/learning/classification/train", test_classification);
  g_test_add_func ("/learning/classification/find-rate", test_classification_find_rate);
  g_test_add_func ("/learning/classification/options", test_classification_options);
  g_test_add_func ("/learning/classification/cancel", test_classification_cancel);
  g_test_add_func ("/learning/regression/train", test_regression);
  g_test_add_func ("/learning/anomaly-kmeans/train", test_kmeans);
  g_test_add_func ("/learning/anomaly-gmm/train", test_gmm);
  return g_test_run ();
}
