/* SPDX-License-Identifier: Apache-2.0 */
/* Shared between em-graph-view.c (state, geometry, selection), -link.c
 * (linking by pointer and keyboard), -draw.c (snapshot) and -input.c
 * (gestures, keys, menu). */
#pragma once

#include "em-graph-view.h"

G_BEGIN_DECLS

/* Card geometry in graph units; widget pixels = graph units * zoom + pan. */
#define EM_GRAPH_NODE_WIDTH   184.0
#define EM_GRAPH_HEADER       40.0
#define EM_GRAPH_ROW          24.0
#define EM_GRAPH_PAD_BOTTOM   10.0
#define EM_GRAPH_PORT_RADIUS  6.0
#define EM_GRAPH_GRID         24.0
#define EM_GRAPH_ZOOM_MIN     0.25
#define EM_GRAPH_ZOOM_MAX     4.0

typedef enum {
  EM_GRAPH_DRAG_NONE,
  EM_GRAPH_DRAG_NODES,
  EM_GRAPH_DRAG_PAN,
  EM_GRAPH_DRAG_LINK,
  EM_GRAPH_DRAG_BAND,
} EmGraphDrag;

struct _EmGraphView
{
  GtkWidget     parent_instance;

  EmGraphModel *model;
  double        zoom;
  double        pan_x, pan_y;

  GHashTable   *selected;        /* node id -> NULL (set, own keys) */
  EmGraphLink  *selected_link;   /* own copy, or NULL */

  /* The link being drawn, by pointer or by keyboard. */
  char         *link_node;
  char         *link_port;
  double        link_x, link_y;  /* free end, widget coordinates */
  char         *hover_node;      /* input under the free end, if any */
  char         *hover_port;
  gboolean      hover_ok;
  gboolean      link_mode;       /* keyboard link mode */
  char         *link_target;     /* node chosen by the arrows */

  EmGraphDrag   drag;
  double        drag_x, drag_y;  /* where the drag began, widget coordinates */
  double        pan_start_x, pan_start_y;
  GArray       *move_start;      /* of double pairs, one per node in moving */
  GPtrArray    *moving;          /* node ids being dragged */

  double        zoom_start;
  double        zoom_cx, zoom_cy;
  double        pointer_x, pointer_y;

  char         *message;
  guint         message_timeout;

  GtkWidget    *menu;

  /* The rubber band (em-graph-view-band.c), in graph units. */
  gboolean      band;
  double        band_x0, band_y0, band_x1, band_y1;
  GHashTable   *band_base;       /* ids selected before a shift-drag, or NULL */
};

/* em-graph-view.c */
double   em_graph_view_node_height        (const EmGraphNode *node);
void     em_graph_view_port_graph_pos     (const EmGraphNode *node,
                                           EmPortDirection    direction,
                                           guint              index,
                                           double            *gx,
                                           double            *gy);
gboolean em_graph_view_link_at            (EmGraphView       *self,
                                           double             x,
                                           double             y,
                                           guint             *index);
void     em_graph_view_bezier             (double             x1,
                                           double             y1,
                                           double             x2,
                                           double             y2,
                                           double            *c1x,
                                           double            *c2x);
void     em_graph_view_set_message        (EmGraphView       *self,
                                           const char        *message);
void     em_graph_view_zoom_at            (EmGraphView       *self,
                                           double             zoom,
                                           double             cx,
                                           double             cy);
void     em_graph_view_set_pan            (EmGraphView       *self,
                                           double             x,
                                           double             y);
gboolean em_graph_view_link_source_pos    (EmGraphView       *self,
                                           double            *x,
                                           double            *y);
gboolean em_graph_view_link_target_pos    (EmGraphView       *self,
                                           double            *x,
                                           double            *y);
void     em_graph_view_emit_activated     (EmGraphView       *self,
                                           const char        *node_id);
void     em_graph_view_emit_refused       (EmGraphView       *self,
                                           const char        *reason);
void     em_graph_view_delete_selection   (EmGraphView       *self);
gboolean em_graph_view_select_step        (EmGraphView       *self,
                                           int                step);
void     em_graph_view_move_selection     (EmGraphView       *self,
                                           double             dx,
                                           double             dy);
void     em_graph_view_update_actions     (EmGraphView       *self);
/* Redraw, update the actions and emit "selection-changed" after a change
 * made to self->selected directly. */
void     em_graph_view_notify_selection   (EmGraphView       *self);

/* em-graph-view-link.c */
void     em_graph_view_stop_linking       (EmGraphView       *self);
void     em_graph_view_set_link_target    (EmGraphView       *self,
                                           const char        *node_id);

/* em-graph-view-band.c */
void     em_graph_view_snapshot_band      (EmGraphView       *self,
                                           GtkSnapshot       *snapshot,
                                           const GdkRGBA     *accent);

/* em-graph-view-draw.c */
void     em_graph_view_snapshot_graph     (GtkWidget         *widget,
                                           GtkSnapshot       *snapshot);

/* em-graph-view-input.c */
void     em_graph_view_setup_input        (EmGraphView       *self);
void     em_graph_view_class_setup_input  (GtkWidgetClass    *widget_class);
void     em_graph_view_popup_menu         (EmGraphView       *self,
                                           double             x,
                                           double             y);

G_END_DECLS
