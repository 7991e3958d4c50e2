/* SPDX-License-Identifier: Apache-2.0 */
/* The bundled demo projects, made offline on the user's machine: keyword
 * clips are synthesised with espeak-ng + sox and mixed with noise, motion
 * recordings are simulated, images come from the Debian Fashion-MNIST
 * package. Nothing is downloaded, and a seed reproduces a project exactly. */
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "em-demo.h"
#include "em-demo-signals.h"
#include "em-error.h"
#include "em-image.h"
#include "em-wav.h"

/* Samples per transaction: big enough that SQLite's commit cost vanishes,
 * small enough that a cancel rolls back little work. */
#define DEMO_BATCH 25
#define DEMO_TRAIN_FRACTION 0.8

#define KEYWORD_RATE 16000
#define KEYWORD_FRAMES 16000 /* exactly 1.000 s */
#define KEYWORDS_PER_CLASS 50
/* Clips synthesised ahead of the one being stored: keeps every worker busy
 * while bounding the memory held by finished, not yet stored clips. */
#define KEYWORD_AHEAD 16

#define MOTION_INTERVAL_MS 16.0 /* 62.5 Hz */
#define MOTION_FRAMES 625       /* 10 s */
#define MOTION_PER_CLASS 25

#define FASHION_DIR "/usr/share/datasets/fashion-mnist"
#define FASHION_TRAIN_PER_CLASS 30
#define FASHION_TEST_PER_CLASS 8
#define FASHION_SPARES 4 /* extra candidates per class in case of duplicate images */
#define FASHION_SIDE 28
#define FASHION_PIXELS (FASHION_SIDE * FASHION_SIDE)

static const char *const kind_names[] = { "keywords", "motion", "images" };

gboolean
em_demo_kind_from_string (const char *str, EmDemoKind *out)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (kind_names); i++)
    if (g_ascii_strcasecmp (str, kind_names[i]) == 0)
      {
        if (out != NULL)
          *out = (EmDemoKind) i;
        return TRUE;
      }
  return FALSE;
}

/* ---- common ------------------------------------------------------------ */

typedef struct {
  EmProject *project;
  EmProgressFunc progress;
  gpointer user_data;
  GCancellable *cancellable;
  guint in_batch; /* samples added since the open begin, 0 = none open */
} Demo;

static void
demo_progress (Demo *d, double fraction, const char *what)
{
  if (d->progress != NULL)
    d->progress (CLAMP (fraction, 0.0, 1.0), what, d->user_data);
}

/* Callers see EM_ERROR_CANCELLED, whatever part of GIO noticed it first. */
static gboolean
demo_check_cancel (Demo *d, GError **error)
{
  if (g_cancellable_is_cancelled (d->cancellable))
    {
      g_set_error_literal (error, EM_ERROR, EM_ERROR_CANCELLED, "demo creation cancelled");
      return FALSE;
    }
  return TRUE;
}

static gboolean
demo_add (Demo *d, EmSample *sample, GError **error)
{
  if (d->in_batch == 0 && !em_project_begin (d->project, error))
    return FALSE;
  d->in_batch++;
  if (em_project_add_sample (d->project, sample, EM_ADD_FLAGS_NONE, error) == 0)
    return FALSE;
  if (d->in_batch >= DEMO_BATCH)
    {
      d->in_batch = 0;
      return em_project_commit (d->project, error);
    }
  return TRUE;
}

static gboolean
demo_flush (Demo *d, GError **error)
{
  if (d->in_batch == 0)
    return TRUE;
  d->in_batch = 0;
  return em_project_commit (d->project, error);
}

static guint
scaled_count (guint base, double scale)
{
  /* at least two per class, so a stratified split can put one on each side */
  return (guint) MAX (2.0, round (base * scale));
}

/* Fisher–Yates with the project's GRand, so the order follows the seed. */
static void
shuffle (gpointer *items, guint n, GRand *rand)
{
  for (guint i = n; i > 1; i--)
    {
      guint j = (guint) g_rand_int_range (rand, 0, (gint32) i);
      gpointer tmp = items[i - 1];
      items[i - 1] = items[j];
      items[j] = tmp;
    }
}

static gboolean
find_tool (const char *name, char **path_out, GError **error)
{
  char *path = g_find_program_in_path (name);

  if (path == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND,
                   "%s not found: install the Debian package %s", name, name);
      return FALSE;
    }
  *path_out = path;
  return TRUE;
}

static void
delete_project_files (const char *path)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_unlink (file);
    }
}

/* ---- keywords ------------------------------------------------------------ */

static const char *const keyword_voices[] = {
  "en", "en-us", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbclan", "en-029", "en-us-nyc",
};
static const char *const keyword_variants[] = {
  "m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "croak", "whisper",
};
/* Words for "unknown". None sounds like yes or no ("know", "yet" would be
 * label noise that no model could learn around). */
static const char *const unknown_words[] = {
  "go", "stop", "left", "right", "up", "down", "on", "off", "maybe", "hello", "house",
  "bird", "cat", "dog", "seven", "three", "wow", "tree", "happy", "bed", "four", "eight",
};
static const char *const keyword_labels[] = { "yes", "no", "unknown", "noise" };

typedef struct {
  /* the plan, fixed by the main thread before the clip is queued */
  guint index;
  const char *label;
  const char *word; /* NULL for noise */
  const char *voice, *variant;
  int speed, pitch;
  double offset_u, level_db, snr_db;
  guint32 mix_seed;
  /* the result, written by the worker before it pushes the clip */
  float *values;
  char *noise;
  GError *error;
  /* main thread only */
  gboolean finished;
} Clip;

typedef struct {
  const char *espeak, *sox; /* full paths */
  char *tmpdir;
  GCancellable *stop; /* cancelled on user cancel or on the first error */
  GAsyncQueue *finished;
} Synth;

static void
clip_free (Clip *clip)
{
  g_free (clip->values);
  g_free (clip->noise);
  g_clear_error (&clip->error);
  g_free (clip);
}

/* Run a tool to completion, keeping its stderr for the error message. A
 * cancel kills the child rather than waiting for it. */
static gboolean
run_tool (const char *const *argv, GCancellable *stop, GError **error)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *err_text = NULL;

  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &local);
  if (proc == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "cannot run %s: %s", argv[0], local->message);
      return FALSE;
    }
  if (!g_subprocess_communicate_utf8 (proc, NULL, stop, NULL, &err_text, &local))
    {
      g_subprocess_force_exit (proc);
      g_subprocess_wait (proc, NULL, NULL);
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_set_error_literal (error, EM_ERROR, EM_ERROR_CANCELLED, "demo creation cancelled");
      else
        g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "%s: %s", argv[0], local->message);
      return FALSE;
    }
  if (!g_subprocess_get_successful (proc))
    {
      g_autofree char *base = g_path_get_basename (argv[0]);
      const char *why = err_text != NULL ? g_strstrip (err_text) : "";

      g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "%s failed%s%s", base,
                   *why ? ": " : "", why);
      return FALSE;
    }
  return TRUE;
}

/* espeak-ng → sox → 16 kHz mono 16-bit, leading and trailing silence
 * trimmed, padded/cut to exactly 1 s. */
static float *
clip_speak (Synth *synth, Clip *clip, GError **error)
{
  g_autofree char *raw = g_strdup_printf ("%s/clip-%05u-raw.wav", synth->tmpdir, clip->index);
  g_autofree char *wav = g_strdup_printf ("%s/clip-%05u.wav", synth->tmpdir, clip->index);
  g_autofree char *voice = g_strdup_printf ("%s+%s", clip->voice, clip->variant);
  g_autofree char *speed = g_strdup_printf ("%d", clip->speed);
  g_autofree char *pitch = g_strdup_printf ("%d", clip->pitch);
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(EmSample) sample = NULL;
  g_autoptr(GError) local = NULL;
  const float *values;
  guint64 n_values = 0;
  float *out;
  gsize len = 0;
  gboolean ok;
  const char *espeak_argv[] = {
    synth->espeak, "-v", voice, "-s", speed, "-p", pitch, "-w", raw, clip->word, NULL,
  };
  /* -D -R: no dither and fixed seeds, otherwise sox adds fresh random
   * dither on every run and the clips would not follow the seed.
   * --ignore-length: espeak-ng's WAV header may carry a placeholder length. */
  const char *sox_argv[] = {
    synth->sox, "-V1", "-D", "-R", "--ignore-length", raw,
    "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", wav,
    "silence", "1", "0.01", "0.5%", "reverse", "silence", "1", "0.01", "0.5%", "reverse",
    "pad", "0", "1", "trim", "0", "1", NULL,
  };

  ok = run_tool (espeak_argv, synth->stop, error) && run_tool (sox_argv, synth->stop, error);
  if (ok && !g_file_get_contents (wav, &contents, &len, &local))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_IO, "reading sox output: %s", local->message);
      ok = FALSE;
    }
  g_unlink (raw);
  g_unlink (wav);
  if (!ok)
    return NULL;

  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
  sample = em_wav_read (bytes, error);
  if (sample == NULL)
    return NULL;
  values = em_sample_get_values (sample, &n_values);
  if (values == NULL || em_sample_get_n_axes (sample) != 1 ||
      fabs (em_sample_get_frequency_hz (sample) - KEYWORD_RATE) > 0.5)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_FAILED,
                   "sox did not produce 16 kHz mono audio for '%s'", clip->word);
      return NULL;
    }
  /* sox pads to 1 s already; zero-fill in case a version trims differently */
  out = g_new0 (float, KEYWORD_FRAMES);
  memcpy (out, values, MIN (n_values, (guint64) KEYWORD_FRAMES) * sizeof (float));
  return out;
}

static gboolean
clip_render (Synth *synth, Clip *clip, GError **error)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (clip->mix_seed);
  g_autoptr(GString) noise = g_string_new (NULL);
  g_autofree float *values = NULL;

  if (clip->word == NULL)
    {
      values = g_new (float, KEYWORD_FRAMES);
      em_demo_noise_clip (values, KEYWORD_FRAMES, KEYWORD_RATE, clip->level_db, rand, noise);
    }
  else
    {
      values = clip_speak (synth, clip, error);
      if (values == NULL)
        return FALSE;
      if (!em_demo_mix_keyword (values, KEYWORD_FRAMES, KEYWORD_RATE, clip->offset_u,
                                clip->level_db, clip->snr_db, rand, noise))
        {
          g_set_error (error, EM_ERROR, EM_ERROR_FAILED,
                       "espeak-ng produced silence for '%s' (voice %s+%s)", clip->word,
                       clip->voice, clip->variant);
          return FALSE;
        }
    }
  clip->values = g_steal_pointer (&values);
  clip->noise = g_string_free (g_steal_pointer (&noise), FALSE);
  return TRUE;
}

static void
clip_worker (gpointer data, gpointer user_data)
{
  Clip *clip = data;
  Synth *synth = user_data;

  if (g_cancellable_is_cancelled (synth->stop))
    g_set_error_literal (&clip->error, EM_ERROR, EM_ERROR_CANCELLED, "demo creation cancelled");
  else
    clip_render (synth, clip, &clip->error);
  g_async_queue_push (synth->finished, clip);
}

static EmSample *
clip_to_sample (const Clip *clip, guint counter)
{
  EmSample *s = em_sample_new ();
  g_autofree char *name = NULL;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (clip->word == NULL)
    name = g_strdup_printf ("noise.%s.%u", clip->noise, counter);
  else if (g_strcmp0 (clip->label, clip->word) == 0)
    name = g_strdup_printf ("%s.%s-%s-%d.%u", clip->label, clip->voice, clip->variant,
                            clip->speed, counter);
  else
    name = g_strdup_printf ("%s.%s-%s-%s-%d.%u", clip->label, clip->word, clip->voice,
                            clip->variant, clip->speed, counter);
  em_sample_set_name (s, name);
  em_sample_set_label (s, clip->label);
  em_sample_set_kind (s, EM_SENSOR_AUDIO);
  em_sample_set_interval_ms (s, 1000.0 / KEYWORD_RATE);
  em_sample_add_axis (s, "audio", "wav");
  em_sample_set_values (s, clip->values, KEYWORD_FRAMES);
  em_sample_set_source_format (s, "wav:pcm16");
  em_sample_set_metadata (s, "noise", clip->noise);
  if (clip->word != NULL)
    {
      g_autofree char *voice = g_strdup_printf ("%s+%s", clip->voice, clip->variant);
      g_autofree char *speed = g_strdup_printf ("%d", clip->speed);
      g_autofree char *pitch = g_strdup_printf ("%d", clip->pitch);

      em_sample_set_metadata (s, "word", clip->word);
      em_sample_set_metadata (s, "voice", voice);
      em_sample_set_metadata (s, "speed", speed);
      em_sample_set_metadata (s, "pitch", pitch);
      em_sample_set_metadata (s, "snr_db", g_ascii_formatd (buf, sizeof buf, "%.1f", clip->snr_db));
    }
  else
    em_sample_set_metadata (s, "level_db", g_ascii_formatd (buf, sizeof buf, "%.1f", clip->level_db));
  return s;
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);
      g_unlink (file);
    }
  g_rmdir (path);
}

static gboolean
create_keywords (Demo *d, double scale, GRand *rand, const char *espeak, const char *sox,
                 GError **error)
{
  Synth synth = { espeak, sox, NULL, NULL, NULL };
  g_autoptr(GPtrArray) clips = g_ptr_array_new_with_free_func ((GDestroyNotify) clip_free);
  g_autoptr(GError) local = NULL;
  guint counters[G_N_ELEMENTS (keyword_labels)] = { 0 };
  guint per_class = scaled_count (KEYWORDS_PER_CLASS, scale);
  guint n_workers = CLAMP (g_get_num_processors (), 4, 8);
  GThreadPool *pool = NULL;
  guint next_submit = 0, next_store = 0;
  gboolean ok = TRUE;

  /* The whole plan is drawn up front from the seed, so the result does not
   * depend on which worker finishes first. */
  for (guint l = 0; l < G_N_ELEMENTS (keyword_labels); l++)
    for (guint i = 0; i < per_class; i++)
      {
        Clip *clip = g_new0 (Clip, 1);

        clip->label = keyword_labels[l];
        if (l == 0 || l == 1)
          clip->word = keyword_labels[l];
        else if (l == 2)
          clip->word = unknown_words[g_rand_int_range (rand, 0, G_N_ELEMENTS (unknown_words))];
        clip->voice = keyword_voices[g_rand_int_range (rand, 0, G_N_ELEMENTS (keyword_voices))];
        clip->variant = keyword_variants[g_rand_int_range (rand, 0, G_N_ELEMENTS (keyword_variants))];
        clip->speed = g_rand_int_range (rand, 120, 201);
        clip->pitch = g_rand_int_range (rand, 25, 76);
        clip->offset_u = g_rand_double (rand);
        /* speech at a talking-to-a-device level; noise alone from a quiet
         * room to a noisy one */
        clip->level_db = clip->word != NULL ? g_rand_double_range (rand, -30, -12)
                                            : g_rand_double_range (rand, -55, -25);
        clip->snr_db = g_rand_double_range (rand, 5, 25);
        clip->mix_seed = g_rand_int (rand);
        g_ptr_array_add (clips, clip);
      }
  /* mixed order, so the first rows the user sees cover every class */
  shuffle (clips->pdata, clips->len, rand);
  for (guint i = 0; i < clips->len; i++)
    ((Clip *) clips->pdata[i])->index = i;

  synth.tmpdir = g_dir_make_tmp ("ember-demo-XXXXXX", &local);
  if (synth.tmpdir == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_IO, "cannot make a temporary folder: %s", local->message);
      ok = FALSE;
      goto out;
    }
  synth.stop = g_cancellable_new ();
  synth.finished = g_async_queue_new ();
  pool = g_thread_pool_new (clip_worker, &synth, (gint) n_workers, FALSE, &local);
  if (pool == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "cannot start workers: %s", local->message);
      ok = FALSE;
      goto out;
    }

  /* Store the clips in plan order as they come back, so ids and hashes
   * follow the seed too. */
  while (ok && next_store < clips->len)
    {
      Clip *clip = clips->pdata[next_store];
      Clip *done;

      while (next_submit < clips->len && next_submit < next_store + KEYWORD_AHEAD)
        g_thread_pool_push (pool, clips->pdata[next_submit++], NULL);

      if (!clip->finished)
        {
          /* wake up now and then to notice a cancel, since a worker may be
           * sitting in a long subprocess */
          done = g_async_queue_timeout_pop (synth.finished, 50 * 1000);
          if (done != NULL)
            done->finished = TRUE;
          ok = demo_check_cancel (d, error);
          continue;
        }

      if (clip->error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&clip->error));
          ok = FALSE;
          break;
        }
      {
        guint l = 0;
        g_autoptr(EmSample) sample = NULL;
        g_autofree char *what = NULL;

        while (g_strcmp0 (keyword_labels[l], clip->label) != 0)
          l++;
        sample = clip_to_sample (clip, ++counters[l]);
        ok = demo_check_cancel (d, error) && demo_add (d, sample, error);
        /* the samples are in the project now; drop the float copy early */
        g_clear_pointer (&clip->values, g_free);
        next_store++;
        what = g_strdup_printf ("Synthesizing keywords: %s", em_sample_get_name (sample));
        if (ok)
          demo_progress (d, 0.95 * next_store / clips->len, what);
      }
    }

out:
  if (synth.stop != NULL)
    g_cancellable_cancel (synth.stop);
  if (pool != NULL)
    g_thread_pool_free (pool, TRUE, TRUE); /* waits: no worker touches a clip after this */
  if (synth.finished != NULL)
    g_async_queue_unref (synth.finished);
  g_clear_object (&synth.stop);
  if (synth.tmpdir != NULL)
    remove_dir (synth.tmpdir);
  g_free (synth.tmpdir);
  return ok;
}

/* ---- motion ----------------------------------------------------------------- */

static gboolean
create_motion (Demo *d, double scale, GRand *rand, GError **error)
{
  guint per_class = scaled_count (MOTION_PER_CLASS, scale);
  guint n = per_class * EM_DEMO_MOTION_N_CLASSES;
  g_autofree gpointer *plan = g_new (gpointer, n);
  g_autofree guint32 *seeds = g_new (guint32, n);
  g_autofree float *values = g_new (float, MOTION_FRAMES * 3);
  guint counters[EM_DEMO_MOTION_N_CLASSES] = { 0 };

  /* plan entries encode the class; seeds are drawn in class order so that
   * the shuffle below only changes the order, not the recordings */
  for (guint i = 0; i < n; i++)
    {
      plan[i] = GUINT_TO_POINTER (i);
      seeds[i] = g_rand_int (rand);
    }
  shuffle (plan, n, rand);

  for (guint k = 0; k < n; k++)
    {
      guint i = GPOINTER_TO_UINT (plan[k]);
      EmDemoMotion motion = (EmDemoMotion) (i / per_class);
      const char *label = em_demo_motion_label (motion);
      g_autoptr(GRand) r = g_rand_new_with_seed (seeds[i]);
      g_autoptr(EmSample) s = em_sample_new ();
      g_autofree char *name = g_strdup_printf ("%s.sim%u", label, ++counters[motion]);
      g_autofree char *what = NULL;

      if (!demo_check_cancel (d, error))
        return FALSE;
      em_demo_motion (values, MOTION_FRAMES, 1000.0 / MOTION_INTERVAL_MS, motion, r);
      em_sample_set_name (s, name);
      em_sample_set_label (s, label);
      em_sample_set_kind (s, EM_SENSOR_TIME_SERIES);
      em_sample_set_interval_ms (s, MOTION_INTERVAL_MS);
      em_sample_add_axis (s, "accX", "m/s2");
      em_sample_add_axis (s, "accY", "m/s2");
      em_sample_add_axis (s, "accZ", "m/s2");
      em_sample_set_values (s, values, MOTION_FRAMES);
      em_sample_set_source_format (s, "generated");
      em_sample_set_metadata (s, "device_type", "simulated-accelerometer");
      if (!demo_add (d, s, error))
        return FALSE;
      what = g_strdup_printf ("Simulating motion: %s", name);
      demo_progress (d, 0.95 * (k + 1) / n, what);
    }
  return TRUE;
}

/* ---- images (Fashion-MNIST) ------------------------------------------------- */

static const char *const fashion_labels[] = {
  "tshirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "boot",
};
#define FASHION_N_CLASSES G_N_ELEMENTS (fashion_labels)

/* Where the data set lives; EMBER_FASHION_MNIST_DIR overrides it so tests
 * can point at a missing or damaged copy. */
static const char *
fashion_dir (void)
{
  const char *env = g_getenv ("EMBER_FASHION_MNIST_DIR");
  return env != NULL && *env ? env : FASHION_DIR;
}

static GInputStream *
open_gzip (const char *path, GError **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) raw = NULL;
  g_autoptr(GZlibDecompressor) gunzip = NULL;
  g_autoptr(GError) local = NULL;

  raw = g_file_read (file, NULL, &local);
  if (raw == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_IO, "%s: %s", path, local->message);
      return NULL;
    }
  gunzip = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  return g_converter_input_stream_new (G_INPUT_STREAM (raw), G_CONVERTER (gunzip));
}

static gboolean
read_exact (GInputStream *in, const char *path, void *buf, gsize len, GCancellable *cancellable,
            GError **error)
{
  g_autoptr(GError) local = NULL;
  gsize got = 0;

  if (!g_input_stream_read_all (in, buf, len, &got, cancellable, &local))
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_set_error_literal (error, EM_ERROR, EM_ERROR_CANCELLED, "demo creation cancelled");
      else
        g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s: %s", path, local->message);
      return FALSE;
    }
  if (got != len)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s: truncated IDX file", path);
      return FALSE;
    }
  return TRUE;
}

/* An IDX header: a big-endian magic (0x08 = unsigned bytes, then the number
 * of dimensions) followed by one big-endian 32-bit size per dimension. */
static gboolean
read_idx_header (GInputStream *in, const char *path, guint n_dims, guint32 *dims,
                 GCancellable *cancellable, GError **error)
{
  guint8 head[4 + 4 * 3];

  g_assert (n_dims <= 3);
  if (!read_exact (in, path, head, 4 + 4 * n_dims, cancellable, error))
    return FALSE;
  if (head[0] != 0 || head[1] != 0 || head[2] != 0x08 || head[3] != n_dims)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                   "%s: not an IDX file of %u-dimensional unsigned bytes", path, n_dims);
      return FALSE;
    }
  for (guint i = 0; i < n_dims; i++)
    {
      const guint8 *p = head + 4 + 4 * i;
      dims[i] = ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
    }
  return TRUE;
}

typedef struct {
  guint32 index;
  guint8 label;
  guint8 pixels[FASHION_PIXELS];
} FashionImage;

/* Read one split (train or t10k) and pick @per_class (+ spares) images of
 * each class at random. Returns the picks grouped by class, in pick order.
 * The image file is streamed: only the picked images are kept. */
static GPtrArray *
fashion_pick (Demo *d, const char *split, guint per_class, GRand *rand, GError **error)
{
  g_autofree char *labels_path = g_strdup_printf ("%s/%s-labels-idx1-ubyte.gz", fashion_dir (), split);
  g_autofree char *images_path = g_strdup_printf ("%s/%s-images-idx3-ubyte.gz", fashion_dir (), split);
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GPtrArray) picks = g_ptr_array_new_with_free_func (g_free);
  g_autofree guint8 *labels = NULL;
  g_autofree gint32 *slot = NULL; /* image index -> position in picks, -1 = not wanted */
  g_autofree guint8 *chunk = NULL;
  guint32 dims[3];
  guint32 n;
  const guint32 chunk_images = 256;

  in = open_gzip (labels_path, error);
  if (in == NULL || !read_idx_header (in, labels_path, 1, dims, d->cancellable, error))
    return NULL;
  n = dims[0];
  if (n == 0 || n > 10000000)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s: implausible count %u", labels_path, n);
      return NULL;
    }
  labels = g_malloc (n);
  if (!read_exact (in, labels_path, labels, n, d->cancellable, error))
    return NULL;
  g_clear_object (&in);
  for (guint32 i = 0; i < n; i++)
    if (labels[i] >= FASHION_N_CLASSES)
      {
        g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s: label %u out of range",
                     labels_path, labels[i]);
        return NULL;
      }

  slot = g_new (gint32, n);
  for (guint32 i = 0; i < n; i++)
    slot[i] = -1;
  for (guint c = 0; c < FASHION_N_CLASSES; c++)
    {
      g_autoptr(GArray) members = g_array_new (FALSE, FALSE, sizeof (guint32));
      guint want = per_class + FASHION_SPARES;

      for (guint32 i = 0; i < n; i++)
        if (labels[i] == c)
          g_array_append_val (members, i);
      /* a partial Fisher–Yates draws @want distinct members */
      for (guint k = 0; k < want && k < members->len; k++)
        {
          guint j = k + (guint) g_rand_int_range (rand, 0, (gint32) (members->len - k));
          guint32 pick = g_array_index (members, guint32, j);
          FashionImage *img = g_new0 (FashionImage, 1);

          g_array_index (members, guint32, j) = g_array_index (members, guint32, k);
          g_array_index (members, guint32, k) = pick;
          img->index = pick;
          img->label = (guint8) c;
          slot[pick] = (gint32) picks->len;
          g_ptr_array_add (picks, img);
        }
    }

  in = open_gzip (images_path, error);
  if (in == NULL || !read_idx_header (in, images_path, 3, dims, d->cancellable, error))
    return NULL;
  if (dims[0] != n || dims[1] != FASHION_SIDE || dims[2] != FASHION_SIDE)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                   "%s: expected %u images of 28×28, found %u of %u×%u", images_path, n, dims[0],
                   dims[1], dims[2]);
      return NULL;
    }
  chunk = g_malloc ((gsize) chunk_images * FASHION_PIXELS);
  for (guint32 first = 0; first < n; first += chunk_images)
    {
      guint32 count = MIN (chunk_images, n - first);

      if (!read_exact (in, images_path, chunk, (gsize) count * FASHION_PIXELS, d->cancellable, error))
        return NULL;
      for (guint32 i = 0; i < count; i++)
        if (slot[first + i] >= 0)
          {
            FashionImage *img = picks->pdata[slot[first + i]];
            memcpy (img->pixels, chunk + (gsize) i * FASHION_PIXELS, FASHION_PIXELS);
          }
    }
  return g_steal_pointer (&picks);
}

static EmSample *
fashion_sample (const FashionImage *img, const char *split, EmCategory category, GError **error)
{
  guint8 rgb[FASHION_PIXELS * 3];
  g_autoptr(GBytes) png = NULL;
  g_autoptr(EmSample) s = NULL;
  g_autofree char *name = NULL;
  g_autofree char *index = NULL;
  g_autofree char *dataset = g_strconcat ("fashion-mnist ", split, NULL);

  /* em_image_encode_png() takes RGB; a gray image is R = G = B */
  for (guint i = 0; i < FASHION_PIXELS; i++)
    rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = img->pixels[i];
  png = em_image_encode_png (rgb, FASHION_SIDE, FASHION_SIDE, error);
  if (png == NULL)
    return NULL;
  s = em_sample_new ();
  name = g_strdup_printf ("%s.%s-%05u", fashion_labels[img->label], split, img->index);
  index = g_strdup_printf ("%u", img->index);
  em_sample_set_name (s, name);
  em_sample_set_label (s, fashion_labels[img->label]);
  em_sample_set_category (s, category);
  em_sample_set_kind (s, EM_SENSOR_IMAGE);
  em_sample_set_encoding (s, EM_ENCODING_PNG);
  em_sample_set_image_size (s, FASHION_SIDE, FASHION_SIDE);
  em_sample_set_n_frames (s, 1);
  em_sample_set_data (s, png);
  em_sample_set_source_format (s, "png");
  em_sample_set_metadata (s, "dataset", dataset);
  em_sample_set_metadata (s, "index", index);
  return g_steal_pointer (&s);
}

/* Add @per_class images of every class, classes interleaved; a picked image
 * whose bytes are already in the project (Fashion-MNIST has a few exact
 * duplicates) is replaced by the next spare. */
static gboolean
fashion_add (Demo *d, GPtrArray *picks, const char *split, EmCategory category, guint per_class,
             double progress_from, double progress_to, GError **error)
{
  guint pos[FASHION_N_CLASSES] = { 0 }, end[FASHION_N_CLASSES] = { 0 }, added[FASHION_N_CLASSES] = { 0 };
  guint total = 0, target = per_class * FASHION_N_CLASSES;

  /* picks are grouped by class: find each class's range */
  for (guint i = 0; i < picks->len; i++)
    {
      const FashionImage *img = picks->pdata[i];
      if (end[img->label] == 0)
        pos[img->label] = i;
      end[img->label] = i + 1;
    }
  for (guint round = 0; round < per_class; round++)
    for (guint c = 0; c < FASHION_N_CLASSES; c++)
      while (added[c] <= round && pos[c] < end[c])
        {
          g_autoptr(EmSample) s = NULL;
          g_autoptr(GError) local = NULL;
          g_autofree char *what = NULL;

          if (!demo_check_cancel (d, error))
            return FALSE;
          s = fashion_sample (picks->pdata[pos[c]++], split, category, error);
          if (s == NULL)
            return FALSE;
          if (!demo_add (d, s, &local))
            {
              if (!g_error_matches (local, EM_ERROR, EM_ERROR_DUPLICATE))
                {
                  g_propagate_error (error, g_steal_pointer (&local));
                  return FALSE;
                }
              continue;
            }
          added[c]++;
          total++;
          what = g_strdup_printf ("Adding images: %s", em_sample_get_name (s));
          demo_progress (d, progress_from + (progress_to - progress_from) * total / target, what);
        }
  return TRUE;
}

static gboolean
create_images (Demo *d, double scale, GRand *rand, GError **error)
{
  static const struct {
    const char *split;
    EmCategory category;
    guint per_class;
  } splits[] = {
    { "train", EM_CATEGORY_TRAINING, FASHION_TRAIN_PER_CLASS },
    { "t10k", EM_CATEGORY_TESTING, FASHION_TEST_PER_CLASS },
  };
  const double share[] = { 0.0, 0.75, 0.95 }; /* progress at the start of each split */

  for (guint s = 0; s < G_N_ELEMENTS (splits); s++)
    {
      guint per_class = (guint) MAX (1.0, round (splits[s].per_class * scale));
      g_autoptr(GPtrArray) picks = NULL;
      g_autofree char *what = g_strdup_printf ("Reading Fashion-MNIST %s", splits[s].split);
      double mid = share[s] + 0.5 * (share[s + 1] - share[s]);

      demo_progress (d, share[s], what);
      picks = fashion_pick (d, splits[s].split, per_class, rand, error);
      if (picks == NULL)
        return FALSE;
      if (!fashion_add (d, picks, splits[s].split, splits[s].category, per_class, mid,
                        share[s + 1], error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
fashion_present (GError **error)
{
  static const char *const files[] = {
    "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
  };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (fashion_dir (), files[i], NULL);
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error_literal (error, EM_ERROR, EM_ERROR_NOT_FOUND,
                               "Fashion-MNIST not found: install the Debian package dataset-fashion-mnist");
          return FALSE;
        }
    }
  return TRUE;
}

/* ---- entry point -------------------------------------------------------------- */

EmProject *
em_demo_create (const char *path, EmDemoKind kind, double scale, guint32 seed,
                EmProgressFunc progress, gpointer user_data, GCancellable *cancellable,
                GError **error)
{
  static const char *const project_names[] = {
    "Keyword spotting demo", "Motion demo", "Fashion-MNIST demo",
  };
  Demo d = { NULL, progress, user_data, cancellable, 0 };
  g_autoptr(GRand) rand = NULL;
  g_autofree char *espeak = NULL;
  g_autofree char *sox = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((guint) kind >= G_N_ELEMENTS (kind_names))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, "unknown demo kind %d", (int) kind);
      return NULL;
    }
  if (!(scale > 0 && scale <= 100))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                   "demo scale must be above 0 and at most 100, not %g", scale);
      return NULL;
    }
  /* Check what we depend on before a file appears on disk. */
  if (kind == EM_DEMO_KEYWORDS &&
      (!find_tool ("espeak-ng", &espeak, error) || !find_tool ("sox", &sox, error)))
    return NULL;
  if (kind == EM_DEMO_IMAGES && !fashion_present (error))
    return NULL;
  if (!demo_check_cancel (&d, error))
    return NULL;

  d.project = em_project_create (path, project_names[kind], error);
  if (d.project == NULL)
    return NULL; /* e.g. the path exists: it is not ours to delete */

  demo_progress (&d, 0.0, "Creating project");
  rand = g_rand_new_with_seed (seed);
  if (em_project_set_setting (d.project, "demo", kind_names[kind], error))
    {
      switch (kind)
        {
        case EM_DEMO_KEYWORDS:
          ok = create_keywords (&d, scale, rand, espeak, sox, error);
          break;
        case EM_DEMO_MOTION:
          ok = create_motion (&d, scale, rand, error);
          break;
        case EM_DEMO_IMAGES:
          ok = create_images (&d, scale, rand, error);
          break;
        default:
          g_assert_not_reached ();
        }
    }
  ok = ok && demo_flush (&d, error);
  /* Fashion-MNIST comes with its own train/test split; the rest get a
   * stratified 80/20 one. */
  if (ok && kind != EM_DEMO_IMAGES)
    {
      demo_progress (&d, 0.97, "Splitting into training and testing");
      ok = em_project_resplit (d.project, DEMO_TRAIN_FRACTION, seed, error);
    }

  if (!ok)
    {
      /* A half-made demo is of no use and would block a retry at the same
       * path: roll back, close the database, then remove its files. */
      if (d.in_batch > 0)
        em_project_rollback (d.project);
      g_clear_object (&d.project);
      delete_project_files (path);
      return NULL;
    }
  demo_progress (&d, 1.0, "Done");
  return d.project;
}
