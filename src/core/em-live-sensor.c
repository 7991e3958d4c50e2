/* SPDX-License-Identifier: Apache-2.0 */
/* The sensor mode of the Ember firmware's protocol (version 2, documented
 * in codegen/targets/firmware/ember_firmware.c):
 *
 *   0x03 START_SENSOR sensor:u8 flags:u8  → 0x83 sensor, n_axes, rate, window_frames, increase_frames
 *   0x04 STOP                             → 0x84 windows:u32
 *   0x86 SENSOR_RESULT (unprompted)       window:u32 status:i32 dsp_us nn_us anomaly:f32 n:u16
 *                                         scores n × f32  n_raw:u32 raw n_raw × f32
 *
 * and the emulated board's simulated sensor: a thread that plays a
 * recorded signal into QEMU's UART1 (a Unix socket QEMU listens on), one
 * frame at a time, as port-mps2.c reads it:
 *
 *   0xA5 0x5A  n_axes × f32 LE  sum:u8 (of the value bytes)
 */
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#include "em-error.h"
#include "em-live-private.h"

#define START_MS 8000u
#define START_RETRY_MS 1000u

struct _EmLivePlayback {
  GThread          *thread;
  GSocketConnection *conn;
  GCancellable     *cancel;
  float            *frames;
  guint             n_frames, n_axes;
  double            rate_hz, speed;
  gint              sent;     /* atomic */
  gint              done;     /* atomic */
};

gboolean
em_live_parse_hello_v2 (EmLive *live, const char *s, const char *end)
{
  const guint8 *p = (const guint8 *) s;
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  guint n_sensors;

  if (end - s < 15)
    return FALSE;
  live->frequency_hz = em_live_get_f32 (p);
  live->window_frames = em_live_get_u32 (p + 4);
  live->increase_frames = em_live_get_u32 (p + 8);
  live->n_axes = p[12] | p[13] << 8;
  n_sensors = p[14];
  s += 15;
  live->sensor_max_axes = g_array_new (FALSE, FALSE, sizeof (guint8));
  for (guint i = 0; i < n_sensors; i++)
    {
      const char *z;
      guint8 max_axes;

      if (s >= end)
        return FALSE;
      max_axes = (guint8) *s++;
      if ((z = memchr (s, '\0', (gsize) (end - s))) == NULL)
        return FALSE;
      g_strv_builder_add (names, s);
      g_array_append_val (live->sensor_max_axes, max_axes);
      s = z + 1;
    }
  live->sensors = g_strv_builder_end (names);
  return TRUE;
}

const char *const *
em_live_get_sensors (EmLive *live)
{
  static const char *const none[] = { NULL };

  return live->sensors != NULL ? (const char *const *) live->sensors : none;
}

double
em_live_get_frequency_hz (EmLive *live)
{
  return live->frequency_hz;
}

guint
em_live_get_window_frames (EmLive *live)
{
  return live->window_frames;
}

guint
em_live_get_increase_frames (EmLive *live)
{
  return live->increase_frames;
}

guint
em_live_get_n_axes (EmLive *live)
{
  return live->n_axes;
}

/* The firmware's ERROR reply as "CODE text". */
static char *
error_text (GBytes *reply)
{
  gsize len;
  const char *p = g_bytes_get_data (reply, &len);

  return len > 1 ? g_strndup (p + 1, len - 1) : g_strdup ("no reason given");
}

gboolean
em_live_sensor_start (EmLive *live, const char *sensor, gboolean with_windows, GCancellable *cancellable,
                      GError **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&live->lock);
  g_autoptr(GBytes) reply = NULL;
  const char *const *sensors = em_live_get_sensors (live);
  guint8 payload[2], type = 0;
  guint index = 0;

  if (sensors[0] == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED,
                   "%s: the firmware has no sensor mode (%s): it is fed by the host only",
                   live->port_name, live->version < 2 ? "protocol 1: build and flash it again" : "no sensor on this board");
      return FALSE;
    }
  if (sensor != NULL)
    {
      while (sensors[index] != NULL && g_ascii_strcasecmp (sensors[index], sensor) != 0)
        index++;
      if (sensors[index] == NULL)
        {
          g_autofree char *known = g_strjoinv (", ", (char **) sensors);
          g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "%s: the firmware has no sensor '%s' (it has: %s)",
                       live->port_name, sensor, known);
          return FALSE;
        }
    }
  payload[0] = (guint8) index;
  payload[1] = with_windows ? 1u : 0u;
  if (!em_live_request (live, START_SENSOR, payload, 2, START_RETRY_MS, START_MS, &type, &reply, cancellable,
                        error))
    return FALSE;
  if (type == ERROR_REPLY)
    {
      g_autofree char *why = error_text (reply);
      g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "%s: the firmware cannot start the sensor %s: %s",
                   live->port_name, sensors[index], why);
      return FALSE;
    }
  if (type != SENSOR_STARTED || g_bytes_get_size (reply) < 15)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s: the firmware's answer to START_SENSOR is malformed",
                   live->port_name);
      return FALSE;
    }
  live->sensing = TRUE;
  return TRUE;
}

/* One SENSOR_RESULT payload into @out. */
static gboolean
parse_sensor_result (EmLive *live, GBytes *payload, EmLiveSensorResult *out, GError **error)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (payload, &len);
  guint n, n_raw;
  gint32 status;

  if (len < 22 || len < 22 + 4u * (n = p[20] | p[21] << 8) + 4u ||
      len != 22 + 4u * n + 4u + 4u * (gsize) (n_raw = em_live_get_u32 (p + 22 + 4 * n)))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s: the firmware's sensor result is malformed",
                   live->port_name);
      return FALSE;
    }
  out->window = em_live_get_u32 (p);
  if ((status = (gint32) em_live_get_u32 (p + 4)) != 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "%s: the impulse failed on the device (status %d) on window %u",
                   live->port_name, status, out->window);
      return FALSE;
    }
  out->result.dsp_ms = em_live_get_u32 (p + 8) / 1000.0;
  out->result.nn_ms = em_live_get_u32 (p + 12) / 1000.0;
  out->result.anomaly = (live->flags & 1u) ? em_live_get_f32 (p + 16) : NAN;
  out->result.n_scores = n;
  out->result.scores = g_new (float, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    out->result.scores[i] = em_live_get_f32 (p + 22 + 4 * i);
  if (n_raw > 0)
    {
      const guint8 *raw = p + 22 + 4 * n + 4;
      out->values = g_new (float, n_raw);
      out->n_values = n_raw;
      for (guint i = 0; i < n_raw; i++)
        out->values[i] = em_live_get_f32 (raw + 4 * i);
    }
  return TRUE;
}

gboolean
em_live_sensor_next (EmLive *live, guint timeout_ms, EmLiveSensorResult *out, GCancellable *cancellable,
                     GError **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&live->lock);
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  memset (out, 0, sizeof *out);
  out->result.anomaly = NAN;
  for (;;)
    {
      guint8 t, s;
      GBytes *p = NULL;

      while (em_live_take_frame (live->rx, &t, &s, &p))
        {
          g_autoptr(GBytes) payload = p;
          if (t == SENSOR_RESULT)
            return parse_sensor_result (live, payload, out, error);
          /* Anything else is a late answer to an earlier request. */
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (g_get_monotonic_time () >= deadline)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "%s: no result from the board's sensor in %.1f s",
                       live->port_name, timeout_ms / 1000.0);
          return FALSE;
        }
      if (!em_live_read_some (live, 50, error))
        return FALSE;
    }
}

void
em_live_sensor_result_clear (EmLiveSensorResult *result)
{
  em_live_result_clear (&result->result);
  g_clear_pointer (&result->values, g_free);
  result->n_values = 0;
}

gboolean
em_live_sensor_stop (EmLive *live, guint *n_windows, GCancellable *cancellable, GError **error)
{
  g_autoptr(GBytes) reply = NULL;
  guint8 type = 0;
  gboolean ok;

  /* The player first: the board stops reading UART1 once stopped. */
  em_live_playback_stop (live);
  g_mutex_lock (&live->lock);
  ok = em_live_request (live, STOP, NULL, 0, START_RETRY_MS, START_MS, &type, &reply, cancellable, error);
  live->sensing = FALSE;
  g_mutex_unlock (&live->lock);
  if (!ok)
    return FALSE;
  if (type != STOPPED || g_bytes_get_size (reply) < 4)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s: the firmware's answer to STOP is malformed",
                   live->port_name);
      return FALSE;
    }
  if (n_windows != NULL)
    *n_windows = em_live_get_u32 (g_bytes_get_data (reply, NULL));
  return TRUE;
}

/* --- the simulated sensor's player --------------------------------------- */

static gpointer
playback_thread (gpointer data)
{
  EmLivePlayback *pb = data;
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (pb->conn));
  gsize frame_len = 2 + 4 * (gsize) pb->n_axes + 1;
  g_autofree guint8 *frame = g_new (guint8, frame_len);
  gint64 t0 = g_get_monotonic_time ();

  for (guint f = 0; f < pb->n_frames; f++)
    {
      guint8 sum = 0;

      /* Real time: frame f leaves at t0 + f / rate (× 1 / speed). */
      if (pb->speed > 0)
        {
          gint64 due = t0 + (gint64) (f / (pb->rate_hz * pb->speed) * G_USEC_PER_SEC);
          gint64 now = g_get_monotonic_time ();
          if (due > now && g_cancellable_is_cancelled (pb->cancel) == FALSE)
            g_usleep ((gulong) (due - now));
        }
      frame[0] = 0xA5;
      frame[1] = 0x5A;
      for (guint a = 0; a < pb->n_axes; a++)
        {
          guint32 v;
          memcpy (&v, &pb->frames[(gsize) f * pb->n_axes + a], 4);
          v = GUINT32_TO_LE (v);
          memcpy (frame + 2 + 4 * a, &v, 4);
        }
      for (gsize i = 2; i < frame_len - 1; i++)
        sum = (guint8) (sum + frame[i]);
      frame[frame_len - 1] = sum;
      if (!g_output_stream_write_all (out, frame, frame_len, NULL, pb->cancel, NULL))
        return NULL;
      g_atomic_int_inc (&pb->sent);
    }
  g_atomic_int_set (&pb->done, 1);
  return NULL;
}

gboolean
em_live_playback_start (EmLive *live, const float *frames, guint n_frames, guint n_axes, double rate_hz,
                        double speed, GError **error)
{
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GError) local = NULL;
  EmLivePlayback *pb;

  if (live->sensor_socket == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED,
                   "%s: only the emulated board has a simulated sensor to play a signal into", live->board_name);
      return FALSE;
    }
  if (n_axes == 0 || n_axes > 16 || n_frames == 0 || !(rate_hz > 0) || speed < 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                   "%s: nothing to play back (%u frames of %u axes at %g Hz)", live->board_name, n_frames, n_axes,
                   rate_hz);
      return FALSE;
    }
  em_live_playback_stop (live);
  client = g_socket_client_new ();
  address = g_unix_socket_address_new (live->sensor_socket);
  pb = g_new0 (EmLivePlayback, 1);
  pb->conn = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, &local);
  if (pb->conn == NULL)
    {
      g_free (pb);
      g_set_error (error, EM_ERROR, EM_ERROR_IO, "%s: cannot reach the simulated sensor (QEMU's UART1 at %s): %s",
                   live->board_name, live->sensor_socket, local->message);
      return FALSE;
    }
  pb->cancel = g_cancellable_new ();
  pb->frames = g_memdup2 (frames, (gsize) n_frames * n_axes * sizeof (float));
  pb->n_frames = n_frames;
  pb->n_axes = n_axes;
  pb->rate_hz = rate_hz;
  pb->speed = speed;
  pb->thread = g_thread_new ("ember-playback", playback_thread, pb);
  live->playback = pb;
  return TRUE;
}

guint
em_live_playback_get_sent (EmLive *live, gboolean *done)
{
  EmLivePlayback *pb = live->playback;

  if (done != NULL)
    *done = pb != NULL && g_atomic_int_get (&pb->done);
  return pb != NULL ? (guint) g_atomic_int_get (&pb->sent) : 0;
}

void
em_live_playback_stop (EmLive *live)
{
  EmLivePlayback *pb = g_steal_pointer (&live->playback);

  if (pb == NULL)
    return;
  g_cancellable_cancel (pb->cancel);
  g_thread_join (pb->thread);
  g_io_stream_close (G_IO_STREAM (pb->conn), NULL, NULL);
  g_object_unref (pb->conn);
  g_object_unref (pb->cancel);
  g_free (pb->frames);
  g_free (pb);
}

void
em_live_sensor_free (EmLive *live)
{
  em_live_playback_stop (live);
  if (live->sensor_socket != NULL)
    g_unlink (live->sensor_socket);
  if (live->sensor_dir != NULL)
    g_rmdir (live->sensor_dir);
  g_clear_pointer (&live->sensor_socket, g_free);
  g_clear_pointer (&live->sensor_dir, g_free);
}

float *
em_live_frames_from_sample (EmSample *sample, const char *const *axes, double frequency_hz, guint *n_frames,
                            GError **error)
{
  guint n_axes = axes != NULL ? g_strv_length ((char **) axes) : 0;
  guint sample_axes = em_sample_get_n_axes (sample);
  guint64 frames = em_sample_get_n_frames (sample);
  const float *values = em_sample_get_values (sample, NULL);
  g_autofree guint *index = g_new0 (guint, MAX (n_axes, 1));
  float scale = em_sample_get_kind (sample) == EM_SENSOR_AUDIO ? 32768.0f : 1.0f;
  float *out;

  *n_frames = 0;
  if (em_sample_get_kind (sample) == EM_SENSOR_IMAGE || values == NULL || frames == 0 || n_axes == 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s: no signal to play back (%s)",
                   em_sample_get_name (sample), em_sample_get_kind (sample) == EM_SENSOR_IMAGE ? "an image"
                                                : "no values");
      return NULL;
    }
  if (frequency_hz > 0 && fabs (em_sample_get_frequency_hz (sample) - frequency_hz) > 0.005 * frequency_hz)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s: sampled at %.6g Hz; the impulse expects %.6g Hz",
                   em_sample_get_name (sample), em_sample_get_frequency_hz (sample), frequency_hz);
      return NULL;
    }
  for (guint a = 0; a < n_axes; a++)
    {
      guint k = 0;
      while (k < sample_axes && g_strcmp0 (em_sample_get_axis (sample, k)->name, axes[a]) != 0)
        k++;
      /* A single-axis signal (a WAV, a one-column CSV) feeds a single-axis impulse whatever its name. */
      if (k == sample_axes && n_axes == 1 && sample_axes == 1)
        k = 0;
      if (k == sample_axes)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s has no axis '%s'", em_sample_get_name (sample),
                       axes[a]);
          return NULL;
        }
      index[a] = k;
    }
  if (frames > G_MAXUINT / MAX (n_axes, 1))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s is too long to play back", em_sample_get_name (sample));
      return NULL;
    }
  out = g_new (float, (gsize) frames * n_axes);
  for (guint64 f = 0; f < frames; f++)
    for (guint a = 0; a < n_axes; a++)
      out[f * n_axes + a] = values[f * sample_axes + index[a]] * scale;
  *n_frames = (guint) frames;
  return out;
}
