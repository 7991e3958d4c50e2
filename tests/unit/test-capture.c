/* SPDX-License-Identifier: Apache-2.0 */
/* Capture through GStreamer with "pipeline:" test sources: the machines
 * that run these tests have no microphone or camera, which also lets us
 * check the "no device" error. */
#include <math.h>
#include <string.h>
#include <gst/gst.h>
#include "em-capture.h"
#include "em-error.h"
#include "em-image.h"
#include "em-wav.h"
#include "test-util.h"

/* Frequency from zero crossings: robust and plenty for a pure tone. */
static double
dominant_hz (const float *v, guint64 n, guint rate)
{
  guint64 crossings = 0;

  for (guint64 i = 1; i < n; i++)
    if ((v[i - 1] < 0) != (v[i] < 0))
      crossings++;
  return crossings / 2.0 / ((double) n / rate);
}

static void
check_tone (EmSample *s, guint rate, guint64 frames, double hz)
{
  const float *v;
  guint64 n;
  float peak = 0;

  g_assert_cmpint (em_sample_get_kind (s), ==, EM_SENSOR_AUDIO);
  g_assert_cmpuint (em_sample_get_n_frames (s), ==, frames);
  g_assert_cmpuint (em_sample_get_n_axes (s), ==, 1);
  g_assert_cmpstr (em_sample_get_axis (s, 0)->name, ==, "audio");
  g_assert_cmpstr (em_sample_get_axis (s, 0)->units, ==, "wav");
  g_assert_cmpstr (em_sample_get_source_format (s), ==, "capture");
  g_assert_cmpfloat_with_epsilon (em_sample_get_interval_ms (s), 1000.0 / rate, 1e-9);
  v = em_sample_get_values (s, &n);
  g_assert_nonnull (v);
  g_assert_cmpuint (n, ==, frames);
  for (guint64 i = 0; i < n; i++)
    {
      g_assert_true (v[i] >= -1.0f && v[i] <= 1.0f);
      peak = MAX (peak, fabsf (v[i]));
    }
  g_assert_cmpfloat (peak, >, 0.1);
  g_assert_cmpfloat_with_epsilon (dominant_hz (v, n, rate), hz, hz * 0.02 + 4);
}

static void
count_progress (double fraction, const char *what, gpointer data)
{
  double *last = data;
  g_assert_cmpfloat (fraction, >=, *last);
  *last = fraction;
}

static void
test_audio_sine (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmSample) s = NULL;
  double last = 0;

  s = em_capture_record_audio ("pipeline:audiotestsrc wave=sine freq=1000", 16000, 500,
                               count_progress, &last, NULL, &error);
  g_assert_no_error (error);
  check_tone (s, 16000, 8000, 1000);
  g_assert_cmpfloat (last, ==, 1.0);
}

static void
test_audio_rate_8000 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmSample) s = NULL;

  s = em_capture_record_audio ("pipeline:audiotestsrc wave=sine freq=440", 8000, 250,
                               NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  check_tone (s, 8000, 2000, 440);
}

static EmSample *
tone_sample (guint rate, guint64 n, double hz)
{
  g_autofree float *v = g_new (float, n);
  EmSample *s = em_sample_new ();

  for (guint64 i = 0; i < n; i++)
    v[i] = 0.5f * (float) sin (2 * G_PI * hz * i / rate);
  em_sample_set_kind (s, EM_SENSOR_AUDIO);
  em_sample_set_interval_ms (s, 1000.0 / rate);
  em_sample_add_axis (s, "audio", "wav");
  em_sample_set_values (s, v, n);
  return s;
}

static char *
write_tone_wav (guint rate, guint64 n, double hz)
{
  g_autofree char *dir = em_test_make_tmpdir ();
  g_autoptr(EmSample) s = tone_sample (rate, n, hz);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) wav = em_wav_write (s, "wav:pcm16", &error);
  char *path = g_build_filename (dir, "tone.wav", NULL);

  g_assert_no_error (error);
  em_test_write_file (path, g_bytes_get_data (wav, NULL), g_bytes_get_size (wav));
  return path;
}

static void
test_audio_wav_file (void)
{
  /* 44.1 kHz in, 16 kHz out: the resampler is in the path. */
  g_autofree char *path = write_tone_wav (44100, 44100, 500);
  g_autofree char *dev = g_strdup_printf ("pipeline:filesrc location=%s ! wavparse", path);
  g_autoptr(GError) error = NULL;
  g_autoptr(EmSample) s = NULL;

  s = em_capture_record_audio (dev, 16000, 800, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  check_tone (s, 16000, 12800, 500);
}

static void
test_audio_wav_too_short (void)
{
  g_autofree char *path = write_tone_wav (16000, 1600, 500);
  g_autofree char *dev = g_strdup_printf ("pipeline:filesrc location=%s ! wavparse", path);
  g_autoptr(GError) error = NULL;
  g_autoptr(EmSample) s = NULL;

  s = em_capture_record_audio (dev, 16000, 1000, NULL, NULL, NULL, &error);
  g_assert_null (s);
  g_assert_error (error, EM_ERROR, EM_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "ended after 100 ms"));
}

static void
test_audio_no_device (void)
{
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EmSample) s = NULL;
  gint64 t0 = g_get_monotonic_time ();

  devices = em_capture_list_devices (EM_CAPTURE_AUDIO, &error);
  g_assert_no_error (error);
  if (devices->len > 0)
    {
      g_test_skip ("this machine has a microphone");
      return;
    }
  s = em_capture_record_audio (NULL, 16000, 500, NULL, NULL, NULL, &error);
  g_assert_null (s);
  g_assert_error (error, EM_ERROR, EM_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==,
                   "no microphone found: connect one or check your sound settings");
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 5 * G_USEC_PER_SEC);
  g_clear_error (&error);

  s = em_capture_record_audio ("USB Mic 3000", 16000, 500, NULL, NULL, NULL, &error);
  g_assert_error (error, EM_ERROR, EM_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "'USB Mic 3000'"));
}

static void
test_audio_bad_pipelines (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmSample) s = NULL;

  s = em_capture_record_audio ("pipeline:filesrc location=/nonexistent/x.wav ! wavparse",
                               16000, 500, NULL, NULL, NULL, &error);
  g_assert_null (s);
  g_assert_error (error, EM_ERROR, EM_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "/nonexistent/x.wav"));
  g_clear_error (&error);

  s = em_capture_record_audio ("pipeline:nosuchelement123", 16000, 500, NULL, NULL, NULL, &error);
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  s = em_capture_record_audio ("pipeline:audiotestsrc nosuchproperty=1", 16000, 500,
                               NULL, NULL, NULL, &error);
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Video into an audio chain cannot link. */
  s = em_capture_record_audio ("pipeline:videotestsrc", 16000, 500, NULL, NULL, NULL, &error);
  g_assert_nonnull (error);
  g_clear_error (&error);

  s = em_capture_record_audio ("pipeline:audiotestsrc", 16000, 0, NULL, NULL, NULL, &error);
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  s = em_capture_record_audio ("pipeline:audiotestsrc", 50, 500, NULL, NULL, NULL, &error);
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
}

static void
test_audio_silent_source (void)
{
  /* A live source that never produces must time out, not hang. */
  g_autoptr(GError) error = NULL;
  g_autoptr(EmSample) s = NULL;
  gint64 t0 = g_get_monotonic_time ();

  s = em_capture_record_audio ("pipeline:appsrc is-live=true format=time "
                               "caps=audio/x-raw,format=S16LE,rate=16000,channels=1,"
                               "layout=interleaved",
                               16000, 500, NULL, NULL, NULL, &error);
  g_assert_null (s);
  g_assert_error (error, EM_ERROR, EM_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "no data"));
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 4 * G_USEC_PER_SEC);
}

static void
test_audio_autoaudiosrc_refused (void)
{
  g_autoptr(GPtrArray) devices = em_capture_list_devices (EM_CAPTURE_AUDIO, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(EmSample) s = NULL;

  if (devices->len > 0)
    {
      g_test_skip ("this machine has a microphone");
      return;
    }
  s = em_capture_record_audio ("pipeline:autoaudiosrc", 16000, 200, NULL, NULL, NULL, &error);
  g_assert_null (s);
  g_assert_nonnull (error);
}

static gboolean
cancel_soon (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static gpointer
cancel_thread (gpointer data)
{
  g_usleep (200000);
  cancel_soon (data);
  return NULL;
}

static void
test_audio_cancel (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(EmSample) s = NULL;
  GThread *t;
  gint64 t0 = g_get_monotonic_time ();

  /* is-live paces the tone to real time, so 60 s would take 60 s. */
  t = g_thread_new ("cancel", cancel_thread, cancellable);
  s = em_capture_record_audio ("pipeline:audiotestsrc is-live=true", 16000, 60000,
                               NULL, NULL, cancellable, &error);
  g_thread_join (t);
  g_assert_null (s);
  g_assert_error (error, EM_ERROR, EM_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 3 * G_USEC_PER_SEC);
}

static void
test_camera_red (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) frames = NULL;
  g_autofree guint8 *rgb = NULL;
  guint w = 0, h = 0;
  EmSample *s;

  /* 30 px wide: the RGB rows are padded to 92 bytes, not 90. */
  frames = em_capture_grab_frames ("pipeline:videotestsrc pattern=red", 30, 24, 1, 0,
                                   NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (frames->len, ==, 1);
  s = frames->pdata[0];
  g_assert_cmpint (em_sample_get_kind (s), ==, EM_SENSOR_IMAGE);
  g_assert_cmpint (em_sample_get_encoding (s), ==, EM_ENCODING_PNG);
  g_assert_cmpuint (em_sample_get_width (s), ==, 30);
  g_assert_cmpuint (em_sample_get_height (s), ==, 24);
  rgb = em_image_decode_rgb (s, &w, &h, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (w, ==, 30);
  g_assert_cmpuint (h, ==, 24);
  for (guint i = 0; i < w * h; i++)
    {
      g_assert_cmpuint (rgb[i * 3], >, 230);
      g_assert_cmpuint (rgb[i * 3 + 1], <, 25);
      g_assert_cmpuint (rgb[i * 3 + 2], <, 25);
    }
}

static void
test_camera_burst (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) frames = NULL;
  gint64 t0 = g_get_monotonic_time ();
  double last = 0;

  frames = em_capture_grab_frames ("pipeline:videotestsrc pattern=ball", 32, 32, 3, 100,
                                   count_progress, &last, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (frames->len, ==, 3);
  /* Two waits of 100 ms between three frames. */
  g_assert_cmpint (g_get_monotonic_time () - t0, >=, 200000);
  g_assert_cmpfloat (last, ==, 1.0);
  /* The ball moves: frames taken apart differ. */
  g_assert_cmpstr (em_sample_get_hash (frames->pdata[0]), !=,
                   em_sample_get_hash (frames->pdata[2]));
}

static void
test_camera_errors (void)
{
  g_autoptr(GPtrArray) devices = em_capture_list_devices (EM_CAPTURE_VIDEO, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) frames = NULL;

  frames = em_capture_grab_frames ("pipeline:videotestsrc num-buffers=1", 16, 16, 3, 10,
                                   NULL, NULL, NULL, &error);
  g_assert_null (frames);
  g_assert_error (error, EM_ERROR, EM_ERROR_IO);
  g_clear_error (&error);

  frames = em_capture_grab_frames ("pipeline:videotestsrc", 0, 16, 1, 0, NULL, NULL, NULL, &error);
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  if (devices->len == 0)
    {
      frames = em_capture_grab_frames (NULL, 16, 16, 1, 0, NULL, NULL, NULL, &error);
      g_assert_error (error, EM_ERROR, EM_ERROR_NOT_FOUND);
      g_assert_nonnull (strstr (error->message, "no camera found"));
    }
}

static void
test_monitor (void)
{
  g_autoptr(EmCaptureMonitor) monitor = em_capture_monitor_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) audio = NULL;

  g_assert_true (em_capture_monitor_start (monitor, &error));
  g_assert_no_error (error);
  audio = em_capture_monitor_get_devices (monitor, EM_CAPTURE_AUDIO);
  g_assert_nonnull (audio);
  em_capture_monitor_stop (monitor);
}

/* --- a fake device provider ----------------------------------------------------
 * Stands in for PulseAudio / V4L2 so the device path (listing, the default
 * device, gst_device_create_element, hot-plug) runs without hardware. Its
 * devices are test sources; it only has them while fake_present is set. */

static gboolean fake_present;

#define FAKE_TYPE_DEVICE (fake_device_get_type ())
G_DECLARE_FINAL_TYPE (FakeDevice, fake_device, FAKE, DEVICE, GstDevice)
struct _FakeDevice { GstDevice parent; gboolean video, monitor; };
G_DEFINE_TYPE (FakeDevice, fake_device, GST_TYPE_DEVICE)

static GstElement *
fake_device_create_element (GstDevice *device, const char *name)
{
  GstElement *e;

  if (FAKE_DEVICE (device)->video)
    {
      e = gst_element_factory_make ("videotestsrc", name);
      gst_util_set_object_arg (G_OBJECT (e), "pattern", "red");
    }
  else
    {
      e = gst_element_factory_make ("audiotestsrc", name);
      /* A different tone from the monitor source shows which one was used. */
      g_object_set (e, "freq", FAKE_DEVICE (device)->monitor ? 300.0 : 1000.0, NULL);
    }
  return e;
}

static void
fake_device_class_init (FakeDeviceClass *klass)
{
  GST_DEVICE_CLASS (klass)->create_element = fake_device_create_element;
}

static void
fake_device_init (FakeDevice *self)
{
}

static GstDevice *
fake_device_new_full (gboolean video, const char *node, const char *display, gboolean monitor)
{
  g_autoptr(GstCaps) caps = gst_caps_from_string (video ? "video/x-raw,format=I420,width=320,height=240"
                                                        : "audio/x-raw,format=S16LE,rate=48000,channels=2");
  g_autoptr(GstStructure) props = gst_structure_new ("props", "node.name", G_TYPE_STRING, node,
                                                     "device.class", G_TYPE_STRING,
                                                     monitor ? "monitor" : "sound", NULL);
  FakeDevice *d = g_object_new (FAKE_TYPE_DEVICE, "display-name", display,
                                "device-class", video ? "Video/Source" : "Audio/Source",
                                "caps", caps, "properties", props, NULL);
  d->video = video;
  d->monitor = monitor;
  return GST_DEVICE (d);
}

static GstDevice *
fake_device_new (gboolean video, const char *node)
{
  return fake_device_new_full (video, node, video ? "Ember Test Camera" : "Ember Test Mic", FALSE);
}

#define FAKE_TYPE_PROVIDER (fake_provider_get_type ())
G_DECLARE_FINAL_TYPE (FakeProvider, fake_provider, FAKE, PROVIDER, GstDeviceProvider)
struct _FakeProvider { GstDeviceProvider parent; };
G_DEFINE_TYPE (FakeProvider, fake_provider, GST_TYPE_DEVICE_PROVIDER)

static GList *
fake_provider_probe (GstDeviceProvider *provider)
{
  GList *list = NULL;

  if (fake_present)
    {
      /* A "monitor" source first: the default must skip it. */
      list = g_list_append (list, fake_device_new_full (FALSE, "ember-test-monitor",
                                                        "Monitor of Speakers", TRUE));
      list = g_list_append (list, fake_device_new (FALSE, "ember-test-mic"));
      list = g_list_append (list, fake_device_new (TRUE, "ember-test-cam"));
    }
  return list;
}

static gboolean
fake_provider_start (GstDeviceProvider *provider)
{
  return TRUE;
}

/* Called with the provider's lock held, so devices added by a test are
 * removed by that test, not here. */
static void
fake_provider_stop (GstDeviceProvider *provider)
{
}

static void
fake_provider_class_init (FakeProviderClass *klass)
{
  GstDeviceProviderClass *pc = GST_DEVICE_PROVIDER_CLASS (klass);

  pc->probe = fake_provider_probe;
  pc->start = fake_provider_start;
  pc->stop = fake_provider_stop;
  gst_device_provider_class_set_static_metadata (pc, "Ember test devices", "Source/Audio/Video",
                                                 "Test sources posing as devices", "Ember");
}

static void
fake_provider_init (FakeProvider *self)
{
}

static gboolean
fake_plugin_init (GstPlugin *plugin)
{
  return gst_device_provider_register (plugin, "embertestdevices", GST_RANK_PRIMARY,
                                       FAKE_TYPE_PROVIDER);
}

static void
test_fake_devices (void)
{
  g_autoptr(GPtrArray) mics = NULL;
  g_autoptr(GPtrArray) cams = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EmSample) s = NULL;
  g_autoptr(GPtrArray) frames = NULL;
  gboolean seen = FALSE;

  fake_present = TRUE;
  mics = em_capture_list_devices (EM_CAPTURE_AUDIO, &error);
  cams = em_capture_list_devices (EM_CAPTURE_VIDEO, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < mics->len; i++)
    {
      EmCaptureDevice *d = mics->pdata[i];
      if (g_strcmp0 (d->name, "ember-test-mic") == 0)
        {
          seen = TRUE;
          g_assert_cmpstr (d->display_name, ==, "Ember Test Mic");
          g_assert_cmpstr (d->caps, ==, "S16LE 48000 Hz 2 ch");
        }
    }
  g_assert_true (seen);
  g_assert_cmpuint (cams->len, >=, 1);
  g_assert_cmpstr (((EmCaptureDevice *) cams->pdata[0])->caps, ==, "I420 320x240");

  /* No device named: the first real one, past the monitor source. */
  s = em_capture_record_audio (NULL, 16000, 100, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  check_tone (s, 16000, 1600, 1000);
  g_clear_object (&s);
  s = em_capture_record_audio ("Ember Test Mic", 8000, 100, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  check_tone (s, 8000, 800, 1000);

  frames = em_capture_grab_frames ("ember-test-cam", 8, 8, 2, 10, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (frames->len, ==, 2);
  g_assert_cmpstr (em_sample_get_metadata (frames->pdata[0], "capture-device"), ==, "ember-test-cam");
  fake_present = FALSE;
}

static void
on_devices_changed (EmCaptureMonitor *monitor, gpointer data)
{
  (*(guint *) data)++;
}

static void
test_monitor_hotplug (void)
{
  g_autoptr(EmCaptureMonitor) monitor = em_capture_monitor_new ();
  g_autoptr(GstDeviceProvider) provider = gst_device_provider_factory_get_by_name ("embertestdevices");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) cams = NULL;
  gint64 deadline;
  g_autoptr(GstDevice) hotplugged = NULL;
  guint changes = 0;

  g_assert_nonnull (provider);
  g_signal_connect (monitor, "devices-changed", G_CALLBACK (on_devices_changed), &changes);
  g_assert_true (em_capture_monitor_start (monitor, &error));
  g_assert_no_error (error);
  hotplugged = gst_object_ref (fake_device_new (TRUE, "ember-hotplug-cam"));
  gst_device_provider_device_add (provider, hotplugged);
  deadline = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  while (changes == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
  g_assert_cmpuint (changes, >=, 1);
  cams = em_capture_monitor_get_devices (monitor, EM_CAPTURE_VIDEO);
  g_assert_cmpuint (cams->len, >=, 1);
  changes = 0;
  gst_device_provider_device_remove (provider, hotplugged);
  deadline = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  while (changes == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
  g_assert_cmpuint (changes, >=, 1);
  em_capture_monitor_stop (monitor);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gst_init (NULL, NULL);
  gst_plugin_register_static (GST_VERSION_MAJOR, GST_VERSION_MINOR, "embertest",
                              "Ember test devices", fake_plugin_init, "1.0", "LGPL",
                              "ember", "ember", "https://example.invalid");
  g_test_add_func ("/capture/audio/sine", test_audio_sine);
  g_test_add_func ("/capture/audio/rate-8000", test_audio_rate_8000);
  g_test_add_func ("/capture/audio/wav-file", test_audio_wav_file);
  g_test_add_func ("/capture/audio/wav-too-short", test_audio_wav_too_short);
  g_test_add_func ("/capture/audio/no-device", test_audio_no_device);
  g_test_add_func ("/capture/audio/bad-pipelines", test_audio_bad_pipelines);
  g_test_add_func ("/capture/audio/silent-source", test_audio_silent_source);
  g_test_add_func ("/capture/audio/autoaudiosrc-refused", test_audio_autoaudiosrc_refused);
  g_test_add_func ("/capture/audio/cancel", test_audio_cancel);
  g_test_add_func ("/capture/camera/red", test_camera_red);
  g_test_add_func ("/capture/camera/burst", test_camera_burst);
  g_test_add_func ("/capture/camera/errors", test_camera_errors);
  g_test_add_func ("/capture/monitor", test_monitor);
  g_test_add_func ("/capture/fake/devices", test_fake_devices);
  g_test_add_func ("/capture/fake/hotplug", test_monitor_hotplug);
  return g_test_run ();
}
