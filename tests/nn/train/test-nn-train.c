/* SPDX-License-Identifier: Apache-2.0 */
/* The training loop end to end on small synthetic data: it learns, it is
 * reproducible, it stops early and restores, it cancels, class weights and
 * label smoothing do what they claim, regression learns, the LR finder
 * leaves the model alone. */
#include "train-test-data.h"

static EmNnTrainOptions
quick_options (void)
{
  EmNnTrainOptions o;

  em_nn_train_options_init (&o);
  o.epochs = 25;
  o.batch_size = 16;
  o.learning_rate = 0.01;
  o.validation_split = 0;
  return o;
}

static void
test_defaults (void)
{
  EmNnTrainOptions o;

  memset (&o, 0x55, sizeof o);
  em_nn_train_options_init (&o);
  g_assert_cmpint (o.epochs, ==, 30);
  g_assert_cmpint (o.batch_size, ==, 32);
  g_assert_cmpfloat (o.learning_rate, ==, 0.005);
  g_assert_cmpint (o.optimizer, ==, EM_NN_OPTIMIZER_ADAM);
  g_assert_cmpfloat (o.momentum, ==, 0.9);
  g_assert_cmpfloat (o.weight_decay, ==, 0);
  g_assert_cmpint (o.loss, ==, EM_NN_LOSS_CROSS_ENTROPY);
  g_assert_cmpfloat (o.huber_delta, ==, 1.0);
  g_assert_cmpfloat (o.validation_split, ==, 0.2);
  g_assert_null (o.validation);
  g_assert_null (o.class_weights);
  g_assert_cmpint (o.early_stopping_patience, ==, 0);
  g_assert_cmpuint (o.seed, ==, 1);
  g_assert_false (em_nn_augment_is_enabled (&o.augment));
}

static void
test_blobs_default (void)
{
  g_autoptr(TestData) t = test_blobs3 ();
  g_autoptr(EmNnModel) m = test_model (MLP_JSON (8, 3), 1);
  g_autoptr(EmNnTrainResult) r = NULL;
  g_autoptr(GError) error = NULL;
  EmNnTrainOptions o;

  /* The default optimizer and rate, on all the windows. */
  em_nn_train_options_init (&o);
  o.validation_split = 0;
  g_assert_true (em_nn_train (m, &t->d, &o, NULL, NULL, NULL, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (r->history->len, ==, 30);
  g_assert_cmpint (r->best_epoch, ==, 30);
  g_assert_false (r->stopped_early);
  EmNnEpochStats *first = &g_array_index (r->history, EmNnEpochStats, 0);
  EmNnEpochStats *last = &g_array_index (r->history, EmNnEpochStats, 29);
  g_assert_cmpint (last->epoch, ==, 30);
  g_assert_cmpint (last->n_epochs, ==, 30);
  g_assert_cmpfloat (last->loss, <, first->loss / 4);
  g_assert_true (isnan (last->val_loss));
  g_assert_true (isnan (last->val_accuracy));
  g_assert_cmpfloat (test_accuracy (m, &t->d), ==, 1.0);
}

static void
test_blobs_split (void)
{
  g_autoptr(TestData) t = test_blobs3 ();
  g_autoptr(EmNnModel) m = test_model (MLP_JSON (8, 3), 1);
  g_autoptr(EmNnTrainResult) r = NULL;
  g_autoptr(GError) error = NULL;
  EmNnTrainOptions o;

  /* All defaults: 20 % of each class held out for validation. */
  em_nn_train_options_init (&o);
  g_assert_true (em_nn_train (m, &t->d, &o, NULL, NULL, NULL, &r, &error));
  g_assert_no_error (error);
  EmNnEpochStats *first = &g_array_index (r->history, EmNnEpochStats, 0);
  EmNnEpochStats *last = &g_array_index (r->history, EmNnEpochStats, 29);
  g_assert_cmpfloat (last->val_loss, <, first->val_loss);
  g_assert_cmpfloat (last->val_accuracy, >=, 0.9);
  /* 10 validation windows per class: accuracies are multiples of 1/30. */
  double k = last->val_accuracy * 30;
  g_assert_cmpfloat_with_epsilon (k, round (k), 1e-9);
  g_assert_cmpfloat (test_accuracy (m, &t->d), >=, 0.95);
}

static void
test_blobs_sgd (void)
{
  g_autoptr(TestData) t = test_blobs3 ();
  g_autoptr(EmNnModel) m = test_model (MLP_JSON (8, 3), 2);
  g_autoptr(GError) error = NULL;
  EmNnTrainOptions o = quick_options ();

  o.optimizer = EM_NN_OPTIMIZER_SGD;
  o.learning_rate = 0.02;
  o.momentum = 0.9;
  g_assert_true (em_nn_train (m, &t->d, &o, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (test_accuracy (m, &t->d), ==, 1.0);
}

static void
test_conv1d (void)
{
  g_autoptr(TestData) t = test_patterns (90, 5);
  g_autoptr(EmNnModel) m = test_model (CONV1D_JSON, 3);
  g_autoptr(GError) error = NULL;
  EmNnTrainOptions o = quick_options ();

  o.epochs = 20;
  g_assert_true (em_nn_train (m, &t->d, &o, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (test_accuracy (m, &t->d), ==, 1.0);
}

static GByteArray *
train_bytes (guint64 seed)
{
  g_autoptr(TestData) t = test_patterns (60, 9);
  g_autoptr(EmNnModel) m = test_model (CONV1D_JSON, 4);
  g_autoptr(GError) error = NULL;
  EmNnTrainOptions o = quick_options ();

  /* Every random stream in play: split, shuffle, dropout, augmentation. */
  o.epochs = 4;
  o.seed = seed;
  o.validation_split = 0.2;
  o.augment.noise_std = 0.1f;
  o.augment.time_shift_max = 2;
  o.augment.time_masks = 1;
  o.augment.time_mask_max = 2;
  g_assert_true (em_nn_train (m, &t->d, &o, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  return test_model_bytes (m);
}

static void
test_deterministic (void)
{
  g_autoptr(GByteArray) a = train_bytes (7);
  g_autoptr(GByteArray) b = train_bytes (7);
  g_autoptr(GByteArray) c = train_bytes (8);

  g_assert_cmpmem (a->data, a->len, b->data, b->len);
  g_assert_cmpuint (a->len, ==, c->len);
  g_assert_true (memcmp (a->data, c->data, a->len) != 0);
}

/* Mean cross-entropy of @m on @d, computed here from predictions. */
static double
mean_ce (EmNnModel *m, const EmNnDataset *d)
{
  int k = d->n_classes;
  g_autofree float *p = g_new (float, (gsize) d->n * k);
  double s = 0;

  g_assert_true (em_nn_predict (m, d->x, d->n, p, NULL));
  for (int i = 0; i < d->n; i++)
    s -= log (MAX (p[i * k + d->y[i]], 1e-7));
  return s / d->n;
}

static void
test_early_stopping (void)
{
  const int counts[3] = { 40, 40, 40 };
  g_autoptr(TestData) t = test_blobs (counts, 3, 8, 3.0, 21);
  g_autoptr(TestData) v = test_blobs (counts, 3, 8, 3.0, 22);
  g_autoptr(EmNnModel) m = test_model (MLP_JSON (8, 3), 5);
  g_autoptr(EmNnTrainResult) r = NULL;
  g_autoptr(GError) error = NULL;
  EmNnTrainOptions o = quick_options ();

  /* Validation windows from the same blobs, but with half of the labels
   * rotated: the better the model fits the training data, the worse this
   * loss eventually gets. */
  for (int i = 0; i < v->d.n; i += 2)
    v->y[i] = (v->y[i] + 1) % 3;
  o.epochs = 60;
  o.validation = &v->d;
  o.early_stopping_patience = 4;
  g_assert_true (em_nn_train (m, &t->d, &o, NULL, NULL, NULL, &r, &error));
  g_assert_no_error (error);
  g_assert_true (r->stopped_early);
  g_assert_cmpint (r->best_epoch, >=, 1);
  g_assert_cmpuint (r->history->len, ==, r->best_epoch + 4);
  double best = g_array_index (r->history, EmNnEpochStats, r->best_epoch - 1).val_loss;
  for (guint e = 0; e < r->history->len; e++)
    g_assert_cmpfloat (g_array_index (r->history, EmNnEpochStats, e).val_loss, >=, best);
  /* The model holds the best epoch's weights, not the last epoch's. */
  double restored = mean_ce (m, &v->d);
  double last = g_array_index (r->history, EmNnEpochStats, r->history->len - 1).val_loss;
  g_assert_cmpfloat_with_epsilon (restored, best, 1e-5 * MAX (1, best));
  g_assert_cmpfloat (fabs (restored - last), >, 1e-4);
}

typedef struct {
  int           calls;
  GCancellable *cancellable;
} CancelRun;

static void
cancel_at_two (const EmNnEpochStats *st, gpointer user_data)
{
  CancelRun *run = user_data;

  run->calls++;
  g_assert_cmpint (st->epoch, ==, run->calls);
  if (st->epoch == 2)
    g_cancellable_cancel (run->cancellable);
}

static void
test_cancel (void)
{
  g_autoptr(TestData) t = test_blobs3 ();
  g_autoptr(EmNnModel) m = test_model (MLP_JSON (8, 3), 6);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(EmNnTrainResult) r = NULL;
  g_autoptr(GError) error = NULL;
  EmNnTrainOptions o = quick_options ();
  CancelRun run = { 0, cancellable };

  o.validation_split = 0.2;
  o.early_stopping_patience = 3;
  g_assert_false (em_nn_train (m, &t->d, &o, cancel_at_two, &run, cancellable, &r, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (run.calls, ==, 2);
  g_assert_null (r);
  g_assert_true (em_nn_model_check_finite (m, NULL));
}

/* Recall of class 1 after training with or without class weights. */
static double
minority_recall (const float *class_weights)
{
  const int counts[2] = { 300, 20 };
  g_autoptr(TestData) t = test_blobs (counts, 2, 4, 1.0, 31);
  g_autoptr(EmNnModel) m = test_model (MLP_JSON (4, 2), 7);
  g_autoptr(GError) error = NULL;
  g_autofree float *p = g_new (float, t->d.n * 2);
  EmNnTrainOptions o = quick_options ();
  int found = 0, total = 0;

  o.epochs = 15;
  o.class_weights = class_weights;
  g_assert_true (em_nn_train (m, &t->d, &o, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (em_nn_predict (m, t->d.x, t->d.n, p, NULL));
  for (int i = 0; i < t->d.n; i++)
    if (t->y[i] == 1)
      {
        total++;
        found += p[i * 2 + 1] > p[i * 2];
      }
  return (double) found / total;
}

static void
test_class_weights (void)
{
  const int counts[2] = { 300, 20 };
  g_autoptr(TestData) t = test_blobs (counts, 2, 4, 1.0, 31);
  g_autofree float *w = em_nn_class_weights_balanced (&t->d);

  g_assert_cmpfloat_with_epsilon (w[0], 320.0 / (2 * 300), 1e-6);
  g_assert_cmpfloat_with_epsilon (w[1], 320.0 / (2 * 20), 1e-6);
  double plain = minority_recall (NULL), weighted = minority_recall (w);
  g_test_message ("minority recall: %.2f unweighted, %.2f weighted", plain, weighted);
  g_assert_cmpfloat (weighted, >, plain + 0.2);
}

/* Mean over windows of the top probability; @max gets the largest. */
static double
top_probability (double smoothing, double *max)
{
  g_autoptr(TestData) t = test_blobs3 ();
  g_autoptr(EmNnModel) m = test_model (MLP_JSON (8, 3), 8);
  g_autoptr(GError) error = NULL;
  g_autofree float *p = g_new (float, t->d.n * 3);
  EmNnTrainOptions o = quick_options ();
  double mx = 0, sum = 0;

  o.epochs = 40;
  o.label_smoothing = smoothing;
  g_assert_true (em_nn_train (m, &t->d, &o, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (em_nn_predict (m, t->d.x, t->d.n, p, NULL));
  for (int i = 0; i < t->d.n; i++)
    {
      double top = MAX (MAX (p[i * 3], p[i * 3 + 1]), p[i * 3 + 2]);
      mx = MAX (mx, top);
      sum += top;
    }
  *max = mx;
  return sum / t->d.n;
}

static void
test_label_smoothing (void)
{
  /* ε = 0.3, K = 3: the target is 0.8 for the right class and 0.1 for the
   * others, where each window's loss is minimal. The logits are piecewise
   * linear in x, so windows far out in a blob's tail overshoot a little;
   * the typical window sits at the target. */
  double smooth_max, sharp_max;
  double smooth = top_probability (0.3, &smooth_max), sharp = top_probability (0, &sharp_max);

  g_test_message ("top probability: mean %.4f max %.4f smoothed; mean %.4f max %.4f plain",
                  smooth, smooth_max, sharp, sharp_max);
  g_assert_cmpfloat_with_epsilon (smooth, 0.8, 0.03);
  g_assert_cmpfloat (smooth_max, <, 0.95);
  g_assert_cmpfloat (sharp, >, 0.97);
}

static double
regression_mse (EmNnLoss loss)
{
  g_autoptr(TestData) t = test_linear (200, 41);
  g_autoptr(EmNnModel) m = test_model ("{\"input_shape\": [4], \"layers\": [{\"type\": \"dense\", \"units\": 1}]}", 9);
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnTrainResult) r = NULL;
  g_autofree float *p = g_new (float, t->d.n);
  EmNnTrainOptions o = quick_options ();
  double se = 0;

  o.loss = loss;
  o.epochs = 40;
  o.learning_rate = 0.02;
  o.validation_split = 0.2;
  g_assert_true (em_nn_train (m, &t->d, &o, NULL, NULL, NULL, &r, &error));
  g_assert_no_error (error);
  EmNnEpochStats *last = &g_array_index (r->history, EmNnEpochStats, r->history->len - 1);
  g_assert_true (isnan (last->accuracy));
  g_assert_true (isnan (last->val_accuracy));
  g_assert_false (isnan (last->val_loss));
  g_assert_true (em_nn_predict (m, t->d.x, t->d.n, p, NULL));
  for (int i = 0; i < t->d.n; i++)
    se += (p[i] - t->yv[i]) * (p[i] - t->yv[i]);
  return se / t->d.n;
}

static void
test_regression (void)
{
  /* The target is exactly linear, so one dense unit can fit it perfectly;
   * Var(y) = 4/3 + 1/3 ≈ 1.67, and 1e-3 is under 0.1 % of it: the fit has
   * found the coefficients, not just the mean (MSE 1.67). */
  double mse = regression_mse (EM_NN_LOSS_MSE), huber = regression_mse (EM_NN_LOSS_HUBER);

  g_test_message ("training MSE: %.2e (MSE loss), %.2e (Huber loss)", mse, huber);
  g_assert_cmpfloat (mse, <, 1e-3);
  g_assert_cmpfloat (huber, <, 1e-3);
}

static void
test_lr_finder (void)
{
  /* Overlapping blobs: no rate drives the loss to 0, and the largest ones
   * throw it back up, so the minimum lies inside the sweep. */
  const int counts[3] = { 60, 60, 60 };
  g_autoptr(TestData) t = test_blobs (counts, 3, 8, 2.0, 51);
  g_autoptr(EmNnModel) m = test_model (MLP_JSON (8, 3), 10);
  g_autoptr(GByteArray) before = test_model_bytes (m);
  g_autoptr(GError) error = NULL;
  EmNnTrainOptions o = quick_options ();

  double lr = em_nn_find_learning_rate (m, &t->d, &o, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("suggested learning rate %.3g", lr);
  g_assert_cmpfloat (lr, >, 1e-6);
  g_assert_cmpfloat (lr, <, 1);
  /* The loss turned back up inside the sweep, not only at its end (which
   * would suggest 0.1). */
  g_assert_cmpfloat (lr, <, 0.09);
  g_autoptr(GByteArray) after = test_model_bytes (m);
  g_assert_cmpmem (before->data, before->len, after->data, after->len);

  /* The suggestion trains the model. */
  o.learning_rate = lr;
  g_assert_true (em_nn_train (m, &t->d, &o, NULL, NULL, NULL, NULL, &error));
  g_assert_cmpfloat (test_accuracy (m, &t->d), >=, 0.8);
}

static double
weight_norm (double weight_decay)
{
  g_autoptr(TestData) t = test_blobs3 ();
  g_autoptr(EmNnModel) m = test_model (MLP_JSON (8, 3), 11);
  g_autoptr(GError) error = NULL;
  EmNnTrainOptions o = quick_options ();
  double s = 0;

  o.epochs = 10;
  o.weight_decay = weight_decay;
  g_assert_true (em_nn_train (m, &t->d, &o, NULL, NULL, NULL, NULL, &error));
  EmNnLayer *l = g_ptr_array_index (m->layers, 0);
  for (gsize i = 0; i < l->n_weights; i++)
    s += l->weights[i] * l->weights[i];
  return sqrt (s);
}

static void
test_weight_decay (void)
{
  double plain = weight_norm (0), decayed = weight_norm (5.0);

  g_test_message ("first kernel norm: %.3f plain, %.3f with decay", plain, decayed);
  g_assert_cmpfloat (decayed, <, 0.7 * plain);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nn/train/defaults", test_defaults);
  g_test_add_func ("/nn/train/blobs-default", test_blobs_default);
  g_test_add_func ("/nn/train/blobs-split", test_blobs_split);
  g_test_add_func ("/nn/train/blobs-sgd", test_blobs_sgd);
  g_test_add_func ("/nn/train/conv1d", test_conv1d);
  g_test_add_func ("/nn/train/deterministic", test_deterministic);
  g_test_add_func ("/nn/train/early-stopping", test_early_stopping);
  g_test_add_func ("/nn/train/cancel", test_cancel);
  g_test_add_func ("/nn/train/class-weights", test_class_weights);
  g_test_add_func ("/nn/train/label-smoothing", test_label_smoothing);
  g_test_add_func ("/nn/train/regression", test_regression);
  g_test_add_func ("/nn/train/lr-finder", test_lr_finder);
  g_test_add_func ("/nn/train/weight-decay", test_weight_decay);
  return g_test_run ();
}
