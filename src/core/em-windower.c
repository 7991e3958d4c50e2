/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <string.h>
#include "em-error.h"
#include "em-windower.h"
#include "em-image-window.h"

struct _EmWindower
{
  EmInputConfig config;    /* shallow copy; strings owned below */
  GStrv         axes;      /* axis names in window order (time series) */
  EmSignalInfo  info;
  guint         window_frames;
  guint         stride_frames;
  float        *buffer;    /* one window */
  EmSignal      signal;
  /* current sample */
  EmSample     *sample;
  guint        *axis_index; /* window axis -> sample axis */
  guint64       n_frames;
  guint         n_windows;
  float         scale;
};

void
em_windower_free (EmWindower *self)
{
  if (self == NULL)
    return;
  g_strfreev (self->axes);
  g_free (self->config.crop_anchor);
  g_free (self->buffer);
  g_free (self->axis_index);
  g_clear_object (&self->sample);
  g_free (self);
}

EmWindower *
em_windower_new (const EmInputConfig *config, GStrv axes, EmSample *template, GError **error)
{
  g_autoptr(EmWindower) self = g_new0 (EmWindower, 1);
  gsize buffer_len;

  self->config = *config;
  self->config.axes = NULL;
  self->config.crop_anchor = g_strdup (config->crop_anchor);

  if (config->is_image)
    {
      if (config->width == 0 || config->height == 0)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, "input block: image size must not be 0");
          return NULL;
        }
      self->info.input_kind = EM_INPUT_IMAGE;
      self->info.n_frames = 1;
      self->info.n_axes = 3;
      self->info.width = config->width;
      self->info.height = config->height;
      buffer_len = (gsize) config->width * config->height * 3;
    }
  else
    {
      double hz = config->frequency_hz > 0 ? config->frequency_hz
                : template != NULL ? em_sample_get_frequency_hz (template) : 0;

      if (!(hz > 0))
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                       "input block: no sampling frequency set and no sample to take it from");
          return NULL;
        }
      if (axes != NULL)
        self->axes = g_strdupv (axes);
      else if (config->axes != NULL)
        self->axes = g_strdupv (config->axes);
      else if (template != NULL)
        {
          GStrvBuilder *b = g_strv_builder_new ();
          for (guint i = 0; i < em_sample_get_n_axes (template); i++)
            g_strv_builder_add (b, em_sample_get_axis (template, i)->name);
          self->axes = g_strv_builder_end (b);
          g_strv_builder_unref (b);
        }
      if (self->axes == NULL || self->axes[0] == NULL)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, "input block: no axes selected");
          return NULL;
        }
      self->window_frames = (guint) lround (config->window_size_ms * hz / 1000.0);
      self->stride_frames = MAX (1, (guint) lround (config->window_increase_ms * hz / 1000.0));
      if (self->window_frames == 0 || self->window_frames > 10000000)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                       "input block: a %.1f ms window at %.1f Hz holds no whole frame", config->window_size_ms, hz);
          return NULL;
        }
      self->config.frequency_hz = hz;
      self->info.input_kind = template != NULL && em_sample_get_kind (template) == EM_SENSOR_AUDIO
        ? EM_INPUT_AUDIO : EM_INPUT_TIME_SERIES;
      self->info.n_frames = self->window_frames;
      self->info.n_axes = g_strv_length (self->axes);
      self->info.frequency_hz = hz;
      buffer_len = (gsize) self->window_frames * self->info.n_axes;
    }
  self->buffer = g_new0 (float, buffer_len);
  self->signal.data = self->buffer;
  self->signal.info = self->info;
  return g_steal_pointer (&self);
}

const EmSignalInfo *
em_windower_get_info (EmWindower *self)
{
  return &self->info;
}

static gboolean
set_image (EmWindower *self, EmSample *sample, guint *n_windows, GError **error)
{
  if (em_sample_get_kind (sample) != EM_SENSOR_IMAGE)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                   "sample %s is %s data; this impulse takes images", em_sample_get_name (sample),
                   em_sensor_kind_to_string (em_sample_get_kind (sample)));
      return FALSE;
    }
  if (!em_image_window_fill (sample, &self->config, self->buffer, error))
    {
      g_prefix_error (error, "sample %s: ", em_sample_get_name (sample));
      return FALSE;
    }
  self->n_windows = 1;
  *n_windows = 1;
  return TRUE;
}

gboolean
em_windower_set_sample (EmWindower *self, EmSample *sample, guint *n_windows, GError **error)
{
  double hz;
  guint n_axes;

  *n_windows = 0;
  g_clear_object (&self->sample);
  self->n_windows = 0;
  if (self->config.is_image)
    return set_image (self, sample, n_windows, error);

  if (em_sample_get_kind (sample) == EM_SENSOR_IMAGE)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                   "sample %s is an image; this impulse takes time series", em_sample_get_name (sample));
      return FALSE;
    }
  hz = em_sample_get_frequency_hz (sample);
  /* Edge Impulse refuses mixed rates rather than resampling silently. */
  if (fabs (hz - self->config.frequency_hz) > 0.005 * self->config.frequency_hz)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                   "sample %s is sampled at %.6g Hz; the impulse expects %.6g Hz",
                   em_sample_get_name (sample), hz, self->config.frequency_hz);
      return FALSE;
    }
  n_axes = self->info.n_axes;
  g_free (self->axis_index);
  self->axis_index = g_new (guint, n_axes);
  for (guint a = 0; a < n_axes; a++)
    {
      gboolean found = FALSE;
      for (guint k = 0; k < em_sample_get_n_axes (sample) && !found; k++)
        if (g_strcmp0 (em_sample_get_axis (sample, k)->name, self->axes[a]) == 0)
          {
            self->axis_index[a] = k;
            found = TRUE;
          }
      if (!found)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "sample %s has no axis '%s'",
                       em_sample_get_name (sample), self->axes[a]);
          return FALSE;
        }
    }
  if (em_sample_get_values (sample, NULL) == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, "sample %s was loaded without its data",
                   em_sample_get_name (sample));
      return FALSE;
    }
  self->sample = g_object_ref (sample);
  self->n_frames = em_sample_get_n_frames (sample);
  /* Audio is stored in [-1, 1); the blocks work on 16-bit sample values. */
  self->scale = em_sample_get_kind (sample) == EM_SENSOR_AUDIO ? 32768.0f : 1.0f;
  if (self->n_frames >= self->window_frames)
    self->n_windows = (guint) ((self->n_frames - self->window_frames) / self->stride_frames + 1);
  else
    self->n_windows = self->config.zero_pad ? 1 : 0;
  *n_windows = self->n_windows;
  return TRUE;
}

const EmSignal *
em_windower_get (EmWindower *self, guint index)
{
  const float *values;
  guint n_axes = self->info.n_axes, sample_axes;
  guint64 start;

  g_return_val_if_fail (index < self->n_windows, NULL);
  if (self->config.is_image)
    return &self->signal;

  values = em_sample_get_values (self->sample, NULL);
  sample_axes = em_sample_get_n_axes (self->sample);
  start = (guint64) index * self->stride_frames;
  for (guint f = 0; f < self->window_frames; f++)
    for (guint a = 0; a < n_axes; a++)
      self->buffer[(gsize) f * n_axes + a] = start + f < self->n_frames
        ? values[(start + f) * sample_axes + self->axis_index[a]] * self->scale
        : 0.0f;
  return &self->signal;
}
