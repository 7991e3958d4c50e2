/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include "em-capture.h"
#include "em-capture-private.h"
#include "em-error.h"
#include "em-image.h"

#define PIPELINE_PREFIX "pipeline:"
#define SINK_NAME "ember_sink"
#define HEAD_NAME "ember_head"
/* A live source that has not delivered for this long is treated as dead:
 * long enough for a slow USB microphone, short enough that a user is not
 * left wondering. Cameras get longer for their first frame because UVC
 * devices commonly take a second or more to start streaming. */
#define DATA_TIMEOUT_US (2 * G_USEC_PER_SEC)
#define CAMERA_START_TIMEOUT_US (5 * G_USEC_PER_SEC)
#define PULL_SLICE_NS (50 * GST_MSECOND)

gboolean
em_capture_ensure_gst (GError **error)
{
  static gsize done = 0;
  static gboolean ok = FALSE;
  static char *message = NULL;

  if (g_once_init_enter (&done))
    {
      GError *local = NULL;

      ok = gst_init_check (NULL, NULL, &local);
      if (!ok)
        message = g_strdup (local != NULL ? local->message : "unknown error");
      g_clear_error (&local);
      g_once_init_leave (&done, 1);
    }
  if (!ok)
    g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "GStreamer could not start: %s", message);
  return ok;
}

const char *
em_capture_kind_to_string (EmCaptureKind kind)
{
  return kind == EM_CAPTURE_VIDEO ? "camera" : "microphone";
}

/* --- running a pipeline ------------------------------------------------------- */

typedef struct {
  GstElement *pipeline;
  GstAppSink *sink;
  GstBus *bus;
  char *what; /* for messages: "microphone 'USB Audio'", "pipeline 'videotestsrc'" */
} Capture;

static void
capture_free (Capture *c)
{
  if (c->pipeline != NULL)
    gst_element_set_state (c->pipeline, GST_STATE_NULL);
  gst_clear_object (&c->sink);
  gst_clear_object (&c->bus);
  gst_clear_object (&c->pipeline);
  g_free (c->what);
  g_free (c);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Capture, capture_free)

/* The first error waiting on the bus, as "WHAT: message"; FALSE if none. */
static gboolean
take_bus_error (Capture *c, const char *doing, GError **error)
{
  g_autoptr(GstMessage) msg = gst_bus_pop_filtered (c->bus, GST_MESSAGE_ERROR);
  g_autoptr(GError) gerr = NULL;
  g_autofree char *debug = NULL;
  const char *detail;

  if (msg == NULL)
    return FALSE;
  gst_message_parse_error (msg, &gerr, &debug);
  /* The message is often generic ("Resource not found."); the last line of
   * the debug text usually names the file or device ("No such file ..."). */
  detail = debug != NULL ? strrchr (debug, '\n') : NULL;
  detail = detail != NULL ? detail + 1 : NULL;
  if (detail != NULL && *detail != '\0' && strlen (detail) < 200)
    g_set_error (error, EM_ERROR, EM_ERROR_IO, "%s %s: %s (%s)", doing, c->what,
                 gerr != NULL ? gerr->message : "unknown error", detail);
  else
    g_set_error (error, EM_ERROR, EM_ERROR_IO, "%s %s: %s", doing, c->what,
                 gerr != NULL ? gerr->message : "unknown error");
  return TRUE;
}

/* Build `<source> ! @tail` where @tail starts with an element named HEAD_NAME
 * and ends with an appsink named SINK_NAME, then start it. */
static Capture *
capture_start (EmCaptureKind kind, const char *device, const char *tail, GError **error)
{
  g_autoptr(Capture) c = g_new0 (Capture, 1);
  g_autoptr(GError) local = NULL;
  GstStateChangeReturn ret;

  if (!em_capture_ensure_gst (error))
    return NULL;
  if (device != NULL && g_str_has_prefix (device, PIPELINE_PREFIX))
    {
      const char *desc = device + strlen (PIPELINE_PREFIX);
      g_autofree char *full = g_strdup_printf ("%s ! %s", desc, tail);

      c->what = g_strdup_printf ("pipeline '%s'", desc);
      /* FATAL_ERRORS: otherwise a typo in a property gives a half-built
       * pipeline *and* an error. */
      c->pipeline = gst_parse_launch_full (full, NULL, GST_PARSE_FLAG_FATAL_ERRORS, &local);
      if (c->pipeline == NULL || local != NULL)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, "cannot use %s: %s", c->what,
                       local != NULL ? local->message : "not a pipeline");
          return NULL;
        }
    }
  else
    {
      g_autoptr(GstDevice) dev = em_capture_find_device (kind, device, error);
      g_autofree char *display = NULL;
      g_autoptr(GstElement) head = NULL;
      GstElement *src;

      if (dev == NULL)
        return NULL;
      display = gst_device_get_display_name (dev);
      c->what = g_strdup_printf ("%s '%s'", em_capture_kind_to_string (kind), display);
      c->pipeline = gst_parse_launch_full (tail, NULL, GST_PARSE_FLAG_FATAL_ERRORS, &local);
      if (c->pipeline == NULL || local != NULL)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "GStreamer is missing a plugin: %s",
                       local != NULL ? local->message : "?");
          return NULL;
        }
      src = gst_device_create_element (dev, NULL);
      if (src == NULL)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_IO, "cannot open %s", c->what);
          return NULL;
        }
      gst_bin_add (GST_BIN (c->pipeline), src);
      head = gst_bin_get_by_name (GST_BIN (c->pipeline), HEAD_NAME);
      if (!gst_element_link (src, head))
        {
          g_set_error (error, EM_ERROR, EM_ERROR_IO, "%s offers no format we can convert",
                       c->what);
          return NULL;
        }
    }
  c->sink = GST_APP_SINK (gst_bin_get_by_name (GST_BIN (c->pipeline), SINK_NAME));
  c->bus = gst_element_get_bus (c->pipeline);
  g_assert (c->sink != NULL);

  ret = gst_element_set_state (c->pipeline, GST_STATE_PLAYING);
  if (ret == GST_STATE_CHANGE_FAILURE)
    {
      if (!take_bus_error (c, "could not start", error))
        g_set_error (error, EM_ERROR, EM_ERROR_IO, "could not start %s", c->what);
      return NULL;
    }
  return g_steal_pointer (&c);
}

static gboolean
find_fake_source (const GValue *item, GValue *ret, gpointer data)
{
  GstElement *e = g_value_get_object (item);
  g_autofree char *name = gst_object_get_name (GST_OBJECT (e));

  if (g_str_has_prefix (name, "fake-auto-"))
    {
      g_value_set_boolean (ret, TRUE);
      return FALSE;
    }
  return TRUE;
}

/* autoaudiosrc / autovideosrc swap in a test source when they find no device
 * and only post a warning; catch it so nobody trains on a test tone. */
static gboolean
check_not_fake (Capture *c, GError **error)
{
  g_autoptr(GstIterator) it = gst_bin_iterate_recurse (GST_BIN (c->pipeline));
  GValue found = G_VALUE_INIT;
  gboolean fake;

  g_value_init (&found, G_TYPE_BOOLEAN);
  gst_iterator_fold (it, find_fake_source, &found, NULL);
  fake = g_value_get_boolean (&found);
  if (fake)
    g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND,
                 "%s found no real device and fell back to a test source", c->what);
  return !fake;
}

/* Next buffer, or NULL: error set, or *eos when the stream ended cleanly.
 * Never waits more than @timeout_us. */
static GstSample *
capture_pull (Capture *c, gint64 timeout_us, GCancellable *cancellable, gboolean *eos,
              GError **error)
{
  gint64 deadline = g_get_monotonic_time () + timeout_us;

  *eos = FALSE;
  for (;;)
    {
      GstSample *sample;

      if (g_cancellable_is_cancelled (cancellable))
        {
          g_set_error (error, EM_ERROR, EM_ERROR_CANCELLED, "capture cancelled");
          return NULL;
        }
      if (take_bus_error (c, "error from", error))
        return NULL;
      sample = gst_app_sink_try_pull_sample (c->sink, PULL_SLICE_NS);
      if (sample != NULL)
        return sample;
      if (gst_app_sink_is_eos (c->sink))
        {
          /* An error and EOS often arrive together; the error says more. */
          if (take_bus_error (c, "error from", error))
            return NULL;
          *eos = TRUE;
          return NULL;
        }
      if (g_get_monotonic_time () > deadline)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_IO,
                       "no data from %s within %.0f s: is it in use or muted?", c->what,
                       (double) timeout_us / G_USEC_PER_SEC);
          return NULL;
        }
    }
}

/* --- audio ------------------------------------------------------------------- */

EmSample *
em_capture_record_audio (const char *device, guint rate, guint length_ms,
                         EmProgressFunc progress, gpointer user_data,
                         GCancellable *cancellable, GError **error)
{
  g_autoptr(Capture) c = NULL;
  g_autofree char *tail = NULL;
  g_autofree float *values = NULL;
  g_autoptr(EmSample) sample = NULL;
  guint64 need, got = 0;
  gboolean checked_fake = FALSE;

  if (rate == 0)
    rate = 16000;
  if (rate < 1000 || rate > 192000)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                   "sample rate %u Hz is out of range (1000 to 192000)", rate);
      return NULL;
    }
  need = (guint64) rate * length_ms / 1000;
  if (need == 0 || length_ms > 3600 * 1000)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                   "recording length %u ms is out of range (at least one frame, at most 1 h)",
                   length_ms);
      return NULL;
    }
  /* A bounded appsink queue makes a fast non-live source (a file, a test
   * tone) wait for us instead of filling memory; a live device is far
   * slower than our copy loop, so it never blocks. */
  tail = g_strdup_printf ("audioconvert name=" HEAD_NAME " ! audioresample ! "
                          "audio/x-raw,format=F32LE,rate=%u,channels=1,layout=interleaved ! "
                          "appsink name=" SINK_NAME " sync=false max-buffers=64 drop=false",
                          rate);
  c = capture_start (EM_CAPTURE_AUDIO, device, tail, error);
  if (c == NULL)
    return NULL;

  values = g_new (float, need);
  while (got < need)
    {
      g_autoptr(GstSample) s = NULL;
      GstBuffer *buffer;
      GstMapInfo map;
      gboolean eos;
      guint64 n;

      s = capture_pull (c, DATA_TIMEOUT_US, cancellable, &eos, error);
      if (s == NULL && eos)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_IO,
                       "%s ended after %.0f ms of the %u ms asked for", c->what,
                       got * 1000.0 / rate, length_ms);
          return NULL;
        }
      if (s == NULL)
        return NULL;
      if (!checked_fake && !check_not_fake (c, error))
        return NULL;
      checked_fake = TRUE;
      buffer = gst_sample_get_buffer (s);
      if (buffer == NULL || !gst_buffer_map (buffer, &map, GST_MAP_READ))
        continue;
      n = MIN (map.size / sizeof (float), need - got);
      memcpy (values + got, map.data, n * sizeof (float));
      gst_buffer_unmap (buffer, &map);
      /* Float sources and resampling overshoot can go past full scale;
       * the sample format promises [-1, 1]. NaN becomes 0. */
      for (guint64 i = got; i < got + n; i++)
        {
          float v = values[i];
          values[i] = v >= -1.0f ? (v <= 1.0f ? v : 1.0f) : (v < -1.0f ? -1.0f : 0.0f);
        }
      got += n;
      if (progress != NULL)
        progress ((double) got / need, c->what, user_data);
    }

  sample = em_sample_new ();
  em_sample_set_kind (sample, EM_SENSOR_AUDIO);
  em_sample_set_interval_ms (sample, 1000.0 / rate);
  em_sample_add_axis (sample, "audio", "wav");
  em_sample_set_values (sample, values, need);
  em_sample_set_source_format (sample, "capture");
  em_sample_set_metadata (sample, "capture-device", device != NULL ? device : c->what);
  return g_steal_pointer (&sample);
}

/* --- camera ------------------------------------------------------------------ */

static EmSample *
frame_to_sample (GstSample *s, guint width, guint height, const char *device, GError **error)
{
  GstBuffer *buffer = gst_sample_get_buffer (s);
  /* GStreamer's default RGB layout pads each row to a multiple of 4 bytes. */
  gsize stride = GST_ROUND_UP_4 (width * 3);
  g_autofree guint8 *rgb = NULL;
  g_autoptr(GBytes) png = NULL;
  EmSample *sample;
  GstMapInfo map;

  if (buffer == NULL || !gst_buffer_map (buffer, &map, GST_MAP_READ))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_IO, "a camera frame could not be read");
      return NULL;
    }
  if (map.size < stride * (height - 1) + width * 3)
    {
      gst_buffer_unmap (buffer, &map);
      g_set_error (error, EM_ERROR, EM_ERROR_IO, "a camera frame is %" G_GSIZE_FORMAT
                   " bytes, too short for %u×%u RGB", map.size, width, height);
      return NULL;
    }
  rgb = g_malloc ((gsize) width * height * 3);
  for (guint y = 0; y < height; y++)
    memcpy (rgb + (gsize) y * width * 3, map.data + y * stride, width * 3);
  gst_buffer_unmap (buffer, &map);
  png = em_image_encode_png (rgb, width, height, error);
  if (png == NULL)
    return NULL;
  sample = em_sample_new ();
  em_sample_set_kind (sample, EM_SENSOR_IMAGE);
  em_sample_set_image_size (sample, width, height);
  em_sample_set_encoding (sample, EM_ENCODING_PNG);
  em_sample_set_data (sample, png);
  em_sample_set_source_format (sample, "capture");
  if (device != NULL)
    em_sample_set_metadata (sample, "capture-device", device);
  return sample;
}

/* Sleep until @until (monotonic µs), waking early on cancel. */
static gboolean
wait_until (gint64 until, GCancellable *cancellable, GError **error)
{
  while (g_get_monotonic_time () < until)
    {
      if (g_cancellable_is_cancelled (cancellable))
        {
          g_set_error (error, EM_ERROR, EM_ERROR_CANCELLED, "capture cancelled");
          return FALSE;
        }
      g_usleep (MIN (20000, until - g_get_monotonic_time () + 1));
    }
  return TRUE;
}

GPtrArray *
em_capture_grab_frames (const char *device, guint width, guint height,
                        guint count, guint interval_ms,
                        EmProgressFunc progress, gpointer user_data,
                        GCancellable *cancellable, GError **error)
{
  g_autoptr(Capture) c = NULL;
  g_autoptr(GPtrArray) frames = NULL;
  g_autofree char *tail = NULL;
  gint64 t0 = 0;

  if (width < 1 || height < 1 || width > 4096 || height > 4096)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                   "image size %u×%u is out of range (1 to 4096)", width, height);
      return NULL;
    }
  if (count < 1 || count > 100000)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                   "frame count %u is out of range (1 to 100000)", count);
      return NULL;
    }
  /* One buffer, newest kept: a frame taken after a pause is the current
   * picture, not one queued seconds ago. sync=true paces non-live test
   * sources to real time so waiting between frames does not spin. */
  tail = g_strdup_printf ("videoconvert name=" HEAD_NAME " ! videoscale add-borders=false ! "
                          "video/x-raw,format=RGB,width=%u,height=%u,pixel-aspect-ratio=1/1 ! "
                          "appsink name=" SINK_NAME " sync=true max-buffers=1 drop=true",
                          width, height);
  c = capture_start (EM_CAPTURE_VIDEO, device, tail, error);
  if (c == NULL)
    return NULL;

  frames = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < count; i++)
    {
      g_autoptr(GstSample) s = NULL;
      gint64 timeout = i == 0 ? CAMERA_START_TIMEOUT_US : DATA_TIMEOUT_US;
      gboolean eos;
      EmSample *frame;

      if (i > 0 && !wait_until (t0 + (gint64) i * interval_ms * 1000, cancellable, error))
        return NULL;
      s = capture_pull (c, timeout, cancellable, &eos, error);
      if (s == NULL && eos)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_IO, "%s ended after %u of %u frames",
                       c->what, i, count);
          return NULL;
        }
      if (s == NULL)
        return NULL;
      if (i == 0)
        {
          t0 = g_get_monotonic_time ();
          if (!check_not_fake (c, error))
            return NULL;
        }
      frame = frame_to_sample (s, width, height, device != NULL ? device : c->what, error);
      if (frame == NULL)
        return NULL;
      g_ptr_array_add (frames, frame);
      if (progress != NULL)
        progress ((double) (i + 1) / count, c->what, user_data);
    }
  return g_steal_pointer (&frames);
}
