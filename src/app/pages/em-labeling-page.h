/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gtk/gtk.h>
#include "em-project.h"
#include "em-box-editor.h"

G_BEGIN_DECLS

/* The labeling queue: the project's images that had no bounding box when
 * the queue was made, in name order (so frames of a burst follow each
 * other), shown one at a time in an EmBoxEditor. "Save and Next" (Ctrl+Enter)
 * moves to the next image still without boxes; N / P (or Page Down / Up)
 * step through the queue. The header says how many are left.
 *
 * For each image the proposal sources are asked for boxes (the frame
 * tracker, from the image before it in name order, is always there; the
 * project's trained detector or image classifier, asked first, when it has
 * one, taken again at every reload); the boxes they propose are shown for
 * the user to accept or reject, a box one source proposed already left out.
 *
 * Signal "close": the user asked to go back (action labeling.close). */
#define EM_TYPE_LABELING_PAGE (em_labeling_page_get_type ())
G_DECLARE_FINAL_TYPE (EmLabelingPage, em_labeling_page, EM, LABELING_PAGE, GtkWidget)

GtkWidget   *em_labeling_page_new            (EmProject *project);
/* Make the queue again from the project's images; shows its first one. */
void         em_labeling_page_reload         (EmLabelingPage *self);
/* Adds a proposal source, asked after those already there. (transfer full) */
void         em_labeling_page_add_source     (EmLabelingPage *self, EmBoxProposalSource *source);

/* (transfer none) */
EmBoxEditor *em_labeling_page_get_editor     (EmLabelingPage *self);
guint        em_labeling_page_get_n_queued   (EmLabelingPage *self);
/* Images of the queue not saved and still without boxes. */
guint        em_labeling_page_get_n_left     (EmLabelingPage *self);
/* Index in the queue of the image shown (n_queued when done). */
guint        em_labeling_page_get_position   (EmLabelingPage *self);
/* Id of the image shown, 0 when none. */
gint64       em_labeling_page_get_current_id (EmLabelingPage *self);
/* Show queue item @position. */
void         em_labeling_page_show           (EmLabelingPage *self, guint position);

G_END_DECLS
