/* SPDX-License-Identifier: Apache-2.0 */
/* The few transcendental functions the device paths need (plan set-up:
 * FFT twiddles, mel points, DCT table, Hamming window; per frame: ln,
 * √ in cmvnw), written with + − × ÷ only. Internal to dsp/ (the blocks
 * call them; applications have libm).
 *
 * Why not libm: on a Cortex-M4F the double-precision cos/sin/log/exp of a
 * C library (with cos's argument reduction tables) were about 8 kB of the
 * generated library's 21 kB of code. And why not cosf/logf: a device and
 * the host that checks it link different C libraries, whose float
 * functions may round the last bit differently; these IEEE operations in a
 * fixed order give the same bits everywhere (C99 without contraction, which
 * -std=c99 implies), so the generated library's int8 results stay bit-exact
 * between the host and the device.
 *
 * Accuracy: the float functions are within about 2 ulp, the double ones
 * within a few 1e-16 relative; angles are given as exact fractions of a
 * turn and reduced in integers, so there is no argument-reduction error. */
#ifndef EM_DSP_MATH_H
#define EM_DSP_MATH_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* sin and cos of 2π·num/den, den > 0 and ≤ 2^29 (reduced in integers). */
void   em_dsp_sincos_turn (uint32_t num, uint32_t den, float *s, float *c);
/* √v for v ≥ 0 finite; 0 for anything else. */
double em_dsp_sqrt_f64 (double v);
/* floor and ceil, exact for every double. */
double em_dsp_floor_f64 (double v);
double em_dsp_ceil_f64 (double v);
/* ln v for v positive, normal and finite. */
double em_dsp_ln_f64 (double v);
float  em_dsp_ln_f32 (float v);
/* e^x, x clamped to ±700. */
double em_dsp_exp_f64 (double x);

#ifdef __cplusplus
}
#endif

#endif /* EM_DSP_MATH_H */
