/* SPDX-License-Identifier: Apache-2.0 */
/* Training passes (em-nn-net.h) beyond gradients: the inference forward
 * against the portable kernels of em-nn-kernels.h called one by one, batch
 * independence, dropout, batchnorm statistics, determinism, the parameter
 * list, dead branches and errors. Gradient checks: test-nn-net-grad.c. */
#include <cblas.h>
#include "test-nn-net-util.h"

/* conv / pool / depthwise / dense / add / softmax: everything the float
 * inference program runs, 2-D and 1-D. */
static const char *const KERNEL_MODELS[] = {
  "{\"input_shape\": [9, 9, 2], \"layers\": ["
  " {\"type\": \"conv2d\", \"filters\": 4, \"kernel_size\": 3, \"strides\": 2, \"padding\": \"same\","
  "  \"activation\": \"relu\", \"name\": \"c1\"},"
  " {\"type\": \"maxpool2d\", \"pool_size\": 2, \"padding\": \"same\"},"
  " {\"type\": \"depthwise_conv2d\", \"kernel_size\": 3, \"depth_multiplier\": 2, \"padding\": \"same\","
  "  \"activation\": \"relu6\"},"
  " {\"type\": \"avgpool2d\", \"pool_size\": 2, \"strides\": 1, \"padding\": \"same\"},"
  " {\"type\": \"conv2d\", \"filters\": 5, \"kernel_size\": 1, \"activation\": \"tanh\", \"name\": \"c2\"},"
  " {\"type\": \"conv2d\", \"filters\": 5, \"kernel_size\": 2, \"padding\": \"same\", \"name\": \"c3\"},"
  " {\"type\": \"add\", \"inputs\": [\"c2\", \"c3\"], \"activation\": \"sigmoid\"},"
  " {\"type\": \"global_avgpool\"},"
  " {\"type\": \"dense\", \"units\": 4, \"activation\": \"sigmoid\"},"
  " {\"type\": \"dense\", \"units\": 3}, {\"type\": \"softmax\"}]}",
  "{\"input_shape\": [12, 3], \"layers\": ["
  " {\"type\": \"conv1d\", \"filters\": 4, \"kernel_size\": 3, \"strides\": 2, \"padding\": \"same\","
  "  \"activation\": \"relu\"},"
  " {\"type\": \"maxpool1d\", \"pool_size\": 2, \"padding\": \"same\"},"
  " {\"type\": \"avgpool1d\", \"pool_size\": 2, \"strides\": 1, \"padding\": \"same\"},"
  " {\"type\": \"activation\", \"activation\": \"tanh\"},"
  " {\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": 3}, {\"type\": \"softmax\"}]}",
};

static void
geom_of (const EmNnLayer *l, EmNnGeom *g)
{
  *g = (EmNnGeom) { l->in.h, l->in.w, l->in.c, l->out.h, l->out.w, l->out.c, l->kernel_h,
                    l->kernel_w, l->stride_h, l->stride_w, l->pad_top, l->pad_left,
                    l->depth_multiplier };
}

/* The inference kernels called one by one, batch 1. */
static void
reference_forward (EmNnModel *m, const float *x, float *out)
{
  guint nl = m->layers->len;
  g_autofree float **bufs = g_new0 (float *, nl);
  EmNnLayer *last = g_ptr_array_index (m->layers, nl - 1);

  for (guint i = 0; i < nl; i++)
    {
      EmNnLayer *l = g_ptr_array_index (m->layers, i);
      const float *in = l->inputs[0] < 0 ? x : bufs[l->inputs[0]];
      int in_n = em_nn_dims_size (l->in), out_n = em_nn_dims_size (l->out);
      EmNnGeom g;
      geom_of (l, &g);
      bufs[i] = g_new (float, out_n);
      switch (l->type)
        {
        case EM_NN_CONV1D:
        case EM_NN_CONV2D:
          em_nn_conv2d_f32 (&g, in, l->weights, l->bias, l->activation, bufs[i]);
          break;
        case EM_NN_DEPTHWISE_CONV2D:
          em_nn_depthwise_f32 (&g, in, l->weights, l->bias, l->activation, bufs[i]);
          break;
        case EM_NN_DENSE:
          em_nn_dense_f32 (in_n, out_n, in, l->weights, l->bias, l->activation, bufs[i]);
          break;
        case EM_NN_MAXPOOL1D:
        case EM_NN_MAXPOOL2D:
          em_nn_maxpool_f32 (&g, in, bufs[i]);
          break;
        case EM_NN_AVGPOOL1D:
        case EM_NN_AVGPOOL2D:
          em_nn_avgpool_f32 (&g, in, bufs[i]);
          break;
        case EM_NN_GLOBAL_AVGPOOL:
          em_nn_global_avgpool_f32 (l->in.h, l->in.w, l->in.c, in, bufs[i]);
          break;
        case EM_NN_ADD:
          em_nn_add_f32 (out_n, in, bufs[l->inputs[1]], l->activation, bufs[i]);
          break;
        case EM_NN_ACTIVATION:
          em_nn_activation_f32 (out_n, l->activation, in, bufs[i]);
          break;
        case EM_NN_SOFTMAX:
          em_nn_softmax_f32 (out_n, in, bufs[i]);
          break;
        default:
          memcpy (bufs[i], in, sizeof (float) * out_n);
          break;
        }
    }
  memcpy (out, bufs[nl - 1], sizeof (float) * em_nn_dims_size (last->out));
  for (guint i = 0; i < nl; i++)
    g_free (bufs[i]);
}

static void
test_matches_kernels (void)
{
  for (guint k = 0; k < G_N_ELEMENTS (KERNEL_MODELS); k++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(EmNnModel) model = make_model (KERNEL_MODELS[k], 3);
      g_autoptr(EmNnNet) net = em_nn_net_new (model, 4, &error);
      g_autoptr(GRand) r = g_rand_new_with_seed (5);
      int in_n = em_nn_dims_size (model->input), out_n = em_nn_dims_size (em_nn_model_output (model));
      g_autofree float *x = g_new (float, 4 * in_n), *ref = g_new (float, out_n);
      const float *y;

      g_assert_no_error (error);
      fill_x (x, 4 * in_n, X_UNIFORM, r);
      y = em_nn_net_forward (net, x, 4, FALSE, NULL);
      for (int b = 0; b < 4; b++)
        {
          reference_forward (model, x + b * in_n, ref);
          /* Same operations, different summation order (sgemm). */
          for (int i = 0; i < out_n; i++)
            g_assert_cmpfloat_with_epsilon (y[b * out_n + i], ref[i], 1e-5);
        }
    }
}

static void
test_batch_independent (void)
{
  const char *json = "{\"input_shape\": [8, 8, 2], \"layers\": ["
                     " {\"type\": \"conv2d\", \"filters\": 6, \"kernel_size\": 3, \"padding\": \"same\"},"
                     " {\"type\": \"batchnorm\"}, {\"type\": \"activation\", \"activation\": \"relu\"},"
                     " {\"type\": \"maxpool2d\", \"pool_size\": 2},"
                     " {\"type\": \"depthwise_conv2d\", \"kernel_size\": 3, \"padding\": \"same\"},"
                     " {\"type\": \"dropout\", \"rate\": 0.5}, {\"type\": \"flatten\"},"
                     " {\"type\": \"dense\", \"units\": 4}, {\"type\": \"softmax\"}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnModel) model = make_model (json, 11);
  g_autoptr(EmNnNet) net = em_nn_net_new (model, 5, &error);
  g_autoptr(GRand) r = g_rand_new_with_seed (6);
  int in_n = em_nn_dims_size (model->input), out_n = em_nn_dims_size (em_nn_model_output (model));
  g_autofree float *x = g_new (float, 5 * in_n), *all = g_new (float, 5 * out_n);

  g_assert_no_error (error);
  fill_x (x, 5 * in_n, X_UNIFORM, r);
  memcpy (all, em_nn_net_forward (net, x, 5, FALSE, r), sizeof (float) * 5 * out_n);
  for (int b = 0; b < 5; b++)
    {
      const float *one = em_nn_net_forward (net, x + b * in_n, 1, FALSE, r);
      for (int i = 0; i < out_n; i++)
        g_assert_cmpfloat_with_epsilon (one[i], all[b * out_n + i], 1e-6);
    }
}

static void
test_dropout (void)
{
  const char *json = "{\"input_shape\": [500], \"layers\": [{\"type\": \"dropout\", \"rate\": 0.3}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnModel) model = make_model (json, 1);
  g_autoptr(EmNnNet) net = em_nn_net_new (model, 8, &error);
  g_autoptr(GRand) r = g_rand_new_with_seed (8);
  g_autofree float *x = g_new (float, 4000), *y1 = NULL, *d = g_new (float, 4000);
  const float *y, *dx;
  int zeros = 0;

  g_assert_no_error (error);
  for (int i = 0; i < 4000; i++)
    {
      x[i] = (float) g_rand_double_range (r, 0.5, 1.5);
      d[i] = (float) g_rand_double_range (r, -1.0, 1.0);
    }
  y = em_nn_net_forward (net, x, 8, FALSE, r);
  g_assert_cmpmem (y, 4000 * sizeof (float), x, 4000 * sizeof (float));
  em_nn_net_backward (net, d, 8, FALSE);
  g_assert_cmpmem (em_nn_net_input_grad (net), 4000 * sizeof (float), d, 4000 * sizeof (float));

  g_rand_set_seed (r, 123);
  y = em_nn_net_forward (net, x, 8, TRUE, r);
  y1 = g_memdup2 (y, 4000 * sizeof (float));
  em_nn_net_backward (net, d, 8, FALSE);
  dx = em_nn_net_input_grad (net);
  for (int i = 0; i < 4000; i++)
    if (y1[i] == 0.0f)
      {
        zeros++;
        g_assert_cmpfloat (dx[i], ==, 0.0f);
      }
    else
      {
        g_assert_cmpfloat_with_epsilon (y1[i], x[i] / 0.7f, 1e-6);
        g_assert_cmpfloat_with_epsilon (dx[i], d[i] / 0.7f, 1e-6);
      }
  /* 4000 Bernoulli(0.3) draws: σ of the rate ≈ 0.007, so ±0.04 is > 5σ. */
  g_assert_cmpfloat (fabs (zeros / 4000.0 - 0.3), <, 0.04);

  /* the same seed draws the same mask */
  g_rand_set_seed (r, 123);
  y = em_nn_net_forward (net, x, 8, TRUE, r);
  g_assert_cmpmem (y, 4000 * sizeof (float), y1, 4000 * sizeof (float));
}

static void
test_batchnorm_statistics (void)
{
  const char *json = "{\"input_shape\": [2, 2, 3], \"layers\": [{\"type\": \"batchnorm\","
                     " \"momentum\": 0.9, \"epsilon\": 0.001}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnModel) model = make_model (json, 2);
  g_autoptr(EmNnNet) net = em_nn_net_new (model, 6, &error);
  g_autoptr(GRand) r = g_rand_new_with_seed (9);
  EmNnLayer *l = g_ptr_array_index (model->layers, 0);
  float mm0[3], mv0[3], x[72];
  const float *y;

  g_assert_no_error (error);
  for (int i = 0; i < 72; i++)
    x[i] = (float) g_rand_double_range (r, -1.0, 3.0) * (1 + i % 3);
  memcpy (mm0, l->moving_mean, sizeof mm0);
  memcpy (mv0, l->moving_var, sizeof mv0);
  y = em_nn_net_forward (net, x, 6, TRUE, r);
  for (int c = 0; c < 3; c++)
    {
      double mean = 0, var = 0, ymean = 0;
      for (int i = c; i < 72; i += 3)
        mean += x[i] / 24.0;
      for (int i = c; i < 72; i += 3)
        var += (x[i] - mean) * (x[i] - mean) / 24.0;
      for (int i = c; i < 72; i += 3)
        {
          double want = l->gamma[c] * (x[i] - mean) / sqrt (var + 0.001) + l->beta[c];
          g_assert_cmpfloat_with_epsilon (y[i], want, 1e-5);
          ymean += y[i] / 24.0;
        }
      g_assert_cmpfloat_with_epsilon (ymean, l->beta[c], 1e-5);
      g_assert_cmpfloat_with_epsilon (l->moving_mean[c], 0.9 * mm0[c] + 0.1 * mean, 1e-6);
      g_assert_cmpfloat_with_epsilon (l->moving_var[c], 0.9 * mv0[c] + 0.1 * var, 1e-5);
    }
  y = em_nn_net_forward (net, x, 6, FALSE, r);
  for (int i = 0; i < 72; i++)
    {
      int c = i % 3;
      double want = l->gamma[c] * (x[i] - l->moving_mean[c]) / sqrt (l->moving_var[c] + 0.001)
                    + l->beta[c];
      g_assert_cmpfloat_with_epsilon (y[i], want, 1e-5);
    }
}

/* Same seed, same data: bit-identical outputs and gradients. */
static void
test_deterministic (void)
{
  const char *json = KERNEL_MODELS[0];
  g_autoptr(GRand) r = g_rand_new_with_seed (10);
  g_autofree float *x = g_new (float, 3 * 162), *d = g_new (float, 9);
  g_autofree float *first = NULL;
  GArray *runs[2];
  EmNnModel *models[2];
  EmNnNet *nets[2];

  fill_x (x, 3 * 162, X_UNIFORM, r);
  fill_x (d, 9, X_UNIFORM, r);
  for (int k = 0; k < 2; k++)
    {
      g_autoptr(GRand) dr = g_rand_new_with_seed (77);
      const float *y;
      models[k] = make_model (json, 4);
      nets[k] = em_nn_net_new (models[k], 3, NULL);
      y = em_nn_net_forward (nets[k], x, 3, TRUE, dr);
      if (k == 0)
        first = g_memdup2 (y, 9 * sizeof (float));
      else
        g_assert_cmpmem (y, 9 * sizeof (float), first, 9 * sizeof (float));
      em_nn_net_backward (nets[k], d, 3, FALSE);
      runs[k] = em_nn_net_params (nets[k]);
    }
  g_assert_cmpuint (runs[0]->len, ==, runs[1]->len);
  for (guint p = 0; p < runs[0]->len; p++)
    {
      EmNnParam *a = &g_array_index (runs[0], EmNnParam, p), *b = &g_array_index (runs[1], EmNnParam, p);
      g_assert_cmpmem (a->grad, a->n * sizeof (float), b->grad, b->n * sizeof (float));
    }
  g_assert_cmpmem (em_nn_net_input_grad (nets[0]), 3 * 162 * sizeof (float),
                   em_nn_net_input_grad (nets[1]), 3 * 162 * sizeof (float));
  for (int k = 0; k < 2; k++)
    {
      em_nn_net_free (nets[k]);
      em_nn_model_free (models[k]);
    }
}

/* Big enough that im2col, col2im, bias/activation and the pools run in
 * slices on helper threads when OpenBLAS has two: the result must not
 * depend on that (slices write disjoint memory). */
static void
test_threads (void)
{
  const char *json = "{\"input_shape\": [20, 20, 2], \"layers\": ["
                     " {\"type\": \"conv2d\", \"filters\": 16, \"kernel_size\": 3, \"padding\": \"same\","
                     "  \"activation\": \"relu\"}, {\"type\": \"maxpool2d\", \"pool_size\": 2},"
                     " {\"type\": \"conv2d\", \"filters\": 8, \"kernel_size\": 3, \"activation\": \"tanh\"},"
                     " {\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": 5}, {\"type\": \"softmax\"}]}";
  const int n = 16, in_n = 800, out_n = 5;
  int saved = openblas_get_num_threads ();
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnModel) model = make_model (json, 12);
  g_autoptr(EmNnNet) net = em_nn_net_new (model, n, &error);
  g_autoptr(GRand) r = g_rand_new_with_seed (13);
  g_autofree float *x = g_new (float, n * in_n), *d = g_new (float, n * out_n);
  float *runs[3][3];   /* [run][output, first weight grad, input grad] */
  GArray *params;
  gsize wn;

  g_assert_no_error (error);
  fill_x (x, n * in_n, X_UNIFORM, r);
  fill_x (d, n * out_n, X_UNIFORM, r);
  params = em_nn_net_params (net);
  wn = g_array_index (params, EmNnParam, 0).n;
  for (int run = 0; run < 3; run++)
    {
      openblas_set_num_threads (run == 0 ? 1 : 2);
      runs[run][0] = g_memdup2 (em_nn_net_forward (net, x, n, TRUE, NULL), sizeof (float) * n * out_n);
      em_nn_net_backward (net, d, n, FALSE);
      runs[run][1] = g_memdup2 (g_array_index (params, EmNnParam, 0).grad, sizeof (float) * wn);
      runs[run][2] = g_memdup2 (em_nn_net_input_grad (net), sizeof (float) * n * in_n);
    }
  openblas_set_num_threads (saved);
  g_assert_cmpmem (runs[1][0], sizeof (float) * n * out_n, runs[2][0], sizeof (float) * n * out_n);
  g_assert_cmpmem (runs[1][1], sizeof (float) * wn, runs[2][1], sizeof (float) * wn);
  g_assert_cmpmem (runs[1][2], sizeof (float) * n * in_n, runs[2][2], sizeof (float) * n * in_n);
  /* one thread vs two: OpenBLAS may split sums differently */
  for (int i = 0; i < n * out_n; i++)
    g_assert_cmpfloat_with_epsilon (runs[0][0][i], runs[1][0][i], 1e-5);
  for (gsize i = 0; i < wn; i++)
    g_assert_cmpfloat_with_epsilon (runs[0][1][i], runs[1][1][i], 1e-5);
  for (int i = 0; i < n * in_n; i++)
    g_assert_cmpfloat_with_epsilon (runs[0][2][i], runs[1][2][i], 1e-5);
  for (int run = 0; run < 3; run++)
    for (int k = 0; k < 3; k++)
      g_free (runs[run][k]);
}

/* A conv (ReLU or none, with bias) read only by a tiling max pool hands its
 * bias and activation to the pool: outputs and every gradient must be
 * bit-identical to the unfused passes (EMBER_NN_NO_FUSION), including ties
 * at zero, pools that leave a ragged edge and a conv fed by another pool. */
static void
test_conv_pool_fusion (void)
{
  const char *json = "{\"input_shape\": [13, 11, 2], \"layers\": ["
                     " {\"type\": \"conv2d\", \"filters\": 6, \"kernel_size\": 3, \"padding\": \"same\","
                     "  \"activation\": \"relu\"}, {\"type\": \"maxpool2d\", \"pool_size\": 2},"
                     " {\"type\": \"conv2d\", \"filters\": 5, \"kernel_size\": 3, \"padding\": \"same\"},"
                     " {\"type\": \"maxpool2d\", \"pool_size\": 2},"
                     " {\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": 4}, {\"type\": \"softmax\"}]}";
  const int n = 5, in_n = 13 * 11 * 2, out_n = 4;
  g_autoptr(EmNnModel) model = make_model (json, 21);
  g_autoptr(GRand) r = g_rand_new_with_seed (22);
  g_autofree float *x = g_new (float, n * in_n), *d = g_new (float, n * out_n);
  EmNnNet *nets[2];

  fill_x (x, n * in_n, X_UNIFORM, r);
  /* whole rows of exact zeros: ReLU ties at 0 inside pool windows */
  memset (x, 0, sizeof (float) * 2 * 11 * 2);
  fill_x (d, n * out_n, X_UNIFORM, r);
  for (int k = 0; k < 2; k++)
    {
      g_autoptr(GError) error = NULL;
      if (k == 1)
        g_setenv ("EMBER_NN_NO_FUSION", "1", TRUE);
      nets[k] = em_nn_net_new (model, n, &error);
      g_unsetenv ("EMBER_NN_NO_FUSION");
      g_assert_no_error (error);
    }
  g_assert_cmpmem (em_nn_net_forward (nets[0], x, n, TRUE, NULL), sizeof (float) * n * out_n,
                   em_nn_net_forward (nets[1], x, n, TRUE, NULL), sizeof (float) * n * out_n);
  for (int k = 0; k < 2; k++)
    {
      em_nn_net_forward (nets[k], x, n, TRUE, NULL);
      em_nn_net_backward (nets[k], d, n, FALSE);
    }
  for (guint p = 0; p < em_nn_net_params (nets[0])->len; p++)
    {
      const EmNnParam *a = &g_array_index (em_nn_net_params (nets[0]), EmNnParam, p);
      const EmNnParam *b = &g_array_index (em_nn_net_params (nets[1]), EmNnParam, p);
      g_assert_cmpmem (a->grad, a->n * sizeof (float), b->grad, b->n * sizeof (float));
    }
  g_assert_cmpmem (em_nn_net_input_grad (nets[0]), sizeof (float) * n * in_n,
                   em_nn_net_input_grad (nets[1]), sizeof (float) * n * in_n);
  for (int k = 0; k < 2; k++)
    em_nn_net_free (nets[k]);
}

static void
test_params (void)
{
  const char *json = "{\"input_shape\": [4, 4, 2], \"layers\": [{\"type\": \"conv2d\", \"filters\": 3,"
                     " \"kernel_size\": 3}, {\"type\": \"batchnorm\"}, {\"type\": \"flatten\"},"
                     " {\"type\": \"dense\", \"units\": 2, \"use_bias\": false}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnModel) model = make_model (json, 1);
  g_autoptr(EmNnNet) net = em_nn_net_new (model, 2, &error);
  EmNnLayer *conv = g_ptr_array_index (model->layers, 0), *bn = g_ptr_array_index (model->layers, 1);
  EmNnLayer *dense = g_ptr_array_index (model->layers, 3);
  GArray *params;
  struct { float *value; gsize n; gboolean decay; } want[] = {
    { conv->weights, 54, TRUE }, { conv->bias, 3, FALSE }, { bn->gamma, 3, FALSE },
    { bn->beta, 3, FALSE }, { dense->weights, 2 * 12, TRUE },
  };

  g_assert_no_error (error);
  params = em_nn_net_params (net);
  g_assert_cmpuint (params->len, ==, G_N_ELEMENTS (want));
  for (guint i = 0; i < params->len; i++)
    {
      EmNnParam *p = &g_array_index (params, EmNnParam, i);
      g_assert_true (p->value == want[i].value);
      g_assert_cmpuint (p->n, ==, want[i].n);
      g_assert_cmpint (p->decay, ==, want[i].decay);
      g_assert_nonnull (p->grad);
      g_assert_nonnull (p->layer);
    }
}

/* A branch the output does not depend on gets zero gradients, and the
 * gradients are overwritten, not accumulated, by every backward. */
static void
test_dead_branch_and_overwrite (void)
{
  const char *json = "{\"input_shape\": [5], \"layers\": [{\"type\": \"dense\", \"units\": 3,"
                     " \"name\": \"dead\"}, {\"type\": \"dense\", \"units\": 2, \"inputs\": [\"input\"]}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnModel) model = make_model (json, 1);
  g_autoptr(EmNnNet) net = em_nn_net_new (model, 2, &error);
  EmNnLayer *live = g_ptr_array_index (model->layers, 1);
  float x[10] = { 1, 2, 3, 4, 5, -1, -2, 0.5f, 0, 1 }, d[4] = { 1, -1, 0.5f, 2 };
  g_autofree float *once = NULL;
  GArray *params;
  const float *dx;

  g_assert_no_error (error);
  params = em_nn_net_params (net);
  for (guint i = 0; i < params->len; i++)
    {
      EmNnParam *p = &g_array_index (params, EmNnParam, i);
      for (gsize k = 0; k < p->n; k++)
        p->grad[k] = NAN;
    }
  for (int rep = 0; rep < 2; rep++)
    {
      EmNnParam *pw = &g_array_index (params, EmNnParam, 2);
      em_nn_net_forward (net, x, 2, TRUE, NULL);
      em_nn_net_backward (net, d, 2, FALSE);
      if (rep == 0)
        once = g_memdup2 (pw->grad, pw->n * sizeof (float));
      else
        g_assert_cmpmem (pw->grad, pw->n * sizeof (float), once, pw->n * sizeof (float));
    }
  for (guint i = 0; i < 2; i++)
    {
      EmNnParam *p = &g_array_index (params, EmNnParam, i);
      for (gsize k = 0; k < p->n; k++)
        g_assert_cmpfloat (p->grad[k], ==, 0.0f);
    }
  dx = em_nn_net_input_grad (net);
  for (int b = 0; b < 2; b++)
    for (int i = 0; i < 5; i++)
      {
        float want = d[b * 2] * live->weights[i] + d[b * 2 + 1] * live->weights[5 + i];
        g_assert_cmpfloat_with_epsilon (dx[b * 5 + i], want, 1e-6);
      }
}

static void
test_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnModel) model = make_model ("{\"input_shape\": [3], \"layers\": ["
                                           "{\"type\": \"dense\", \"units\": 2}]}", 1);
  EmNnNet *net = em_nn_net_new (model, 0, &error);

  g_assert_null (net);
  g_assert_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL);
  g_assert_nonnull (strstr (error->message, "max_batch"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nn/net/matches-kernels", test_matches_kernels);
  g_test_add_func ("/nn/net/batch-independent", test_batch_independent);
  g_test_add_func ("/nn/net/dropout", test_dropout);
  g_test_add_func ("/nn/net/batchnorm-statistics", test_batchnorm_statistics);
  g_test_add_func ("/nn/net/deterministic", test_deterministic);
  g_test_add_func ("/nn/net/threads", test_threads);
  g_test_add_func ("/nn/net/conv-pool-fusion", test_conv_pool_fusion);
  g_test_add_func ("/nn/net/params", test_params);
  g_test_add_func ("/nn/net/dead-branch", test_dead_branch_and_overwrite);
  g_test_add_func ("/nn/net/errors", test_errors);
  return g_test_run ();
}
