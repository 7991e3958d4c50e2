/* SPDX-License-Identifier: Apache-2.0 */
/* em-live.h — host-fed live classification with a board running Ember firmware
 *
 * The host side of the serial protocol of codegen/targets/firmware
 * (ember_firmware.c documents it; em-live.c repeats the frame layout). No
 * GTK; blocking calls, meant for a worker thread. */
#pragma once

#include "em-board.h"
#include "em-sample.h"

G_BEGIN_DECLS

typedef struct _EmLive EmLive;

typedef struct {
  guint   n_scores;      /* one per label, impulse label order (regression: 1) */
  float  *scores;
  double  anomaly;       /* NAN when the impulse has no anomaly block */
  double  dsp_ms;        /* measured on the device by its ms/us timer */
  double  nn_ms;
} EmLiveResult;

/* Connect to a board running Ember firmware. Real boards: @port is the serial port
 * (NULL = find it by the board's USB VID/PID). Emulated board (protocol qemu): @port
 * is ignored; @firmware is the ELF, QEMU is started with its UART on a pseudo-terminal
 * and stopped by em_live_close. Performs a hello handshake that returns the firmware's
 * window size and labels; a board that does not answer within a few seconds is an error
 * ("<port>: no answer from Ember firmware: is it flashed and running?"). */
EmLive       *em_live_open            (const EmBoard *board, const char *port,
                                       const char *firmware, GCancellable *cancellable,
                                       GError **error);
guint         em_live_get_window_size (EmLive *live);   /* raw values per window */
const char * const *em_live_get_labels (EmLive *live);  /* NULL-terminated */
/* Send one raw window, wait for the answer. Thread-safe to call from a worker thread. */
gboolean      em_live_classify        (EmLive *live, const float *window, guint n_values,
                                       EmLiveResult *result, GCancellable *cancellable,
                                       GError **error);
void          em_live_result_clear    (EmLiveResult *result);
void          em_live_close           (EmLive *live);   /* also frees */

/* Additive: what the firmware's hello said besides window size and labels,
 * and the port in use (the pty QEMU opened, for the emulated board). */
const char   *em_live_get_port          (EmLive *live);
const char   *em_live_get_project_name  (EmLive *live);   /* the project the firmware was built from */
const char   *em_live_get_model_version (EmLive *live);
guint         em_live_get_protocol_version (EmLive *live);

/* --- the sensor mode (protocol 2; em-live-sensor.c) ---------------------------
 *
 * The board samples one of its own sensors at the impulse's frequency, runs
 * the impulse every window increase and sends each result unprompted.
 * Firmware of protocol 1 has no sensors (em_live_get_sensors() is empty). */

/* The firmware's sensors, by the names board files use ("analog",
 * "simulated"); empty when it has none or speaks protocol 1. (transfer none) */
const char * const *em_live_get_sensors        (EmLive *live);
double        em_live_get_frequency_hz     (EmLive *live);   /* 0 with protocol 1 */
guint         em_live_get_window_frames    (EmLive *live);
guint         em_live_get_increase_frames  (EmLive *live);
guint         em_live_get_n_axes           (EmLive *live);

/* Starts the sensor mode on @sensor (NULL: the first). @with_windows: every
 * result carries its raw window (for recording). Errors name the sensor
 * and the firmware's reason. */
gboolean      em_live_sensor_start         (EmLive *live, const char *sensor, gboolean with_windows,
                                            GCancellable *cancellable, GError **error);

typedef struct {
  guint32       window;          /* 0 = the first full window; starts at frame window × increase */
  EmLiveResult  result;
  float        *values;          /* the raw window (frames × axes), NULL unless asked for */
  guint         n_values;
} EmLiveSensorResult;

/* Waits up to @timeout_ms for the next unprompted result. FALSE with
 * G_IO_ERROR_TIMED_OUT when none came, with another error when the board
 * failed (a result whose impulse status is not 0 is an error too). */
gboolean      em_live_sensor_next          (EmLive *live, guint timeout_ms, EmLiveSensorResult *out,
                                            GCancellable *cancellable, GError **error);
void          em_live_sensor_result_clear  (EmLiveSensorResult *result);
/* Ends the sensor mode (and the playback); @n_windows (nullable): results
 * the board says it sent. */
gboolean      em_live_sensor_stop          (EmLive *live, guint *n_windows, GCancellable *cancellable,
                                            GError **error);

/* The emulated board's simulated sensor: plays back @frames (n_frames ×
 * n_axes values, interleaved by frame) into QEMU's UART1 at @rate_hz ×
 * @speed frames a second (@speed 0: as fast as the board takes them),
 * from a thread, until the end or em_live_playback_stop(). Only for the
 * emulated board (EM_ERROR_UNSUPPORTED otherwise). Copies @frames. */
gboolean      em_live_playback_start       (EmLive *live, const float *frames, guint n_frames, guint n_axes,
                                            double rate_hz, double speed, GError **error);
/* Frames written so far; @done: the whole signal went out. */
guint         em_live_playback_get_sent    (EmLive *live, gboolean *done);
void          em_live_playback_stop        (EmLive *live);

/* A sample's values as the impulse's frames: the @axes in that order (audio
 * scaled to 16-bit values, as Ember's windower does), checked against
 * @frequency_hz. (transfer full) n_frames × g_strv_length (axes) values. */
float        *em_live_frames_from_sample   (EmSample *sample, const char *const *axes, double frequency_hz,
                                            guint *n_frames, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmLive, em_live_close)

G_END_DECLS
