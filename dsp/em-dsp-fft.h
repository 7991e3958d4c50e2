/* SPDX-License-Identifier: Apache-2.0 */
/* Real FFT. The host build (EM_DSP_USE_FFTW) runs FFTW's single-precision
 * r2c transform (process-wide plans, made once per length; see
 * em-dsp-fft.c); the device build uses Ember's own compact radix-2 real FFT
 * in this directory. Both give the same results within 1e-5 (a test checks).
 * A device build that defines EM_DSP_USE_CMSIS_DSP (and compiles with Arm's
 * CMSIS-DSP, "arm_math.h") runs CMSIS's arm_rfft_fast_f32 for n = 32..4096
 * and the own FFT for other lengths, with the same output layout.
 * Plans are read-only after init, so one plan may be used by several
 * threads at once -- except a CMSIS plan, whose transform uses scratch
 * inside the plan (CMSIS overwrites its input): give each thread its own. */
#ifndef EM_DSP_FFT_H
#define EM_DSP_FFT_H

#include "em-dsp.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Supported lengths: powers of two from 4 to 8192. */
#define EM_DSP_FFT_MIN 4
#define EM_DSP_FFT_MAX 8192

typedef struct em_dsp_rfft em_dsp_rfft;

int    em_dsp_fft_length_ok     (size_t n);
/* Bytes of plan memory for an n-point real FFT; 0 if n is unsupported. */
size_t em_dsp_rfft_plan_bytes   (size_t n);
/* Build a plan in @mem (EM_DSP_ALIGN-aligned, em_dsp_rfft_plan_bytes(n) bytes).
 * Returns NULL when n is unsupported or the memory is too small. */
em_dsp_rfft *em_dsp_rfft_init   (size_t n, void *mem, size_t mem_bytes);
size_t em_dsp_rfft_length       (const em_dsp_rfft *plan);
/* in: n real values. out: n/2+1 complex values as re,im pairs (n+2 floats).
 * in and out must not overlap. Not normalized (like numpy.fft.rfft). */
void   em_dsp_rfft_f32          (const em_dsp_rfft *plan, const float *in, float *out);
/* |rfft(in)|^2 / n for n/2+1 bins (numpy: abs(rfft(x))**2 / n).
 * @work: n+2 floats of scratch. */
void   em_dsp_rfft_power_f32    (const em_dsp_rfft *plan, const float *in, float *power, float *work);

#ifdef EM_DSP_USE_FFTW
/* Host build only: the same transform in double precision (FFTW's fftw_
 * API), for blocks whose host results must match Python's float64 closely
 * (MFCC; see em-dsp-mfcc.h). in: n doubles; out: n+2 doubles (re,im
 * pairs). @plan must come from em_dsp_rfft_init (not the portable init). */
void   em_dsp_rfft_f64          (const em_dsp_rfft *plan, const double *in, double *out);
#endif

/* Force the portable FFT even in an FFTW build (tests compare the two). */
em_dsp_rfft *em_dsp_rfft_init_portable (size_t n, void *mem, size_t mem_bytes);
size_t em_dsp_rfft_plan_bytes_portable (size_t n);

#ifdef __cplusplus
}
#endif

#endif /* EM_DSP_FFT_H */
