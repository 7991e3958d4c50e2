/* SPDX-License-Identifier: Apache-2.0 */
/* A log10 for the dB steps of MFE and Spectrogram that the compiler can
 * inline and vectorise (libm's log10f is an opaque call per value: it was a
 * fifth of MFE's time). Private to dsp/.
 *
 * Method (the classic one of fdlibm/musl logf): write v = 2^e·m with m in
 * [√½, √2) by integer arithmetic on the bits, then
 *   ln m = 2·atanh(s) = 2s + 2s³/3 + 2s⁵/5 + 2s⁷/7 + 2s⁹/9 + …,
 *   s = (m − 1)/(m + 1), |s| ≤ 0.1716,
 * where the first term left out, 2s¹¹/11, is below 1e-9 relative; and
 *   log10 v = e·log10(2) + ln(m)/ln(10),
 * with log10(2) split in a high part (few bits, so e times it is exact) and
 * a low part. The float rounding of these few operations leaves the result
 * within a few ulp of the exact value: about 1e-6 dB at the top of float's
 * range, where the dB outputs are then divided by 60 or more. */
#ifndef EM_DSP_LOG_PRIVATE_H
#define EM_DSP_LOG_PRIVATE_H

#include <stdint.h>

/* log10(v) for v positive, normal and finite (callers clip to ≥ 1e-30 and
 * send Inf and NaN through log10f). No branch, so loops around it vectorise. */
static inline float
em_dsp_log10_normal (float v)
{
  /* A union rather than memcpy: GCC keeps a union in registers even when v
   * came from a select, where memcpy made it spill and stop vectorising.
   * Reading the other member is defined in C99 (TC3) and later. */
  union { float f; uint32_t u; } c;
  uint32_t u;
  int32_t e;
  float m, s, z, p;

  c.f = v;
  u = c.u;
  /* Offset by the bits of √½ so that the exponent field's carry puts m in
   * [√½, √2): e = floor(log2(v/√½)). */
  u -= 0x3f3504f3u;
  e = (int32_t) (u >> 23) - (int32_t) ((u >> 31) << 9);  /* arithmetic >> 23 */
  c.u = (u & 0x007fffffu) + 0x3f3504f3u;
  m = c.f;
  s = (m - 1.0f) / (m + 1.0f);
  z = s * s;
  p = z * (2.0f / 3.0f + z * (2.0f / 5.0f + z * (2.0f / 7.0f + z * (2.0f / 9.0f))));
  /* ln m = 2s + s·p; log10(2) = 0.30102920532 + 7.9034151668e-7 */
  return (float) e * 3.0102920532e-01f
         + ((float) e * 7.9034151668e-07f + (2.0f * s + s * p) * 4.3429448190e-01f);
}

#endif /* EM_DSP_LOG_PRIVATE_H */
