/* SPDX-License-Identifier: Apache-2.0 */
/* The impulse editor's canvas: an EmGraphModel drawn as cards (nodes) with
 * port dots and bezier links over a grid.  Every edit goes through the
 * model; the view only keeps the camera (zoom, pan), the selection and the
 * link being drawn.
 *
 * Pointer: drag a card to move it, drag the background to select the cards
 * a rectangle touches (shift or ctrl: add to the selection), middle-drag or
 * scroll to pan, ctrl+scroll or pinch to zoom, drag from an output
 * dot to an input dot (or onto a card) to link, right-click for a menu,
 * double-click to open a block.
 * Keyboard: Tab / shift+Tab select the next / previous block, arrows move
 * it (shift: finer), Delete / BackSpace remove the selection, Escape
 * clears it (or cancels a link being drawn), Return starts
 * link mode from the block's first output (arrows pick the target block,
 * Return links, Escape cancels), space or alt+Return open the block
 * ("node-activated"), ctrl+plus / ctrl+minus / ctrl+0 zoom.
 *
 * Actions (group "graph"): graph.delete, graph.select-next, graph.select-previous,
 * graph.activate, graph.link-mode, graph.cancel, graph.zoom-in, graph.zoom-out,
 * graph.zoom-reset. */
#pragma once

#include <gtk/gtk.h>

#include "em-graph-model.h"

G_BEGIN_DECLS

#define EM_TYPE_GRAPH_VIEW (em_graph_view_get_type ())
G_DECLARE_FINAL_TYPE (EmGraphView, em_graph_view, EM, GRAPH_VIEW, GtkWidget)

GtkWidget    *em_graph_view_new                (void);
void          em_graph_view_set_model          (EmGraphView   *self,
                                                EmGraphModel  *model);
EmGraphModel *em_graph_view_get_model          (EmGraphView   *self);

/* "zoom-factor": on-screen pixels per graph unit, clamped to 0.25 .. 4. */
void          em_graph_view_set_zoom_factor    (EmGraphView   *self,
                                                double         zoom);
double        em_graph_view_get_zoom_factor    (EmGraphView   *self);
/* Widget coordinates <-> graph units. */
void          em_graph_view_to_graph           (EmGraphView   *self,
                                                double         x,
                                                double         y,
                                                double        *gx,
                                                double        *gy);
void          em_graph_view_to_widget          (EmGraphView   *self,
                                                double         gx,
                                                double         gy,
                                                double        *x,
                                                double        *y);

/* Selection: any number of nodes, or one link (selecting one clears the other). */
void          em_graph_view_select_node        (EmGraphView   *self,
                                                const char    *node_id,
                                                gboolean       extend);
void          em_graph_view_select_link        (EmGraphView   *self,
                                                const char    *from_node,
                                                const char    *from_port,
                                                const char    *to_node,
                                                const char    *to_port);
void          em_graph_view_clear_selection    (EmGraphView   *self);
/* (transfer container): ids of the selected nodes, in model order. */
GPtrArray    *em_graph_view_get_selected_nodes (EmGraphView   *self);
gboolean      em_graph_view_has_selected_link  (EmGraphView   *self);

/* Hit tests in widget coordinates.  Out strings are (transfer full),
 * (optional).  port_at() counts a dot's surroundings so it is easy to hit. */
gboolean      em_graph_view_port_at            (EmGraphView      *self,
                                                double            x,
                                                double            y,
                                                char            **node_id,
                                                char            **port_id,
                                                EmPortDirection  *direction);
char         *em_graph_view_node_at            (EmGraphView   *self,
                                                double         x,
                                                double         y);
/* Centre of a port's dot in widget coordinates; FALSE if there is no such port. */
gboolean      em_graph_view_get_port_position  (EmGraphView      *self,
                                                const char       *node_id,
                                                EmPortDirection   direction,
                                                const char       *port_id,
                                                double           *x,
                                                double           *y);

/* What the link gesture calls, public so tests and other input paths drive
 * the very same code.  end_link() links when (x, y) is over an input dot or
 * a card with a free compatible input; over a port that refuses, it emits
 * "link-refused" and shows "Cannot link: <reason>".  Returns TRUE if a link
 * was added. */
gboolean      em_graph_view_begin_link         (EmGraphView   *self,
                                                const char    *node_id,
                                                const char    *port_id);
void          em_graph_view_update_link        (EmGraphView   *self,
                                                double         x,
                                                double         y);
gboolean      em_graph_view_end_link           (EmGraphView   *self,
                                                double         x,
                                                double         y);
void          em_graph_view_cancel_link        (EmGraphView   *self);

/* Keyboard link mode (what Return does): from the selected node's first
 * output, with a target chosen by the arrows.  "next" moves the target
 * through the other nodes, nearest first in the direction (dx, dy). */
gboolean      em_graph_view_start_link_mode    (EmGraphView   *self);
gboolean      em_graph_view_get_link_mode      (EmGraphView   *self);
void          em_graph_view_link_mode_move     (EmGraphView   *self,
                                                int            dx,
                                                int            dy);
const char   *em_graph_view_get_link_target    (EmGraphView   *self);
gboolean      em_graph_view_confirm_link_mode  (EmGraphView   *self);

/* The rubber band the background drag draws, public so tests drive the
 * very same code: begin at widget (x, y) (@extend: keep the current
 * selection, as shift does), update selects every card the rectangle
 * touches, end leaves that selection.  get_band() gives the rectangle in
 * widget coordinates; FALSE when no band is being drawn. */
void          em_graph_view_begin_band         (EmGraphView     *self,
                                                double           x,
                                                double           y,
                                                gboolean         extend);
void          em_graph_view_update_band        (EmGraphView     *self,
                                                double           x,
                                                double           y);
void          em_graph_view_end_band           (EmGraphView     *self);
gboolean      em_graph_view_get_band           (EmGraphView     *self,
                                                graphene_rect_t *rect);

/* The drop target's handler: @payload "block:ID" dropped at widget (x, y)
 * emits "block-dropped" (id, graph x, graph y).  FALSE for other payloads. */
gboolean      em_graph_view_drop_block         (EmGraphView   *self,
                                                const char    *payload,
                                                double         x,
                                                double         y);

/* The banner text ("Cannot link: ..."), or NULL when none is shown. */
const char   *em_graph_view_get_message        (EmGraphView   *self);

G_END_DECLS
