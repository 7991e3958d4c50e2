/* SPDX-License-Identifier: Apache-2.0 */
/* The keyword-spotting demo: clips spoken by espeak-ng, cut to 1 s by sox,
 * shifted, scaled and mixed with noise in C. */
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "em-demo-private.h"
#include "em-demo-signals.h"
#include "em-error.h"
#include "em-wav.h"

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

/* Run a tool to completion, keeping its stderr for the error message.
 * g_spawn_sync rather than GSubprocess: several workers run tools at once,
 * and g_spawn_sync waits in the calling thread with no main context,
 * child-watch source or cancellable source shared between threads. A cancel
 * takes effect between tools (each runs a fraction of a second). */
static gboolean
run_tool (const char *const *argv, GCancellable *stop, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree char *err_text = NULL;
  int wait_status = 0;

  if (g_cancellable_is_cancelled (stop))
    {
      g_set_error_literal (error, EM_ERROR, EM_ERROR_CANCELLED, "demo creation cancelled");
      return FALSE;
    }
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                     &err_text, &wait_status, &local))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "cannot run %s: %s", argv[0], local->message);
      return FALSE;
    }
  if (!g_spawn_check_wait_status (wait_status, NULL))
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

gboolean
em_demo_create_keywords (Demo *d, double scale, GRand *rand, const char *espeak, const char *sox,
                 GError **error)
{
  Synth synth = { espeak, sox, NULL, NULL, NULL };
  g_autoptr(GPtrArray) clips = g_ptr_array_new_with_free_func ((GDestroyNotify) clip_free);
  g_autoptr(GError) local = NULL;
  guint counters[G_N_ELEMENTS (keyword_labels)] = { 0 };
  guint per_class = em_demo_scaled_count (KEYWORDS_PER_CLASS, scale);
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
  em_demo_shuffle (clips->pdata, clips->len, rand);
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
          ok = em_demo_check_cancel (d, error);
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
        ok = em_demo_check_cancel (d, error) && em_demo_add (d, sample, error);
        /* the samples are in the project now; drop the float copy early */
        g_clear_pointer (&clip->values, g_free);
        next_store++;
        what = g_strdup_printf ("Synthesizing keywords: %s", em_sample_get_name (sample));
        if (ok)
          em_demo_progress (d, 0.95 * next_store / clips->len, what);
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

