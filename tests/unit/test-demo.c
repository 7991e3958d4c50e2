/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#include "em-demo.h"
#include "em-error.h"
#include "em-image.h"
#include "test-util.h"

#define FASHION_DIR "/usr/share/datasets/fashion-mnist"

static char *
new_path (const char *name)
{
  g_autofree char *dir = em_test_make_tmpdir ();
  return g_build_filename (dir, name, NULL);
}

typedef struct {
  double last;
  guint calls;
  gboolean monotonic;
  GCancellable *cancel_at; /* cancelled once the fraction passes cancel_after */
  double cancel_after;
} Progress;

static void
on_progress (double fraction, const char *what, gpointer user_data)
{
  Progress *p = user_data;

  g_assert_nonnull (what);
  g_assert_cmpfloat (fraction, >=, 0.0);
  g_assert_cmpfloat (fraction, <=, 1.0);
  if (fraction < p->last)
    p->monotonic = FALSE;
  p->last = fraction;
  p->calls++;
  if (p->cancel_at != NULL && fraction > p->cancel_after)
    g_cancellable_cancel (p->cancel_at);
}

static EmProject *
create (const char *path, EmDemoKind kind, double scale, guint32 seed)
{
  g_autoptr(GError) error = NULL;
  Progress progress = { 0, 0, TRUE, NULL, 0 };
  EmProject *project = em_demo_create (path, kind, scale, seed, on_progress, &progress, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (project);
  g_assert_true (progress.monotonic);
  g_assert_cmpuint (progress.calls, >, 2);
  g_assert_cmpfloat (progress.last, ==, 1.0);
  return project;
}

static GPtrArray *
list_all (EmProject *project)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *samples = em_project_list_samples (project, NULL, &error);

  g_assert_no_error (error);
  return samples;
}

static EmSample *
load (EmProject *project, EmSample *listed)
{
  g_autoptr(GError) error = NULL;
  EmSample *s = em_project_get_sample (project, em_sample_get_id (listed), TRUE, &error);

  g_assert_no_error (error);
  return s;
}

static guint
count (EmProject *project, const char *label, int category)
{
  EmSampleFilter filter;

  em_sample_filter_init (&filter);
  filter.label = label;
  filter.category = category;
  return (guint) em_project_count_samples (project, &filter, NULL);
}

/* The hashes in id order: a fingerprint of the whole project's data. */
static char *
hashes (EmProject *project)
{
  g_autoptr(GPtrArray) samples = list_all (project);
  g_autoptr(GString) all = g_string_new (NULL);

  for (guint i = 0; i < samples->len; i++)
    {
      EmSample *s = samples->pdata[i];
      g_string_append_printf (all, "%s %s %s %d\n", em_sample_get_hash (s), em_sample_get_name (s),
                              em_sample_get_label (s), em_sample_get_category (s));
    }
  return g_string_free (g_steal_pointer (&all), FALSE);
}

static void
assert_setting (EmProject *project, const char *value)
{
  g_autofree char *demo = em_project_get_setting (project, "demo");
  g_assert_cmpstr (demo, ==, value);
}

static gboolean
have_tools (void)
{
  g_autofree char *espeak = g_find_program_in_path ("espeak-ng");
  g_autofree char *sox = g_find_program_in_path ("sox");
  return espeak != NULL && sox != NULL;
}

static void
test_kind_from_string (void)
{
  EmDemoKind kind = EM_DEMO_MOTION;

  g_assert_true (em_demo_kind_from_string ("keywords", &kind));
  g_assert_cmpint (kind, ==, EM_DEMO_KEYWORDS);
  g_assert_true (em_demo_kind_from_string ("motion", &kind));
  g_assert_cmpint (kind, ==, EM_DEMO_MOTION);
  g_assert_true (em_demo_kind_from_string ("images", &kind));
  g_assert_cmpint (kind, ==, EM_DEMO_IMAGES);
  g_assert_false (em_demo_kind_from_string ("video", &kind));
  g_assert_false (em_demo_kind_from_string (NULL, &kind));
  g_assert_cmpint (kind, ==, EM_DEMO_IMAGES);
}

/* Power of @x (one axis of an interleaved 3-axis recording) at @freq by a
 * direct DFT: enough for a handful of probe frequencies. */
static double
power_at (const float *x, guint n, guint axis, double rate, double freq)
{
  double re = 0, im = 0, mean = 0;

  for (guint k = 0; k < n; k++)
    mean += x[3 * k + axis];
  mean /= n;
  for (guint k = 0; k < n; k++)
    {
      double v = x[3 * k + axis] - mean;
      re += v * cos (2 * G_PI * freq * k / rate);
      im -= v * sin (2 * G_PI * freq * k / rate);
    }
  return (re * re + im * im) / n;
}

static double
dominant_freq (const float *x, guint n, guint axis, double rate)
{
  double best = 0, best_power = -1;

  for (double f = 0.2; f <= 8.0; f += 0.1)
    {
      double p = power_at (x, n, axis, rate, f);
      if (p > best_power)
        {
          best_power = p;
          best = f;
        }
    }
  return best;
}

static double
axis_std (const float *x, guint n, guint axis)
{
  double mean = 0, var = 0;

  for (guint k = 0; k < n; k++)
    mean += x[3 * k + axis];
  mean /= n;
  for (guint k = 0; k < n; k++)
    var += (x[3 * k + axis] - mean) * (x[3 * k + axis] - mean);
  return sqrt (var / n);
}

static void
test_motion (void)
{
  static const char *const labels[] = { "idle", "wave", "updown", "snake" };
  g_autofree char *path = new_path ("motion.ember");
  g_autoptr(EmProject) project = create (path, EM_DEMO_MOTION, 0.2, 7); /* 5 per class */
  g_autoptr(GPtrArray) samples = list_all (project);
  double std[4][3] = { { 0 } }, wave_freq = 0, updown_freq = 0, snake_freq = 0;

  assert_setting (project, "motion");
  g_assert_cmpuint (samples->len, ==, 20);
  for (guint l = 0; l < G_N_ELEMENTS (labels); l++)
    {
      /* stratified 80/20 */
      g_assert_cmpuint (count (project, labels[l], EM_CATEGORY_TRAINING), ==, 4);
      g_assert_cmpuint (count (project, labels[l], EM_CATEGORY_TESTING), ==, 1);
    }

  for (guint i = 0; i < samples->len; i++)
    {
      g_autoptr(EmSample) s = load (project, samples->pdata[i]);
      const float *v;
      guint64 n_values = 0;
      guint l = 0;

      while (l < G_N_ELEMENTS (labels) && g_strcmp0 (labels[l], em_sample_get_label (s)) != 0)
        l++;
      g_assert_cmpuint (l, <, G_N_ELEMENTS (labels));
      g_assert_true (g_str_has_prefix (em_sample_get_name (s), labels[l]));
      g_assert_cmpint (em_sample_get_kind (s), ==, EM_SENSOR_TIME_SERIES);
      g_assert_cmpfloat (em_sample_get_interval_ms (s), ==, 16.0);
      g_assert_cmpuint (em_sample_get_n_axes (s), ==, 3);
      g_assert_cmpstr (em_sample_get_axis (s, 0)->name, ==, "accX");
      g_assert_cmpstr (em_sample_get_axis (s, 2)->units, ==, "m/s2");
      g_assert_cmpuint (em_sample_get_n_frames (s), ==, 625);
      g_assert_cmpstr (em_sample_get_source_format (s), ==, "generated");
      g_assert_cmpstr (em_sample_get_metadata (s, "device_type"), ==, "simulated-accelerometer");
      v = em_sample_get_values (s, &n_values);
      g_assert_cmpuint (n_values, ==, 625 * 3);
      for (guint k = 0; k < n_values; k++)
        g_assert_true (isfinite (v[k]) && fabsf (v[k]) < 60.0f);
      for (guint a = 0; a < 3; a++)
        std[l][a] += axis_std (v, 625, a) / 5;
      if (l == 1)
        wave_freq += dominant_freq (v, 625, 0, 62.5) / 5;
      if (l == 2)
        updown_freq += dominant_freq (v, 625, 2, 62.5) / 5;
      if (l == 3)
        snake_freq += dominant_freq (v, 625, 1, 62.5) / 5;
    }

  /* idle: gravity, noise and drift only */
  for (guint a = 0; a < 3; a++)
    g_assert_cmpfloat (std[0][a], <, 0.8);
  /* each gesture moves its own axes far more than idle does */
  g_assert_cmpfloat (std[1][0], >, 5 * std[0][0]);
  g_assert_cmpfloat (std[1][0], >, 2 * std[1][2]);
  g_assert_cmpfloat (std[2][2], >, 5 * std[0][2]);
  g_assert_cmpfloat (std[2][2], >, 2 * std[2][0]);
  g_assert_cmpfloat (std[3][0], >, 5 * std[0][0]);
  g_assert_cmpfloat (std[3][1], >, 5 * std[0][1]);
  /* and at the tempo each gesture is made */
  g_assert_cmpfloat (wave_freq, >=, 1.4);
  g_assert_cmpfloat (wave_freq, <=, 3.2);
  g_assert_cmpfloat (updown_freq, >=, 0.9);
  g_assert_cmpfloat (updown_freq, <=, 2.1);
  g_assert_cmpfloat (snake_freq, >=, 0.4);
  g_assert_cmpfloat (snake_freq, <=, 1.6);
  g_assert_cmpfloat (wave_freq, >, snake_freq);
}

static void
test_motion_deterministic (void)
{
  g_autofree char *path1 = new_path ("a.ember");
  g_autofree char *path2 = new_path ("b.ember");
  g_autofree char *path3 = new_path ("c.ember");
  g_autoptr(EmProject) p1 = create (path1, EM_DEMO_MOTION, 0.1, 1234);
  g_autoptr(EmProject) p2 = create (path2, EM_DEMO_MOTION, 0.1, 1234);
  g_autoptr(EmProject) p3 = create (path3, EM_DEMO_MOTION, 0.1, 1235);
  g_autofree char *h1 = hashes (p1);
  g_autofree char *h2 = hashes (p2);
  g_autofree char *h3 = hashes (p3);

  g_assert_cmpstr (h1, ==, h2);
  g_assert_cmpstr (h1, !=, h3);
}

static double
rms (const float *v, guint64 n)
{
  double e = 0;

  for (guint64 i = 0; i < n; i++)
    e += (double) v[i] * v[i];
  return sqrt (e / (double) n);
}

static void
test_keywords (void)
{
  static const char *const labels[] = { "yes", "no", "unknown", "noise" };
  g_autofree char *path = NULL;
  g_autofree char *path2 = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(EmProject) again = NULL;
  g_autoptr(GPtrArray) samples = NULL;
  g_autofree char *h1 = NULL;
  g_autofree char *h2 = NULL;
  double speech_rms = 0, noise_rms = 0;
  guint n_speech = 0, n_noise = 0;

  if (!have_tools ())
    {
      g_test_skip ("espeak-ng or sox not on PATH");
      return;
    }
  path = new_path ("kws.ember");
  project = create (path, EM_DEMO_KEYWORDS, 0.1, 42); /* 5 per class */
  samples = list_all (project);
  assert_setting (project, "keywords");
  g_assert_cmpuint (samples->len, ==, 20);
  for (guint l = 0; l < G_N_ELEMENTS (labels); l++)
    {
      g_assert_cmpuint (count (project, labels[l], EM_CATEGORY_TRAINING), ==, 4);
      g_assert_cmpuint (count (project, labels[l], EM_CATEGORY_TESTING), ==, 1);
    }

  for (guint i = 0; i < samples->len; i++)
    {
      g_autoptr(EmSample) s = load (project, samples->pdata[i]);
      const char *label = em_sample_get_label (s);
      const float *v;
      guint64 n_values = 0;

      g_assert_cmpint (em_sample_get_kind (s), ==, EM_SENSOR_AUDIO);
      g_assert_cmpuint (em_sample_get_n_frames (s), ==, 16000);
      g_assert_cmpuint (em_sample_get_n_axes (s), ==, 1);
      g_assert_cmpfloat (fabs (em_sample_get_frequency_hz (s) - 16000), <, 1e-6);
      g_assert_cmpfloat (fabs (em_sample_get_length_ms (s) - 1000), <, 1e-6);
      g_assert_cmpstr (em_sample_get_source_format (s), ==, "wav:pcm16");
      g_assert_true (g_str_has_prefix (em_sample_get_name (s), label));
      v = em_sample_get_values (s, &n_values);
      g_assert_cmpuint (n_values, ==, 16000);
      for (guint k = 0; k < n_values; k++)
        {
          g_assert_true (v[k] >= -1.0f && v[k] < 1.0f);
          /* on the 16-bit grid, so a pcm16 export is lossless */
          g_assert_cmpfloat (v[k] * 32768.0f, ==, nearbyintf (v[k] * 32768.0f));
        }
      g_assert_cmpfloat (rms (v, n_values), >, 1e-5);
      if (g_strcmp0 (label, "noise") == 0)
        {
          noise_rms += rms (v, n_values);
          n_noise++;
          g_assert_null (em_sample_get_metadata (s, "voice"));
        }
      else
        {
          const char *snr = em_sample_get_metadata (s, "snr_db");
          int speed = atoi (em_sample_get_metadata (s, "speed"));
          int pitch = atoi (em_sample_get_metadata (s, "pitch"));

          speech_rms += rms (v, n_values);
          n_speech++;
          g_assert_nonnull (strchr (em_sample_get_metadata (s, "voice"), '+'));
          g_assert_cmpint (speed, >=, 120);
          g_assert_cmpint (speed, <=, 200);
          g_assert_cmpint (pitch, >=, 25);
          g_assert_cmpint (pitch, <=, 75);
          g_assert_nonnull (snr);
          g_assert_cmpfloat (g_ascii_strtod (snr, NULL), >=, 5.0);
          g_assert_cmpfloat (g_ascii_strtod (snr, NULL), <=, 25.0);
          if (g_strcmp0 (label, "unknown") != 0)
            g_assert_cmpstr (em_sample_get_metadata (s, "word"), ==, label);
        }
    }
  g_assert_cmpuint (n_noise, ==, 5);
  g_assert_cmpfloat (speech_rms / n_speech, >, 2 * noise_rms / n_noise);

  /* espeak-ng and sox (without dither) are deterministic, so is the mixing */
  path2 = new_path ("kws2.ember");
  again = create (path2, EM_DEMO_KEYWORDS, 0.1, 42);
  h1 = hashes (project);
  h2 = hashes (again);
  g_assert_cmpstr (h1, ==, h2);
}

static void
test_keywords_missing_tool (void)
{
  g_autofree char *path = new_path ("kws.ember");
  g_autofree char *old_path = g_strdup (g_getenv ("PATH"));
  g_autofree char *empty = em_test_make_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;

  g_setenv ("PATH", empty, TRUE);
  project = em_demo_create (path, EM_DEMO_KEYWORDS, 0.1, 1, NULL, NULL, NULL, &error);
  g_setenv ("PATH", old_path, TRUE);
  g_assert_null (project);
  g_assert_error (error, EM_ERROR, EM_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "espeak-ng not found: install the Debian package espeak-ng");
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_images (void)
{
  static const char *const labels[] = {
    "tshirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "boot",
  };
  g_autofree char *path = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(GPtrArray) samples = NULL;
  g_autoptr(GPtrArray) listed = NULL;

  if (!g_file_test (FASHION_DIR, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("dataset-fashion-mnist not installed");
      return;
    }
  path = new_path ("images.ember");
  project = create (path, EM_DEMO_IMAGES, 0.1, 3); /* 3 train + 1 test per class */
  assert_setting (project, "images");
  samples = list_all (project);
  g_assert_cmpuint (samples->len, ==, 40);
  for (guint l = 0; l < G_N_ELEMENTS (labels); l++)
    {
      g_assert_cmpuint (count (project, labels[l], EM_CATEGORY_TRAINING), ==, 3);
      g_assert_cmpuint (count (project, labels[l], EM_CATEGORY_TESTING), ==, 1);
    }
  listed = em_project_list_labels (project, NULL);
  g_assert_cmpuint (listed->len, ==, 10);

  for (guint i = 0; i < samples->len; i++)
    {
      g_autoptr(EmSample) s = load (project, samples->pdata[i]);
      g_autoptr(GError) error = NULL;
      g_autofree guint8 *rgb = NULL;
      guint w = 0, h = 0, sum = 0;

      g_assert_cmpint (em_sample_get_kind (s), ==, EM_SENSOR_IMAGE);
      g_assert_cmpint (em_sample_get_encoding (s), ==, EM_ENCODING_PNG);
      g_assert_cmpstr (em_sample_get_source_format (s), ==, "png");
      g_assert_cmpuint (em_sample_get_width (s), ==, 28);
      g_assert_cmpuint (em_sample_get_height (s), ==, 28);
      rgb = em_image_decode_rgb (s, &w, &h, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (w, ==, 28);
      g_assert_cmpuint (h, ==, 28);
      for (guint p = 0; p < 28 * 28; p++)
        {
          g_assert_cmpuint (rgb[3 * p], ==, rgb[3 * p + 1]);
          g_assert_cmpuint (rgb[3 * p], ==, rgb[3 * p + 2]);
          sum += rgb[3 * p];
        }
      g_assert_cmpuint (sum, >, 0); /* not a blank image */
    }
}

static void
test_images_missing (void)
{
  g_autofree char *path = new_path ("images.ember");
  g_autofree char *empty = em_test_make_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;

  g_setenv ("EMBER_FASHION_MNIST_DIR", empty, TRUE);
  project = em_demo_create (path, EM_DEMO_IMAGES, 0.1, 1, NULL, NULL, NULL, &error);
  g_unsetenv ("EMBER_FASHION_MNIST_DIR");
  g_assert_null (project);
  g_assert_error (error, EM_ERROR, EM_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==,
                   "Fashion-MNIST not found: install the Debian package dataset-fashion-mnist");
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* A damaged copy of the data set is an error, and the half-made project is
 * removed like on a cancel. */
static void
test_images_corrupt (void)
{
  static const char *const files[] = {
    "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
  };
  g_autofree char *path = new_path ("images.ember");
  g_autofree char *dir = em_test_make_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *file = g_build_filename (dir, files[i], NULL);
      em_test_write_file (file, "not gzip at all", 15);
    }
  g_setenv ("EMBER_FASHION_MNIST_DIR", dir, TRUE);
  project = em_demo_create (path, EM_DEMO_IMAGES, 0.1, 1, NULL, NULL, NULL, &error);
  g_unsetenv ("EMBER_FASHION_MNIST_DIR");
  g_assert_null (project);
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_DATA);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
assert_no_project_files (const char *path)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
    }
}

static void
check_cancel (EmDemoKind kind, double scale)
{
  g_autofree char *path = new_path ("cancel.ember");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  Progress progress = { 0, 0, TRUE, cancellable, 0.3 };

  project = em_demo_create (path, kind, scale, 5, on_progress, &progress, cancellable, &error);
  g_assert_null (project);
  g_assert_error (error, EM_ERROR, EM_ERROR_CANCELLED);
  g_assert_cmpfloat (progress.last, <, 1.0);
  assert_no_project_files (path);
}

static void
test_cancel (void)
{
  g_autofree char *path = new_path ("pre.ember");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;

  /* mid-way, past the first committed batch */
  check_cancel (EM_DEMO_MOTION, 1.0);
  if (have_tools ())
    check_cancel (EM_DEMO_KEYWORDS, 0.3);
  if (g_file_test (FASHION_DIR, G_FILE_TEST_IS_DIR))
    check_cancel (EM_DEMO_IMAGES, 1.0);

  /* already cancelled: no file is ever made */
  g_cancellable_cancel (cancellable);
  project = em_demo_create (path, EM_DEMO_MOTION, 1.0, 5, NULL, NULL, cancellable, &error);
  g_assert_null (project);
  g_assert_error (error, EM_ERROR, EM_ERROR_CANCELLED);
  assert_no_project_files (path);
}

static void
test_bad_arguments (void)
{
  g_autofree char *path = new_path ("exists.ember");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) kept = NULL;
  EmProject *project;

  /* a path that exists is refused and left alone */
  em_test_write_file (path, "precious", 8);
  project = em_demo_create (path, EM_DEMO_MOTION, 0.1, 1, NULL, NULL, NULL, &error);
  g_assert_null (project);
  g_assert_nonnull (error);
  kept = em_test_read_file (path);
  g_assert_cmpmem (g_bytes_get_data (kept, NULL), g_bytes_get_size (kept), "precious", 8);
  g_clear_error (&error);

  project = em_demo_create (path, EM_DEMO_MOTION, 0.0, 1, NULL, NULL, NULL, &error);
  g_assert_null (project);
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  project = em_demo_create (path, (EmDemoKind) 17, 1.0, 1, NULL, NULL, NULL, &error);
  g_assert_null (project);
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* the tests that change the environment come first, before any test has
   * started threads (setenv is not thread-safe) */
  g_test_add_func ("/demo/keywords-missing-tool", test_keywords_missing_tool);
  g_test_add_func ("/demo/images-missing", test_images_missing);
  g_test_add_func ("/demo/images-corrupt", test_images_corrupt);
  g_test_add_func ("/demo/kind-from-string", test_kind_from_string);
  g_test_add_func ("/demo/motion", test_motion);
  g_test_add_func ("/demo/motion-deterministic", test_motion_deterministic);
  g_test_add_func ("/demo/keywords", test_keywords);
  g_test_add_func ("/demo/images", test_images);
  g_test_add_func ("/demo/cancel", test_cancel);
  g_test_add_func ("/demo/bad-arguments", test_bad_arguments);
  return g_test_run ();
}
