/* SPDX-License-Identifier: Apache-2.0 */
/* TensorFlow Lite Micro's int8 softmax, bit for bit, with its parameter work
 * moved to generation time.
 *
 * TFLM's reference kernel (int8 in, int8 out, output scale 1/256, zero
 * point -128) works per row of the last dimension: it takes the row's
 * maximum, turns each difference d = x - max (0 … -255 for int8) that is
 * not below diff_min into exp(beta · scale · d) by gemmlowp's fixed-point
 * exp (Q5.26 in, Q0.31 out), sums those rescaled to Q12.19, takes the
 * reciprocal of the sum by Newton–Raphson and scales every exp by it. The
 * exp depends on d alone, and an int8 row has only 256 possible d, so
 * em_nn_tflm_softmax_table (em-nn-quant-tflm.c, host) computes all 256 of
 * them with the very same fixed-point steps, writing 0 where d < diff_min;
 * a 0 adds nothing to the sum and gives -128, which is exactly what TFLM
 * does for an excluded d. What is left here is the part that depends on the
 * whole row: the sum, the reciprocal, the products and the final shift.
 *
 * Every operation is defined C99 for any table contents (sums wrap in
 * uint32 like TFLM's int32 sum does on every real target, no shift by 32 or
 * more), so a damaged table cannot make the kernel misbehave, only give
 * wrong numbers. */
#include "em-nn-kernels.h"

/* Q-formats used below: QI.F is a signed 32-bit value with I integer bits
 * and F = 31 - I fraction bits (gemmlowp's FixedPoint<int32_t, I>). */
#define EM_FX_ONE_Q2 ((int32_t) 1 << 29)
/* round(48/17 · 2^29) and round(-32/17 · 2^29): the Newton–Raphson
 * starting line 48/17 - 32/17 · d for d in [1/2, 1], which keeps the
 * relative error of the first guess below 1/17. */
#define EM_FX_48_OVER_17_Q2 1515870810
#define EM_FX_NEG_32_OVER_17_Q2 (-1010580540)

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

/* (a + b) / 2 rounded half away from zero. */
static int32_t
rounding_half_sum (int32_t a, int32_t b)
{
  int64_t sum = (int64_t) a + (int64_t) b;

  return (int32_t) ((sum + (sum >= 0 ? 1 : -1)) / 2);
}

/* x · 2^e for e in 1..30, saturating at the int32 range (gemmlowp's
 * SaturatingRoundingMultiplyByPOT with a positive exponent: any |x| above
 * 2^(31-e) - 1 saturates). */
static int32_t
saturating_shift_left (int32_t x, int32_t e)
{
  int32_t threshold = (int32_t) (((uint32_t) 1 << (31 - e)) - 1u);

  if (x > threshold)
    return INT32_MAX;
  if (x < -threshold)
    return INT32_MIN;
  return x * ((int32_t) 1 << e);
}

/* 1 / h for h = (1 + a) / 2 in [1/2, 1], in Q2.29: three Newton–Raphson
 * steps x += x (1 - h x) from the 48/17 line. */
static int32_t
newton_reciprocal_q2 (int32_t half_denominator)
{
  int32_t x = add_wrap (EM_FX_48_OVER_17_Q2,
                        em_nn_saturating_rounding_doubling_high_mul (half_denominator, EM_FX_NEG_32_OVER_17_Q2));
  int k;

  for (k = 0; k < 3; k++)
    {
      int32_t hx = em_nn_saturating_rounding_doubling_high_mul (half_denominator, x);    /* Q2 */
      int32_t one_minus_hx = sub_wrap (EM_FX_ONE_Q2, hx);                             /* Q2 */
      int32_t step = em_nn_saturating_rounding_doubling_high_mul (x, one_minus_hx);     /* Q4 */
      x = add_wrap (x, saturating_shift_left (step, 2));                              /* back to Q2 */
    }
  return x;
}

int32_t
em_nn_fx_one_over_one_plus_x (int32_t a)
{
  /* 1/(1+a) = (1/h) / 2: halve the Q2.29 value and read it as Q0.31,
   * which is a saturating shift left by one. */
  return saturating_shift_left (newton_reciprocal_q2 (rounding_half_sum (a, INT32_MAX)), 1);
}

int32_t
em_nn_fx_one_minus_x_over_one_plus_x (int32_t a)
{
  /* (1-a)/(1+a) = 1/h - 1, Q2.29 → Q0.31. */
  return saturating_shift_left (sub_wrap (newton_reciprocal_q2 (rounding_half_sum (a, INT32_MAX)), EM_FX_ONE_Q2), 2);
}

static int32_t
count_leading_zeros (uint32_t v)
{
  int32_t n = 0;

  if ((v & 0xFFFF0000u) == 0) { n += 16; v <<= 16; }
  if ((v & 0xFF000000u) == 0) { n += 8; v <<= 8; }
  if ((v & 0xF0000000u) == 0) { n += 4; v <<= 4; }
  if ((v & 0xC0000000u) == 0) { n += 2; v <<= 2; }
  if ((v & 0x80000000u) == 0) { n += 1; }
  return n;
}

/* RoundingDivideByPOT for exponents beyond 31 too. TFLM's final shift is
 * 35 - (leading zeros of the sum), which exceeds 31 once a row's exps add
 * up to 256 or more (256+ values at or next to the maximum); gemmlowp's
 * shift by 32+ is undefined C++ there (x86 and Cortex-M builds of TFLM
 * disagree), so Ember gives the mathematically rounded quotient, which for
 * |x| ≤ 2^31 and e ≥ 32 is 0 (or -1 for the tie -2^31 / 2^32). */
static int32_t
rounding_divide_by_pot_wide (int32_t x, int32_t e)
{
  if (e <= 31)
    return em_nn_rounding_divide_by_pot (x, e);
  return (x == INT32_MIN && e == 32) ? -1 : 0;
}

void
em_nn_softmax_tflm_s8 (int32_t rows, int32_t depth, const int32_t exp_table[256], const int8_t *input,
                       int8_t *output)
{
  int32_t r, c;

  for (r = 0; r < rows; r++)
    {
      const int8_t *x = input + (size_t) r * (size_t) depth;
      int8_t *y = output + (size_t) r * (size_t) depth;
      int32_t max = -128, headroom, shift, scale;
      uint32_t sum = 0;

      for (c = 0; c < depth; c++)
        if (x[c] > max)
          max = x[c];
      /* Q0.31 exps rescaled to Q12.19 and summed (TFLM adds in int32,
       * which wraps past 4095 values at the maximum; uint32 wraps the same
       * way without undefined behaviour). */
      for (c = 0; c < depth; c++)
        sum += (uint32_t) em_nn_rounding_divide_by_pot (exp_table[max - x[c]], 12);
      if (sum == 0)
        {
          /* Only a table of zeros or a wrap to exactly 2^32 gets here;
           * TFLM would shift by 32. */
          for (c = 0; c < depth; c++)
            y[c] = -128;
          continue;
        }
      /* sum = 2^(12 - headroom) · (1 + f) with f in [0, 1): the reciprocal
       * of 1 + f in Q0.31, the power of two goes into the final shift. */
      headroom = count_leading_zeros (sum);
      scale = em_nn_fx_one_over_one_plus_x ((int32_t) ((sum << headroom) - 0x80000000u));
      shift = (12 - headroom) + 31 - 8;
      /* Reading the input again (rather than keeping the exps) lets
       * output alias input without a scratch buffer. */
      for (c = 0; c < depth; c++)
        {
          int32_t p = em_nn_saturating_rounding_doubling_high_mul (scale, exp_table[max - x[c]]);
          int32_t v = rounding_divide_by_pot_wide (p, shift) - 128;
          y[c] = (int8_t) (v < -128 ? -128 : v > 127 ? 127 : v);
        }
    }
}
