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

#include "em-dsp-fft.h"
#include "em-dsp-mfcc.h"
#include "em-dsp-mfe.h"
#include "em-dsp-spectrogram.h"
#include "em-dsp-speech.h"

#define MAX_KEYS 32

typedef struct {
  char key[64];
  const char *value;
  int used;
} kv;

static kv keys[MAX_KEYS];
static int n_keys;

static void
die (const char *what, int status, const char *reason)
{
  if (status != 0)
    fprintf (stderr, "error: %s: %s (%d)%s%s\n", what, em_dsp_status_string (status), status,
             reason ? ": " : "", reason ? reason : "");
  else
    fprintf (stderr, "error: %s\n", what);
  exit (1);
}

static const char *
get (const char *key)
{
  int i;
  for (i = 0; i < n_keys; i++)
    if (strcmp (keys[i].key, key) == 0)
      {
        keys[i].used = 1;
        return keys[i].value;
      }
  return NULL;
}

static double
get_num (const char *key, double def)
{
  const char *v = get (key);
  char *end;
  double d;
  if (v == NULL)
    return def;
  d = strtod (v, &end);
  if (end == v || *end != '\0')
    {
      fprintf (stderr, "error: %s=%s is not a number\n", key, v);
      exit (1);
    }
  return d;
}

static int
get_int (const char *key, int def)
{
  double d = get_num (key, (double) def);
  if (d != (double) (int) d)
    {
      fprintf (stderr, "error: %s must be a whole number\n", key);
      exit (1);
    }
  return (int) d;
}

static float *
read_floats (const char *path, size_t *n)
{
  FILE *f = strcmp (path, "-") == 0 ? stdin : fopen (path, "rb");
  size_t cap = 4096, len = 0, got;
  float *buf;

  if (f == NULL)
    die ("cannot open the signal file", 0, NULL);
  buf = malloc (cap * sizeof (float));
  while (buf != NULL && (got = fread (buf + len, sizeof (float), cap - len, f)) > 0)
    {
      len += got;
      if (len == cap)
        {
          cap *= 2;
          buf = realloc (buf, cap * sizeof (float));
        }
    }
  if (buf == NULL)
    die ("out of memory", 0, NULL);
  if (f != stdin)
    fclose (f);
  *n = len;
  return buf;
}

static void *
scratch_alloc (size_t bytes)
{
  /* aligned_alloc wants a multiple of the alignment, and never 0; the
   * query's sizes already are multiples, so AddressSanitizer sees the
   * exact end of the buffer. */
  size_t b = bytes == 0 ? EM_DSP_ALIGN
                        : (bytes + EM_DSP_ALIGN - 1) & ~(size_t) (EM_DSP_ALIGN - 1);
  void *p = aligned_alloc (EM_DSP_ALIGN, b);
  if (p == NULL)
    die ("out of memory", 0, NULL);
  return p;
}

static double
now_us (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec * 1e6 + (double) ts.tv_nsec / 1e3;
}

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
  p->num_cepstral = get_int ("num_cepstral", p->num_cepstral);
  p->frame_length = get_num ("frame_length", p->frame_length);
  p->frame_stride = get_num ("frame_stride", p->frame_stride);
  p->num_filters = get_int ("num_filters", p->num_filters);
  p->fft_length = get_int ("fft_length", p->fft_length);
  p->win_size = get_int ("win_size", p->win_size);
  p->low_frequency = get_num ("low_frequency", p->low_frequency);
  p->high_frequency = get_num ("high_frequency", p->high_frequency);
  p->pre_cof = get_num ("pre_cof", p->pre_cof);
  p->pre_shift = get_int ("pre_shift", p->pre_shift);
  rc = em_dsp_mfcc_check (p, j->fs, j->n_in, &reason);
  if (rc != EM_DSP_OK)
    die ("mfcc", rc, reason);
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
  p->frame_length = get_num ("frame_length", p->frame_length);
  p->frame_stride = get_num ("frame_stride", p->frame_stride);
  p->num_filters = get_int ("num_filters", p->num_filters);
  p->fft_length = get_int ("fft_length", p->fft_length);
  p->low_frequency = get_num ("low_frequency", p->low_frequency);
  p->high_frequency = get_num ("high_frequency", p->high_frequency);
  p->noise_floor_db = get_num ("noise_floor_db", p->noise_floor_db);
  p->quantize = get_int ("quantize", p->quantize);
  rc = em_dsp_mfe_check (p, j->fs, j->n_in, &reason);
  if (rc != EM_DSP_OK)
    die ("mfe", rc, reason);
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
  p->frame_length = get_num ("frame_length", p->frame_length);
  p->frame_stride = get_num ("frame_stride", p->frame_stride);
  p->fft_length = get_int ("fft_length", p->fft_length);
  p->noise_floor_db = get_num ("noise_floor_db", p->noise_floor_db);
  rc = em_dsp_spectrogram_check (p, j->fs, j->n_in, &reason);
  if (rc != EM_DSP_OK)
    die ("spectrogram", rc, reason);
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
      rc = em_dsp_speech_frames (j->fs, j->n_in, get_num ("frame_length", 0.02),
                                 get_num ("frame_stride", 0.02), &f);
      if (rc != EM_DSP_OK)
        die ("frames", rc, em_dsp_speech_frames_reason (rc, &f));
      j->n_out = 3;
      j->out = scratch_alloc (3 * sizeof (float));
      j->out[0] = (float) f.length;
      j->out[1] = (float) f.stride;
      j->out[2] = (float) f.count;
    }
  else if (strcmp (j->block, "points") == 0)
    {
      size_t nf = (size_t) get_int ("num_filters", 32), i;
      int32_t *pts = j->points = scratch_alloc ((nf + 2) * sizeof (int32_t));
      const char *reason = NULL;
      rc = em_dsp_mel_points (nf, (size_t) get_int ("fft_length", 256), j->fs,
                              get_num ("low_frequency", 0), get_num ("high_frequency", 0),
                              pts, &reason);
      if (rc != EM_DSP_OK)
        die ("points", rc, reason);
      j->n_out = nf + 2;
      j->out = scratch_alloc (j->n_out * sizeof (float));
      for (i = 0; i < nf + 2; i++)
        j->out[i] = (float) pts[i];
    }
  else if (strcmp (j->block, "autotune") == 0)
    {
      size_t fft, nf;
      rc = em_dsp_audio_autotune (j->fs, get_num ("frame_length", 0.02), &fft, &nf);
      if (rc != EM_DSP_OK)
        die ("autotune", rc, NULL);
      j->n_out = 2;
      j->out = scratch_alloc (2 * sizeof (float));
      j->out[0] = (float) fft;
      j->out[1] = (float) nf;
    }
  else if (strcmp (j->block, "cap_stride") == 0)
    {
      j->n_out = 1;
      j->out = scratch_alloc (sizeof (float));
      j->out[0] = (float) em_dsp_audio_cap_frame_stride (get_num ("window_size_ms", 1000),
                                                         get_num ("frame_stride", 0.02));
    }
  else if (strcmp (j->block, "preemph") == 0)
    {
      j->cof = (float) get_num ("cof", 0.98);
      j->scale = (float) get_num ("scale", 1);
      j->shift = (size_t) get_int ("shift", 1);
      if (j->shift < 1 || j->n_in == 0)
        die ("preemph", EM_DSP_ERR_PARAM, "shift must be at least 1");
      j->n_out = j->n_in;
    }
  else if (strcmp (j->block, "cmvnw") == 0)
    {
      j->cols = (size_t) get_int ("cols", 13);
      j->win_size = (size_t) get_int ("win_size", 101);
      j->variance = get_int ("variance", 1);
      if (j->cols == 0 || j->n_in % j->cols != 0)
        die ("the matrix does not have a whole number of rows", 0, NULL);
      j->n_out = j->n_in;
      j->scratch_bytes = em_dsp_cmvnw_scratch_bytes (j->n_in / j->cols, j->cols, j->win_size);
    }
  else if (strcmp (j->block, "dct") == 0)
    {
      j->cols = (size_t) get_int ("n", 32);
      j->n_out_dct = (size_t) get_int ("n_out", 13);
      if (j->cols == 0 || j->n_out_dct > j->cols || j->n_in % j->cols != 0)
        die ("dct: need 1 <= n_out <= n and whole rows", 0, NULL);
      j->table = scratch_alloc (j->cols * j->n_out_dct * sizeof (float));
      em_dsp_dct2_ortho_table_f32 (j->cols, j->n_out_dct, j->table);
      j->n_out = j->n_in / j->cols * j->n_out_dct;
    }
  else
    die ("unknown block (mfcc, mfe, spectrogram, frames, points, autotune, cap_stride, "
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
  int argi = 1, i, rc, needs_file;
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
    {
      char *eq = strchr (argv[argi], '=');
      if (eq == NULL)
        {
          path = argv[argi];
          continue;
        }
      if (n_keys == MAX_KEYS || (size_t) (eq - argv[argi]) >= sizeof keys[0].key)
        die ("too many or too long parameters", 0, NULL);
      memcpy (keys[n_keys].key, argv[argi], (size_t) (eq - argv[argi]));
      keys[n_keys].key[eq - argv[argi]] = '\0';
      /* Studio spells some parameters with dashes. */
      for (i = 0; keys[n_keys].key[i]; i++)
        if (keys[n_keys].key[i] == '-')
          keys[n_keys].key[i] = '_';
      keys[n_keys].value = eq + 1;
      n_keys++;
    }

  needs_file = strcmp (j.block, "points") != 0 && strcmp (j.block, "autotune") != 0
               && strcmp (j.block, "cap_stride") != 0;
  if (needs_file && path == NULL)
    die ("no signal file given", 0, NULL);
  if (needs_file)
    j.in = read_floats (path, &j.n_in);
  j.fs = get_num ("fs", 16000);

  if (strcmp (j.block, "mfcc") == 0)
    setup_mfcc (&j);
  else if (strcmp (j.block, "mfe") == 0)
    setup_mfe (&j);
  else if (strcmp (j.block, "spectrogram") == 0)
    setup_spectrogram (&j);
  else
    setup_steps (&j);

  if (j.out == NULL)
    j.out = scratch_alloc (j.n_out * sizeof (float));
  if (j.scratch_bytes > 0)
    j.scratch = scratch_alloc (j.scratch_bytes);
  if (strcmp (j.block, "mfcc") == 0 || strcmp (j.block, "mfe") == 0
      || strcmp (j.block, "spectrogram") == 0)
    {
      size_t minus = (size_t) get_int ("scratch_minus", 0);
      size_t offset = (size_t) get_int ("scratch_offset", 0);
      j.scratch_bytes = minus < j.scratch_bytes ? j.scratch_bytes - minus : 0;
      if (offset > 0)
        {
          /* Keep the base pointer too, so LeakSanitizer still sees it. */
          j.scratch_base = j.scratch;
          j.scratch = (unsigned char *) j.scratch + offset;
          j.scratch_bytes = j.scratch_bytes > offset ? j.scratch_bytes - offset : 0;
        }
    }

  for (i = 0; i < n_keys; i++)
    if (!keys[i].used)
      {
        fprintf (stderr, "error: unknown parameter %s for block %s\n", keys[i].key, j.block);
        return 1;
      }

  rc = run_once (&j);
  if (rc != EM_DSP_OK)
    die (j.block, rc, NULL);

  if (bench > 0)
    {
      t0 = now_us ();
      for (b = 0; b < bench; b++)
        rc |= run_once (&j);
      printf ("%.3f\n", (now_us () - t0) / (double) bench);
      return rc == EM_DSP_OK ? 0 : 1;
    }

  if (fwrite (j.out, sizeof (float), j.n_out, stdout) != j.n_out)
    die ("cannot write the features", 0, NULL);
  return 0;
}
