/* SPDX-License-Identifier: Apache-2.0 */
/* Real FFT: Ember's own radix-2 transform (always compiled, used on devices)
 * and, when EM_DSP_USE_FFTW is defined (the host build only), FFTW's
 * single-precision r2c transform, plus its double-precision one for the
 * host blocks that need float64 accuracy (em_dsp_rfft_f64: MFCC).
 *
 * FFTW: a plan cannot live in caller memory and planning allocates, so the
 * host keeps one process-wide pair of FFTW_ESTIMATE plans per length (one
 * for SIMD-aligned arrays, one FFTW_UNALIGNED), made the first time a length
 * is initialised, under a mutex because FFTW's planner is not thread-safe.
 * Later inits only look the pair up, and transforms use FFTW's new-array
 * execute, which is thread-safe, on the caller's buffers. The plans live
 * until the process exits (at most 4 × 12 small plans: float and double).
 *
 * Portable method: an n-point real FFT is one complex FFT of m = n/2 points
 * on z[j] = x[2j] + i·x[2j+1], followed by a "split" step that separates the
 * spectra of the even and odd samples:
 *   X[k] = E[k] − i·W^k·O[k],  E = (Z[k] + conj Z[m−k])/2,
 *                              O = (Z[k] − conj Z[m−k])/2,  W = e^(−2πi/n).
 * Both the butterflies and the split need only W^k for k < n/2, so the plan
 * holds one table of n/2 complex twiddles (computed in double, stored as
 * float) plus an m-entry bit-reversal table; a transform then touches no
 * memory but the plan, its input and its output.
 *
 * CMSIS-DSP (EM_DSP_USE_CMSIS_DSP, defined by a user's device build that
 * also compiles and links Arm's CMSIS-DSP and puts "arm_math.h" on the
 * include path): em_dsp_rfft_init builds an arm_rfft_fast_instance_f32 for
 * n = 32..4096 (the lengths CMSIS's fast RFFT supports) and every other
 * length uses the own FFT. CMSIS's init only points the instance at the
 * library's const tables, so nothing is allocated. The instance and an
 * n-float scratch buffer live in the plan memory, in the space the own
 * FFT's twiddle and bit-reversal tables would take (em_dsp_rfft_plan_bytes
 * is therefore the same in every build, which the c-library's scratch
 * sizes, computed on the host, rely on). arm_rfft_fast_f32 overwrites its
 * input, so the const input is copied into that scratch first; this makes
 * a CMSIS plan single-threaded (see em-dsp-fft.h). Ember's tests build this
 * glue against a test-only stand-in for the two CMSIS functions
 * (tests/dsp/cmsis/), which checks the glue and the output layout only;
 * the real library's transform is what runs on the user's device. */
#ifdef EM_DSP_USE_FFTW
/* pthread mutexes under -std=c99 */
#define _POSIX_C_SOURCE 200809L
#endif

#include "em-dsp-fft.h"

#include <math.h>
#include <string.h>

#include "em-dsp-math.h"

#ifdef EM_DSP_USE_FFTW
#include <fftw3.h>
#include <pthread.h>
#endif

#ifdef EM_DSP_USE_CMSIS_DSP
#ifdef EM_DSP_USE_FFTW
#error "EM_DSP_USE_CMSIS_DSP is for device builds; it cannot be combined with EM_DSP_USE_FFTW"
#endif
#include "arm_math.h"
#endif

enum { PLAN_PORTABLE = 1, PLAN_FFTW = 2, PLAN_CMSIS = 3 };

struct em_dsp_rfft {
  size_t n;
  int kind;
  const float *tw;        /* n/2 complex twiddles W^k = (cos, −sin)(2πk/n) */
  const uint16_t *rev;    /* bit reversal of 0..n/2−1 (n/2 ≤ 4096 fits) */
  void *fftw;             /* fftwf_plan for SIMD-aligned arrays, or NULL */
  void *fftw_unaligned;   /* fftwf_plan made with FFTW_UNALIGNED */
  void *fftw_f64;         /* fftw_plan (double) for SIMD-aligned arrays */
  void *fftw_f64_unaligned;
};

static size_t
round_up (size_t v)
{
  return (v + (EM_DSP_ALIGN - 1)) & ~(size_t) (EM_DSP_ALIGN - 1);
}

int
em_dsp_fft_length_ok (size_t n)
{
  return n >= EM_DSP_FFT_MIN && n <= EM_DSP_FFT_MAX && (n & (n - 1)) == 0;
}

/* Bytes after the twiddles: the bit-reversal table, or in a CMSIS plan the
 * arm_rfft_fast_instance_f32. At least 64 so that the instance (24 bytes
 * on Cortex-M, up to about 48 with Helium's extra fields or on a 64-bit
 * test host) fits for n = 32 too. Every build uses this same size, so the
 * c-library's scratch sizes, computed on the host, fit the device. */
static size_t
rev_region (size_t n)
{
  size_t bytes = (n / 2) * sizeof (uint16_t);
  return round_up (bytes < 64 ? 64 : bytes);
}

size_t
em_dsp_rfft_plan_bytes_portable (size_t n)
{
  if (!em_dsp_fft_length_ok (n))
    return 0;
  return round_up (sizeof (em_dsp_rfft))
         + round_up (n * sizeof (float))
         + rev_region (n);
}

size_t
em_dsp_rfft_plan_bytes (size_t n)
{
  /* An FFTW plan lives outside this memory, so the portable plan's size is
   * enough for either kind (a caller that sized its memory with this query
   * may also call em_dsp_rfft_init_portable()). */
  return em_dsp_rfft_plan_bytes_portable (n);
}

static int
mem_ok (const void *mem)
{
  return mem != NULL && ((size_t) mem & (EM_DSP_ALIGN - 1)) == 0;
}

em_dsp_rfft *
em_dsp_rfft_init_portable (size_t n, void *mem, size_t mem_bytes)
{
  size_t need = em_dsp_rfft_plan_bytes_portable (n);
  size_t m, k, bits;
  em_dsp_rfft *plan;
  float *tw;
  uint16_t *rev;
  unsigned char *p = mem;

  if (need == 0 || !mem_ok (mem) || mem_bytes < need)
    return NULL;

  m = n / 2;
  plan = (em_dsp_rfft *) p;
  tw = (float *) (p + round_up (sizeof (em_dsp_rfft)));
  rev = (uint16_t *) (p + round_up (sizeof (em_dsp_rfft)) + round_up (n * sizeof (float)));

  for (k = 0; k < m; k++)
    {
      float s, c;
      em_dsp_sincos_turn ((uint32_t) k, (uint32_t) n, &s, &c);
      tw[2 * k] = c;
      tw[2 * k + 1] = -s;
    }

  for (bits = 0; ((size_t) 1 << bits) < m; bits++)
    ;
  for (k = 0; k < m; k++)
    {
      size_t r = 0, b, v = k;
      for (b = 0; b < bits; b++, v >>= 1)
        r = (r << 1) | (v & 1);
      rev[k] = (uint16_t) r;
    }

  plan->n = n;
  plan->kind = PLAN_PORTABLE;
  plan->tw = tw;
  plan->rev = rev;
  plan->fftw = NULL;
  plan->fftw_unaligned = NULL;
  plan->fftw_f64 = NULL;
  plan->fftw_f64_unaligned = NULL;
  return plan;
}

#ifdef EM_DSP_USE_FFTW
static pthread_mutex_t fftw_lock = PTHREAD_MUTEX_INITIALIZER;
/* [log2 n][0: aligned, 1: unaligned] */
static fftwf_plan fftw_plans[14][2];
static fftw_plan fftw_plans_f64[14][2];

/* The double-precision pair for em_dsp_rfft_f64, made with the float
 * pair (under the same lock). */
static void
fftw_get_f64 (size_t n, fftw_plan *slot)
{
  double *in = fftw_malloc (n * sizeof (double));
  fftw_complex *out = fftw_malloc ((n / 2 + 1) * sizeof (fftw_complex));

  if (in != NULL && out != NULL)
    {
      if (slot[0] == NULL)
        slot[0] = fftw_plan_dft_r2c_1d ((int) n, in, out, FFTW_ESTIMATE);
      if (slot[1] == NULL)
        slot[1] = fftw_plan_dft_r2c_1d ((int) n, in, out, FFTW_ESTIMATE | FFTW_UNALIGNED);
    }
  fftw_free (in);
  fftw_free (out);
}

static int
fftw_get (size_t n, fftwf_plan *aligned, fftwf_plan *unaligned, fftw_plan *aligned_f64,
          fftw_plan *unaligned_f64)
{
  size_t bits = 0;
  fftwf_plan *slot;
  fftw_plan *slot_f64;

  while (((size_t) 1 << bits) < n)
    bits++;
  slot = fftw_plans[bits];
  slot_f64 = fftw_plans_f64[bits];
  pthread_mutex_lock (&fftw_lock);
  if (slot[0] == NULL || slot[1] == NULL)
    {
      /* FFTW_ESTIMATE only looks at the arrays' alignment, never at their
       * contents, and an out-of-place r2c plan keeps its input intact. */
      float *in = fftwf_malloc (n * sizeof (float));
      fftwf_complex *out = fftwf_malloc ((n / 2 + 1) * sizeof (fftwf_complex));
      if (in != NULL && out != NULL)
        {
          if (slot[0] == NULL)
            slot[0] = fftwf_plan_dft_r2c_1d ((int) n, in, out, FFTW_ESTIMATE);
          if (slot[1] == NULL)
            slot[1] = fftwf_plan_dft_r2c_1d ((int) n, in, out,
                                             FFTW_ESTIMATE | FFTW_UNALIGNED);
        }
      fftwf_free (in);
      fftwf_free (out);
    }
  if (slot_f64[0] == NULL || slot_f64[1] == NULL)
    fftw_get_f64 (n, slot_f64);
  *aligned = slot[0];
  *unaligned = slot[1];
  *aligned_f64 = slot_f64[0];
  *unaligned_f64 = slot_f64[1];
  pthread_mutex_unlock (&fftw_lock);
  return *aligned != NULL && *unaligned != NULL && *aligned_f64 != NULL
         && *unaligned_f64 != NULL;
}
#endif

#ifdef EM_DSP_USE_CMSIS_DSP
/* A CMSIS plan: the struct, then n floats of scratch (where the own FFT
 * keeps its twiddles; plan->tw points at it), then the CMSIS instance
 * (where the bit-reversal table would be). */
static arm_rfft_fast_instance_f32 *
cmsis_instance (const em_dsp_rfft *plan)
{
  unsigned char *p = (unsigned char *) plan;  /* the plan's own memory */
  return (arm_rfft_fast_instance_f32 *) (void *) (p + round_up (sizeof (em_dsp_rfft))
                                                  + round_up (plan->n * sizeof (float)));
}

static em_dsp_rfft *
cmsis_init (size_t n, void *mem, size_t mem_bytes)
{
  size_t need = em_dsp_rfft_plan_bytes (n);
  em_dsp_rfft *plan = (em_dsp_rfft *) mem;

  /* CMSIS's fast RFFT takes 32..4096; the instance must fit where the
   * own FFT's bit-reversal table goes (it does for the CMSIS versions we
   * know of; should a future one be bigger, the own FFT is used). */
  if (n < 32 || n > 4096 || need == 0 || !mem_ok (mem) || mem_bytes < need
      || round_up (sizeof (arm_rfft_fast_instance_f32)) > rev_region (n))
    return NULL;
  plan->n = n;
  if (arm_rfft_fast_init_f32 (cmsis_instance (plan), (uint16_t) n) != ARM_MATH_SUCCESS)
    return NULL;
  plan->kind = PLAN_CMSIS;
  plan->tw = (const float *) ((unsigned char *) mem + round_up (sizeof (em_dsp_rfft)));
  plan->rev = NULL;
  plan->fftw = NULL;
  plan->fftw_unaligned = NULL;
  plan->fftw_f64 = NULL;
  plan->fftw_f64_unaligned = NULL;
  return plan;
}

static void
rfft_cmsis (const em_dsp_rfft *plan, const float *in, float *out)
{
  size_t n = plan->n;
  float *scratch = (float *) plan->tw;  /* the plan's scratch (see above) */
  float nyquist;

  memcpy (scratch, in, n * sizeof (float));
  arm_rfft_fast_f32 (cmsis_instance (plan), scratch, out, 0);
  /* CMSIS's packed layout (CMSIS-DSP documentation, "Real FFT Functions",
   * https://arm-software.github.io/CMSIS-DSP/latest/group__RealFFT.html:
   * "Except the first complex number that contains the two real numbers
   * X[0] and X[N/2] all the data is complex"): out[0] = Re X[0], out[1] = Re X[n/2],
   * then Re, Im of X[k] for k = 1..n/2-1 at out[2k], out[2k+1] -- already
   * where em-dsp-fft.h wants them. Only the two real bins move: X[0] and
   * X[n/2] get a zero imaginary part, X[n/2] at out[n], out[n+1]. */
  nyquist = out[1];
  out[1] = 0.0f;
  out[n] = nyquist;
  out[n + 1] = 0.0f;
}
#endif

em_dsp_rfft *
em_dsp_rfft_init (size_t n, void *mem, size_t mem_bytes)
{
#if defined(EM_DSP_USE_CMSIS_DSP)
  em_dsp_rfft *plan = cmsis_init (n, mem, mem_bytes);
  if (plan != NULL)
    return plan;
  /* Lengths CMSIS's fast RFFT does not take (4..16, 8192) use the own FFT. */
  return em_dsp_rfft_init_portable (n, mem, mem_bytes);
#elif defined(EM_DSP_USE_FFTW)
  size_t need = em_dsp_rfft_plan_bytes (n);
  fftwf_plan aligned, unaligned;
  fftw_plan aligned_f64, unaligned_f64;
  em_dsp_rfft *plan;

  if (need == 0 || !mem_ok (mem) || mem_bytes < need)
    return NULL;
  if (!fftw_get (n, &aligned, &unaligned, &aligned_f64, &unaligned_f64))
    return NULL;
  plan = (em_dsp_rfft *) mem;
  plan->n = n;
  plan->kind = PLAN_FFTW;
  plan->tw = NULL;
  plan->rev = NULL;
  plan->fftw = aligned;
  plan->fftw_unaligned = unaligned;
  plan->fftw_f64 = aligned_f64;
  plan->fftw_f64_unaligned = unaligned_f64;
  return plan;
#else
  return em_dsp_rfft_init_portable (n, mem, mem_bytes);
#endif
}

size_t
em_dsp_rfft_length (const em_dsp_rfft *plan)
{
  return plan ? plan->n : 0;
}

/* In-place radix-2 decimation-in-time butterflies on m complex values that
 * are already in bit-reversed order. */
static void
cfft_butterflies (const em_dsp_rfft *plan, float *z, size_t m)
{
  const float *tw = plan->tw;
  size_t len, start, j;

  /* First stage: the twiddle is 1, so skip the multiply. */
  for (start = 0; start < m; start += 2)
    {
      float *a = z + 2 * start, *b = a + 2;
      float ar = a[0], ai = a[1];
      a[0] = ar + b[0];
      a[1] = ai + b[1];
      b[0] = ar - b[0];
      b[1] = ai - b[1];
    }

  for (len = 4; len <= m; len <<= 1)
    {
      size_t half = len / 2;
      size_t tstep = plan->n / len;  /* W_len^j == W_n^(j·n/len) */
      for (start = 0; start < m; start += len)
        {
          float *a = z + 2 * start;
          float *b = a + 2 * half;
          for (j = 0; j < half; j++)
            {
              float wr = tw[2 * j * tstep], wi = tw[2 * j * tstep + 1];
              float br = b[2 * j] * wr - b[2 * j + 1] * wi;
              float bi = b[2 * j] * wi + b[2 * j + 1] * wr;
              float ar = a[2 * j], ai = a[2 * j + 1];
              a[2 * j] = ar + br;
              a[2 * j + 1] = ai + bi;
              b[2 * j] = ar - br;
              b[2 * j + 1] = ai - bi;
            }
        }
    }
}

static void
rfft_portable (const em_dsp_rfft *plan, const float *in, float *out)
{
  size_t n = plan->n, m = n / 2, k;
  const float *tw = plan->tw;
  float z0r, z0i;

  /* Pack pairs of real samples as complex values, in bit-reversed order. */
  for (k = 0; k < m; k++)
    {
      size_t r = plan->rev[k];
      out[2 * r] = in[2 * k];
      out[2 * r + 1] = in[2 * k + 1];
    }
  cfft_butterflies (plan, out, m);

  z0r = out[0];
  z0i = out[1];
  out[0] = z0r + z0i;
  out[1] = 0.0f;
  out[2 * m] = z0r - z0i;
  out[2 * m + 1] = 0.0f;

  /* X[k] and X[m−k] come from the same pair Z[k], Z[m−k], so the split
   * runs in place over k = 1..m/2. */
  for (k = 1; k <= m / 2; k++)
    {
      float ar = out[2 * k], ai = out[2 * k + 1];
      float br = out[2 * (m - k)], bi = out[2 * (m - k) + 1];
      float er = 0.5f * (ar + br), ei = 0.5f * (ai - bi);
      float or_ = 0.5f * (ar - br), oi = 0.5f * (ai + bi);
      float wr = tw[2 * k], wi = tw[2 * k + 1];
      float tr = wr * or_ - wi * oi;
      float ti = wr * oi + wi * or_;
      out[2 * k] = er + ti;
      out[2 * k + 1] = ei - tr;
      out[2 * (m - k)] = er - ti;
      out[2 * (m - k) + 1] = -(ei + tr);
    }
}

void
em_dsp_rfft_f32 (const em_dsp_rfft *plan, const float *in, float *out)
{
#ifdef EM_DSP_USE_FFTW
  if (plan->kind == PLAN_FFTW)
    {
      /* The input is only read (out-of-place r2c preserves it); FFTW's
       * interface just lacks the const. fftwf_complex is two floats, as
       * our re,im pairs. */
      float *x = (float *) in;
      fftwf_complex *y = (fftwf_complex *) (void *) out;
      int al = fftwf_alignment_of (x) == 0 && fftwf_alignment_of (out) == 0;
      fftwf_execute_dft_r2c ((fftwf_plan) (al ? plan->fftw : plan->fftw_unaligned), x, y);
      return;
    }
#endif
#ifdef EM_DSP_USE_CMSIS_DSP
  if (plan->kind == PLAN_CMSIS)
    {
      rfft_cmsis (plan, in, out);
      return;
    }
#endif
  rfft_portable (plan, in, out);
}

#ifdef EM_DSP_USE_FFTW
void
em_dsp_rfft_f64 (const em_dsp_rfft *plan, const double *in, double *out)
{
  /* As em_dsp_rfft_f32; fftw_complex is two doubles. */
  double *x = (double *) in;
  fftw_complex *y = (fftw_complex *) (void *) out;
  int al = fftw_alignment_of (x) == 0 && fftw_alignment_of (out) == 0;

  fftw_execute_dft_r2c ((fftw_plan) (al ? plan->fftw_f64 : plan->fftw_f64_unaligned), x, y);
}
#endif

void
em_dsp_rfft_power_f32 (const em_dsp_rfft *plan, const float *in, float *power, float *work)
{
  size_t n = plan->n, k;
  float inv = 1.0f / (float) n;

  em_dsp_rfft_f32 (plan, in, work);
  for (k = 0; k <= n / 2; k++)
    {
      float re = work[2 * k], im = work[2 * k + 1];
      power[k] = (re * re + im * im) * inv;
    }
}
