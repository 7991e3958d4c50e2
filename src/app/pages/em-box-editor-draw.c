/* SPDX-License-Identifier: Apache-2.0 */
/* Drawing of the box editor: the image, the boxes in a colour per label,
 * the selected box's handles and the proposals, dashed and translucent so
 * they never pass for confirmed labels. Colours do not follow the app's
 * style: they sit on the image, whatever it is, so each line has a dark
 * outline under it. */
#include <math.h>

#include "em-box-editor-private.h"
#include "em-image.h"

#define MARGIN 12.0

void
em_box_editor_layout (EmBoxEditor *self, double *scale, double *ox, double *oy)
{
  double w = gtk_widget_get_width (GTK_WIDGET (self));
  double h = gtk_widget_get_height (GTK_WIDGET (self));
  double fit = 1;

  if (self->iw > 0 && self->ih > 0)
    fit = MAX (0.01, MIN ((w - 2 * MARGIN) / self->iw, (h - 2 * MARGIN) / self->ih));
  *scale = fit * self->zoom;
  *ox = (w - self->iw * *scale) / 2 + self->pan_x;
  *oy = (h - self->ih * *scale) / 2 + self->pan_y;
}

void
em_box_editor_handle_point (EmBoxEditor *self, const EmBoundingBox *box, int h, double *x, double *y)
{
  static const int col[N_HANDLES] = { 0, 1, 2, 2, 2, 1, 0, 0 };
  static const int row[N_HANDLES] = { 0, 0, 0, 1, 2, 2, 2, 1 };
  double ix = box->x + box->width * col[h] / 2.0, iy = box->y + box->height * row[h] / 2.0;

  em_box_editor_image_to_widget (self, ix, iy, x, y);
}

static void
label_colour (const char *label, GdkRGBA *c)
{
  /* A stable hue per label, bright enough to read over dark and light. */
  float r, g, b;
  double hue = (g_str_hash (label != NULL ? label : "") % 360) / 360.0;

  gtk_hsv_to_rgb ((float) hue, 0.75f, 1.0f, &r, &g, &b);
  *c = (GdkRGBA) { r, g, b, 1 };
}

static void
draw_tag (cairo_t *cr, double x, double y, const char *text, const GdkRGBA *c, double alpha)
{
  cairo_text_extents_t ext;
  double top;

  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 12);
  cairo_text_extents (cr, text, &ext);
  top = MAX (0, y - ext.height - 6);
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, alpha);
  cairo_rectangle (cr, x - 1, top, ext.x_advance + 8, ext.height + 6);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_move_to (cr, x + 3, top + ext.height + 2);
  cairo_show_text (cr, text);
}

static void
outlined_rect (cairo_t *cr, double x, double y, double w, double h, const GdkRGBA *c,
               double width, double alpha)
{
  cairo_set_line_width (cr, width + 2);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.6 * alpha);
  cairo_rectangle (cr, x, y, w, h);
  cairo_stroke (cr);
  cairo_set_line_width (cr, width);
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, alpha);
  cairo_rectangle (cr, x, y, w, h);
  cairo_stroke (cr);
}

void
em_box_editor_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  EmBoxEditor *self = EM_BOX_EDITOR (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  double scale, ox, oy;
  cairo_t *cr;

  if (self->image == NULL || width <= 0 || height <= 0)
    return;
  em_box_editor_layout (self, &scale, &ox, &oy);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  cairo_save (cr);
  cairo_translate (cr, ox, oy);
  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, self->image, 0, 0);
  /* Zoomed in, one wants to see the pixels a box edge falls between. */
  cairo_pattern_set_filter (cairo_get_source (cr), scale >= 2 ? CAIRO_FILTER_NEAREST
                                                              : CAIRO_FILTER_GOOD);
  cairo_rectangle (cr, 0, 0, self->iw, self->ih);
  cairo_fill (cr);
  cairo_restore (cr);

  for (guint i = 0; i < self->proposals->len; i++)
    {
      const EmBoxProposal *p = &g_array_index (self->proposals, EmBoxProposal, i);
      double x = ox + p->x * scale, y = oy + p->y * scale;
      g_autofree char *tag = g_strdup_printf ("%s? %.0f%%", p->label, 100 * p->score);
      static const double dash[] = { 6, 4 };
      GdkRGBA c;

      label_colour (p->label, &c);
      cairo_set_source_rgba (cr, c.red, c.green, c.blue, 0.18);
      cairo_rectangle (cr, x, y, p->width * scale, p->height * scale);
      cairo_fill (cr);
      cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0);
      outlined_rect (cr, x, y, p->width * scale, p->height * scale, &c, 2, 0.7);
      cairo_set_dash (cr, NULL, 0, 0);
      draw_tag (cr, x, y, tag, &c, 0.55);
    }

  for (guint i = 0; i < self->boxes->len; i++)
    {
      const EmBoundingBox *b = &g_array_index (self->boxes, EmBoundingBox, i);
      gboolean selected = (int) i == self->selected;
      double x = ox + b->x * scale, y = oy + b->y * scale;
      GdkRGBA c;

      label_colour (b->label, &c);
      if (selected)
        {
          cairo_set_source_rgba (cr, c.red, c.green, c.blue, 0.15);
          cairo_rectangle (cr, x, y, b->width * scale, b->height * scale);
          cairo_fill (cr);
        }
      outlined_rect (cr, x, y, b->width * scale, b->height * scale, &c, selected ? 3 : 2, 1);
      draw_tag (cr, x, y, b->label, &c, 1);
    }

  if (self->selected >= 0 && self->selected < (int) self->boxes->len)
    {
      const EmBoundingBox *b = &g_array_index (self->boxes, EmBoundingBox, self->selected);
      double s = EM_BOX_EDITOR_HANDLE_SIZE;

      for (int h = 0; h < N_HANDLES; h++)
        {
          double hx, hy;
          em_box_editor_handle_point (self, b, h, &hx, &hy);
          cairo_rectangle (cr, hx - s / 2, hy - s / 2, s, s);
          cairo_set_source_rgb (cr, 1, 1, 1);
          cairo_fill_preserve (cr);
          cairo_set_line_width (cr, 1.5);
          cairo_set_source_rgb (cr, 0, 0, 0);
          cairo_stroke (cr);
        }
    }
  cairo_destroy (cr);
}

cairo_surface_t *
em_box_editor_decode (EmSample *sample, GError **error)
{
  g_autofree guint8 *rgb = NULL;
  cairo_surface_t *surface;
  guint w, h;
  guint8 *dst;
  int stride;

  rgb = em_image_decode_rgb (sample, &w, &h, error);
  if (rgb == NULL)
    return NULL;
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) w, (int) h);
  cairo_surface_flush (surface);
  dst = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      {
        const guint8 *p = rgb + ((gsize) y * w + x) * 3;
        ((guint32 *) (void *) (dst + (gsize) y * stride))[x] =
          0xff000000u | ((guint32) p[0] << 16) | ((guint32) p[1] << 8) | p[2];
      }
  cairo_surface_mark_dirty (surface);
  return surface;
}
