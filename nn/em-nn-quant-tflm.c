/* SPDX-License-Identifier: Apache-2.0 */
/* TensorFlow Lite Micro's int8 SOFTMAX, LOGISTIC and TANH parameters and
 * tables, computed at generation time (see em-nn-quant-tflm-private.h).
 *
 * Written from the published algorithms: TFLite's Prepare arithmetic
 * (QuantizeMultiplier, frexp multipliers, CalculateInputRadius) and
 * gemmlowp's fixed-point functions — exp on [-1/4, 0) by a Taylor
 * polynomial around -1/8, exp of any negative value by splitting off
 * multiples of 1/4 and multiplying by exp(-2^k) for each set bit of the
 * remainder (the "barrel shifter"), and 1/(1+x) by Newton–Raphson. Each
 * step rounds exactly where the reference rounds (SaturatingRounding-
 * DoublingHighMul, RoundingDivideByPOT, saturating shifts), because a
 * single differing rounding changes an output byte. int32 adds that the
 * reference leaves unchecked wrap here (through uint32), the way two's
 * complement hardware does. Constants are derived from their formulas
 * (round(exp(-2^k) · 2^31) …), which reproduce the reference's literals. */
#include "em-nn-quant-tflm-private.h"

#include <math.h>

static int32_t
add_wrap (int32_t a, int32_t b)
{
  return (int32_t) ((uint32_t) a + (uint32_t) b);
}

static int32_t
sub_wrap (int32_t a, int32_t b)
{
  return (int32_t) ((uint32_t) a - (uint32_t) b);
}

static int32_t
srdhm (int32_t a, int32_t b)
{
  return em_nn_saturating_rounding_doubling_high_mul (a, b);
}

/* x · 2^e, e in 0..30, saturating (gemmlowp's Rescale towards fewer
 * integer bits). */
static int32_t
saturating_shift_left (int32_t x, int e)
{
  int32_t threshold;

  if (e == 0)
    return x;
  threshold = (int32_t) (((uint32_t) 1 << (31 - e)) - 1u);
  if (x > threshold)
    return INT32_MAX;
  if (x < -threshold)
    return INT32_MIN;
  return (int32_t) ((uint32_t) x << e);
}

/* round(v · 2^31) for a constant v in (-1, 1). */
static int32_t
q31_constant (double v)
{
  return (int32_t) llround (v * 2147483648.0);
}

/* exp(a) for a in Q0.31 within [-1/4, 0): the Taylor expansion of exp
 * around -1/8 to the fourth order, in x = a + 1/8:
 * exp(-1/8) · (1 + x + x²/2 + x³/6 + x⁴/24). */
static int32_t
exp_on_interval_quarter (int32_t a)
{
  const int32_t exp_minus_eighth = q31_constant (exp (-1.0 / 8.0));
  const int32_t one_third = q31_constant (1.0 / 3.0);
  int32_t x = add_wrap (a, (int32_t) 1 << 28);
  int32_t x2 = srdhm (x, x);
  int32_t x3 = srdhm (x2, x);
  int32_t x4 = srdhm (x2, x2);
  int32_t x4_over_4 = em_nn_rounding_divide_by_pot (x4, 2);
  /* ((x⁴/4 + x³) / 3 + x²) / 2 = x⁴/24 + x³/6 + x²/2 */
  int32_t poly = em_nn_rounding_divide_by_pot (add_wrap (srdhm (add_wrap (x4_over_4, x3), one_third), x2), 1);

  return add_wrap (exp_minus_eighth, srdhm (exp_minus_eighth, add_wrap (x, poly)));
}

int32_t
em_nn_tflm_exp_on_negative_values (int32_t a, int integer_bits)
{
  const int fraction_bits = 31 - integer_bits;
  const int32_t quarter = (int32_t) 1 << (fraction_bits - 2);
  /* a = -(a multiple of 1/4) + (a value in [-1/4, 0)): the second part
   * goes through the polynomial, the first bit by bit. */
  int32_t a_mod_quarter_minus_quarter = sub_wrap (a & (quarter - 1), quarter);
  int32_t result = exp_on_interval_quarter (saturating_shift_left (a_mod_quarter_minus_quarter, integer_bits));
  uint32_t remainder = (uint32_t) sub_wrap (a_mod_quarter_minus_quarter, a);
  int k;

  /* Bit k of the remainder (in units of 2^k, k = -2 … 4) stands for a
   * factor exp(-2^k); only bits the format has are looked at. */
  for (k = -2; k <= 4; k++)
    if (integer_bits > k && (remainder & ((uint32_t) 1 << (fraction_bits + k))) != 0)
      result = srdhm (result, q31_constant (exp (-ldexp (1.0, k))));
  /* Beyond -32 the product above is not exact any more: exp is 0 there
   * (only formats that reach -32 need the check). */
  if (integer_bits > 5 && a < -((int32_t) 1 << (36 - integer_bits)))
    result = 0;
  if (a == 0)
    result = INT32_MAX;
  return result;
}

int32_t
em_nn_tflm_logistic (int32_t a, int integer_bits)
{
  /* logistic(|a|) = 1 / (1 + exp(-|a|)); logistic(-|a|) = 1 - that. */
  int32_t abs_a = a > 0 ? a : sub_wrap (0, a);
  int32_t positive = em_nn_fx_one_over_one_plus_x (em_nn_tflm_exp_on_negative_values (sub_wrap (0, abs_a),
                                                                                     integer_bits));

  if (a == 0)
    return (int32_t) 1 << 30;
  return a > 0 ? positive : sub_wrap (INT32_MAX, positive);
}

int32_t
em_nn_tflm_tanh (int32_t a, int integer_bits)
{
  /* tanh(|a|) = (1 - exp(-2|a|)) / (1 + exp(-2|a|)); -2|a| is the same raw
   * value read with one more integer bit. */
  int32_t neg_abs = a < 0 ? a : sub_wrap (0, a);
  int32_t t = em_nn_fx_one_minus_x_over_one_plus_x (em_nn_tflm_exp_on_negative_values (neg_abs, integer_bits + 1));

  if (a == 0)
    return 0;
  return a < 0 ? sub_wrap (0, t) : t;
}

int32_t
em_nn_tflm_input_radius (int integer_bits, int left_shift)
{
  double r = ldexp ((double) (((int32_t) 1 << integer_bits) - 1), 31 - integer_bits - left_shift);

  return r >= 2147483647.0 ? INT32_MAX : (int32_t) floor (r);
}

EmNnTflmStatus
em_nn_tflm_softmax_prepare (double beta, double input_scale, EmNnTflmSoftmax *p)
{
  /* TFLM: 5 integer bits for the scaled difference, the real multiplier
   * capped at 2^31 - 1 (then every difference but 0 gives exp = 0). */
  double real = beta * input_scale * (double) (1 << 26);

  if (!isfinite (beta) || !isfinite (input_scale) || !(beta > 0.0) || !(input_scale > 0.0))
    return EM_NN_TFLM_BAD_SCALE;
  if (real > 2147483647.0)
    real = 2147483647.0;
  /* QuantizeMultiplierGreaterThanOne refuses anything not above 1. */
  if (!(real > 1.0))
    return EM_NN_TFLM_SCALE_TOO_SMALL;
  {
    /* QuantizeMultiplier as TFLM builds it (double rounding): no cap of
     * the shift at 30 (em_nn_quantize_multiplier has the single-rounding
     * build's cap), so beta · scale ≥ 16 gives shift 31 and diff_min 0. */
    int exponent = 0;
    long long m = llround (frexp (real, &exponent) * 2147483648.0);
    if (m == 2147483648LL)
      {
        m /= 2;
        exponent++;
      }
    p->multiplier = (int32_t) m;
    p->left_shift = exponent;
  }
  p->diff_min = -em_nn_tflm_input_radius (5, p->left_shift);
  return EM_NN_TFLM_OK;
}

void
em_nn_tflm_softmax_table (const EmNnTflmSoftmax *p, int32_t exp_table[256])
{
  int32_t d;

  for (d = 0; d < 256; d++)
    {
      int32_t diff = -d;
      if (diff >= p->diff_min)
        {
          /* MultiplyByQuantizedMultiplierGreaterThanOne: |diff| · 2^shift
           * ≤ 31 · 2^26 here, so the product fits in int32. */
          int32_t scaled = (int32_t) ((int64_t) diff * ((int64_t) 1 << p->left_shift));
          exp_table[d] = em_nn_tflm_exp_on_negative_values (srdhm (scaled, p->multiplier), 5);
        }
      else
        exp_table[d] = 0;
    }
}

/* Prepare of TFLM's int8 LOGISTIC and TANH: input scale · 2^27 split by
 * frexp into a Q0.31 multiplier (rounded half away from zero) and a left
 * shift; inputs at or beyond the radius saturate. */
static EmNnTflmStatus
q4_prepare (float input_scale, int32_t *multiplier, int32_t *left_shift, int32_t *radius)
{
  int exponent = 0;
  double q;
  long long m;

  if (!isfinite (input_scale) || !(input_scale > 0.0f))
    return EM_NN_TFLM_BAD_SCALE;
  q = frexp ((double) input_scale * (double) (1 << 27), &exponent);
  m = llround (q * 2147483648.0);
  /* A negative shift makes TFLM's radius shift by a negative amount, one
   * of 63+ by 63+ bits: both undefined C++ (scales below 2^-28 or above
   * 2^35). A float scale has 24 significant bits, so m < 2^31. */
  if (exponent < 0)
    return EM_NN_TFLM_SCALE_TOO_SMALL;
  if (exponent > 62 || m > INT32_MAX)
    return EM_NN_TFLM_SCALE_TOO_LARGE;
  *multiplier = (int32_t) m;
  *left_shift = exponent;
  *radius = em_nn_tflm_input_radius (4, exponent);
  return EM_NN_TFLM_OK;
}

static EmNnTflmStatus
q4_table (float input_scale, int32_t input_zero_point, int is_tanh, int8_t table[256])
{
  int32_t multiplier, shift, radius, v;
  EmNnTflmStatus status = q4_prepare (input_scale, &multiplier, &shift, &radius);

  if (status != EM_NN_TFLM_OK)
    return status;
  for (v = -128; v <= 127; v++)
    {
      int32_t input = v - input_zero_point, out;
      if (input <= -radius)
        out = -128;
      else if (input >= radius)
        out = 127;
      else
        {
          /* |input| < radius keeps input · 2^shift inside int32. */
          int32_t q4 = em_nn_multiply_by_quantized_multiplier (input, multiplier, shift);
          if (is_tanh)
            out = em_nn_rounding_divide_by_pot (em_nn_tflm_tanh (q4, 4), 24);              /* Q0.7 */
          else
            out = em_nn_rounding_divide_by_pot (em_nn_tflm_logistic (q4, 4), 23) - 128;    /* Q0.8 */
          out = out < -128 ? -128 : out > 127 ? 127 : out;
        }
      table[v + 128] = (int8_t) out;
    }
  return EM_NN_TFLM_OK;
}

EmNnTflmStatus
em_nn_tflm_logistic_table (float input_scale, int32_t input_zero_point, int8_t table[256])
{
  return q4_table (input_scale, input_zero_point, 0, table);
}

EmNnTflmStatus
em_nn_tflm_tanh_table (float input_scale, int32_t input_zero_point, int8_t table[256])
{
  return q4_table (input_scale, input_zero_point, 1, table);
}
