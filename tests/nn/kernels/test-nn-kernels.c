/* SPDX-License-Identifier: Apache-2.0 */
/* int8 kernels against the float ones within the quantization error bound,
 * the program runner against the same kernels called one by one, and the
 * arena planner's invariants on random lifetimes. Bit-exactness against
 * TFLite's semantics is ref_kernels.py's job. */
#include <glib.h>
#include <math.h>
#include <string.h>
#include "em-nn-program.h"

/* ---- quantization helpers (what a compiler would do) --------------------- */

typedef struct {
  float scale;
  int32_t zp;
} QParams;

/* Asymmetric per-tensor parameters for [min, max] widened to include 0. */
static QParams
qparams_for (const float *v, int n)
{
  float lo = 0.0f, hi = 0.0f;
  QParams p;

  for (int i = 0; i < n; i++)
    {
      lo = MIN (lo, v[i]);
      hi = MAX (hi, v[i]);
    }
  p.scale = (hi - lo) / 255.0f;
  if (p.scale <= 0.0f)
    p.scale = 1.0f;
  p.zp = (int32_t) CLAMP (lround (-128.0 - lo / p.scale), -128, 127);
  return p;
}

/* Per-output-channel symmetric weights: scale = max|w| / 127, zero point 0. */
static void
quantize_weights (const float *w, int out_c, int per_channel, int8_t *qw, float *w_scale)
{
  for (int oc = 0; oc < out_c; oc++)
    {
      const float *row = w + (gsize) oc * per_channel;
      float m = 0.0f;
      for (int i = 0; i < per_channel; i++)
        m = MAX (m, fabsf (row[i]));
      w_scale[oc] = m > 0.0f ? m / 127.0f : 1.0f;
      for (int i = 0; i < per_channel; i++)
        qw[(gsize) oc * per_channel + i] = (int8_t) CLAMP (lround (row[i] / w_scale[oc]), -127, 127);
    }
}

/* ---- int8 vs float ------------------------------------------------------- */

/* Error bound for one output of a quantized conv / dense.
 * With x̂ = s_x (q_x − zp), |x − x̂| ≤ s_x/2 (x inside the calibrated range),
 * ŵ = s_w q_w, |w − ŵ| ≤ s_w/2 and the bias rounded to s_x·s_w:
 *   |Σ x w − Σ x̂ ŵ| ≤ Σ|x|·s_w/2 + Σ|ŵ|·s_x/2 ≤ Σ|x|·s_w/2 + Σ(|w| + s_w/2)·s_x/2
 * plus s_x·s_w/2 for the bias. Requantization (a multiplier exact to
 * 2^-31, one rounding) and the output's own rounding stay within one
 * output step, s_out. The sums run over the in-bounds window cells only,
 * which is what the float kernels compute when fed |x| and |w|. */
static void
check_conv_s8_vs_f32 (gboolean dense)
{
  enum { H = 7, W = 6, C = 3, OC = 5, K = 3, IN_N = 40, OUT_N = 6 };
  EmNnGeom g = { H, W, C, H, W, OC, K, K, 1, 1, 1, 1, 1 };
  const int n_in = dense ? IN_N : H * W * C;
  const int n_out = dense ? OUT_N : H * W * OC;
  const int oc_n = dense ? OUT_N : OC;
  const int per_channel = dense ? IN_N : K * K * C;
  g_autofree float *x = g_new (float, n_in), *w = g_new (float, oc_n * per_channel);
  g_autofree float *b = g_new (float, oc_n), *y = g_new (float, n_out), *yq = g_new (float, n_out);
  g_autofree float *ax = g_new (float, n_in), *aw = g_new (float, oc_n * per_channel);
  g_autofree float *ones = g_new (float, n_in), *sum_x = g_new (float, n_out), *sum_w = g_new (float, n_out);
  g_autofree float *ones_w = g_new (float, oc_n * per_channel);
  g_autofree int8_t *qx = g_new (int8_t, n_in), *qw = g_new (int8_t, oc_n * per_channel), *qy = g_new (int8_t, n_out);
  g_autofree int32_t *qb = g_new (int32_t, oc_n), *mult = g_new (int32_t, oc_n), *shift = g_new (int32_t, oc_n);
  g_autofree float *w_scale = g_new (float, oc_n);
  GRand *rand = g_rand_new_with_seed (dense ? 11 : 7);
  EmNnQuantConv q;
  QParams px, py;
  double worst = 0.0;

  for (int i = 0; i < n_in; i++)
    {
      x[i] = (float) g_rand_double_range (rand, -1.5, 2.5);
      ax[i] = fabsf (x[i]);
      ones[i] = 1.0f;
    }
  for (int i = 0; i < oc_n * per_channel; i++)
    {
      /* Channels of very different magnitude: what per-channel scales are for. */
      w[i] = (float) (g_rand_double_range (rand, -1.0, 1.0) * (1 + i / per_channel));
      aw[i] = fabsf (w[i]);
      ones_w[i] = 1.0f;
    }
  for (int i = 0; i < oc_n; i++)
    b[i] = (float) g_rand_double_range (rand, -0.5, 0.5);

  if (dense)
    {
      em_nn_dense_f32 (n_in, oc_n, x, w, b, EM_NN_ACT_NONE, y);
      em_nn_dense_f32 (n_in, oc_n, ax, ones_w, NULL, EM_NN_ACT_NONE, sum_x);
      em_nn_dense_f32 (n_in, oc_n, ones, aw, NULL, EM_NN_ACT_NONE, sum_w);
    }
  else
    {
      em_nn_conv2d_f32 (&g, x, w, b, EM_NN_ACT_NONE, y);
      em_nn_conv2d_f32 (&g, ax, ones_w, NULL, EM_NN_ACT_NONE, sum_x);
      em_nn_conv2d_f32 (&g, ones, aw, NULL, EM_NN_ACT_NONE, sum_w);
    }

  px = qparams_for (x, n_in);
  py = qparams_for (y, n_out);
  em_nn_quantize_s8 (n_in, px.scale, px.zp, x, qx);
  quantize_weights (w, oc_n, per_channel, qw, w_scale);
  for (int oc = 0; oc < oc_n; oc++)
    {
      qb[oc] = (int32_t) lround (b[oc] / ((double) px.scale * w_scale[oc]));
      em_nn_quantize_multiplier ((double) px.scale * w_scale[oc] / py.scale, &mult[oc], &shift[oc]);
    }
  q.input_offset = -px.zp;
  q.output_offset = py.zp;
  q.multiplier = mult;
  q.shift = shift;
  q.act_min = -128;
  q.act_max = 127;
  if (dense)
    em_nn_dense_s8 (n_in, oc_n, &q, qx, qw, qb, qy);
  else
    em_nn_conv2d_s8 (&g, &q, qx, qw, qb, qy);
  em_nn_dequantize_s8 (n_out, py.scale, py.zp, qy, yq);

  for (int i = 0; i < n_out; i++)
    {
      int oc = i % oc_n;
      double sx = px.scale, sw = w_scale[oc];
      double bound = py.scale + sum_x[i] * sw / 2 + (sum_w[i] + per_channel * sw / 2) * sx / 2
                     + sx * sw / 2 + 1e-5;
      double err = fabs ((double) yq[i] - y[i]);
      if (err > bound)
        g_error ("output %d: int8 %g vs float %g, error %g over the bound %g", i, yq[i], y[i], err, bound);
      worst = MAX (worst, err / bound);
    }
  g_test_message ("%s: worst error %.2f of the bound", dense ? "dense" : "conv", worst);
  /* The bound is loose but not vacuous: the error uses a real part of it. */
  g_assert_cmpfloat (worst, >, 0.01);
  g_rand_free (rand);
}

static void
test_conv_s8_vs_f32 (void)
{
  check_conv_s8_vs_f32 (FALSE);
}

static void
test_dense_s8_vs_f32 (void)
{
  check_conv_s8_vs_f32 (TRUE);
}

/* ---- program runner ------------------------------------------------------- */

#define MAX_T 8

typedef struct {
  EmNnTensor tensors[MAX_T];
  EmNnOp ops[MAX_T];
  EmNnProgram p;
} Prog;

/* Plans the arena from each tensor's producer and last consumer. */
static void
plan (Prog *pr, const int32_t *first, const int32_t *last, size_t elem)
{
  uint32_t sizes[MAX_T], offsets[MAX_T];
  int32_t scratch[2 * MAX_T];

  for (uint32_t i = 0; i < pr->p.n_tensors; i++)
    sizes[i] = (uint32_t) (pr->tensors[i].size * elem);
  pr->p.arena_size = em_nn_plan_arena (pr->p.n_tensors, sizes, first, last, offsets, scratch);
  for (uint32_t i = 0; i < pr->p.n_tensors; i++)
    pr->tensors[i].offset = offsets[i];
  pr->p.tensors = pr->tensors;
  pr->p.ops = pr->ops;
}

static void
set_tensor (EmNnTensor *t, int h, int w, int c)
{
  memset (t, 0, sizeof *t);
  t->h = h;
  t->w = w;
  t->c = c;
  t->size = (uint32_t) (h * w * c);
}

static EmNnOp
op_new (EmNnOpKind kind, int input, int output)
{
  EmNnOp op;
  memset (&op, 0, sizeof op);
  op.kind = kind;
  op.input = input;
  op.input2 = -1;
  op.output = output;
  op.q.act_min = -128;
  op.q.act_max = 127;
  return op;
}

/* conv 3×3 same (6×6×2 → 6×6×4) → maxpool 2×2/2 → dense 36 → 5 → softmax. */
static const EmNnGeom conv_g = { 6, 6, 2, 6, 6, 4, 3, 3, 1, 1, 1, 1, 1 };
static const EmNnGeom pool_g = { 6, 6, 4, 3, 3, 4, 2, 2, 2, 2, 0, 0, 1 };

static void
build_chain (Prog *pr, size_t elem)
{
  static const int32_t first[] = { 0, 0, 1, 2, 3 }, last[] = { 0, 1, 2, 3, 3 };

  memset (pr, 0, sizeof *pr);
  set_tensor (&pr->tensors[0], 6, 6, 2);
  set_tensor (&pr->tensors[1], 6, 6, 4);
  set_tensor (&pr->tensors[2], 3, 3, 4);
  set_tensor (&pr->tensors[3], 1, 1, 5);
  set_tensor (&pr->tensors[4], 1, 1, 5);
  pr->ops[0] = op_new (EM_NN_OP_CONV2D, 0, 1);
  pr->ops[0].geom = conv_g;
  pr->ops[0].act = EM_NN_ACT_RELU;
  pr->ops[1] = op_new (EM_NN_OP_MAXPOOL, 1, 2);
  pr->ops[1].geom = pool_g;
  pr->ops[2] = op_new (EM_NN_OP_DENSE, 2, 3);
  pr->ops[3] = op_new (EM_NN_OP_SOFTMAX, 3, 4);
  pr->p.n_ops = 4;
  pr->p.n_tensors = 5;
  pr->p.input_tensor = 0;
  pr->p.output_tensor = 4;
  plan (pr, first, last, elem);
}

static void
test_program_float (void)
{
  float cw[4 * 3 * 3 * 2], cb[4], dw[5 * 36], db[5], in[72], t1[144], t2[36], t3[5], t4[5];
  GRand *rand = g_rand_new_with_seed (3);
  Prog pr;
  void *arena;

  for (guint i = 0; i < G_N_ELEMENTS (cw); i++)
    cw[i] = (float) g_rand_double_range (rand, -1, 1);
  for (guint i = 0; i < G_N_ELEMENTS (dw); i++)
    dw[i] = (float) g_rand_double_range (rand, -1, 1);
  for (guint i = 0; i < 4; i++)
    cb[i] = (float) g_rand_double_range (rand, -0.2, 0.2);
  for (guint i = 0; i < 5; i++)
    db[i] = (float) g_rand_double_range (rand, -0.2, 0.2);
  for (guint i = 0; i < G_N_ELEMENTS (in); i++)
    in[i] = (float) g_rand_double_range (rand, -2, 2);

  build_chain (&pr, sizeof (float));
  pr.ops[0].weights = cw;
  pr.ops[0].bias = cb;
  pr.ops[2].weights = dw;
  pr.ops[2].bias = db;
  arena = g_aligned_alloc0 (pr.p.arena_size, 1, EM_NN_ARENA_ALIGN);
  memcpy (em_nn_program_input (&pr.p, arena), in, sizeof in);
  g_assert_cmpint (em_nn_program_run (&pr.p, arena), ==, 0);

  em_nn_conv2d_f32 (&conv_g, in, cw, cb, EM_NN_ACT_RELU, t1);
  em_nn_maxpool_f32 (&pool_g, t1, t2);
  em_nn_dense_f32 (36, 5, t2, dw, db, EM_NN_ACT_NONE, t3);
  em_nn_softmax_f32 (5, t3, t4);
  g_assert_cmpmem (em_nn_program_output (&pr.p, arena), sizeof t4, t4, sizeof t4);
  /* Buffers were reused: the arena is smaller than all tensors together. */
  g_assert_cmpuint (pr.p.arena_size, <, (72 + 144 + 36 + 5 + 5) * sizeof (float));

  /* An op kind this build does not know stops the run. */
  pr.ops[1].kind = (EmNnOpKind) 99;
  g_assert_cmpint (em_nn_program_run (&pr.p, arena), ==, -1);
  g_aligned_free (arena);
  g_rand_free (rand);
}

static int
distinct_s8 (const int8_t *v, int n)
{
  gboolean seen[256] = { FALSE };
  int count = 0;

  for (int i = 0; i < n; i++)
    if (!seen[v[i] + 128])
      {
        seen[v[i] + 128] = TRUE;
        count++;
      }
  return count;
}

static void
test_program_int8 (void)
{
  int8_t cw[4 * 3 * 3 * 2], dw[5 * 36], in[72], t1[144], t2[36], t3[5], t4[5];
  int32_t cb[4], db[5], cm[4], cs[4], dm[5], ds[5];
  uint32_t smax[256];
  GRand *rand = g_rand_new_with_seed (5);
  EmNnQuantConv cq, dq;
  Prog pr;
  void *arena;

  for (guint i = 0; i < G_N_ELEMENTS (cw); i++)
    cw[i] = (int8_t) g_rand_int_range (rand, -127, 128);
  for (guint i = 0; i < G_N_ELEMENTS (dw); i++)
    dw[i] = (int8_t) g_rand_int_range (rand, -127, 128);
  for (guint i = 0; i < G_N_ELEMENTS (in); i++)
    in[i] = (int8_t) g_rand_int_range (rand, -128, 128);
  for (guint i = 0; i < 4; i++)
    {
      cb[i] = g_rand_int_range (rand, -3000, 3000);
      em_nn_quantize_multiplier (0.0009 * (i + 1), &cm[i], &cs[i]);
    }
  for (guint i = 0; i < 5; i++)
    {
      db[i] = g_rand_int_range (rand, -3000, 3000);
      em_nn_quantize_multiplier (0.0004 * (i + 1), &dm[i], &ds[i]);
    }
  em_nn_make_softmax_lut_s8 (0.1f, smax);
  cq = (EmNnQuantConv) { 5, -128, cm, cs, -128, 127 };   /* fused ReLU: zp -128 */
  dq = (EmNnQuantConv) { 128, 3, dm, ds, -128, 127 };

  build_chain (&pr, 1);
  pr.p.is_int8 = 1;
  pr.ops[0].weights = cw;
  pr.ops[0].bias = cb;
  pr.ops[0].q = cq;
  pr.ops[2].weights = dw;
  pr.ops[2].bias = db;
  pr.ops[2].q = dq;
  pr.ops[3].softmax_lut = smax;
  arena = g_aligned_alloc0 (pr.p.arena_size, 1, EM_NN_ARENA_ALIGN);
  memcpy (em_nn_program_input (&pr.p, arena), in, sizeof in);
  g_assert_cmpint (em_nn_program_run (&pr.p, arena), ==, 0);

  em_nn_conv2d_s8 (&conv_g, &cq, in, cw, cb, t1);
  em_nn_maxpool_s8 (&pool_g, -128, 127, t1, t2);
  em_nn_dense_s8 (36, 5, &dq, t2, dw, db, t3);
  em_nn_softmax_s8 (5, smax, t3, t4);
  g_assert_cmpmem (em_nn_program_output (&pr.p, arena), sizeof t4, t4, sizeof t4);
  /* The data exercise the kernels: neither saturated nor constant. */
  g_assert_cmpint (distinct_s8 (t1, 144), >, 20);
  g_assert_cmpint (distinct_s8 (t3, 5), >=, 4);
  g_assert_cmpint (distinct_s8 (t4, 5), >=, 3);
  g_aligned_free (arena);
  g_rand_free (rand);
}

/* The other ops: activation in place, add, global average pool, copy. */
static void
test_program_misc_ops (void)
{
  static const int32_t first[] = { 0, 0, 1, 2, 3 }, last[] = { 1, 1, 2, 3, 3 };
  float in[3 * 4 * 2], act[24], sum[24], gap[2];
  int8_t qin[24], qact[24], qsum[24], qgap[2], lut[256];
  EmNnQuantAdd add;
  EmNnGeom plane = { 3, 4, 2, 1, 1, 2, 3, 4, 1, 1, 0, 0, 1 };
  void *arena;

  for (int is_int8 = 0; is_int8 < 2; is_int8++)
    {
      Prog pr;

      memset (&pr, 0, sizeof pr);
      set_tensor (&pr.tensors[0], 3, 4, 2);
      set_tensor (&pr.tensors[1], 3, 4, 2);
      set_tensor (&pr.tensors[2], 3, 4, 2);
      set_tensor (&pr.tensors[3], 1, 1, 2);
      set_tensor (&pr.tensors[4], 1, 1, 2);
      pr.ops[0] = op_new (EM_NN_OP_ACTIVATION, 0, 1);
      pr.ops[0].act = EM_NN_ACT_TANH;
      pr.ops[1] = op_new (EM_NN_OP_ADD, 0, 2);
      pr.ops[1].input2 = 1;
      pr.ops[2] = op_new (EM_NN_OP_GLOBAL_AVGPOOL, 2, 3);
      pr.ops[3] = op_new (EM_NN_OP_COPY, 3, 4);
      pr.p.n_ops = 4;
      pr.p.n_tensors = 5;
      pr.p.output_tensor = 4;
      pr.p.is_int8 = is_int8;
      plan (&pr, first, last, is_int8 ? 1 : sizeof (float));
      arena = g_aligned_alloc0 (pr.p.arena_size, 1, EM_NN_ARENA_ALIGN);
      for (int i = 0; i < 24; i++)
        {
          in[i] = (float) (i - 11) / 5.0f;
          qin[i] = (int8_t) (i * 9 - 100);
        }
      if (is_int8)
        {
          em_nn_make_lut_s8 (EM_NN_ACT_TANH, 0.02f, -10, 1.0f / 128, 0, lut);
          em_nn_quant_add_prepare (0.02f, -10, 1.0f / 128, 0, 0.03f, 2, -128, 127, &add);
          pr.ops[0].lut = lut;
          pr.ops[1].add = add;
          memcpy (em_nn_program_input (&pr.p, arena), qin, sizeof qin);
          g_assert_cmpint (em_nn_program_run (&pr.p, arena), ==, 0);
          em_nn_lut_s8 (24, lut, qin, qact);
          em_nn_add_s8 (24, &add, qin, qact, qsum);
          em_nn_avgpool_s8 (&plane, -128, 127, qsum, qgap);
          g_assert_cmpmem (em_nn_program_output (&pr.p, arena), 2, qgap, 2);
        }
      else
        {
          memcpy (em_nn_program_input (&pr.p, arena), in, sizeof in);
          g_assert_cmpint (em_nn_program_run (&pr.p, arena), ==, 0);
          memcpy (act, in, sizeof in);
          em_nn_activation_f32 (24, EM_NN_ACT_TANH, act, act);
          em_nn_add_f32 (24, in, act, EM_NN_ACT_NONE, sum);
          em_nn_global_avgpool_f32 (3, 4, 2, sum, gap);
          g_assert_cmpmem (em_nn_program_output (&pr.p, arena), sizeof gap, gap, sizeof gap);
        }
      g_aligned_free (arena);
    }
}

/* ---- arena planner ---------------------------------------------------------- */

static gboolean
meet (const int32_t *first, const int32_t *last, int a, int b)
{
  return first[a] <= last[b] && first[b] <= last[a];
}

static void
test_plan_random (void)
{
  GRand *rand = g_rand_new_with_seed (42);

  for (int trial = 0; trial < 200; trial++)
    {
      enum { N_MAX = 24, OPS = 12 };
      uint32_t n = (uint32_t) g_rand_int_range (rand, 1, N_MAX + 1);
      uint32_t sizes[N_MAX], offsets[N_MAX], offsets2[N_MAX], arena, arena2;
      int32_t first[N_MAX], last[N_MAX], scratch[2 * N_MAX];
      uint64_t sum_aligned = 0, max_live = 0;

      for (uint32_t i = 0; i < n; i++)
        {
          /* Some sizes repeat, to exercise the tie rule; some are 0. */
          sizes[i] = trial % 3 == 0 ? 16u * g_rand_int_range (rand, 0, 5)
                                    : (uint32_t) g_rand_int_range (rand, 1, 2000);
          first[i] = g_rand_int_range (rand, 0, OPS);
          last[i] = g_rand_int_range (rand, first[i], OPS);
          sum_aligned += (sizes[i] + 15u) / 16u * 16u;
        }
      arena = em_nn_plan_arena (n, sizes, first, last, offsets, scratch);
      arena2 = em_nn_plan_arena (n, sizes, first, last, offsets2, scratch);
      g_assert_cmpuint (arena, ==, arena2);
      g_assert_cmpmem (offsets, n * sizeof *offsets, offsets2, n * sizeof *offsets2);
      g_assert_cmpuint (arena % EM_NN_ARENA_ALIGN, ==, 0);

      for (int t = 0; t < OPS; t++)
        {
          uint64_t live = 0;
          for (uint32_t i = 0; i < n; i++)
            if (first[i] <= t && t <= last[i])
              live += sizes[i];
          max_live = MAX (max_live, live);
        }
      g_assert_cmpuint (arena, >=, max_live);
      /* Aligned sizes: with unaligned buffers the padding between them counts. */
      g_assert_cmpuint (arena, <=, sum_aligned);

      for (uint32_t i = 0; i < n; i++)
        {
          g_assert_cmpuint (offsets[i] % EM_NN_ARENA_ALIGN, ==, 0);
          g_assert_cmpuint ((uint64_t) offsets[i] + sizes[i], <=, arena);
          for (uint32_t j = i + 1; j < n; j++)
            {
              gboolean bytes_overlap = offsets[i] < offsets[j] + sizes[j] && offsets[j] < offsets[i] + sizes[i];
              if (meet (first, last, (int) i, (int) j) && sizes[i] > 0 && sizes[j] > 0)
                g_assert_false (bytes_overlap);
            }
        }

      /* First fit: no buffer could sit lower, given the larger ones (and the
       * equal ones of lower index) placed before it. */
      for (uint32_t i = 0; i < n; i++)
        for (uint32_t o = 0; o < offsets[i]; o += EM_NN_ARENA_ALIGN)
          {
            gboolean free_here = TRUE;
            for (uint32_t j = 0; j < n && free_here; j++)
              {
                gboolean before = sizes[j] > sizes[i] || (sizes[j] == sizes[i] && j < i);
                if (j == i || !before || !meet (first, last, (int) i, (int) j))
                  continue;
                if (o < offsets[j] + sizes[j] && offsets[j] < o + sizes[i])
                  free_here = FALSE;
              }
            g_assert_false (free_here);
          }
    }
  g_rand_free (rand);
}

static void
test_plan_chain (void)
{
  /* a → b → c: a dies when c is born, so c reuses a's bytes. */
  const uint32_t sizes[] = { 1000, 1000, 1000 };
  const int32_t first[] = { 0, 0, 1 }, last[] = { 0, 1, 1 };
  uint32_t offsets[3];
  int32_t scratch[6];
  uint32_t arena = em_nn_plan_arena (3, sizes, first, last, offsets, scratch);

  g_assert_cmpuint (arena, ==, 2 * 1008);
  g_assert_cmpuint (offsets[0], ==, offsets[2]);
  g_assert_cmpuint (offsets[1], !=, offsets[0]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nn/kernels/conv-s8-vs-f32", test_conv_s8_vs_f32);
  g_test_add_func ("/nn/kernels/dense-s8-vs-f32", test_dense_s8_vs_f32);
  g_test_add_func ("/nn/kernels/program-float", test_program_float);
  g_test_add_func ("/nn/kernels/program-int8", test_program_int8);
  g_test_add_func ("/nn/kernels/program-misc-ops", test_program_misc_ops);
  g_test_add_func ("/nn/kernels/plan-random", test_plan_random);
  g_test_add_func ("/nn/kernels/plan-chain", test_plan_chain);
  return g_test_run ();
}
