/* SPDX-License-Identifier: Apache-2.0 */
/* EmGraphView's linking: the pointer's drag from port to port and the
 * keyboard's link mode share one path (pick an input, ask the model, link
 * or announce the refusal), so both refuse with the same words. */
#include <glib/gi18n.h>
#include <math.h>

#include "em-graph-view-private.h"

/* ---- linking ------------------------------------------------------------------ */

static void
set_hover (EmGraphView *self,
           const char  *node_id,
           const char  *port_id,
           gboolean     ok)
{
  g_free (self->hover_node);
  g_free (self->hover_port);
  self->hover_node = g_strdup (node_id);
  self->hover_port = g_strdup (port_id);
  self->hover_ok = ok;
}

void
em_graph_view_stop_linking (EmGraphView *self)
{
  g_clear_pointer (&self->link_node, g_free);
  g_clear_pointer (&self->link_port, g_free);
  g_clear_pointer (&self->link_target, g_free);
  set_hover (self, NULL, NULL, FALSE);
  self->link_mode = FALSE;
  em_graph_view_update_actions (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
em_graph_view_begin_link (EmGraphView *self,
                          const char  *node_id,
                          const char  *port_id)
{
  g_return_val_if_fail (EM_IS_GRAPH_VIEW (self), FALSE);
  if (self->model == NULL ||
      em_graph_model_get_port (self->model, node_id, EM_PORT_DIRECTION_OUTPUT, port_id) == NULL)
    return FALSE;
  em_graph_view_stop_linking (self);
  self->link_node = g_strdup (node_id);
  self->link_port = g_strdup (port_id);
  em_graph_view_get_port_position (self, node_id, EM_PORT_DIRECTION_OUTPUT, port_id,
                                   &self->link_x, &self->link_y);
  em_graph_view_set_message (self, NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

void
em_graph_view_cancel_link (EmGraphView *self)
{
  g_return_if_fail (EM_IS_GRAPH_VIEW (self));
  em_graph_view_stop_linking (self);
}

/* The input of @node_id the link being drawn would take: the first one that
 * accepts it, or NULL with why not (the first input's reason). */
static const char *
pick_input (EmGraphView  *self,
            const char   *node_id,
            char        **reason)
{
  const EmGraphNode *node = em_graph_model_get_node (self->model, node_id);
  g_autofree char *first_reason = NULL;

  if (node->inputs->len == 0)
    {
      *reason = g_strdup_printf (_("%s takes no input"), node->title);
      return NULL;
    }
  for (guint i = 0; i < node->inputs->len; i++)
    {
      const EmGraphPort *port = g_ptr_array_index (node->inputs, i);
      g_autofree char *why = NULL;

      if (em_graph_model_can_link (self->model, self->link_node, self->link_port, node_id,
                                   port->id, &why))
        return port->id;
      if (first_reason == NULL)
        first_reason = g_steal_pointer (&why);
    }
  *reason = g_steal_pointer (&first_reason);
  return NULL;
}

static gboolean
finish_link (EmGraphView *self,
             const char  *to_node,
             const char  *to_port,
             const char  *refusal)
{
  g_autoptr(GError) error = NULL;

  if (to_port != NULL &&
      em_graph_model_add_link (self->model, self->link_node, self->link_port, to_node, to_port,
                               &error))
    {
      em_graph_view_stop_linking (self);
      return TRUE;
    }
  {
    const char *reason = error != NULL ? error->message : refusal;
    g_autofree char *text = g_strdup_printf (_("Cannot link: %s"), reason);

    em_graph_view_set_message (self, text);
    em_graph_view_stop_linking (self);
    em_graph_view_emit_refused (self, reason);
  }
  return FALSE;
}

void
em_graph_view_update_link (EmGraphView *self,
                           double       x,
                           double       y)
{
  g_autofree char *node = NULL;
  g_autofree char *port = NULL;
  EmPortDirection dir;

  g_return_if_fail (EM_IS_GRAPH_VIEW (self));
  if (self->link_node == NULL)
    return;
  self->link_x = x;
  self->link_y = y;
  if (em_graph_view_port_at (self, x, y, &node, &port, &dir) && dir == EM_PORT_DIRECTION_INPUT)
    set_hover (self, node, port,
               em_graph_model_can_link (self->model, self->link_node, self->link_port, node,
                                        port, NULL));
  else
    set_hover (self, NULL, NULL, FALSE);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
em_graph_view_end_link (EmGraphView *self,
                        double       x,
                        double       y)
{
  g_autofree char *node = NULL;
  g_autofree char *port = NULL;
  g_autofree char *reason = NULL;
  EmPortDirection dir;

  g_return_val_if_fail (EM_IS_GRAPH_VIEW (self), FALSE);
  if (self->link_node == NULL)
    return FALSE;
  if (em_graph_view_port_at (self, x, y, &node, &port, &dir))
    {
      if (dir == EM_PORT_DIRECTION_INPUT)
        return finish_link (self, node, port, NULL);
      /* Output onto output is a slip, not a request worth a refusal. */
      em_graph_view_stop_linking (self);
      return FALSE;
    }
  node = em_graph_view_node_at (self, x, y);
  if (node == NULL || g_str_equal (node, self->link_node))
    {
      em_graph_view_stop_linking (self);
      return FALSE;
    }
  {
    const char *input = pick_input (self, node, &reason);
    return finish_link (self, node, input, reason);
  }
}

gboolean
em_graph_view_link_source_pos (EmGraphView *self,
                               double      *x,
                               double      *y)
{
  return self->link_node != NULL &&
         em_graph_view_get_port_position (self, self->link_node, EM_PORT_DIRECTION_OUTPUT,
                                          self->link_port, x, y);
}

/* Where the live curve ends: the pointer, or in link mode the target's
 * chosen input (or its left edge when none fits). */
gboolean
em_graph_view_link_target_pos (EmGraphView *self,
                               double      *x,
                               double      *y)
{
  if (self->link_node == NULL)
    return FALSE;
  if (!self->link_mode)
    {
      *x = self->link_x;
      *y = self->link_y;
      return TRUE;
    }
  if (self->link_target == NULL)
    return FALSE;
  if (self->hover_port != NULL)
    return em_graph_view_get_port_position (self, self->link_target, EM_PORT_DIRECTION_INPUT,
                                            self->hover_port, x, y);
  {
    const EmGraphNode *node = em_graph_model_get_node (self->model, self->link_target);
    em_graph_view_to_widget (self, node->x, node->y + EM_GRAPH_HEADER / 2, x, y);
  }
  return TRUE;
}

/* ---- keyboard link mode -------------------------------------------------------- */

void
em_graph_view_set_link_target (EmGraphView *self,
                               const char  *node_id)
{
  g_autofree char *reason = NULL;
  const char *input;

  g_free (self->link_target);
  self->link_target = g_strdup (node_id);
  input = node_id != NULL ? pick_input (self, node_id, &reason) : NULL;
  set_hover (self, node_id, input, input != NULL);
  /* Say in advance what Return would do, as the pointer's colours do. */
  if (node_id != NULL && input == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Cannot link: %s"), reason);
      em_graph_view_set_message (self, text);
    }
  else
    em_graph_view_set_message (self, NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
node_centre (const EmGraphNode *node,
             double            *x,
             double            *y)
{
  *x = node->x + EM_GRAPH_NODE_WIDTH / 2;
  *y = node->y + em_graph_view_node_height (node) / 2;
}

gboolean
em_graph_view_start_link_mode (EmGraphView *self)
{
  g_autoptr(GPtrArray) sel = NULL;
  const EmGraphNode *node;

  g_return_val_if_fail (EM_IS_GRAPH_VIEW (self), FALSE);
  if (self->model == NULL)
    return FALSE;
  sel = em_graph_view_get_selected_nodes (self);
  if (sel->len == 0)
    return FALSE;
  node = em_graph_model_get_node (self->model, g_ptr_array_index (sel, 0));
  if (node->outputs->len == 0)
    {
      g_autofree char *text = g_strdup_printf (_("%s has no output to link"), node->title);
      em_graph_view_set_message (self, text);
      return FALSE;
    }
  em_graph_view_begin_link (self, node->id,
                            ((EmGraphPort *) g_ptr_array_index (node->outputs, 0))->id);
  self->link_mode = TRUE;
  em_graph_view_update_actions (self);
  /* Start at the block to the right, where data usually flows. */
  em_graph_view_link_mode_move (self, 1, 0);
  if (self->link_target == NULL)
    em_graph_view_link_mode_move (self, -1, 0);
  return TRUE;
}

gboolean
em_graph_view_get_link_mode (EmGraphView *self)
{
  g_return_val_if_fail (EM_IS_GRAPH_VIEW (self), FALSE);
  return self->link_mode;
}

const char *
em_graph_view_get_link_target (EmGraphView *self)
{
  g_return_val_if_fail (EM_IS_GRAPH_VIEW (self), NULL);
  return self->link_target;
}

/* Picks the nearest node in the direction (dx, dy), measured from the
 * current target (or the source) between card centres; sideways distance
 * counts double so the pick follows the arrow rather than the crowd. */
void
em_graph_view_link_mode_move (EmGraphView *self,
                              int          dx,
                              int          dy)
{
  const EmGraphNode *from;
  GPtrArray *nodes;
  const EmGraphNode *best = NULL;
  double best_score = G_MAXDOUBLE, fx, fy;

  g_return_if_fail (EM_IS_GRAPH_VIEW (self));
  if (!self->link_mode || (dx == 0 && dy == 0))
    return;
  from = em_graph_model_get_node (self->model,
                                  self->link_target != NULL ? self->link_target : self->link_node);
  node_centre (from, &fx, &fy);
  nodes = em_graph_model_get_nodes (self->model);
  /* First within 45° of the arrow, then anywhere on its side. */
  for (int pass = 0; pass < 2 && best == NULL; pass++)
    for (guint i = 0; i < nodes->len; i++)
      {
        const EmGraphNode *node = g_ptr_array_index (nodes, i);
        double cx, cy, along, across, score;

        if (node == from || g_str_equal (node->id, self->link_node))
          continue;
        node_centre (node, &cx, &cy);
        along = (cx - fx) * dx + (cy - fy) * dy;
        across = fabs ((cx - fx) * dy - (cy - fy) * dx);
        if (along <= 0 || (pass == 0 && along < across))
          continue;
        score = along + 2 * across;
        if (score < best_score)
          {
            best_score = score;
            best = node;
          }
      }
  if (best != NULL)
    em_graph_view_set_link_target (self, best->id);
}

gboolean
em_graph_view_confirm_link_mode (EmGraphView *self)
{
  g_autofree char *reason = NULL;
  g_autofree char *target = NULL;
  const char *input;

  g_return_val_if_fail (EM_IS_GRAPH_VIEW (self), FALSE);
  if (!self->link_mode)
    return FALSE;
  if (self->link_target == NULL)
    {
      em_graph_view_stop_linking (self);
      return FALSE;
    }
  target = g_strdup (self->link_target);
  input = pick_input (self, target, &reason);
  return finish_link (self, target, input, reason);
}
