/* SPDX-License-Identifier: Apache-2.0 */
/* em-live-private.h — what em-live.c (connection, hello, host-fed windows)
 * and em-live-sensor.c (the sensor mode, the simulated sensor's playback)
 * share. Not installed, not for other callers. */
#pragma once

#include "em-live.h"
#include "em-serial-port.h"

G_BEGIN_DECLS

#define PROTOCOL_VERSION 2u         /* the newest this Ember speaks; 1 is host-fed only */
#define HELLO_MS 8000u              /* the whole handshake */
/* Longer than the board's 0.5 s gap that ends a broken frame, or the
 * retries would keep feeding it. */
#define HELLO_RETRY_MS 1000u
#define CLASSIFY_MS 20000u          /* a slow board on a big window */
#define CLASSIFY_RETRY_MS 3000u
#define MAX_REPLY (1u << 20)

enum {
  HELLO = 0x01, WINDOW = 0x02, START_SENSOR = 0x03, STOP = 0x04,
  HELLO_REPLY = 0x81, RESULT = 0x82, SENSOR_STARTED = 0x83, STOPPED = 0x84, SENSOR_RESULT = 0x86,
  ERROR_REPLY = 0xEE
};

typedef struct _EmLivePlayback EmLivePlayback;

struct _EmLive {
  GMutex        lock;
  EmSerialPort *port;
  char         *port_name;
  char         *board_name;
  GPid          qemu;           /* 0: none */
  char         *qemu_log;
  char         *firmware;
  GByteArray   *rx;
  guint8        seq;
  guint         version;
  guint         flags;
  guint         n_values;
  GStrv         labels;
  char         *project, *model_version;
  /* Protocol 2's hello. */
  double        frequency_hz;
  guint         window_frames, increase_frames, n_axes;
  GStrv         sensors;        /* names, firmware order; empty: host-fed only */
  GArray       *sensor_max_axes;   /* (element-type guint8) */
  gboolean      sensing;
  /* The emulated board's simulated sensor: QEMU's UART1 on this socket. */
  char         *sensor_dir, *sensor_socket;
  EmLivePlayback *playback;
};

gboolean em_live_take_frame (GByteArray *rx, guint8 *type, guint8 *seq, GBytes **payload);
/* Sends @type/@payload and waits for the reply of the same seq, sending
 * again every @retry_ms (0 = never) until @total_ms. */
gboolean em_live_request    (EmLive *live, guint8 type, const guint8 *payload, guint32 length, guint retry_ms,
                             guint total_ms, guint8 *reply_type, GBytes **reply, GCancellable *cancellable,
                             GError **error);
/* Reads what the port has within @timeout_ms into live->rx; FALSE when
 * the port (or QEMU) failed. */
gboolean em_live_read_some  (EmLive *live, guint timeout_ms, GError **error);
guint32  em_live_get_u32    (const guint8 *p);
float    em_live_get_f32    (const guint8 *p);
/* Parses protocol 2's hello tail from @p (after the model version). */
gboolean em_live_parse_hello_v2 (EmLive *live, const char *p, const char *end);
void     em_live_sensor_free (EmLive *live);   /* playback stopped, socket removed */

G_END_DECLS
