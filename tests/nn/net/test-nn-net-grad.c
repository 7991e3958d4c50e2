/* SPDX-License-Identifier: Apache-2.0 */
/* Training passes (em-nn-net.h): every layer type's parameter and input
 * gradients against central finite differences.
 *
 * Gradient checks: loss = Σ r ⊙ output (r fixed, uniform in [-1, 1]) or
 * cross-entropy for the fused softmax, summed in double; step h = 1e-3 on
 * float values (the realised step (v + h) − (v − h) in float is used).
 * Tolerance |numeric − analytic| ≤ ATOL + RTOL · max(|numeric|, |analytic|):
 *  - ATOL 2e-3: the forward is float, so the loss carries rounding noise of
 *    about √(outputs) · 6e-8 · |r·y| ≈ 1e-6 for these small nets; divided by
 *    2h that is ~5e-4 in the numeric derivative. 4× margin.
 *  - RTOL 1e-2: central differences are exact to O(h²·f'''), far below 1 %
 *    for these smooth functions at h = 1e-3.
 * A bug in a backward pass shows up as errors of order the gradient itself
 * (0.1 – 1 here), hundreds of times the tolerance.
 * Where the forward is not smooth (a ReLU or max-pool tie crossed within
 * ±h), the one-sided differences disagree; such a point is skipped only if
 * it fails AND |forward − backward difference| > tolerance (a kink explains
 * at most half that error), and at most a tenth of the points may be
 * skipped. Inputs of pure relu / max-pool checks are drawn away from kinks
 * and ties anyway.
 */
#include "test-nn-net-util.h"

#define H     1e-3
#define ATOL  2e-3
#define RTOL  1e-2
#define MAX_POINTS 24   /* checked entries per tensor */

typedef enum { LOSS_LINEAR, LOSS_CE } LossKind;

typedef struct {
  EmNnModel *model;
  EmNnNet   *net;
  GRand     *drop_rand;
  int        n, in_size, out_size;
  float     *x, *r;
  int       *labels;
  LossKind   loss;
  gboolean   fused, training;
  /* results */
  int        checked, kinks;
  double     worst;   /* max error / tolerance */
} Check;

static double
loss_at (Check *c)
{
  const float *y;
  double L = 0.0;

  /* The same dropout mask at every evaluation. */
  g_rand_set_seed (c->drop_rand, 99);
  y = em_nn_net_forward (c->net, c->x, c->n, c->training, c->drop_rand);
  if (c->loss == LOSS_LINEAR)
    for (int i = 0; i < c->n * c->out_size; i++)
      L += (double) c->r[i] * y[i];
  else
    for (int b = 0; b < c->n; b++)
      L -= log ((double) y[b * c->out_size + c->labels[b]]);
  return L;
}

static void
compare_point (Check *c, float *v, double analytic, double L0, const char *what, gsize idx)
{
  float old = *v, vp = old + (float) H, vm = old - (float) H;
  double Lp, Lm, num, fwd, bwd, err, tol;

  *v = vp;
  Lp = loss_at (c);
  *v = vm;
  Lm = loss_at (c);
  *v = old;
  num = (Lp - Lm) / ((double) vp - (double) vm);
  fwd = (Lp - L0) / ((double) vp - old);
  bwd = (L0 - Lm) / ((double) old - vm);
  err = fabs (num - analytic);
  tol = ATOL + RTOL * MAX (fabs (num), fabs (analytic));
  c->checked++;
  if (err > tol && fabs (fwd - bwd) > tol)
    {
      c->kinks++;
      return;
    }
  if (err > tol)
    g_error ("%s[%" G_GSIZE_FORMAT "]: analytic %.6g, numeric %.6g (error %.3g > tolerance %.3g)",
             what, idx, analytic, num, err, tol);
  c->worst = MAX (c->worst, err / tol);
}

static void
check_tensor (Check *c, float *v, const float *grad, gsize n, double L0, const char *what, GRand *r)
{
  g_autofree float *g = g_memdup2 (grad, n * sizeof (float));

  if (n <= MAX_POINTS)
    for (gsize i = 0; i < n; i++)
      compare_point (c, &v[i], g[i], L0, what, i);
  else
    for (int k = 0; k < MAX_POINTS; k++)
      {
        gsize i = (gsize) g_rand_int_range (r, 0, (gint32) n);
        compare_point (c, &v[i], g[i], L0, what, i);
      }
}

/* Forward + backward once, then every parameter tensor and the input
 * against finite differences. */
static void
grad_check_full (const char *json, int n, XFill xfill, LossKind loss, gboolean training)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) r = g_rand_new_with_seed (42);
  g_autoptr(EmNnModel) model = make_model (json, 7);
  g_autoptr(EmNnNet) net = em_nn_net_new (model, n, &error);
  g_autofree float *d = NULL, *input_grad = NULL;
  GArray *params;
  const float *y;
  double L0;
  Check c = { 0 };

  g_assert_no_error (error);
  c.model = model;
  c.net = net;
  c.drop_rand = g_rand_new ();
  c.n = n;
  c.in_size = em_nn_dims_size (model->input);
  c.out_size = em_nn_dims_size (em_nn_model_output (model));
  c.loss = loss;
  c.fused = loss == LOSS_CE;
  c.training = training;
  c.x = g_new (float, n * c.in_size);
  c.r = g_new (float, n * c.out_size);
  c.labels = g_new (int, n);
  fill_x (c.x, (gsize) n * c.in_size, xfill, r);
  fill_x (c.r, (gsize) n * c.out_size, X_UNIFORM, r);
  for (int b = 0; b < n; b++)
    c.labels[b] = g_rand_int_range (r, 0, c.out_size);

  L0 = loss_at (&c);
  y = em_nn_net_forward (net, c.x, n, training, (g_rand_set_seed (c.drop_rand, 99), c.drop_rand));
  d = g_new (float, n * c.out_size);
  for (int i = 0; i < n * c.out_size; i++)
    d[i] = loss == LOSS_LINEAR ? c.r[i] : y[i] - (c.labels[i / c.out_size] == i % c.out_size);
  em_nn_net_backward (net, d, n, c.fused);
  input_grad = g_memdup2 (em_nn_net_input_grad (net), sizeof (float) * n * c.in_size);

  params = em_nn_net_params (net);
  for (guint p = 0; p < params->len; p++)
    {
      EmNnParam *prm = &g_array_index (params, EmNnParam, p);
      g_autofree char *what = g_strdup_printf ("%s param %u", prm->layer, p);
      check_tensor (&c, prm->value, prm->grad, prm->n, L0, what, r);
    }
  check_tensor (&c, c.x, input_grad, (gsize) n * c.in_size, L0, "input", r);

  g_test_message ("%d points, %d skipped at kinks, worst error %.3f of tolerance", c.checked,
                  c.kinks, c.worst);
  g_assert_cmpint (c.checked, >, 0);
  g_assert_cmpint (c.kinks, <=, MAX (1, c.checked / 10));
  g_rand_free (c.drop_rand);
  g_free (c.x);
  g_free (c.r);
  g_free (c.labels);
}

static void
grad_check (const char *json, int n, XFill xfill)
{
  grad_check_full (json, n, xfill, LOSS_LINEAR, TRUE);
}

static void
test_grad_dense (void)
{
  grad_check ("{\"input_shape\": [12], \"layers\": [{\"type\": \"dense\", \"units\": 5},"
              " {\"type\": \"dense\", \"units\": 4, \"activation\": \"tanh\"}]}", 3, X_UNIFORM);
}

static void
test_grad_conv1d (void)
{
  grad_check ("{\"input_shape\": [10, 3], \"layers\": ["
              " {\"type\": \"conv1d\", \"filters\": 4, \"kernel_size\": 3, \"padding\": \"same\","
              "  \"activation\": \"sigmoid\"},"
              " {\"type\": \"conv1d\", \"filters\": 2, \"kernel_size\": 2, \"strides\": 2}]}", 2, X_UNIFORM);
}

static void
test_grad_conv2d_stride2_same (void)
{
  grad_check ("{\"input_shape\": [7, 7, 3], \"layers\": [{\"type\": \"conv2d\", \"filters\": 4,"
              " \"kernel_size\": 3, \"strides\": 2, \"padding\": \"same\", \"activation\": \"tanh\"}]}",
              2, X_UNIFORM);
  /* even kernel, unequal strides: padding only on one side */
  grad_check ("{\"input_shape\": [6, 7, 2], \"layers\": [{\"type\": \"conv2d\", \"filters\": 3,"
              " \"kernel_size\": [2, 4], \"strides\": [2, 3], \"padding\": \"same\"}]}", 2, X_UNIFORM);
}

static void
test_grad_conv2d_valid (void)
{
  grad_check ("{\"input_shape\": [6, 5, 2], \"layers\": [{\"type\": \"conv2d\", \"filters\": 3,"
              " \"kernel_size\": [3, 2], \"activation\": \"relu\"},"
              " {\"type\": \"conv2d\", \"filters\": 2, \"kernel_size\": 2, \"activation\": \"tanh\"}]}",
              2, X_UNIFORM);
}

static void
test_grad_conv2d_1x1 (void)
{
  grad_check ("{\"input_shape\": [4, 4, 3], \"layers\": ["
              " {\"type\": \"conv2d\", \"filters\": 5, \"kernel_size\": 1},"
              " {\"type\": \"conv2d\", \"filters\": 2, \"kernel_size\": 1, \"activation\": \"sigmoid\"}]}",
              2, X_UNIFORM);
}

static void
test_grad_depthwise (void)
{
  grad_check ("{\"input_shape\": [7, 7, 3], \"layers\": ["
              " {\"type\": \"depthwise_conv2d\", \"kernel_size\": 3, \"depth_multiplier\": 2,"
              "  \"strides\": 2, \"padding\": \"same\", \"activation\": \"relu6\"},"
              " {\"type\": \"depthwise_conv2d\", \"kernel_size\": 2}]}", 2, X_UNIFORM);
}

static void
test_grad_maxpool (void)
{
  grad_check ("{\"input_shape\": [7, 3], \"layers\": [{\"type\": \"maxpool1d\", \"pool_size\": 2,"
              " \"padding\": \"same\"}]}", 2, X_DISTINCT);
  grad_check ("{\"input_shape\": [7, 7, 2], \"layers\": [{\"type\": \"maxpool2d\", \"pool_size\": 3,"
              " \"strides\": 2, \"padding\": \"same\"}]}", 2, X_DISTINCT);
  /* inside a network: the pool's gradient reaches a conv's parameters */
  grad_check ("{\"input_shape\": [6, 6, 2], \"layers\": [{\"type\": \"conv2d\", \"filters\": 3,"
              " \"kernel_size\": 3, \"padding\": \"same\"},"
              " {\"type\": \"maxpool2d\", \"pool_size\": [2, 3], \"padding\": \"same\"},"
              " {\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": 2}]}", 2, X_UNIFORM);
}

static void
test_grad_avgpool (void)
{
  grad_check ("{\"input_shape\": [7, 3], \"layers\": [{\"type\": \"avgpool1d\", \"pool_size\": 3,"
              " \"strides\": 2, \"padding\": \"same\"}]}", 2, X_UNIFORM);
  grad_check ("{\"input_shape\": [5, 6, 2], \"layers\": [{\"type\": \"avgpool2d\", \"pool_size\": 2,"
              " \"padding\": \"same\"}, {\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": 3}]}", 2, X_UNIFORM);
}

static void
test_grad_global_avgpool (void)
{
  grad_check ("{\"input_shape\": [4, 5, 3], \"layers\": [{\"type\": \"conv2d\", \"filters\": 4,"
              " \"kernel_size\": 3, \"padding\": \"same\", \"activation\": \"tanh\"},"
              " {\"type\": \"global_avgpool\"}, {\"type\": \"dense\", \"units\": 3}]}", 2, X_UNIFORM);
}

static void
test_grad_batchnorm (void)
{
  /* training mode: batch statistics couple the samples */
  grad_check ("{\"input_shape\": [5, 4, 3], \"layers\": [{\"type\": \"conv2d\", \"filters\": 4,"
              " \"kernel_size\": 3, \"padding\": \"same\", \"use_bias\": false},"
              " {\"type\": \"batchnorm\"}, {\"type\": \"activation\", \"activation\": \"tanh\"},"
              " {\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": 3}]}", 4, X_UNIFORM);
  grad_check ("{\"input_shape\": [6], \"layers\": [{\"type\": \"batchnorm\"}]}", 5, X_UNIFORM);
  /* inference mode: moving statistics are constants */
  grad_check_full ("{\"input_shape\": [2, 3], \"layers\": [{\"type\": \"batchnorm\"},"
                   " {\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": 2}]}", 3, X_UNIFORM, LOSS_LINEAR, FALSE);
}

static void
test_grad_add (void)
{
  /* d1 feeds d2 and a1; the model input feeds d1 and a2. */
  grad_check ("{\"input_shape\": [8], \"layers\": ["
              " {\"type\": \"dense\", \"units\": 8, \"name\": \"d1\"},"
              " {\"type\": \"dense\", \"units\": 8, \"activation\": \"tanh\", \"name\": \"d2\"},"
              " {\"type\": \"add\", \"inputs\": [\"d1\", \"d2\"], \"activation\": \"relu\", \"name\": \"a1\"},"
              " {\"type\": \"add\", \"inputs\": [\"input\", \"a1\"], \"name\": \"a2\"},"
              " {\"type\": \"dense\", \"units\": 3}]}", 3, X_UNIFORM);
  /* gradients accumulated by conv (col2im and 1×1), depthwise and pools */
  grad_check ("{\"input_shape\": [5, 5, 2], \"layers\": ["
              " {\"type\": \"conv2d\", \"filters\": 3, \"kernel_size\": 3, \"padding\": \"same\","
              "  \"activation\": \"tanh\", \"name\": \"a\"},"
              " {\"type\": \"conv2d\", \"filters\": 3, \"kernel_size\": 3, \"padding\": \"same\", \"name\": \"b\"},"
              " {\"type\": \"conv2d\", \"filters\": 3, \"kernel_size\": 1, \"inputs\": [\"a\"], \"name\": \"c\"},"
              " {\"type\": \"depthwise_conv2d\", \"kernel_size\": 3, \"padding\": \"same\", \"inputs\": [\"a\"],"
              "  \"name\": \"d\"},"
              " {\"type\": \"add\", \"inputs\": [\"b\", \"c\"], \"name\": \"s1\"},"
              " {\"type\": \"add\", \"inputs\": [\"s1\", \"d\"], \"name\": \"s2\"},"
              " {\"type\": \"maxpool2d\", \"pool_size\": 2, \"padding\": \"same\", \"name\": \"p1\"},"
              " {\"type\": \"avgpool2d\", \"pool_size\": 2, \"padding\": \"same\", \"inputs\": [\"s2\"],"
              "  \"name\": \"p2\"},"
              " {\"type\": \"maxpool2d\", \"pool_size\": 3, \"strides\": 2, \"padding\": \"same\","
              "  \"inputs\": [\"s2\"], \"name\": \"p3\"},"
              " {\"type\": \"add\", \"inputs\": [\"p1\", \"p2\"], \"name\": \"s3\"},"
              " {\"type\": \"add\", \"inputs\": [\"s3\", \"p3\"]},"
              " {\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": 2}]}", 2, X_UNIFORM);
  /* a layer added to itself */
  grad_check ("{\"input_shape\": [4], \"layers\": [{\"type\": \"dense\", \"units\": 3, \"name\": \"d\"},"
              " {\"type\": \"add\", \"inputs\": [\"d\", \"d\"], \"activation\": \"sigmoid\"}]}", 2, X_UNIFORM);
}

static void
test_grad_activations (void)
{
  const char *acts[] = { "linear", "relu", "relu6", "sigmoid", "tanh" };

  for (guint i = 0; i < G_N_ELEMENTS (acts); i++)
    {
      g_autofree char *alone = g_strdup_printf ("{\"input_shape\": [3, 4], \"layers\": ["
                                                "{\"type\": \"activation\", \"activation\": \"%s\"}]}",
                                                acts[i]);
      g_autofree char *fused = g_strdup_printf ("{\"input_shape\": [6], \"layers\": ["
                                                "{\"type\": \"dense\", \"units\": 5, \"activation\": \"%s\"}]}",
                                                acts[i]);
      /* X_AWAY spans [-8, 8] (relu6 saturates) but keeps clear of 0 and 6 */
      grad_check (alone, 2, X_AWAY);
      grad_check (fused, 2, X_UNIFORM);
    }
}

static void
test_grad_softmax (void)
{
  const char *json = "{\"input_shape\": [6], \"layers\": [{\"type\": \"dense\", \"units\": 5},"
                     " {\"type\": \"softmax\"}]}";

  grad_check (json, 3, X_UNIFORM);                                  /* general Jacobian */
  grad_check_full (json, 3, X_UNIFORM, LOSS_CE, TRUE);              /* fused, d = p − t */
}

static void
test_grad_reshape (void)
{
  grad_check ("{\"input_shape\": [24], \"layers\": [{\"type\": \"reshape\", \"shape\": [2, 3, 4]},"
              " {\"type\": \"conv2d\", \"filters\": 2, \"kernel_size\": 2, \"activation\": \"tanh\"},"
              " {\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": 3}]}", 2, X_UNIFORM);
}

static void
test_grad_dropout (void)
{
  /* training mode with the mask held fixed by reseeding */
  grad_check ("{\"input_shape\": [10], \"layers\": [{\"type\": \"dense\", \"units\": 12,"
              " \"activation\": \"tanh\"}, {\"type\": \"dropout\", \"rate\": 0.4},"
              " {\"type\": \"dense\", \"units\": 3}]}", 2, X_UNIFORM);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nn/net/grad/dense", test_grad_dense);
  g_test_add_func ("/nn/net/grad/conv1d", test_grad_conv1d);
  g_test_add_func ("/nn/net/grad/conv2d-stride2-same", test_grad_conv2d_stride2_same);
  g_test_add_func ("/nn/net/grad/conv2d-valid", test_grad_conv2d_valid);
  g_test_add_func ("/nn/net/grad/conv2d-1x1", test_grad_conv2d_1x1);
  g_test_add_func ("/nn/net/grad/depthwise", test_grad_depthwise);
  g_test_add_func ("/nn/net/grad/maxpool", test_grad_maxpool);
  g_test_add_func ("/nn/net/grad/avgpool", test_grad_avgpool);
  g_test_add_func ("/nn/net/grad/global-avgpool", test_grad_global_avgpool);
  g_test_add_func ("/nn/net/grad/batchnorm", test_grad_batchnorm);
  g_test_add_func ("/nn/net/grad/add", test_grad_add);
  g_test_add_func ("/nn/net/grad/activations", test_grad_activations);
  g_test_add_func ("/nn/net/grad/softmax", test_grad_softmax);
  g_test_add_func ("/nn/net/grad/reshape", test_grad_reshape);
  g_test_add_func ("/nn/net/grad/dropout", test_grad_dropout);
  return g_test_run ();
}
