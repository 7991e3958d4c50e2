/* SPDX-License-Identifier: Apache-2.0 */
/* dsp-run-speech: runs one of dsp/'s audio blocks (or one of their shared
 * steps) on a raw float32 file so Python tests can compare it with
 * numpy/scipy references.
 *
 *   dsp-run-speech [--bench N] BLOCK [key=value …] [FILE|-]
 *
 * Blocks (keys are the params struct fields; dashes work as underscores):
 *   mfcc, mfe, spectrogram   fs=HZ + block parameters; features out
 *   frames       fs frame_length frame_stride → L, S, count
 *   points       fs num_filters fft_length low_frequency high_frequency
 *                → the num_filters+2 mel bin indices (no FILE)
 *   autotune     fs frame_length → fft_length, num_filters (no FILE)
 *   cap_stride   window_size_ms frame_stride → frame_stride (no FILE)
 *   preemph      cof shift scale → the whole pre-emphasised signal
 *   cmvnw        cols win_size variance → FILE as a rows × cols matrix
 *   dct          n n_out → DCT-II ortho of each n-value row of FILE
 * mfcc, mfe and spectrogram also take scratch_minus=B (pass B bytes less
 * than the size query asked for) and scratch_offset=B (misalign the
 * scratch by B bytes), to test EM_DSP_ERR_SCRATCH.
 * Output goes to stdout as native float32. On error a message goes to
 * stderr and the exit status is 1. --bench N times N calls of the block
 * (clock_gettime) instead and prints microseconds per call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dsp-run-common.h"
#include "em-dsp-fft.h"
#include "em-dsp-mfcc.h"
#include "em-dsp-mfe.h"
#include "em-dsp-spectrogram.h"
#include "em-dsp-speech.h"

/* Everything one run needs, so --bench can repeat just the call. */
typedef struct {
  const char *block;
  double fs;
  const float *in;
  size_t n_in;
  float *out;
  size_t n_out;
  void *scratch;
  void *scratch_base;
  size_t scratch_bytes;
  em_dsp_mfcc_params mfcc;
  em_dsp_mfe_params mfe;
  em_dsp_spectrogram_params spec;
  /* step blocks */
  size_t cols, win_size, n_out_dct;
  int variance;
  float cof, scale;
  size_t shift;
  float *table;
  int32_t *points;
} job;

static int
run_once (job *j)
{
  size_t r;

  if (strcmp (j->block, "mfcc") == 0)
    return em_dsp_mfcc_f32 (&j->mfcc, j->fs, j->in, j->n_in, j->out, j->scratch,
                            j->scratch_bytes);
  if (strcmp (j->block, "mfe") == 0)
    return em_dsp_mfe_f32 (&j->mfe, j->fs, j->in, j->n_in, j->out, j->scratch,
                           j->scratch_bytes);
  if (strcmp (j->block, "spectrogram") == 0)
    return em_dsp_spectrogram_f32 (&j->spec, j->fs, j->in, j->n_in, j->out, j->scratch,
                                   j->scratch_bytes);
  if (strcmp (j->block, "preemph") == 0)
    {
      em_dsp_preemphasis_f32 (j->in, j->n_in, j->scale, j->cof, j->shift, 0, j->n_in, j->out);
      return EM_DSP_OK;
    }
  if (strcmp (j->block, "cmvnw") == 0)
    {
      memcpy (j->out, j->in, j->n_in * sizeof (float));
      return em_dsp_cmvnw_f32 (j->out, j->n_in / j->cols, j->cols, j->win_size, j->variance,
                               j->scratch, j->scratch_bytes);
    }
  if (strcmp (j->block, "dct") == 0)
    {
      for (r = 0; r < j->n_in / j->cols; r++)
        em_dsp_dct2_ortho_f32 (j->table, j->cols, j->n_out_dct, j->in + r * j->cols,
                               j->out + r * j->n_out_dct);
      return EM_DSP_OK;
    }
  return EM_DSP_OK;  /* frames, points, autotune: computed once in setup */
}

static void
setup_mfcc (job *j)
{
  em_dsp_mfcc_params *p = &j->mfcc;
  const char *reason = NULL;
  size_t rows, cols;
  int rc;

  em_dsp_mfcc_params_default (p);
  p->num_cepstral = run_get_int ("num_cepstral", p->num_cepstral);
  p->frame_length = run_get_num ("frame_length", p->frame_length);
  p->frame_stride = run_get_num ("frame_stride", p->frame_stride);
  p->num_filters = run_get_int ("num_filters", p->num_filters);
  p->fft_length = run_get_int ("fft_length", p->fft_length);
  p->win_size = run_get_int ("win_size", p->win_size);
  p->low_frequency = run_get_num ("low_frequency", p->low_frequency);
  p->high_frequency = run_get_num ("high_frequency", p->high_frequency);
  p->pre_cof = run_get_num ("pre_cof", p->pre_cof);
  p->pre_shift = run_get_int ("pre_shift", p->pre_shift);
  p->window = run_get_int ("window", p->window);
  rc = em_dsp_mfcc_check (p, j->fs, j->n_in, &reason);
  if (rc != EM_DSP_OK)
    run_die ("mfcc", rc, reason);
  em_dsp_mfcc_shape (p, j->fs, j->n_in, &rows, &cols);
  j->n_out = rows * cols;
  j->scratch_bytes = em_dsp_mfcc_scratch_bytes (p, j->fs, j->n_in);
}

static void
setup_mfe (job *j)
{
  em_dsp_mfe_params *p = &j->mfe;
  const char *reason = NULL;
  size_t rows, cols;
  int rc;

  em_dsp_mfe_params_default (p);
  p->frame_length = run_get_num ("frame_length", p->frame_length);
  p->frame_stride = run_get_num ("frame_stride", p->frame_stride);
  p->num_filters = run_get_int ("num_filters", p->num_filters);
  p->fft_length = run_get_int ("fft_length", p->fft_length);
  p->low_frequency = run_get_num ("low_frequency", p->low_frequency);
  p->high_frequency = run_get_num ("high_frequency", p->high_frequency);
  p->noise_floor_db = run_get_num ("noise_floor_db", p->noise_floor_db);
  p->quantize = run_get_int ("quantize", p->quantize);
  rc = em_dsp_mfe_check (p, j->fs, j->n_in, &reason);
  if (rc != EM_DSP_OK)
    run_die ("mfe", rc, reason);
  em_dsp_mfe_shape (p, j->fs, j->n_in, &rows, &cols);
  j->n_out = rows * cols;
  j->scratch_bytes = em_dsp_mfe_scratch_bytes (p, j->fs, j->n_in);
}

static void
setup_spectrogram (job *j)
{
  em_dsp_spectrogram_params *p = &j->spec;
  const char *reason = NULL;
  size_t rows, cols;
  int rc;

  em_dsp_spectrogram_params_default (p);
  p->frame_length = run_get_num ("frame_length", p->frame_length);
  p->frame_stride = run_get_num ("frame_stride", p->frame_stride);
  p->fft_length = run_get_int ("fft_length", p->fft_length);
  p->noise_floor_db = run_get_num ("noise_floor_db", p->noise_floor_db);
  rc = em_dsp_spectrogram_check (p, j->fs, j->n_in, &reason);
  if (rc != EM_DSP_OK)
    run_die ("spectrogram", rc, reason);
  em_dsp_spectrogram_shape (p, j->fs, j->n_in, &rows, &cols);
  j->n_out = rows * cols;
  j->scratch_bytes = em_dsp_spectrogram_scratch_bytes (p, j->fs, j->n_in);
}

/* Steps computed once here; their output is written by main. */
static void
setup_steps (job *j)
{
  int rc;

  if (strcmp (j->block, "frames") == 0)
    {
      em_dsp_frames f;
      rc = em_dsp_speech_frames (j->fs, j->n_in, run_get_num ("frame_length", 0.02),
                                 run_get_num ("frame_stride", 0.02), &f);
      if (rc != EM_DSP_OK)
        run_die ("frames", rc, em_dsp_speech_frames_reason (rc, &f));
      j->n_out = 3;
      j->out = run_scratch_alloc (3 * sizeof (float));
      j->out[0] = (float) f.length;
      j->out[1] = (float) f.stride;
      j->out[2] = (float) f.count;
    }
  else if (strcmp (j->block, "points") == 0)
    {
      size_t nf = (size_t) run_get_int ("num_filters", 32), i;
      int32_t *pts = j->points = run_scratch_alloc ((nf + 2) * sizeof (int32_t));
      const char *reason = NULL;
      rc = em_dsp_mel_points (nf, (size_t) run_get_int ("fft_length", 256), j->fs,
                              run_get_num ("low_frequency", 0), run_get_num ("high_frequency", 0),
                              pts, &reason);
      if (rc != EM_DSP_OK)
        run_die ("points", rc, reason);
      j->n_out = nf + 2;
      j->out = run_scratch_alloc (j->n_out * sizeof (float));
      for (i = 0; i < nf + 2; i++)
        j->out[i] = (float) pts[i];
    }
  else if (strcmp (j->block, "autotune") == 0)
    {
      size_t fft, nf;
      rc = em_dsp_audio_autotune (j->fs, run_get_num ("frame_length", 0.02), &fft, &nf);
      if (rc != EM_DSP_OK)
        run_die ("autotune", rc, NULL);
      j->n_out = 2;
      j->out = run_scratch_alloc (2 * sizeof (float));
      j->out[0] = (float) fft;
      j->out[1] = (float) nf;
    }
  else if (strcmp (j->block, "cap_stride") == 0)
    {
      j->n_out = 1;
      j->out = run_scratch_alloc (sizeof (float));
      j->out[0] = (float) em_dsp_audio_cap_frame_stride (run_get_num ("window_size_ms", 1000),
                                                         run_get_num ("frame_stride", 0.02));
    }
  else if (strcmp (j->block, "preemph") == 0)
    {
      j->cof = (float) run_get_num ("cof", 0.98);
      j->scale = (float) run_get_num ("scale", 1);
      j->shift = (size_t) run_get_int ("shift", 1);
      if (j->shift < 1 || j->n_in == 0)
        run_die ("preemph", EM_DSP_ERR_PARAM, "shift must be at least 1");
      j->n_out = j->n_in;
    }
  else if (strcmp (j->block, "cmvnw") == 0)
    {
      j->cols = (size_t) run_get_int ("cols", 13);
      j->win_size = (size_t) run_get_int ("win_size", 101);
      j->variance = run_get_int ("variance", 1);
      if (j->cols == 0 || j->n_in % j->cols != 0)
        run_die ("the matrix does not have a whole number of rows", 0, NULL);
      j->n_out = j->n_in;
      j->scratch_bytes = em_dsp_cmvnw_scratch_bytes (j->n_in / j->cols, j->cols, j->win_size);
    }
  else if (strcmp (j->block, "dct") == 0)
    {
      j->cols = (size_t) run_get_int ("n", 32);
      j->n_out_dct = (size_t) run_get_int ("n_out", 13);
      if (j->cols == 0 || j->n_out_dct > j->cols || j->n_in % j->cols != 0)
        run_die ("dct: need 1 <= n_out <= n and whole rows", 0, NULL);
      j->table = run_scratch_alloc (j->cols * j->n_out_dct * sizeof (float));
      em_dsp_dct2_ortho_table_f32 (j->cols, j->n_out_dct, j->table);
      j->n_out = j->n_in / j->cols * j->n_out_dct;
    }
  else
    run_die ("unknown block (mfcc, mfe, spectrogram, frames, points, autotune, cap_stride, "
         "preemph, cmvnw, dct)", 0, NULL);
}

/* Static so every buffer stays reachable until exit: the runner never frees
 * (it is a one-shot process) and LeakSanitizer stays quiet. */
static job j;

int
main (int argc, char **argv)
{
  const char *path = NULL;
  long bench = 0, b;
  int argi = 1, rc, needs_file;
  double t0;

  if (argi + 1 < argc && strcmp (argv[argi], "--bench") == 0)
    {
      bench = strtol (argv[argi + 1], NULL, 10);
      argi += 2;
    }
  if (argi >= argc)
    {
      fprintf (stderr, "usage: %s [--bench N] BLOCK [key=value …] [FILE|-]\n", argv[0]);
      return 1;
    }
  j.block = argv[argi++];
  for (; argi < argc; argi++)
    if (!run_add_param (argv[argi]))
      path = argv[argi];

  needs_file = strcmp (j.block, "points") != 0 && strcmp (j.block, "autotune") != 0
               && strcmp (j.block, "cap_stride") != 0;
  if (needs_file && path == NULL)
    run_die ("no signal file given", 0, NULL);
  if (needs_file)
    j.in = run_read_floats (path, &j.n_in);
  j.fs = run_get_num ("fs", 16000);

  if (strcmp (j.block, "mfcc") == 0)
    setup_mfcc (&j);
  else if (strcmp (j.block, "mfe") == 0)
    setup_mfe (&j);
  else if (strcmp (j.block, "spectrogram") == 0)
    setup_spectrogram (&j);
  else
    setup_steps (&j);

  if (j.out == NULL)
    j.out = run_scratch_alloc (j.n_out * sizeof (float));
  if (j.scratch_bytes > 0)
    j.scratch = run_scratch_alloc (j.scratch_bytes);
  if (strcmp (j.block, "mfcc") == 0 || strcmp (j.block, "mfe") == 0
      || strcmp (j.block, "spectrogram") == 0)
    {
      size_t minus = (size_t) run_get_int ("scratch_minus", 0);
      size_t offset = (size_t) run_get_int ("scratch_offset", 0);
      j.scratch_bytes = minus < j.scratch_bytes ? j.scratch_bytes - minus : 0;
      if (offset > 0)
        {
          /* Keep the base pointer too, so LeakSanitizer still sees it. */
          j.scratch_base = j.scratch;
          j.scratch = (unsigned char *) j.scratch + offset;
          j.scratch_bytes = j.scratch_bytes > offset ? j.scratch_bytes - offset : 0;
        }
    }

  run_check_used (j.block);

  rc = run_once (&j);
  if (rc != EM_DSP_OK)
    run_die (j.block, rc, NULL);

  if (bench > 0)
    {
      t0 = run_now_us ();
      for (b = 0; b < bench; b++)
        rc |= run_once (&j);
      printf ("%.3f\n", (run_now_us () - t0) / (double) bench);
      return rc == EM_DSP_OK ? 0 : 1;
    }

  if (fwrite (j.out, sizeof (float), j.n_out, stdout) != j.n_out)
    run_die ("cannot write the features", 0, NULL);
  return 0;
}
