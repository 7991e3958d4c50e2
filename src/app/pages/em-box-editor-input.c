/* SPDX-License-Identifier: Apache-2.0 */
/* Pointer and keyboard input of the box editor: the drags (draw, move,
 * resize, pan), wheel zoom, Space for panning, and the cursor shapes. */
#include <math.h>

#include "em-box-editor-private.h"

#define MIN_BOX      1.0   /* image pixels: a smaller drawn box is a slip, not a box */
#define DRAW_START   3.0   /* widget pixels the pointer must move before a box is drawn */

/* ---- pointer ---------------------------------------------------------------------- */

static gboolean
inside (const EmBoundingBox *b, double ix, double iy)
{
  return ix >= b->x && ix <= b->x + b->width && iy >= b->y && iy <= b->y + b->height;
}

static int
hit_handle (EmBoxEditor *self, double x, double y)
{
  const EmBoundingBox *b;

  if (self->selected < 0 || self->selected >= (int) self->boxes->len)
    return -1;
  b = &g_array_index (self->boxes, EmBoundingBox, self->selected);
  for (int h = 0; h < N_HANDLES; h++)
    {
      double hx, hy;
      em_box_editor_handle_point (self, b, h, &hx, &hy);
      if (fabs (x - hx) <= EM_BOX_EDITOR_HANDLE_HIT && fabs (y - hy) <= EM_BOX_EDITOR_HANDLE_HIT)
        return h;
    }
  return -1;
}

/* The box under an image point: the selected one first, then the topmost
 * (last drawn). */
static int
hit_box (EmBoxEditor *self, double ix, double iy)
{
  if (self->selected >= 0 && self->selected < (int) self->boxes->len &&
      inside (&g_array_index (self->boxes, EmBoundingBox, self->selected), ix, iy))
    return self->selected;
  for (int i = (int) self->boxes->len - 1; i >= 0; i--)
    if (inside (&g_array_index (self->boxes, EmBoundingBox, i), ix, iy))
      return i;
  return -1;
}

void
em_box_editor_drag_begin (EmBoxEditor *self, double x, double y, gboolean pan)
{
  double ix, iy;
  int hit;

  g_return_if_fail (EM_IS_BOX_EDITOR (self));
  self->drag_mode = DRAG_NONE;
  self->drag_created = FALSE;
  if (self->image == NULL)
    return;
  self->drag_x = x;
  self->drag_y = y;
  self->drag_pan_x = self->pan_x;
  self->drag_pan_y = self->pan_y;
  em_box_editor_widget_to_image (self, x, y, &ix, &iy);
  /* Edges the user places land on pixel boundaries, as box formats
   * (Edge Impulse, VOC, COCO) mostly store them. */
  self->drag_ix = CLAMP (round (ix), 0, self->iw);
  self->drag_iy = CLAMP (round (iy), 0, self->ih);

  if (pan || self->space_down)
    {
      self->drag_mode = DRAG_PAN;
      return;
    }
  if ((hit = hit_handle (self, x, y)) >= 0)
    {
      self->drag_mode = DRAG_RESIZE;
      self->drag_handle = hit;
      self->drag_orig = g_array_index (self->boxes, EmBoundingBox, self->selected);
      return;
    }
  if ((hit = hit_box (self, ix, iy)) < 0)
    for (guint i = 0; i < self->proposals->len; i++)
      {
        const EmBoxProposal *p = &g_array_index (self->proposals, EmBoxProposal, i);
        EmBoundingBox b = { p->label, p->x, p->y, p->width, p->height };
        if (inside (&b, ix, iy))
          {
            /* Clicking a proposal accepts it; a drag goes on to move it. */
            em_box_editor_accept_proposal (self, i);
            hit = (int) self->boxes->len - 1;
            self->selected = hit;
            em_box_editor_commit (self);
            break;
          }
      }
  if (hit >= 0)
    {
      self->drag_mode = DRAG_MOVE;
      self->selected = hit;
      self->drag_orig = g_array_index (self->boxes, EmBoundingBox, hit);
      em_box_editor_changed (self);
      return;
    }
  if (ix < 0 || iy < 0 || ix > self->iw || iy > self->ih)
    {
      self->selected = -1;
      em_box_editor_changed (self);
      return;
    }
  self->drag_mode = DRAG_DRAW;
  self->selected = -1;
  em_box_editor_changed (self);
}

void
em_box_editor_drag_update (EmBoxEditor *self, double dx, double dy)
{
  double scale, ox, oy, ix, iy;
  EmBoundingBox *b;

  g_return_if_fail (EM_IS_BOX_EDITOR (self));
  if (self->drag_mode == DRAG_NONE)
    return;
  em_box_editor_layout (self, &scale, &ox, &oy);
  if (self->drag_mode == DRAG_PAN)
    {
      self->pan_x = self->drag_pan_x + dx;
      self->pan_y = self->drag_pan_y + dy;
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }
  if (self->drag_mode == DRAG_DRAW && !self->drag_created)
    {
      if (fabs (dx) < DRAW_START && fabs (dy) < DRAW_START)
        return;
      em_box_editor_append_box (self->boxes, em_box_editor_get_default_label (self), self->drag_ix,
                    self->drag_iy, 0, 0);
      self->selected = (int) self->boxes->len - 1;
      self->drag_created = TRUE;
    }
  b = &g_array_index (self->boxes, EmBoundingBox, self->selected);
  em_box_editor_widget_to_image (self, self->drag_x + dx, self->drag_y + dy, &ix, &iy);
  ix = CLAMP (round (ix), 0, self->iw);
  iy = CLAMP (round (iy), 0, self->ih);

  if (self->drag_mode == DRAG_DRAW)
    {
      b->x = MIN (self->drag_ix, ix);
      b->y = MIN (self->drag_iy, iy);
      b->width = fabs (ix - self->drag_ix);
      b->height = fabs (iy - self->drag_iy);
    }
  else if (self->drag_mode == DRAG_MOVE)
    {
      /* By whole pixels, so an imported box keeps its own sub-pixel edges. */
      b->x = CLAMP (self->drag_orig.x + round (dx / scale), 0, MAX (0, self->iw - b->width));
      b->y = CLAMP (self->drag_orig.y + round (dy / scale), 0, MAX (0, self->ih - b->height));
    }
  else if (self->drag_mode == DRAG_RESIZE)
    {
      const EmBoundingBox *o = &self->drag_orig;
      double l = o->x, t = o->y, r = o->x + o->width, btm = o->y + o->height;
      int h = self->drag_handle;

      if (h == HANDLE_NW || h == HANDLE_W || h == HANDLE_SW)
        l = ix;
      if (h == HANDLE_NE || h == HANDLE_E || h == HANDLE_SE)
        r = ix;
      if (h == HANDLE_NW || h == HANDLE_N || h == HANDLE_NE)
        t = iy;
      if (h == HANDLE_SW || h == HANDLE_S || h == HANDLE_SE)
        btm = iy;
      /* Dragging an edge past the opposite one flips the box. */
      b->x = MIN (l, r);
      b->y = MIN (t, btm);
      b->width = fabs (r - l);
      b->height = fabs (btm - t);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
em_box_editor_drag_end (EmBoxEditor *self, double dx, double dy)
{
  EmBoxDragMode mode;

  g_return_if_fail (EM_IS_BOX_EDITOR (self));
  em_box_editor_drag_update (self, dx, dy);
  mode = self->drag_mode;
  self->drag_mode = DRAG_NONE;
  if (mode == DRAG_DRAW && self->drag_created)
    {
      const EmBoundingBox *b = &g_array_index (self->boxes, EmBoundingBox, self->selected);
      if (b->width < MIN_BOX || b->height < MIN_BOX)
        {
          g_array_remove_index (self->boxes, self->selected);
          self->selected = -1;
          em_box_editor_changed (self);
          return;
        }
      em_box_editor_commit (self);
      /* The flow is draw, then name: the picker opens on the new box. */
      em_box_editor_open_picker (self);
    }
  else if (mode == DRAG_MOVE || mode == DRAG_RESIZE)
    em_box_editor_commit (self);
}

static void
primary_begin_cb (GtkGestureDrag *gesture, double x, double y, EmBoxEditor *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
  em_box_editor_drag_begin (self, x, y, FALSE);
}

static void
middle_begin_cb (GtkGestureDrag *gesture, double x, double y, EmBoxEditor *self)
{
  em_box_editor_drag_begin (self, x, y, TRUE);
}

static void
drag_update_cb (GtkGestureDrag *gesture, double dx, double dy, EmBoxEditor *self)
{
  em_box_editor_drag_update (self, dx, dy);
}

static void
drag_end_cb (GtkGestureDrag *gesture, double dx, double dy, EmBoxEditor *self)
{
  em_box_editor_drag_end (self, dx, dy);
}

static gboolean
scroll_cb (GtkEventControllerScroll *scroll, double dx, double dy, EmBoxEditor *self)
{
  GdkModifierType mods = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (scroll));

  if (!(mods & GDK_CONTROL_MASK) || self->image == NULL)
    return FALSE;
  /* Scroll events carry no widget position in GTK 4.8: the pointer's
   * last one comes from the motion controller. */
  em_box_editor_zoom_at (self, self->zoom * pow (ZOOM_STEP, -dy), self->pointer_x, self->pointer_y);
  return TRUE;
}

static gboolean
key_pressed_cb (GtkEventControllerKey *key, guint keyval, guint code, GdkModifierType mods,
                EmBoxEditor *self)
{
  if (keyval != GDK_KEY_space)
    return FALSE;
  self->space_down = TRUE;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grab");
  return TRUE;
}

static void
key_released_cb (GtkEventControllerKey *key, guint keyval, guint code, GdkModifierType mods,
                 EmBoxEditor *self)
{
  if (keyval == GDK_KEY_space)
    {
      self->space_down = FALSE;
      gtk_widget_set_cursor_from_name (GTK_WIDGET (self), NULL);
    }
}

static void
motion_cb (GtkEventControllerMotion *motion, double x, double y, EmBoxEditor *self)
{
  static const char *const cursors[N_HANDLES] = { "nw-resize", "n-resize", "ne-resize", "e-resize",
                                                  "se-resize", "s-resize", "sw-resize", "w-resize" };
  double ix, iy;
  int h;

  self->pointer_x = x;
  self->pointer_y = y;
  if (self->space_down || self->drag_mode != DRAG_NONE || self->image == NULL)
    return;
  em_box_editor_widget_to_image (self, x, y, &ix, &iy);
  if ((h = hit_handle (self, x, y)) >= 0)
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), cursors[h]);
  else if (hit_box (self, ix, iy) >= 0)
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "move");
  else
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");
}

void
em_box_editor_input_init (EmBoxEditor *self)
{
  GtkGesture *primary = gtk_gesture_drag_new ();
  GtkGesture *middle = gtk_gesture_drag_new ();
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  GtkEventController *key = gtk_event_controller_key_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();


  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (primary), GDK_BUTTON_PRIMARY);
  g_signal_connect (primary, "drag-begin", G_CALLBACK (primary_begin_cb), self);
  g_signal_connect (primary, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (primary, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (primary));
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (middle), GDK_BUTTON_MIDDLE);
  g_signal_connect (middle, "drag-begin", G_CALLBACK (middle_begin_cb), self);
  g_signal_connect (middle, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (middle, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (middle));
  g_signal_connect (scroll, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);
  g_signal_connect (key, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  g_signal_connect (key, "key-released", G_CALLBACK (key_released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

}
