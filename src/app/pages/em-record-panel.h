/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gtk/gtk.h>
#include "em-project.h"
#include "em-capture.h"

G_BEGIN_DECLS

/* The Record panel of the Data acquisition page: pick a microphone or a
 * camera, a label, a category and a length; a live level meter (audio) or
 * preview (camera), a countdown, then the core records and stores the
 * sample. Emits "sample-recorded" (EmRecordPanel *self, gint64 id) on the
 * main context once the sample is in the project. */
#define EM_TYPE_RECORD_PANEL (em_record_panel_get_type ())
G_DECLARE_FINAL_TYPE (EmRecordPanel, em_record_panel, EM, RECORD_PANEL, GtkWidget)

GtkWidget *em_record_panel_new            (EmProject *project);

/* Starts recording from the chosen device with the current settings, as the
 * Record button does (used by tests and keyboard shortcuts). */
void       em_record_panel_record         (EmRecordPanel *self);
/* Choose a device by its name (as listed); FALSE when it is not listed. */
gboolean   em_record_panel_select_device  (EmRecordPanel *self, const char *name);

/* The capture devices of @kind that the app offers: @monitor's plus, for
 * tests and demos, those in EMBER_CAPTURE_DEVICES, a ';'-separated list of
 * "audio=DESC" / "video=DESC" where DESC is a "pipeline:" device of
 * em-capture.h, e.g. "audio=pipeline:audiotestsrc is-live=true".
 * (transfer full) (element-type EmCaptureDevice) */
GPtrArray *em_record_panel_list_devices   (EmCaptureMonitor *monitor, EmCaptureKind kind);

G_END_DECLS
