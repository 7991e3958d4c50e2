/* SPDX-License-Identifier: Apache-2.0 */
/* The CMSIS-NN back end of nn/em-nn-kernels-s8.c (EM_NN_USE_CMSIS_NN),
 * built against this folder's TEST-ONLY stand-in for CMSIS-NN
 * (arm_nnfunctions.h, arm-nn-shim.c: reference loops from CMSIS-NN's
 * documented conventions). This checks Ember's glue -- the parameter and
 * sign mapping, scratch handling, the fallbacks -- not CMSIS-NN itself.
 *   - on random shapes (stride 1..3, padding, kernels 1..5, channels,
 *     depth multipliers, zero points, per-channel requantization, clamps)
 *     conv2d, depthwise and dense give bit-identical outputs to the
 *     portable kernels compiled without the define (ref-kernels-s8.c);
 *   - CMSIS ran exactly when it should: not without bias, not when the
 *     call needs more than EM_NN_CMSIS_SCRATCH_BYTES (1024 here), not for
 *     dense with per-channel multipliers or an MVE-style kernel-sum buffer;
 *   - when CMSIS-NN returns an error the portable kernel still runs. */
#include <glib.h>
#include <string.h>

#include "arm-nn-shim.h"
#include "em-nn-kernels.h"

void ref_em_nn_conv2d_s8 (const EmNnGeom *g, const EmNnQuantConv *q, const int8_t *input,
                          const int8_t *filter, const int32_t *bias, int8_t *output);
void ref_em_nn_depthwise_s8 (const EmNnGeom *g, const EmNnQuantConv *q, const int8_t *input,
                             const int8_t *filter, const int32_t *bias, int8_t *output);
void ref_em_nn_dense_s8 (int32_t in_n, int32_t out_n, const EmNnQuantConv *q, const int8_t *input,
                         const int8_t *weights, const int32_t *bias, int8_t *output);

#define SCRATCH 1024
#define TRIALS 300

static int8_t *
rand_s8 (GRand *r, size_t n)
{
  int8_t *p = g_new (int8_t, n);

  for (size_t i = 0; i < n; i++)
    p[i] = (int8_t) g_rand_int_range (r, -128, 128);
  return p;
}

/* Per-channel multipliers around 2^-(8..14) × (1..2): outputs spread over
 * the int8 range rather than all saturating. same: one pair for all. */
static EmNnQuantConv
rand_quant (GRand *r, int32_t n, gboolean same, int32_t *mult, int32_t *shift)
{
  EmNnQuantConv q;

  for (int32_t i = 0; i < n; i++)
    {
      if (same && i > 0)
        {
          mult[i] = mult[0];
          shift[i] = shift[0];
          continue;
        }
      mult[i] = (int32_t) g_rand_int_range (r, 1 << 30, G_MAXINT32);
      shift[i] = g_rand_int_range (r, -14, -6);
    }
  q.input_offset = -g_rand_int_range (r, -128, 128);
  q.output_offset = g_rand_int_range (r, -128, 128);
  q.multiplier = mult;
  q.shift = shift;
  switch (g_rand_int_range (r, 0, 3))
    {
    case 0:
      q.act_min = -128, q.act_max = 127;
      break;
    case 1:   /* fused ReLU */
      q.act_min = q.output_offset < -128 ? -128 : q.output_offset, q.act_max = 127;
      break;
    default:
      q.act_min = g_rand_int_range (r, -128, 0), q.act_max = g_rand_int_range (r, 0, 128);
    }
  return q;
}

static EmNnGeom
rand_geom (GRand *r, int32_t max_c, gboolean depthwise)
{
  EmNnGeom g;

  g.in_h = g_rand_int_range (r, 1, 11);
  g.in_w = g_rand_int_range (r, 1, 11);
  g.in_c = g_rand_int_range (r, 1, max_c + 1);
  g.kernel_h = g_rand_int_range (r, 1, 6);
  g.kernel_w = g_rand_int_range (r, 1, 6);
  g.stride_h = g_rand_int_range (r, 1, 4);
  g.stride_w = g_rand_int_range (r, 1, 4);
  /* "same" or "valid" padding, or anything in between */
  g.pad_top = g_rand_int_range (r, 0, g.kernel_h);
  g.pad_left = g_rand_int_range (r, 0, g.kernel_w);
  g.out_h = (g.in_h + 2 * g.pad_top - g.kernel_h) / g.stride_h + 1;
  g.out_w = (g.in_w + 2 * g.pad_left - g.kernel_w) / g.stride_w + 1;
  if (g.out_h < 1)
    g.out_h = 1;
  if (g.out_w < 1)
    g.out_w = 1;
  g.depth_multiplier = depthwise ? g_rand_int_range (r, 1, 4) : 1;
  g.out_c = depthwise ? g.in_c * g.depth_multiplier : g_rand_int_range (r, 1, 17);
  return g;
}

static int32_t *
rand_bias (GRand *r, int32_t n)
{
  int32_t *b;

  if (g_rand_int_range (r, 0, 8) == 0)
    return NULL;
  b = g_new (int32_t, n);
  for (int32_t i = 0; i < n; i++)
    b[i] = g_rand_int_range (r, -20000, 20000);
  return b;
}

static void
test_conv (void)
{
  GRand *r = g_rand_new_with_seed (5001);
  int n_cmsis = 0, n_fallback = 0;

  for (int t = 0; t < TRIALS; t++)
    {
      EmNnGeom g = rand_geom (r, 24, FALSE);
      size_t n_in = (size_t) g.in_h * g.in_w * g.in_c, n_out = (size_t) g.out_h * g.out_w * g.out_c;
      int32_t *mult = g_new (int32_t, g.out_c), *shift = g_new (int32_t, g.out_c);
      EmNnQuantConv q = rand_quant (r, g.out_c, FALSE, mult, shift);
      int8_t *in = rand_s8 (r, n_in), *f = rand_s8 (r, (size_t) g.out_c * g.kernel_h * g.kernel_w * g.in_c);
      int32_t *bias = rand_bias (r, g.out_c);
      int8_t *a = g_malloc0 (n_out), *b = g_malloc0 (n_out);
      gboolean want = bias != NULL && 4 * g.in_c * g.kernel_h * g.kernel_w <= SCRATCH;
      unsigned long calls = arm_nn_shim_conv_calls;

      memset (a, 0x55, n_out);
      em_nn_conv2d_s8 (&g, &q, in, f, bias, a);
      ref_em_nn_conv2d_s8 (&g, &q, in, f, bias, b);
      g_assert_cmpuint (arm_nn_shim_conv_calls - calls, ==, want ? 1 : 0);
      g_assert_cmpmem (a, n_out, b, n_out);
      if (want)
        n_cmsis++;
      else
        n_fallback++;
      g_free (mult), g_free (shift), g_free (in), g_free (f), g_free (bias), g_free (a), g_free (b);
    }
  g_test_message ("conv2d: %d through CMSIS, %d fallback, all bit-identical", n_cmsis, n_fallback);
  g_assert_cmpint (n_cmsis, >, TRIALS / 2);
  g_assert_cmpint (n_fallback, >, 10);
  g_rand_free (r);
}

static void
test_depthwise (void)
{
  GRand *r = g_rand_new_with_seed (5002);
  int n_cmsis = 0, n_fallback = 0;

  for (int t = 0; t < TRIALS; t++)
    {
      EmNnGeom g = rand_geom (r, 48, TRUE);
      size_t n_in = (size_t) g.in_h * g.in_w * g.in_c, n_out = (size_t) g.out_h * g.out_w * g.out_c;
      int32_t *mult = g_new (int32_t, g.out_c), *shift = g_new (int32_t, g.out_c);
      EmNnQuantConv q = rand_quant (r, g.out_c, FALSE, mult, shift);
      int8_t *in = rand_s8 (r, n_in), *f = rand_s8 (r, (size_t) g.kernel_h * g.kernel_w * g.out_c);
      int32_t *bias = rand_bias (r, g.out_c);
      int8_t *a = g_malloc0 (n_out), *b = g_malloc0 (n_out);
      /* the shim asks for scratch only when ch_mult is 1 */
      gboolean want = bias != NULL
                      && (g.depth_multiplier != 1 || 2 * g.in_c * g.kernel_h * g.kernel_w <= SCRATCH);
      unsigned long calls = arm_nn_shim_dw_calls;

      memset (a, 0x55, n_out);
      em_nn_depthwise_s8 (&g, &q, in, f, bias, a);
      ref_em_nn_depthwise_s8 (&g, &q, in, f, bias, b);
      g_assert_cmpuint (arm_nn_shim_dw_calls - calls, ==, want ? 1 : 0);
      g_assert_cmpmem (a, n_out, b, n_out);
      if (want)
        n_cmsis++;
      else
        n_fallback++;
      g_free (mult), g_free (shift), g_free (in), g_free (f), g_free (bias), g_free (a), g_free (b);
    }
  g_test_message ("depthwise: %d through CMSIS, %d fallback, all bit-identical", n_cmsis, n_fallback);
  g_assert_cmpint (n_cmsis, >, TRIALS / 2);
  g_assert_cmpint (n_fallback, >, 10);
  g_rand_free (r);
}

static void
test_dense (void)
{
  GRand *r = g_rand_new_with_seed (5003);
  int n_cmsis = 0, n_fallback = 0;

  for (int t = 0; t < TRIALS; t++)
    {
      int32_t in_n = g_rand_int_range (r, 1, 200), out_n = g_rand_int_range (r, 1, 40);
      gboolean per_tensor = g_rand_int_range (r, 0, 4) != 0;
      int32_t *mult = g_new (int32_t, out_n), *shift = g_new (int32_t, out_n);
      EmNnQuantConv q = rand_quant (r, out_n, per_tensor, mult, shift);
      int8_t *in = rand_s8 (r, (size_t) in_n), *w = rand_s8 (r, (size_t) in_n * out_n);
      int32_t *bias = rand_bias (r, out_n);
      int8_t *a = g_malloc0 ((size_t) out_n), *b = g_malloc0 ((size_t) out_n);
      gboolean differ = FALSE, want;
      unsigned long calls = arm_nn_shim_fc_calls;

      for (int32_t o = 1; o < out_n; o++)
        differ |= mult[o] != mult[0] || shift[o] != shift[0];
      arm_nn_shim_fc_mve = g_rand_int_range (r, 0, 8) == 0;
      want = bias != NULL && !differ && !arm_nn_shim_fc_mve;
      memset (a, 0x55, (size_t) out_n);
      em_nn_dense_s8 (in_n, out_n, &q, in, w, bias, a);
      ref_em_nn_dense_s8 (in_n, out_n, &q, in, w, bias, b);
      g_assert_cmpuint (arm_nn_shim_fc_calls - calls, ==, want ? 1 : 0);
      g_assert_cmpmem (a, (size_t) out_n, b, (size_t) out_n);
      if (want)
        n_cmsis++;
      else
        n_fallback++;
      g_free (mult), g_free (shift), g_free (in), g_free (w), g_free (bias), g_free (a), g_free (b);
    }
  arm_nn_shim_fc_mve = 0;
  g_test_message ("dense: %d through CMSIS, %d fallback, all bit-identical", n_cmsis, n_fallback);
  g_assert_cmpint (n_cmsis, >, TRIALS / 3);
  g_assert_cmpint (n_fallback, >, 10);
  g_rand_free (r);
}

/* CMSIS-NN reporting an error leaves the work to the portable kernels. */
static void
test_refused (void)
{
  GRand *r = g_rand_new_with_seed (5004);
  EmNnGeom g = { 6, 5, 3, 6, 5, 4, 3, 3, 1, 1, 1, 1, 1 };
  int32_t mult[12], shift[12], bias[12];
  EmNnQuantConv q = rand_quant (r, 12, TRUE, mult, shift);
  int8_t *in = rand_s8 (r, 6 * 5 * 3), *f = rand_s8 (r, 4 * 3 * 3 * 3);
  int8_t a[6 * 5 * 12], b[6 * 5 * 12];
  unsigned long c0 = arm_nn_shim_conv_calls, c1 = arm_nn_shim_dw_calls, c2 = arm_nn_shim_fc_calls;

  for (int i = 0; i < 12; i++)
    bias[i] = g_rand_int_range (r, -1000, 1000);
  arm_nn_shim_refuse = 1;
  memset (a, 0x55, sizeof a);
  em_nn_conv2d_s8 (&g, &q, in, f, bias, a);
  ref_em_nn_conv2d_s8 (&g, &q, in, f, bias, b);
  g_assert_cmpmem (a, 6 * 5 * 4, b, 6 * 5 * 4);
  g.out_c = 3;
  memset (a, 0x55, sizeof a);
  em_nn_depthwise_s8 (&g, &q, in, f, bias, a);
  ref_em_nn_depthwise_s8 (&g, &q, in, f, bias, b);
  g_assert_cmpmem (a, 6 * 5 * 3, b, 6 * 5 * 3);
  memset (a, 0x55, sizeof a);
  em_nn_dense_s8 (27, 4, &q, in, f, bias, a);
  ref_em_nn_dense_s8 (27, 4, &q, in, f, bias, b);
  g_assert_cmpmem (a, 4, b, 4);
  arm_nn_shim_refuse = 0;
  g_assert_cmpuint (arm_nn_shim_conv_calls, ==, c0);
  g_assert_cmpuint (arm_nn_shim_dw_calls, ==, c1);
  g_assert_cmpuint (arm_nn_shim_fc_calls, ==, c2);
  g_free (in), g_free (f);
  g_rand_free (r);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nn/cmsis/conv2d", test_conv);
  g_test_add_func ("/nn/cmsis/depthwise", test_depthwise);
  g_test_add_func ("/nn/cmsis/dense", test_dense);
  g_test_add_func ("/nn/cmsis/refused", test_refused);
  return g_test_run ();
}
