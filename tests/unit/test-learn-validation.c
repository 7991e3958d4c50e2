/* SPDX-License-Identifier: Apache-2.0 */
/* The validation confusion matrix training stores (em-learn-validation.h):
 * the split is per class and seeded, training the real classification block
 * stores a matrix whose counts equal a recount from the model's own
 * predictions on those windows and whose accuracy is the one the block
 * reported, and a block that does not say what it held out gets a reason,
 * not a matrix. */
#include <math.h>
#include <string.h>
#include "em-error.h"
#include "em-learn.h"
#include "em-learn-validation.h"
#include "em-model-store.h"
#include "test-util.h"

static const char *const classes[] = { "idle", "shake", "wave" };

static void
add_series (EmProject *project, const char *name, const char *label, double level, guint seed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmSample) s = em_sample_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  float v[300 * 2];

  /* Noisy enough that a three-epoch model makes some mistakes. */
  for (guint f = 0; f < 300; f++)
    {
      v[2 * f] = (float) (level + 0.8 * sin (f * 0.3) + g_rand_double_range (rand, -1, 1));
      v[2 * f + 1] = (float) (level * 0.5 + g_rand_double_range (rand, -1, 1));
    }
  em_sample_set_name (s, name);
  em_sample_set_label (s, label);
  em_sample_set_category (s, EM_CATEGORY_TRAINING);
  em_sample_set_interval_ms (s, 10);
  em_sample_add_axis (s, "x", "");
  em_sample_add_axis (s, "y", "");
  em_sample_set_values (s, v, 300);
  g_assert_cmpint (em_project_add_sample (project, s, EM_ADD_FLAGS_ALLOW_DUPLICATE, &error), >, 0);
}

static EmProject *
three_class_project (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = em_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "v.ember", NULL);
  EmProject *project = em_project_create (path, NULL, &error);

  g_assert_no_error (error);
  for (guint c = 0; c < G_N_ELEMENTS (classes); c++)
    for (guint i = 0; i < 6; i++)
      {
        g_autofree char *name = g_strdup_printf ("%s%u", classes[c], i);
        add_series (project, name, classes[c], 0.7 * c, 17 * c + i);
      }
  return project;
}

static EmBlockRegistry *
registry (void)
{
  EmBlockRegistry *r = em_block_registry_new ();
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "..", "plugins", NULL);

  em_block_registry_load_dir (r, dir);
  if (em_block_registry_lookup (r, "classification") == NULL)
    g_error ("the classification block is not built in %s", dir);
  return r;
}

static EmImpulse *
impulse_for (const char *plugin)
{
  EmImpulse *impulse = em_impulse_new ();
  const char *inputs[] = { "flat", NULL };

  impulse->input.window_size_ms = 1000;
  impulse->input.window_increase_ms = 500;
  em_impulse_add_block (impulse, "flat", "flatten");
  em_impulse_add_learn_block (impulse, "nn", plugin, inputs);
  return impulse;
}

/* ---- the split ---------------------------------------------------------------- */

static void
test_rows (void)
{
  gint32 y[50];
  guint n = 0, n_again = 0, n_other = 0, per_class[3] = { 0 };
  g_autofree guint *rows = NULL, *again = NULL, *other = NULL;
  g_autofree gboolean *seen = g_new0 (gboolean, G_N_ELEMENTS (y));

  /* 32 of class 0, 16 of class 1, 2 of class 2. */
  for (guint i = 0; i < G_N_ELEMENTS (y); i++)
    y[i] = i % 5 == 4 && i < 40 ? 1 : (i < 40 ? 0 : (i < 48 ? 1 : 2));
  rows = em_learn_validation_rows (y, G_N_ELEMENTS (y), 3, 0.2, 7, &n);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (rows[i], <, G_N_ELEMENTS (y));
      g_assert_false (seen[rows[i]]);
      seen[rows[i]] = TRUE;
      per_class[y[rows[i]]]++;
    }
  /* round(len × 0.2) of each class: 32 → 6, 16 → 3, 2 → 0 (never a class's last window). */
  g_assert_cmpuint (per_class[0], ==, 6);
  g_assert_cmpuint (per_class[1], ==, 3);
  g_assert_cmpuint (per_class[2], ==, 0);
  g_assert_cmpuint (n, ==, 9);

  /* Seeded: the same seed gives the same rows, another seed others. */
  again = em_learn_validation_rows (y, G_N_ELEMENTS (y), 3, 0.2, 7, &n_again);
  g_assert_cmpmem (rows, n * sizeof (guint), again, n_again * sizeof (guint));
  other = em_learn_validation_rows (y, G_N_ELEMENTS (y), 3, 0.2, 8, &n_other);
  g_assert_cmpuint (n_other, ==, n);
  g_assert_true (memcmp (rows, other, n * sizeof (guint)) != 0);

  g_assert_null (em_learn_validation_rows (y, G_N_ELEMENTS (y), 3, 0, 7, &n));
  g_assert_cmpuint (n, ==, 0);
}

/* ---- training stores the matrix ------------------------------------------------ */

static GArray *reported;

static void
on_epoch (const EmLearnProgress *p, const char *line, gpointer data)
{
  g_array_append_val (reported, p->val_accuracy);
}

static JsonArray *
int_rows (JsonObject *o, const char *name)
{
  return json_object_get_array_member (o, name);
}

static void
test_train_stores_validation (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = three_class_project ();
  g_autoptr(EmBlockRegistry) reg = registry ();
  g_autoptr(EmImpulse) impulse = impulse_for ("classification");
  g_autoptr(JsonObject) overrides = json_object_new ();
  g_autoptr(EmModel) model = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(EmLearnSet) set = NULL;
  g_autoptr(EmBlockParams) params = NULL;
  g_autofree char *report = NULL;
  g_autofree guint *rows = NULL;
  g_autofree guint *recount = NULL;
  g_autofree float *out = NULL;
  EmLearnMonitor monitor = { NULL, on_epoch, NULL };
  EmBlock *block = em_block_registry_lookup (reg, "classification");
  const EmLearningOps *ops = em_block_get_learning_ops (block);
  JsonObject *v, *r;
  JsonArray *confusion;
  guint n_rows = 0, n_classes = G_N_ELEMENTS (classes), total = 0, right = 0;
  void *state = NULL;
  uint32_t n_outputs = 0;
  char err[256] = "";

  reported = g_array_new (FALSE, FALSE, sizeof (double));
  json_object_set_int_member (overrides, "epochs", 3);
  json_object_set_int_member (overrides, "validation_pct", 25);
  json_object_set_int_member (overrides, "seed", 5);
  json_object_set_boolean_member (overrides, "quantize", FALSE);
  g_assert_true (em_learn_train (project, impulse, reg, "nn", overrides, &monitor, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (reported->len, ==, 3);

  /* What the project stored is what training returned. */
  model = em_model_store_get (project, "nn", TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (model->report, ==, report);
  root = json_from_string (model->report, &error);
  g_assert_no_error (error);
  r = json_node_get_object (root);
  g_assert_false (json_object_has_member (r, "validation_unavailable"));
  v = json_object_get_object_member (r, "validation");
  g_assert_nonnull (v);
  confusion = int_rows (v, "confusion");
  g_assert_cmpuint (json_array_get_length (confusion), ==, n_classes);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (v, "precision")), ==, n_classes);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (v, "recall")), ==, n_classes);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (v, "f1")), ==, n_classes);

  /* Recount from the stored model's predictions on the held-out windows. */
  set = em_learn_gather (project, impulse, reg, em_impulse_find_learn_block (impulse, "nn"), EM_CATEGORY_TRAINING,
                         NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  rows = em_learn_validation_rows (set->y, set->n, n_classes, 0.25, 5, &n_rows);
  g_assert_cmpuint (n_rows, >, 0);
  g_assert_cmpint (json_object_get_int_member (v, "windows"), ==, n_rows);
  g_assert_cmpint (ops->load (g_bytes_get_data (model->blob, NULL), g_bytes_get_size (model->blob), 0, &state,
                              &n_outputs, err, sizeof err), ==, 0);
  g_assert_cmpuint (n_outputs, ==, n_classes);
  recount = g_new0 (guint, n_classes * n_classes);
  out = g_new (float, n_classes);
  for (guint i = 0; i < n_rows; i++)
    {
      guint top = 0;

      g_assert_cmpint (ops->run (state, set->x + (gsize) rows[i] * set->info.n_features, out, err, sizeof err), ==, 0);
      for (guint c = 1; c < n_classes; c++)
        if (out[c] > out[top])
          top = c;
      recount[set->y[rows[i]] * n_classes + top]++;
    }
  ops->free (state);
  for (guint a = 0; a < n_classes; a++)
    {
      JsonArray *row = json_array_get_array_element (confusion, a);
      for (guint p = 0; p < n_classes; p++)
        {
          g_assert_cmpint (json_array_get_int_element (row, p), ==, recount[a * n_classes + p]);
          total += recount[a * n_classes + p];
          right += a == p ? recount[a * n_classes + p] : 0;
        }
    }
  g_assert_cmpuint (total, ==, n_rows);
  /* ... and its accuracy is the one the block reported for its last epoch. */
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (v, "accuracy"), right / (double) n_rows, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (v, "accuracy"),
                                  g_array_index (reported, double, reported->len - 1), 0.5 / n_rows);
  g_test_message ("validation: %u windows, accuracy %.3f", n_rows, right / (double) n_rows);

  /* A reported accuracy the recount does not give: a reason, not a matrix. */
  {
    g_autofree char *metrics = NULL, *reason = NULL;
    g_autoptr(JsonObject) merged = json_object_new ();

    json_object_set_int_member (merged, "validation_pct", 25);
    json_object_set_int_member (merged, "seed", 5);
    params = em_block_resolve_params (block, merged, &error);
    g_assert_no_error (error);
    g_assert_true (em_learn_validation_run (ops, model->blob, set, params, 2.0, &metrics, &reason, &error));
    g_assert_no_error (error);
    g_assert_null (metrics);
    g_assert_nonnull (strstr (reason, "could not be identified"));
  }
  g_array_unref (reported);
}

/* No validation held out: the report says so instead of showing a matrix. */
static void
test_no_validation (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = three_class_project ();
  g_autoptr(EmBlockRegistry) reg = registry ();
  g_autoptr(EmImpulse) impulse = impulse_for ("classification");
  g_autoptr(JsonObject) overrides = json_object_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *report = NULL;
  JsonObject *r;

  json_object_set_int_member (overrides, "epochs", 1);
  json_object_set_int_member (overrides, "validation_pct", 0);
  json_object_set_boolean_member (overrides, "quantize", FALSE);
  g_assert_true (em_learn_train (project, impulse, reg, "nn", overrides, NULL, NULL, &report, &error));
  g_assert_no_error (error);
  root = json_from_string (report, NULL);
  r = json_node_get_object (root);
  g_assert_false (json_object_has_member (r, "validation"));
  g_assert_cmpstr (json_object_get_string_member (r, "validation_unavailable"), ==,
                   "no windows were held out for validation");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/learn-validation/rows", test_rows);
  g_test_add_func ("/learn-validation/train-stores-matrix", test_train_stores_validation);
  g_test_add_func ("/learn-validation/none-held-out", test_no_validation);
  return g_test_run ();
}
