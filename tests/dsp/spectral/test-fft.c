/* SPDX-License-Identifier: Apache-2.0 */
/* The FFT contract (dsp/em-dsp-fft.h): the host FFT (FFTW) and Ember's
 * portable FFT agree within 1e-5 (relative to the largest bin) for every
 * supported length, also on buffers that are not SIMD-aligned; both match a
 * direct DFT on small lengths; the host transform leaves its input alone
 * and its plans can be made and used from several threads at once;
 * the host's double transform matches a direct DFT to 1e-13; and plans
 * refuse bad lengths and short or misaligned memory. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "em-dsp-fft.h"

static void *
aligned_mem (size_t bytes)
{
  return g_aligned_alloc0 (bytes + EM_DSP_ALIGN, 1, EM_DSP_ALIGN);
}

static void
test_host_vs_portable (void)
{
  GRand *rand = g_rand_new_with_seed (20240521);
  size_t n;

  for (n = 4; n <= 8192; n *= 2)
    {
      void *mk = aligned_mem (em_dsp_rfft_plan_bytes (n));
      void *mp = aligned_mem (em_dsp_rfft_plan_bytes_portable (n));
      em_dsp_rfft *pk = em_dsp_rfft_init (n, mk, em_dsp_rfft_plan_bytes (n));
      em_dsp_rfft *pp = em_dsp_rfft_init_portable (n, mp, em_dsp_rfft_plan_bytes_portable (n));
      /* One float of slack: trial 1 runs on buffers 4 bytes off the SIMD
       * alignment (the host then uses its unaligned plan). */
      float *in_mem = g_new (float, n + 1), *a_mem = g_new (float, n + 3);
      float *b = g_new (float, n + 2), *copy = g_new (float, n);
      float *pa = g_new (float, n / 2 + 1), *pb = g_new (float, n / 2 + 1);
      float *work = g_new (float, n + 2);
      int trial;

      g_assert_nonnull (pk);
      g_assert_nonnull (pp);
      g_assert_cmpuint (em_dsp_rfft_length (pk), ==, n);
      g_assert_cmpuint (em_dsp_rfft_length (pp), ==, n);
      for (trial = 0; trial < 3; trial++)
        {
          float *in = in_mem + (trial == 1), *a = a_mem + (trial == 1);
          double peak = 0, err = 0, ppeak = 0, perr = 0;
          size_t i;
          for (i = 0; i < n; i++)
            in[i] = (float) g_rand_double_range (rand, -1.0, 1.0) * (trial == 2 ? 1000.0f : 1.0f);
          memcpy (copy, in, n * sizeof (float));
          em_dsp_rfft_f32 (pk, in, a);
          g_assert_cmpmem (copy, n * sizeof (float), in, n * sizeof (float));
          em_dsp_rfft_f32 (pp, in, b);
          for (i = 0; i < n + 2; i++)
            {
              peak = MAX (peak, fabs (a[i]));
              err = MAX (err, fabs ((double) a[i] - b[i]));
            }
          /* The imaginary parts of DC and Nyquist are exactly 0 in both. */
          g_assert_cmpfloat (a[1], ==, 0.0f);
          g_assert_cmpfloat (a[n + 1], ==, 0.0f);
          g_assert_cmpfloat (b[1], ==, 0.0f);
          g_assert_cmpfloat (b[n + 1], ==, 0.0f);
          g_assert_cmpfloat (err, <=, 1e-5 * peak);

          em_dsp_rfft_power_f32 (pk, in, pa, work);
          em_dsp_rfft_power_f32 (pp, in, pb, work);
          for (i = 0; i <= n / 2; i++)
            {
              ppeak = MAX (ppeak, fabs (pa[i]));
              perr = MAX (perr, fabs ((double) pa[i] - pb[i]));
            }
          g_assert_cmpfloat (perr, <=, 1e-5 * ppeak);
        }
      g_free (in_mem); g_free (a_mem); g_free (b); g_free (copy);
      g_free (pa); g_free (pb); g_free (work);
      g_aligned_free (mk);
      g_aligned_free (mp);
    }
  g_rand_free (rand);
}

/* The host makes its FFTW plans on first use, under a lock; several
 * threads initialising and running the same lengths at once (this test runs
 * first, so the plans are new) must all get working plans. */
static gpointer
thread_worker (gpointer data)
{
  guint seed = GPOINTER_TO_UINT (data);
  GRand *rand = g_rand_new_with_seed (seed);
  size_t n;

  for (n = 4; n <= 2048; n *= 2)
    {
      size_t bytes = em_dsp_rfft_plan_bytes (n);
      void *mk = aligned_mem (bytes), *mp = aligned_mem (bytes);
      em_dsp_rfft *pk = em_dsp_rfft_init (n, mk, bytes);
      em_dsp_rfft *pp = em_dsp_rfft_init_portable (n, mp, bytes);
      float *in = g_new (float, n), *a = g_new (float, n + 2), *b = g_new (float, n + 2);
      double peak = 0, err = 0;
      size_t i;

      g_assert_nonnull (pk);
      g_assert_nonnull (pp);
      for (i = 0; i < n; i++)
        in[i] = (float) g_rand_double_range (rand, -1.0, 1.0);
      em_dsp_rfft_f32 (pk, in, a);
      em_dsp_rfft_f32 (pp, in, b);
      for (i = 0; i < n + 2; i++)
        {
          peak = MAX (peak, fabs (a[i]));
          err = MAX (err, fabs ((double) a[i] - b[i]));
        }
      g_assert_cmpfloat (err, <=, 1e-5 * peak);
      g_free (in); g_free (a); g_free (b);
      g_aligned_free (mk);
      g_aligned_free (mp);
    }
  g_rand_free (rand);
  return NULL;
}

static void
test_threads (void)
{
  GThread *t[4];
  guint i;

  for (i = 0; i < G_N_ELEMENTS (t); i++)
    t[i] = g_thread_new ("fft", thread_worker, GUINT_TO_POINTER (100 + i));
  for (i = 0; i < G_N_ELEMENTS (t); i++)
    g_thread_join (t[i]);
}

/* Both implementations against a direct DFT in double. */
static void
test_direct_dft (void)
{
  GRand *rand = g_rand_new_with_seed (7);
  size_t n;

  for (n = 4; n <= 256; n *= 2)
    {
      int kind;
      for (kind = 0; kind < 2; kind++)
        {
          size_t bytes = kind ? em_dsp_rfft_plan_bytes_portable (n) : em_dsp_rfft_plan_bytes (n);
          void *mem = aligned_mem (bytes);
          em_dsp_rfft *p = kind ? em_dsp_rfft_init_portable (n, mem, bytes)
                                : em_dsp_rfft_init (n, mem, bytes);
          float *in = g_new (float, n), *out = g_new (float, n + 2);
          size_t i, k;

          g_assert_nonnull (p);
          for (i = 0; i < n; i++)
            in[i] = (float) g_rand_double_range (rand, -1.0, 1.0);
          em_dsp_rfft_f32 (p, in, out);
          for (k = 0; k <= n / 2; k++)
            {
              double re = 0, im = 0;
              for (i = 0; i < n; i++)
                {
                  double ang = 2.0 * G_PI * (double) ((k * i) % n) / (double) n;
                  re += in[i] * cos (ang);
                  im -= in[i] * sin (ang);
                }
              g_assert_cmpfloat (fabs (re - out[2 * k]), <=, 1e-5 * sqrt ((double) n));
              g_assert_cmpfloat (fabs (im - out[2 * k + 1]), <=, 1e-5 * sqrt ((double) n));
            }
          g_free (in);
          g_free (out);
          g_aligned_free (mem);
        }
    }
  g_rand_free (rand);
}

/* The host's double transform (MFCC's host path) against a direct DFT
 * in long double: within 1e-13 of the largest bin, aligned or not, for
 * every supported length up to 2048 (the DFT is O(n²)). */
static void
test_host_f64 (void)
{
  GRand *rand = g_rand_new_with_seed (7);
  size_t n;

  for (n = 4; n <= 2048; n *= 2)
    {
      void *mem = aligned_mem (em_dsp_rfft_plan_bytes (n));
      em_dsp_rfft *plan = em_dsp_rfft_init (n, mem, em_dsp_rfft_plan_bytes (n));
      double *in_mem = g_new (double, n + 1), *out_mem = g_new (double, n + 3);
      int trial;

      g_assert_nonnull (plan);
      for (trial = 0; trial < 2; trial++)
        {
          double *in = in_mem + trial, *out = out_mem + trial, peak = 0, err = 0;
          size_t i, k;
          for (i = 0; i < n; i++)
            in[i] = g_rand_double_range (rand, -30000.0, 30000.0);
          em_dsp_rfft_f64 (plan, in, out);
          for (k = 0; k <= n / 2; k++)
            {
              long double re = 0, im = 0;
              for (i = 0; i < n; i++)
                {
                  long double a = -2.0L * 3.14159265358979323846264338327950288L
                                  * (long double) ((k * i) % n) / (long double) n;
                  re += in[i] * cosl (a);
                  im += in[i] * sinl (a);
                }
              peak = MAX (peak, (double) sqrtl (re * re + im * im));
              err = MAX (err, fabs ((double) (out[2 * k] - re)));
              err = MAX (err, fabs ((double) (out[2 * k + 1] - im)));
            }
          g_assert_cmpfloat (err, <=, 1e-13 * peak);
        }
      g_free (in_mem);
      g_free (out_mem);
      g_aligned_free (mem);
    }
  g_rand_free (rand);
}

static void
test_bad_plans (void)
{
  static const size_t bad[] = { 0, 1, 2, 3, 12, 100, 16384, 3000 };
  size_t i, bytes = em_dsp_rfft_plan_bytes (64);
  unsigned char *mem = aligned_mem (bytes + EM_DSP_ALIGN);

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (em_dsp_fft_length_ok (bad[i]));
      g_assert_cmpuint (em_dsp_rfft_plan_bytes (bad[i]), ==, 0);
      g_assert_cmpuint (em_dsp_rfft_plan_bytes_portable (bad[i]), ==, 0);
      g_assert_null (em_dsp_rfft_init (bad[i], mem, bytes));
      g_assert_null (em_dsp_rfft_init_portable (bad[i], mem, bytes));
    }
  g_assert_true (em_dsp_fft_length_ok (4));
  g_assert_true (em_dsp_fft_length_ok (8192));
  g_assert_null (em_dsp_rfft_init (64, mem, bytes - 1));
  g_assert_null (em_dsp_rfft_init (64, NULL, bytes));
  g_assert_null (em_dsp_rfft_init (64, mem + 4, bytes));  /* misaligned */
  g_assert_null (em_dsp_rfft_init_portable (64, mem + 4, bytes));
  /* plan_bytes() is enough for either kind of plan. */
  g_assert_nonnull (em_dsp_rfft_init_portable (64, mem, bytes));
  g_assert_nonnull (em_dsp_rfft_init (64, mem, bytes));
  g_aligned_free (mem);

  bytes = em_dsp_rfft_plan_bytes (8192);
  mem = aligned_mem (bytes);
  g_assert_nonnull (em_dsp_rfft_init (8192, mem, bytes));
  g_aligned_free (mem);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dsp/fft/threads", test_threads);
  g_test_add_func ("/dsp/fft/host-vs-portable", test_host_vs_portable);
  g_test_add_func ("/dsp/fft/direct-dft", test_direct_dft);
  g_test_add_func ("/dsp/fft/bad-plans", test_bad_plans);
  g_test_add_func ("/dsp/fft/host-f64", test_host_f64);
  return g_test_run ();
}
