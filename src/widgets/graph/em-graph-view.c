/* SPDX-License-Identifier: Apache-2.0 */
/* EmGraphView: state, geometry, hit tests and editing.  Drawing lives in
 * em-graph-view-draw.c, gestures and keys in em-graph-view-input.c. */
#include <glib/gi18n.h>
#include <math.h>

#include "em-graph-view-private.h"

G_DEFINE_FINAL_TYPE (EmGraphView, em_graph_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MODEL,
  PROP_ZOOM_FACTOR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  NODE_ACTIVATED,
  LINK_REFUSED,
  BLOCK_DROPPED,
  SELECTION_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- geometry ------------------------------------------------------------- */

double
em_graph_view_node_height (const EmGraphNode *node)
{
  guint rows = MAX (MAX (node->inputs->len, node->outputs->len), 1);

  return EM_GRAPH_HEADER + rows * EM_GRAPH_ROW + EM_GRAPH_PAD_BOTTOM;
}

void
em_graph_view_port_graph_pos (const EmGraphNode *node,
                              EmPortDirection    direction,
                              guint              index,
                              double            *gx,
                              double            *gy)
{
  *gx = node->x + (direction == EM_PORT_DIRECTION_OUTPUT ? EM_GRAPH_NODE_WIDTH : 0.0);
  *gy = node->y + EM_GRAPH_HEADER + (index + 0.5) * EM_GRAPH_ROW;
}

/* Helvum's curve: both control points sit half the horizontal distance out
 * from their port, so links leave outputs rightwards and enter inputs from
 * the left; the minimum keeps backward links from folding flat. */
void
em_graph_view_bezier (double  x1,
                      double  y1,
                      double  x2,
                      double  y2,
                      double *c1x,
                      double *c2x)
{
  double d = MAX (fabs (x2 - x1) / 2.0, 40.0);

  *c1x = x1 + d;
  *c2x = x2 - d;
}

void
em_graph_view_to_graph (EmGraphView *self,
                        double       x,
                        double       y,
                        double      *gx,
                        double      *gy)
{
  *gx = (x - self->pan_x) / self->zoom;
  *gy = (y - self->pan_y) / self->zoom;
}

void
em_graph_view_to_widget (EmGraphView *self,
                         double       gx,
                         double       gy,
                         double      *x,
                         double      *y)
{
  *x = gx * self->zoom + self->pan_x;
  *y = gy * self->zoom + self->pan_y;
}

/* ---- hit tests -------------------------------------------------------------- */

gboolean
em_graph_view_port_at (EmGraphView      *self,
                       double            x,
                       double            y,
                       char            **node_id,
                       char            **port_id,
                       EmPortDirection  *direction)
{
  GPtrArray *nodes;
  /* Generous in screen pixels: a 12 px dot is hard to hit at low zoom. */
  double reach = MAX (11.0, (EM_GRAPH_PORT_RADIUS + 4.0) * self->zoom);

  g_return_val_if_fail (EM_IS_GRAPH_VIEW (self), FALSE);
  if (self->model == NULL)
    return FALSE;
  nodes = em_graph_model_get_nodes (self->model);
  /* Top-most (last drawn) first. */
  for (guint i = nodes->len; i > 0; i--)
    {
      const EmGraphNode *node = g_ptr_array_index (nodes, i - 1);

      for (int dir = 0; dir < 2; dir++)
        {
          GPtrArray *ports = dir == EM_PORT_DIRECTION_INPUT ? node->inputs : node->outputs;

          for (guint p = 0; p < ports->len; p++)
            {
              const EmGraphPort *port = g_ptr_array_index (ports, p);
              double gx, gy, px, py;

              em_graph_view_port_graph_pos (node, dir, p, &gx, &gy);
              em_graph_view_to_widget (self, gx, gy, &px, &py);
              if (hypot (px - x, py - y) <= reach)
                {
                  if (node_id != NULL)
                    *node_id = g_strdup (node->id);
                  if (port_id != NULL)
                    *port_id = g_strdup (port->id);
                  if (direction != NULL)
                    *direction = dir;
                  return TRUE;
                }
            }
        }
    }
  return FALSE;
}

char *
em_graph_view_node_at (EmGraphView *self,
                       double       x,
                       double       y)
{
  GPtrArray *nodes;
  double gx, gy;

  g_return_val_if_fail (EM_IS_GRAPH_VIEW (self), NULL);
  if (self->model == NULL)
    return NULL;
  em_graph_view_to_graph (self, x, y, &gx, &gy);
  nodes = em_graph_model_get_nodes (self->model);
  for (guint i = nodes->len; i > 0; i--)
    {
      const EmGraphNode *node = g_ptr_array_index (nodes, i - 1);

      if (gx >= node->x && gx <= node->x + EM_GRAPH_NODE_WIDTH &&
          gy >= node->y && gy <= node->y + em_graph_view_node_height (node))
        return g_strdup (node->id);
    }
  return NULL;
}

gboolean
em_graph_view_get_port_position (EmGraphView      *self,
                                 const char       *node_id,
                                 EmPortDirection   direction,
                                 const char       *port_id,
                                 double           *x,
                                 double           *y)
{
  const EmGraphNode *node;
  GPtrArray *ports;

  g_return_val_if_fail (EM_IS_GRAPH_VIEW (self), FALSE);
  if (self->model == NULL || (node = em_graph_model_get_node (self->model, node_id)) == NULL)
    return FALSE;
  ports = direction == EM_PORT_DIRECTION_INPUT ? node->inputs : node->outputs;
  for (guint p = 0; p < ports->len; p++)
    {
      const EmGraphPort *port = g_ptr_array_index (ports, p);
      if (g_str_equal (port->id, port_id))
        {
          double gx, gy;

          em_graph_view_port_graph_pos (node, direction, p, &gx, &gy);
          em_graph_view_to_widget (self, gx, gy, x, y);
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
link_ends (EmGraphView       *self,
           const EmGraphLink *link,
           double            *x1,
           double            *y1,
           double            *x2,
           double            *y2)
{
  return em_graph_view_get_port_position (self, link->from_node, EM_PORT_DIRECTION_OUTPUT,
                                          link->from_port, x1, y1) &&
         em_graph_view_get_port_position (self, link->to_node, EM_PORT_DIRECTION_INPUT,
                                          link->to_port, x2, y2);
}

gboolean
em_graph_view_link_at (EmGraphView *self,
                       double       x,
                       double       y,
                       guint       *index)
{
  GPtrArray *links;

  if (self->model == NULL)
    return FALSE;
  links = em_graph_model_get_links (self->model);
  for (guint i = 0; i < links->len; i++)
    {
      double x1, y1, x2, y2, c1x, c2x, px, py;

      if (!link_ends (self, g_ptr_array_index (links, i), &x1, &y1, &x2, &y2))
        continue;
      em_graph_view_bezier (x1, y1, x2, y2, &c1x, &c2x);
      px = x1;
      py = y1;
      /* The curve as 32 chords is well within a 6 px hit band. */
      for (int s = 1; s <= 32; s++)
        {
          double t = s / 32.0, u = 1.0 - t;
          double bx = u * u * u * x1 + 3 * u * u * t * c1x + 3 * u * t * t * c2x + t * t * t * x2;
          double by = u * u * u * y1 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t * t * t * y2;
          double vx = bx - px, vy = by - py, len2 = vx * vx + vy * vy;
          double k = len2 > 0 ? CLAMP (((x - px) * vx + (y - py) * vy) / len2, 0.0, 1.0) : 0.0;

          if (hypot (px + k * vx - x, py + k * vy - y) <= 6.0)
            {
              if (index != NULL)
                *index = i;
              return TRUE;
            }
          px = bx;
          py = by;
        }
    }
  return FALSE;
}

/* ---- camera ------------------------------------------------------------------ */

void
em_graph_view_set_pan (EmGraphView *self,
                       double       x,
                       double       y)
{
  self->pan_x = x;
  self->pan_y = y;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Keeps the graph point under (cx, cy) in place, as maps do. */
void
em_graph_view_zoom_at (EmGraphView *self,
                       double       zoom,
                       double       cx,
                       double       cy)
{
  double gx, gy;

  zoom = CLAMP (zoom, EM_GRAPH_ZOOM_MIN, EM_GRAPH_ZOOM_MAX);
  if (zoom == self->zoom)
    return;
  em_graph_view_to_graph (self, cx, cy, &gx, &gy);
  self->zoom = zoom;
  self->pan_x = cx - gx * zoom;
  self->pan_y = cy - gy * zoom;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM_FACTOR]);
}

void
em_graph_view_set_zoom_factor (EmGraphView *self,
                               double       zoom)
{
  g_return_if_fail (EM_IS_GRAPH_VIEW (self));
  em_graph_view_zoom_at (self, zoom, gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
                         gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

double
em_graph_view_get_zoom_factor (EmGraphView *self)
{
  g_return_val_if_fail (EM_IS_GRAPH_VIEW (self), 1.0);
  return self->zoom;
}

/* ---- messages ---------------------------------------------------------------- */

static gboolean
message_expired (gpointer data)
{
  EmGraphView *self = data;

  self->message_timeout = 0;
  g_clear_pointer (&self->message, g_free);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return G_SOURCE_REMOVE;
}

void
em_graph_view_set_message (EmGraphView *self,
                           const char  *message)
{
  g_clear_handle_id (&self->message_timeout, g_source_remove);
  g_free (self->message);
  self->message = g_strdup (message);
  if (message != NULL)
    self->message_timeout = g_timeout_add_seconds (5, message_expired, self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
em_graph_view_get_message (EmGraphView *self)
{
  g_return_val_if_fail (EM_IS_GRAPH_VIEW (self), NULL);
  return self->message;
}

/* ---- selection ------------------------------------------------------------------ */

static void
selection_changed (EmGraphView *self)
{
  em_graph_view_update_actions (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

void
em_graph_view_notify_selection (EmGraphView *self)
{
  selection_changed (self);
}

static void
clear_link_selection (EmGraphView *self)
{
  if (self->selected_link == NULL)
    return;
  g_free (self->selected_link->from_node);
  g_free (self->selected_link->from_port);
  g_free (self->selected_link->to_node);
  g_free (self->selected_link->to_port);
  g_clear_pointer (&self->selected_link, g_free);
}

void
em_graph_view_clear_selection (EmGraphView *self)
{
  g_return_if_fail (EM_IS_GRAPH_VIEW (self));
  if (g_hash_table_size (self->selected) == 0 && self->selected_link == NULL)
    return;
  g_hash_table_remove_all (self->selected);
  clear_link_selection (self);
  selection_changed (self);
}

void
em_graph_view_select_node (EmGraphView *self,
                           const char  *node_id,
                           gboolean     extend)
{
  g_return_if_fail (EM_IS_GRAPH_VIEW (self));
  if (self->model == NULL || em_graph_model_get_node (self->model, node_id) == NULL)
    return;
  clear_link_selection (self);
  if (!extend)
    g_hash_table_remove_all (self->selected);
  g_hash_table_add (self->selected, g_strdup (node_id));
  selection_changed (self);
}

void
em_graph_view_select_link (EmGraphView *self,
                           const char  *from_node,
                           const char  *from_port,
                           const char  *to_node,
                           const char  *to_port)
{
  g_return_if_fail (EM_IS_GRAPH_VIEW (self));
  g_hash_table_remove_all (self->selected);
  clear_link_selection (self);
  self->selected_link = g_new0 (EmGraphLink, 1);
  self->selected_link->from_node = g_strdup (from_node);
  self->selected_link->from_port = g_strdup (from_port);
  self->selected_link->to_node = g_strdup (to_node);
  self->selected_link->to_port = g_strdup (to_port);
  selection_changed (self);
}

GPtrArray *
em_graph_view_get_selected_nodes (EmGraphView *self)
{
  GPtrArray *ids = g_ptr_array_new ();

  g_return_val_if_fail (EM_IS_GRAPH_VIEW (self), ids);
  if (self->model != NULL)
    {
      GPtrArray *nodes = em_graph_model_get_nodes (self->model);
      for (guint i = 0; i < nodes->len; i++)
        {
          EmGraphNode *node = g_ptr_array_index (nodes, i);
          if (g_hash_table_contains (self->selected, node->id))
            g_ptr_array_add (ids, node->id);
        }
    }
  return ids;
}

gboolean
em_graph_view_has_selected_link (EmGraphView *self)
{
  g_return_val_if_fail (EM_IS_GRAPH_VIEW (self), FALSE);
  return self->selected_link != NULL;
}

/* Tab's logic: one node selected at a time, in model order.  FALSE when
 * stepping past either end, which clears the selection so Tab can carry
 * focus on out of the canvas instead of trapping it. */
gboolean
em_graph_view_select_step (EmGraphView *self,
                           int          step)
{
  GPtrArray *nodes;
  g_autoptr(GPtrArray) sel = NULL;
  int current = -1, next;

  if (self->model == NULL || (nodes = em_graph_model_get_nodes (self->model))->len == 0)
    return FALSE;
  sel = em_graph_view_get_selected_nodes (self);
  if (sel->len > 0)
    for (guint i = 0; i < nodes->len; i++)
      if (g_str_equal (((EmGraphNode *) g_ptr_array_index (nodes, i))->id,
                       g_ptr_array_index (sel, step > 0 ? sel->len - 1 : 0)))
        current = (int) i;
  if (current < 0)
    next = step > 0 ? 0 : (int) nodes->len - 1;
  else
    next = current + step;
  if (next < 0 || next >= (int) nodes->len)
    {
      em_graph_view_clear_selection (self);
      return FALSE;
    }
  em_graph_view_select_node (self, ((EmGraphNode *) g_ptr_array_index (nodes, next))->id, FALSE);
  return TRUE;
}

void
em_graph_view_move_selection (EmGraphView *self,
                              double       dx,
                              double       dy)
{
  g_autoptr(GPtrArray) sel = em_graph_view_get_selected_nodes (self);

  if (sel->len == 0)
    {
      /* Nothing to move: the arrows scroll the canvas instead. */
      em_graph_view_set_pan (self, self->pan_x - dx * self->zoom, self->pan_y - dy * self->zoom);
      return;
    }
  for (guint i = 0; i < sel->len; i++)
    {
      const EmGraphNode *node = em_graph_model_get_node (self->model, g_ptr_array_index (sel, i));
      em_graph_model_move_node (self->model, node->id, node->x + dx, node->y + dy);
    }
}

void
em_graph_view_delete_selection (EmGraphView *self)
{
  if (self->model == NULL)
    return;
  if (self->selected_link != NULL)
    {
      EmGraphLink *link = self->selected_link;

      self->selected_link = NULL;
      em_graph_model_remove_link (self->model, link->from_node, link->from_port,
                                  link->to_node, link->to_port);
      g_free (link->from_node);
      g_free (link->from_port);
      g_free (link->to_node);
      g_free (link->to_port);
      g_free (link);
      selection_changed (self);
      return;
    }
  {
    g_autoptr(GPtrArray) sel = em_graph_view_get_selected_nodes (self);
    g_auto(GStrv) ids = NULL;
    GStrvBuilder *builder = g_strv_builder_new ();

    /* Copies: removing a node frees the strings @sel points into. */
    for (guint i = 0; i < sel->len; i++)
      g_strv_builder_add (builder, g_ptr_array_index (sel, i));
    ids = g_strv_builder_end (builder);
    g_strv_builder_unref (builder);
    for (guint i = 0; ids[i] != NULL; i++)
      em_graph_model_remove_node (self->model, ids[i]);
  }
}

void
em_graph_view_emit_activated (EmGraphView *self,
                              const char  *node_id)
{
  g_signal_emit (self, signals[NODE_ACTIVATED], 0, node_id);
}

void
em_graph_view_emit_refused (EmGraphView *self,
                            const char  *reason)
{
  g_signal_emit (self, signals[LINK_REFUSED], 0, reason);
}

/* ---- palette drops ---------------------------------------------------------------- */

gboolean
em_graph_view_drop_block (EmGraphView *self,
                          const char  *payload,
                          double       x,
                          double       y)
{
  double gx, gy;

  g_return_val_if_fail (EM_IS_GRAPH_VIEW (self), FALSE);
  if (payload == NULL || !g_str_has_prefix (payload, "block:") || payload[6] == '\0')
    return FALSE;
  em_graph_view_to_graph (self, x, y, &gx, &gy);
  /* The card's header lands under the pointer, not its corner. */
  g_signal_emit (self, signals[BLOCK_DROPPED], 0, payload + 6,
                 gx - EM_GRAPH_NODE_WIDTH / 2, gy - EM_GRAPH_HEADER / 2);
  return TRUE;
}

/* ---- model ----------------------------------------------------------------------- */

static void
on_model_changed (EmGraphView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_node_removed (EmGraphModel *model,
                 const char   *id,
                 EmGraphView  *self)
{
  if (g_hash_table_remove (self->selected, id))
    selection_changed (self);
  if (g_strcmp0 (self->link_node, id) == 0)
    em_graph_view_stop_linking (self);
  else if (g_strcmp0 (self->link_target, id) == 0)
    em_graph_view_set_link_target (self, NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_link_removed (EmGraphModel *model,
                 const char   *from_node,
                 const char   *from_port,
                 const char   *to_node,
                 const char   *to_port,
                 EmGraphView  *self)
{
  EmGraphLink *sel = self->selected_link;

  if (sel != NULL && g_str_equal (sel->from_node, from_node) &&
      g_str_equal (sel->from_port, from_port) && g_str_equal (sel->to_node, to_node) &&
      g_str_equal (sel->to_port, to_port))
    {
      clear_link_selection (self);
      selection_changed (self);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
em_graph_view_set_model (EmGraphView  *self,
                         EmGraphModel *model)
{
  g_return_if_fail (EM_IS_GRAPH_VIEW (self));
  g_return_if_fail (model == NULL || EM_IS_GRAPH_MODEL (model));

  if (self->model == model)
    return;
  em_graph_view_stop_linking (self);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_set_object (&self->model, model);
  g_hash_table_remove_all (self->selected);
  clear_link_selection (self);
  if (model != NULL)
    {
      g_signal_connect_swapped (model, "node-added", G_CALLBACK (on_model_changed), self);
      g_signal_connect_swapped (model, "node-moved", G_CALLBACK (on_model_changed), self);
      g_signal_connect_swapped (model, "node-changed", G_CALLBACK (on_model_changed), self);
      g_signal_connect_swapped (model, "link-added", G_CALLBACK (on_model_changed), self);
      g_signal_connect (model, "node-removed", G_CALLBACK (on_node_removed), self);
      g_signal_connect (model, "link-removed", G_CALLBACK (on_link_removed), self);
    }
  selection_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

EmGraphModel *
em_graph_view_get_model (EmGraphView *self)
{
  g_return_val_if_fail (EM_IS_GRAPH_VIEW (self), NULL);
  return self->model;
}

/* ---- GObject ---------------------------------------------------------------------- */

static void
em_graph_view_dispose (GObject *object)
{
  EmGraphView *self = EM_GRAPH_VIEW (object);

  /* Not set_model (NULL): its "selection-changed" would reach handlers
   * whose widgets are being disposed too. */
  em_graph_view_stop_linking (self);
  g_hash_table_remove_all (self->selected);
  clear_link_selection (self);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);
  g_clear_pointer (&self->menu, gtk_widget_unparent);
  g_clear_handle_id (&self->message_timeout, g_source_remove);
  G_OBJECT_CLASS (em_graph_view_parent_class)->dispose (object);
}

static void
em_graph_view_finalize (GObject *object)
{
  EmGraphView *self = EM_GRAPH_VIEW (object);

  clear_link_selection (self);
  g_hash_table_unref (self->selected);
  g_clear_pointer (&self->band_base, g_hash_table_unref);
  g_clear_pointer (&self->moving, g_ptr_array_unref);
  g_clear_pointer (&self->move_start, g_array_unref);
  g_free (self->message);
  g_free (self->link_node);
  g_free (self->link_port);
  g_free (self->link_target);
  g_free (self->hover_node);
  g_free (self->hover_port);
  G_OBJECT_CLASS (em_graph_view_parent_class)->finalize (object);
}

static void
em_graph_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  EmGraphView *self = EM_GRAPH_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    case PROP_ZOOM_FACTOR:
      g_value_set_double (value, self->zoom);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_graph_view_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  EmGraphView *self = EM_GRAPH_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      em_graph_view_set_model (self, g_value_get_object (value));
      break;
    case PROP_ZOOM_FACTOR:
      em_graph_view_set_zoom_factor (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_graph_view_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  EmGraphView *self = EM_GRAPH_VIEW (widget);

  if (self->menu != NULL)
    gtk_popover_present (GTK_POPOVER (self->menu));
}

static void
em_graph_view_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  *minimum = 120;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 720 : 420;
}

static void
em_graph_view_class_init (EmGraphViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = em_graph_view_dispose;
  object_class->finalize = em_graph_view_finalize;
  object_class->get_property = em_graph_view_get_property;
  object_class->set_property = em_graph_view_set_property;
  widget_class->snapshot = em_graph_view_snapshot_graph;
  widget_class->size_allocate = em_graph_view_size_allocate;
  widget_class->measure = em_graph_view_measure;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL, EM_TYPE_GRAPH_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM_FACTOR] =
    g_param_spec_double ("zoom-factor", NULL, NULL, EM_GRAPH_ZOOM_MIN, EM_GRAPH_ZOOM_MAX, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /** EmGraphView::node-activated: @node_id: double-click, space or alt+Return. */
  signals[NODE_ACTIVATED] = g_signal_new ("node-activated", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 1, G_TYPE_STRING);
  /** EmGraphView::link-refused: @reason: the model's sentence, without "Cannot link: ". */
  signals[LINK_REFUSED] = g_signal_new ("link-refused", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, G_TYPE_STRING);
  /** EmGraphView::block-dropped: @block_id, @x, @y: where the new card's corner goes, graph units. */
  signals[BLOCK_DROPPED] = g_signal_new ("block-dropped", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_DOUBLE,
                                         G_TYPE_DOUBLE);
  signals[SELECTION_CHANGED] = g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 0);

  em_graph_view_class_setup_input (widget_class);
  gtk_widget_class_set_css_name (widget_class, "graphview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
em_graph_view_init (EmGraphView *self)
{
  self->zoom = 1.0;
  self->pan_x = 24.0;
  self->pan_y = 24.0;
  self->selected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->moving = g_ptr_array_new_with_free_func (g_free);
  self->move_start = g_array_new (FALSE, FALSE, sizeof (double));
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  em_graph_view_setup_input (self);
  em_graph_view_update_actions (self);
}

GtkWidget *
em_graph_view_new (void)
{
  return g_object_new (EM_TYPE_GRAPH_VIEW, NULL);
}
