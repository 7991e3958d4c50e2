/* SPDX-License-Identifier: Apache-2.0 */
/* Bounding boxes for an object-detection learning block: the windows' boxes
 * in the coordinates the block sees (the resized input image). */
#include <math.h>
#include <string.h>
#include "em-error.h"
#include "em-learn-boxes.h"

/* Column (0 left, 1 centre, 2 right) and row of the crop anchor, as
 * em-image-window.c names them. */
static void
anchor_position (const char *anchor, int *col, int *row)
{
  static const char * const names[] = {
    "top-left", "top-center", "top-right", "middle-left", "middle-center", "middle-right",
    "bottom-left", "bottom-center", "bottom-right",
  };

  *col = *row = 1;
  for (guint i = 0; anchor != NULL && i < G_N_ELEMENTS (names); i++)
    if (strcmp (anchor, names[i]) == 0)
      {
        *col = (int) i % 3;
        *row = (int) i / 3;
      }
}

/* Where a kept region of @size starts in @space (integer slack split as
 * em_dsp_image_resize_u8 does: the extra pixel goes right / bottom). */
static double
place (int space, int size, int at)
{
  return at == 0 ? 0 : at == 1 ? (space - size) / 2 : space - size;
}

/* Image pixels → input pixels is x * sx + ox, y * sy + oy (before clipping). */
static void
input_transform (const EmInputConfig *input, guint image_w, guint image_h, double *sx_out, double *sy_out,
                 double *ox_out, double *oy_out)
{
  double w = input->width, h = input->height, sx, sy, ox = 0, oy = 0;
  int col, row;

  /* Samples without a recorded size are taken to be the input's size. */
  if (image_w == 0 || image_h == 0)
    {
      image_w = input->width;
      image_h = input->height;
    }
  anchor_position (input->crop_anchor, &col, &row);
  if (input->resize_mode == EM_RESIZE_FIT_SHORTEST)
    {
      /* crop the largest region with the input's aspect ratio, then squash */
      int cw = (int) image_w, ch = (int) image_h;
      if ((double) image_w / image_h > w / h)
        cw = (int) lround (image_h * w / h);
      else
        ch = (int) lround (image_w * h / w);
      sx = w / cw;
      sy = h / ch;
      ox = -place ((int) image_w, cw, col) * sx;
      oy = -place ((int) image_h, ch, row) * sy;
    }
  else if (input->resize_mode == EM_RESIZE_FIT_LONGEST)
    {
      /* letterbox: the whole image scaled into the input, padded */
      double s = MIN (w / image_w, h / image_h);
      int sw = (int) lround (image_w * s), sh = (int) lround (image_h * s);
      sx = (double) sw / image_w;
      sy = (double) sh / image_h;
      ox = place ((int) w, sw, col);
      oy = place ((int) h, sh, row);
    }
  else
    {
      sx = w / image_w;
      sy = h / image_h;
    }
  *sx_out = sx;
  *sy_out = sy;
  *ox_out = ox;
  *oy_out = oy;
}

gboolean
em_learn_box_to_input (const EmInputConfig *input, guint image_w, guint image_h, const EmBoundingBox *box,
                       EmLearnBox *out)
{
  double w = input->width, h = input->height, sx, sy, ox, oy, x0, y0, x1, y1;

  input_transform (input, image_w, image_h, &sx, &sy, &ox, &oy);
  x0 = CLAMP (box->x * sx + ox, 0, w);
  y0 = CLAMP (box->y * sy + oy, 0, h);
  x1 = CLAMP ((box->x + box->width) * sx + ox, 0, w);
  y1 = CLAMP ((box->y + box->height) * sy + oy, 0, h);
  if (!(x1 > x0 && y1 > y0))
    return FALSE;
  out->x = (float) x0;
  out->y = (float) y0;
  out->w = (float) (x1 - x0);
  out->h = (float) (y1 - y0);
  /* the centre of the clipped box is inside by construction; drop boxes
   * mostly cut away (their centre moved out of what the image showed) */
  {
    double cx = (box->x + box->width / 2) * sx + ox, cy = (box->y + box->height / 2) * sy + oy;
    return cx >= 0 && cx <= w && cy >= 0 && cy <= h;
  }
}

gboolean
em_learn_box_from_input (const EmInputConfig *input, guint image_w, guint image_h, const EmLearnBox *box,
                         EmBoundingBox *out)
{
  double sx, sy, ox, oy, x0, y0, x1, y1;

  input_transform (input, image_w, image_h, &sx, &sy, &ox, &oy);
  if (image_w == 0 || image_h == 0)
    {
      image_w = input->width;
      image_h = input->height;
    }
  x0 = CLAMP ((box->x - ox) / sx, 0, image_w);
  y0 = CLAMP ((box->y - oy) / sy, 0, image_h);
  x1 = CLAMP ((box->x + box->w - ox) / sx, 0, image_w);
  y1 = CLAMP ((box->y + box->h - oy) / sy, 0, image_h);
  out->x = x0;
  out->y = y0;
  out->width = x1 - x0;
  out->height = y1 - y0;
  return x1 > x0 && y1 > y0;
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

gboolean
em_learn_boxes_gather (EmLearnSet *set, EmProject *project, EmImpulse *impulse, const char *block_id,
                       const char * const *labels, gboolean training, GError **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) samples = NULL;
  g_autoptr(GHashTable) by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GArray) boxes = g_array_new (FALSE, FALSE, sizeof (EmLearnBox));
  guint n_boxes = 0;

  for (guint i = 0; i < set->n; i++)
    if (i == 0 || set->sample_ids[i] != set->sample_ids[i - 1])
      g_array_append_val (ids, set->sample_ids[i]);
  samples = em_project_get_samples (project, (gint64 *) ids->data, ids->len, error);
  if (samples == NULL)
    return FALSE;
  for (guint i = 0; i < samples->len; i++)
    {
      EmSample *s = g_ptr_array_index (samples, i);
      gint64 *key = g_new (gint64, 1);
      *key = em_sample_get_id (s);
      g_hash_table_insert (by_id, key, s);
      n_boxes += em_sample_get_n_boxes (s);
    }

  /* Classes: the model's, or the distinct box labels. */
  g_strfreev (set->labels);
  if (labels != NULL)
    set->labels = g_strdupv ((char **) labels);
  else
    {
      g_autoptr(GPtrArray) distinct = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < samples->len; i++)
        {
          EmSample *s = g_ptr_array_index (samples, i);
          for (guint k = 0; k < em_sample_get_n_boxes (s); k++)
            {
              const char *label = em_sample_get_box (s, k)->label;
              if (!g_ptr_array_find_with_equal_func (distinct, label, g_str_equal, NULL))
                g_ptr_array_add (distinct, g_strdup (label));
            }
        }
      g_ptr_array_sort (distinct, compare_strings);
      g_ptr_array_add (distinct, NULL);
      set->labels = (GStrv) g_ptr_array_free (g_steal_pointer (&distinct), FALSE);
    }
  if (training && n_boxes == 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                   "block %s: object detection needs bounding boxes, but none of the %u training samples has one;"
                   " label the objects in the images with boxes first", block_id, samples->len);
      return FALSE;
    }

  set->box_start = g_new (guint32, set->n + 1);
  for (guint i = 0; i < set->n; i++)
    {
      EmSample *s = g_hash_table_lookup (by_id, &set->sample_ids[i]);

      set->box_start[i] = boxes->len;
      /* Images have one window each; a sample's boxes go with it. */
      for (guint k = 0; s != NULL && k < em_sample_get_n_boxes (s); k++)
        {
          const EmBoundingBox *box = em_sample_get_box (s, k);
          EmLearnBox b;
          int at = -1;

          for (guint c = 0; set->labels[c] != NULL && at < 0; c++)
            if (strcmp (set->labels[c], box->label) == 0)
              at = (int) c;
          if (at < 0 || !em_learn_box_to_input (&impulse->input, em_sample_get_width (s), em_sample_get_height (s),
                                                box, &b))
            continue;
          b.label = at + 1;
          g_array_append_val (boxes, b);
        }
    }
  set->box_start[set->n] = boxes->len;
  set->n_boxes = boxes->len;
  set->boxes = (EmLearnBox *) g_array_free (g_steal_pointer (&boxes), FALSE);
  set->info.n_classes = g_strv_length (set->labels);
  set->info.labels = set->info.n_classes > 0 ? (const char * const *) set->labels : NULL;
  return TRUE;
}
