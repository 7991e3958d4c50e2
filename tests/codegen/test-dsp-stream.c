/* SPDX-License-Identifier: Apache-2.0 */
/* The streaming MFCC generated libraries use (em_dsp_mfcc_f32_read: the
 * window read frame by frame through the signal callback, never held
 * whole) against em_dsp_mfcc_f32 on the window in memory, in a device build
 * of dsp/ (no FFTW, as codegen compiles it): the same bits for every
 * parameter set tried, reads inside the window, and its errors. */
#include <math.h>
#include <string.h>
#include <glib.h>

#include "em-dsp-mfcc.h"
#include "em-dsp-mfe.h"
#include "em-dsp-spectrogram.h"

#define N 16000

typedef struct {
  const float *x;
  size_t n, reads, values, fail_at;
  gboolean out_of_range;
} Reader;

static int
read_window (size_t offset, size_t length, float *out, void *user)
{
  Reader *r = user;

  r->reads++;
  if (r->fail_at > 0 && r->reads == r->fail_at)
    return -1;
  if (length == 0 || offset >= r->n || length > r->n - offset)
    {
      r->out_of_range = TRUE;
      return -1;
    }
  memcpy (out, r->x + offset, length * sizeof (float));
  r->values += length;
  return 0;
}

static float *
make_window (guint32 seed)
{
  GRand *rand = g_rand_new_with_seed (seed);
  float *x = g_new (float, N);

  /* A tone, a chirp and noise at int16 scale, so every band has energy. */
  for (int i = 0; i < N; i++)
    x[i] = (float) (8000.0 * sin (0.05 * i) + 3000.0 * sin (1e-5 * i * i) + g_rand_double_range (rand, -500, 500));
  g_rand_free (rand);
  return x;
}

static void
check_same (const em_dsp_mfcc_params *p, const float *x)
{
  size_t bytes = em_dsp_mfcc_scratch_bytes_device (p, 16000.0, N), rows, cols;
  void *scratch = g_aligned_alloc0 (1, bytes + 16, EM_DSP_ALIGN);
  float *a, *b;
  Reader r = { x, N, 0, 0, 0, FALSE };

  g_assert_cmpint (em_dsp_mfcc_shape (p, 16000.0, N, &rows, &cols), ==, EM_DSP_OK);
  g_assert_cmpuint (bytes, >, 0);
  a = g_new0 (float, rows * cols);
  b = g_new0 (float, rows * cols);
  g_assert_cmpint (em_dsp_mfcc_f32 (p, 16000.0, x, N, a, scratch, bytes), ==, EM_DSP_OK);
  g_assert_cmpint (em_dsp_mfcc_f32_read (p, 16000.0, read_window, &r, N, b, scratch, bytes), ==, EM_DSP_OK);
  g_assert_false (r.out_of_range);
  /* Bit for bit: the same arithmetic in the same order. */
  g_assert_cmpmem (a, rows * cols * sizeof (float), b, rows * cols * sizeof (float));
  for (size_t i = 0; i < rows * cols; i++)
    g_assert_true (isfinite (a[i]));
  /* Each frame's samples and the ones pre-emphasis needs, nothing more. */
  g_assert_cmpuint (r.values, <=, 2 * rows * (size_t) p->fft_length);
  g_free (a);
  g_free (b);
  g_aligned_free (scratch);
}

static void
test_same (void)
{
  float *x = make_window (7);
  em_dsp_mfcc_params p;

  em_dsp_mfcc_params_default (&p);
  check_same (&p, x);
  p.pre_shift = 7;                 /* the wrap-around head is 7 samples */
  check_same (&p, x);
  p.pre_shift = N - 3;             /* every frame's pre-emphasis wraps */
  check_same (&p, x);
  p.pre_shift = 1;
  p.window = EM_DSP_MFCC_WINDOW_HAMMING;
  check_same (&p, x);
  p.window = EM_DSP_MFCC_WINDOW_NONE;
  p.frame_length = 0.025;          /* overlapping frames, longer than the FFT */
  p.frame_stride = 0.01;
  p.win_size = 0;
  check_same (&p, x);
  p.fft_length = 512;              /* frames shorter than the FFT */
  p.num_filters = 40;
  p.pre_cof = 0.0;
  check_same (&p, x);
  g_free (x);
}

/* MFE and spectrogram: the same bits read frame by frame. */
static void
test_mfe_spectrogram (void)
{
  float *x = make_window (9);
  em_dsp_mfe_params pm;
  em_dsp_spectrogram_params ps;

  em_dsp_mfe_params_default (&pm);
  em_dsp_spectrogram_params_default (&ps);
  for (int variant = 0; variant < 2; variant++)
    {
      size_t bm = em_dsp_mfe_scratch_bytes (&pm, 16000.0, N), bs = em_dsp_spectrogram_scratch_bytes (&ps, 16000.0, N);
      size_t rm, cm, rs, cs;
      void *scratch = g_aligned_alloc0 (1, MAX (bm, bs), EM_DSP_ALIGN);
      float *a, *b;
      Reader r = { x, N, 0, 0, 0, FALSE };

      g_assert_cmpint (em_dsp_mfe_shape (&pm, 16000.0, N, &rm, &cm), ==, EM_DSP_OK);
      g_assert_cmpint (em_dsp_spectrogram_shape (&ps, 16000.0, N, &rs, &cs), ==, EM_DSP_OK);
      a = g_new0 (float, MAX (rm * cm, rs * cs));
      b = g_new0 (float, MAX (rm * cm, rs * cs));
      g_assert_cmpint (em_dsp_mfe_f32 (&pm, 16000.0, x, N, a, scratch, bm), ==, EM_DSP_OK);
      g_assert_cmpint (em_dsp_mfe_f32_read (&pm, 16000.0, read_window, &r, N, b, scratch, bm), ==, EM_DSP_OK);
      g_assert_cmpmem (a, rm * cm * sizeof (float), b, rm * cm * sizeof (float));
      g_assert_cmpint (em_dsp_spectrogram_f32 (&ps, 16000.0, x, N, a, scratch, bs), ==, EM_DSP_OK);
      g_assert_cmpint (em_dsp_spectrogram_f32_read (&ps, 16000.0, read_window, &r, N, b, scratch, bs), ==,
                       EM_DSP_OK);
      g_assert_cmpmem (a, rs * cs * sizeof (float), b, rs * cs * sizeof (float));
      g_assert_false (r.out_of_range);
      r.fail_at = r.reads + 3;
      g_assert_cmpint (em_dsp_mfe_f32_read (&pm, 16000.0, read_window, &r, N, b, scratch, bm), ==, EM_DSP_ERR_READ);
      g_free (a);
      g_free (b);
      g_aligned_free (scratch);
      /* Overlapping frames and a longer FFT. */
      pm.frame_stride = 0.01;
      pm.fft_length = 512;
      ps.frame_stride = 0.01;
      ps.fft_length = 512;
    }
  g_free (x);
}

static void
test_errors (void)
{
  float *x = make_window (8);
  em_dsp_mfcc_params p;
  size_t bytes, rows, cols;
  void *scratch;
  float *out;
  Reader r = { x, N, 0, 0, 0, FALSE };

  em_dsp_mfcc_params_default (&p);
  bytes = em_dsp_mfcc_scratch_bytes_device (&p, 16000.0, N);
  scratch = g_aligned_alloc0 (1, bytes, EM_DSP_ALIGN);
  g_assert_cmpint (em_dsp_mfcc_shape (&p, 16000.0, N, &rows, &cols), ==, EM_DSP_OK);
  out = g_new0 (float, rows * cols);

  r.fail_at = 9;
  g_assert_cmpint (em_dsp_mfcc_f32_read (&p, 16000.0, read_window, &r, N, out, scratch, bytes), ==,
                   EM_DSP_ERR_READ);
  g_assert_cmpstr (em_dsp_status_string (EM_DSP_ERR_READ), ==, "reading the input failed");
  r.fail_at = 0;
  r.reads = 0;
  x[5000] = NAN;
  g_assert_cmpint (em_dsp_mfcc_f32_read (&p, 16000.0, read_window, &r, N, out, scratch, bytes), ==,
                   EM_DSP_ERR_NOT_FINITE);
  x[5000] = 0.0f;
  g_assert_cmpint (em_dsp_mfcc_f32_read (&p, 16000.0, NULL, NULL, N, out, scratch, bytes), ==, EM_DSP_ERR_PARAM);
  g_assert_cmpint (em_dsp_mfcc_f32_read (&p, 16000.0, read_window, &r, N, out, scratch, bytes - 16), ==,
                   EM_DSP_ERR_SCRATCH);
  g_assert_cmpint (em_dsp_mfcc_f32_read (&p, 16000.0, read_window, &r, 100, out, scratch, bytes), ==,
                   EM_DSP_ERR_SHAPE);
  g_free (out);
  g_aligned_free (scratch);
  g_free (x);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/codegen/dsp-stream/mfcc-same-bits", test_same);
  g_test_add_func ("/codegen/dsp-stream/mfcc-errors", test_errors);
  g_test_add_func ("/codegen/dsp-stream/mfe-spectrogram-same-bits", test_mfe_spectrogram);
  return g_test_run ();
}
