/* SPDX-License-Identifier: Apache-2.0 */
/* Bad input to training gets the right code and a message naming the
 * problem; divergence is caught; the optimizers take the steps their
 * formulas say. */
#include "em-nn-optim-private.h"
#include "train-test-data.h"

static void
expect_error (EmNnModel *m, const EmNnDataset *d, const EmNnTrainOptions *o, int code, const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnTrainResult) r = NULL;

  g_assert_false (em_nn_train (m, d, o, NULL, NULL, NULL, &r, &error));
  g_assert_null (r);
  g_assert_error (error, EM_NN_ERROR, code);
  g_test_message ("%s", error->message);
  if (strstr (error->message, message) == NULL)
    g_error ("message '%s' does not contain '%s'", error->message, message);
  g_assert_null (strchr (error->message, '\n'));
}

static EmNnTrainOptions
few_epochs (void)
{
  EmNnTrainOptions o;

  em_nn_train_options_init (&o);
  o.epochs = 2;
  return o;
}

static void
test_bad_data (void)
{
  g_autoptr(TestData) t = test_blobs3 ();
  g_autoptr(EmNnModel) m = test_model (MLP_JSON (8, 3), 1);
  g_autoptr(GByteArray) before = test_model_bytes (m);
  EmNnTrainOptions o = few_epochs ();
  EmNnDataset d;

  d = t->d;
  t->x[17 * 8 + 3] = NAN;
  expect_error (m, &d, &o, EM_NN_ERROR_INVALID_DATA, "window 17, feature 3 is NaN");
  t->x[17 * 8 + 3] = INFINITY;
  expect_error (m, &d, &o, EM_NN_ERROR_INVALID_DATA, "window 17, feature 3 is infinite");
  t->x[17 * 8 + 3] = 0;

  g_autofree int *y = g_new (int, d.n);
  for (int i = 0; i < d.n; i++)
    y[i] = 2;
  d.y = y;
  expect_error (m, &d, &o, EM_NN_ERROR_INVALID_DATA, "only one class (2) in the training data: need at least two");
  for (int i = 0; i < d.n; i++)
    y[i] = i % 2 ? 2 : 0;
  expect_error (m, &d, &o, EM_NN_ERROR_INVALID_DATA, "class 1 has no training windows");
  y[5] = 7;
  expect_error (m, &d, &o, EM_NN_ERROR_INVALID_DATA, "label 7 out of range 0..2");
  y[5] = -1;
  expect_error (m, &d, &o, EM_NN_ERROR_INVALID_DATA, "label -1 out of range 0..2");
  d = t->d;

  d.n = 0;
  expect_error (m, &d, &o, EM_NN_ERROR_INVALID_DATA, "no training windows");
  d = t->d;
  d.n_classes = 4;
  expect_error (m, &d, &o, EM_NN_ERROR_INVALID_DATA, "classes: 4, the model's output has 3 units");
  d = t->d;
  d.y = NULL;
  expect_error (m, &d, &o, EM_NN_ERROR_INVALID_DATA, "labels");

  /* The model's input size must match the windows'. */
  g_autoptr(EmNnModel) wide = test_model (MLP_JSON (640, 3), 1);
  g_autofree float *x650 = g_new0 (float, 10 * 650);
  int y10[10] = { 0, 1, 2, 0, 1, 2, 0, 1, 2, 0 };
  EmNnDataset big = { .n = 10, .n_features = 650, .x = x650, .y = y10, .n_classes = 3 };
  expect_error (wide, &big, &o, EM_NN_ERROR_INVALID_DATA, "features: 650 per window, the model's input takes 640");

  /* An explicit validation set is checked too, and says so. */
  TestData *v = test_blobs3 ();
  v->y[3] = 9;
  o.validation = &v->d;
  expect_error (m, &t->d, &o, EM_NN_ERROR_INVALID_DATA, "validation: window 3: label 9 out of range 0..2");
  test_data_free (v);
  o = few_epochs ();

  float cw[3] = { 1, -1, 1 };
  o.class_weights = cw;
  expect_error (m, &t->d, &o, EM_NN_ERROR_INVALID_DATA, "class weight 1");
  o = few_epochs ();
  o.batch_size = 0;
  expect_error (m, &t->d, &o, EM_NN_ERROR_INVALID_DATA, "batch size 0");
  o = few_epochs ();
  o.validation_split = 1.0;
  expect_error (m, &t->d, &o, EM_NN_ERROR_INVALID_DATA, "validation split");

  /* Nothing was trained by any of these. */
  g_autoptr(GByteArray) after = test_model_bytes (m);
  g_assert_cmpmem (before->data, before->len, after->data, after->len);
}

static void
test_bad_model (void)
{
  g_autoptr(TestData) t = test_blobs3 ();
  g_autoptr(EmNnModel) m = test_model ("{\"input_shape\": [8], \"layers\": [{\"type\": \"dense\", \"units\": 3}]}", 1);
  EmNnTrainOptions o = few_epochs ();

  expect_error (m, &t->d, &o, EM_NN_ERROR_INVALID_MODEL, "cross-entropy needs a softmax as the last layer");
}

static void
test_regression_data (void)
{
  g_autoptr(TestData) t = test_linear (50, 3);
  g_autoptr(EmNnModel) m = test_model ("{\"input_shape\": [4], \"layers\": [{\"type\": \"dense\", \"units\": 1}]}", 1);
  EmNnTrainOptions o = few_epochs ();
  EmNnDataset d = t->d;

  o.loss = EM_NN_LOSS_MSE;
  t->yv[12] = NAN;
  expect_error (m, &d, &o, EM_NN_ERROR_INVALID_DATA, "window 12, target 0 is NaN");
  t->yv[12] = 0;
  d.n_outputs = 2;
  expect_error (m, &d, &o, EM_NN_ERROR_INVALID_DATA, "targets: 2 per window, the model's output has 1");
  d = t->d;
  d.y_value = NULL;
  expect_error (m, &d, &o, EM_NN_ERROR_INVALID_DATA, "target values");
}

static void
test_diverged (void)
{
  g_autoptr(TestData) t = test_linear (64, 3);
  g_autoptr(EmNnModel) m = test_model ("{\"input_shape\": [4], \"layers\": [{\"type\": \"dense\", \"units\": 1}]}", 1);
  EmNnTrainOptions o = few_epochs ();

  /* Plain SGD far above 2 / λmax: every step overshoots by a growing factor
   * until float overflows. */
  for (int i = 0; i < t->d.n * 4; i++)
    t->x[i] *= 1000;
  o.loss = EM_NN_LOSS_MSE;
  o.optimizer = EM_NN_OPTIMIZER_SGD;
  o.momentum = 0;
  o.learning_rate = 10;
  o.epochs = 50;
  o.batch_size = 8;
  expect_error (m, &t->d, &o, EM_NN_ERROR_DIVERGED, "; lower the learning rate");
  g_autoptr(GError) error = NULL;
  /* No checkpoint to go back to: the weights are wrecked; start again. */
  g_assert_false (em_nn_model_check_finite (m, NULL));
  em_nn_model_init_weights (m, 1);
  g_assert_false (em_nn_train (m, &t->d, &o, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, EM_NN_ERROR, EM_NN_ERROR_DIVERGED);
  g_assert_true (g_str_has_prefix (error->message, "loss became"));
  g_assert_nonnull (strstr (error->message, "at epoch 1;"));
}

static EmNnParam
param (float *w, float *g, gsize n, gboolean decay)
{
  return (EmNnParam) { .value = w, .grad = g, .n = n, .decay = decay, .layer = "test" };
}

static void
test_adam_step (void)
{
  float w[3] = { 1, 2, 3 }, g[3] = { 0.5f, -2, 0 }, b[1] = { 1 }, gb[1] = { 4 };
  g_autoptr(GArray) params = g_array_new (FALSE, FALSE, sizeof (EmNnParam));
  EmNnParam p0 = param (w, g, 3, TRUE), p1 = param (b, gb, 1, FALSE);

  g_array_append_val (params, p0);
  g_array_append_val (params, p1);
  g_autoptr(EmNnOptim) o = em_nn_optim_new (params, EM_NN_OPTIMIZER_ADAM, 0, 0.1);
  /* Adam's first step is lr · sign(g) (m̂ / √v̂ = g / |g|), up to ε; decay
   * first scales the kernel by 1 − lr·wd, not the bias. */
  em_nn_optim_step (o, params, 0.01);
  double f = 1 - 0.01 * 0.1;
  g_assert_cmpfloat_with_epsilon (w[0], 1 * f - 0.01, 1e-6);
  g_assert_cmpfloat_with_epsilon (w[1], 2 * f + 0.01, 1e-6);
  g_assert_cmpfloat_with_epsilon (w[2], 3 * f, 1e-6);
  g_assert_cmpfloat_with_epsilon (b[0], 1 - 0.01, 1e-6);

  /* Second step with the same gradient: m̂ = g and v̂ = g² again (bias
   * correction), so the step is again lr · sign(g). */
  em_nn_optim_step (o, params, 0.01);
  g_assert_cmpfloat_with_epsilon (b[0], 1 - 0.02, 1e-6);
}

static void
test_sgd_step (void)
{
  float w[2] = { 1, -1 }, g[2] = { 1, 2 };
  g_autoptr(GArray) params = g_array_new (FALSE, FALSE, sizeof (EmNnParam));
  EmNnParam p0 = param (w, g, 2, FALSE);

  g_array_append_val (params, p0);
  g_autoptr(EmNnOptim) o = em_nn_optim_new (params, EM_NN_OPTIMIZER_SGD, 0.9, 0);
  /* v1 = −lr g, w1 = w0 − lr g; v2 = 0.9 v1 − lr g, w2 = w0 − lr g (2 + 0.9) */
  em_nn_optim_step (o, params, 0.1);
  g_assert_cmpfloat_with_epsilon (w[0], 1 - 0.1, 1e-6);
  g_assert_cmpfloat_with_epsilon (w[1], -1 - 0.2, 1e-6);
  em_nn_optim_step (o, params, 0.1);
  g_assert_cmpfloat_with_epsilon (w[0], 1 - 0.1 * 2.9, 1e-6);
  g_assert_cmpfloat_with_epsilon (w[1], -1 - 0.2 * 2.9, 1e-6);
}

static void
test_predict (void)
{
  g_autoptr(TestData) t = test_blobs3 ();
  g_autoptr(EmNnModel) m = test_model (MLP_JSON (8, 3), 1);
  g_autofree float *all = g_new (float, t->d.n * 3);
  float one[3];

  /* Batched prediction equals one window at a time. */
  g_assert_true (em_nn_predict (m, t->d.x, t->d.n, all, NULL));
  for (int i = 0; i < t->d.n; i += 37)
    {
      g_assert_true (em_nn_predict (m, t->d.x + i * 8, 1, one, NULL));
      for (int k = 0; k < 3; k++)
        g_assert_cmpfloat_with_epsilon (one[k], all[i * 3 + k], 1e-6);
      g_assert_cmpfloat_with_epsilon (one[0] + one[1] + one[2], 1.0, 1e-5);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nn/train-errors/bad-data", test_bad_data);
  g_test_add_func ("/nn/train-errors/bad-model", test_bad_model);
  g_test_add_func ("/nn/train-errors/regression-data", test_regression_data);
  g_test_add_func ("/nn/train-errors/diverged", test_diverged);
  g_test_add_func ("/nn/train-errors/adam-step", test_adam_step);
  g_test_add_func ("/nn/train-errors/sgd-step", test_sgd_step);
  g_test_add_func ("/nn/train-errors/predict", test_predict);
  return g_test_run ();
}
