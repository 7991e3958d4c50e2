/* SPDX-License-Identifier: Apache-2.0 */
/* TEST-ONLY implementation of the two CMSIS-DSP functions declared in this
 * folder's arm_math.h, written from the CMSIS-DSP documentation ("Real FFT
 * Functions": the forward real FFT's output holds X[0] and X[N/2], both
 * real, packed in the first complex slot, then the complex X[k] for
 * k = 1..N/2-1; fast RFFT lengths 32..4096; the input buffer is modified).
 * It is a direct O(N²) DFT in double with the usual forward sign,
 * X[k] = Σ x[j]·e^(−2πi·jk/N), and checks only Ember's glue and layout
 * conversion. */
#include "arm_math.h"
#include "arm-math-shim.h"

#include <math.h>
#include <stdlib.h>

unsigned long arm_math_shim_calls;
int arm_math_shim_refuse;

arm_status
arm_rfft_fast_init_f32 (arm_rfft_fast_instance_f32 *S, uint16_t fftLen)
{
  if (S == NULL || arm_math_shim_refuse || fftLen < 32 || fftLen > 4096
      || (fftLen & (fftLen - 1)) != 0)
    return ARM_MATH_ARGUMENT_ERROR;
  S->fftLenRFFT = fftLen;
  S->Sint.fftLen = (uint16_t) (fftLen / 2);
  S->Sint.pTwiddle = NULL;
  S->Sint.pBitRevTable = NULL;
  S->Sint.bitRevLength = 0;
  S->pTwiddleRFFT = NULL;
  return ARM_MATH_SUCCESS;
}

void
arm_rfft_fast_f32 (const arm_rfft_fast_instance_f32 *S, float32_t *p, float32_t *pOut,
                   uint8_t ifftFlag)
{
  size_t n = S->fftLenRFFT, k, j;
  const double pi = 3.14159265358979323846;

  /* Only what Ember uses: forward, distinct buffers, an initialised S. */
  if (ifftFlag != 0 || p == pOut || n < 32 || S->Sint.fftLen != n / 2)
    abort ();
  for (k = 0; k <= n / 2; k++)
    {
      double re = 0.0, im = 0.0;
      for (j = 0; j < n; j++)
        {
          /* (j·k) mod n keeps the angle small and exact. */
          double a = 2.0 * pi * (double) ((j * k) % n) / (double) n;
          re += (double) p[j] * cos (a);
          im -= (double) p[j] * sin (a);
        }
      if (k == 0)
        pOut[0] = (float32_t) re;
      else if (k == n / 2)
        pOut[1] = (float32_t) re;
      else
        {
          pOut[2 * k] = (float32_t) re;
          pOut[2 * k + 1] = (float32_t) im;
        }
    }
  /* CMSIS works in place on its input: scribble over it so the glue
   * cannot rely on it being preserved. */
  for (j = 0; j < n; j++)
    p[j] = (float32_t) NAN;
  arm_math_shim_calls++;
}
