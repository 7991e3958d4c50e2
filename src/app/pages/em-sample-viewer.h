/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gtk/gtk.h>
#include "em-project.h"
#include "em-line-plot.h"

G_BEGIN_DECLS

/* One sample of a project, shown the way its kind reads best: every axis
 * of a time series on a line plot (zoom with the wheel, pan by dragging),
 * an audio clip as its waveform with a Play button (GStreamer), an image
 * with its bounding boxes drawn over it. Below, the sample's details —
 * name, label, category, enabled and free metadata — editable in place;
 * edits are written to the project at once.
 *
 * Playback goes to "autoaudiosink" unless EMBER_AUDIO_SINK names another
 * sink description (tests use "fakesink sync=false" and need no sound card).
 *
 * Properties: "project" (EmProject, nullable), "sample-id" (0 = none). */
#define EM_TYPE_SAMPLE_VIEWER (em_sample_viewer_get_type ())
G_DECLARE_FINAL_TYPE (EmSampleViewer, em_sample_viewer, EM, SAMPLE_VIEWER, GtkWidget)

GtkWidget  *em_sample_viewer_new            (void);

void        em_sample_viewer_set_project    (EmSampleViewer *self,
                                             EmProject      *project);
/* (nullable) (transfer none) */
EmProject  *em_sample_viewer_get_project    (EmSampleViewer *self);

/* Load and show sample @id (0 shows nothing). A sample that cannot be read
 * shows the reason instead. */
void        em_sample_viewer_set_sample_id  (EmSampleViewer *self,
                                             gint64          id);
gint64      em_sample_viewer_get_sample_id  (EmSampleViewer *self);
/* The sample shown, with its data. (nullable) (transfer none) */
EmSample   *em_sample_viewer_get_sample     (EmSampleViewer *self);

/* What is shown: "empty", "series", "audio", "image" or "error". */
const char *em_sample_viewer_get_mode       (EmSampleViewer *self);
/* (transfer none): the plot used for series and audio. */
EmLinePlot *em_sample_viewer_get_plot       (EmSampleViewer *self);
/* Boxes drawn in the last frame of the image view; for tests. */
guint       em_sample_viewer_get_n_boxes_drawn (EmSampleViewer *self);

/* Start playing the audio sample shown; FALSE with @error when there is
 * none or the pipeline cannot be built. Stops by itself at the end. */
gboolean    em_sample_viewer_play           (EmSampleViewer *self,
                                             GError        **error);
void        em_sample_viewer_stop           (EmSampleViewer *self);
gboolean    em_sample_viewer_get_playing    (EmSampleViewer *self);

G_END_DECLS
