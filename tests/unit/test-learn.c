/* SPDX-License-Identifier: Apache-2.0 */
/* Learning blocks through the core API with a small in-process block
 * (nearest centroid): impulse JSON, training data, the model store and its
 * migration, training (one transaction, cancel), testing, out-of-date models. */
#include <math.h>
#include <string.h>
#include <sqlite3.h>
#include "em-error.h"
#include "em-learn.h"
#include "em-model-store.h"
#include "em-model-test.h"
#include "test-util.h"

/* --- a nearest-centroid learning block ----------------------------------- */

typedef struct {
  uint32_t n_classes, n_features;
  float    centroids[];
} Centroids;

static int train_calls;

static int
centroid_defaults (const EmLearnInfo *info, char *out, size_t out_len, char *err, size_t err_len)
{
  g_strlcpy (out, "epochs=3\n", out_len);
  return 0;
}

static int
centroid_train (const EmPluginParam *params, size_t n_params, const EmLearnInfo *info, const EmLearnData *data,
                const EmLearnCallbacks *callbacks, void **model, size_t *model_len, char *report,
                size_t report_len, char *err, size_t err_len)
{
  long epochs = em_plugin_param_int (params, n_params, "epochs", 3);
  size_t len = sizeof (Centroids) + sizeof (float) * info->n_classes * info->n_features;
  Centroids *c = calloc (1, len);
  g_autofree guint *counts = g_new0 (guint, info->n_classes);

  train_calls++;
  g_assert_cmpuint (info->n_features, ==, info->rows * info->cols);
  g_assert_nonnull (data->y);
  c->n_classes = info->n_classes;
  c->n_features = info->n_features;
  for (uint32_t i = 0; i < data->n; i++)
    {
      counts[data->y[i]]++;
      for (uint32_t f = 0; f < info->n_features; f++)
        c->centroids[data->y[i] * info->n_features + f] += data->x[(size_t) i * info->n_features + f];
    }
  for (uint32_t k = 0; k < info->n_classes; k++)
    for (uint32_t f = 0; f < info->n_features; f++)
      c->centroids[k * info->n_features + f] /= MAX (counts[k], 1);
  for (long e = 1; e <= epochs; e++)
    {
      EmLearnProgress p = { (int32_t) e, (int32_t) epochs, 1.0 / e, NAN, NAN, NAN };
      if (callbacks->progress (&p, NULL, callbacks->user_data) != 0)
        {
          free (c);
          return EM_LEARN_CANCELLED;
        }
    }
  *model = c;
  *model_len = len;
  g_snprintf (report, report_len, "{\"centroids\": %u, \"best_epoch\": %ld}", info->n_classes, epochs);
  return 0;
}

static int
centroid_load (const void *model, size_t model_len, int int8, void **state, uint32_t *n_outputs, char *err,
               size_t err_len)
{
  const Centroids *c = model;

  if (int8)
    return em_plugin_error (err, err_len, -1, "centroid: no int8 model");
  if (model_len < sizeof (Centroids))
    return em_plugin_error (err, err_len, -1, "centroid: model too short");
  *state = g_memdup2 (model, model_len);
  *n_outputs = c->n_classes;
  return 0;
}

static int
centroid_run (void *state, const float *features, float *out, char *err, size_t err_len)
{
  const Centroids *c = state;
  double sum = 0;

  for (uint32_t k = 0; k < c->n_classes; k++)
    {
      double d = 0;
      for (uint32_t f = 0; f < c->n_features; f++)
        {
          double diff = features[f] - c->centroids[k * c->n_features + f];
          d += diff * diff;
        }
      out[k] = (float) exp (-d);
      sum += out[k];
    }
  for (uint32_t k = 0; k < c->n_classes; k++)
    out[k] = sum > 0 ? (float) (out[k] / sum) : 1.0f / c->n_classes;
  return 0;
}

static void
centroid_free_model (void *model)
{
  free (model);
}

static const EmLearningOps centroid_ops = {
  EM_TASK_CLASSIFICATION, centroid_defaults, centroid_train, centroid_free_model, centroid_load, centroid_run,
  g_free, NULL, { NULL },
};

static const EmBlockInfo centroid_info = {
  "test-centroid", EM_BLOCK_LEARNING, "Nearest centroid", "Test block", 1,
  "[{\"name\": \"epochs\", \"type\": \"int\", \"default\": 3, \"min\": 1, \"max\": 1000}]",
  EM_INPUT_TIME_SERIES, &centroid_ops, { NULL },
};

static const EmLearningOps incomplete_ops = {
  EM_TASK_CLASSIFICATION, centroid_defaults, centroid_train, NULL, NULL, NULL, NULL, NULL, { NULL },
};
static const EmBlockInfo incomplete_info = {
  "test-incomplete", EM_BLOCK_LEARNING, "Incomplete", "Lacks load/run", 1, "[]", EM_INPUT_TIME_SERIES,
  &incomplete_ops, { NULL },
};

/* --- fixtures -------------------------------------------------------------- */

static EmBlockRegistry *
registry_with_centroid (void)
{
  g_autoptr(GError) error = NULL;
  EmBlockRegistry *registry = em_block_registry_new ();
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "..", "plugins", NULL);

  em_block_registry_load_dir (registry, dir);
  g_assert_true (em_block_registry_add_static (registry, &centroid_info, &error));
  g_assert_no_error (error);
  return registry;
}

static void
add_series (EmProject *project, const char *name, const char *label, EmCategory category, double level)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmSample) s = em_sample_new ();
  float v[300 * 2];

  for (guint f = 0; f < 300; f++)
    {
      v[2 * f] = (float) (level + 0.2 * sin (f * 0.3));
      v[2 * f + 1] = (float) (level * 2 + 0.1 * cos (f * 0.2));
    }
  em_sample_set_name (s, name);
  em_sample_set_label (s, label);
  em_sample_set_category (s, category);
  em_sample_set_interval_ms (s, 10);
  em_sample_add_axis (s, "x", "");
  em_sample_add_axis (s, "y", "");
  em_sample_set_values (s, v, 300);
  g_assert_cmpint (em_project_add_sample (project, s, EM_ADD_FLAGS_ALLOW_DUPLICATE, &error), >, 0);
}

/* Two well separated classes, 6 training + 2 testing samples each. */
static EmProject *
two_class_project (char **path_out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = em_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "l.ember", NULL);
  EmProject *project = em_project_create (path, NULL, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *a = g_strdup_printf ("low%u", i);
      g_autofree char *b = g_strdup_printf ("high%u", i);
      EmCategory category = i < 6 ? EM_CATEGORY_TRAINING : EM_CATEGORY_TESTING;
      add_series (project, a, "low", category, 0.1 * i);
      add_series (project, b, "high", category, 5 + 0.1 * i);
    }
  if (path_out != NULL)
    *path_out = g_steal_pointer (&path);
  return project;
}

static EmImpulse *
centroid_impulse (void)
{
  EmImpulse *impulse = em_impulse_new ();
  const char *inputs[] = { "flat", NULL };

  impulse->input.window_size_ms = 1000;
  impulse->input.window_increase_ms = 500;
  em_impulse_add_block (impulse, "flat", "flatten");
  em_impulse_add_learn_block (impulse, "nc", "test-centroid", inputs);
  return impulse;
}

/* --- tests ----------------------------------------------------------------- */

static void
test_impulse_json (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmImpulse) impulse = centroid_impulse ();
  g_autoptr(EmImpulse) back = NULL;
  g_autoptr(EmImpulse) old = NULL;
  g_autofree char *json = NULL, *again = NULL;
  const char *two[] = { "spec", "flat", NULL };
  EmImpulseLearnBlock *lb;

  em_impulse_add_block (impulse, "spec", "spectral");
  lb = em_impulse_add_learn_block (impulse, "fused", "test-centroid", two);
  json_object_set_int_member (lb->params, "epochs", 7);
  lb->x = 640;
  json = em_impulse_to_json (impulse);
  g_assert_nonnull (strstr (json, "\"kind\" : \"learning\""));
  back = em_impulse_from_json (json, &error);
  g_assert_no_error (error);
  again = em_impulse_to_json (back);
  g_assert_cmpstr (json, ==, again);
  g_assert_cmpuint (back->blocks->len, ==, 2);
  g_assert_cmpuint (back->learn_blocks->len, ==, 2);
  lb = em_impulse_find_learn_block (back, "fused");
  g_assert_cmpstr (lb->inputs[0], ==, "spec");
  g_assert_cmpstr (lb->inputs[1], ==, "flat");
  g_assert_cmpint (json_object_get_int_member (lb->params, "epochs"), ==, 7);
  g_assert_cmpfloat (lb->x, ==, 640);
  g_assert_true (em_impulse_first_learn_block (back) == em_impulse_find_learn_block (back, "nc"));

  /* A processing block a learning block uses cannot go. */
  g_assert_false (em_impulse_remove (back, "spec", &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "fused"));
  g_clear_error (&error);
  g_assert_false (em_impulse_remove_block (back, "flat"));
  g_assert_false (em_impulse_remove (back, "nothing", &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (em_impulse_remove (back, "fused", &error));
  g_assert_true (em_impulse_remove (back, "spec", &error));
  g_assert_no_error (error);

  /* Learning blocks naming a missing block, or a duplicate id, are refused. */
  {
    const char *bad[] = {
      "{\"blocks\": [{\"id\": \"nc\", \"kind\": \"learning\", \"plugin\": \"x\", \"inputs\": [\"gone\"]}]}",
      "{\"blocks\": [{\"id\": \"a\", \"plugin\": \"flatten\"},"
      " {\"id\": \"a\", \"kind\": \"learning\", \"plugin\": \"x\", \"inputs\": [\"a\"]}]}",
      "{\"blocks\": [{\"id\": \"a\", \"plugin\": \"flatten\"},"
      " {\"id\": \"b\", \"kind\": \"learning\", \"plugin\": \"x\", \"inputs\": \"a\"}]}",
    };
    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(EmImpulse) none = em_impulse_from_json (bad[i], &error);
        g_assert_null (none);
        g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_DATA);
        g_clear_error (&error);
      }
  }
  /* Inputs may be listed before the block they name; old impulses still load. */
  {
    g_autoptr(EmImpulse) later = em_impulse_from_json (
      "{\"blocks\": [{\"id\": \"c\", \"kind\": \"learning\", \"plugin\": \"x\", \"inputs\": [\"a\"]},"
      " {\"id\": \"a\", \"plugin\": \"flatten\"}]}", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (later->learn_blocks->len, ==, 1);
  }
  old = em_impulse_from_json ("{\"version\": 1, \"blocks\": [{\"id\": \"a\", \"plugin\": \"flatten\"}]}", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (old->learn_blocks->len, ==, 0);
  g_assert_null (em_impulse_first_learn_block (old));
}

static void
test_registry_checks_ops (void)
{
  g_autoptr(EmBlockRegistry) registry = registry_with_centroid ();
  g_autoptr(GError) error = NULL;
  EmBlock *b = em_block_registry_lookup (registry, "test-centroid");

  g_assert_nonnull (em_block_get_learning_ops (b));
  g_assert_null (em_block_get_processing_ops (b));
  g_assert_null (em_block_get_learning_ops (em_block_registry_lookup (registry, "flatten")));
  g_assert_false (em_block_registry_add_static (registry, &incomplete_info, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "free_model"));
  g_clear_error (&error);
  g_assert_false (em_block_registry_add_static (registry, &centroid_info, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_DUPLICATE);
}

static gint64
query_int (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 v;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  v = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return v;
}

static void
test_store_and_migration (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(EmProject) project = two_class_project (&path);
  g_autoptr(EmModel) model = g_new0 (EmModel, 1);
  g_autoptr(EmModel) back = NULL;
  g_autofree char *metrics = NULL;
  EmPrediction p = { 1, 0, "low", "low", 0.9, NAN };
  const char *labels[] = { "high", "low", NULL };

  model->block_id = g_strdup ("nc");
  model->plugin = g_strdup ("test-centroid");
  model->params_key = g_strdup ("k1");
  model->labels = g_strdupv ((char **) labels);
  model->blob = g_bytes_new ("abc", 3);
  model->report = g_strdup ("{\"a\": 1}");
  g_assert_true (em_model_store_put (project, model, &error));
  g_assert_no_error (error);
  back = em_model_store_get (project, "nc", TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->params_key, ==, "k1");
  g_assert_cmpstr (back->labels[1], ==, "low");
  g_assert_cmpuint (g_bytes_get_size (back->blob), ==, 3);
  g_assert_true (em_model_store_put_test (project, "nc", "float", "{\"accuracy\": 1}", &p, 1, &error));
  g_assert_cmpint (em_model_store_count_predictions (project, "nc", "float", NULL), ==, 1);
  g_assert_false (em_model_store_put_test (project, "other", "float", "{}", NULL, 0, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A new model drops the old one's test results with it. */
  g_free (model->params_key);
  model->params_key = g_strdup ("k2");
  g_assert_true (em_model_store_put (project, model, &error));
  g_assert_null (em_model_store_get_test (project, "nc", "float", NULL, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (em_model_store_count_predictions (project, "nc", "float", NULL), ==, 0);

  /* Inside a transaction that is rolled back, nothing changes. */
  g_assert_true (em_project_begin (project, &error));
  g_assert_true (em_model_store_delete (project, "nc", &error));
  em_project_rollback (project);
  g_clear_pointer (&back, em_model_free);
  back = em_model_store_get (project, "nc", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->params_key, ==, "k2");
  g_assert_null (back->blob);
  g_clear_object (&project);

  /* A schema-2 project (no model tables) is migrated on open. */
  {
    sqlite3 *db = NULL;
    g_autoptr(EmProject) again = NULL;
    g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "DROP TABLE test_predictions; DROP TABLE test_results; DROP TABLE models;"
                                       " PRAGMA user_version = 2;", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
    again = em_project_open (path, &error);
    g_assert_no_error (error);
    g_assert_cmpint (query_int (path, "PRAGMA user_version"), ==, EM_PROJECT_SCHEMA_VERSION);
    g_assert_cmpint (query_int (path, "SELECT count(*) FROM sqlite_schema WHERE name IN"
                                      " ('models', 'test_results', 'test_predictions')"), ==, 3);
    g_assert_cmpint (query_int (path, "SELECT count(*) FROM samples"), ==, 16);
  }
}

static void
test_gather (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = two_class_project (NULL);
  g_autoptr(EmBlockRegistry) registry = registry_with_centroid ();
  g_autoptr(EmImpulse) impulse = centroid_impulse ();
  g_autoptr(EmLearnSet) train = NULL;
  g_autoptr(EmLearnSet) fused = NULL;
  g_autoptr(EmLearnSet) regression = NULL;
  const char *both[] = { "flat", "flat2", NULL };
  EmImpulseLearnBlock *lb;
  EmImpulseBlock *flat2;

  train = em_learn_gather (project, impulse, registry, em_impulse_first_learn_block (impulse), EM_CATEGORY_TRAINING,
                           NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  /* 3 s at 100 Hz, 1 s windows every 0.5 s: 5 windows; flatten: 7 features per axis. */
  g_assert_cmpuint (train->n_samples, ==, 12);
  g_assert_cmpuint (train->n, ==, 12 * 5);
  g_assert_cmpuint (train->info.n_features, ==, 14);
  g_assert_cmpuint (train->info.rows * train->info.cols, ==, 14);
  g_assert_cmpuint (train->info.n_classes, ==, 2);
  g_assert_cmpstr (train->info.labels[0], ==, "high");
  g_assert_cmpuint (train->info.input_kind, ==, EM_INPUT_TIME_SERIES);
  for (guint i = 0; i < train->n; i++)
    g_assert_cmpint (train->y[i], ==, train->x[(gsize) i * 14] > 2.5 ? 0 : 1);

  /* Two inputs: features concatenated in input order. */
  flat2 = em_impulse_add_block (impulse, "flat2", "flatten");
  flat2->axes = g_strsplit ("y", ",", -1);
  lb = em_impulse_add_learn_block (impulse, "fused", "test-centroid", both);
  fused = em_learn_gather (project, impulse, registry, lb, EM_CATEGORY_TRAINING, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fused->info.n_features, ==, 14 + 7);
  g_assert_cmpuint (fused->info.n_inputs, ==, 2);
  g_assert_cmpuint (fused->info.rows * fused->info.cols, ==, 14);
  for (guint i = 0; i < fused->n; i++)
    for (guint f = 0; f < 7; f++)
      g_assert_cmpfloat (fused->x[(gsize) i * 21 + 14 + f], ==, fused->x[(gsize) i * 21 + 7 + f]);

  /* Regression needs numbers as labels: the error names the sample. */
  lb = em_impulse_add_learn_block (impulse, "reg", "regression", both + 1);
  regression = em_learn_gather (project, impulse, registry, lb, EM_CATEGORY_TRAINING, NULL, NULL, NULL, NULL, &error);
  g_assert_null (regression);
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "low0"));
  g_assert_nonnull (strstr (error->message, "not a number"));
}

static EmLearnProgress last_progress;
static void
on_epoch (const EmLearnProgress *p, const char *line, gpointer data)
{
  GCancellable *cancel_after_first = data;

  last_progress = *p;
  if (cancel_after_first != NULL)
    g_cancellable_cancel (cancel_after_first);
}

static void
test_train_and_test (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = two_class_project (NULL);
  g_autoptr(EmBlockRegistry) registry = registry_with_centroid ();
  g_autoptr(EmImpulse) impulse = centroid_impulse ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(JsonObject) overrides = json_object_new ();
  g_autoptr(JsonNode) report = NULL, result = NULL;
  g_autoptr(EmModel) first = NULL, after = NULL;
  g_autofree char *report_json = NULL, *result_json = NULL, *loaded = NULL;
  EmLearnMonitor monitor = { NULL, on_epoch, NULL };
  EmModelTestOptions options = { 0.6f };
  JsonObject *r, *f;

  /* Testing before training: not found. */
  g_assert_false (em_model_test (project, impulse, registry, NULL, &options, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_NOT_FOUND);
  g_clear_error (&error);

  json_object_set_int_member (overrides, "epochs", 4);
  g_assert_true (em_learn_train (project, impulse, registry, NULL, overrides, &monitor, NULL, &report_json, &error));
  g_assert_no_error (error);
  g_assert_cmpint (last_progress.epoch, ==, 4);
  report = json_from_string (report_json, NULL);
  r = json_node_get_object (report);
  g_assert_cmpstr (json_object_get_string_member (r, "task"), ==, "classification");
  g_assert_cmpint (json_object_get_int_member (r, "train_windows"), ==, 60);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (r, "model"), "best_epoch"), ==, 4);
  first = em_model_store_get (project, "nc", TRUE, &error);
  g_assert_no_error (error);

  g_assert_true (em_model_test (project, impulse, registry, "nc", &options, NULL, NULL, NULL, &result_json, &error));
  g_assert_no_error (error);
  result = json_from_string (result_json, NULL);
  r = json_node_get_object (result);
  f = json_object_get_object_member (r, "float");
  g_assert_cmpfloat (json_object_get_double_member (f, "accuracy"), ==, 1.0);
  g_assert_cmpint (json_object_get_int_member (f, "n"), ==, 4 * 5);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (f, "samples"), "correct"), ==, 4);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (r, "int8")));
  g_assert_nonnull (strstr (json_object_get_string_member (r, "int8_unavailable"), "no int8"));
  g_assert_cmpint (em_model_store_count_predictions (project, "nc", "float", NULL), ==, 20);
  loaded = em_model_test_load (project, "nc", &error);
  g_assert_cmpstr (loaded, ==, result_json);

  /* A cancelled training stores nothing; the previous model stays. */
  monitor.user_data = cancellable;
  g_assert_false (em_learn_train (project, impulse, registry, NULL, NULL, &monitor, cancellable, NULL, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_CANCELLED);
  g_clear_error (&error);
  after = em_model_store_get (project, "nc", TRUE, &error);
  g_assert_true (g_bytes_equal (first->blob, after->blob));
  g_assert_cmpint (first->created, ==, after->created);
  g_assert_cmpint (em_model_store_count_predictions (project, "nc", "float", NULL), ==, 20);

  /* Changing the learning params or a processing block makes the model out of date. */
  json_object_set_int_member (em_impulse_find_learn_block (impulse, "nc")->params, "epochs", 9);
  g_assert_false (em_model_test (project, impulse, registry, "nc", &options, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "out of date"));
  g_clear_error (&error);
  monitor.user_data = NULL;
  g_assert_true (em_learn_train (project, impulse, registry, NULL, NULL, &monitor, NULL, NULL, &error));
  g_assert_true (em_model_test (project, impulse, registry, "nc", &options, NULL, NULL, NULL, NULL, &error));
  impulse->input.window_increase_ms = 250;
  g_assert_false (em_model_test (project, impulse, registry, "nc", &options, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_DATA);
}

static void
test_bad_data (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = two_class_project (NULL);
  g_autoptr(EmBlockRegistry) registry = registry_with_centroid ();
  g_autoptr(EmImpulse) impulse = centroid_impulse ();
  g_autoptr(EmImpulse) bare = em_impulse_new ();
  g_autoptr(GArray) ids = NULL;
  EmSampleFilter filter;
  int calls = train_calls;

  /* No learning block. */
  em_impulse_add_block (bare, "flat", "flatten");
  g_assert_false (em_learn_train (project, bare, registry, NULL, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* A bad override names the parameter. */
  {
    g_autoptr(JsonObject) bad = json_object_new ();
    json_object_set_int_member (bad, "epochs", 0);
    g_assert_false (em_learn_train (project, impulse, registry, NULL, bad, NULL, NULL, NULL, &error));
    g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull (strstr (error->message, "epochs"));
    g_clear_error (&error);
  }
  /* One class left in training. */
  em_sample_filter_init (&filter);
  filter.label = "high";
  ids = em_project_list_ids (project, &filter, &error);
  g_assert_true (em_project_set_enabled (project, (gint64 *) ids->data, ids->len, FALSE, &error));
  g_assert_false (em_learn_train (project, impulse, registry, NULL, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "two classes"));
  g_assert_cmpint (train_calls, ==, calls);
  g_clear_error (&error);
  g_assert_null (em_model_store_get (project, "nc", FALSE, &error));
}

typedef struct {
  GMainLoop *loop;
  char      *result;
  GError    *error;
  gboolean   test;
} AsyncRun;

static void
on_async_done (GObject *source, GAsyncResult *result, gpointer data)
{
  AsyncRun *run = data;

  run->result = run->test ? em_model_test_finish (EM_PROJECT (source), result, &run->error)
                          : em_learn_train_finish (EM_PROJECT (source), result, &run->error);
  g_main_loop_quit (run->loop);
}

static void
test_async (void)
{
  g_autoptr(EmProject) project = two_class_project (NULL);
  g_autoptr(EmBlockRegistry) registry = registry_with_centroid ();
  g_autoptr(EmImpulse) impulse = centroid_impulse ();
  g_autoptr(JsonObject) overrides = json_object_new ();
  AsyncRun run = { g_main_loop_new (NULL, FALSE), NULL, NULL, FALSE };
  EmLearnMonitor monitor = { NULL, on_epoch, NULL };

  json_object_set_int_member (overrides, "epochs", 2);
  em_learn_train_async (project, impulse, registry, "nc", overrides, &monitor, NULL, on_async_done, &run);
  /* The job works on copies: the caller may change or drop its own. */
  json_object_set_int_member (overrides, "epochs", 0);
  g_main_loop_run (run.loop);
  g_assert_no_error (run.error);
  g_assert_nonnull (strstr (run.result, "\"best_epoch\":2"));
  g_clear_pointer (&run.result, g_free);

  run.test = TRUE;
  em_model_test_async (project, impulse, registry, NULL, NULL, NULL, NULL, NULL, on_async_done, &run);
  g_main_loop_run (run.loop);
  g_assert_no_error (run.error);
  g_assert_nonnull (strstr (run.result, "\"accuracy\":1"));
  g_free (run.result);
  g_main_loop_unref (run.loop);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/learn/impulse-json", test_impulse_json);
  g_test_add_func ("/learn/registry-checks-ops", test_registry_checks_ops);
  g_test_add_func ("/learn/store-and-migration", test_store_and_migration);
  g_test_add_func ("/learn/gather", test_gather);
  g_test_add_func ("/learn/train-and-test", test_train_and_test);
  g_test_add_func ("/learn/bad-data", test_bad_data);
  g_test_add_func ("/learn/async", test_async);
  return g_test_run ();
}
