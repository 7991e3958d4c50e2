/* SPDX-License-Identifier: Apache-2.0 */
/* ember-cli live --sensor: the board samples its own sensor and classifies
 * every window increase (em-live-sensor.c). On the emulated board the
 * sensor is simulated: --playback plays a recorded signal into it, and the
 * output says so. --record LABEL stores the window behind every result as
 * a new training sample. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "em-cli.h"
#include "em-cli-live-sensor.h"
#include "em-error.h"
#include "em-import.h"

/* The signal to play: a sample id of the project, else a data file. */
static EmSample *
load_playback (EmProject *project, const char *what, char **description, GError **error)
{
  char *end = NULL;
  gint64 id = g_ascii_strtoll (what, &end, 10);

  if (end != what && *end == '\0' && id > 0)
    {
      EmSample *sample = em_project_get_sample (project, id, TRUE, error);
      if (sample != NULL)
        *description = g_strdup_printf ("sample %" G_GINT64_FORMAT " '%s'", id, em_sample_get_name (sample));
      return sample;
    }
  if (!g_file_test (what, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "--playback %s: no such sample id or file", what);
      return NULL;
    }
  {
    EmImportOptions options;
    g_autoptr(GPtrArray) samples = NULL;

    em_import_options_init (&options);
    options.label = "playback";
    if ((samples = em_import_read_file (what, &options, NULL, error)) == NULL)
      return NULL;
    if (samples->len == 0)
      {
        g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s: no signal in the file", what);
        return NULL;
      }
    *description = g_strdup_printf ("file %s", what);
    return g_object_ref (samples->pdata[0]);
  }
}

static gint64
record_window (EmProject *project, const EmCodegenImpulse *cg, const char *label, const EmLiveSensorResult *r,
               GError **error)
{
  g_autoptr(EmSample) sample = em_sample_new ();
  g_autofree char *name = g_strdup_printf ("%s.sensor.%" G_GINT64_FORMAT ".%u", label, g_get_real_time () / 1000,
                                           r->window);
  g_autofree float *values = g_memdup2 (r->values, (gsize) r->n_values * sizeof (float));
  gboolean audio = cg->input.input_kind == EM_INPUT_AUDIO;
  guint n_axes = cg->input.n_axes;

  /* The window is in the impulse's units: audio as 16-bit values. */
  for (guint i = 0; audio && i < r->n_values; i++)
    values[i] /= 32768.0f;
  em_sample_set_name (sample, name);
  em_sample_set_label (sample, label);
  em_sample_set_category (sample, EM_CATEGORY_TRAINING);
  em_sample_set_kind (sample, audio ? EM_SENSOR_AUDIO : EM_SENSOR_TIME_SERIES);
  em_sample_set_interval_ms (sample, 1000.0 / cg->input.frequency_hz);
  for (guint a = 0; a < n_axes; a++)
    em_sample_add_axis (sample, cg->axes[a], audio ? "wav" : "");
  em_sample_set_values (sample, values, r->n_values / n_axes);
  em_sample_set_source_format (sample, "board-sensor");
  return em_project_add_sample (project, sample, EM_ADD_FLAGS_ALLOW_DUPLICATE, error);
}

static void
print_result (EmLive *live, const EmLiveSensorResult *r, gint64 recorded, gboolean json)
{
  const char *const *labels = em_live_get_labels (live);
  const EmLiveResult *res = &r->result;
  guint top = 0;

  for (guint i = 1; i < res->n_scores; i++)
    if (res->scores[i] > res->scores[top])
      top = i;
  if (json)
    {
      printf ("{\"window\": %u, \"top\": %u, \"scores\": [", r->window, top);
      for (guint i = 0; i < res->n_scores; i++)
        printf (i > 0 ? ", %.9g" : "%.9g", (double) res->scores[i]);
      printf ("]");
      if (!isnan (res->anomaly))
        printf (", \"anomaly\": %.9g", res->anomaly);
      printf (", \"dsp_ms\": %.3f, \"nn_ms\": %.3f", res->dsp_ms, res->nn_ms);
      if (recorded > 0)
        printf (", \"recorded\": %" G_GINT64_FORMAT, recorded);
      printf ("}\n");
    }
  else
    {
      printf ("window %u: %s %.2f  [", r->window, res->n_scores > 0 ? labels[top] : "?",
              res->n_scores > 0 ? res->scores[top] : 0.0);
      for (guint i = 0; i < res->n_scores; i++)
        printf ("%s%s %.2f", i > 0 ? " " : "", labels[i], res->scores[i]);
      printf ("]");
      if (!isnan (res->anomaly))
        printf (" anomaly %.3f", res->anomaly);
      printf ("  DSP %.2f ms, NN %.2f ms", res->dsp_ms, res->nn_ms);
      if (recorded > 0)
        printf ("  recorded as sample %" G_GINT64_FORMAT, recorded);
      printf ("\n");
    }
  fflush (stdout);
}

gboolean
em_cli_live_sensor_run (EmLive *live, EmProject *project, const EmCodegenImpulse *cg, const EmBoard *board,
                        const EmCliLiveSensorOptions *o, GError **error)
{
  g_autoptr(EmSample) sample = NULL;
  g_autofree char *source = NULL;
  g_autofree float *frames = NULL;
  const char *const *sensors = em_live_get_sensors (live);
  const char *sensor = o->sensor != NULL ? o->sensor : sensors[0];
  guint n_frames = 0, expected = 0, n = 0, board_count = 0;
  gboolean emulated = board->protocol == EM_BOARD_PROTOCOL_QEMU, ok = TRUE;
  GError *local = NULL;

  /* Firmware without a sensor mode (protocol 1, or none on the board):
   * the start says so, before any signal is loaded. */
  if (sensors[0] == NULL)
    return em_live_sensor_start (live, o->sensor, FALSE, em_cli_cancellable (), error);
  if (emulated && o->playback == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                   "%s has no real sensor: its simulated sensor needs a signal, --playback SAMPLE_ID|FILE",
                   board->name);
      return FALSE;
    }
  if (!emulated && o->playback != NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                   "--playback is for the emulated board's simulated sensor; %s samples its own", board->name);
      return FALSE;
    }
  if (o->playback != NULL)
    {
      if ((sample = load_playback (project, o->playback, &source, error)) == NULL ||
          (frames = em_live_frames_from_sample (sample, (const char *const *) cg->axes, cg->input.frequency_hz,
                                                &n_frames, error)) == NULL)
        return FALSE;
      if (em_live_get_window_frames (live) > 0 && n_frames >= em_live_get_window_frames (live))
        expected = (n_frames - em_live_get_window_frames (live)) / MAX (em_live_get_increase_frames (live), 1) + 1;
      if (expected == 0)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                       "%s: %u frames, shorter than one window (%u frames): nothing to classify", source, n_frames,
                       em_live_get_window_frames (live));
          return FALSE;
        }
    }
  if (!em_live_sensor_start (live, sensor, o->record_label != NULL, em_cli_cancellable (), error))
    return FALSE;
  if (sample != NULL &&
      !em_live_playback_start (live, frames, n_frames, cg->input.n_axes, cg->input.frequency_hz, o->speed, error))
    {
      em_live_sensor_stop (live, NULL, NULL, NULL);
      return FALSE;
    }
  if (!o->json)
    {
      if (emulated)
        printf ("%s: simulated sensor (played back from %s, %u frames at %.6g Hz%s), %u windows to come\n",
                board->name, source, n_frames, cg->input.frequency_hz, o->speed == 1.0 ? ", real time" : "",
                expected);
      else
        printf ("%s: sensor %s at %.6g Hz, a window every %u frames\n", board->name, sensor,
                em_live_get_frequency_hz (live), em_live_get_increase_frames (live));
      fflush (stdout);
    }
  while ((o->limit == 0 || n < o->limit) && (expected == 0 || n < expected))
    {
      EmLiveSensorResult r;
      gint64 recorded = 0;
      /* A window increase at the slowest playback, plus the board's time. */
      guint timeout = 10000 + (guint) (o->speed > 0 ? 1000.0 * em_live_get_window_frames (live) /
                                                      (cg->input.frequency_hz * o->speed) : 0);

      if (!em_live_sensor_next (live, timeout, &r, em_cli_cancellable (), &local))
        {
          ok = FALSE;
          break;
        }
      if (o->record_label != NULL && r.values != NULL &&
          (recorded = record_window (project, cg, o->record_label, &r, &local)) <= 0)
        {
          em_live_sensor_result_clear (&r);
          ok = FALSE;
          break;
        }
      print_result (live, &r, recorded, o->json);
      em_live_sensor_result_clear (&r);
      n++;
    }
  /* Stop even when cancelled: the board must leave the sensor mode. */
  if (!em_live_sensor_stop (live, &board_count, NULL, ok ? &local : NULL))
    ok = FALSE;
  if (!ok)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (o->json)
    printf ("{\"summary\": true, \"windows\": %u, \"board_windows\": %u, \"sensor\": \"%s\", \"simulated\": %s}\n",
            n, board_count, sensor, emulated ? "true" : "false");
  else
    printf ("%u windows from the %s sensor; stopped (the board sent %u)\n", n,
            emulated ? "simulated" : sensor, board_count);
  return TRUE;
}
