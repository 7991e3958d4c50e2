/* SPDX-License-Identifier: Apache-2.0 */
/* EmGraphView's rubber band: a drag over the empty canvas draws a
 * rectangle and selects every card it touches, live; with shift (or ctrl)
 * the cards selected before the drag stay selected. The band is kept in
 * graph units, so it stays on the cards while the view scrolls. */
#include <math.h>

#include "em-graph-view-private.h"

static void
band_rect (EmGraphView     *self,
           graphene_rect_t *r)
{
  graphene_rect_init (r, MIN (self->band_x0, self->band_x1), MIN (self->band_y0, self->band_y1),
                      fabs (self->band_x1 - self->band_x0), fabs (self->band_y1 - self->band_y0));
}

/* Base selection plus the cards touching the band; one "selection-changed"
 * when that differs from what is selected. */
static void
apply_band (EmGraphView *self)
{
  g_autoptr(GHashTable) want = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *nodes = em_graph_model_get_nodes (self->model);
  graphene_rect_t band;
  GHashTableIter iter;
  gpointer key;
  gboolean same;

  band_rect (self, &band);
  if (self->band_base != NULL)
    {
      g_hash_table_iter_init (&iter, self->band_base);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if (em_graph_model_get_node (self->model, key) != NULL)
          g_hash_table_add (want, key);
    }
  for (guint i = 0; i < nodes->len; i++)
    {
      const EmGraphNode *node = g_ptr_array_index (nodes, i);
      graphene_rect_t card = GRAPHENE_RECT_INIT (node->x, node->y, EM_GRAPH_NODE_WIDTH,
                                                 em_graph_view_node_height (node));

      if (graphene_rect_intersection (&band, &card, NULL))
        g_hash_table_add (want, node->id);
    }

  same = g_hash_table_size (want) == g_hash_table_size (self->selected);
  g_hash_table_iter_init (&iter, want);
  while (same && g_hash_table_iter_next (&iter, &key, NULL))
    same = g_hash_table_contains (self->selected, key);
  if (same)
    return;
  g_hash_table_remove_all (self->selected);
  g_hash_table_iter_init (&iter, want);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (self->selected, g_strdup (key));
  em_graph_view_notify_selection (self);
}

void
em_graph_view_begin_band (EmGraphView *self,
                          double       x,
                          double       y,
                          gboolean     extend)
{
  g_return_if_fail (EM_IS_GRAPH_VIEW (self));
  if (self->model == NULL)
    return;
  /* A link is a selection of its own: it never joins a band's cards. */
  if (!extend || em_graph_view_has_selected_link (self))
    em_graph_view_clear_selection (self);
  g_clear_pointer (&self->band_base, g_hash_table_unref);
  if (extend)
    {
      g_autoptr(GPtrArray) sel = em_graph_view_get_selected_nodes (self);

      self->band_base = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint i = 0; i < sel->len; i++)
        g_hash_table_add (self->band_base, g_strdup (g_ptr_array_index (sel, i)));
    }
  em_graph_view_to_graph (self, x, y, &self->band_x0, &self->band_y0);
  self->band_x1 = self->band_x0;
  self->band_y1 = self->band_y0;
  self->band = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
em_graph_view_update_band (EmGraphView *self,
                           double       x,
                           double       y)
{
  g_return_if_fail (EM_IS_GRAPH_VIEW (self));
  if (!self->band || self->model == NULL)
    return;
  em_graph_view_to_graph (self, x, y, &self->band_x1, &self->band_y1);
  apply_band (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
em_graph_view_end_band (EmGraphView *self)
{
  g_return_if_fail (EM_IS_GRAPH_VIEW (self));
  if (!self->band)
    return;
  self->band = FALSE;
  g_clear_pointer (&self->band_base, g_hash_table_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
em_graph_view_get_band (EmGraphView     *self,
                        graphene_rect_t *rect)
{
  g_return_val_if_fail (EM_IS_GRAPH_VIEW (self), FALSE);
  if (!self->band)
    return FALSE;
  if (rect != NULL)
    {
      double x0, y0, x1, y1;

      em_graph_view_to_widget (self, self->band_x0, self->band_y0, &x0, &y0);
      em_graph_view_to_widget (self, self->band_x1, self->band_y1, &x1, &y1);
      graphene_rect_init (rect, MIN (x0, x1), MIN (y0, y1), fabs (x1 - x0), fabs (y1 - y0));
    }
  return TRUE;
}

void
em_graph_view_snapshot_band (EmGraphView   *self,
                             GtkSnapshot   *snapshot,
                             const GdkRGBA *accent)
{
  GdkRGBA fill = *accent;
  graphene_rect_t r;
  GskRoundedRect outline;
  const float widths[4] = { 1, 1, 1, 1 };
  const GdkRGBA colours[4] = { *accent, *accent, *accent, *accent };

  if (!em_graph_view_get_band (self, &r))
    return;
  fill.alpha = 0.15f;
  gtk_snapshot_append_color (snapshot, &fill, &r);
  gsk_rounded_rect_init_from_rect (&outline, &r, 0);
  gtk_snapshot_append_border (snapshot, &outline, widths, colours);
}
