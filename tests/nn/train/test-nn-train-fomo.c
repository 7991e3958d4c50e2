/* SPDX-License-Identifier: Apache-2.0 */
/* Training a FOMO-style detector (EM_NN_LOSS_FOMO): per-cell targets,
 * object-weighted cross-entropy on per-cell logits; a toy task is learnt
 * well enough that cells → objects finds the objects again; bad setups get
 * a clear error. */
#include <math.h>
#include <string.h>
#include "em-nn-fomo.h"
#include "em-nn-train.h"

#define SIDE 16
#define GRID 4
#define CELLS (GRID * GRID)

/* A 3×3 square of +1 (class 1) or −1 (class 2) on a faintly noisy 16×16
 * image; its box and the per-cell targets. */
typedef struct {
  int      n;
  float   *x;
  int32_t *cells;
  EmNnFomoBox *boxes;   /* one per window */
} Toy;

static void
toy_free (Toy *t)
{
  g_free (t->x);
  g_free (t->cells);
  g_free (t->boxes);
  g_free (t);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Toy, toy_free)

static Toy *
toy_new (int n, guint32 seed)
{
  Toy *t = g_new0 (Toy, 1);
  g_autoptr(GRand) r = g_rand_new_with_seed (seed);

  t->n = n;
  t->x = g_new0 (float, (gsize) n * SIDE * SIDE);
  t->cells = g_new (int32_t, (gsize) n * CELLS);
  t->boxes = g_new (EmNnFomoBox, n);
  for (int i = 0; i < n; i++)
    {
      float *img = t->x + (gsize) i * SIDE * SIDE;
      int label = 1 + (i % 2), x0 = g_rand_int_range (r, 0, SIDE - 3), y0 = g_rand_int_range (r, 0, SIDE - 3);
      int collisions = 0;

      for (int p = 0; p < SIDE * SIDE; p++)
        img[p] = (float) g_rand_double_range (r, -0.1, 0.1);
      for (int dy = 0; dy < 3; dy++)
        for (int dx = 0; dx < 3; dx++)
          img[(y0 + dy) * SIDE + x0 + dx] = label == 1 ? 1.f : -1.f;
      t->boxes[i] = (EmNnFomoBox) { label, x0, y0, 3, 3 };
      g_assert_true (em_nn_fomo_targets (&t->boxes[i], 1, SIDE, SIDE, GRID, GRID, 2, t->cells + (gsize) i * CELLS,
                                         &collisions, NULL));
    }
  return t;
}

#define MODEL_JSON \
  "{\"input_shape\": [16, 16, 1], \"layers\": [" \
  "{\"type\": \"conv2d\", \"filters\": 8, \"kernel_size\": 3, \"strides\": 2, \"padding\": \"same\", \"activation\": \"relu\"}," \
  "{\"type\": \"conv2d\", \"filters\": 8, \"kernel_size\": 3, \"strides\": 2, \"padding\": \"same\", \"activation\": \"relu\"}," \
  "{\"type\": \"conv2d\", \"filters\": 3, \"kernel_size\": 1}%s]}"

static EmNnModel *
toy_model (const char *tail)
{
  g_autofree char *json = g_strdup_printf (MODEL_JSON, tail);
  EmNnModel *m = em_nn_model_new_from_json (json, NULL);

  g_assert_nonnull (m);
  em_nn_model_init_weights (m, 3);
  return m;
}

static EmNnDataset
toy_dataset (const Toy *t)
{
  return (EmNnDataset) { .n = t->n, .n_features = SIDE * SIDE, .x = t->x, .n_classes = 3, .y_cells = t->cells };
}

static void
test_learns (void)
{
  g_autoptr(Toy) train = toy_new (300, 1), test = toy_new (60, 2);
  g_autoptr(EmNnModel) m = toy_model ("");
  g_autoptr(EmNnTrainResult) r = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnFomoMetrics) metrics = em_nn_fomo_metrics_new (2);
  EmNnDataset d = toy_dataset (train), v = toy_dataset (test);
  EmNnTrainOptions o;
  g_autofree float *logits = g_new (float, (gsize) test->n * CELLS * 3);
  EmNnFomoPostParams post = { SIDE, SIDE, GRID, GRID, 2, 0.5f, 8 };
  gint32 scratch[2 * CELLS];
  const EmNnEpochStats *first, *last;

  em_nn_train_options_init (&o);
  o.loss = EM_NN_LOSS_FOMO;
  o.epochs = 25;
  o.batch_size = 16;
  o.learning_rate = 0.01;
  o.validation = &v;
  g_assert_cmpfloat (o.object_weight, ==, EM_NN_FOMO_OBJECT_WEIGHT);
  g_assert_true (em_nn_train (m, &d, &o, NULL, NULL, NULL, &r, &error));
  g_assert_no_error (error);
  first = &g_array_index (r->history, EmNnEpochStats, 0);
  last = &g_array_index (r->history, EmNnEpochStats, r->history->len - 1);
  g_test_message ("loss %.3f -> %.3f, object cells right %.3f, validation %.3f", first->loss, last->loss,
                  last->accuracy, last->val_accuracy);
  g_assert_cmpfloat (last->loss, <, first->loss / 4);
  g_assert_cmpfloat (last->val_accuracy, >=, 0.9);

  /* The model gives logits; softmax per cell, then cells → objects. */
  g_assert_true (em_nn_predict (m, test->x, test->n, logits, &error));
  for (int i = 0; i < test->n; i++)
    {
      EmNnFomoObject objects[8];
      float *z = logits + (gsize) i * CELLS * 3;
      int found;

      em_nn_fomo_softmax_f32 (z, CELLS, 3, z);
      found = em_nn_fomo_objects_f32 (&post, z, objects, 8, scratch, sizeof scratch);
      g_assert_cmpint (found, >=, 0);
      g_assert_true (em_nn_fomo_metrics_add (metrics, &test->boxes[i], 1, objects, MIN (found, 8), NULL));
    }
  g_test_message ("held-out F1 %.3f (P %.3f R %.3f)", metrics->f1_all, metrics->precision_all, metrics->recall_all);
  g_assert_cmpfloat (metrics->f1_all, >=, 0.85);
}

static void
expect_error (EmNnModel *m, const EmNnDataset *d, const EmNnTrainOptions *o, int code, const char *message)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (em_nn_train (m, d, o, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, EM_NN_ERROR, code);
  g_test_message ("%s", error->message);
  if (strstr (error->message, message) == NULL)
    g_error ("message '%s' does not contain '%s'", error->message, message);
}

static void
test_errors (void)
{
  g_autoptr(Toy) t = toy_new (20, 5);
  g_autoptr(EmNnModel) m = toy_model ("");
  g_autoptr(EmNnModel) with_softmax = toy_model (", {\"type\": \"softmax\"}");
  EmNnDataset d = toy_dataset (t);
  EmNnTrainOptions o;

  em_nn_train_options_init (&o);
  o.loss = EM_NN_LOSS_FOMO;
  o.epochs = 1;
  expect_error (with_softmax, &d, &o, EM_NN_ERROR_INVALID_MODEL, "not a softmax");
  d.y_cells = NULL;
  expect_error (m, &d, &o, EM_NN_ERROR_INVALID_DATA, "per-cell targets");
  d = toy_dataset (t);
  d.n_classes = 4;
  expect_error (m, &d, &o, EM_NN_ERROR_INVALID_DATA, "the model's output has 3 channels per cell");
  d = toy_dataset (t);
  t->cells[3 * CELLS + 5] = 3;
  expect_error (m, &d, &o, EM_NN_ERROR_INVALID_DATA, "window 3, cell 5: target 3 out of range 0..2");
  t->cells[3 * CELLS + 5] = 0;
  o.object_weight = 0;
  expect_error (m, &d, &o, EM_NN_ERROR_INVALID_DATA, "object weight 0");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nn/train/fomo/learns", test_learns);
  g_test_add_func ("/nn/train/fomo/errors", test_errors);
  return g_test_run ();
}
