/* SPDX-License-Identifier: Apache-2.0 */
/* EmJob and the jobs indicator with deliberately slow jobs.
 *
 * Responsiveness is shown without timing anything: the worker may only take
 * its next step after the main loop has ticked once more (a 5 ms timeout
 * counts ticks), so the job can only finish if the main loop keeps running
 * while it works — a blocked UI thread would hang it (and the test would
 * fail at its deadline). Progress must reach the main thread, the
 * indicator must show it, and Cancel in the indicator must stop a job that
 * would otherwise run for minutes. */
#include "gui-util.h"
#include "em-window.h"
#include "em-job.h"
#include "em-jobs-indicator.h"

#define STEPS 60

static gboolean have_display;
static GThread *main_thread;
static gint ticks;

static gboolean
count_tick (gpointer data)
{
  g_atomic_int_inc (&ticks);
  return G_SOURCE_CONTINUE;
}

typedef struct {
  guint    steps;      /* 0: until cancelled */
  gboolean on_ui_thread; /* set if the function ever ran on the main thread */
} SlowData;

static gpointer
slow_func (EmJob *job, gpointer data, GCancellable *cancellable, GError **error)
{
  SlowData *d = data;
  guint limit = d->steps > 0 ? d->steps : G_MAXUINT;

  if (g_thread_self () == main_thread)
    d->on_ui_thread = TRUE;
  for (guint i = 0; i < limit; i++)
    {
      gint start = g_atomic_int_get (&ticks);
      g_autofree char *line = g_strdup_printf ("Step %u", i + 1);

      /* Wait for the main loop to tick once more, in small sleeps. */
      while (g_atomic_int_get (&ticks) == start)
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return NULL;
          g_usleep (1000);
        }
      em_job_report (job, d->steps > 0 ? (double) (i + 1) / d->steps : -1, line);
    }
  return g_strdup ("done");
}

typedef struct {
  guint    notifies;
  gboolean off_thread;
  double   max_fraction;
} Seen;

static void
fraction_cb (EmJob *job, GParamSpec *pspec, Seen *seen)
{
  seen->notifies++;
  if (g_thread_self () != main_thread)
    seen->off_thread = TRUE;
  seen->max_fraction = MAX (seen->max_fraction, em_job_get_fraction (job));
}

static gboolean
bar_moved (gpointer indicator_job)
{
  GtkWidget **pair = indicator_job;
  GtkWidget *row = em_jobs_indicator_get_row (EM_JOBS_INDICATOR (pair[0]), EM_JOB (pair[1]));
  GtkWidget *bar = row != NULL ? gui_find_widget (row, GTK_TYPE_PROGRESS_BAR) : NULL;

  return bar != NULL && gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (bar)) > 0;
}

static void
test_responsive (void)
{
  EmWindow *window;
  EmJobsIndicator *indicator;
  g_autoptr(EmJob) job = NULL;
  SlowData data = { STEPS, FALSE };
  Seen seen = { 0 };
  guint tick_id;
  gint ticks_before;
  gpointer pair[2];

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  window = em_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gui_wait_for (gui_window_drawn, window, 5000));
  indicator = em_window_get_jobs_indicator (window);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (indicator)));

  tick_id = g_timeout_add (5, count_tick, NULL);
  ticks_before = g_atomic_int_get (&ticks);
  job = em_job_new ("Slow job");
  g_signal_connect (job, "notify::fraction", G_CALLBACK (fraction_cb), &seen);
  em_job_run (job, slow_func, &data, NULL, g_free);
  em_window_add_job (window, job);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (indicator)));
  em_jobs_indicator_popup (indicator);

  pair[0] = indicator;
  pair[1] = job;
  g_assert_true (gui_wait_for (bar_moved, pair, 30000));
  gui_save_png (GTK_WIDGET (window), "jobs-running.png");
  /* The popover is a surface of its own: photograph it too. */
  gui_save_png (gui_find_widget (GTK_WIDGET (indicator), GTK_TYPE_POPOVER), "jobs-popover.png");
  g_assert_true (gui_wait_for (gui_job_done, job, 60000));
  g_source_remove (tick_id);

  g_assert_cmpint (em_job_get_state (job), ==, EM_JOB_STATE_SUCCEEDED);
  g_assert_cmpstr (em_job_get_result (job), ==, "done");
  g_assert_false (data.on_ui_thread);
  /* Every step waited for a tick: the loop ran at least STEPS times. */
  g_assert_cmpint (g_atomic_int_get (&ticks) - ticks_before, >=, STEPS);
  /* Progress arrived on the main thread, coalesced but complete. */
  g_assert_false (seen.off_thread);
  g_assert_cmpuint (seen.notifies, >, 0);
  g_assert_cmpfloat (em_job_get_fraction (job), ==, 1.0);
  g_assert_cmpstr (em_job_get_message (job), ==, "Step 60");
  {
    g_autoptr(GPtrArray) log = em_job_get_log (job);
    g_assert_cmpuint (log->len, ==, STEPS);
    g_assert_cmpstr (g_ptr_array_index (log, 0), ==, "Step 1");
  }
  /* Finished jobs leave the indicator, which hides. */
  g_assert_cmpuint (g_list_model_get_n_items (em_jobs_indicator_get_jobs (indicator)), ==, 0);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (indicator)));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
has_steps (gpointer job)
{
  return em_job_get_message (job) != NULL;
}

static void
test_cancel (void)
{
  EmWindow *window;
  EmJobsIndicator *indicator;
  g_autoptr(EmJob) job = NULL;
  SlowData data = { 0, FALSE }; /* runs until cancelled */
  GtkWidget *row, *button;
  guint tick_id;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  window = em_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gui_wait_for (gui_window_drawn, window, 5000));
  indicator = em_window_get_jobs_indicator (window);

  tick_id = g_timeout_add (5, count_tick, NULL);
  job = em_job_new ("Endless job");
  em_job_run (job, slow_func, &data, NULL, g_free);
  em_window_add_job (window, job);
  em_jobs_indicator_popup (indicator);
  g_assert_true (gui_wait_for (has_steps, job, 30000));
  gui_spin (50);
  gui_save_png (GTK_WIDGET (window), "jobs-endless.png");

  /* Cancel as a user would: the row's button. */
  row = em_jobs_indicator_get_row (indicator, job);
  g_assert_nonnull (row);
  button = gui_find_widget (row, GTK_TYPE_BUTTON);
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  g_assert_false (gtk_widget_get_sensitive (button));
  g_assert_true (gui_wait_for (gui_job_done, job, 30000));
  g_source_remove (tick_id);

  g_assert_cmpint (em_job_get_state (job), ==, EM_JOB_STATE_CANCELLED);
  g_assert_null (em_job_get_result (job));
  g_assert_true (g_error_matches (em_job_get_error (job), G_IO_ERROR, G_IO_ERROR_CANCELLED));
  g_assert_cmpuint (g_list_model_get_n_items (em_jobs_indicator_get_jobs (indicator)), ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Reports from many threads at once all arrive, in order per thread. */
static gpointer
reporter (gpointer job)
{
  for (guint i = 0; i < 1000; i++)
    em_job_report (job, i / 1000.0, NULL);
  return NULL;
}

static void
test_threaded_reports (void)
{
  g_autoptr(EmJob) job = em_job_new ("Reports");
  GThread *threads[4];

  em_job_start (job);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("reporter", reporter, job);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  em_job_log (job, "last words");
  em_job_complete (job, NULL, NULL, NULL);
  /* complete() drained the queue before "finished". */
  g_assert_cmpstr (em_job_get_message (job), ==, "last words");
  g_assert_cmpint (em_job_get_state (job), ==, EM_JOB_STATE_SUCCEEDED);
  g_assert_cmpfloat (em_job_get_fraction (job), ==, 1.0);
  /* The idle queued by the reports must not fire on a finished job badly. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpstr (em_job_get_message (job), ==, "last words");
}

int
main (int argc, char *argv[])
{
  main_thread = g_thread_self ();
  have_display = gui_init (&argc, &argv);

  g_test_add_func ("/gui/jobs/threaded-reports", test_threaded_reports);
  g_test_add_func ("/gui/jobs/responsive", test_responsive);
  g_test_add_func ("/gui/jobs/cancel", test_cancel);
  return g_test_run ();
}
