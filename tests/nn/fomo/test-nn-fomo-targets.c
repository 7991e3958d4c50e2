/* SPDX-License-Identifier: Apache-2.0 */
/* FOMO training targets (centroid cells, collisions, edges, bad boxes), the
 * weighted cross-entropy (hand values, finite differences) and the
 * centroid-in-box metrics on hand-built cases. The loss is also checked
 * against torch by fomo_reference.py. */
#include <math.h>
#include <string.h>

#include "em-nn-fomo.h"
#include "em-nn-model.h"

static void
assert_only (const int32_t *targets, int n, const int *cells, const int *labels, int n_set)
{
  for (int i = 0; i < n; i++)
    {
      int want = 0;
      for (int k = 0; k < n_set; k++)
        if (cells[k] == i)
          want = labels[k];
      if (targets[i] != want)
        g_error ("cell %d: target %d, expected %d", i, targets[i], want);
    }
}

static void
test_targets_basic (void)
{
  /* 96×96 input, 12×12 grid: cells of 8 px */
  const EmNnFomoBox boxes[] = {
    { 1, 10, 10, 20, 20 },  /* centre (20, 20) → cell (2, 2) */
    { 2, 60, 4, 8, 8 },     /* centre (64, 8): exactly on cell edges → (1, 8) */
    { 3, 80, 80, 16, 16 },  /* centre (88, 88) → (11, 11) */
    { 1, 90, 0, 12, 30 },   /* centre (96, 15): the right edge → last column (1, 11) */
  };
  int32_t targets[144];
  int collisions = -1;
  g_autoptr(GError) error = NULL;
  const int cells[] = { 2 * 12 + 2, 1 * 12 + 8, 11 * 12 + 11, 1 * 12 + 11 };
  const int labels[] = { 1, 2, 3, 1 };

  g_assert_true (em_nn_fomo_targets (boxes, 4, 96, 96, 12, 12, 3, targets, &collisions, &error));
  g_assert_no_error (error);
  g_assert_cmpint (collisions, ==, 0);
  assert_only (targets, 144, cells, labels, 4);

  /* no boxes: all background */
  memset (targets, 0x7f, sizeof targets);
  g_assert_true (em_nn_fomo_targets (NULL, 0, 96, 96, 12, 12, 3, targets, NULL, &error));
  assert_only (targets, 144, NULL, NULL, 0);
}

/* A non-square input and grid: each axis scales on its own. */
static void
test_targets_scaling (void)
{
  const EmNnFomoBox boxes[] = { { 2, 150, 10, 20, 10 } }; /* centre (160, 15) of 320×120 */
  int32_t targets[10 * 4];
  const int cells[] = { 0 * 10 + 5 };
  const int labels[] = { 2 };

  g_assert_true (em_nn_fomo_targets (boxes, 1, 320, 120, 10, 4, 2, targets, NULL, NULL));
  assert_only (targets, 40, cells, labels, 1);
}

/* Two centroids in one cell: the smaller box keeps it, whatever the order;
 * equal areas: the earlier box. */
static void
test_targets_collisions (void)
{
  const EmNnFomoBox big_first[] = { { 1, 0, 0, 40, 40 }, { 2, 17, 17, 4, 4 } };   /* both centred in (2, 2) */
  const EmNnFomoBox small_first[] = { { 2, 17, 17, 4, 4 }, { 1, 0, 0, 40, 40 } };
  const EmNnFomoBox tie[] = { { 3, 16, 16, 6, 6 }, { 1, 18, 18, 6, 6 }, { 2, 60, 60, 8, 8 } };
  const int cell[] = { 2 * 12 + 2 }, other[] = { 2 * 12 + 2, 8 * 12 + 8 };
  const int two[] = { 2 }, three_two[] = { 3, 2 };
  int32_t targets[144];
  int collisions = 0;

  g_assert_true (em_nn_fomo_targets (big_first, 2, 96, 96, 12, 12, 3, targets, &collisions, NULL));
  g_assert_cmpint (collisions, ==, 1);
  assert_only (targets, 144, cell, two, 1);
  g_assert_true (em_nn_fomo_targets (small_first, 2, 96, 96, 12, 12, 3, targets, &collisions, NULL));
  g_assert_cmpint (collisions, ==, 1);
  assert_only (targets, 144, cell, two, 1);
  g_assert_true (em_nn_fomo_targets (tie, 3, 96, 96, 12, 12, 3, targets, &collisions, NULL));
  g_assert_cmpint (collisions, ==, 1);
  assert_only (targets, 144, other, three_two, 2);
}

static void
expect_error (const EmNnFomoBox *box, int code, const char *fragment)
{
  int32_t targets[144];
  g_autoptr(GError) error = NULL;

  memset (targets, 0x11, sizeof targets);
  g_assert_false (em_nn_fomo_targets (box, 1, 96, 96, 12, 12, 3, targets, NULL, &error));
  g_assert_error (error, EM_NN_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "box 0"));
  g_assert_nonnull (strstr (error->message, fragment));
  g_assert_null (strchr (error->message, '\n'));
  /* nothing written */
  for (int i = 0; i < 144; i++)
    g_assert_cmpint (targets[i], ==, 0x11111111);
}

static void
test_targets_errors (void)
{
  const EmNnFomoBox label0 = { 0, 10, 10, 5, 5 }, label4 = { 4, 10, 10, 5, 5 };
  const EmNnFomoBox nan_box = { 1, NAN, 10, 5, 5 }, flat = { 1, 10, 10, 5, 0 };
  const EmNnFomoBox outside = { 1, 94, 10, 6, 5 }, negative = { 1, -8, 10, 6, 5 };
  int32_t targets[144];
  g_autoptr(GError) error = NULL;

  expect_error (&label0, EM_NN_ERROR_INVALID_DATA, "label is outside 1..n_classes");
  expect_error (&label4, EM_NN_ERROR_INVALID_DATA, "label is outside 1..n_classes");
  expect_error (&nan_box, EM_NN_ERROR_INVALID_DATA, "not a finite number");
  expect_error (&flat, EM_NN_ERROR_INVALID_DATA, "width and height must be above 0");
  expect_error (&outside, EM_NN_ERROR_INVALID_DATA, "centre lies outside the input");
  expect_error (&negative, EM_NN_ERROR_INVALID_DATA, "centre lies outside the input");

  g_assert_false (em_nn_fomo_targets (NULL, 0, 96, 96, 0, 12, 3, targets, NULL, &error));
  g_assert_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL);
  g_assert_nonnull (strstr (error->message, "at least 1"));
  g_clear_error (&error);
  g_assert_false (em_nn_fomo_targets (NULL, 0, 8, 8, 12, 12, 3, targets, NULL, &error));
  g_assert_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL);
  g_assert_nonnull (strstr (error->message, "finer than"));
}

/* ---- loss ------------------------------------------------------------------ */

static void
test_loss_values (void)
{
  /* one background cell, one object cell, 3 channels */
  const float z[6] = { 2, 0, -1, 0.5f, 1.5f, 0 };
  const int32_t t[2] = { 0, 1 };
  float grad[6];
  double lse0 = log (exp (2) + exp (0) + exp (-1)), lse1 = log (exp (0.5) + exp (1.5) + exp (0));
  double want = (1 * (lse0 - 2) + 100 * (lse1 - 1.5)) / 2;
  float loss = em_nn_fomo_loss (z, t, 2, 3, EM_NN_FOMO_OBJECT_WEIGHT, grad);

  g_assert_cmpfloat_with_epsilon (loss, want, 1e-4);
  g_assert_cmpfloat_with_epsilon (grad[0], (exp (2 - lse0) - 1) / 2, 1e-6);
  g_assert_cmpfloat_with_epsilon (grad[1], exp (0 - lse0) / 2, 1e-6);
  g_assert_cmpfloat_with_epsilon (grad[4], 100 * (exp (1.5 - lse1) - 1) / 2, 1e-4);
  /* per cell, the gradient sums to 0 */
  g_assert_cmpfloat_with_epsilon (grad[0] + grad[1] + grad[2], 0, 1e-6);
  g_assert_cmpfloat_with_epsilon (grad[3] + grad[4] + grad[5], 0, 1e-5);
  /* weight 1 is plain mean cross-entropy; no gradient asked for */
  g_assert_cmpfloat_with_epsilon (em_nn_fomo_loss (z, t, 2, 3, 1, NULL), (lse0 - 2 + lse1 - 1.5) / 2, 1e-5);
  /* huge logits stay finite */
  {
    const float big[3] = { 1e30f, -1e30f, 0 };
    const int32_t t0[1] = { 1 };
    float g[3];
    float l = em_nn_fomo_loss (big, t0, 1, 3, 100, g);
    g_assert_true (isfinite (l));
    g_assert_true (isfinite (g[0]) && isfinite (g[1]) && isfinite (g[2]));
  }
}

/* The analytic gradient against central differences of the loss itself,
 * in double on the perturbed logits. */
static void
test_loss_finite_differences (void)
{
  enum { N = 18, CH = 4 };
  float z[N * CH], grad[N * CH];
  int32_t t[N];
  GRand *r = g_rand_new_with_seed (3);

  for (int i = 0; i < N * CH; i++)
    z[i] = (float) g_rand_double_range (r, -3, 3);
  for (int i = 0; i < N; i++)
    t[i] = i % 3 == 0 ? g_rand_int_range (r, 1, CH) : 0;
  em_nn_fomo_loss (z, t, N, CH, 100, grad);
  for (int i = 0; i < N * CH; i++)
    {
      float keep = z[i];
      const float h = 1e-2f;
      double up, down, numeric;

      z[i] = keep + h;
      up = em_nn_fomo_loss (z, t, N, CH, 100, NULL);
      z[i] = keep - h;
      down = em_nn_fomo_loss (z, t, N, CH, 100, NULL);
      z[i] = keep;
      numeric = (up - down) / (2.0 * h);
      if (fabs (numeric - grad[i]) > 2e-3 * MAX (1.0, fabs (numeric)))
        g_error ("logit %d: analytic %g, numeric %g", i, grad[i], numeric);
    }
  g_rand_free (r);
}

static void
test_loss_bad (void)
{
  const float z[4] = { 0 };
  const int32_t bad_t[2] = { 0, 2 }, t[2] = { 0, 1 };

  g_assert_true (isnan (em_nn_fomo_loss (z, bad_t, 2, 2, 100, NULL)));
  g_assert_true (isnan (em_nn_fomo_loss (z, t, 0, 2, 100, NULL)));
  g_assert_true (isnan (em_nn_fomo_loss (z, t, 2, 1, 100, NULL)));
  g_assert_true (isnan (em_nn_fomo_loss (z, t, 2, 2, 0, NULL)));
  g_assert_true (isnan (em_nn_fomo_loss (NULL, t, 2, 2, 100, NULL)));
}

/* ---- metrics --------------------------------------------------------------- */

static EmNnFomoObject
obj (int label, float cx, float cy, float score)
{
  EmNnFomoObject o = { label, cx - 4, cy - 4, 8, 8, cx, cy, score, 1 };
  return o;
}

static void
test_metrics_cases (void)
{
  g_autoptr(EmNnFomoMetrics) m = em_nn_fomo_metrics_new (2);
  g_autoptr(GError) error = NULL;
  /* image 1: two class-1 boxes, one class-2 box */
  const EmNnFomoBox truth1[] = { { 1, 0, 0, 20, 20 }, { 1, 40, 40, 20, 20 }, { 2, 70, 0, 20, 20 } };
  const EmNnFomoObject pred1[] = {
    obj (1, 10, 10, 0.9f),  /* TP (box 0) */
    obj (1, 12, 8, 0.8f),   /* same box again: FP (each box matched once) */
    obj (2, 50, 50, 0.9f),  /* inside class-1 box 1, wrong class: FP for class 2 */
    obj (2, 90, 20, 0.7f),  /* on the corner of box 2: edges count, TP */
  };                        /* class-1 box 1 unmatched: FN */
  /* image 2: nothing predicted, one box */
  const EmNnFomoBox truth2[] = { { 2, 10, 10, 10, 10 } };
  /* image 3: predictions on an empty image */
  const EmNnFomoObject pred3[] = { obj (1, 50, 50, 0.6f) };

  g_assert_true (em_nn_fomo_metrics_add (m, truth1, 3, pred1, 4, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (m->tp[0], ==, 1);
  g_assert_cmpuint (m->fp[0], ==, 1);
  g_assert_cmpuint (m->fn[0], ==, 1);
  g_assert_cmpuint (m->tp[1], ==, 1);
  g_assert_cmpuint (m->fp[1], ==, 1);
  g_assert_cmpuint (m->fn[1], ==, 0);
  g_assert_cmpfloat_with_epsilon (m->precision[0], 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->recall[0], 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->f1[0], 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->recall[1], 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->f1[1], 2 * 0.5 / 1.5, 1e-12);

  g_assert_true (em_nn_fomo_metrics_add (m, truth2, 1, NULL, 0, &error));
  g_assert_true (em_nn_fomo_metrics_add (m, NULL, 0, pred3, 1, &error));
  g_assert_cmpuint (m->n_images, ==, 3);
  g_assert_cmpuint (m->fn[1], ==, 1);
  g_assert_cmpuint (m->fp[0], ==, 2);
  g_assert_cmpfloat_with_epsilon (m->precision[0], 1.0 / 3, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->recall[1], 0.5, 1e-12);
  /* pooled: tp 2, fp 3, fn 2 */
  g_assert_cmpfloat_with_epsilon (m->precision_all, 2.0 / 5, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->recall_all, 2.0 / 4, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->f1_all, 2 * 0.4 * 0.5 / 0.9, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->macro_f1, (m->f1[0] + m->f1[1]) / 2, 1e-12);
}

/* Greedy by score: the stronger prediction takes the box even when it
 * comes later; two boxes holding one centroid: the nearer centre wins. */
static void
test_metrics_matching_order (void)
{
  g_autoptr(EmNnFomoMetrics) m = em_nn_fomo_metrics_new (1);
  const EmNnFomoBox truth[] = { { 1, 0, 0, 40, 40 }, { 1, 20, 20, 40, 40 } };
  /* (35, 35) is in both; nearer box 1's centre (40, 40) */
  const EmNnFomoObject pred[] = { obj (1, 5, 5, 0.5f), obj (1, 35, 35, 0.9f) };

  /* (35, 35) is equally far from both centres of these: the earlier box;
   * taken in input order it would steal box A from (10, 10) */
  const EmNnFomoBox truth2[] = { { 1, 0, 0, 40, 40 }, { 1, 30, 30, 40, 40 } };
  const EmNnFomoObject pred2[] = { obj (1, 35, 35, 0.5f), obj (1, 10, 10, 0.9f) };

  g_assert_true (em_nn_fomo_metrics_add (m, truth, 2, pred, 2, NULL));
  g_assert_cmpuint (m->tp[0], ==, 2);
  g_assert_cmpuint (m->fp[0], ==, 0);
  g_assert_cmpuint (m->fn[0], ==, 0);
  g_assert_cmpfloat (m->f1[0], ==, 1);
  g_assert_true (em_nn_fomo_metrics_add (m, truth2, 2, pred2, 2, NULL));
  g_assert_cmpuint (m->tp[0], ==, 4);
  g_assert_cmpuint (m->fp[0], ==, 0);
}

static void
test_metrics_undefined_and_json (void)
{
  g_autoptr(EmNnFomoMetrics) m = em_nn_fomo_metrics_new (3);
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  const EmNnFomoBox truth[] = { { 1, 0, 0, 10, 10 } };
  const EmNnFomoObject far[] = { obj (1, 50, 50, 0.9f) };
  const EmNnFomoObject bad[] = { obj (4, 50, 50, 0.9f) };
  const EmNnFomoBox bad_truth[] = { { 0, 0, 0, 10, 10 } };
  const char *labels[] = { "circle", "square", "triangle" };

  /* nothing yet: all undefined */
  g_assert_true (isnan (m->f1_all));
  g_assert_true (isnan (m->macro_f1));
  g_assert_true (em_nn_fomo_metrics_add (m, truth, 1, far, 1, &error));
  /* class 1: tp 0, fp 1, fn 1 → p = r = 0, F1 = 0; classes 2, 3 undefined */
  g_assert_cmpfloat (m->f1[0], ==, 0);
  g_assert_true (isnan (m->precision[1]) && isnan (m->recall[1]) && isnan (m->f1[1]));
  g_assert_cmpfloat (m->macro_f1, ==, 0);

  g_assert_false (em_nn_fomo_metrics_add (m, NULL, 0, bad, 1, &error));
  g_assert_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "predicted object 0 has label 4, outside 1..3"));
  g_clear_error (&error);
  g_assert_false (em_nn_fomo_metrics_add (m, bad_truth, 1, NULL, 0, &error));
  g_assert_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "ground-truth box 0 has label 0"));
  g_assert_cmpuint (m->n_images, ==, 1);

  json = em_nn_fomo_metrics_to_json (m, labels);
  g_assert_nonnull (strstr (json, "\"circle\""));
  g_assert_nonnull (strstr (json, "\"f1\""));
  g_assert_nonnull (strstr (json, "null"));
  g_assert_nonnull (strstr (json, "\"n_images\":1,"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fomo/targets/basic", test_targets_basic);
  g_test_add_func ("/fomo/targets/scaling", test_targets_scaling);
  g_test_add_func ("/fomo/targets/collisions", test_targets_collisions);
  g_test_add_func ("/fomo/targets/errors", test_targets_errors);
  g_test_add_func ("/fomo/loss/values", test_loss_values);
  g_test_add_func ("/fomo/loss/finite-differences", test_loss_finite_differences);
  g_test_add_func ("/fomo/loss/bad", test_loss_bad);
  g_test_add_func ("/fomo/metrics/cases", test_metrics_cases);
  g_test_add_func ("/fomo/metrics/matching-order", test_metrics_matching_order);
  g_test_add_func ("/fomo/metrics/undefined-and-json", test_metrics_undefined_and_json);
  return g_test_run ();
}
