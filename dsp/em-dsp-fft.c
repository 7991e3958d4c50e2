/* SPDX-License-Identifier: Apache-2.0 */
/* Real FFT: Ember's own radix-2 transform (always compiled, used on devices)
 * and, when EM_DSP_USE_KISSFFT is defined, kissfft's kiss_fftr on memory the
 * caller owns.
 *
 * Portable method: an n-point real FFT is one complex FFT of m = n/2 points
 * on z[j] = x[2j] + i·x[2j+1], followed by a "split" step that separates the
 * spectra of the even and odd samples:
 *   X[k] = E[k] − i·W^k·O[k],  E = (Z[k] + conj Z[m−k])/2,
 *                              O = (Z[k] − conj Z[m−k])/2,  W = e^(−2πi/n).
 * Both the butterflies and the split need only W^k for k < n/2, so the plan
 * holds one table of n/2 complex twiddles (computed in double, stored as
 * float) plus an m-entry bit-reversal table; a transform then touches no
 * memory but the plan, its input and its output. */
#include "em-dsp-fft.h"

#include <math.h>
#include <string.h>

#ifdef EM_DSP_USE_KISSFFT
#include <kiss_fftr.h>
#endif

#define EM_DSP_PI 3.14159265358979323846

enum { PLAN_PORTABLE = 1, PLAN_KISS = 2 };

struct em_dsp_rfft {
  size_t n;
  int kind;
  const float *tw;        /* n/2 complex twiddles W^k = (cos, −sin)(2πk/n) */
  const uint16_t *rev;    /* bit reversal of 0..n/2−1 (n/2 ≤ 4096 fits) */
  void *kiss;             /* kiss_fftr_cfg inside the plan memory, or NULL */
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

size_t
em_dsp_rfft_plan_bytes_portable (size_t n)
{
  if (!em_dsp_fft_length_ok (n))
    return 0;
  return round_up (sizeof (em_dsp_rfft))
         + round_up (n * sizeof (float))
         + round_up ((n / 2) * sizeof (uint16_t));
}

#ifdef EM_DSP_USE_KISSFFT
static size_t
kiss_bytes (size_t n)
{
  size_t len = 0;
  /* With mem == NULL kiss_fftr_alloc only reports the size it needs. */
  (void) kiss_fftr_alloc ((int) n, 0, NULL, &len);
  return round_up (len);
}
#endif

size_t
em_dsp_rfft_plan_bytes (size_t n)
{
  size_t portable = em_dsp_rfft_plan_bytes_portable (n);
#ifdef EM_DSP_USE_KISSFFT
  size_t kiss;
  if (portable == 0)
    return 0;
  kiss = round_up (sizeof (em_dsp_rfft)) + kiss_bytes (n);
  /* Either kind of plan fits in this many bytes, so a caller that sized its
   * memory with this query may also call em_dsp_rfft_init_portable(). */
  return kiss > portable ? kiss : portable;
#else
  return portable;
#endif
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
      double a = 2.0 * EM_DSP_PI * (double) k / (double) n;
      tw[2 * k] = (float) cos (a);
      tw[2 * k + 1] = (float) -sin (a);
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
  plan->kiss = NULL;
  return plan;
}

em_dsp_rfft *
em_dsp_rfft_init (size_t n, void *mem, size_t mem_bytes)
{
#ifdef EM_DSP_USE_KISSFFT
  size_t need = em_dsp_rfft_plan_bytes (n);
  size_t klen;
  unsigned char *p = mem;
  em_dsp_rfft *plan;

  if (need == 0 || !mem_ok (mem) || mem_bytes < need)
    return NULL;
  plan = (em_dsp_rfft *) p;
  klen = mem_bytes - round_up (sizeof (em_dsp_rfft));
  plan->kiss = kiss_fftr_alloc ((int) n, 0, p + round_up (sizeof (em_dsp_rfft)), &klen);
  if (plan->kiss == NULL)
    return NULL;
  plan->n = n;
  plan->kind = PLAN_KISS;
  plan->tw = NULL;
  plan->rev = NULL;
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
#ifdef EM_DSP_USE_KISSFFT
  if (plan->kind == PLAN_KISS)
    {
      /* kiss_fftr writes into its own state (a tmpbuf), so a kissfft plan
       * must not be shared between threads running at the same time. */
      kiss_fftr ((kiss_fftr_cfg) plan->kiss, in, (kiss_fft_cpx *) (void *) out);
      return;
    }
#endif
  rfft_portable (plan, in, out);
}

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
