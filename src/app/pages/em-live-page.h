/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <adwaita.h>
#include "em-project.h"

G_BEGIN_DECLS

/* Live classification: a board running Ember firmware (or the emulated
 * one) classifies the project's testing samples, window after window,
 * streamed to it over serial (host-fed mode). The page shows a bar per
 * label, the top label and the DSP and NN times the device measured, and
 * "Record This Window" stores the raw window behind the result shown as a
 * new sample. The board talks on a worker thread (EmJob); errors show as a
 * one-line banner. */
#define EM_TYPE_LIVE_PAGE (em_live_page_get_type ())
G_DECLARE_FINAL_TYPE (EmLivePage, em_live_page, EM, LIVE_PAGE, GtkWidget)

GtkWidget  *em_live_page_new            (EmProject  *project);

/* Choose the board by id (an unknown id is ignored), its port (nullable:
 * found by the board's USB id) and the firmware image built for it
 * (nullable: the emulated board's is built on Start). */
void        em_live_page_set_board      (EmLivePage *self,
                                         const char *board_id,
                                         const char *port,
                                         const char *firmware);
/* (nullable) */
const char *em_live_page_get_board_id   (EmLivePage *self);

void        em_live_page_start          (EmLivePage *self);
void        em_live_page_stop           (EmLivePage *self);
gboolean    em_live_page_get_running    (EmLivePage *self);

/* Results shown since the last Start. */
guint       em_live_page_get_n_results  (EmLivePage *self);
/* The label of the highest score shown (nullable). */
const char *em_live_page_get_top_label  (EmLivePage *self);
/* The last failure's one line (nullable). */
const char *em_live_page_get_last_error (EmLivePage *self);

/* Store the window behind the result shown as a training sample labelled
 * @label (nullable: the label chosen on the page, by default the top
 * label). Returns the new sample's id, 0 with @error set. */
gint64      em_live_page_record         (EmLivePage *self,
                                         const char *label,
                                         GError    **error);

/* Additive: the data source. Host-fed (the testing samples sent to the
 * board) or the board's own sensor, which the emulated board simulates by
 * playing the testing samples back into its second UART. Unavailable (with
 * the one-line @reason) when the board file lists no sensor of its own. */
gboolean    em_live_page_get_sensor_available (EmLivePage *self, const char **reason);
/* FALSE (nothing changes) when unavailable or running. */
gboolean    em_live_page_set_use_sensor (EmLivePage *self, gboolean use_sensor);
gboolean    em_live_page_get_use_sensor (EmLivePage *self);
const char *em_live_page_get_status     (EmLivePage *self);   /* the status line's text */

G_END_DECLS
