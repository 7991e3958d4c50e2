/* SPDX-License-Identifier: Apache-2.0 */
/* EmGraphView's input: Helvum's model (drag cards, drag from port to port,
 * scroll and pinch), a context menu, palette drops, and a keyboard path for
 * everything through actions and key bindings.  The handlers only decide
 * what a gesture means; the editing itself is in em-graph-view.c. */
#include <glib/gi18n.h>
#include <math.h>

#include "em-graph-view-private.h"

static void action_popup (GtkWidget  *widget,
                          const char *name,
                          GVariant   *param);

/* ---- actions ----------------------------------------------------------------- */

void
em_graph_view_update_actions (EmGraphView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean has_nodes = g_hash_table_size (self->selected) > 0;

  gtk_widget_action_set_enabled (widget, "graph.delete",
                                 !self->link_mode && (has_nodes || self->selected_link != NULL));
  gtk_widget_action_set_enabled (widget, "graph.activate", !self->link_mode && has_nodes);
  gtk_widget_action_set_enabled (widget, "graph.link-mode", self->link_mode || has_nodes);
  /* Disabled, Escape keeps its meaning for whatever holds the canvas. */
  gtk_widget_action_set_enabled (widget, "graph.cancel",
                                 self->link_node != NULL || has_nodes ||
                                 self->selected_link != NULL || self->band);
}

static void
action_delete (GtkWidget  *widget,
               const char *name,
               GVariant   *param)
{
  em_graph_view_delete_selection (EM_GRAPH_VIEW (widget));
}

static void
action_activate (GtkWidget  *widget,
                 const char *name,
                 GVariant   *param)
{
  EmGraphView *self = EM_GRAPH_VIEW (widget);
  g_autoptr(GPtrArray) sel = em_graph_view_get_selected_nodes (self);

  if (sel->len > 0)
    em_graph_view_emit_activated (self, g_ptr_array_index (sel, 0));
}

static void
action_link_mode (GtkWidget  *widget,
                  const char *name,
                  GVariant   *param)
{
  EmGraphView *self = EM_GRAPH_VIEW (widget);

  if (self->link_mode)
    em_graph_view_confirm_link_mode (self);
  else
    em_graph_view_start_link_mode (self);
}

static void
action_cancel (GtkWidget  *widget,
               const char *name,
               GVariant   *param)
{
  EmGraphView *self = EM_GRAPH_VIEW (widget);

  if (self->link_node != NULL)
    em_graph_view_cancel_link (self);
  else
    {
      em_graph_view_end_band (self);
      em_graph_view_clear_selection (self);
    }
}

static void
action_select_step (GtkWidget  *widget,
                    const char *name,
                    GVariant   *param)
{
  em_graph_view_select_step (EM_GRAPH_VIEW (widget), g_str_equal (name, "graph.select-next") ? 1 : -1);
}

/* Arrows: pick a target in link mode, else move the selection by (dx, dy)
 * graph units, else scroll. */
static void
action_move (GtkWidget  *widget,
             const char *name,
             GVariant   *param)
{
  EmGraphView *self = EM_GRAPH_VIEW (widget);
  int dx, dy;

  g_variant_get (param, "(ii)", &dx, &dy);
  if (self->link_mode)
    em_graph_view_link_mode_move (self, (dx > 0) - (dx < 0), (dy > 0) - (dy < 0));
  else
    em_graph_view_move_selection (self, dx, dy);
}

static void
action_zoom (GtkWidget  *widget,
             const char *name,
             GVariant   *param)
{
  EmGraphView *self = EM_GRAPH_VIEW (widget);
  double zoom = em_graph_view_get_zoom_factor (self);

  if (g_str_equal (name, "graph.zoom-in"))
    zoom *= 1.25;
  else if (g_str_equal (name, "graph.zoom-out"))
    zoom /= 1.25;
  else
    zoom = 1.0;
  em_graph_view_set_zoom_factor (self, zoom);
}

/* Tab: FALSE past the last node, so GTK moves focus on instead. */
static gboolean
tab_binding (GtkWidget *widget,
             GVariant  *args,
             gpointer   user_data)
{
  return em_graph_view_select_step (EM_GRAPH_VIEW (widget), g_variant_get_int32 (args));
}

void
em_graph_view_class_setup_input (GtkWidgetClass *widget_class)
{
  static const struct { guint key; int dx, dy; } arrows[] = {
    { GDK_KEY_Left, -1, 0 }, { GDK_KEY_Right, 1, 0 }, { GDK_KEY_Up, 0, -1 }, { GDK_KEY_Down, 0, 1 },
    { GDK_KEY_KP_Left, -1, 0 }, { GDK_KEY_KP_Right, 1, 0 }, { GDK_KEY_KP_Up, 0, -1 },
    { GDK_KEY_KP_Down, 0, 1 },
  };

  gtk_widget_class_install_action (widget_class, "graph.delete", NULL, action_delete);
  gtk_widget_class_install_action (widget_class, "graph.activate", NULL, action_activate);
  gtk_widget_class_install_action (widget_class, "graph.link-mode", NULL, action_link_mode);
  gtk_widget_class_install_action (widget_class, "graph.cancel", NULL, action_cancel);
  gtk_widget_class_install_action (widget_class, "graph.select-next", NULL, action_select_step);
  gtk_widget_class_install_action (widget_class, "graph.select-previous", NULL,
                                   action_select_step);
  gtk_widget_class_install_action (widget_class, "graph.move", "(ii)", action_move);
  gtk_widget_class_install_action (widget_class, "graph.zoom-in", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "graph.zoom-out", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "graph.zoom-reset", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "menu.popup", NULL, action_popup);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "graph.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "graph.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_BackSpace, 0, "graph.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0, "graph.link-mode", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, 0, "graph.link-mode", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "graph.activate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_ALT_MASK,
                                       "graph.activate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "graph.cancel", NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Tab, 0, tab_binding, "i", 1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Tab, 0, tab_binding, "i", 1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_ISO_Left_Tab, GDK_SHIFT_MASK, tab_binding,
                                "i", -1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Tab, GDK_SHIFT_MASK, tab_binding, "i", -1);
  for (guint i = 0; i < G_N_ELEMENTS (arrows); i++)
    {
      gtk_widget_class_add_binding_action (widget_class, arrows[i].key, 0, "graph.move", "(ii)",
                                           arrows[i].dx * (int) EM_GRAPH_GRID,
                                           arrows[i].dy * (int) EM_GRAPH_GRID);
      gtk_widget_class_add_binding_action (widget_class, arrows[i].key, GDK_SHIFT_MASK,
                                           "graph.move", "(ii)", arrows[i].dx * 4,
                                           arrows[i].dy * 4);
    }
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK,
                                       "graph.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK,
                                       "graph.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK,
                                       "graph.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK,
                                       "graph.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK,
                                       "graph.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK,
                                       "graph.zoom-reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK,
                                       "menu.popup", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0, "menu.popup", NULL);
}

/* ---- context menu ------------------------------------------------------------ */

void
em_graph_view_popup_menu (EmGraphView *self,
                          double       x,
                          double       y)
{
  if (self->menu == NULL)
    {
      g_autoptr(GMenu) menu = g_menu_new ();

      g_menu_append (menu, _("_Open Block"), "graph.activate");
      g_menu_append (menu, _("_Delete"), "graph.delete");
      self->menu = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
      gtk_widget_set_parent (self->menu, GTK_WIDGET (self));
      gtk_popover_set_has_arrow (GTK_POPOVER (self->menu), FALSE);
      gtk_widget_set_halign (self->menu, GTK_ALIGN_START);
    }
  gtk_popover_set_pointing_to (GTK_POPOVER (self->menu), &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->menu));
}

static void
action_popup (GtkWidget  *widget,
              const char *name,
              GVariant   *param)
{
  EmGraphView *self = EM_GRAPH_VIEW (widget);
  g_autoptr(GPtrArray) sel = em_graph_view_get_selected_nodes (self);
  double x = gtk_widget_get_width (widget) / 2.0, y = gtk_widget_get_height (widget) / 2.0;

  /* From the keyboard the menu opens at the selected card. */
  if (sel->len > 0)
    {
      const EmGraphNode *node = em_graph_model_get_node (self->model, g_ptr_array_index (sel, 0));
      em_graph_view_to_widget (self, node->x + EM_GRAPH_NODE_WIDTH / 2, node->y + EM_GRAPH_HEADER,
                               &x, &y);
    }
  em_graph_view_popup_menu (self, x, y);
}

/* ---- pointer ------------------------------------------------------------------ */

static void
start_moving (EmGraphView *self)
{
  g_autoptr(GPtrArray) sel = em_graph_view_get_selected_nodes (self);

  g_ptr_array_set_size (self->moving, 0);
  g_array_set_size (self->move_start, 0);
  for (guint i = 0; i < sel->len; i++)
    {
      const EmGraphNode *node = em_graph_model_get_node (self->model, g_ptr_array_index (sel, i));
      g_ptr_array_add (self->moving, g_strdup (node->id));
      g_array_append_val (self->move_start, node->x);
      g_array_append_val (self->move_start, node->y);
    }
  self->drag = EM_GRAPH_DRAG_NODES;
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               EmGraphView    *self)
{
  GdkModifierType mods = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  gboolean extend = (mods & (GDK_SHIFT_MASK | GDK_CONTROL_MASK)) != 0;
  g_autofree char *node = NULL;
  g_autofree char *port = NULL;
  EmPortDirection dir;
  guint link_index;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  self->drag = EM_GRAPH_DRAG_NONE;
  self->drag_x = x;
  self->drag_y = y;
  if (self->link_mode)
    em_graph_view_cancel_link (self);
  if (self->model == NULL)
    return;
  if (gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture)) == GDK_BUTTON_MIDDLE)
    ;
  else if (em_graph_view_port_at (self, x, y, &node, &port, &dir))
    {
      if (dir == EM_PORT_DIRECTION_INPUT)
        {
          /* Grabbing a linked input picks its last link up again, to drop
           * it elsewhere or nowhere. */
          GPtrArray *links = em_graph_model_get_links (self->model);
          for (guint i = links->len; i > 0; i--)
            {
              EmGraphLink *link = g_ptr_array_index (links, i - 1);
              if (g_str_equal (link->to_node, node) && g_str_equal (link->to_port, port))
                {
                  g_autofree char *from_node = g_strdup (link->from_node);
                  g_autofree char *from_port = g_strdup (link->from_port);

                  em_graph_model_remove_link (self->model, from_node, from_port, node, port);
                  em_graph_view_begin_link (self, from_node, from_port);
                  em_graph_view_update_link (self, x, y);
                  self->drag = EM_GRAPH_DRAG_LINK;
                  break;
                }
            }
          return;
        }
      em_graph_view_begin_link (self, node, port);
      self->drag = EM_GRAPH_DRAG_LINK;
      return;
    }
  else if ((node = em_graph_view_node_at (self, x, y)) != NULL)
    {
      if (!g_hash_table_contains (self->selected, node) || extend)
        em_graph_view_select_node (self, node, extend);
      start_moving (self);
      return;
    }
  else if (em_graph_view_link_at (self, x, y, &link_index))
    {
      EmGraphLink *link = g_ptr_array_index (em_graph_model_get_links (self->model), link_index);
      em_graph_view_select_link (self, link->from_node, link->from_port, link->to_node,
                                 link->to_port);
      return;
    }
  else
    {
      /* The empty canvas: a rubber band (the middle button still pans). */
      em_graph_view_begin_band (self, x, y, extend);
      self->drag = EM_GRAPH_DRAG_BAND;
      return;
    }
  self->drag = EM_GRAPH_DRAG_PAN;
  self->pan_start_x = self->pan_x;
  self->pan_start_y = self->pan_y;
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                EmGraphView    *self)
{
  switch (self->drag)
    {
    case EM_GRAPH_DRAG_NODES:
      for (guint i = 0; i < self->moving->len; i++)
        {
          const char *id = g_ptr_array_index (self->moving, i);
          if (em_graph_model_get_node (self->model, id) != NULL)
            em_graph_model_move_node (self->model, id,
                                      g_array_index (self->move_start, double, 2 * i) + dx / self->zoom,
                                      g_array_index (self->move_start, double, 2 * i + 1) + dy / self->zoom);
        }
      break;
    case EM_GRAPH_DRAG_PAN:
      em_graph_view_set_pan (self, self->pan_start_x + dx, self->pan_start_y + dy);
      break;
    case EM_GRAPH_DRAG_LINK:
      em_graph_view_update_link (self, self->drag_x + dx, self->drag_y + dy);
      break;
    case EM_GRAPH_DRAG_BAND:
      em_graph_view_update_band (self, self->drag_x + dx, self->drag_y + dy);
      break;
    case EM_GRAPH_DRAG_NONE:
    default:
      break;
    }
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             EmGraphView    *self)
{
  if (self->drag == EM_GRAPH_DRAG_LINK)
    em_graph_view_end_link (self, self->drag_x + dx, self->drag_y + dy);
  if (self->drag == EM_GRAPH_DRAG_BAND)
    em_graph_view_end_band (self);
  self->drag = EM_GRAPH_DRAG_NONE;
  g_ptr_array_set_size (self->moving, 0);
}

static void
on_drag_cancel (GtkGesture       *gesture,
                GdkEventSequence *sequence,
                EmGraphView      *self)
{
  if (self->drag == EM_GRAPH_DRAG_LINK)
    em_graph_view_cancel_link (self);
  em_graph_view_end_band (self);
  self->drag = EM_GRAPH_DRAG_NONE;
}

static void
on_pressed (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            EmGraphView     *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  g_autofree char *node = em_graph_view_node_at (self, x, y);
  guint link_index;

  if (button == GDK_BUTTON_PRIMARY)
    {
      if (n_press == 2 && node != NULL)
        em_graph_view_emit_activated (self, node);
      return;
    }
  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (node != NULL)
    {
      if (!g_hash_table_contains (self->selected, node))
        em_graph_view_select_node (self, node, FALSE);
    }
  else if (em_graph_view_link_at (self, x, y, &link_index))
    {
      EmGraphLink *link = g_ptr_array_index (em_graph_model_get_links (self->model), link_index);
      em_graph_view_select_link (self, link->from_node, link->from_port, link->to_node,
                                 link->to_port);
    }
  else
    {
      em_graph_view_clear_selection (self);
      return;
    }
  em_graph_view_popup_menu (self, x, y);
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
on_motion (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           EmGraphView              *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
}

static gboolean
on_scroll (GtkEventControllerScroll *scroll,
           double                    dx,
           double                    dy,
           EmGraphView              *self)
{
  GdkModifierType mods = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (scroll));
  double step = gtk_event_controller_scroll_get_unit (scroll) == GDK_SCROLL_UNIT_WHEEL ? 40.0 : 1.0;

  if (mods & GDK_CONTROL_MASK)
    em_graph_view_zoom_at (self, self->zoom * pow (1.1, -dy * (step > 1 ? 1 : 0.1)),
                           self->pointer_x, self->pointer_y);
  else if (mods & GDK_SHIFT_MASK)
    em_graph_view_set_pan (self, self->pan_x - dy * step, self->pan_y - dx * step);
  else
    em_graph_view_set_pan (self, self->pan_x - dx * step, self->pan_y - dy * step);
  return TRUE;
}

static void
on_zoom_begin (GtkGesture       *gesture,
               GdkEventSequence *sequence,
               EmGraphView      *self)
{
  self->zoom_start = self->zoom;
  gtk_gesture_get_bounding_box_center (gesture, &self->zoom_cx, &self->zoom_cy);
}

static void
on_zoom_changed (GtkGestureZoom *gesture,
                 double          scale,
                 EmGraphView    *self)
{
  em_graph_view_zoom_at (self, self->zoom_start * scale, self->zoom_cx, self->zoom_cy);
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         EmGraphView   *self)
{
  return G_VALUE_HOLDS_STRING (value) &&
         em_graph_view_drop_block (self, g_value_get_string (value), x, y);
}

static gboolean
on_query_tooltip (GtkWidget   *widget,
                  int          x,
                  int          y,
                  gboolean     keyboard,
                  GtkTooltip  *tooltip,
                  EmGraphView *self)
{
  g_autofree char *node_id = NULL;
  g_autofree char *port_id = NULL;
  EmPortDirection dir;

  if (self->message != NULL && self->link_node == NULL && !keyboard)
    return FALSE;
  if (em_graph_view_port_at (self, x, y, &node_id, &port_id, &dir))
    {
      const EmGraphPort *port = em_graph_model_get_port (self->model, node_id, dir, port_id);
      g_autofree char *types = g_strjoinv (", ", port->types);
      g_autofree char *text = NULL;

      if (dir == EM_PORT_DIRECTION_INPUT)
        text = g_strdup_printf (_("%s — takes %s"), port->label, types);
      else
        text = g_strdup_printf (_("%s — gives %s"), port->label, types);
      gtk_tooltip_set_text (tooltip, text);
      return TRUE;
    }
  if ((node_id = em_graph_view_node_at (self, x, y)) != NULL)
    {
      const EmGraphNode *node = em_graph_model_get_node (self->model, node_id);
      g_autofree char *title = g_markup_escape_text (node->title, -1);
      g_autofree char *desc = g_markup_escape_text (node->description, -1);
      g_autofree char *markup = node->description[0] != '\0'
                                ? g_strdup_printf ("<b>%s</b>\n%s", title, desc)
                                : g_strdup_printf ("<b>%s</b>", title);

      gtk_tooltip_set_markup (tooltip, markup);
      return TRUE;
    }
  return FALSE;
}

void
em_graph_view_setup_input (EmGraphView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  GtkGesture *zoom = gtk_gesture_zoom_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *scroll =
    gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  GtkDropTarget *drop = gtk_drop_target_new (G_TYPE_STRING, GDK_ACTION_COPY);

  /* Primary and middle; the click gesture takes secondary for the menu. */
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), 0);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  g_signal_connect (drag, "cancel", G_CALLBACK (on_drag_cancel), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (drag));

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (click));

  g_signal_connect (zoom, "begin", G_CALLBACK (on_zoom_begin), self);
  g_signal_connect (zoom, "scale-changed", G_CALLBACK (on_zoom_changed), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (zoom));

  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  gtk_widget_add_controller (widget, motion);

  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (widget, scroll);

  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (drop));

  gtk_widget_set_has_tooltip (widget, TRUE);
  g_signal_connect (widget, "query-tooltip", G_CALLBACK (on_query_tooltip), self);
}
