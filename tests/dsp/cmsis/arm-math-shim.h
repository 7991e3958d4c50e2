/* SPDX-License-Identifier: Apache-2.0 */
/* Test hooks of the CMSIS-DSP stand-in (arm-math-shim.c); not CMSIS API. */
#ifndef EM_TEST_ARM_MATH_SHIM_H
#define EM_TEST_ARM_MATH_SHIM_H

/* Calls of arm_rfft_fast_f32 since the start (the tests check CMSIS ran). */
extern unsigned long arm_math_shim_calls;
/* When nonzero, arm_rfft_fast_init_f32 fails for every length, so
 * em_dsp_rfft_init falls back to the own FFT (the tests' reference). */
extern int arm_math_shim_refuse;

#endif
