/* SPDX-License-Identifier: Apache-2.0 */
/* Block matching by sum of absolute differences. Boxes of big images are
 * compared on a sparse grid (at most about 48 × 48 samples per patch), so
 * the work per box is bounded whatever the image size and the labeling
 * view can run it on the main thread between two images. */
#include <math.h>

#include "em-box-track.h"
#include "em-error.h"
#include "em-image.h"

#define MAX_SAMPLES_PER_SIDE 48

guint8 *
em_box_track_gray (EmSample *image, guint *width, guint *height, GError **error)
{
  g_autofree guint8 *rgb = NULL;
  guint8 *gray;
  guint w, h;

  g_return_val_if_fail (EM_IS_SAMPLE (image), NULL);
  if (em_sample_get_kind (image) != EM_SENSOR_IMAGE)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, "sample '%s' is not an image",
                   em_sample_get_name (image) != NULL ? em_sample_get_name (image) : "");
      return NULL;
    }
  if (em_sample_get_data (image) == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, "image '%s' was read without its data",
                   em_sample_get_name (image) != NULL ? em_sample_get_name (image) : "");
      return NULL;
    }
  rgb = em_image_decode_rgb (image, &w, &h, error);
  if (rgb == NULL)
    return NULL;
  gray = g_malloc ((gsize) w * h);
  for (gsize i = 0; i < (gsize) w * h; i++)
    {
      const guint8 *p = rgb + 3 * i;
      gray[i] = (guint8) ((299 * p[0] + 587 * p[1] + 114 * p[2] + 500) / 1000);
    }
  *width = w;
  *height = h;
  return gray;
}

static void
track_one (const guint8 *prev, const guint8 *next, int width, int height,
           const EmBoundingBox *box, int radius, EmBoxProposal *out)
{
  int x0 = MAX (0, (int) floor (box->x)), y0 = MAX (0, (int) floor (box->y));
  int x1 = MIN (width, (int) ceil (box->x + box->width));
  int y1 = MIN (height, (int) ceil (box->y + box->height));
  int step = MAX (1, (MAX (x1 - x0, y1 - y0) + MAX_SAMPLES_PER_SIDE - 1) / MAX_SAMPLES_PER_SIDE);
  int n_patch = 0;
  double best = G_MAXDOUBLE;
  int best_dx = 0, best_dy = 0, best_dist = G_MAXINT;

  out->label = g_strdup (box->label);
  out->width = box->width;
  out->height = box->height;
  out->x = box->x;
  out->y = box->y;
  out->score = 0;
  if (x1 <= x0 || y1 <= y0)
    return;
  for (int y = y0; y < y1; y += step)
    for (int x = x0; x < x1; x += step)
      n_patch++;

  for (int dy = -radius; dy <= radius; dy++)
    for (int dx = -radius; dx <= radius; dx++)
      {
        guint64 sum = 0;
        int n = 0, dist = dx * dx + dy * dy;
        double mean;

        for (int y = y0; y < y1; y += step)
          {
            int ny = y + dy;
            if (ny < 0 || ny >= height)
              continue;
            for (int x = x0; x < x1; x += step)
              {
                int nx = x + dx;
                if (nx < 0 || nx >= width)
                  continue;
                sum += (guint) abs ((int) prev[y * width + x] - (int) next[ny * width + nx]);
                n++;
              }
          }
        /* A shift that leaves most of the patch outside the frame matches
         * too few pixels to be trusted. */
        if (2 * n < n_patch)
          continue;
        mean = (double) sum / n;
        if (mean < best || (mean == best && dist < best_dist))
          {
            best = mean;
            best_dx = dx;
            best_dy = dy;
            best_dist = dist;
          }
      }
  if (best == G_MAXDOUBLE)
    return;

  {
    double x = box->x + best_dx, y = box->y + best_dy;
    double right = MIN ((double) width, x + box->width), bottom = MIN ((double) height, y + box->height);
    x = MAX (0.0, x);
    y = MAX (0.0, y);
    out->x = x;
    out->y = y;
    out->width = MAX (0.0, right - x);
    out->height = MAX (0.0, bottom - y);
    out->score = 1.0 - best / 255.0;
  }
}

void
em_box_track_frames (const guint8 *prev, const guint8 *next, guint width, guint height,
                     const EmBoundingBox *boxes, guint n_boxes, guint radius, EmBoxProposal *out)
{
  g_return_if_fail (prev != NULL && next != NULL);
  g_return_if_fail (n_boxes == 0 || (boxes != NULL && out != NULL));
  g_return_if_fail (width <= G_MAXINT / MAX (height, 1u) && radius < 4096);

  for (guint i = 0; i < n_boxes; i++)
    track_one (prev, next, (int) width, (int) height, &boxes[i], (int) radius, &out[i]);
}

GArray *
em_box_track (EmSample *previous, EmSample *next, guint radius, GError **error)
{
  g_autofree guint8 *a = NULL, *b = NULL;
  g_autoptr(GArray) out = NULL;
  g_autofree EmBoundingBox *boxes = NULL;
  guint aw, ah, bw, bh, n;

  g_return_val_if_fail (EM_IS_SAMPLE (previous) && EM_IS_SAMPLE (next), NULL);
  a = em_box_track_gray (previous, &aw, &ah, error);
  if (a == NULL)
    return NULL;
  b = em_box_track_gray (next, &bw, &bh, error);
  if (b == NULL)
    return NULL;
  if (aw != bw || ah != bh)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                   "images '%s' (%u×%u) and '%s' (%u×%u) differ in size, so one cannot be "
                   "tracked into the other", em_sample_get_name (previous), aw, ah,
                   em_sample_get_name (next), bw, bh);
      return NULL;
    }
  n = em_sample_get_n_boxes (previous);
  boxes = g_new0 (EmBoundingBox, MAX (n, 1u));
  for (guint i = 0; i < n; i++)
    boxes[i] = *em_sample_get_box (previous, i); /* labels borrowed */
  out = em_box_proposals_new ();
  g_array_set_size (out, n);
  em_box_track_frames (a, b, aw, ah, boxes, n, radius, (EmBoxProposal *) (void *) out->data);
  return g_steal_pointer (&out);
}

static GArray *
track_propose (EmBoxProposalSource *source, EmSample *sample, EmSample *previous, GError **error)
{
  GArray *result;

  if (previous == NULL || em_sample_get_n_boxes (previous) == 0 ||
      em_sample_get_kind (previous) != EM_SENSOR_IMAGE ||
      em_sample_get_width (previous) != em_sample_get_width (sample) ||
      em_sample_get_height (previous) != em_sample_get_height (sample))
    return em_box_proposals_new ();
  result = em_box_track (previous, sample, GPOINTER_TO_UINT (source->user_data), error);
  return result;
}

EmBoxProposalSource *
em_box_track_source_new (guint radius)
{
  return em_box_proposal_source_new ("Tracked from the previous image", track_propose,
                                     GUINT_TO_POINTER (radius), NULL);
}
