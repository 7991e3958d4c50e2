/* SPDX-License-Identifier: Apache-2.0 */
/* The CMSIS-DSP back end of dsp/em-dsp-fft.c (EM_DSP_USE_CMSIS_DSP), built
 * against this folder's TEST-ONLY stand-in for CMSIS-DSP (arm_math.h,
 * arm-math-shim.c: a direct DFT writing CMSIS's documented packed layout).
 * This checks Ember's glue -- length selection and fallback, the const
 * input kept intact although CMSIS overwrites its buffer, the conversion of
 * CMSIS's packed output to em-dsp-fft.h's layout, the plan size -- not
 * CMSIS itself; a user's device build links Arm's real library.
 *   - for n = 4..8192 the FFT equals the own FFT within 1e-5 of the largest
 *     bin, CMSIS runs exactly for n = 32..4096, the others fall back;
 *   - when CMSIS's init fails, em_dsp_rfft_init falls back to the own FFT;
 *   - MFCC and MFE through the CMSIS FFT equal the own-FFT results (the
 *     shim refusing every length) within 1e-4. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "arm-math-shim.h"
#include "em-dsp-fft.h"
#include "em-dsp-mfcc.h"
#include "em-dsp-mfe.h"

static void *
aligned_mem (size_t bytes)
{
  return g_aligned_alloc0 (bytes + EM_DSP_ALIGN, 1, EM_DSP_ALIGN);
}

static void
test_fft_vs_own (void)
{
  GRand *rand = g_rand_new_with_seed (20261202);
  size_t n;

  for (n = 4; n <= 8192; n *= 2)
    {
      size_t bytes = em_dsp_rfft_plan_bytes (n);
      void *mc = aligned_mem (bytes), *mp = aligned_mem (bytes);
      em_dsp_rfft *pc, *pp;
      float *in = g_new (float, n), *copy = g_new (float, n);
      float *a = g_new (float, n + 2), *b = g_new (float, n + 2);
      float *pa = g_new (float, n / 2 + 1), *pb = g_new (float, n / 2 + 1);
      float *work = g_new (float, n + 2);
      gboolean cmsis_len = n >= 32 && n <= 4096;
      unsigned long calls;
      int trial;

      /* The plan size does not depend on the back end (the c-library's
       * scratch sizes are computed on the host). */
      g_assert_cmpuint (bytes, ==, em_dsp_rfft_plan_bytes_portable (n));
      pc = em_dsp_rfft_init (n, mc, bytes);
      pp = em_dsp_rfft_init_portable (n, mp, bytes);
      g_assert_nonnull (pc);
      g_assert_nonnull (pp);
      g_assert_cmpuint (em_dsp_rfft_length (pc), ==, n);
      g_assert_null (em_dsp_rfft_init (n, mc, bytes - 1));
      for (trial = 0; trial < 2; trial++)
        {
          double peak = 0, err = 0, pperr = 0, pppeak = 0;
          size_t i;

          for (i = 0; i < n; i++)
            in[i] = (float) g_rand_double_range (rand, -1.0, 1.0) * (trial ? 1000.0f : 1.0f);
          memcpy (copy, in, n * sizeof (float));
          calls = arm_math_shim_calls;
          em_dsp_rfft_f32 (pc, in, a);
          g_assert_cmpuint (arm_math_shim_calls - calls, ==, cmsis_len ? 1 : 0);
          g_assert_cmpmem (copy, n * sizeof (float), in, n * sizeof (float));
          em_dsp_rfft_f32 (pp, in, b);
          for (i = 0; i < n + 2; i++)
            {
              peak = MAX (peak, fabs (b[i]));
              err = MAX (err, fabs ((double) a[i] - b[i]));
            }
          g_assert_cmpfloat (a[1], ==, 0.0f);
          g_assert_cmpfloat (a[n + 1], ==, 0.0f);
          g_assert_cmpfloat (err, <=, 1e-5 * peak);
          if (g_test_verbose () || trial == 0)
            g_test_message ("n=%zu %s: max |cmsis-own| = %.3g (peak %.3g)", n,
                            cmsis_len ? "cmsis" : "fallback", err, peak);

          calls = arm_math_shim_calls;
          em_dsp_rfft_power_f32 (pc, in, pa, work);
          g_assert_cmpuint (arm_math_shim_calls - calls, ==, cmsis_len ? 1 : 0);
          em_dsp_rfft_power_f32 (pp, in, pb, work);
          for (i = 0; i <= n / 2; i++)
            {
              pppeak = MAX (pppeak, pb[i]);
              pperr = MAX (pperr, fabs ((double) pa[i] - pb[i]));
            }
          g_assert_cmpfloat (pperr, <=, 1e-5 * pppeak);
        }
      g_free (in);
      g_free (copy);
      g_free (a);
      g_free (b);
      g_free (pa);
      g_free (pb);
      g_free (work);
      g_aligned_free (mc);
      g_aligned_free (mp);
    }
  g_rand_free (rand);
}

/* An impulse at sample 1 has X[k] = e^(-2πik/n): checks the sign of the
 * imaginary parts and where Re X[n/2] lands, independently of the own FFT. */
static void
test_layout_impulse (void)
{
  size_t n = 64, k, bytes = em_dsp_rfft_plan_bytes (64);
  void *mem = aligned_mem (bytes);
  em_dsp_rfft *plan = em_dsp_rfft_init (n, mem, bytes);
  float in[64] = { 0 }, out[66];

  g_assert_nonnull (plan);
  in[1] = 1.0f;
  em_dsp_rfft_f32 (plan, in, out);
  for (k = 0; k <= n / 2; k++)
    {
      double a = 2.0 * G_PI * (double) k / (double) n;
      g_assert_cmpfloat_with_epsilon (out[2 * k], cos (a), 1e-6);
      g_assert_cmpfloat_with_epsilon (out[2 * k + 1], -sin (a), 1e-6);
    }
  g_assert_cmpfloat (out[n], ==, -1.0f);
  g_aligned_free (mem);
}

static void
test_init_failure_falls_back (void)
{
  size_t n = 256, bytes = em_dsp_rfft_plan_bytes (256), i;
  void *mem = aligned_mem (bytes);
  float in[256], out[258], ref[258];
  unsigned long calls = arm_math_shim_calls;
  em_dsp_rfft *plan;

  for (i = 0; i < n; i++)
    in[i] = (float) sin (0.3 * (double) i) + 0.25f;
  arm_math_shim_refuse = 1;
  plan = em_dsp_rfft_init (n, mem, bytes);
  arm_math_shim_refuse = 0;
  g_assert_nonnull (plan);
  em_dsp_rfft_f32 (plan, in, out);
  g_assert_cmpuint (arm_math_shim_calls, ==, calls);
  plan = em_dsp_rfft_init (n, mem, bytes);
  em_dsp_rfft_f32 (plan, in, ref);
  g_assert_cmpuint (arm_math_shim_calls, ==, calls + 1);
  for (i = 0; i < n + 2; i++)
    g_assert_cmpfloat (fabs ((double) out[i] - ref[i]), <=, 1e-4);
  g_aligned_free (mem);
}

static float *
test_signal (size_t n, double fs)
{
  float *x = g_new (float, n);
  GRand *rand = g_rand_new_with_seed (7);
  size_t i;

  for (i = 0; i < n; i++)
    x[i] = (float) (0.5 * sin (2.0 * G_PI * 440.0 * (double) i / fs)
                    + 0.2 * sin (2.0 * G_PI * 1800.0 * (double) i / fs)
                    + g_rand_double_range (rand, -0.05, 0.05));
  g_rand_free (rand);
  return x;
}

/* out: rows·cols values from MFCC (block 0) or MFE (block 1). */
static float *
run_block (int block, int fft_length, size_t *count)
{
  const double fs = 16000.0;
  size_t n = 16000, rows = 0, cols = 0, bytes;
  float *x = test_signal (n, fs), *out;
  void *scratch;
  int rc;

  if (block == 0)
    {
      em_dsp_mfcc_params p;
      em_dsp_mfcc_params_default (&p);
      p.fft_length = fft_length;
      em_dsp_mfcc_shape (&p, fs, n, &rows, &cols);
      bytes = em_dsp_mfcc_scratch_bytes (&p, fs, n);
      scratch = aligned_mem (bytes);
      out = g_new (float, rows * cols);
      rc = em_dsp_mfcc_f32 (&p, fs, x, n, out, scratch, bytes);
    }
  else
    {
      em_dsp_mfe_params p;
      /* MFE takes int16-range audio (it divides by 32768). */
      for (size_t i = 0; i < n; i++)
        x[i] *= 8000.0f;
      em_dsp_mfe_params_default (&p);
      p.fft_length = fft_length;
      p.quantize = 0;
      em_dsp_mfe_shape (&p, fs, n, &rows, &cols);
      bytes = em_dsp_mfe_scratch_bytes (&p, fs, n);
      scratch = aligned_mem (bytes);
      out = g_new (float, rows * cols);
      rc = em_dsp_mfe_f32 (&p, fs, x, n, out, scratch, bytes);
    }
  g_assert_cmpint (rc, ==, EM_DSP_OK);
  g_assert_cmpuint (rows * cols, >, 0);
  *count = rows * cols;
  g_aligned_free (scratch);
  g_free (x);
  return out;
}

static void
test_speech_blocks (void)
{
  static const int lengths[] = { 256, 512 };
  int block;
  size_t li;

  for (block = 0; block < 2; block++)
    for (li = 0; li < G_N_ELEMENTS (lengths); li++)
      {
        size_t count, count_own, i, inside = 0;
        unsigned long calls = arm_math_shim_calls;
        float *cm = run_block (block, lengths[li], &count), *own;
        double err = 0;

        /* One CMSIS transform per frame. */
        g_assert_cmpuint (arm_math_shim_calls - calls, >=, 10);
        arm_math_shim_refuse = 1;
        calls = arm_math_shim_calls;
        own = run_block (block, lengths[li], &count_own);
        arm_math_shim_refuse = 0;
        g_assert_cmpuint (arm_math_shim_calls, ==, calls);
        g_assert_cmpuint (count, ==, count_own);
        for (i = 0; i < count; i++)
          {
            g_assert_true (isfinite (cm[i]));
            err = MAX (err, fabs ((double) cm[i] - own[i]));
            inside += !(own[i] == 0.0f || own[i] == 1.0f);
          }
        /* Not a vacuous comparison: MFE's [0, 1] clip leaves most values. */
        g_assert_cmpuint (inside, >, count / 2);
        g_test_message ("%s fft_length=%d: %zu values, max |cmsis-own| = %.3g",
                        block ? "MFE" : "MFCC", lengths[li], count, err);
        g_assert_cmpfloat (err, <=, 1e-4);
        g_free (cm);
        g_free (own);
      }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dsp/cmsis/fft-vs-own", test_fft_vs_own);
  g_test_add_func ("/dsp/cmsis/layout-impulse", test_layout_impulse);
  g_test_add_func ("/dsp/cmsis/init-failure-falls-back", test_init_failure_falls_back);
  g_test_add_func ("/dsp/cmsis/mfcc-mfe", test_speech_blocks);
  return g_test_run ();
}
