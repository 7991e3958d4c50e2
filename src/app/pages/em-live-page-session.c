/* SPDX-License-Identifier: Apache-2.0 */
/* The Live page's worker: talks to the board (em-live.h) off the UI
 * thread and hands results to the page through a one-slot mailbox. */
#include <math.h>
#include <glib/gi18n.h>

#include "em-live-page-private.h"
#include "em-error.h"
#include "em-firmware.h"
#include "em-impulse.h"
#include "em-live.h"
#include "em-windower.h"

void
em_live_shot_free (EmLiveShot *shot)
{
  if (shot == NULL)
    return;
  g_free (shot->window);
  g_free (shot->scores);
  g_strfreev (shot->labels);
  g_free (shot->sample_name);
  g_strfreev (shot->axes);
  g_free (shot->firmware);
  g_free (shot);
}

/* ---- mailbox ------------------------------------------------------------------------ */

struct _EmLiveMailbox
{
  gatomicrefcount  ref;
  GMutex           lock;
  GMainContext    *context;
  EmLiveShotFunc   deliver;
  gpointer         page;      /* NULL once detached */
  EmLiveShot      *result;    /* the newest result not shown yet */
  GQueue           notices;   /* "connected" messages, all delivered */
};

EmLiveMailbox *
em_live_mailbox_new (EmLiveShotFunc deliver, gpointer page)
{
  EmLiveMailbox *box = g_new0 (EmLiveMailbox, 1);

  g_atomic_ref_count_init (&box->ref);
  g_mutex_init (&box->lock);
  box->context = g_main_context_ref_thread_default ();
  box->deliver = deliver;
  box->page = page;
  g_queue_init (&box->notices);
  return box;
}

EmLiveMailbox *
em_live_mailbox_ref (EmLiveMailbox *box)
{
  g_atomic_ref_count_inc (&box->ref);
  return box;
}

void
em_live_mailbox_unref (EmLiveMailbox *box)
{
  if (!g_atomic_ref_count_dec (&box->ref))
    return;
  em_live_shot_free (box->result);
  g_queue_clear_full (&box->notices, (GDestroyNotify) em_live_shot_free);
  g_main_context_unref (box->context);
  g_mutex_clear (&box->lock);
  g_free (box);
}

void
em_live_mailbox_detach (EmLiveMailbox *box)
{
  g_mutex_lock (&box->lock);
  box->page = NULL;
  g_mutex_unlock (&box->lock);
}

static gboolean
drain (gpointer data)
{
  EmLiveMailbox *box = data;
  EmLiveShot *result, *notice;
  GQueue notices = G_QUEUE_INIT;
  gpointer page;

  g_mutex_lock (&box->lock);
  page = box->page;
  result = g_steal_pointer (&box->result);
  notices = box->notices;
  g_queue_init (&box->notices);
  g_mutex_unlock (&box->lock);
  /* Only the main context detaches, so @page stays valid here. */
  while ((notice = g_queue_pop_head (&notices)) != NULL)
    if (page != NULL)
      box->deliver (notice, page);
    else
      em_live_shot_free (notice);
  if (result != NULL && page != NULL)
    box->deliver (result, page);
  else
    em_live_shot_free (result);
  return G_SOURCE_REMOVE;
}

void
em_live_mailbox_post (EmLiveMailbox *box, EmLiveShot *shot)
{
  gboolean schedule;

  g_mutex_lock (&box->lock);
  /* One drain is enough for everything posted before it runs. */
  schedule = box->result == NULL && g_queue_is_empty (&box->notices);
  if (shot->window == NULL)
    g_queue_push_tail (&box->notices, shot);
  else
    {
      em_live_shot_free (box->result);
      box->result = shot;
    }
  g_mutex_unlock (&box->lock);
  if (schedule)
    g_main_context_invoke_full (box->context, G_PRIORITY_DEFAULT, drain, em_live_mailbox_ref (box),
                                (GDestroyNotify) em_live_mailbox_unref);
}

/* ---- session ------------------------------------------------------------------------- */

void
em_live_session_free (EmLiveSession *s)
{
  g_clear_object (&s->project);
  g_clear_pointer (&s->boards, g_ptr_array_unref);
  g_free (s->port);
  g_free (s->firmware);
  g_free (s->firmware_dir);
  g_clear_pointer (&s->mailbox, em_live_mailbox_unref);
  g_free (s);
}

/* Sleeps @ms unless cancelled first. */
static gboolean
pause_ms (guint ms, GCancellable *cancellable, GError **error)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      g_usleep (MIN (20000, MAX (end - g_get_monotonic_time (), 0)));
    }
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

static GArray *
testing_ids (EmProject *project, GError **error)
{
  EmSampleFilter filter;
  GArray *ids;

  em_sample_filter_init (&filter);
  filter.category = EM_CATEGORY_TESTING;
  filter.enabled = 1;
  if ((ids = em_project_list_ids (project, &filter, error)) == NULL)
    return NULL;
  if (ids->len == 0)
    {
      g_array_unref (ids);
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND,
                   _("%s has no enabled testing samples to stream to the board: move some to testing"),
                   em_project_get_name (project));
      return NULL;
    }
  return ids;
}

static EmLiveShot *
shot_new (EmSample *sample, GStrv input_axes, const EmSignal *signal, guint index, guint n_windows,
          const char * const *labels, const EmLiveResult *r)
{
  EmLiveShot *shot = g_new0 (EmLiveShot, 1);
  guint n = signal->info.n_frames * signal->info.n_axes;
  g_autoptr(GStrvBuilder) axes = g_strv_builder_new ();

  if (signal->info.width > 0)
    n = signal->info.width * signal->info.height * 3;
  shot->window = g_memdup2 (signal->data, (gsize) MAX (n, 1) * sizeof (float));
  shot->n_values = n;
  shot->scores = g_memdup2 (r->scores, (gsize) MAX (r->n_scores, 1) * sizeof (float));
  shot->n_scores = r->n_scores;
  shot->labels = g_strdupv ((char **) labels);
  shot->anomaly = r->anomaly;
  shot->dsp_ms = r->dsp_ms;
  shot->nn_ms = r->nn_ms;
  shot->sample_name = g_strdup (em_sample_get_name (sample));
  shot->window_index = index;
  shot->n_windows = n_windows;
  shot->kind = em_sample_get_kind (sample);
  shot->interval_ms = signal->info.frequency_hz > 0 ? 1000.0 / signal->info.frequency_hz
                                                    : em_sample_get_interval_ms (sample);
  /* The windower keeps the input's axes, in its order, when it names them. */
  if (input_axes != NULL)
    g_strv_builder_addv (axes, (const char **) input_axes);
  else
    for (guint a = 0; a < em_sample_get_n_axes (sample); a++)
      g_strv_builder_add (axes, em_sample_get_axis (sample, a)->name);
  shot->axes = g_strv_builder_end (axes);
  shot->n_frames = signal->info.n_frames;
  return shot;
}

/* A result of the sensor mode, with the window behind it. */
static EmLiveShot *
sensor_shot (EmLiveSensorResult *r, const char *source, guint n_windows, EmSample *template, char **axes,
             const char *const *labels, double frequency_hz, guint n_frames)
{
  EmLiveShot *shot = g_new0 (EmLiveShot, 1);

  shot->window = g_steal_pointer (&r->values);
  shot->n_values = r->n_values;
  shot->scores = g_memdup2 (r->result.scores, (gsize) MAX (r->result.n_scores, 1) * sizeof (float));
  shot->n_scores = r->result.n_scores;
  shot->labels = g_strdupv ((char **) labels);
  shot->anomaly = r->result.anomaly;
  shot->dsp_ms = r->result.dsp_ms;
  shot->nn_ms = r->result.nn_ms;
  shot->sample_name = g_strdup (source);
  shot->window_index = r->window;
  shot->n_windows = n_windows;
  shot->kind = em_sample_get_kind (template);
  shot->interval_ms = 1000.0 / frequency_hz;
  shot->axes = g_strdupv (axes);
  shot->n_frames = n_frames;
  return shot;
}

/* Results until @n_windows came (0: until cancelled), each posted. */
static gboolean
sensor_results (EmLiveSession *s, EmLive *live, const char *source, guint n_windows, EmSample *template,
                char **axes, const char *const *labels, double frequency_hz, GCancellable *cancellable,
                GError **error)
{
  guint timeout = 10000 + (guint) (1000.0 * em_live_get_window_frames (live) / frequency_hz);

  for (guint n = 0; n_windows == 0 || n < n_windows; n++)
    {
      EmLiveSensorResult r;

      if (!em_live_sensor_next (live, timeout, &r, cancellable, error))
        return FALSE;
      em_live_mailbox_post (s->mailbox, sensor_shot (&r, source, n_windows, template, axes, labels, frequency_hz,
                                                     em_live_get_window_frames (live)));
      em_live_sensor_result_clear (&r);
    }
  return TRUE;
}

/* The sensor mode: a real board's sensor until Stop; the emulated board's
 * simulated one fed each testing sample in turn, in real time, and said
 * to be simulated on screen. The board always leaves the sensor mode. */
static gpointer
sensor_session (EmJob *job, EmLiveSession *s, EmLive *live, EmImpulse *impulse, GArray *ids, EmSample *template,
                GCancellable *cancellable, GError **error)
{
  const char *const *labels = em_live_get_labels (live);
  double hz = em_live_get_frequency_hz (live);
  g_auto(GStrv) axes = NULL;
  gboolean ok = TRUE;

  if (impulse->input.axes != NULL)
    axes = g_strdupv (impulse->input.axes);
  else
    {
      g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
      for (guint a = 0; a < em_sample_get_n_axes (template); a++)
        g_strv_builder_add (b, em_sample_get_axis (template, a)->name);
      axes = g_strv_builder_end (b);
    }
  if (!(hz > 0))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED,
                   _("%s: the firmware has no sensor mode (protocol 1): deploy it again"), s->board->name);
      return NULL;
    }
  if (s->board->protocol != EM_BOARD_PROTOCOL_QEMU)
    {
      g_autofree char *source = NULL;

      if (!em_live_sensor_start (live, NULL, TRUE, cancellable, error))
        return NULL;
      source = g_strdup_printf (_("Sensor %s"), em_live_get_sensors (live)[0]);
      em_job_report (job, -1, source);
      sensor_results (s, live, source, 0, template, axes, labels, hz, cancellable, error);
      em_live_sensor_stop (live, NULL, NULL, NULL);
      return NULL;
    }
  for (guint i = 0, played = 0; ok; i = (i + 1) % ids->len)
    {
      g_autoptr(EmSample) sample = NULL;
      g_autofree float *frames = NULL;
      g_autofree char *source = NULL;
      guint n_frames = 0, n_windows;

      if ((sample = em_project_get_sample (s->project, g_array_index (ids, gint64, i), TRUE, error)) == NULL ||
          (frames = em_live_frames_from_sample (sample, (const char *const *) axes, hz, &n_frames, error)) == NULL)
        return NULL;
      if (i == ids->len - 1 && played == 0 && n_frames < em_live_get_window_frames (live))
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                       _("The testing samples of %s are all shorter than a window"), em_project_get_name (s->project));
          return NULL;
        }
      if (n_frames < em_live_get_window_frames (live))
        continue;
      played++;
      n_windows = (n_frames - em_live_get_window_frames (live)) / MAX (em_live_get_increase_frames (live), 1) + 1;
      /* TRANSLATORS: the emulated board's sensor is a recording played back */
      source = g_strdup_printf (_("Simulated sensor (played back from %s)"), em_sample_get_name (sample));
      em_job_report (job, -1, source);
      ok = em_live_sensor_start (live, NULL, TRUE, cancellable, error) &&
           em_live_playback_start (live, frames, n_frames, g_strv_length (axes), hz, 1.0, error) &&
           sensor_results (s, live, source, n_windows, sample, axes, labels, hz, cancellable, error);
      /* Not cancellable: the board must leave the sensor mode. */
      if (!em_live_sensor_stop (live, NULL, NULL, ok ? error : NULL))
        ok = FALSE;
    }
  return NULL;
}

gpointer
em_live_session_thread (EmJob *job, gpointer data, GCancellable *cancellable, GError **error)
{
  EmLiveSession *s = data;
  g_autoptr(EmLive) live = NULL;
  g_autoptr(EmImpulse) impulse = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(EmSample) template = NULL;
  g_autoptr(EmWindower) windower = NULL;
  const EmSignalInfo *info;
  const char * const *labels;
  EmLiveShot *hello;
  guint expected, sent = 0;

  if (s->firmware == NULL && s->board->protocol == EM_BOARD_PROTOCOL_QEMU)
    {
      em_job_report (job, -1, _("Building the firmware"));
      if (g_mkdir_with_parents (s->firmware_dir, 0755) != 0)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_IO, _("%s: cannot create the folder"), s->firmware_dir);
          return NULL;
        }
      s->firmware = em_firmware_build (s->project, s->board, s->firmware_dir, NULL, NULL, cancellable, error);
      if (s->firmware == NULL)
        return NULL;
    }
  em_job_report (job, -1, _("Connecting to the board"));
  if ((live = em_live_open (s->board, s->port, s->firmware, cancellable, error)) == NULL)
    return NULL;
  labels = em_live_get_labels (live);

  /* The testing samples, cut as the impulse cuts them. */
  if ((impulse = em_impulse_load (s->project, error)) == NULL || (ids = testing_ids (s->project, error)) == NULL ||
      (template = em_project_get_sample (s->project, g_array_index (ids, gint64, 0), FALSE, error)) == NULL ||
      (windower = em_windower_new (&impulse->input, NULL, template, error)) == NULL)
    return NULL;
  info = em_windower_get_info (windower);
  expected = info->width > 0 ? info->width * info->height * 3 : info->n_frames * info->n_axes;
  if (expected != em_live_get_window_size (live))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                   _("%s: the firmware takes %u values a window, the impulse cuts %u: deploy it again"),
                   s->board->name, em_live_get_window_size (live), expected);
      return NULL;
    }
  hello = g_new0 (EmLiveShot, 1);
  hello->labels = g_strdupv ((char **) labels);
  hello->firmware = g_strdup (s->firmware);
  em_live_mailbox_post (s->mailbox, hello);
  em_job_report (job, -1, _("Classifying"));
  if (s->use_sensor)
    return sensor_session (job, s, live, impulse, ids, template, cancellable, error);

  /* Round and round the testing set until Stop. */
  for (guint i = 0;; i = (i + 1) % ids->len)
    {
      g_autoptr(EmSample) sample = NULL;
      guint n_windows = 0;

      if ((sample = em_project_get_sample (s->project, g_array_index (ids, gint64, i), TRUE, error)) == NULL)
        return NULL;
      if (!em_windower_set_sample (windower, sample, &n_windows, error))
        return NULL;
      for (guint w = 0; w < n_windows; w++)
        {
          const EmSignal *signal = em_windower_get (windower, w);
          EmLiveResult result = { 0 };
          gint64 start = g_get_monotonic_time ();
          guint took_ms;

          if (!em_live_classify (live, signal->data, expected, &result, cancellable, error))
            return NULL;
          em_live_mailbox_post (s->mailbox, shot_new (sample, impulse->input.axes, signal, w, n_windows, labels, &result));
          em_live_result_clear (&result);
          sent++;
          took_ms = (guint) ((g_get_monotonic_time () - start) / 1000);
          if (!pause_ms (s->pace_ms > took_ms ? s->pace_ms - took_ms : 0, cancellable, error))
            return NULL;
        }
      if (i == ids->len - 1 && sent == 0)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                       _("The testing samples of %s are all shorter than a window"), em_project_get_name (s->project));
          return NULL;
        }
    }
}
