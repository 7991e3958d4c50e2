/* SPDX-License-Identifier: Apache-2.0 */
/* EmGraphView's snapshot: grid, links, cards, banner.  Curves go through
 * cairo (GTK 4.8 has no GskPath); everything else is snapshot nodes.  All
 * colours derive from the widget's foreground colour so the canvas follows
 * light and dark styles; the accents come in a light-style and a dark-style
 * shade, each readable on its own background. */
#include <math.h>

#include "em-graph-view-private.h"

typedef struct {
  gboolean dark;
  GdkRGBA  fg;
  GdkRGBA  canvas;
  GdkRGBA  card;
  GdkRGBA  grid_minor;
  GdkRGBA  grid_major;
  GdkRGBA  link;
  GdkRGBA  accent;
  GdkRGBA  ok;
  GdkRGBA  error;
  GdkRGBA  dim;
} Palette;

static GdkRGBA
rgba (guint32 hex,
      float   alpha)
{
  return (GdkRGBA) { ((hex >> 16) & 0xff) / 255.f, ((hex >> 8) & 0xff) / 255.f,
                     (hex & 0xff) / 255.f, alpha };
}

static GdkRGBA
with_alpha (const GdkRGBA *c,
            float          alpha)
{
  return (GdkRGBA) { c->red, c->green, c->blue, c->alpha * alpha };
}

static void
palette_init (GtkWidget *widget,
              Palette   *p)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &p->fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  /* A light foreground means a dark style. */
  p->dark = 0.2126 * p->fg.red + 0.7152 * p->fg.green + 0.0722 * p->fg.blue > 0.5;
  p->canvas = p->dark ? rgba (0x1e1e22, 1) : rgba (0xf6f5f4, 1);
  p->card = p->dark ? rgba (0x303036, 1) : rgba (0xffffff, 1);
  p->grid_minor = with_alpha (&p->fg, 0.05f);
  p->grid_major = with_alpha (&p->fg, 0.10f);
  p->link = with_alpha (&p->fg, 0.55f);
  p->accent = p->dark ? rgba (0x78aeed, 1) : rgba (0x1c71d8, 1);
  p->ok = p->dark ? rgba (0x57e389, 1) : rgba (0x26a269, 1);
  p->error = p->dark ? rgba (0xff7b63, 1) : rgba (0xc01c28, 1);
  p->dim = with_alpha (&p->fg, 0.62f);
}

static GdkRGBA
kind_colour (const Palette   *p,
             EmGraphNodeKind  kind)
{
  static const guint32 light[] = { 0x1c71d8, 0x813d9c, 0xc64600, 0x26a269 };
  static const guint32 dark[] = { 0x62a0ea, 0xc061cb, 0xffa348, 0x57e389 };

  kind = MIN ((guint) kind, G_N_ELEMENTS (light) - 1);
  return rgba (p->dark ? dark[kind] : light[kind], 1);
}

/* One colour per port type, so matching dots tell which ports fit. */
static GdkRGBA
type_colour (const Palette *p,
             const char    *type)
{
  static const guint32 light[] = { 0x1c71d8, 0xc64600, 0x26a269, 0x813d9c, 0xa51d2d, 0x865e3c };
  static const guint32 dark[] = { 0x62a0ea, 0xffa348, 0x57e389, 0xdc8add, 0xf66151, 0xcdab8f };
  guint i = g_str_hash (type) % G_N_ELEMENTS (light);

  return rgba (p->dark ? dark[i] : light[i], 1);
}

static void
append_rect (GtkSnapshot   *snapshot,
             const GdkRGBA *colour,
             double         x,
             double         y,
             double         w,
             double         h)
{
  gtk_snapshot_append_color (snapshot, colour, &GRAPHENE_RECT_INIT (x, y, w, h));
}

static void
append_rounded (GtkSnapshot   *snapshot,
                const GdkRGBA *colour,
                double         x,
                double         y,
                double         w,
                double         h,
                double         radius)
{
  GskRoundedRect rr;

  gsk_rounded_rect_init_from_rect (&rr, &GRAPHENE_RECT_INIT (x, y, w, h), radius);
  gtk_snapshot_push_rounded_clip (snapshot, &rr);
  append_rect (snapshot, colour, x, y, w, h);
  gtk_snapshot_pop (snapshot);
}

static void
append_outline (GtkSnapshot   *snapshot,
                const GdkRGBA *colour,
                double         x,
                double         y,
                double         w,
                double         h,
                double         radius,
                double         width)
{
  GskRoundedRect rr;
  const float widths[4] = { width, width, width, width };
  const GdkRGBA colours[4] = { *colour, *colour, *colour, *colour };

  gsk_rounded_rect_init_from_rect (&rr, &GRAPHENE_RECT_INIT (x, y, w, h), radius);
  gtk_snapshot_append_border (snapshot, &rr, widths, colours);
}

static void
snapshot_grid (EmGraphView   *self,
               GtkSnapshot   *snapshot,
               const Palette *p,
               int            width,
               int            height)
{
  double step = EM_GRAPH_GRID * self->zoom;
  double gx0, gy0;
  long first;

  append_rect (snapshot, &p->canvas, 0, 0, width, height);
  /* Below ~8 px the lines merge into a grey wash; keep only the majors. */
  em_graph_view_to_graph (self, 0, 0, &gx0, &gy0);
  first = (long) floor (gx0 / EM_GRAPH_GRID);
  for (long i = first;; i++)
    {
      double x = i * step + self->pan_x;
      gboolean major = i % 5 == 0;
      if (x > width)
        break;
      if (major || step >= 8)
        append_rect (snapshot, major ? &p->grid_major : &p->grid_minor, floor (x), 0, 1, height);
    }
  first = (long) floor (gy0 / EM_GRAPH_GRID);
  for (long i = first;; i++)
    {
      double y = i * step + self->pan_y;
      gboolean major = i % 5 == 0;
      if (y > height)
        break;
      if (major || step >= 8)
        append_rect (snapshot, major ? &p->grid_major : &p->grid_minor, 0, floor (y), width, 1);
    }
}

static void
curve (cairo_t *cr,
       double   x1,
       double   y1,
       double   x2,
       double   y2)
{
  double c1x, c2x;

  em_graph_view_bezier (x1, y1, x2, y2, &c1x, &c2x);
  cairo_move_to (cr, x1, y1);
  cairo_curve_to (cr, c1x, y1, c2x, y2, x2, y2);
}

static void
snapshot_links (EmGraphView   *self,
                GtkSnapshot   *snapshot,
                const Palette *p,
                int            width,
                int            height)
{
  GPtrArray *links = em_graph_model_get_links (self->model);
  cairo_t *cr;
  double x1, y1, x2, y2;

  if (links->len == 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (guint i = 0; i < links->len; i++)
    {
      EmGraphLink *link = g_ptr_array_index (links, i);
      EmGraphLink *sel = self->selected_link;
      gboolean selected = sel != NULL && g_str_equal (sel->from_node, link->from_node) &&
                          g_str_equal (sel->from_port, link->from_port) &&
                          g_str_equal (sel->to_node, link->to_node) &&
                          g_str_equal (sel->to_port, link->to_port);

      if (!em_graph_view_get_port_position (self, link->from_node, EM_PORT_DIRECTION_OUTPUT,
                                            link->from_port, &x1, &y1) ||
          !em_graph_view_get_port_position (self, link->to_node, EM_PORT_DIRECTION_INPUT,
                                            link->to_port, &x2, &y2))
        continue;
      curve (cr, x1, y1, x2, y2);
      gdk_cairo_set_source_rgba (cr, selected ? &p->accent : &p->link);
      cairo_set_line_width (cr, (selected ? 4.0 : 2.5) * MAX (self->zoom, 0.6));
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
}

/* The link being drawn goes over the cards, so its path is never hidden. */
static void
snapshot_live_link (EmGraphView   *self,
                    GtkSnapshot   *snapshot,
                    const Palette *p,
                    int            width,
                    int            height)
{
  const double dash[] = { 8.0, 5.0 };
  const GdkRGBA *c = self->hover_node == NULL ? &p->accent : self->hover_ok ? &p->ok : &p->error;
  cairo_t *cr;
  double x1, y1, x2, y2;

  if (!em_graph_view_link_source_pos (self, &x1, &y1) ||
      !em_graph_view_link_target_pos (self, &x2, &y2))
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  /* Dashed until it is over a port that takes it. */
  if (!self->hover_ok)
    cairo_set_dash (cr, dash, 2, 0);
  curve (cr, x1, y1, x2, y2);
  gdk_cairo_set_source_rgba (cr, c);
  cairo_set_line_width (cr, 3.0 * MAX (self->zoom, 0.6));
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  cairo_arc (cr, x2, y2, 4.5 * MAX (self->zoom, 0.6), 0, 2 * G_PI);
  cairo_fill (cr);
  cairo_destroy (cr);
}

static void
append_text (GtkSnapshot   *snapshot,
             PangoLayout   *layout,
             const GdkRGBA *colour,
             double         x,
             double         y)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, colour);
  gtk_snapshot_restore (snapshot);
}

static PangoLayout *
make_layout (GtkWidget  *widget,
             const char *text,
             double      scale,
             int         weight,
             int         max_width)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  const PangoFontDescription *base = pango_context_get_font_description (
    pango_layout_get_context (layout));
  PangoFontDescription *desc = pango_font_description_copy (base);
  int size = pango_font_description_get_size (desc);

  if (size <= 0)
    size = 11 * PANGO_SCALE;
  pango_font_description_set_size (desc, (int) (size * scale));
  pango_font_description_set_weight (desc, weight);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  if (max_width > 0)
    {
      pango_layout_set_width (layout, max_width * PANGO_SCALE);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  return layout;
}

static void
snapshot_ports (EmGraphView       *self,
                GtkSnapshot       *snapshot,
                const Palette     *p,
                const EmGraphNode *node,
                EmPortDirection    dir)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GPtrArray *ports = dir == EM_PORT_DIRECTION_INPUT ? node->inputs : node->outputs;
  const double r = EM_GRAPH_PORT_RADIUS;

  for (guint i = 0; i < ports->len; i++)
    {
      const EmGraphPort *port = g_ptr_array_index (ports, i);
      g_autoptr(PangoLayout) layout = make_layout (widget, port->label, 0.85, PANGO_WEIGHT_NORMAL,
                                                   EM_GRAPH_NODE_WIDTH / 2 - 16);
      GdkRGBA colour = type_colour (p, port->types[0]);
      gboolean linked = em_graph_model_count_links (self->model, node->id, dir, port->id) > 0;
      gboolean hovered = dir == EM_PORT_DIRECTION_INPUT &&
                         g_strcmp0 (self->hover_node, node->id) == 0 &&
                         g_strcmp0 (self->hover_port, port->id) == 0;
      double gx, gy;
      int lw, lh;

      em_graph_view_port_graph_pos (node, dir, i, &gx, &gy);
      if (hovered)
        {
          GdkRGBA halo = with_alpha (self->hover_ok ? &p->ok : &p->error, 0.35f);
          append_rounded (snapshot, &halo, gx - 2 * r, gy - 2 * r, 4 * r, 4 * r, 2 * r);
        }
      /* A ring around the dot in the card colour separates it from links. */
      append_rounded (snapshot, &p->card, gx - r - 2, gy - r - 2, 2 * r + 4, 2 * r + 4, r + 2);
      append_rounded (snapshot, &colour, gx - r, gy - r, 2 * r, 2 * r, r);
      if (!linked)
        append_rounded (snapshot, &p->card, gx - r + 3, gy - r + 3, 2 * r - 6, 2 * r - 6, r - 3);

      pango_layout_get_pixel_size (layout, &lw, &lh);
      if (dir == EM_PORT_DIRECTION_INPUT)
        append_text (snapshot, layout, &p->dim, gx + 12, gy - lh / 2.0);
      else
        {
          pango_layout_set_alignment (layout, PANGO_ALIGN_RIGHT);
          append_text (snapshot, layout, &p->dim, gx - 12 - (EM_GRAPH_NODE_WIDTH / 2 - 16),
                       gy - lh / 2.0);
        }
    }
}

static void
snapshot_node (EmGraphView       *self,
               GtkSnapshot       *snapshot,
               const Palette     *p,
               const EmGraphNode *node)
{
  GtkWidget *widget = GTK_WIDGET (self);
  double x = node->x, y = node->y, w = EM_GRAPH_NODE_WIDTH;
  double h = em_graph_view_node_height (node);
  GdkRGBA kind = kind_colour (p, node->kind);
  GdkRGBA tint = with_alpha (&kind, p->dark ? 0.22f : 0.12f);
  GdkRGBA border = with_alpha (&p->fg, p->dark ? 0.18f : 0.14f);
  gboolean selected = g_hash_table_contains (self->selected, node->id);
  gboolean target = self->link_mode && g_strcmp0 (self->link_target, node->id) == 0;
  g_autoptr(PangoLayout) title = make_layout (widget, node->title, 1.0, PANGO_WEIGHT_BOLD,
                                              (int) w - 26);
  g_autoptr(PangoLayout) kind_label = make_layout (widget,
                                                   em_graph_node_kind_to_string (node->kind),
                                                   0.75, PANGO_WEIGHT_NORMAL, (int) w - 26);
  GskRoundedRect rr;
  GdkRGBA shadow = rgba (0x000000, p->dark ? 0.45f : 0.16f);
  int tw, th;

  gsk_rounded_rect_init_from_rect (&rr, &GRAPHENE_RECT_INIT (x, y, w, h), 8);
  gtk_snapshot_append_outset_shadow (snapshot, &rr, &shadow, 0, 2, 0, 6);
  gtk_snapshot_push_rounded_clip (snapshot, &rr);
  append_rect (snapshot, &p->card, x, y, w, h);
  append_rect (snapshot, &tint, x, y, w, EM_GRAPH_HEADER);
  append_rect (snapshot, &kind, x, y, 5, h);
  gtk_snapshot_pop (snapshot);
  append_outline (snapshot, &border, x, y, w, h, 8, 1);

  pango_layout_get_pixel_size (title, &tw, &th);
  append_text (snapshot, title, &p->fg, x + 14, y + 5);
  append_text (snapshot, kind_label, &kind, x + 14, y + 5 + th);

  if (selected)
    append_outline (snapshot, &p->accent, x - 3, y - 3, w + 6, h + 6, 10, 2.5);
  if (target)
    {
      GdkRGBA c = self->hover_ok ? p->ok : p->error;
      append_outline (snapshot, &c, x - 4, y - 4, w + 8, h + 8, 11, 2);
    }
  snapshot_ports (self, snapshot, p, node, EM_PORT_DIRECTION_INPUT);
  snapshot_ports (self, snapshot, p, node, EM_PORT_DIRECTION_OUTPUT);
}

static void
snapshot_message (EmGraphView   *self,
                  GtkSnapshot   *snapshot,
                  const Palette *p,
                  int            width,
                  int            height)
{
  g_autoptr(PangoLayout) layout = make_layout (GTK_WIDGET (self), self->message, 1.0,
                                               PANGO_WEIGHT_NORMAL, MAX (width - 64, 40));
  GdkRGBA bg = p->dark ? rgba (0x3a1a1c, 0.96f) : rgba (0xfde8e8, 0.97f);
  int lw, lh;
  double bx, by, bw, bh;

  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_NONE);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_width (layout, -1);
  pango_layout_get_pixel_size (layout, &lw, &lh);
  if (lw > width - 64)
    {
      pango_layout_set_width (layout, MAX (width - 64, 40) * PANGO_SCALE);
      pango_layout_get_pixel_size (layout, &lw, &lh);
    }
  bw = lw + 32;
  bh = lh + 16;
  bx = floor ((width - bw) / 2);
  by = height - bh - 16;
  append_rounded (snapshot, &bg, bx, by, bw, bh, 8);
  append_outline (snapshot, &p->error, bx, by, bw, bh, 8, 1);
  append_text (snapshot, layout, &p->fg, bx + 16, by + 8);
}

void
em_graph_view_snapshot_graph (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  EmGraphView *self = EM_GRAPH_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  Palette p;

  palette_init (widget, &p);
  snapshot_grid (self, snapshot, &p, width, height);
  if (self->model != NULL)
    {
      GPtrArray *nodes = em_graph_model_get_nodes (self->model);

      snapshot_links (self, snapshot, &p, width, height);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (self->pan_x, self->pan_y));
      gtk_snapshot_scale (snapshot, self->zoom, self->zoom);
      for (guint i = 0; i < nodes->len; i++)
        snapshot_node (self, snapshot, &p, g_ptr_array_index (nodes, i));
      gtk_snapshot_restore (snapshot);
      snapshot_live_link (self, snapshot, &p, width, height);
      em_graph_view_snapshot_band (self, snapshot, &p.accent);
    }
  if (gtk_widget_has_visible_focus (widget) && g_hash_table_size (self->selected) == 0 &&
      self->selected_link == NULL)
    append_outline (snapshot, &p.accent, 1, 1, width - 2, height - 2, 6, 2);
  if (self->message != NULL)
    snapshot_message (self, snapshot, &p, width, height);
}
