/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by em-box-editor.c (state, editing, input) and
 * em-box-editor-draw.c (drawing). */
#pragma once

#include "em-box-editor.h"

G_BEGIN_DECLS

typedef enum {
  DRAG_NONE,
  DRAG_PAN,
  DRAG_DRAW,
  DRAG_MOVE,
  DRAG_RESIZE,
} EmBoxDragMode;

/* Handles, clockwise from the top-left corner. */
enum { HANDLE_NW, HANDLE_N, HANDLE_NE, HANDLE_E, HANDLE_SE, HANDLE_S, HANDLE_SW, HANDLE_W, N_HANDLES };

#define EM_BOX_EDITOR_HANDLE_SIZE 8.0  /* drawn side, widget pixels */
#define EM_BOX_EDITOR_HANDLE_HIT  7.0  /* pick distance, widget pixels */
#define ZOOM_STEP                 1.25 /* per key press or wheel notch */

struct _EmBoxEditor
{
  GtkWidget        parent_instance;

  EmProject       *project;
  EmSample        *sample;       /* with data; its boxes follow the edits */
  cairo_surface_t *image;
  int              iw, ih;
  GArray          *boxes;        /* EmBoundingBox, labels owned */
  GArray          *proposals;    /* EmBoxProposal */
  int              selected;     /* index in boxes, -1 = none */

  double           zoom;         /* 1 = fit */
  double           pan_x, pan_y; /* widget pixels added to the fitted position */

  EmBoxDragMode    drag_mode;
  int              drag_handle;
  double           drag_x, drag_y;          /* start, widget pixels */
  double           drag_ix, drag_iy;        /* start, image pixels (clamped) */
  double           drag_pan_x, drag_pan_y;
  EmBoundingBox    drag_orig;               /* label borrowed */
  gboolean         drag_created;            /* a drawn box was appended */
  gboolean         space_down;
  double           pointer_x, pointer_y;     /* last pointer position, for wheel zoom */

  GHashTable      *histories;    /* sample id -> History */
  GStrv            recent;       /* most recent first */
  EmLabelPicker   *picker;
};

/* em-box-editor.c */
void             em_box_editor_changed      (EmBoxEditor *self);
/* A change made: a new undo state, written to the project. */
void             em_box_editor_commit       (EmBoxEditor *self);
void             em_box_editor_open_picker  (EmBoxEditor *self);
void             em_box_editor_append_box   (GArray *boxes, const char *label, double x, double y,
                                             double w, double h);
/* Proposal @index becomes a box (appended); not committed. */
void             em_box_editor_accept_proposal (EmBoxEditor *self, guint index);

/* em-box-editor-input.c: the pointer and key controllers */
void             em_box_editor_input_init   (EmBoxEditor *self);

/* em-box-editor-draw.c */
void             em_box_editor_snapshot     (GtkWidget *widget, GtkSnapshot *snapshot);
cairo_surface_t *em_box_editor_decode       (EmSample *sample, GError **error);
/* The layout of the image in the widget: scale and top-left corner. */
void             em_box_editor_layout       (EmBoxEditor *self, double *scale, double *ox, double *oy);
/* Widget position of handle @h of @box. */
void             em_box_editor_handle_point (EmBoxEditor *self, const EmBoundingBox *box, int h,
                                             double *x, double *y);

G_END_DECLS
