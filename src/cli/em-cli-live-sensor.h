/* SPDX-License-Identifier: Apache-2.0 */
/* em-cli-live-sensor.h — the sensor mode of `ember-cli live` */
#pragma once

#include "em-board.h"
#include "em-codegen.h"
#include "em-live.h"
#include "em-project.h"

G_BEGIN_DECLS

typedef struct {
  const char *sensor;         /* NULL: the firmware's first */
  const char *playback;       /* emulated board: sample id or data file */
  double      speed;          /* playback pace × real time; 0 = as fast as the board reads */
  const char *record_label;   /* non-NULL: store every window as a training sample */
  guint       limit;          /* 0 = until the playback ends (or Ctrl-C) */
  gboolean    json;
} EmCliLiveSensorOptions;

/* Starts the sensor mode on an open connection, prints every result, stops.
 * Errors are one line. */
gboolean em_cli_live_sensor_run (EmLive *live, EmProject *project, const EmCodegenImpulse *cg,
                                 const EmBoard *board, const EmCliLiveSensorOptions *options, GError **error);

G_END_DECLS
