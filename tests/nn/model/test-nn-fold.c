/* SPDX-License-Identifier: Apache-2.0 */
/* em_nn_model_fold: the folded model computes what the original computes at
 * inference, with no batchnorm or dropout left. The oracle is a naive float
 * forward pass written here with plain loops (independent of the engine's
 * kernels), run on both models. */
#include <math.h>
#include <string.h>
#include "em-nn-model.h"

static EmNnLayer *
layer (const EmNnModel *m, guint i)
{
  return g_ptr_array_index (m->layers, i);
}

static float
act (EmNnActivation a, float x)
{
  switch (a)
    {
    case EM_NN_ACT_RELU:
      return x > 0 ? x : 0;
    case EM_NN_ACT_RELU6:
      return x < 0 ? 0 : x > 6 ? 6 : x;
    case EM_NN_ACT_SIGMOID:
      return 1.0f / (1.0f + expf (-x));
    case EM_NN_ACT_TANH:
      return tanhf (x);
    default:
      return x;
    }
}

/* conv2d / depthwise / pools over NHWC with TF geometry. */
static void
ref_window (const EmNnLayer *l, const float *x, float *y)
{
  EmNnDims in = l->in, out = l->out;

  for (int oy = 0; oy < out.h; oy++)
    for (int ox = 0; ox < out.w; ox++)
      for (int oc = 0; oc < out.c; oc++)
        {
          double acc = 0;
          float best = -INFINITY;
          int count = 0;
          int mult = l->depth_multiplier > 0 ? l->depth_multiplier : 1;

          if (l->type == EM_NN_CONV1D || l->type == EM_NN_CONV2D || l->type == EM_NN_DEPTHWISE_CONV2D)
            acc = l->bias != NULL ? l->bias[oc] : 0.0;
          for (int ky = 0; ky < l->kernel_h; ky++)
            for (int kx = 0; kx < l->kernel_w; kx++)
              {
                int iy = oy * l->stride_h + ky - l->pad_top;
                int ix = ox * l->stride_w + kx - l->pad_left;
                if (iy < 0 || iy >= in.h || ix < 0 || ix >= in.w)
                  continue;
                const float *px = x + ((gsize) iy * in.w + ix) * in.c;
                switch (l->type)
                  {
                  case EM_NN_CONV1D:
                  case EM_NN_CONV2D:
                    for (int ic = 0; ic < in.c; ic++)
                      acc += (double) px[ic] *
                             l->weights[(((gsize) oc * l->kernel_h + ky) * l->kernel_w + kx) * in.c + ic];
                    break;
                  case EM_NN_DEPTHWISE_CONV2D:
                    acc += (double) px[oc / mult] * l->weights[((gsize) ky * l->kernel_w + kx) * out.c + oc];
                    break;
                  case EM_NN_MAXPOOL1D:
                  case EM_NN_MAXPOOL2D:
                    best = MAX (best, px[oc]);
                    break;
                  default:
                    acc += px[oc];
                    count++;
                    break;
                  }
              }
          float *py = y + ((gsize) oy * out.w + ox) * out.c + oc;
          switch (l->type)
            {
            case EM_NN_MAXPOOL1D:
            case EM_NN_MAXPOOL2D:
              *py = best;
              break;
            case EM_NN_AVGPOOL1D:
            case EM_NN_AVGPOOL2D:
              *py = (float) (acc / count);
              break;
            default:
              *py = act (l->activation, (float) acc);
              break;
            }
        }
}

/* Inference forward of any model; returns the output (transfer full). */
static float *
ref_forward (const EmNnModel *m, const float *input)
{
  guint n = m->layers->len;
  g_autofree float **t = g_new0 (float *, n);
  float *result;

  for (guint i = 0; i < n; i++)
    {
      const EmNnLayer *l = layer (m, i);
      const float *x = l->inputs[0] < 0 ? input : t[l->inputs[0]];
      int in_n = em_nn_dims_size (l->in), out_n = em_nn_dims_size (l->out);
      float *y = t[i] = g_new0 (float, out_n);

      switch (l->type)
        {
        case EM_NN_DENSE:
          for (int o = 0; o < l->units; o++)
            {
              double acc = l->bias != NULL ? l->bias[o] : 0.0;
              for (int k = 0; k < in_n; k++)
                acc += (double) x[k] * l->weights[(gsize) o * in_n + k];
              y[o] = act (l->activation, (float) acc);
            }
          break;
        case EM_NN_CONV1D:
        case EM_NN_CONV2D:
        case EM_NN_DEPTHWISE_CONV2D:
        case EM_NN_MAXPOOL1D:
        case EM_NN_MAXPOOL2D:
        case EM_NN_AVGPOOL1D:
        case EM_NN_AVGPOOL2D:
          ref_window (l, x, y);
          break;
        case EM_NN_GLOBAL_AVGPOOL:
          for (int c = 0; c < l->in.c; c++)
            {
              double acc = 0;
              for (int p = 0; p < l->in.h * l->in.w; p++)
                acc += x[p * l->in.c + c];
              y[c] = (float) (acc / (l->in.h * l->in.w));
            }
          break;
        case EM_NN_BATCHNORM:
          for (int k = 0; k < in_n; k++)
            {
              int c = k % l->in.c;
              y[k] = (float) ((x[k] - l->moving_mean[c]) / sqrt ((double) l->moving_var[c] + l->epsilon) *
                              l->gamma[c] + l->beta[c]);
            }
          break;
        case EM_NN_DROPOUT:
        case EM_NN_FLATTEN:
        case EM_NN_RESHAPE:
          memcpy (y, x, sizeof (float) * in_n);
          break;
        case EM_NN_ADD:
          {
            const float *x2 = l->inputs[1] < 0 ? input : t[l->inputs[1]];
            for (int k = 0; k < in_n; k++)
              y[k] = act (l->activation, x[k] + x2[k]);
          }
          break;
        case EM_NN_ACTIVATION:
          for (int k = 0; k < in_n; k++)
            y[k] = act (l->activation, x[k]);
          break;
        case EM_NN_SOFTMAX:
          {
            double mx = -INFINITY, sum = 0;
            for (int k = 0; k < in_n; k++)
              mx = MAX (mx, x[k]);
            for (int k = 0; k < in_n; k++)
              sum += exp (x[k] - mx);
            for (int k = 0; k < in_n; k++)
              y[k] = (float) (exp (x[k] - mx) / sum);
          }
          break;
        }
    }
  result = g_steal_pointer (&t[n - 1]);
  for (guint i = 0; i < n; i++)
    g_free (t[i]);
  return result;
}

/* Glorot weights, then random biases and batchnorm statistics far from the
 * identity, so a wrong fold cannot pass by accident. */
static EmNnModel *
random_model (const char *json, guint32 seed)
{
  g_autoptr(GError) error = NULL;
  EmNnModel *m = em_nn_model_new_from_json (json, &error);
  g_autoptr(GRand) r = g_rand_new_with_seed (seed);

  g_assert_no_error (error);
  em_nn_model_init_weights (m, seed);
  for (guint i = 0; i < m->layers->len; i++)
    {
      EmNnLayer *l = layer (m, i);
      for (gsize k = 0; k < l->n_bias; k++)
        l->bias[k] = (float) g_rand_double_range (r, -0.3, 0.3);
      if (l->type == EM_NN_BATCHNORM)
        for (int c = 0; c < l->in.c; c++)
          {
            l->gamma[c] = (float) g_rand_double_range (r, 0.5, 1.5);
            l->beta[c] = (float) g_rand_double_range (r, -0.5, 0.5);
            l->moving_mean[c] = (float) g_rand_double_range (r, -0.5, 0.5);
            l->moving_var[c] = (float) g_rand_double_range (r, 0.3, 2.0);
          }
    }
  return m;
}

static EmNnModel *
fold_ok (const EmNnModel *m)
{
  g_autoptr(GError) error = NULL;
  EmNnModel *f = em_nn_model_fold (m, &error);

  g_assert_no_error (error);
  g_assert_nonnull (f);
  for (guint i = 0; i < f->layers->len; i++)
    {
      g_assert_cmpint (layer (f, i)->type, !=, EM_NN_BATCHNORM);
      g_assert_cmpint (layer (f, i)->type, !=, EM_NN_DROPOUT);
    }
  return f;
}

static void
assert_same_outputs (const EmNnModel *a, const EmNnModel *b, guint32 seed)
{
  g_autoptr(GRand) r = g_rand_new_with_seed (seed);
  int in_n = em_nn_dims_size (a->input);
  int out_n = em_nn_dims_size (em_nn_model_output (a));
  g_autofree float *x = g_new (float, in_n);
  double worst = 0;

  g_assert_cmpint (out_n, ==, em_nn_dims_size (em_nn_model_output (b)));
  for (int trial = 0; trial < 20; trial++)
    {
      g_autofree float *ya = NULL, *yb = NULL;
      for (int k = 0; k < in_n; k++)
        x[k] = (float) g_rand_double_range (r, -2, 2);
      ya = ref_forward (a, x);
      yb = ref_forward (b, x);
      for (int k = 0; k < out_n; k++)
        {
          double d = fabs (ya[k] - yb[k]) / MAX (1.0, fabs (ya[k]));
          worst = MAX (worst, d);
        }
    }
  g_test_message ("largest relative difference %g", worst);
  g_assert_cmpfloat (worst, <, 1e-5);
}

/* The brief's model: conv (no activation) → bn → relu → depthwise → bn → dense. */
static const char chain_json[] =
  "{\"input_shape\": [6, 6, 2], \"layers\": ["
  " {\"type\": \"conv2d\", \"name\": \"c1\", \"filters\": 4, \"kernel_size\": 3, \"padding\": \"same\", \"use_bias\": false},"
  " {\"type\": \"batchnorm\", \"name\": \"bn1\"},"
  " {\"type\": \"activation\", \"name\": \"relu\", \"activation\": \"relu\"},"
  " {\"type\": \"depthwise_conv2d\", \"name\": \"dw\", \"kernel_size\": 3, \"strides\": 2, \"padding\": \"same\", \"depth_multiplier\": 2},"
  " {\"type\": \"batchnorm\", \"name\": \"bn2\", \"epsilon\": 0.01},"
  " {\"type\": \"flatten\", \"name\": \"flat\"},"
  " {\"type\": \"dense\", \"name\": \"out\", \"units\": 5}]}";

static void
test_fold_chain (void)
{
  g_autoptr(EmNnModel) m = random_model (chain_json, 11);
  g_autoptr(EmNnModel) f = fold_ok (m);

  g_assert_cmpuint (f->layers->len, ==, 5);
  g_assert_cmpstr (layer (f, 0)->name, ==, "c1");
  g_assert_cmpstr (layer (f, 1)->name, ==, "relu");
  g_assert_cmpstr (layer (f, 2)->name, ==, "dw");
  g_assert_cmpstr (layer (f, 3)->name, ==, "flat");
  /* A layer without bias gets one. */
  g_assert_nonnull (layer (f, 0)->bias);
  g_assert_cmpuint (layer (f, 0)->n_bias, ==, 4);
  g_assert_true (layer (f, 0)->use_bias);
  g_assert_cmpuint (layer (f, 0)->n_params, ==, 4 * 9 * 2 + 4);
  /* Inputs remapped to the new indices. */
  for (guint i = 0; i < f->layers->len; i++)
    g_assert_cmpint (layer (f, i)->inputs[0], ==, (int) i - 1);
  /* The original is untouched. */
  g_assert_null (layer (m, 0)->bias);
  g_assert_cmpuint (em_nn_model_n_params (f), ==, em_nn_model_n_params (m) - 4 * 4 - 4 * 8 + 4);
  assert_same_outputs (m, f, 1);

  /* The folded model serializes and still computes the same. */
  {
    g_autoptr(GBytes) blob = em_nn_model_save (f);
    g_autoptr(GError) error = NULL;
    g_autoptr(EmNnModel) back = em_nn_model_load (blob, &error);
    g_assert_no_error (error);
    assert_same_outputs (m, back, 2);
  }
}

/* Everything else: a bn after a relu conv (→ 1×1 depthwise), dropout inside
 * and before a foldable bn, a bn on the model input, a bn whose producer has
 * two readers (cannot fold), a bn after dense, a residual add whose input
 * indices must be remapped. */
static const char mixed_json[] =
  "{\"input_shape\": [5, 5, 3], \"layers\": ["
  " {\"type\": \"batchnorm\", \"name\": \"bn_in\"},"
  " {\"type\": \"conv2d\", \"name\": \"c1\", \"filters\": 4, \"kernel_size\": 3, \"padding\": \"same\", \"activation\": \"relu\"},"
  " {\"type\": \"batchnorm\", \"name\": \"bn_relu\"},"
  " {\"type\": \"dropout\", \"name\": \"drop1\", \"rate\": 0.3},"
  " {\"type\": \"conv2d\", \"name\": \"c2\", \"filters\": 4, \"kernel_size\": 1},"
  " {\"type\": \"dropout\", \"name\": \"drop2\", \"rate\": 0.5},"
  " {\"type\": \"batchnorm\", \"name\": \"bn_c2\"},"
  " {\"type\": \"conv2d\", \"name\": \"c3\", \"filters\": 4, \"kernel_size\": 3, \"padding\": \"same\"},"
  " {\"type\": \"batchnorm\", \"name\": \"bn_shared\"},"
  " {\"type\": \"add\", \"name\": \"res\", \"inputs\": [\"bn_shared\", \"c3\"], \"activation\": \"relu\"},"
  " {\"type\": \"add\", \"name\": \"res2\", \"inputs\": [\"res\", \"drop1\"]},"
  " {\"type\": \"maxpool2d\", \"name\": \"pool\", \"pool_size\": 2, \"padding\": \"same\"},"
  " {\"type\": \"global_avgpool\", \"name\": \"gap\"},"
  " {\"type\": \"dense\", \"name\": \"d1\", \"units\": 6},"
  " {\"type\": \"batchnorm\", \"name\": \"bn_d1\"},"
  " {\"type\": \"batchnorm\", \"name\": \"bn_d1b\"},"
  " {\"type\": \"activation\", \"name\": \"tanh\", \"activation\": \"tanh\"},"
  " {\"type\": \"dense\", \"name\": \"d2\", \"units\": 3},"
  " {\"type\": \"softmax\", \"name\": \"sm\"},"
  " {\"type\": \"dropout\", \"name\": \"drop_last\"}]}";

static int
find (const EmNnModel *m, const char *name)
{
  for (guint i = 0; i < m->layers->len; i++)
    if (strcmp (layer (m, i)->name, name) == 0)
      return (int) i;
  return -2;
}

static void
test_fold_mixed (void)
{
  g_autoptr(EmNnModel) m = random_model (mixed_json, 5);
  g_autoptr(EmNnModel) f = fold_ok (m);
  const char *kept[] = { "bn_in", "c1", "bn_relu", "c2", "c3", "bn_shared", "res", "res2",
                         "pool", "gap", "d1", "tanh", "d2", "sm" };
  EmNnLayer *l;

  g_assert_cmpuint (f->layers->len, ==, G_N_ELEMENTS (kept));
  for (gsize i = 0; i < G_N_ELEMENTS (kept); i++)
    g_assert_cmpstr (layer (f, i)->name, ==, kept[i]);

  /* Unfoldable batchnorms became 1×1 depthwise scale-and-shift. */
  for (int k = 0; k < 3; k++)
    {
      l = layer (f, find (f, k == 0 ? "bn_in" : k == 1 ? "bn_relu" : "bn_shared"));
      g_assert_cmpint (l->type, ==, EM_NN_DEPTHWISE_CONV2D);
      g_assert_cmpint (l->kernel_h, ==, 1);
      g_assert_cmpint (l->kernel_w, ==, 1);
      g_assert_cmpint (l->depth_multiplier, ==, 1);
      g_assert_cmpint (l->activation, ==, EM_NN_ACT_NONE);
      g_assert_cmpuint (l->n_weights, ==, (gsize) l->in.c);
      g_assert_cmpuint (l->n_params, ==, 2 * (gsize) l->in.c);
      g_assert_cmpint (l->out.c, ==, l->in.c);
    }
  /* Inputs point at the right layers after removal. */
  g_assert_cmpint (layer (f, find (f, "c2"))->inputs[0], ==, find (f, "bn_relu"));
  g_assert_cmpint (layer (f, find (f, "c3"))->inputs[0], ==, find (f, "c2"));
  l = layer (f, find (f, "res"));
  g_assert_cmpint (l->inputs[0], ==, find (f, "bn_shared"));
  g_assert_cmpint (l->inputs[1], ==, find (f, "c3"));
  l = layer (f, find (f, "res2"));
  g_assert_cmpint (l->inputs[0], ==, find (f, "res"));
  g_assert_cmpint (l->inputs[1], ==, find (f, "bn_relu"));
  g_assert_cmpint (layer (f, find (f, "tanh"))->inputs[0], ==, find (f, "d1"));
  g_assert_cmpint (layer (f, 0)->inputs[0], ==, -1);
  assert_same_outputs (m, f, 3);

  /* Folding is idempotent. */
  {
    g_autoptr(EmNnModel) f2 = fold_ok (f);
    g_autofree char *a = em_nn_model_to_json (f), *b = em_nn_model_to_json (f2);
    g_assert_cmpstr (a, ==, b);
    assert_same_outputs (f, f2, 4);
  }
}

static void
test_fold_errors (void)
{
  g_autoptr(EmNnModel) m = random_model (chain_json, 3);
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnModel) f = NULL;

  layer (m, 4)->moving_var[1] = -1.0f;
  f = em_nn_model_fold (m, &error);
  g_assert_null (f);
  g_assert_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL);
  g_assert_true (g_str_has_prefix (error->message, "bn2: "));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nn/fold/chain", test_fold_chain);
  g_test_add_func ("/nn/fold/mixed", test_fold_mixed);
  g_test_add_func ("/nn/fold/errors", test_fold_errors);
  return g_test_run ();
}
