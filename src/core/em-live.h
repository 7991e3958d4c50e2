/* SPDX-License-Identifier: Apache-2.0 */
/* em-live.h — host-fed live classification with a board running Ember firmware
 *
 * The host side of the serial protocol of codegen/targets/firmware
 * (ember_firmware.c documents it; em-live.c repeats the frame layout). No
 * GTK; blocking calls, meant for a worker thread. */
#pragma once

#include "em-board.h"

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

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmLive, em_live_close)

G_END_DECLS
