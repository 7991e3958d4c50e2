/* SPDX-License-Identifier: Apache-2.0 */
/* dsp/'s own transcendental functions; see em-dsp-math.h. */
#include "em-dsp-math.h"

#include <float.h>
#include <string.h>
#if DBL_MANT_DIG != 53
#include <math.h>
#endif

/* sin and cos of θ ∈ [0, π/4] (Taylor series; the first term left out is
 * below 2e-9). */
static void
sincos_octant (float x, float *s, float *c)
{
  float z = x * x;

  *s = x + x * z * (-1.0f / 6.0f + z * (1.0f / 120.0f + z * (-1.0f / 5040.0f + z * (1.0f / 362880.0f))));
  *c = 1.0f + z * (-0.5f + z * (1.0f / 24.0f + z * (-1.0f / 720.0f + z * (1.0f / 40320.0f
                                                                         + z * (-1.0f / 3628800.0f)))));
}

void
em_dsp_sincos_turn (uint32_t num, uint32_t den, float *s_out, float *c_out)
{
  uint32_t q, r;
  float s, c, t;

  num %= den;
  /* Quadrant q and the place r/den inside it; past its middle, the angle
   * from the quadrant's end (so the series always sees |θ| ≤ π/4). */
  q = (num * 4u) / den;
  r = num * 4u - q * den;
  if (2u * r <= den)
    {
      sincos_octant ((float) r / (float) den * 1.57079632679489662f, &s, &c);
    }
  else
    {
      sincos_octant ((float) (den - r) / (float) den * 1.57079632679489662f, &c, &s);
    }
  switch (q)
    {
    case 0: break;
    case 1: t = s; s = c; c = -t; break;
    case 2: s = -s; c = -c; break;
    default: t = s; s = -c; c = t; break;
    }
  *s_out = s;
  *c_out = c;
}

#if DBL_MANT_DIG == 53
/* √v for v ≥ 0 finite (0 for anything else): Newton's iteration from a
 * guess made on the bits (halving the exponent); six steps reach double's
 * precision. */
double
em_dsp_sqrt_f64 (double v)
{
  uint64_t u;
  double y;
  int i;

  if (!(v > 0.0) || v > 1.7e308)
    return 0.0;
  memcpy (&u, &v, sizeof u);
  u = (u >> 1) + 0x1ff8000000000000ull;
  memcpy (&y, &u, sizeof y);
  for (i = 0; i < 6; i++)
    y = 0.5 * (y + v / y);
  return y;
}

/* floor(v) on the bits: clear the fraction bits the exponent leaves, after
 * adding one unit of the last integer bit to a negative value that has
 * any (the carry may run into the exponent, as it should: −1.5 → −2). No
 * double arithmetic, which is soft-float on most devices. */
double
em_dsp_floor_f64 (double v)
{
  uint64_t u, frac;
  int32_t e;

  memcpy (&u, &v, sizeof u);
  e = (int32_t) ((u >> 52) & 0x7ffu) - 1023;
  if (e >= 52)
    return v;   /* an integer already, or Inf or NaN */
  if (e < 0)
    {
      /* |v| < 1: ±0 stay, other positives give +0, negatives −1. */
      if ((u << 1) == 0)
        return v;
      return (u >> 63) != 0 ? -1.0 : 0.0;
    }
  frac = 0x000fffffffffffffull >> e;
  if ((u & frac) == 0)
    return v;
  if ((u >> 63) != 0)
    u += frac + 1u;
  u &= ~frac;
  memcpy (&v, &u, sizeof v);
  return v;
}

#else
/* double is binary32 here (avr-gcc): the bit tricks above assume binary64,
 * and the device's own libm is already single precision. */
double
em_dsp_sqrt_f64 (double v)
{
  return v > 0.0 && v <= DBL_MAX ? sqrt (v) : 0.0;
}

double
em_dsp_floor_f64 (double v)
{
  return floor (v);
}
#endif

double
em_dsp_ceil_f64 (double v)
{
  return -em_dsp_floor_f64 (-v);
}

#if DBL_MANT_DIG == 53
/* ln v for v positive, normal and finite: v = 2^e·m with m in [√½, √2),
 * ln m = 2·atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.1716, whose series is
 * summed to s^23 (the next term is below 1e-18 relative); ln 2 is split so
 * that e·ln2_hi is exact. */
double
em_dsp_ln_f64 (double v)
{
  uint64_t u;
  int32_t e;
  double m, s, z, p;
  int k;

  memcpy (&u, &v, sizeof u);
  u -= 0x3fe6a09e667f3bcdull;  /* the bits of √½ */
  e = (int32_t) (u >> 52) - (int32_t) ((u >> 63) << 12);
  u = (u & 0x000fffffffffffffull) + 0x3fe6a09e667f3bcdull;
  memcpy (&m, &u, sizeof m);
  s = (m - 1.0) / (m + 1.0);
  z = s * s;
  /* p = z·(2/3 + z·(2/5 + … + z·(2/23))), as a loop: on a soft-float
   * double each step is two calls, and eleven of them written out cost
   * 0.4 kB of code. 2.0/k is the same correctly rounded constant either way. */
  p = 0.0;
  for (k = 23; k >= 3; k -= 2)
    p = z * (2.0 / (double) k + p);
  return (double) e * 6.93147180369123816490e-01
         + ((double) e * 1.90821492927058770002e-10 + (2.0 * s + s * p));
}

/* e^x for |x| ≤ 700: x = k·ln2 + r, |r| ≤ ln2/2, e^r by its Taylor series
 * to r^17 (the next term is below 1e-19), times 2^k on the bits. */
double
em_dsp_exp_f64 (double x)
{
  double kd, r, p;
  int32_t k;
  uint64_t bits;
  double scale;
  int i;

  if (x > 700.0)
    x = 700.0;
  if (x < -700.0)
    x = -700.0;
  kd = em_dsp_floor_f64 (x * 1.44269504088896338700 + 0.5);
  k = (int32_t) kd;
  r = (x - kd * 6.93147180369123816490e-01) - kd * 1.90821492927058770002e-10;
  p = 1.0;
  for (i = 17; i >= 1; i--)
    p = 1.0 + p * r / (double) i;
  bits = (uint64_t) (k + 1023) << 52;
  memcpy (&scale, &bits, sizeof scale);
  return p * scale;
}

#else
double
em_dsp_ln_f64 (double v)
{
  return log (v);
}

double
em_dsp_exp_f64 (double x)
{
  return exp (x);
}
#endif

/* ln v in float for v positive, normal and finite (the method of
 * em-dsp-log-private.h, with ln 2 split as above). */
float
em_dsp_ln_f32 (float v)
{
  uint32_t u;
  int32_t e;
  float m, s, z, p;

  memcpy (&u, &v, sizeof u);
  u -= 0x3f3504f3u;
  e = (int32_t) (u >> 23) - (int32_t) ((u >> 31) << 9);
  u = (u & 0x007fffffu) + 0x3f3504f3u;
  memcpy (&m, &u, sizeof m);
  s = (m - 1.0f) / (m + 1.0f);
  z = s * s;
  p = z * (2.0f / 3.0f + z * (2.0f / 5.0f + z * (2.0f / 7.0f + z * (2.0f / 9.0f))));
  return (float) e * 6.9313812256e-01f + ((float) e * 9.0580006145e-06f + (2.0f * s + s * p));
}
