/* SPDX-License-Identifier: Apache-2.0 */
/* Compiling models into EmNnPrograms: float against the training forward
 * pass, int8 against float, arena sizes, save / load (including damaged
 * blobs) and determinism. */
#include <math.h>
#include <string.h>
#include "em-nn-compile-private.h"
#include "em-nn-net.h"

#define N_CALIB 256
#define N_TEST 200

typedef struct {
  const char *name;
  const char *json;
  gboolean    plain_chain;
} Net;

static const Net nets[] = {
  { "keyword-conv1d",
    "{\"input_shape\": [49, 13], \"layers\": ["
    " {\"type\": \"conv1d\", \"name\": \"conv1\", \"filters\": 8, \"kernel_size\": 3,"
    "  \"padding\": \"same\", \"activation\": \"relu\"},"
    " {\"type\": \"maxpool1d\", \"name\": \"pool1\", \"pool_size\": 2},"
    " {\"type\": \"conv1d\", \"name\": \"conv2\", \"filters\": 16, \"kernel_size\": 3,"
    "  \"padding\": \"same\", \"activation\": \"relu\"},"
    " {\"type\": \"maxpool1d\", \"name\": \"pool2\", \"pool_size\": 2},"
    " {\"type\": \"dropout\", \"name\": \"drop\", \"rate\": 0.25},"
    " {\"type\": \"flatten\", \"name\": \"flat\"},"
    " {\"type\": \"dense\", \"name\": \"fc\", \"units\": 4},"
    " {\"type\": \"softmax\", \"name\": \"prob\"}]}", FALSE },
  { "cnn-batchnorm",
    "{\"input_shape\": [12, 12, 2], \"layers\": ["
    " {\"type\": \"conv2d\", \"name\": \"c1\", \"filters\": 6, \"kernel_size\": 3, \"padding\": \"same\"},"
    " {\"type\": \"batchnorm\", \"name\": \"bn1\"},"
    " {\"type\": \"activation\", \"name\": \"r1\", \"activation\": \"relu\"},"
    " {\"type\": \"maxpool2d\", \"name\": \"p1\", \"pool_size\": 2},"
    " {\"type\": \"dropout\", \"name\": \"d1\", \"rate\": 0.3},"
    " {\"type\": \"conv2d\", \"name\": \"c2\", \"filters\": 8, \"kernel_size\": 3, \"strides\": 2,"
    "  \"activation\": \"relu\"},"
    " {\"type\": \"avgpool2d\", \"name\": \"p2\", \"pool_size\": 2, \"strides\": 1, \"padding\": \"same\"},"
    " {\"type\": \"flatten\", \"name\": \"f\"},"
    " {\"type\": \"dense\", \"name\": \"fc\", \"units\": 5},"
    " {\"type\": \"softmax\", \"name\": \"sm\"}]}", FALSE },
  { "mobilenet-block",
    "{\"input_shape\": [10, 10, 3], \"layers\": ["
    " {\"type\": \"conv2d\", \"name\": \"stem\", \"filters\": 8, \"kernel_size\": 3, \"strides\": 2,"
    "  \"padding\": \"same\"},"
    " {\"type\": \"batchnorm\", \"name\": \"stem_bn\"},"
    " {\"type\": \"activation\", \"name\": \"stem_relu\", \"activation\": \"relu6\"},"
    " {\"type\": \"depthwise_conv2d\", \"name\": \"dw\", \"kernel_size\": 3, \"padding\": \"same\"},"
    " {\"type\": \"batchnorm\", \"name\": \"dw_bn\"},"
    " {\"type\": \"activation\", \"name\": \"dw_relu\", \"activation\": \"relu6\"},"
    " {\"type\": \"conv2d\", \"name\": \"pw\", \"filters\": 8, \"kernel_size\": 1},"
    " {\"type\": \"batchnorm\", \"name\": \"pw_bn\"},"
    " {\"type\": \"add\", \"name\": \"res\", \"inputs\": [\"stem_relu\", \"pw_bn\"]},"
    " {\"type\": \"depthwise_conv2d\", \"name\": \"dw2\", \"kernel_size\": 3, \"depth_multiplier\": 2,"
    "  \"activation\": \"relu6\"},"
    " {\"type\": \"global_avgpool\", \"name\": \"gap\"},"
    " {\"type\": \"dense\", \"name\": \"fc\", \"units\": 4},"
    " {\"type\": \"softmax\", \"name\": \"sm\"}]}", FALSE },
  { "dense-sigmoid-tanh",
    "{\"input_shape\": [20], \"layers\": ["
    " {\"type\": \"dense\", \"name\": \"d1\", \"units\": 16, \"activation\": \"sigmoid\"},"
    " {\"type\": \"dense\", \"name\": \"d2\", \"units\": 12},"
    " {\"type\": \"activation\", \"name\": \"t2\", \"activation\": \"tanh\"},"
    " {\"type\": \"dense\", \"name\": \"d3\", \"units\": 10, \"activation\": \"tanh\"},"
    " {\"type\": \"dense\", \"name\": \"d4\", \"units\": 3},"
    " {\"type\": \"softmax\", \"name\": \"sm\"}]}", TRUE },
};

/* Edge cases: an op-less model (input and output share bytes) and a
 * standalone ReLU (a table in int8) next to a fused ReLU6 as the output. */
static const Net edge_nets[] = {
  { "flatten-only",
    "{\"input_shape\": [4, 3], \"layers\": [{\"type\": \"flatten\", \"name\": \"f\"}]}", FALSE },
  { "pool-relu-dense-relu6",
    "{\"input_shape\": [8, 2], \"layers\": ["
    " {\"type\": \"maxpool1d\", \"name\": \"p\", \"pool_size\": 2},"
    " {\"type\": \"activation\", \"name\": \"r\", \"activation\": \"relu\"},"
    " {\"type\": \"flatten\", \"name\": \"f\"},"
    " {\"type\": \"dense\", \"name\": \"d\", \"units\": 3},"
    " {\"type\": \"activation\", \"name\": \"r6\", \"activation\": \"relu6\"}]}", TRUE },
};

static float
uniform (GRand *r, double lo, double hi)
{
  return (float) g_rand_double_range (r, lo, hi);
}

/* Glorot weights, then biases and batchnorm statistics set by hand so that
 * every path (bias, folded scale and shift) carries real numbers. */
static EmNnModel *
make_model (const Net *net, guint64 seed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) r = g_rand_new_with_seed ((guint32) seed);
  EmNnModel *m = em_nn_model_new_from_json (net->json, &error);

  g_assert_no_error (error);
  em_nn_model_init_weights (m, seed);
  for (guint i = 0; i < m->layers->len; i++)
    {
      EmNnLayer *l = g_ptr_array_index (m->layers, i);
      for (gsize k = 0; l->bias != NULL && k < l->n_bias; k++)
        l->bias[k] = uniform (r, -0.2, 0.2);
      if (l->type == EM_NN_BATCHNORM)
        for (int c = 0; c < l->in.c; c++)
          {
            l->gamma[c] = uniform (r, 0.5, 1.5);
            l->beta[c] = uniform (r, -0.3, 0.3);
            l->moving_mean[c] = uniform (r, -0.5, 0.5);
            l->moving_var[c] = uniform (r, 0.5, 2.0);
          }
    }
  return m;
}

/* Windows from one distribution: a per-feature offset plus noise, so
 * calibration and test windows are alike but not the same. */
static float *
make_windows (const EmNnModel *m, int n, guint32 seed)
{
  g_autoptr(GRand) r = g_rand_new_with_seed (seed);
  g_autoptr(GRand) fixed = g_rand_new_with_seed (7);
  int size = em_nn_dims_size (m->input);
  g_autofree float *offset = g_new (float, size);
  float *x = g_new (float, (gsize) n * size);

  for (int k = 0; k < size; k++)
    offset[k] = uniform (fixed, -0.5, 0.5);
  for (int i = 0; i < n; i++)
    for (int k = 0; k < size; k++)
      x[(gsize) i * size + k] = offset[k] + uniform (r, -1.0, 1.0) + uniform (r, -1.0, 1.0);
  return x;
}

static int
argmax (const float *v, int n)
{
  int best = 0;

  for (int k = 1; k < n; k++)
    if (v[k] > v[best])
      best = k;
  return best;
}

static void
test_float_matches_net (gconstpointer data)
{
  const Net *net = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnModel) m = make_model (net, 11);
  g_autoptr(EmNnCompiled) c = em_nn_compile_float (m, &error);
  g_autoptr(EmNnNet) nn = NULL;
  int out_n = em_nn_dims_size (em_nn_model_output (m));
  g_autofree float *x = make_windows (m, 16, 3);
  g_autofree float *y = g_new (float, 16 * (gsize) out_n);
  const float *ref;
  double worst = 0.0;

  g_assert_no_error (error);
  g_assert_nonnull (c);
  g_assert_false (em_nn_compiled_program (c)->is_int8);
  nn = em_nn_net_new (m, 16, &error);
  g_assert_no_error (error);
  ref = em_nn_net_forward (nn, x, 16, FALSE, NULL);
  em_nn_compiled_run_batch (c, x, 16, y);
  for (int i = 0; i < 16; i++)
    {
      float scale = 1.0f;
      for (int k = 0; k < out_n; k++)
        scale = MAX (scale, fabsf (ref[i * out_n + k]));
      for (int k = 0; k < out_n; k++)
        {
          double e = fabs (y[i * out_n + k] - ref[i * out_n + k]) / scale;
          worst = MAX (worst, e);
          g_assert_cmpfloat (e, <=, 1e-5);
        }
    }
  g_test_message ("%s: float compiled vs net forward, max relative error %.3g (%u ops, %"
                  G_GSIZE_FORMAT " weight bytes)", net->name, worst,
                  em_nn_compiled_program (c)->n_ops, em_nn_compiled_weight_bytes (c));
}

/* Arena: within [largest single op's input + output, sum of all buffers]. */
static void
check_arena (const EmNnCompiled *c, const char *what, gboolean plain_chain)
{
  const EmNnProgram *p = em_nn_compiled_program (c);
  guint64 elem = p->is_int8 ? 1 : 4, total, biggest_op = 0;
  const EmNnTensor *t = p->tensors;

  total = (t[p->input_tensor].size * elem + 15) / 16 * 16;
  for (guint32 i = 0; i < p->n_ops; i++)
    {
      const EmNnOp *op = &p->ops[i];
      guint64 bytes = (t[op->input].size + t[op->output].size) * elem;
      if (op->input2 >= 0)
        bytes += t[op->input2].size * elem;
      biggest_op = MAX (biggest_op, bytes);
      total += (t[op->output].size * elem + 15) / 16 * 16;
    }
  g_test_message ("%s: arena %u bytes, no-reuse total %" G_GUINT64_FORMAT
                  ", largest op in+out %" G_GUINT64_FORMAT, what, p->arena_size, total, biggest_op);
  g_assert_cmpuint (p->arena_size, <=, total);
  g_assert_cmpuint (p->arena_size, >=, biggest_op);
  if (plain_chain)
    g_assert_cmpuint (p->arena_size, <, total);
}

static void
test_int8_matches_float (gconstpointer data)
{
  const Net *net = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnModel) m = make_model (net, 11);
  g_autofree float *calib = make_windows (m, N_CALIB, 1);
  g_autofree float *x = make_windows (m, N_TEST, 2);
  g_autoptr(EmNnCompiled) f = em_nn_compile_float (m, &error);
  g_autoptr(EmNnCompiled) q = NULL;
  int out_n = em_nn_dims_size (em_nn_model_output (m));
  g_autofree float *yf = g_new (float, (gsize) N_CALIB * out_n);
  g_autofree float *yq = g_new (float, (gsize) N_CALIB * out_n);
  const EmNnProgram *p;
  double worst = 0.0, worst_fresh = 0.0, bound, step;
  int agree = 0, layers = 0;

  g_assert_no_error (error);
  q = em_nn_compile_int8 (m, calib, N_CALIB, &error);
  g_assert_no_error (error);
  p = em_nn_compiled_program (q);
  g_assert_true (p->is_int8);

  /* The bound: every op that requantizes (conv, depthwise, dense, add,
   * tables, softmax; max pools and reshapes pass int8 values through)
   * rounds its output by up to half a step, and its input error, itself a
   * few steps of the previous tensor, comes out scaled by the layer. With
   * calibrated ranges each step is about range / 255 of its tensor, so the
   * final error in output steps grows about linearly with depth: we allow
   * 3 output steps per requantizing op, plus one for the input's rounding
   * at the edge (all there is for a model without ops). It holds where no
   * tensor leaves its calibrated range, which the calibration windows
   * guarantee; fresh windows can fall outside it and clip (their error is
   * reported, their argmax checked). */
  for (guint32 i = 0; i < p->n_ops; i++)
    if (p->ops[i].kind != EM_NN_OP_MAXPOOL && p->ops[i].kind != EM_NN_OP_COPY)
      layers++;
  step = p->tensors[p->output_tensor].scale;
  bound = (1.0 + 3.0 * layers) * step;
  em_nn_compiled_run_batch (f, calib, N_CALIB, yf);
  em_nn_compiled_run_batch (q, calib, N_CALIB, yq);
  for (int k = 0; k < N_CALIB * out_n; k++)
    worst = MAX (worst, fabs (yq[k] - yf[k]));

  em_nn_compiled_run_batch (f, x, N_TEST, yf);
  em_nn_compiled_run_batch (q, x, N_TEST, yq);
  for (int i = 0; i < N_TEST; i++)
    {
      for (int k = 0; k < out_n; k++)
        worst_fresh = MAX (worst_fresh, fabs (yq[i * out_n + k] - yf[i * out_n + k]));
      agree += argmax (yq + i * out_n, out_n) == argmax (yf + i * out_n, out_n);
    }
  g_test_message ("%s: int8 vs float max |error| %.4f on the calibration windows (%.2f output "
                  "steps of %.5f; bound %.4f = (1 + 3 x %d ops) steps), %.4f on fresh windows; "
                  "argmax agreement %d/%d; weight bytes int8 %" G_GSIZE_FORMAT " vs float %"
                  G_GSIZE_FORMAT, net->name, worst, worst / step, step, bound, layers, worst_fresh,
                  agree, N_TEST, em_nn_compiled_weight_bytes (q), em_nn_compiled_weight_bytes (f));
  g_assert_cmpfloat (worst, <=, bound);
  g_assert_cmpint (agree * 10, >=, N_TEST * 9);

  check_arena (f, "float", net->plain_chain);
  check_arena (q, "int8", net->plain_chain);
}

static void
test_names_and_fusion (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnModel) m = make_model (&nets[1], 5);
  g_autoptr(EmNnModel) d = make_model (&nets[3], 5);
  g_autofree float *calib = make_windows (d, 32, 1);
  g_autoptr(EmNnCompiled) c = em_nn_compile_float (m, &error);
  g_autoptr(EmNnCompiled) cf = NULL, cq = NULL;
  const char * const *names;
  const EmNnProgram *p;

  g_assert_no_error (error);
  p = em_nn_compiled_program (c);
  names = em_nn_compiled_op_names (c);
  /* conv+bn+relu, pool, conv(relu), avgpool, dense, softmax: dropout and
   * flatten cost no op, batchnorm folded, the relu layer fused. */
  g_assert_cmpuint (p->n_ops, ==, 6);
  g_assert_cmpuint (g_strv_length ((char **) names), ==, 6);
  g_assert_nonnull (strstr (names[0], "c1"));
  g_assert_nonnull (strstr (names[0], "+r1"));
  g_assert_cmpint (p->ops[0].act, ==, EM_NN_ACT_RELU);
  g_assert_cmpint (p->ops[5].kind, ==, EM_NN_OP_SOFTMAX);

  /* Float fuses sigmoid / tanh into dense; int8 keeps them as tables with
   * TFLite's fixed output quantization. */
  cf = em_nn_compile_float (d, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (em_nn_compiled_program (cf)->n_ops, ==, 5);
  cq = em_nn_compile_int8 (d, calib, 32, &error);
  g_assert_no_error (error);
  p = em_nn_compiled_program (cq);
  g_assert_cmpuint (p->n_ops, ==, 8);
  g_assert_cmpint (p->ops[1].kind, ==, EM_NN_OP_ACTIVATION);
  g_assert_cmpfloat (p->tensors[p->ops[1].output].scale, ==, 1.0f / 256.0f);
  g_assert_cmpint (p->tensors[p->ops[1].output].zero_point, ==, -128);
  g_assert_cmpint (p->ops[3].kind, ==, EM_NN_OP_ACTIVATION);
  g_assert_cmpfloat (p->tensors[p->ops[3].output].scale, ==, 1.0f / 128.0f);
  g_assert_cmpint (p->tensors[p->ops[3].output].zero_point, ==, 0);
  g_assert_cmpfloat (p->tensors[p->output_tensor].scale, ==, 1.0f / 256.0f);
  g_assert_cmpstr (em_nn_compiled_op_names (cq)[1], ==, "d1/sigmoid");
  g_assert_cmpstr (em_nn_compiled_op_names (cq)[3], ==, "t2");
  g_assert_cmpstr (em_nn_compiled_op_names (cf)[1], ==, "d2+t2");
}

static void
test_bad_calibration (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnModel) m = make_model (&nets[3], 5);
  g_autofree float *calib = make_windows (m, 4, 1);
  EmNnCompiled *q;

  q = em_nn_compile_int8 (m, calib, 0, &error);
  g_assert_null (q);
  g_assert_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA);
  g_clear_error (&error);
  calib[2 * 20 + 3] = NAN;
  q = em_nn_compile_int8 (m, calib, 4, &error);
  g_assert_null (q);
  g_assert_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "window 2"));
  g_clear_error (&error);

  /* A NaN weight is refused before anything is quantized. */
  ((EmNnLayer *) g_ptr_array_index (m->layers, 0))->weights[5] = NAN;
  g_assert_null (em_nn_compile_float (m, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  q = em_nn_compile_int8 (m, calib, 2, &error);
  g_assert_null (q);
  g_assert_nonnull (error);
}

static EmNnCompiled *
compile_int8_net (const Net *net, GBytes **saved)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnModel) m = make_model (net, 11);
  g_autofree float *calib = make_windows (m, 64, 1);
  EmNnCompiled *q = em_nn_compile_int8 (m, calib, 64, &error);

  g_assert_no_error (error);
  *saved = em_nn_compiled_save (q);
  return q;
}

static void
assert_same_outputs (EmNnCompiled *a, EmNnCompiled *b, const float *x, int n)
{
  const EmNnProgram *p = em_nn_compiled_program (a);
  gsize out_n = p->tensors[p->output_tensor].size;
  g_autofree float *ya = g_new (float, n * out_n);
  g_autofree float *yb = g_new (float, n * out_n);

  em_nn_compiled_run_batch (a, x, n, ya);
  em_nn_compiled_run_batch (b, x, n, yb);
  g_assert_cmpmem (ya, n * out_n * sizeof (float), yb, n * out_n * sizeof (float));
}

static void
test_save_load (gconstpointer data)
{
  const Net *net = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) saved = NULL, again = NULL;
  g_autoptr(EmNnCompiled) q = compile_int8_net (net, &saved);
  g_autoptr(EmNnCompiled) loaded = em_nn_compiled_load (saved, &error);
  g_autoptr(EmNnModel) m = make_model (net, 11);
  g_autoptr(EmNnCompiled) f = em_nn_compile_float (m, &error);
  g_autoptr(EmNnCompiled) f2 = NULL;
  g_autoptr(GBytes) fsaved = NULL;
  g_autofree float *x = make_windows (m, 32, 9);

  g_assert_no_error (error);
  assert_same_outputs (q, loaded, x, 32);
  g_assert_cmpuint (em_nn_compiled_weight_bytes (loaded), ==, em_nn_compiled_weight_bytes (q));
  g_assert_cmpstrv (em_nn_compiled_op_names (loaded), em_nn_compiled_op_names (q));
  again = em_nn_compiled_save (loaded);
  g_assert_true (g_bytes_equal (saved, again));

  fsaved = em_nn_compiled_save (f);
  f2 = em_nn_compiled_load (fsaved, &error);
  g_assert_no_error (error);
  assert_same_outputs (f, f2, x, 32);
  g_test_message ("%s: saved int8 %" G_GSIZE_FORMAT " bytes, float %" G_GSIZE_FORMAT " bytes",
                  net->name, g_bytes_get_size (saved), g_bytes_get_size (fsaved));
}

static void
test_deterministic (void)
{
  for (guint k = 0; k < G_N_ELEMENTS (nets); k++)
    {
      g_autoptr(GBytes) a = NULL, b = NULL;
      g_autoptr(EmNnCompiled) qa = compile_int8_net (&nets[k], &a);
      g_autoptr(EmNnCompiled) qb = compile_int8_net (&nets[k], &b);
      g_assert_true (g_bytes_equal (a, b));
    }
}

/* Load @data: refused with CORRUPT, or loaded and runnable. */
static gboolean
load_or_refuse (const guint8 *data, gsize n, const float *x)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) b = g_bytes_new_static (data, n);
  g_autoptr(EmNnCompiled) c = em_nn_compiled_load (b, &error);

  if (c == NULL)
    {
      g_assert_error (error, EM_NN_ERROR, EM_NN_ERROR_CORRUPT);
      return FALSE;
    }
  g_assert_no_error (error);
  {
    const EmNnProgram *p = em_nn_compiled_program (c);
    g_autofree float *in = g_new0 (float, p->tensors[p->input_tensor].size);
    g_autofree float *out = g_new (float, p->tensors[p->output_tensor].size);
    memcpy (in, x, MIN (p->tensors[p->input_tensor].size, 20u) * sizeof (float));
    em_nn_compiled_run (c, in, out);
  }
  return TRUE;
}

static void
damage (const char *what, GBytes *saved)
{
  gsize n;
  const guint8 *orig = g_bytes_get_data (saved, &n);
  g_autofree guint8 *buf = g_memdup2 (orig, n);
  static const guint8 flips[] = { 0x01, 0x80, 0xff };
  float x[20];
  guint refused = 0, accepted = 0, refused_fixed = 0, accepted_fixed = 0;

  for (int k = 0; k < 20; k++)
    x[k] = (float) sin (k);
  /* Every truncation is refused: the length is in the header. */
  for (gsize len = 0; len < n; len++)
    g_assert_false (load_or_refuse (orig, len, x));
  g_assert_true (load_or_refuse (orig, n, x));

  for (gsize i = 0; i < n; i++)
    for (guint f = 0; f < G_N_ELEMENTS (flips); f++)
      {
        guint64 sum;
        memcpy (buf, orig, n);
        buf[i] ^= flips[f];
        /* As damaged: the checksum refuses it. */
        if (load_or_refuse (buf, n, x))
          accepted++;
        else
          refused++;
        /* As if built to pass the checksum: the structural checks alone
         * must keep every kernel in bounds. */
        if (i >= n - 8)
          continue;
        sum = em_nn_compiled_checksum (buf, n - 8);
        for (int k = 0; k < 8; k++)
          buf[n - 8 + k] = (guint8) (sum >> (8 * k));
        if (load_or_refuse (buf, n, x))
          accepted_fixed++;
        else
          refused_fixed++;
      }
  g_test_message ("%s: %" G_GSIZE_FORMAT "-byte blob: damaged %u refused / %u loaded; with the "
                  "checksum fixed %u refused / %u loaded and ran", what, n, refused, accepted,
                  refused_fixed, accepted_fixed);
  g_assert_cmpuint (accepted, ==, 0);
  g_assert_cmpuint (refused_fixed, >, 0);
}

static void
test_damaged_blobs (gconstpointer data)
{
  const Net *net = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) saved = NULL, fsaved = NULL;
  g_autoptr(EmNnCompiled) q = compile_int8_net (net, &saved);
  g_autoptr(EmNnModel) m = make_model (net, 11);
  g_autoptr(EmNnCompiled) f = em_nn_compile_float (m, &error);
  g_autofree char *int8_what = g_strdup_printf ("%s int8", net->name);
  g_autofree char *float_what = g_strdup_printf ("%s float", net->name);

  g_assert_no_error (error);
  fsaved = em_nn_compiled_save (f);
  damage (int8_what, saved);
  damage (float_what, fsaved);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint k = 0; k < G_N_ELEMENTS (nets); k++)
    {
      g_autofree char *a = g_strdup_printf ("/nn/compile/float/%s", nets[k].name);
      g_autofree char *b = g_strdup_printf ("/nn/compile/int8/%s", nets[k].name);
      g_autofree char *c = g_strdup_printf ("/nn/compile/save-load/%s", nets[k].name);
      g_test_add_data_func (a, &nets[k], test_float_matches_net);
      g_test_add_data_func (b, &nets[k], test_int8_matches_float);
      g_test_add_data_func (c, &nets[k], test_save_load);
    }
  for (guint k = 0; k < G_N_ELEMENTS (edge_nets); k++)
    {
      g_autofree char *a = g_strdup_printf ("/nn/compile/float/%s", edge_nets[k].name);
      g_autofree char *b = g_strdup_printf ("/nn/compile/int8/%s", edge_nets[k].name);
      g_autofree char *c = g_strdup_printf ("/nn/compile/save-load/%s", edge_nets[k].name);
      g_test_add_data_func (a, &edge_nets[k], test_float_matches_net);
      g_test_add_data_func (b, &edge_nets[k], test_int8_matches_float);
      g_test_add_data_func (c, &edge_nets[k], test_save_load);
    }
  g_test_add_func ("/nn/compile/names-and-fusion", test_names_and_fusion);
  g_test_add_func ("/nn/compile/bad-calibration", test_bad_calibration);
  g_test_add_func ("/nn/compile/deterministic", test_deterministic);
  g_test_add_data_func ("/nn/compile/damaged/keyword-conv1d", &nets[0], test_damaged_blobs);
  g_test_add_data_func ("/nn/compile/damaged/mobilenet-block", &nets[2], test_damaged_blobs);
  g_test_add_data_func ("/nn/compile/damaged/dense-sigmoid-tanh", &nets[3], test_damaged_blobs);
  return g_test_run ();
}
