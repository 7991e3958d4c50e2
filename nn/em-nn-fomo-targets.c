/* SPDX-License-Identifier: Apache-2.0 */
/* FOMO training: boxes → per-cell class targets, and the weighted per-cell
 * cross-entropy with its gradient. Host code. */
#include <math.h>

#include "em-nn-fomo.h"
#include "em-nn-model.h"

gboolean
em_nn_fomo_targets (const EmNnFomoBox *boxes, int n_boxes, int input_w, int input_h, int grid_w,
                    int grid_h, int n_classes, int32_t *targets, int *n_collisions, GError **error)
{
  g_autofree int *owner = NULL; /* per cell: index of the box holding it, −1 = none */
  int collisions = 0;

  g_return_val_if_fail (targets != NULL, FALSE);
  g_return_val_if_fail (n_boxes == 0 || boxes != NULL, FALSE);

  if (input_w < 1 || input_h < 1 || grid_w < 1 || grid_h < 1 || n_classes < 1 || n_boxes < 0)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                   "FOMO targets: sizes must be at least 1 (input %d×%d, grid %d×%d, %d classes, %d boxes)",
                   input_w, input_h, grid_w, grid_h, n_classes, n_boxes);
      return FALSE;
    }
  if (grid_w > input_w || grid_h > input_h)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                   "FOMO targets: grid %d×%d is finer than the %d×%d input", grid_w, grid_h, input_w, input_h);
      return FALSE;
    }

  /* validate everything before touching @targets */
  for (int i = 0; i < n_boxes; i++)
    {
      const EmNnFomoBox *b = &boxes[i];
      /* in double, exactly as the cell is found below */
      double cx = (double) b->x + b->w / 2.0, cy = (double) b->y + b->h / 2.0;
      const char *reason = NULL;

      if (b->label < 1 || b->label > n_classes)
        reason = "label is outside 1..n_classes";
      else if (!isfinite (b->x) || !isfinite (b->y) || !isfinite (b->w) || !isfinite (b->h))
        reason = "a coordinate is not a finite number";
      else if (!(b->w > 0 && b->h > 0))
        reason = "width and height must be above 0";
      else if (cx < 0 || cy < 0 || cx > input_w || cy > input_h)
        reason = "its centre lies outside the input";
      if (reason != NULL)
        {
          g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA,
                       "FOMO targets: box %d (label %d, x %g y %g w %g h %g, %d classes, input %d×%d): %s",
                       i, b->label, b->x, b->y, b->w, b->h, n_classes, input_w, input_h, reason);
          return FALSE;
        }
    }

  owner = g_new (int, (gsize) grid_w * grid_h);
  for (int i = 0; i < grid_w * grid_h; i++)
    {
      owner[i] = -1;
      targets[i] = 0;
    }
  for (int i = 0; i < n_boxes; i++)
    {
      const EmNnFomoBox *b = &boxes[i];
      /* in double, so a centroid exactly on a cell edge lands in the cell
       * to its right / below as the header promises */
      int col = (int) floor (((double) b->x + b->w / 2.0) * grid_w / input_w);
      int row = (int) floor (((double) b->y + b->h / 2.0) * grid_h / input_h);
      int cell = CLAMP (row, 0, grid_h - 1) * grid_w + CLAMP (col, 0, grid_w - 1);

      if (owner[cell] >= 0)
        {
          const EmNnFomoBox *held = &boxes[owner[cell]];

          collisions++;
          /* the smaller box takes the cell; on a tie the earlier keeps it */
          if ((double) b->w * b->h >= (double) held->w * held->h)
            continue;
        }
      owner[cell] = i;
      targets[cell] = b->label;
    }
  if (n_collisions != NULL)
    *n_collisions = collisions;
  return TRUE;
}

float
em_nn_fomo_loss (const float *logits, const int32_t *targets, int n_cells, int n_channels,
                 float object_weight, float *grad)
{
  double total = 0;

  if (logits == NULL || targets == NULL || n_cells < 1 || n_channels < 2 || !(object_weight > 0))
    return NAN;
  for (int i = 0; i < n_cells; i++)
    if (targets[i] < 0 || targets[i] >= n_channels)
      return NAN;

  for (int i = 0; i < n_cells; i++)
    {
      const float *z = logits + (gsize) i * n_channels;
      int t = targets[i];
      double w = t != 0 ? object_weight : 1.0;
      double max = z[0], sum = 0, log_sum;

      for (int c = 1; c < n_channels; c++)
        max = MAX (max, (double) z[c]);
      for (int c = 0; c < n_channels; c++)
        sum += exp ((double) z[c] - max);
      log_sum = max + log (sum);
      total += w * (log_sum - z[t]);
      if (grad != NULL)
        {
          float *g = grad + (gsize) i * n_channels;

          for (int c = 0; c < n_channels; c++)
            {
              double p = exp ((double) z[c] - log_sum);
              g[c] = (float) (w * (p - (c == t)) / n_cells);
            }
        }
    }
  return (float) (total / n_cells);
}
