/* SPDX-License-Identifier: Apache-2.0 */
/* Fixed-point requantization maths of int8 inference.
 *
 * These follow TensorFlow Lite's reference arithmetic so that a model
 * quantized here produces the same bytes on the host, in the generated
 * device library and in TFLite itself. Everything that could overflow or
 * shift a negative number is written so that C99 defines the result (no
 * signed overflow, no right shift of a negative value), because the same
 * file is compiled by whatever toolchain a device uses.
 *
 * This is the per-inference half, which generated device code compiles:
 * integer and float arithmetic only, no libm, and no 64-bit division (a
 * Cortex-M has none; the compiler would link libgcc's 0.7 kB routine).
 * Multipliers, shifts and tables are made at generation time by
 * em-nn-quant-prepare.c. */
#include "em-nn-kernels.h"

int32_t
em_nn_saturating_rounding_doubling_high_mul (int32_t a, int32_t b)
{
  int64_t ab, nudge, x, mag;

  if (a == INT32_MIN && b == INT32_MIN)
    return INT32_MAX;
  ab = (int64_t) a * (int64_t) b;
  /* int64 constants: int is 16 bits on AVR, where 1 << 30 is 0 */
  nudge = ab >= 0 ? ((int64_t) 1 << 30) : (1 - ((int64_t) 1 << 30));
  /* The reference divides by 2^31 truncating toward zero: shift the
   * magnitude (|ab + nudge| < 2^62, so its negation cannot overflow). */
  x = ab + nudge;
  mag = (int64_t) ((x >= 0 ? (uint64_t) x : (uint64_t) 0 - (uint64_t) x) >> 31);
  return (int32_t) (x >= 0 ? mag : -mag);
}

/* Arithmetic shift right without relying on implementation-defined
 * behaviour for negative values: ~x is non-negative when x is negative. */
static int32_t
asr32 (int32_t x, int32_t e)
{
  if (x >= 0)
    return x >> e;
  return ~((~x) >> e);
}

int32_t
em_nn_rounding_divide_by_pot (int32_t x, int32_t exponent)
{
  int32_t mask, remainder, threshold;

  if (exponent <= 0)
    return x;
  if (exponent > 31)
    exponent = 31;
  mask = (int32_t) (((uint32_t) 1 << exponent) - 1u);
  remainder = x & mask;
  threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return asr32 (x, exponent) + (remainder > threshold ? 1 : 0);
}

int32_t
em_nn_multiply_by_quantized_multiplier (int32_t x, int32_t multiplier, int32_t shift)
{
  int32_t left = shift > 0 ? shift : 0;
  int32_t right = shift > 0 ? 0 : -shift;
  /* The reference multiplies in int32; wrap like two's complement hardware
   * does instead of invoking signed overflow. */
  int32_t scaled = (int32_t) ((uint32_t) x << left);

  return em_nn_rounding_divide_by_pot (em_nn_saturating_rounding_doubling_high_mul (scaled, multiplier),
                                       right);
}

/* round(v) + zp (half away from zero) clamped to int8, in float and
 * integers: the same result as libm's round() in double, without libm.
 * Beyond ±2^22 the int8 result saturates whatever zp is, so v is clamped
 * there first; below it, v − trunc(v) is exact. NaN gives zp. */
static int8_t
round_clamp_s8 (float v, int32_t zp)
{
  int64_t r;
  int32_t t;
  float f;

  if (v != v)
    v = 0.0f;
  if (v > 4194304.0f)
    v = 4194304.0f;
  if (v < -4194304.0f)
    v = -4194304.0f;
  t = (int32_t) v;
  f = v - (float) t;
  if (f >= 0.5f)
    t++;
  else if (f <= -0.5f)
    t--;
  r = (int64_t) t + zp;
  if (r < -128)
    r = -128;
  if (r > 127)
    r = 127;
  return (int8_t) r;
}

void
em_nn_quantize_s8 (int32_t n, float scale, int32_t zero_point, const float *input, int8_t *output)
{
  int32_t i;

  for (i = 0; i < n; i++)
    {
      /* float division, as TFLite's reference Quantize does. */
      output[i] = round_clamp_s8 (input[i] / scale, zero_point);
    }
}

void
em_nn_dequantize_s8 (int32_t n, float scale, int32_t zero_point, const int8_t *input, float *output)
{
  int32_t i;

  for (i = 0; i < n; i++)
    output[i] = scale * (float) ((int32_t) input[i] - zero_point);
}
