/* SPDX-License-Identifier: Apache-2.0 */
/* em-nn-fomo.h — centroid-based object detection in the spirit of Edge
 * Impulse's FOMO: a network maps an input image to a grid of cells (1/8 of
 * the input per side: 12 × 12 for 96 × 96), each cell a softmax over
 * C + 1 classes where class 0 is background and 1..C are the object
 * classes. Training marks the cell holding each box's centroid; inference
 * merges neighbouring cells of one class into objects.
 *
 * Shapes and units, everywhere:
 *  - cell tensors are NHWC like every nn/ tensor: [grid_h][grid_w][C + 1],
 *    several images one after another ([n][grid_h][grid_w][C + 1]);
 *  - boxes and centroids are in input pixels, x to the right, y down,
 *    (x, y) the top-left corner; the input is input_w × input_h and cell
 *    (row, col) covers x in [col·input_w/grid_w, (col+1)·input_w/grid_w),
 *    likewise for y.
 *
 * Post-processing (em-nn-fomo-post.c) is portable C99 with no GLib and no
 * allocation, for devices. Targets, loss and metrics (em-nn-fomo-targets.c,
 * em-nn-fomo-metrics.c) are host code with GLib; define
 * EM_NN_FOMO_PORTABLE_ONLY to leave them out.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* ---- portable: types and post-processing (no GLib) ---------------------- */

typedef enum {
  EM_NN_FOMO_OK = 0,
  EM_NN_FOMO_ERR_PARAM = -1,   /* NULL pointer, size < 1, threshold outside [0, 1], connectivity not 4/8 */
  EM_NN_FOMO_ERR_SCRATCH = -2, /* scratch smaller than em_nn_fomo_scratch_bytes() */
} EmNnFomoStatus;

/* A ground-truth box. */
typedef struct {
  int32_t label;      /* 1..C (0 is background and never a box) */
  float   x, y, w, h; /* input pixels; w, h > 0 */
} EmNnFomoBox;

/* A detected object: one connected group of cells of one class. */
typedef struct {
  int32_t label;      /* 1..C */
  float   x, y, w, h; /* bounding box of the merged cells, in input pixels */
  float   cx, cy;     /* centroid: the cells' centres averaged with their probabilities as weights */
  float   score;      /* highest probability of the class among the merged cells, 0..1 */
  int32_t n_cells;    /* cells merged, >= 1 */
} EmNnFomoObject;

typedef struct {
  int32_t input_w, input_h; /* pixels, >= 1 */
  int32_t grid_w, grid_h;   /* cells, >= 1 (input / 8 for the FOMO backbone) */
  int32_t n_classes;        /* C, object classes without background, >= 1 */
  float   threshold;        /* a cell is an object cell when its best object class has p >= threshold, in [0, 1] */
  int32_t connectivity;     /* 4: cells sharing an edge merge; 8: corners too */
} EmNnFomoPostParams;

/* Bytes of scratch em_nn_fomo_objects_*() need: 2 int32 per cell. */
size_t em_nn_fomo_scratch_bytes (int32_t grid_w, int32_t grid_h);

/* Softmax of each cell's C + 1 logits. logits and probs: [n_cells][n_channels];
 * they may be the same buffer. Max-subtracted, so large logits are safe. */
void   em_nn_fomo_softmax_f32   (const float *logits, int32_t n_cells, int32_t n_channels, float *probs);

/* Cells → objects for one image. probs: [grid_h][grid_w][C + 1] softmax
 * outputs (background at channel 0, ignored here). A cell's class is the
 * object class with the highest probability (ties: the lower class); the
 * cell counts when that probability is >= threshold (above 0.5 it is then
 * the argmax over all C + 1 channels). Cells of the same class that touch
 * (4- or 8-connected) form one object; touching cells of different classes
 * stay separate objects.
 * Objects come out in raster order of their top-left-most cell. At most
 * @capacity are written to @out; when more are found, the @capacity with
 * the highest scores are kept (ties: the earlier one) and the order is then
 * no longer raster. scratch: em_nn_fomo_scratch_bytes(), 4-byte aligned.
 * Returns the number of objects found (may exceed @capacity: the caller
 * sees the truncation) or a negative EmNnFomoStatus. @out may be NULL when
 * @capacity is 0, to count. */
int32_t em_nn_fomo_objects_f32 (const EmNnFomoPostParams *params, const float *probs,
                                EmNnFomoObject *out, int32_t capacity,
                                void *scratch, size_t scratch_bytes);
/* The same on a quantized output: p = (q - zero_point) · scale. */
int32_t em_nn_fomo_objects_s8  (const EmNnFomoPostParams *params, const int8_t *probs,
                                float scale, int32_t zero_point,
                                EmNnFomoObject *out, int32_t capacity,
                                void *scratch, size_t scratch_bytes);

/* ---- host: training targets, loss, metrics (GLib) ------------------------ */
#ifndef EM_NN_FOMO_PORTABLE_ONLY
#include <glib.h>

G_BEGIN_DECLS

/* Training targets for one image: targets[grid_h × grid_w] (row-major) is
 * set to 0 (background) except in the cell holding each box's centroid
 * (x + w/2, y + h/2), which gets the box's label. A centroid exactly on the
 * right or bottom edge of the input belongs to the last cell.
 * Collisions: when two centroids fall into one cell, the box with the
 * smaller area keeps the cell (ties: the earlier box), because the larger
 * object usually shows in more cells of its neighbourhood while the small
 * one would vanish; each box that loses its cell adds 1 to *n_collisions
 * (nullable).
 * Errors (EM_NN_ERROR_INVALID_DATA, naming the box by its index): a label
 * outside 1..n_classes, NaN / infinite coordinates, w or h <= 0, a centroid
 * outside the input. EM_NN_ERROR_INVALID_MODEL for sizes < 1 or a grid
 * larger than the input. On error @targets is left unchanged. */
gboolean em_nn_fomo_targets (const EmNnFomoBox *boxes, int n_boxes,
                             int input_w, int input_h, int grid_w, int grid_h, int n_classes,
                             int32_t *targets, int *n_collisions, GError **error);

/* Weighted softmax cross-entropy over cells:
 *   L = (1 / n_cells) · Σ_i w_i · (−log softmax(z_i)[t_i]),
 *   w_i = object_weight when t_i != 0, else 1,
 * and, when @grad is not NULL, dL/dz_ic = w_i · (softmax(z_i)_c − [c = t_i]) / n_cells.
 * logits, grad: [n_cells][n_channels] (n_channels = C + 1); targets:
 * [n_cells] in 0..C. Computed in double internally; log-sum-exp with the
 * maximum subtracted, so any finite logits are safe. object_weight > 0
 * (FOMO's default: EM_NN_FOMO_OBJECT_WEIGHT). Returns NAN for invalid
 * arguments (a target out of range, n_cells < 1, n_channels < 2). */
#define EM_NN_FOMO_OBJECT_WEIGHT 100.0f
float    em_nn_fomo_loss    (const float *logits, const int32_t *targets, int n_cells, int n_channels,
                             float object_weight, float *grad);

/* Detection metrics per class, accumulated image by image. Matching in one
 * image: predictions are taken by descending score (ties: input order);
 * a prediction is a true positive when its centroid lies inside (edges
 * included) a ground-truth box of the same class not matched yet (several
 * candidates: the one whose centre is nearest the centroid, then the
 * earlier), otherwise a false positive. Unmatched ground truth boxes are
 * false negatives. */
typedef struct {
  int     n_classes;  /* C; arrays below are indexed by label − 1 */
  guint   n_images;
  guint  *tp, *fp, *fn;
  double *precision;  /* tp / (tp + fp); NAN when the class was never predicted */
  double *recall;     /* tp / (tp + fn); NAN when the class has no ground truth */
  double *f1;         /* 2pr / (p + r); 0 when p = r = 0; NAN when p or r is NAN */
  /* all classes pooled (micro average), same conventions */
  double  precision_all, recall_all, f1_all;
  double  macro_f1;   /* mean of the classes' defined F1s; NAN when none is defined */
} EmNnFomoMetrics;

/* (transfer full); n_classes >= 1 */
EmNnFomoMetrics *em_nn_fomo_metrics_new     (int n_classes);
/* Add one image. Boxes or objects with a label outside 1..C are an error
 * (EM_NN_ERROR_INVALID_DATA naming which) and leave @m unchanged. Updates
 * the derived rates, so they are valid after every call. */
gboolean         em_nn_fomo_metrics_add     (EmNnFomoMetrics *m, const EmNnFomoBox *truth, int n_truth,
                                             const EmNnFomoObject *predicted, int n_predicted,
                                             GError **error);
/* {"n_images", "labels": [...], "tp", "fp", "fn", "precision", "recall",
 *  "f1": [...], "precision_all", "recall_all", "f1_all", "macro_f1"}; NAN → null.
 * labels: C names or NULL (then "1".."C"). (transfer full) */
char            *em_nn_fomo_metrics_to_json (const EmNnFomoMetrics *m, const char * const *labels);
void             em_nn_fomo_metrics_free    (EmNnFomoMetrics *m);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmNnFomoMetrics, em_nn_fomo_metrics_free)
G_END_DECLS
#endif
