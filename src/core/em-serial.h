/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>
#include "em-demo.h"   /* EmProgressFunc */
#include "em-sample.h"

G_BEGIN_DECLS

/* One serial port as libserialport sees it. */
typedef struct {
  char *name;        /* device path, e.g. "/dev/ttyACM0" */
  char *description; /* e.g. "Arduino Uno"; "" when unknown */
  char *transport;   /* "usb", "bluetooth" or "native" */
  int   usb_vid;     /* USB vendor id, -1 when not a USB port */
  int   usb_pid;     /* USB product id, -1 when not a USB port */
} EmSerialPortInfo;

void       em_serial_port_info_free (EmSerialPortInfo *info);

/* The serial ports present now, sorted by name. Pseudo-terminals are not
 * listed (libserialport does not see them) but em_serial_forward() opens
 * them. Fast (reads sysfs), so calling it once a second is fine; the app
 * uses EmSerialMonitor (em-serial-monitor.h) for hot-plug.
 * (transfer full) (element-type EmSerialPortInfo) */
GPtrArray *em_serial_list_ports     (GError **error);

/* Knobs of the forwarder; em_serial_forward_options_init() fills the defaults. */
typedef struct {
  guint  detect_ms;        /* how long to watch lines before recording (1000) */
  guint  no_data_ms;       /* silence that means "no board" or "board gone" (2000) */
  double max_garbage;      /* fraction of skipped lines that fails a recording (0.10) */
} EmSerialForwardOptions;

void       em_serial_forward_options_init (EmSerialForwardOptions *options);

/* Record @length_ms of data from a board that prints one line of numbers per
 * sample, separated by commas, tabs or spaces ("1.0,2.5,-3"), at a steady rate.
 *
 * First a detection phase (options->detect_ms, longer until 10 good lines
 * came) skips the first, probably partial, line and any line that is not all
 * numbers; the most common number of fields is the axis count and the median
 * time between lines (monotonic clock, at arrival) gives the sampling rate,
 * snapped to a common rate within 2 % or else rounded to 0.1 Hz. Then
 * round(length_ms × rate) lines are recorded. Lines with another field
 * count or non-numbers are skipped and counted; more than max_garbage of them
 * fails the recording.
 *
 * @axes: NULL-terminated names, NULL for "value0".."valueN-1"; their count
 *        must match the board's.
 * @progress: called on this thread, fraction 0..1 of the recording.
 *
 * Returns an EM_SENSOR_TIME_SERIES, F32LE sample (frames × axes), interval
 * from the detected rate, source_format "serial", metadata serial_port and
 * serial_baud; name, label and category are left for the caller. Blocks.
 * Errors (one line, naming @port): EM_ERROR_NOT_FOUND / EM_ERROR_IO when the
 * port cannot be opened; EM_ERROR_IO for no data, or a device that went away
 * or went quiet mid-way; EM_ERROR_INVALID_DATA for unreadable data (baud
 * mismatch), an irregular rate, too many bad lines or an axis-count mismatch;
 * EM_ERROR_CANCELLED. Nothing is returned on error. (transfer full) */
EmSample  *em_serial_forward        (const char *port, guint baud, guint length_ms,
                                     const char * const *axes,
                                     EmProgressFunc progress, gpointer user_data,
                                     GCancellable *cancellable, GError **error);

EmSample  *em_serial_forward_full   (const char *port, guint baud, guint length_ms,
                                     const char * const *axes,
                                     const EmSerialForwardOptions *options,
                                     EmProgressFunc progress, gpointer user_data,
                                     GCancellable *cancellable, GError **error);

/* The rate a board most likely runs at, given a measured @hz: a common
 * sensor rate within 2 %, else @hz rounded to 0.1 Hz. */
double     em_serial_round_rate     (double hz);

G_END_DECLS
