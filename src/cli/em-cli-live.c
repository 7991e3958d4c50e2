/* SPDX-License-Identifier: Apache-2.0 */
/* ember-cli live PROJECT --board NAME: stream the project's windows to a
 * board running Ember firmware (em-live.c) and print the board's answers,
 * its own DSP and NN times, and the accuracy over the windows sent; or,
 * with --sensor, let the board classify its own sensor's signal
 * (em-cli-live-sensor.c). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>
#include "em-block-registry.h"
#include "em-board.h"
#include "em-cli.h"
#include "em-cli-live-sensor.h"
#include "em-deploy-gather.h"
#include "em-error.h"
#include "em-firmware.h"
#include "em-live.h"
#include "em-windower.h"

static const char live_help[] =
  "Sends raw windows of the project's samples (the testing set by default,\n"
  "--sample ID for one sample) to a board running Ember firmware ('ember-cli\n"
  "deploy --board NAME --flash') and prints what the board answers: the\n"
  "scores per label, the anomaly score when the impulse has one, and the DSP\n"
  "and inference times the board measured with its own timer, plus the round\n"
  "trip; at the end the accuracy against the samples' labels.\n"
  "\n"
  "The emulated board runs in qemu-system-arm: --firmware names its ELF, or\n"
  "without it the firmware is built first (in a temporary folder).\n"
  "--json prints one JSON object a window, then one with \"summary\": true;\n"
  "--limit N stops after N windows.\n"
  "\n"
  "--sensor[=NAME] switches the board to its own sensor (the first one, or\n"
  "NAME from 'ember-cli board show'): it samples at the impulse's frequency\n"
  "and sends a result every window increase, until --limit N windows or\n"
  "Ctrl-C. The emulated board has no sensor: its 'simulated' sensor is its\n"
  "second UART, into which --playback SAMPLE_ID|FILE (a project sample, or a\n"
  "WAV/CSV/JSON file) is played back in real time (--playback-speed X: X\n"
  "times real time, 0 as fast as the board reads); the output says so.\n"
  "--record LABEL stores the window behind every result as a training sample.\n"
  "\n"
  "Exit status: 0 done; 1 the board failed or stopped answering; 2 bad\n"
  "command line; 3 the firmware is not this project's (window size); 4 the\n"
  "project cannot be opened; 5 no such board or sample, no port, no\n"
  "toolchain; 130 cancelled.";

static gboolean sensor_mode;
static char *sensor_name;

static gboolean
parse_sensor (const char *option, const char *value, gpointer data, GError **error)
{
  sensor_mode = TRUE;
  g_free (sensor_name);
  sensor_name = g_strdup (value);
  return TRUE;
}

static int
fail (const GError *error)
{
  fprintf (stderr, "ember-cli: %s\n", error->message);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return EM_EXIT_CANCELLED;
  if (error->domain == EM_ERROR && error->code == EM_ERROR_NOT_FOUND)
    return EM_EXIT_NOT_FOUND;
  if (error->domain == EM_ERROR && (error->code == EM_ERROR_INVALID_ARGUMENT ||
                                    error->code == EM_ERROR_UNSUPPORTED || error->code == EM_ERROR_INVALID_DATA))
    return EM_EXIT_BAD_INPUT;
  return EM_EXIT_FAILURE;
}

static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
      const char *name;

      while (d != NULL && (name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

typedef struct {
  guint  limit;   /* 0 = all */
  guint  n, correct, labelled;
  double dsp_ms, nn_ms, rt_ms;
} Totals;

static gboolean
stream_sample (EmLive *live, EmProject *project, EmWindower *windower, gint64 id, gboolean json, Totals *t,
               GError **error)
{
  g_autoptr(EmSample) sample = em_project_get_sample (project, id, TRUE, error);
  const char *const *labels = em_live_get_labels (live);
  const char *label;
  guint n_windows = 0;

  if (sample == NULL || !em_windower_set_sample (windower, sample, &n_windows, error))
    return FALSE;
  label = em_sample_get_label (sample);
  for (guint w = 0; w < n_windows && (t->limit == 0 || t->n < t->limit); w++)
    {
      const EmSignal *signal = em_windower_get (windower, w);
      EmLiveResult r;
      gint64 start;
      double rt;
      guint n, top = 0;
      gboolean labelled;

      if (signal == NULL)
        continue;
      n = signal->info.input_kind == EM_INPUT_IMAGE ? signal->info.width * signal->info.height * 3
                                                    : signal->info.n_frames * signal->info.n_axes;
      start = g_get_monotonic_time ();
      if (!em_live_classify (live, signal->data, n, &r, em_cli_cancellable (), error))
        return FALSE;
      rt = (g_get_monotonic_time () - start) / 1000.0;
      for (guint i = 1; i < r.n_scores; i++)
        if (r.scores[i] > r.scores[top])
          top = i;
      labelled = label != NULL && g_strv_contains (labels, label);
      t->n++;
      t->labelled += labelled;
      t->correct += labelled && r.n_scores > 0 && g_strcmp0 (labels[top], label) == 0;
      t->dsp_ms += r.dsp_ms;
      t->nn_ms += r.nn_ms;
      t->rt_ms += rt;
      if (json)
        {
          printf ("{\"sample\": %" G_GINT64_FORMAT ", \"window\": %u, \"label\": ", id, w);
          if (label != NULL)
            {
              g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
              g_autofree char *text = NULL;
              json_node_set_string (node, label);
              text = json_to_string (node, FALSE);
              fputs (text, stdout);
            }
          else
            fputs ("null", stdout);
          printf (", \"top\": %u, \"scores\": [", top);
          for (guint i = 0; i < r.n_scores; i++)
            printf (i > 0 ? ", %.9g" : "%.9g", (double) r.scores[i]);
          printf ("]");
          if (!isnan (r.anomaly))
            printf (", \"anomaly\": %.9g", r.anomaly);
          printf (", \"dsp_ms\": %.3f, \"nn_ms\": %.3f, \"round_trip_ms\": %.3f}\n", r.dsp_ms, r.nn_ms, rt);
        }
      else
        {
          printf ("sample %" G_GINT64_FORMAT " window %u (%s): %s %.2f  [", id, w, label != NULL ? label : "-",
                  r.n_scores > 0 ? labels[top] : "?", r.n_scores > 0 ? r.scores[top] : 0.0);
          for (guint i = 0; i < r.n_scores; i++)
            printf ("%s%s %.2f", i > 0 ? " " : "", labels[i], r.scores[i]);
          printf ("]");
          if (!isnan (r.anomaly))
            printf (" anomaly %.3f", r.anomaly);
          printf ("  DSP %.2f ms, NN %.2f ms, round trip %.1f ms\n", r.dsp_ms, r.nn_ms, rt);
        }
      fflush (stdout);
      em_live_result_clear (&r);
    }
  return TRUE;
}

int
em_cli_live_main (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROJECT --board NAME - classify on a board, live");
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(EmImpulse) impulse = NULL;
  g_autoptr(EmDeployGather) gather = NULL;
  g_autoptr(GPtrArray) boards = NULL;
  g_autoptr(EmWindower) windower = NULL;
  g_autoptr(EmLive) live = NULL;
  g_autofree char *board_name = NULL, *port = NULL, *firmware = NULL, *block = NULL, *tmp = NULL;
  g_autofree char *playback = NULL, *record = NULL;
  double speed = 1.0;
  gint64 sample_id = -1;
  int limit = 0;
  gboolean testing = FALSE, json = FALSE, ok = TRUE;
  Totals t = { 0 };
  EmBoard *board;
  guint expected;
  int code = 0;
  GOptionEntry entries[] = {
    { "board", 0, 0, G_OPTION_ARG_STRING, &board_name, "Board id or name (see 'ember-cli board list')", "NAME" },
    { "port", 'p', 0, G_OPTION_ARG_FILENAME, &port, "Serial port (default: found by the board's USB id)", "P" },
    { "firmware", 0, 0, G_OPTION_ARG_FILENAME, &firmware, "Emulated board: the firmware ELF to run", "F" },
    { "testing", 0, 0, G_OPTION_ARG_NONE, &testing, "Stream the testing set (the default)", NULL },
    { "sample", 0, 0, G_OPTION_ARG_INT64, &sample_id, "Stream this sample's windows only", "ID" },
    { "limit", 'n', 0, G_OPTION_ARG_INT, &limit, "Send at most N windows", "N" },
    { "block", 'b', 0, G_OPTION_ARG_STRING, &block, "Learning block id (default: the first)", "ID" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "One JSON object a window, then a summary", NULL },
    { "sensor", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, parse_sensor,
      "Classify the board's own sensor (default: its first)", "NAME" },
    { "playback", 0, 0, G_OPTION_ARG_FILENAME, &playback,
      "Emulated board: play this sample id or file into its simulated sensor", "SAMPLE_OR_FILE" },
    { "playback-speed", 0, 0, G_OPTION_ARG_DOUBLE, &speed, "Playback pace, times real time (0: as fast as read)",
      "X" },
    { "record", 0, 0, G_OPTION_ARG_STRING, &record, "Sensor mode: store every window as a sample with LABEL",
      "LABEL" },
    { NULL }
  };

  sensor_mode = FALSE;
  g_clear_pointer (&sensor_name, g_free);
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_description (ctx, live_help);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return em_cli_usage ("live needs exactly one PROJECT");
  if (board_name == NULL)
    return em_cli_usage ("live needs --board NAME (see 'ember-cli board list')");
  if (testing && sample_id >= 0)
    return em_cli_usage ("--testing and --sample exclude each other");
  if (limit < 0)
    return em_cli_usage ("--limit must be 0 (all) or more");
  if (!sensor_mode && (playback != NULL || record != NULL))
    return em_cli_usage ("--playback and --record are for the sensor mode: add --sensor");
  if (sensor_mode && (testing || sample_id >= 0))
    return em_cli_usage ("--sensor takes its data from the board, not --testing or --sample");
  if (speed < 0 || !isfinite (speed))
    return em_cli_usage ("--playback-speed must be 0 or more");
  if (record != NULL && *record == '\0')
    return em_cli_usage ("--record needs a label");
  t.limit = (guint) limit;
  if ((boards = em_board_list (NULL, &error)) == NULL)
    return em_cli_fail (error);
  if ((board = em_board_find (boards, board_name, &error)) == NULL)
    return em_cli_usage ("%s", error->message);
  if (firmware != NULL && board->protocol != EM_BOARD_PROTOCOL_QEMU)
    return em_cli_usage ("--firmware is for the emulated board; flash a real one with 'deploy --board --flash'");
  if ((project = em_cli_open_project (argv[1], &code)) == NULL)
    return code;
  if ((impulse = em_impulse_load (project, &error)) == NULL)
    return em_cli_fail (error);
  /* The window layout the firmware takes is the generated library's. */
  if ((gather = em_deploy_gather (project, impulse, em_block_registry_get_default (), block, TRUE, 0.6f,
                                  &error)) == NULL ||
      (windower = em_windower_new (&impulse->input, gather->cg->axes, gather->template, &error)) == NULL)
    return em_cli_fail (error);
  expected = gather->cg->input.input_kind == EM_INPUT_IMAGE ? gather->cg->input.width * gather->cg->input.height * 3
                                                             : gather->cg->input.n_frames * gather->cg->input.n_axes;
  if (board->protocol == EM_BOARD_PROTOCOL_QEMU && firmware == NULL)
    {
      if ((tmp = g_dir_make_tmp ("ember-live-XXXXXX", &error)) == NULL ||
          (firmware = em_firmware_build_full (project, board, tmp, block, NULL, NULL, NULL, em_cli_cancellable (),
                                              &error)) == NULL)
        {
          code = fail (error);
          if (tmp != NULL)
            remove_tree (tmp);
          return code;
        }
    }
  live = em_live_open (board, port, firmware, em_cli_cancellable (), &error);
  if (live == NULL)
    {
      ok = FALSE;
      goto out;
    }
  if (em_live_get_window_size (live) != expected)
    {
      g_set_error (&error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                   "%s: the firmware takes %u values a window, %s's impulse %u: flash this project's firmware",
                   em_live_get_port (live), em_live_get_window_size (live), em_project_get_name (project), expected);
      ok = FALSE;
      goto out;
    }
  if (g_strcmp0 (em_live_get_model_version (live), gather->cg->model_version) != 0)
    fprintf (stderr, "ember-cli: warning: the firmware's model (%s) is not the project's current one (%s): "
             "deploy it again to compare\n", em_live_get_model_version (live), gather->cg->model_version);
  if (!json)
    printf ("%s on %s: firmware of '%s' (%s)\n", board->name, em_live_get_port (live),
            em_live_get_project_name (live), em_live_get_model_version (live));
  if (sensor_mode)
    {
      EmCliLiveSensorOptions so = { sensor_name, playback, speed, record, t.limit, json };
      ok = em_cli_live_sensor_run (live, project, gather->cg, board, &so, &error);
      goto out;
    }
  if (sample_id >= 0)
    ok = stream_sample (live, project, windower, sample_id, json, &t, &error);
  else
    {
      g_autoptr(GPtrArray) samples = NULL;
      EmSampleFilter filter;

      em_sample_filter_init (&filter);
      filter.enabled = 1;
      filter.category = EM_CATEGORY_TESTING;
      if ((samples = em_project_list_samples (project, &filter, &error)) == NULL)
        ok = FALSE;
      for (guint i = 0; ok && i < samples->len && (t.limit == 0 || t.n < t.limit); i++)
        ok = stream_sample (live, project, windower, em_sample_get_id (samples->pdata[i]), json, &t, &error);
    }
  if (ok)
    {
      double acc = t.labelled > 0 ? (double) t.correct / t.labelled : NAN;
      if (json)
        printf ("{\"summary\": true, \"windows\": %u, \"labelled\": %u, \"correct\": %u, \"accuracy\": %s%.4f%s, "
                "\"mean_dsp_ms\": %.3f, \"mean_nn_ms\": %.3f, \"mean_round_trip_ms\": %.3f}\n",
                t.n, t.labelled, t.correct, isnan (acc) ? "null" : "", isnan (acc) ? 0.0 : acc,
                isnan (acc) ? "" : "", t.n ? t.dsp_ms / t.n : 0.0, t.n ? t.nn_ms / t.n : 0.0,
                t.n ? t.rt_ms / t.n : 0.0);
      else
        printf ("%u windows: %u of %u labelled correct (%.1f %%); mean DSP %.2f ms, NN %.2f ms, round trip %.1f ms\n",
                t.n, t.correct, t.labelled, isnan (acc) ? 0.0 : 100 * acc, t.n ? t.dsp_ms / t.n : 0.0,
                t.n ? t.nn_ms / t.n : 0.0, t.n ? t.rt_ms / t.n : 0.0);
    }

out:
  g_clear_pointer (&live, em_live_close);
  g_clear_pointer (&sensor_name, g_free);
  if (tmp != NULL)
    remove_tree (tmp);
  return ok ? EM_EXIT_OK : fail (error);
}
