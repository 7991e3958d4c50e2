/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gtk/gtk.h>
#include "em-project.h"
#include "em-box-proposal.h"
#include "em-label-picker.h"

G_BEGIN_DECLS

/* Draw and edit the bounding boxes of one image sample.
 *
 * The image is fitted to the widget, then zoomed (Ctrl+scroll, + / − / 0)
 * and panned (middle-button drag, or Space + drag). A drag on empty image
 * draws a box; a drag inside a box moves it; the selected box has eight
 * handles that resize it. Tab / Shift+Tab cycle the selection, L opens the
 * label picker, Delete deletes, Ctrl+D duplicates, Ctrl+Z / Ctrl+Shift+Z
 * undo and redo. Boxes are kept in image pixels, clamped to the image.
 *
 * Every change is written to the project at once (nothing to save, nothing
 * lost), and pushed on an undo stack of box lists kept per image for as
 * long as the editor lives, so going back to an image can still undo.
 *
 * Proposals (em_box_editor_set_proposals()) are drawn dashed and
 * translucent until accepted: Enter accepts them all, Escape rejects them,
 * a click inside one accepts that one. Accepting is an undoable change.
 *
 * Signals: "boxes-changed" after each change written to the project,
 * "proposals-changed" when proposals come, go or are accepted, "error" (const char *message) when writing failed.
 * Actions (group "editor"): next-box, previous-box, relabel, delete,
 * duplicate, undo, redo, zoom-in, zoom-out, zoom-reset, accept-proposals,
 * reject-proposals. */
#define EM_TYPE_BOX_EDITOR (em_box_editor_get_type ())
G_DECLARE_FINAL_TYPE (EmBoxEditor, em_box_editor, EM, BOX_EDITOR, GtkWidget)

GtkWidget  *em_box_editor_new             (void);

void        em_box_editor_set_project     (EmBoxEditor *self, EmProject *project);
/* Show sample @id (0: nothing); FALSE with @error when it cannot be read or
 * is not an image. */
gboolean    em_box_editor_set_sample_id   (EmBoxEditor *self, gint64 id, GError **error);
gint64      em_box_editor_get_sample_id   (EmBoxEditor *self);
/* The sample shown, with its data and current boxes. (nullable) (transfer none) */
EmSample   *em_box_editor_get_sample      (EmBoxEditor *self);

guint                em_box_editor_get_n_boxes   (EmBoxEditor *self);
/* (transfer none) */
const EmBoundingBox *em_box_editor_get_box       (EmBoxEditor *self, guint index);
/* -1 when nothing is selected. */
int         em_box_editor_get_selected    (EmBoxEditor *self);
void        em_box_editor_select          (EmBoxEditor *self, int index);
/* Relabel the selected box (what the label picker does); remembers the
 * label among the recent ones. */
void        em_box_editor_set_selected_label (EmBoxEditor *self, const char *label);
/* The label a new box gets: the last one chosen, else "object". */
const char *em_box_editor_get_default_label  (EmBoxEditor *self);
/* (transfer none) */
EmLabelPicker *em_box_editor_get_label_picker (EmBoxEditor *self);

/* Proposals to show (copied); NULL or empty clears them. */
void        em_box_editor_set_proposals   (EmBoxEditor *self, GArray *proposals);
guint       em_box_editor_get_n_proposals (EmBoxEditor *self);
/* (transfer none) */
const EmBoxProposal *em_box_editor_get_proposal (EmBoxEditor *self, guint index);

gboolean    em_box_editor_can_undo        (EmBoxEditor *self);
gboolean    em_box_editor_can_redo        (EmBoxEditor *self);

/* 1 = the whole image fits; 1 … 32. */
double      em_box_editor_get_zoom        (EmBoxEditor *self);
/* Zoom keeping the image point under widget point (@x, @y) in place. */
void        em_box_editor_zoom_at         (EmBoxEditor *self, double zoom, double x, double y);
/* Where image pixel (@ix, @iy) is in widget coordinates, and back. */
void        em_box_editor_image_to_widget (EmBoxEditor *self, double ix, double iy,
                                           double *x, double *y);
void        em_box_editor_widget_to_image (EmBoxEditor *self, double x, double y,
                                           double *ix, double *iy);

/* The pointer drags, in widget coordinates: exactly what the primary
 * button's GtkGestureDrag calls (the offsets are from the start point).
 * @pan: pan instead of editing (middle button, or Space held). */
void        em_box_editor_drag_begin      (EmBoxEditor *self, double x, double y, gboolean pan);
void        em_box_editor_drag_update     (EmBoxEditor *self, double dx, double dy);
void        em_box_editor_drag_end        (EmBoxEditor *self, double dx, double dy);

G_END_DECLS
