/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>
#include "em-sample.h"
#include "em-demo.h" /* EmProgressFunc */

G_BEGIN_DECLS

/* Recording from the computer's microphones and cameras with GStreamer.
 *
 * A @device argument is one of:
 *   NULL                 the first real device of that kind; when there is
 *                        none the call fails with EM_ERROR_NOT_FOUND. We never
 *                        fall back to autoaudiosrc / autovideosrc, because they
 *                        silently hand out a test tone or test picture.
 *   "pipeline:DESC"      a gst-launch style source description, e.g.
 *                        "pipeline:audiotestsrc wave=sine freq=440",
 *                        "pipeline:filesrc location=x.wav ! wavparse",
 *                        "pipeline:videotestsrc pattern=ball". Used by tests.
 *   anything else        the name (or display name) of a device as listed
 *                        by em_capture_list_devices().
 * All calls block the calling thread and never wait more than 2 s for data
 * that does not come (5 s for a camera's first frame: UVC cameras are slow
 * to start). */

typedef enum {
  EM_CAPTURE_AUDIO = 0, /* GStreamer class Audio/Source */
  EM_CAPTURE_VIDEO = 1, /* GStreamer class Video/Source */
} EmCaptureKind;

typedef struct {
  EmCaptureKind kind;
  char *name;         /* what to pass as @device: stable across runs where the
                         platform allows (node name, device path) */
  char *display_name; /* for people: "Built-in Audio Analog Stereo" */
  char *caps;         /* short summary: "S16LE 44100 Hz 2 ch", "YUY2 640x480, ..." */
} EmCaptureDevice;

void       em_capture_device_free      (EmCaptureDevice *device);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmCaptureDevice, em_capture_device_free)

/* The devices present now; an empty array when there are none (not an
 * error). Errors only when GStreamer cannot start.
 * (transfer full) (element-type EmCaptureDevice) */
GPtrArray *em_capture_list_devices     (EmCaptureKind kind, GError **error);

/* Watches for devices being plugged in or out. Emits "devices-changed"
 * (EmCaptureMonitor *self, gpointer user_data) on the thread-default main
 * context that was current when em_capture_monitor_start() ran. */
#define EM_TYPE_CAPTURE_MONITOR (em_capture_monitor_get_type ())
G_DECLARE_FINAL_TYPE (EmCaptureMonitor, em_capture_monitor, EM, CAPTURE_MONITOR, GObject)

EmCaptureMonitor *em_capture_monitor_new         (void);
gboolean          em_capture_monitor_start       (EmCaptureMonitor *self, GError **error);
void              em_capture_monitor_stop        (EmCaptureMonitor *self);
/* Current devices of @kind. (transfer full) (element-type EmCaptureDevice) */
GPtrArray        *em_capture_monitor_get_devices (EmCaptureMonitor *self, EmCaptureKind kind);

/* Record @length_ms of mono audio at @rate Hz (0 = 16000; 8000..192000).
 * Returns an EM_SENSOR_AUDIO sample of exactly rate × length_ms / 1000
 * frames: F32LE values in [-1, 1], interval 1000 / rate ms, one axis
 * "audio" (units "wav"), source format "capture", metadata "capture-device".
 * Name, label and category are left for the caller.
 * @progress gets the fraction recorded. Errors (one line): EM_ERROR_NOT_FOUND
 * (no microphone / no such device), EM_ERROR_INVALID_ARGUMENT (bad rate,
 * length, pipeline text), EM_ERROR_IO (the device would not start, sent no
 * data within 2 s, stopped or ended early), EM_ERROR_CANCELLED.
 * (transfer full) */
EmSample  *em_capture_record_audio     (const char *device, guint rate, guint length_ms,
                                        EmProgressFunc progress, gpointer user_data,
                                        GCancellable *cancellable, GError **error);

/* Grab @count (>= 1) camera frames, @interval_ms apart (ignored for one
 * frame), scaled to @width × @height (1..4096 each; the picture is stretched,
 * not cropped). Each is an EM_SENSOR_IMAGE sample holding a PNG of 8-bit
 * RGB, source format "capture". Errors as for em_capture_record_audio()
 * ("no camera found" ...).
 * (transfer full) (element-type EmSample) */
GPtrArray *em_capture_grab_frames      (const char *device, guint width, guint height,
                                        guint count, guint interval_ms,
                                        EmProgressFunc progress, gpointer user_data,
                                        GCancellable *cancellable, GError **error);

const char *em_capture_kind_to_string  (EmCaptureKind kind);

G_END_DECLS
