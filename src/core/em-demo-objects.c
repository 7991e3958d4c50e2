/* SPDX-License-Identifier: Apache-2.0 */
/* The object-detection demo: circles, squares and triangles drawn on
 * textured backgrounds at random positions and sizes, each one labelled
 * with its exact bounding box. Everything is computed here from the seed,
 * so the project is the same on every machine (no external tool, no data
 * set, no network).
 *
 * The impulse: the 96×96 input, the image processing block (RGB) and the
 * object-detection learning block (FOMO-style centroids). */
#include <math.h>
#include <string.h>

#include "em-demo-private.h"
#include "em-error.h"
#include "em-image.h"
#include "em-impulse.h"

#define OBJECTS_SIDE 96
#define OBJECTS_IMAGES 1000     /* at scale 1 */
#define OBJECTS_MIN_SIZE 14.0   /* width of an object in pixels */
#define OBJECTS_MAX_SIZE 30.0
#define OBJECTS_GAP 4.0         /* pixels between two objects' boxes, at least */
#define OBJECTS_MAX 3           /* objects per image */
#define OBJECTS_EMPTY_SHARE 0.1 /* images with no object: FOMO learns background from them too */
#define OBJECTS_SUPERSAMPLE 4   /* 4 × 4 coverage samples per pixel for smooth edges */
/* A shape's luminance differs from every background pixel under its box by
 * at least this much, so an object is never lost in the texture (and a
 * test can find its pixels again). */
#define OBJECTS_CONTRAST 70.0

typedef enum { SHAPE_CIRCLE, SHAPE_SQUARE, SHAPE_TRIANGLE, N_SHAPES } Shape;
static const char *const shape_labels[N_SHAPES] = { "circle", "square", "triangle" };

typedef struct {
  Shape shape;
  double x, y, w, h; /* the exact box, in continuous pixel coordinates */
  gboolean flipped;  /* triangle pointing down */
  double rgb[3];
} Object;

static double
luminance (const double *rgb)
{
  return 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
}

/* Bilinear value noise on a (cells + 1)² lattice of random values: smooth
 * blobs whose size is the image side / cells. */
static void
add_value_noise (double *field, guint cells, double amplitude, GRand *r)
{
  double lattice[(12 + 1) * (12 + 1)];

  g_assert (cells <= 12);
  for (guint i = 0; i < (cells + 1) * (cells + 1); i++)
    lattice[i] = g_rand_double_range (r, -1, 1);
  for (guint y = 0; y < OBJECTS_SIDE; y++)
    for (guint x = 0; x < OBJECTS_SIDE; x++)
      {
        double fx = (x + 0.5) * cells / OBJECTS_SIDE, fy = (y + 0.5) * cells / OBJECTS_SIDE;
        guint ix = MIN ((guint) fx, cells - 1), iy = MIN ((guint) fy, cells - 1);
        double tx = fx - ix, ty = fy - iy;
        const double *row0 = lattice + iy * (cells + 1), *row1 = row0 + cells + 1;
        double v = (1 - ty) * ((1 - tx) * row0[ix] + tx * row0[ix + 1]) +
                   ty * ((1 - tx) * row1[ix] + tx * row1[ix + 1]);
        field[y * OBJECTS_SIDE + x] += amplitude * v;
      }
}

/* Two colours of similar brightness mixed by smooth noise, sometimes with
 * stripes, plus grain. Luminance stays within a band of about 90 so that an
 * object can always contrast with it. */
static void
draw_background (double *rgb, GRand *r)
{
  double field[OBJECTS_SIDE * OBJECTS_SIDE] = { 0 };
  double a[3], b[3];
  double base = g_rand_double_range (r, 50, 205);
  double stripes = g_rand_boolean (r) ? g_rand_double_range (r, 0.15, 0.35) : 0;
  double angle = g_rand_double_range (r, 0, G_PI), period = g_rand_double_range (r, 5, 14);

  for (guint c = 0; c < 3; c++)
    {
      a[c] = CLAMP (base + g_rand_double_range (r, -40, 40), 0, 255);
      b[c] = CLAMP (base + g_rand_double_range (r, -40, 40), 0, 255);
    }
  add_value_noise (field, 3, 0.35, r);
  add_value_noise (field, 12, 0.15, r);
  for (guint y = 0; y < OBJECTS_SIDE; y++)
    for (guint x = 0; x < OBJECTS_SIDE; x++)
      {
        double t = 0.5 + field[y * OBJECTS_SIDE + x] +
                   stripes * sin (2 * G_PI * (x * cos (angle) + y * sin (angle)) / period);
        double grain = g_rand_double_range (r, -6, 6);

        t = CLAMP (t, 0, 1);
        for (guint c = 0; c < 3; c++)
          rgb[3 * (y * OBJECTS_SIDE + x) + c] = CLAMP ((1 - t) * a[c] + t * b[c] + grain, 0, 255);
      }
}

/* Is the point inside the object's shape? */
static gboolean
inside (const Object *o, double px, double py)
{
  double u = (px - o->x) / o->w, v = (py - o->y) / o->h; /* 0..1 across the box */

  if (u < 0 || u > 1 || v < 0 || v > 1)
    return FALSE;
  switch (o->shape)
    {
    case SHAPE_CIRCLE:
      return (u - 0.5) * (u - 0.5) + (v - 0.5) * (v - 0.5) <= 0.25;
    case SHAPE_SQUARE:
      return TRUE;
    case SHAPE_TRIANGLE:
      /* apex at the top middle (bottom when flipped), base along the other edge */
      if (o->flipped)
        v = 1 - v;
      return fabs (u - 0.5) <= 0.5 * v;
    default:
      g_assert_not_reached ();
    }
}

/* A colour whose luminance stays OBJECTS_CONTRAST away from the background
 * pixels in [x0, x1) × [y0, y1): on the darker or the brighter side,
 * whichever has more room. */
static void
pick_colour (Object *o, const double *bg, GRand *r)
{
  double lo = 255, hi = 0, target_lo, target_hi;
  int x0 = (int) floor (o->x), y0 = (int) floor (o->y);
  int x1 = MIN ((int) ceil (o->x + o->w), OBJECTS_SIDE), y1 = MIN ((int) ceil (o->y + o->h), OBJECTS_SIDE);

  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      {
        double l = luminance (bg + 3 * (y * OBJECTS_SIDE + x));
        lo = MIN (lo, l);
        hi = MAX (hi, l);
      }
  if (lo >= 255 - hi)
    target_lo = 0, target_hi = lo - OBJECTS_CONTRAST;
  else
    target_lo = hi + OBJECTS_CONTRAST, target_hi = 255;
  target_hi = MAX (target_hi, target_lo);
  for (guint attempt = 0; attempt < 200; attempt++)
    {
      for (guint c = 0; c < 3; c++)
        o->rgb[c] = g_rand_double_range (r, 0, 255);
      if (luminance (o->rgb) >= target_lo && luminance (o->rgb) <= target_hi)
        return;
    }
  /* a narrow band: grey in its middle always fits */
  o->rgb[0] = o->rgb[1] = o->rgb[2] = 0.5 * (target_lo + target_hi);
}

static void
draw_object (double *rgb, const Object *o, GRand *r)
{
  const int n = OBJECTS_SUPERSAMPLE;
  int x0 = (int) floor (o->x), y0 = (int) floor (o->y);
  int x1 = MIN ((int) ceil (o->x + o->w), OBJECTS_SIDE), y1 = MIN ((int) ceil (o->y + o->h), OBJECTS_SIDE);

  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      {
        guint hits = 0;
        double alpha, shade = g_rand_double_range (r, -5, 5);
        double *px = rgb + 3 * (y * OBJECTS_SIDE + x);

        for (int sy = 0; sy < n; sy++)
          for (int sx = 0; sx < n; sx++)
            hits += inside (o, x + (sx + 0.5) / n, y + (sy + 0.5) / n);
        if (hits == 0)
          continue;
        alpha = (double) hits / (n * n);
        for (guint c = 0; c < 3; c++)
          px[c] = (1 - alpha) * px[c] + alpha * CLAMP (o->rgb[c] + shade, 0, 255);
      }
}

/* Up to @want objects at random places that keep OBJECTS_GAP apart, so no
 * two boxes overlap (and, as every object is at least 14 px wide, no two
 * centroids share a cell of an 8-px grid). Returns how many fit. */
static guint
place_objects (Object *objects, guint want, GRand *r)
{
  guint n = 0;

  for (guint attempt = 0; attempt < 100 && n < want; attempt++)
    {
      Object o = { 0 };
      gboolean clear = TRUE;

      o.shape = (Shape) g_rand_int_range (r, 0, N_SHAPES);
      o.w = g_rand_double_range (r, OBJECTS_MIN_SIZE, OBJECTS_MAX_SIZE);
      /* squares and circles are round; triangles a little flatter or taller */
      o.h = o.shape == SHAPE_TRIANGLE ? o.w * g_rand_double_range (r, 0.8, 1.1) : o.w;
      o.flipped = g_rand_boolean (r);
      /* the whole box inside the image, with a pixel to spare */
      o.x = g_rand_double_range (r, 1, OBJECTS_SIDE - 1 - o.w);
      o.y = g_rand_double_range (r, 1, OBJECTS_SIDE - 1 - o.h);
      for (guint i = 0; i < n && clear; i++)
        {
          const Object *p = &objects[i];
          clear = o.x >= p->x + p->w + OBJECTS_GAP || p->x >= o.x + o.w + OBJECTS_GAP ||
                  o.y >= p->y + p->h + OBJECTS_GAP || p->y >= o.y + o.h + OBJECTS_GAP;
        }
      if (clear)
        objects[n++] = o;
    }
  return n;
}

static EmSample *
objects_sample (guint index, guint32 seed, GError **error)
{
  g_autoptr(GRand) r = g_rand_new_with_seed (seed);
  g_autofree double *canvas = g_new (double, OBJECTS_SIDE * OBJECTS_SIDE * 3);
  g_autofree guint8 *rgb = g_new (guint8, OBJECTS_SIDE * OBJECTS_SIDE * 3);
  g_autoptr(GBytes) png = NULL;
  g_autoptr(EmSample) s = NULL;
  g_autofree char *name = NULL;
  Object objects[OBJECTS_MAX];
  guint want = g_rand_double (r) < OBJECTS_EMPTY_SHARE ? 0 : (guint) g_rand_int_range (r, 1, OBJECTS_MAX + 1);
  guint n;
  const char *label;

  draw_background (canvas, r);
  n = place_objects (objects, want, r);
  for (guint i = 0; i < n; i++)
    {
      pick_colour (&objects[i], canvas, r);
      draw_object (canvas, &objects[i], r);
    }
  for (guint i = 0; i < OBJECTS_SIDE * OBJECTS_SIDE * 3; i++)
    rgb[i] = (guint8) lround (CLAMP (canvas[i], 0, 255));
  png = em_image_encode_png (rgb, OBJECTS_SIDE, OBJECTS_SIDE, error);
  if (png == NULL)
    return NULL;

  /* The sample label only groups images for the train/test split; what a
   * detector learns are the boxes' labels. */
  label = n > 0 ? "objects" : "background";
  s = em_sample_new ();
  name = g_strdup_printf ("%s.%04u", label, index);
  em_sample_set_name (s, name);
  em_sample_set_label (s, label);
  em_sample_set_kind (s, EM_SENSOR_IMAGE);
  em_sample_set_encoding (s, EM_ENCODING_PNG);
  em_sample_set_image_size (s, OBJECTS_SIDE, OBJECTS_SIDE);
  em_sample_set_n_frames (s, 1);
  em_sample_set_data (s, png);
  em_sample_set_source_format (s, "png");
  em_sample_set_metadata (s, "dataset", "generated shapes");
  for (guint i = 0; i < n; i++)
    em_sample_add_box (s, shape_labels[objects[i].shape], objects[i].x, objects[i].y, objects[i].w,
                       objects[i].h);
  return g_steal_pointer (&s);
}

/* The image input at 96×96, the image block in RGB and the detector. */
static gboolean
objects_impulse (Demo *d, GError **error)
{
  g_autoptr(EmImpulse) impulse = em_impulse_new ();
  EmImpulseBlock *image;

  impulse->input.is_image = TRUE;
  impulse->input.width = OBJECTS_SIDE;
  impulse->input.height = OBJECTS_SIDE;
  impulse->input.resize_mode = EM_RESIZE_SQUASH;
  image = em_impulse_add_block (impulse, "image", "image");
  json_object_set_string_member (image->params, "channels", "RGB");
  image->x = 220;
  image->y = 40;
  {
    const char *inputs[] = { "image", NULL };
    EmImpulseLearnBlock *detect = em_impulse_add_learn_block (impulse, "object-detection", "object-detection", inputs);
    detect->x = 420;
    detect->y = 40;
  }
  return em_impulse_save (d->project, impulse, error);
}

gboolean
em_demo_create_objects (Demo *d, double scale, GRand *rand, GError **error)
{
  guint n = (guint) MAX (2.0, round (OBJECTS_IMAGES * scale));
  g_autofree guint32 *seeds = g_new (guint32, n);

  /* one seed per image, drawn up front: an image depends on its index only */
  for (guint i = 0; i < n; i++)
    seeds[i] = g_rand_int (rand);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(EmSample) s = NULL;
      g_autofree char *what = NULL;

      if (!em_demo_check_cancel (d, error))
        return FALSE;
      s = objects_sample (i + 1, seeds[i], error);
      if (s == NULL || !em_demo_add (d, s, error))
        return FALSE;
      what = g_strdup_printf ("Drawing shapes: %s", em_sample_get_name (s));
      em_demo_progress (d, 0.93 * (i + 1) / n, what);
    }
  if (!em_demo_flush (d, error))
    return FALSE;
  return objects_impulse (d, error);
}
