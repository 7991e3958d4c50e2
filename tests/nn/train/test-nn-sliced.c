/* SPDX-License-Identifier: Apache-2.0 */
/* Data-parallel training over batch slices: the summed slice gradients are
 * the whole batch's gradient, slicing never depends on the thread count
 * (bit-identical training on one thread or two), short batches work, batch
 * normalization keeps one slice, and OpenBLAS's thread setting comes back. */
#include <cblas.h>

#include "em-nn-sliced-private.h"
#include "train-test-data.h"

#define CONV2D_JSON \
  "{\"input_shape\": [8, 8, 2], \"layers\": [" \
  "{\"type\": \"conv2d\", \"filters\": 4, \"kernel_size\": 3, \"padding\": \"same\", \"activation\": \"relu\"}," \
  "{\"type\": \"maxpool2d\", \"pool_size\": 2}," \
  "{\"type\": \"flatten\"}," \
  "{\"type\": \"dense\", \"units\": 3}," \
  "{\"type\": \"softmax\"}]}"

static void
random_fill (float *v, gsize n, guint32 seed)
{
  g_autoptr(GRand) r = g_rand_new_with_seed (seed);

  for (gsize i = 0; i < n; i++)
    v[i] = (float) g_rand_double_range (r, -1, 1);
}

/* Parameter gradients of one forward + backward of @n windows. */
static float *
sliced_grads (EmNnModel *m, const float *x, const float *d, int n, int max_batch, int *n_slices,
              gsize *count)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  EmNnSliced *s = em_nn_sliced_new (m, max_batch, 1, rand, &error);
  GArray *params;
  float *all;
  gsize k = 0;

  g_assert_no_error (error);
  *n_slices = em_nn_sliced_n_slices (s);
  em_nn_sliced_forward (s, x, n, TRUE);
  em_nn_sliced_backward (s, d, n, TRUE);
  params = em_nn_sliced_params (s);
  *count = 0;
  for (guint p = 0; p < params->len; p++)
    *count += g_array_index (params, EmNnParam, p).n;
  all = g_new (float, *count);
  for (guint p = 0; p < params->len; p++)
    {
      const EmNnParam *q = &g_array_index (params, EmNnParam, p);
      memcpy (all + k, q->grad, q->n * sizeof (float));
      k += q->n;
    }
  em_nn_sliced_free (s);
  return all;
}

static void
check_gradient_sum (int n)
{
  g_autoptr(EmNnModel) m = test_model (CONV2D_JSON, 5);
  g_autofree float *x = g_new (float, (gsize) n * 128);
  g_autofree float *d = g_new (float, (gsize) n * 3);
  g_autofree float *whole = NULL, *parts = NULL;
  int s_whole, s_parts;
  gsize count_whole, count_parts;
  double worst = 0, scale = 0;

  random_fill (x, (gsize) n * 128, 2);
  random_fill (d, (gsize) n * 3, 3);
  /* max_batch 16: one slice; 64: four slices of the same batch. */
  whole = sliced_grads (m, x, d, n, 16, &s_whole, &count_whole);
  parts = sliced_grads (m, x, d, n, 64, &s_parts, &count_parts);
  g_assert_cmpint (s_whole, ==, 1);
  g_assert_cmpint (s_parts, ==, 4);
  g_assert_cmpuint (count_whole, ==, count_parts);
  for (gsize i = 0; i < count_whole; i++)
    {
      worst = MAX (worst, fabs ((double) whole[i] - parts[i]));
      scale = MAX (scale, fabs (whole[i]));
    }
  g_assert_cmpfloat (scale, >, 0.01);
  g_assert_cmpfloat (worst, <=, 1e-5 * scale);
}

static void
test_gradient_sum (void)
{
  check_gradient_sum (16);
  /* fewer windows than slices: empty slices must not add stale gradients */
  check_gradient_sum (3);
  check_gradient_sum (1);
}

static GByteArray *
train_conv2d (int blas_threads)
{
  g_autoptr(EmNnModel) m = test_model (CONV2D_JSON, 4);
  g_autoptr(GError) error = NULL;
  g_autofree float *x = g_new (float, 200 * 128);
  g_autofree int *y = g_new (int, 200);
  EmNnDataset data = { .n = 200, .n_features = 128, .n_classes = 3 };
  EmNnTrainOptions o;
  int saved = openblas_get_num_threads ();

  random_fill (x, 200 * 128, 9);
  for (int i = 0; i < 200; i++)
    {
      y[i] = i % 3;
      x[i * 128 + y[i]] += 2;   /* learnable */
    }
  data.x = x;
  data.y = y;
  em_nn_train_options_init (&o);
  o.epochs = 3;
  o.batch_size = 64;        /* four slices, the last batch short */
  o.validation_split = 0.1;
  o.seed = 3;
  openblas_set_num_threads (blas_threads);
  g_assert_true (em_nn_train (m, &data, &o, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (openblas_get_num_threads (), ==, blas_threads);
  openblas_set_num_threads (saved);
  return test_model_bytes (m);
}

static void
test_thread_count_independent (void)
{
  g_autoptr(GByteArray) one = train_conv2d (1);
  g_autoptr(GByteArray) two = train_conv2d (2);

  g_assert_cmpmem (one->data, one->len, two->data, two->len);
}

static void
test_batchnorm_one_slice (void)
{
  g_autoptr(EmNnModel) m = test_model (
    "{\"input_shape\": [8], \"layers\": ["
    "{\"type\": \"dense\", \"units\": 4}, {\"type\": \"batchnorm\"},"
    "{\"type\": \"dense\", \"units\": 2}, {\"type\": \"softmax\"}]}", 1);
  g_autoptr(GError) error = NULL;
  EmNnSliced *s = em_nn_sliced_new (m, 64, 1, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (em_nn_sliced_n_slices (s), ==, 1);
  em_nn_sliced_free (s);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nn/sliced/gradient-sum", test_gradient_sum);
  g_test_add_func ("/nn/sliced/thread-count-independent", test_thread_count_independent);
  g_test_add_func ("/nn/sliced/batchnorm-one-slice", test_batchnorm_one_slice);
  return g_test_run ();
}
