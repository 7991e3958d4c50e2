/* SPDX-License-Identifier: Apache-2.0 */
/* The generation-time half of the int8 maths: requantization multipliers
 * and shifts, the add's parameters and the activation and softmax tables,
 * computed in double from the float scales when a model is compiled (on
 * the host). The generated device code carries their results as constants
 * and never calls these, so they live apart from em-nn-quant-math.c, the
 * per-inference half a device build compiles: frexp, llround, exp and tanh
 * stay out of the device. Same reference semantics: see
 * em-nn-quant-math.c. */
#include "em-nn-kernels.h"

#include <math.h>

void
em_nn_quantize_multiplier (double real_multiplier, int32_t *multiplier, int32_t *shift)
{
  double q;
  long long q_fixed;
  int exponent = 0;

  if (real_multiplier == 0.0 || real_multiplier != real_multiplier)
    {
      *multiplier = 0;
      *shift = 0;
      return;
    }
  if (real_multiplier - real_multiplier != 0.0)
    {
      /* An infinity: frexp leaves its exponent unspecified, so saturate as
       * any finite value too large would. */
      *multiplier = INT32_MAX;
      *shift = 30;
      return;
    }
  q = frexp (real_multiplier, &exponent);
  q_fixed = llround (q * 2147483648.0);
  if (q_fixed == 2147483648LL)
    {
      q_fixed /= 2;
      exponent++;
    }
  if (exponent < -31)
    {
      exponent = 0;
      q_fixed = 0;
    }
  if (exponent > 30)
    {
      exponent = 30;
      q_fixed = 2147483647LL;
    }
  *multiplier = (int32_t) q_fixed;
  *shift = (int32_t) exponent;
}

void
em_nn_quant_add_prepare (float scale1, int32_t zp1, float scale2, int32_t zp2,
                         float scale_out, int32_t zp_out, int32_t act_min, int32_t act_max,
                         EmNnQuantAdd *q)
{
  double twice_max = 2.0 * (double) (scale1 > scale2 ? scale1 : scale2);
  double real1 = (double) scale1 / twice_max;
  double real2 = (double) scale2 / twice_max;
  double real_out = twice_max / ((double) (1 << 20) * (double) scale_out);

  q->input1_offset = -zp1;
  q->input2_offset = -zp2;
  q->output_offset = zp_out;
  q->left_shift = 20;
  em_nn_quantize_multiplier (real1, &q->input1_multiplier, &q->input1_shift);
  em_nn_quantize_multiplier (real2, &q->input2_multiplier, &q->input2_shift);
  em_nn_quantize_multiplier (real_out, &q->output_multiplier, &q->output_shift);
  q->act_min = act_min;
  q->act_max = act_max;
}

static double
apply_act (EmNnActivation act, double x)
{
  switch (act)
    {
    case EM_NN_ACT_RELU:
      return x > 0.0 ? x : 0.0;
    case EM_NN_ACT_RELU6:
      return x > 0.0 ? (x < 6.0 ? x : 6.0) : 0.0;
    case EM_NN_ACT_SIGMOID:
      return 1.0 / (1.0 + exp (-x));
    case EM_NN_ACT_TANH:
      return tanh (x);
    case EM_NN_ACT_NONE:
    default:
      return x;
    }
}

/* round() is half away from zero; clamping before the conversion keeps
 * huge or infinite values defined. */
static int8_t
round_clamp_s8 (double v, int32_t zp)
{
  double r;

  if (v != v)
    r = (double) zp;
  else
    r = round (v) + (double) zp;
  if (r < -128.0)
    r = -128.0;
  if (r > 127.0)
    r = 127.0;
  return (int8_t) r;
}

void
em_nn_make_lut_s8 (EmNnActivation act, float in_scale, int32_t in_zp,
                   float out_scale, int32_t out_zp, int8_t table[256])
{
  int32_t i;

  for (i = -128; i <= 127; i++)
    {
      double x = (double) in_scale * (double) (i - in_zp);
      double y = apply_act (act, x);
      table[i + 128] = round_clamp_s8 (y / (double) out_scale, out_zp);
    }
}

void
em_nn_make_softmax_lut_s8 (float in_scale, uint32_t table[256])
{
  int32_t d;

  /* exp(0) × 2^24 is the largest entry, so every value fits in uint32 and a
   * row of up to 2^39 values sums without overflowing uint64. */
  for (d = 0; d < 256; d++)
    table[d] = (uint32_t) llround (exp (-(double) d * (double) in_scale) * 16777216.0);
}
