/* SPDX-License-Identifier: Apache-2.0 */
/* Prints random FOMO inputs and Ember's answers as JSON for
 * fomo_reference.py to check against torch / numpy / scipy:
 *   fomo-ref-helper loss SEED     logits, targets, weight → loss, gradient
 *   fomo-ref-helper targets SEED  boxes on an input → per-cell targets
 *   fomo-ref-helper post SEED     cell probabilities → objects */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "em-nn-fomo.h"

static void
print_floats (const char *name, const float *v, int n, gboolean last)
{
  printf ("\"%s\": [", name);
  for (int i = 0; i < n; i++)
    printf ("%s%.9g", i ? "," : "", v[i]);
  printf ("]%s\n", last ? "" : ",");
}

static void
print_ints (const char *name, const int32_t *v, int n, gboolean last)
{
  printf ("\"%s\": [", name);
  for (int i = 0; i < n; i++)
    printf ("%s%d", i ? "," : "", v[i]);
  printf ("]%s\n", last ? "" : ",");
}

static int
do_loss (GRand *r)
{
  int n = g_rand_int_range (r, 1, 65), ch = g_rand_int_range (r, 2, 7);
  const float weights[] = { 1, 100, 7.5f };
  float weight = weights[g_rand_int_range (r, 0, 3)];
  g_autofree float *z = g_new (float, n * ch);
  g_autofree float *grad = g_new (float, n * ch);
  g_autofree int32_t *t = g_new (int32_t, n);
  float loss;

  for (int i = 0; i < n * ch; i++)
    z[i] = (float) (g_rand_double_range (r, -1, 1) * g_rand_double_range (r, 0, 6));
  for (int i = 0; i < n; i++)
    t[i] = g_rand_double (r) < 0.3 ? g_rand_int_range (r, 1, ch) : 0;
  loss = em_nn_fomo_loss (z, t, n, ch, weight, grad);
  printf ("{\"n\": %d, \"channels\": %d, \"weight\": %.9g,\n", n, ch, weight);
  print_floats ("logits", z, n * ch, FALSE);
  print_ints ("targets", t, n, FALSE);
  print_floats ("grad", grad, n * ch, FALSE);
  printf ("\"loss\": %.9g}\n", loss);
  return 0;
}

static int
do_targets (GRand *r)
{
  int gw = g_rand_int_range (r, 2, 17), gh = g_rand_int_range (r, 2, 17);
  int iw = gw * 8, ih = gh * 8, n_classes = g_rand_int_range (r, 1, 5);
  int n = g_rand_int_range (r, 0, 25), collisions = 0;
  g_autofree EmNnFomoBox *boxes = g_new0 (EmNnFomoBox, MAX (n, 1));
  g_autofree int32_t *targets = g_new (int32_t, gw * gh);
  g_autoptr(GError) error = NULL;

  for (int i = 0; i < n; i++)
    {
      EmNnFomoBox *b = &boxes[i];
      b->label = g_rand_int_range (r, 1, n_classes + 1);
      b->w = (float) g_rand_double_range (r, 1, 40);
      b->h = (float) g_rand_double_range (r, 1, 40);
      /* any centre inside the input, some exactly on cell edges */
      if (g_rand_boolean (r))
        {
          b->x = (float) (8 * g_rand_int_range (r, 0, gw + 1)) - b->w / 2;
          b->y = (float) (8 * g_rand_int_range (r, 0, gh + 1)) - b->h / 2;
        }
      else
        {
          b->x = (float) g_rand_double_range (r, 0, iw) - b->w / 2;
          b->y = (float) g_rand_double_range (r, 0, ih) - b->h / 2;
        }
      /* float rounding must not push a centre out of the input */
      while ((double) b->x + b->w / 2.0 > iw)
        b->x = nextafterf (b->x, -INFINITY);
      while ((double) b->x + b->w / 2.0 < 0)
        b->x = nextafterf (b->x, INFINITY);
      while ((double) b->y + b->h / 2.0 > ih)
        b->y = nextafterf (b->y, -INFINITY);
      while ((double) b->y + b->h / 2.0 < 0)
        b->y = nextafterf (b->y, INFINITY);
    }
  if (!em_nn_fomo_targets (boxes, n, iw, ih, gw, gh, n_classes, targets, &collisions, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  printf ("{\"input_w\": %d, \"input_h\": %d, \"grid_w\": %d, \"grid_h\": %d, \"n_classes\": %d,\n",
          iw, ih, gw, gh, n_classes);
  printf ("\"boxes\": [");
  for (int i = 0; i < n; i++)
    printf ("%s[%d, %.9g, %.9g, %.9g, %.9g]", i ? "," : "", boxes[i].label, boxes[i].x, boxes[i].y,
            boxes[i].w, boxes[i].h);
  printf ("],\n\"collisions\": %d,\n", collisions);
  print_ints ("targets", targets, gw * gh, TRUE);
  printf ("}\n");
  return 0;
}

static int
do_post (GRand *r)
{
  EmNnFomoPostParams p;
  int n_cells, ch, found;
  g_autofree float *probs = NULL;
  g_autofree EmNnFomoObject *out = NULL;
  g_autofree int32_t *scratch = NULL;

  p.grid_w = g_rand_int_range (r, 1, 17);
  p.grid_h = g_rand_int_range (r, 1, 17);
  p.input_w = p.grid_w * g_rand_int_range (r, 4, 11);
  p.input_h = p.grid_h * g_rand_int_range (r, 4, 11);
  p.n_classes = g_rand_int_range (r, 1, 4);
  p.threshold = (float) g_rand_double_range (r, 0.3, 0.8);
  p.connectivity = g_rand_boolean (r) ? 8 : 4;
  n_cells = p.grid_w * p.grid_h;
  ch = p.n_classes + 1;
  probs = g_new (float, n_cells * ch);
  /* logits with a background bias, so objects are sparse blobs */
  for (int i = 0; i < n_cells; i++)
    for (int c = 0; c < ch; c++)
      probs[i * ch + c] = (float) (g_rand_double_range (r, -2, 2) + (c == 0 ? 1.5 : 0));
  em_nn_fomo_softmax_f32 (probs, n_cells, ch, probs);
  out = g_new (EmNnFomoObject, n_cells);
  scratch = g_malloc (em_nn_fomo_scratch_bytes (p.grid_w, p.grid_h));
  found = em_nn_fomo_objects_f32 (&p, probs, out, n_cells, scratch,
                                  em_nn_fomo_scratch_bytes (p.grid_w, p.grid_h));
  if (found < 0)
    return 1;
  printf ("{\"input_w\": %d, \"input_h\": %d, \"grid_w\": %d, \"grid_h\": %d, \"n_classes\": %d,"
          " \"threshold\": %.9g, \"connectivity\": %d,\n",
          p.input_w, p.input_h, p.grid_w, p.grid_h, p.n_classes, p.threshold, p.connectivity);
  print_floats ("probs", probs, n_cells * ch, FALSE);
  printf ("\"objects\": [");
  for (int i = 0; i < found; i++)
    printf ("%s[%d, %.9g, %.9g, %.9g, %.9g, %.9g, %.9g, %.9g, %d]", i ? "," : "", out[i].label, out[i].x,
            out[i].y, out[i].w, out[i].h, out[i].cx, out[i].cy, out[i].score, out[i].n_cells);
  printf ("]}\n");
  return 0;
}

int
main (int argc, char **argv)
{
  g_autoptr(GRand) r = NULL;

  if (argc != 3)
    {
      fprintf (stderr, "usage: %s loss|targets|post SEED\n", argv[0]);
      return 2;
    }
  r = g_rand_new_with_seed ((guint32) g_ascii_strtoull (argv[2], NULL, 10));
  if (strcmp (argv[1], "loss") == 0)
    return do_loss (r);
  if (strcmp (argv[1], "targets") == 0)
    return do_targets (r);
  if (strcmp (argv[1], "post") == 0)
    return do_post (r);
  fprintf (stderr, "unknown mode %s\n", argv[1]);
  return 2;
}
