/* SPDX-License-Identifier: Apache-2.0 */
/* Feature generation through the core API: the async job the app uses,
 * its cancel, and the cache it fills. */
#include <math.h>
#include <string.h>
#include "em-error.h"
#include "em-feature-cache.h"
#include "em-features.h"
#include "test-util.h"

typedef struct {
  GMainLoop *loop;
  GPtrArray *summaries;
  GError    *error;
  guint      progress_calls;
} Run;

static EmProject *
sine_project (guint n_samples)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = em_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "f.ember", NULL);
  EmProject *project = em_project_create (path, NULL, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < n_samples; i++)
    {
      g_autoptr(EmSample) s = em_sample_new ();
      float v[200 * 2];
      g_autofree char *name = g_strdup_printf ("s%u", i);
      for (guint f = 0; f < 200; f++)
        {
          v[2 * f] = (float) sin (f * (0.1 + 0.01 * i));
          v[2 * f + 1] = (float) (i % 3);
        }
      em_sample_set_name (s, name);
      em_sample_set_label (s, i % 2 ? "a" : "b");
      em_sample_set_interval_ms (s, 10);
      em_sample_add_axis (s, "x", "");
      em_sample_add_axis (s, "y", "");
      em_sample_set_values (s, v, 200);
      g_assert_cmpint (em_project_add_sample (project, s, 0, &error), >, 0);
    }
  return project;
}

static EmBlockRegistry *
builtin_registry (void)
{
  EmBlockRegistry *registry = em_block_registry_new ();
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "..", "plugins", NULL);

  em_block_registry_load_dir (registry, dir);
  return registry;
}

static void
on_progress (double fraction, const char *what, gpointer data)
{
  Run *run = data;

  g_assert_true (fraction >= 0 && fraction <= 1.0 + 1e-9);
  g_atomic_int_inc (&run->progress_calls);
}

static void
on_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Run *run = data;

  run->summaries = em_features_generate_finish (EM_PROJECT (source), result, &run->error);
  g_main_loop_quit (run->loop);
}

static void
test_async (void)
{
  g_autoptr(EmProject) project = sine_project (40);
  g_autoptr(EmBlockRegistry) registry = builtin_registry ();
  g_autoptr(EmImpulse) impulse = em_impulse_new ();
  EmFeatureSummary *summary;
  Run run = { g_main_loop_new (NULL, FALSE), NULL, NULL, 0 };
  g_autofree float *data = NULL;
  guint n_windows = 0, n_features = 0;

  impulse->input.window_size_ms = 1000;
  impulse->input.window_increase_ms = 500;
  em_impulse_add_block (impulse, "flat", "flatten");
  em_features_generate_async (project, impulse, registry, NULL, on_progress, &run, NULL, on_done, &run);
  /* The impulse was copied: the caller may change it while the job runs. */
  em_impulse_remove_block (impulse, "flat");
  g_main_loop_run (run.loop);
  g_assert_no_error (run.error);
  g_assert_cmpuint (run.summaries->len, ==, 1);
  summary = g_ptr_array_index (run.summaries, 0);
  /* 2 s at 100 Hz, 1 s windows every 0.5 s: 3 windows × 40 samples. */
  g_assert_cmpuint (summary->n_windows, ==, 120);
  g_assert_cmpuint (summary->cols, ==, 14);
  g_assert_cmpuint (run.progress_calls, >, 0);
  {
    g_autoptr(GPtrArray) all = em_project_list_samples (project, NULL, NULL);
    EmSample *first = g_ptr_array_index (all, 0);
    g_assert_true (em_feature_cache_get (project, summary->block_key, em_sample_get_hash (first),
                                         &n_windows, &n_features, &data, NULL));
    g_assert_cmpuint (n_windows, ==, 3);
    /* y is constant 0 for sample s0: mean 0, min 0, max 0. */
    g_assert_cmpfloat (data[7], ==, 0.0f);
  }
  g_ptr_array_unref (run.summaries);
  g_main_loop_unref (run.loop);
}

static void
test_cancel (void)
{
  g_autoptr(EmProject) project = sine_project (60);
  g_autoptr(EmBlockRegistry) registry = builtin_registry ();
  g_autoptr(EmImpulse) impulse = em_impulse_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Run run = { g_main_loop_new (NULL, FALSE), NULL, NULL, 0 };
  EmFeatureOptions options = { NULL, 1, FALSE };

  impulse->input.window_size_ms = 1000;
  impulse->input.window_increase_ms = 100;
  em_impulse_add_block (impulse, "spectral", "spectral");
  g_cancellable_cancel (cancellable);
  em_features_generate_async (project, impulse, registry, &options, NULL, NULL, cancellable, on_done, &run);
  g_main_loop_run (run.loop);
  g_assert_null (run.summaries);
  g_assert_true (g_error_matches (run.error, EM_ERROR, EM_ERROR_CANCELLED) ||
                 g_error_matches (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
  g_clear_error (&run.error);
  g_assert_true (em_project_check (project, NULL));
  g_main_loop_unref (run.loop);
}

static void
test_bad_block (void)
{
  g_autoptr(EmProject) project = sine_project (4);
  g_autoptr(EmBlockRegistry) registry = builtin_registry ();
  g_autoptr(EmImpulse) impulse = em_impulse_new ();
  g_autoptr(GError) error = NULL;
  EmImpulseBlock *b;

  impulse->input.window_size_ms = 1000;
  b = em_impulse_add_block (impulse, "m", "mfcc");
  g_assert_false (em_features_generate (project, impulse, registry, NULL, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_assert_true (g_str_has_prefix (error->message, "block m: "));
  g_assert_nonnull (strstr (error->message, "one axis"));
  g_clear_error (&error);
  g_free (b->plugin);
  b->plugin = g_strdup ("no-such-block");
  g_assert_false (em_features_generate (project, impulse, registry, NULL, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_NOT_FOUND);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/features/async", test_async);
  g_test_add_func ("/features/cancel", test_cancel);
  g_test_add_func ("/features/bad-block", test_bad_block);
  return g_test_run ();
}
