/* SPDX-License-Identifier: Apache-2.0 */
/* Which window a measurement runs: a real one when the project has a
 * testing sample, since DSP code can take data-dependent paths (log of
 * zero, early exits) that a window of zeros would not show. */
#include "em-deploy-measure.h"
#include "em-windower.h"

/* The first window of the lowest-id enabled testing sample, copied into
 * @values; FALSE with no error when there is none (or it is shorter than a
 * window). */
static gboolean
testing_window (EmProject *project, EmImpulse *impulse, const EmDeployGather *gather, GArray **values,
                gint64 *sample_id, GError **error)
{
  g_autoptr(GPtrArray) samples = NULL;
  g_autoptr(EmWindower) windower = NULL;
  g_autoptr(EmSample) sample = NULL;
  const EmSignalInfo *info;
  const EmSignal *signal;
  EmSampleFilter filter;
  guint n_windows = 0;
  gsize n;

  em_sample_filter_init (&filter);
  filter.enabled = 1;
  filter.category = EM_CATEGORY_TESTING;
  filter.limit = 1;
  if ((samples = em_project_list_samples (project, &filter, error)) == NULL)
    return FALSE;
  if (samples->len == 0)
    return TRUE;
  if ((windower = em_windower_new (&impulse->input, gather->cg->axes, gather->template, error)) == NULL ||
      (sample = em_project_get_sample (project, em_sample_get_id (g_ptr_array_index (samples, 0)), TRUE,
                                       error)) == NULL ||
      !em_windower_set_sample (windower, sample, &n_windows, error))
    return FALSE;
  if (n_windows == 0 || (signal = em_windower_get (windower, 0)) == NULL)
    return TRUE;
  info = em_windower_get_info (windower);
  n = info->input_kind == EM_INPUT_IMAGE ? (gsize) info->width * info->height * 3
                                         : (gsize) info->n_frames * info->n_axes;
  *values = g_array_sized_new (FALSE, FALSE, sizeof (float), (guint) n);
  g_array_append_vals (*values, signal->data, (guint) n);
  *sample_id = em_sample_get_id (sample);
  return TRUE;
}

gboolean
em_deploy_measure (EmProject *project, EmImpulse *impulse, const EmDeployGather *gather,
                   EmCodegenProgressFunc progress, gpointer user_data, GCancellable *cancellable,
                   EmDeployMeasure *out, GError **error)
{
  return em_deploy_measure_build (project, impulse, gather, progress, user_data, cancellable, out, NULL, NULL,
                                  error);
}

gboolean
em_deploy_measure_build (EmProject *project, EmImpulse *impulse, const EmDeployGather *gather,
                         EmCodegenProgressFunc progress, gpointer user_data, GCancellable *cancellable,
                         EmDeployMeasure *out, EmCodegenSummary *summary, EmCodegenReport **report,
                         GError **error)
{
  g_autoptr(GArray) window = NULL;
  gint64 sample_id = 0;

  if (!testing_window (project, impulse, gather, &window, &sample_id, error))
    return FALSE;
  if (!em_codegen_measure_build (gather->cg, window != NULL ? (const float *) window->data : NULL,
                                 window != NULL ? window->len : 0, progress, user_data, cancellable,
                                 &out->insns, summary, report, error))
    return FALSE;
  out->sample_id = sample_id;
  return TRUE;
}

/* avr-gcc's -mmcu for the board's signature, as em-firmware.c picks it. */
static const char *
avr_mcu (const EmBoard *board)
{
  if (board->chip_id == 0x1E950F)
    return "atmega328p";
  if (board->chip_id == 0x1E9801)
    return "atmega2560";
  return NULL;
}

gboolean
em_deploy_measure_avr (EmProject *project, EmImpulse *impulse, const EmDeployGather *gather, const EmBoard *board,
                       EmCodegenProgressFunc progress, gpointer user_data, GCancellable *cancellable,
                       EmDeployMeasureAvr *out, GError **error)
{
  g_autoptr(GArray) window = NULL;
  gint64 sample_id = 0;
  const char *mcu = avr_mcu (board);

  if (g_strcmp0 (board->core, "avr") != 0 || mcu == NULL)
    {
      g_set_error (error, EM_CODEGEN_BUILD_ERROR, EM_CODEGEN_BUILD_ERROR_TOOLCHAIN,
                   "%s: Ember cannot simulate this MCU (AVR signature 0x%06X)", board->name, board->chip_id);
      return FALSE;
    }
  if (!testing_window (project, impulse, gather, &window, &sample_id, error) ||
      !em_codegen_measure_avr (gather->cg, mcu, board->clock_hz, board->flash - board->bootloader_size, board->ram,
                               window != NULL ? (const float *) window->data : NULL, window != NULL ? window->len : 0,
                               progress, user_data, cancellable, &out->cycles, error))
    return FALSE;
  out->sample_id = sample_id;
  out->clock_hz = board->clock_hz;
  return TRUE;
}

double
em_deploy_measure_avr_ms (const EmDeployMeasureAvr *measure, guint64 cycles)
{
  return measure->clock_hz > 0 ? (double) cycles / (double) measure->clock_hz * 1e3 : -1;
}

char *
em_deploy_measure_describe (const EmDeployMeasure *measure)
{
  g_autofree char *window = measure->sample_id > 0
    ? g_strdup_printf ("window 0 of testing sample %" G_GINT64_FORMAT, measure->sample_id)
    : g_strdup ("a window of zeros: the project has no testing sample");

  return g_strdup_printf ("DSP %" G_GUINT64_FORMAT ", NN %" G_GUINT64_FORMAT " (total %" G_GUINT64_FORMAT
                          ") instructions per window, measured on the emulated Cortex-M4F (%s)",
                          measure->insns.dsp, measure->insns.nn, measure->insns.total, window);
}
