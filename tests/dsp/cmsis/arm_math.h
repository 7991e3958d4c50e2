/* SPDX-License-Identifier: Apache-2.0 */
/* TEST-ONLY stand-in for CMSIS-DSP's "arm_math.h". It declares just the
 * part of the documented CMSIS-DSP API that dsp/em-dsp-fft.c uses when a
 * user's device build defines EM_DSP_USE_CMSIS_DSP (types as the CMSIS-DSP
 * reference documents them: arm_status, arm_cfft_instance_f32,
 * arm_rfft_fast_instance_f32, arm_rfft_fast_init_f32, arm_rfft_fast_f32).
 * The implementation (arm-math-shim.c) is a plain double-precision DFT that
 * writes CMSIS's documented packed layout; it is written from the
 * documentation, not from CMSIS source. It lets Ember's tests check the
 * glue and the output-layout conversion; it says nothing about CMSIS's own
 * speed or accuracy. A user's build uses Arm's real library instead. */
#ifndef EM_TEST_ARM_MATH_H
#define EM_TEST_ARM_MATH_H

#include <stdint.h>

typedef float float32_t;

typedef enum {
  ARM_MATH_SUCCESS = 0,
  ARM_MATH_ARGUMENT_ERROR = -1
} arm_status;

typedef struct {
  uint16_t fftLen;
  const float32_t *pTwiddle;
  const uint16_t *pBitRevTable;
  uint16_t bitRevLength;
} arm_cfft_instance_f32;

typedef struct {
  arm_cfft_instance_f32 Sint;
  uint16_t fftLenRFFT;
  const float32_t *pTwiddleRFFT;
} arm_rfft_fast_instance_f32;

/* fftLen: 32, 64, ..., 4096; anything else gives ARM_MATH_ARGUMENT_ERROR. */
arm_status arm_rfft_fast_init_f32 (arm_rfft_fast_instance_f32 *S, uint16_t fftLen);
/* Forward (ifftFlag 0): p holds fftLen real samples and is modified; pOut
 * gets fftLen floats: Re X[0], Re X[N/2], then Re, Im of X[1..N/2-1]. */
void arm_rfft_fast_f32 (const arm_rfft_fast_instance_f32 *S, float32_t *p, float32_t *pOut,
                        uint8_t ifftFlag);

#endif /* EM_TEST_ARM_MATH_H */
