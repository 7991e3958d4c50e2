/* SPDX-License-Identifier: Apache-2.0 */
/* dsp-run-spectral: runs one of dsp/'s spectral-group blocks on a raw
 * float32 file so Python tests can compare it with numpy/scipy references.
 *
 *   dsp-run-spectral [--bench N | --names] BLOCK [key=value …] FILE|-
 *
 * BLOCK: spectral, flatten, raw, image, filter, decimate, fft.
 * Common keys: fs (Hz), axes (interleaved axes in FILE). Block keys are the
 * params struct fields (dashes or underscores). image reads Studio's layout:
 * width, height, then one 0xRRGGBB value per pixel.
 * Features go to stdout as native float32; on error a message goes to
 * stderr and the exit status is 1. --bench N times N calls instead and
 * prints microseconds per call; --names prints the spectral block's feature
 * labels, one per line, instead of the features. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dsp-run-common.h"
#include "em-dsp-fft.h"
#include "em-dsp-filter.h"
#include "em-dsp-flatten.h"
#include "em-dsp-image.h"
#include "em-dsp-raw.h"
#include "em-dsp-spectral.h"

/* Everything a block run needs, so --bench can repeat just the call. */
typedef struct {
  const char *block;
  float fs;
  size_t axes, frames;
  const float *in;
  float *out;
  size_t n_out;
  void *scratch;
  size_t scratch_bytes;
  em_dsp_spectral_params sp;
  em_dsp_flatten_params fp;
  em_dsp_raw_params rp;
  em_dsp_image_params ip;
  const uint8_t *rgb;
  size_t img_w, img_h;
  em_dsp_butter bf;
  int ratio;
  size_t fft_n;
  const em_dsp_rfft *plan;
} job;

static int
run_once (job *j)
{
  size_t a, i, n_dec;

  if (strcmp (j->block, "spectral") == 0)
    return em_dsp_spectral_f32 (&j->sp, j->fs, j->in, j->frames, j->axes, j->out,
                                j->scratch, j->scratch_bytes);
  if (strcmp (j->block, "flatten") == 0)
    return em_dsp_flatten_f32 (&j->fp, j->in, j->frames, j->axes, j->out,
                               j->scratch, j->scratch_bytes);
  if (strcmp (j->block, "raw") == 0)
    return em_dsp_raw_f32 (&j->rp, j->in, j->frames, j->axes, j->out);
  if (strcmp (j->block, "image") == 0)
    return em_dsp_image_f32 (&j->ip, j->rgb, j->img_w, j->img_h, j->out,
                             j->scratch, j->scratch_bytes);
  if (strcmp (j->block, "filter") == 0)
    {
      memcpy (j->out, j->in, j->frames * j->axes * sizeof (float));
      for (a = 0; a < j->axes; a++)
        em_dsp_butter_f32 (&j->bf, j->out + a, j->frames, j->axes);
      return EM_DSP_OK;
    }
  if (strcmp (j->block, "decimate") == 0)
    {
      float *tmp = j->scratch;
      n_dec = em_dsp_decimate_length (j->frames, j->ratio);
      for (a = 0; a < j->axes; a++)
        {
          int rc = em_dsp_decimate_f32 (j->in + a, j->frames, j->axes, j->ratio, tmp);
          if (rc != EM_DSP_OK)
            return rc;
          for (i = 0; i < n_dec; i++)
            j->out[i * j->axes + a] = tmp[i];
        }
      return EM_DSP_OK;
    }
  if (strcmp (j->block, "fft") == 0)
    {
      for (i = 0; i + j->fft_n <= j->frames; i += j->fft_n)
        em_dsp_rfft_f32 (j->plan, j->in + i, j->out + (i / j->fft_n) * (j->fft_n + 2));
      return EM_DSP_OK;
    }
  run_die ("unknown block (spectral, flatten, raw, image, filter, decimate, fft)", 0, NULL);
  return EM_DSP_ERR_PARAM;
}

static void
setup (job *j, size_t n_in)
{
  static const char *const ft_names[] = { "none", "low", "high", "lowpass", "highpass", NULL };
  static const int ft_values[] = { EM_DSP_FILTER_NONE, EM_DSP_FILTER_LOW, EM_DSP_FILTER_HIGH,
                                   EM_DSP_FILTER_LOW, EM_DSP_FILTER_HIGH };
  static const char *const at_names[] = { "FFT", "fft", "Wavelet", "wavelet", NULL };
  static const int at_values[] = { 0, 0, 1, 1 };
  static const char *const ch_names[] = { "RGB", "Grayscale", "rgb", "grayscale", NULL };
  static const int ch_values[] = { 0, 1, 0, 1 };
  static const char *const rm_names[] = { "none", "squash", "fit_shortest", "fit_short",
                                          "fit_longest", "fit_long", NULL };
  static const int rm_values[] = { EM_DSP_RESIZE_NONE, EM_DSP_RESIZE_SQUASH,
                                   EM_DSP_RESIZE_FIT_SHORTEST, EM_DSP_RESIZE_FIT_SHORTEST,
                                   EM_DSP_RESIZE_FIT_LONGEST, EM_DSP_RESIZE_FIT_LONGEST };
  static const char *const an_names[] = { "top_left", "top_center", "top_right", "middle_left",
                                          "center", "middle_right", "bottom_left",
                                          "bottom_center", "bottom_right", NULL };
  static const int an_values[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8 };
  const char *reason = NULL;
  int rc = EM_DSP_OK;

  j->fs = (float) run_get_num ("fs", 100.0);
  j->axes = (size_t) run_get_num ("axes", 1.0);
  if (j->axes == 0)
    run_die ("axes must be at least 1", 0, NULL);
  j->frames = n_in / j->axes;

  if (strcmp (j->block, "spectral") == 0)
    {
      em_dsp_spectral_params *p = &j->sp;
      em_dsp_spectral_params_default (p);
      p->scale_axes = (float) run_get_num ("scale_axes", p->scale_axes);
      p->input_decimation_ratio = (int) run_get_num ("input_decimation_ratio", p->input_decimation_ratio);
      p->filter_type = run_get_enum ("filter_type", p->filter_type, ft_names, ft_values);
      p->filter_cutoff = (float) run_get_num ("filter_cutoff", p->filter_cutoff);
      p->filter_order = (int) run_get_num ("filter_order", p->filter_order);
      p->analysis_type = run_get_enum ("analysis_type", p->analysis_type, at_names, at_values);
      p->fft_length = (int) run_get_num ("fft_length", p->fft_length);
      p->do_log = run_get_bool ("do_log", p->do_log);
      p->do_fft_overlap = run_get_bool ("do_fft_overlap", p->do_fft_overlap);
      p->wavelet_level = (int) run_get_num ("wavelet_level", p->wavelet_level);
      if (run_get ("wavelet"))
        {
          /* Too long a name is passed cut short; the check then refuses it. */
          strncpy (p->wavelet, run_get ("wavelet"), sizeof p->wavelet - 1);
          p->wavelet[sizeof p->wavelet - 1] = '\0';
        }
      p->extra_low_freq = run_get_bool ("extra_low_freq", p->extra_low_freq);
      rc = em_dsp_spectral_check (p, j->fs, j->frames, j->axes, &j->n_out, &reason);
      j->scratch_bytes = em_dsp_spectral_scratch_bytes (p, j->frames);
    }
  else if (strcmp (j->block, "flatten") == 0)
    {
      em_dsp_flatten_params *p = &j->fp;
      em_dsp_flatten_params_default (p);
      p->scale_axes = (float) run_get_num ("scale_axes", p->scale_axes);
      p->average = run_get_bool ("average", p->average);
      p->minimum = run_get_bool ("minimum", p->minimum);
      p->maximum = run_get_bool ("maximum", p->maximum);
      p->rms = run_get_bool ("rms", p->rms);
      p->stdev = run_get_bool ("stdev", p->stdev);
      p->skewness = run_get_bool ("skewness", p->skewness);
      p->kurtosis = run_get_bool ("kurtosis", p->kurtosis);
      rc = em_dsp_flatten_check (p, j->frames, j->axes, &j->n_out, &reason);
      j->scratch_bytes = em_dsp_flatten_scratch_bytes (p, j->frames);
    }
  else if (strcmp (j->block, "raw") == 0)
    {
      em_dsp_raw_params_default (&j->rp);
      j->rp.scale_axes = (float) run_get_num ("scale_axes", j->rp.scale_axes);
      rc = em_dsp_raw_check (&j->rp, j->frames, j->axes, &j->n_out, &reason);
    }
  else if (strcmp (j->block, "image") == 0)
    {
      em_dsp_image_params *p = &j->ip;
      uint8_t *rgb;
      em_dsp_image_params_default (p);
      p->channels = run_get_enum ("channels", p->channels, ch_names, ch_values);
      p->width = (size_t) run_get_num ("width", (double) p->width);
      p->height = (size_t) run_get_num ("height", (double) p->height);
      p->resize_mode = run_get_enum ("resize_mode", p->resize_mode, rm_names, rm_values);
      p->crop_anchor = run_get_enum ("crop_anchor", p->crop_anchor, an_names, an_values);
      if (n_in < 2)
        run_die ("an image file starts with width and height", 0, NULL);
      j->img_w = (size_t) j->in[0];
      j->img_h = (size_t) j->in[1];
      if (j->img_w * j->img_h != n_in - 2)
        run_die ("the image file holds the wrong number of pixels", 0, NULL);
      rgb = malloc (j->img_w * j->img_h * 3 + 1);
      rc = em_dsp_image_unpack_rgb_f32 (j->in + 2, j->img_w * j->img_h, rgb);
      if (rc != EM_DSP_OK)
        run_die ("pixels must be whole numbers 0 … 0xFFFFFF", 0, NULL);
      j->rgb = rgb;
      rc = em_dsp_image_check (p, j->img_w, j->img_h, &j->n_out, &reason);
      j->scratch_bytes = em_dsp_image_scratch_bytes (p);
    }
  else if (strcmp (j->block, "filter") == 0)
    {
      int type = run_get_enum ("filter_type", EM_DSP_FILTER_LOW, ft_names, ft_values);
      rc = em_dsp_butter_design (&j->bf, type, (int) run_get_num ("filter_order", 6),
                                 j->fs, (float) run_get_num ("filter_cutoff", 3));
      j->n_out = j->frames * j->axes;
    }
  else if (strcmp (j->block, "decimate") == 0)
    {
      j->ratio = (int) run_get_num ("ratio", 10);
      if (!em_dsp_decimate_ratio_ok (j->ratio) || j->frames == 0)
        rc = EM_DSP_ERR_PARAM;
      j->n_out = em_dsp_decimate_length (j->frames, j->ratio) * j->axes;
      j->scratch_bytes = j->frames * sizeof (float);
    }
  else if (strcmp (j->block, "fft") == 0)
    {
      int portable = run_get_bool ("portable", 0);
      size_t bytes;
      void *mem;
      j->fft_n = (size_t) run_get_num ("fft_length", 16);
      bytes = portable ? em_dsp_rfft_plan_bytes_portable (j->fft_n) : em_dsp_rfft_plan_bytes (j->fft_n);
      if (bytes == 0)
        run_die ("fft", EM_DSP_ERR_FFT_LENGTH, NULL);
      mem = run_scratch_alloc (bytes);
      j->plan = portable ? em_dsp_rfft_init_portable (j->fft_n, mem, bytes)
                         : em_dsp_rfft_init (j->fft_n, mem, bytes);
      if (j->plan == NULL)
        run_die ("fft plan", EM_DSP_ERR_SCRATCH, NULL);
      j->axes = 1;
      j->frames = n_in;
      j->n_out = (n_in / j->fft_n) * (j->fft_n + 2);
    }
  else
    run_die ("unknown block (spectral, flatten, raw, image, filter, decimate, fft)", 0, NULL);

  if (rc != EM_DSP_OK)
    run_die (j->block, rc, reason);
}

/* Static so every buffer stays reachable until exit: the runner never frees
 * (it is a one-shot process) and LeakSanitizer then stays quiet. */
static job j;

int
main (int argc, char **argv)
{
  const char *path = NULL;
  long bench = 0;
  int names = 0;
  size_t n_in;
  float *in;
  int argi = 1, rc;

  if (argi + 1 < argc && strcmp (argv[argi], "--bench") == 0)
    {
      bench = strtol (argv[argi + 1], NULL, 10);
      argi += 2;
    }
  else if (argi < argc && strcmp (argv[argi], "--names") == 0)
    {
      names = 1;
      argi++;
    }
  if (argi >= argc)
    {
      fprintf (stderr, "usage: %s [--bench N | --names] BLOCK [key=value …] FILE|-\n", argv[0]);
      return 1;
    }
  j.block = argv[argi++];
  for (; argi < argc; argi++)
    if (!run_add_param (argv[argi]))
      path = argv[argi];
  if (path == NULL)
    run_die ("no signal file given", 0, NULL);

  in = run_read_floats (path, &n_in);
  j.in = in;
  setup (&j, n_in);
  run_check_used (j.block);
  j.out = malloc ((j.n_out + 1) * sizeof (float));
  j.scratch = run_scratch_alloc (j.scratch_bytes + 1);
  if (j.out == NULL)
    run_die ("out of memory", 0, NULL);

  if (bench > 0)
    {
      double t0, t1;
      long k;
      rc = run_once (&j);  /* warm-up, and fail early */
      if (rc != EM_DSP_OK)
        run_die (j.block, rc, NULL);
      t0 = run_now_us ();
      for (k = 0; k < bench; k++)
        run_once (&j);
      t1 = run_now_us ();
      printf ("%.4f\n", (t1 - t0) / (double) bench);
      return 0;
    }

  if (names)
    {
      size_t k;
      char label[128];
      if (strcmp (j.block, "spectral") != 0)
        run_die ("--names works for the spectral block only", 0, NULL);
      for (k = 0; k < j.n_out; k++)
        {
          rc = em_dsp_spectral_feature_name (&j.sp, j.fs, j.axes, NULL, k, label, sizeof label);
          if (rc != EM_DSP_OK)
            run_die ("feature name", rc, NULL);
          printf ("%s\n", label);
        }
      return 0;
    }

  rc = run_once (&j);
  if (rc != EM_DSP_OK)
    run_die (j.block, rc, NULL);
  if (j.n_out > 0 && fwrite (j.out, sizeof (float), j.n_out, stdout) != j.n_out)
    run_die ("cannot write the features", 0, NULL);
  return 0;
}
