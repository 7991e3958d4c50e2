/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "em-box-proposal.h"

G_BEGIN_DECLS

/* Box propagation between consecutive frames of a burst: each box of the
 * previous frame is looked for in the next one by block matching. The
 * patch under the box is compared, as grayscale, with every position
 * shifted by up to ±radius pixels in x and y; the shift with the smallest
 * mean absolute difference wins (ties go to the smaller shift, so a still
 * scene keeps its boxes where they were). Boxes keep their size; a box
 * pushed over the border is clipped to the image. */

#define EM_BOX_TRACK_DEFAULT_RADIUS 8

/* 8-bit luminance (ITU-R BT.601 weights) of an image sample, row-major,
 * width × height bytes. (transfer full) */
guint8 *em_box_track_gray   (EmSample *image, guint *width, guint *height, GError **error);

/* The matching itself on two width × height grayscale frames.
 * @boxes: @n_boxes boxes in @prev's pixels; @out: @n_boxes proposals,
 * each the moved box with a copy of its label and a score of
 * 1 − mean absolute difference / 255 (1 = identical patch). A box with no
 * pixel inside the image is proposed unchanged with score 0. */
void    em_box_track_frames (const guint8        *prev,
                             const guint8        *next,
                             guint                width,
                             guint                height,
                             const EmBoundingBox *boxes,
                             guint                n_boxes,
                             guint                radius,
                             EmBoxProposal       *out);

/* Track @previous's boxes into @next (both image samples with data, of the
 * same size). (transfer full) (element-type EmBoxProposal) */
GArray *em_box_track        (EmSample *previous, EmSample *next, guint radius, GError **error);

/* A proposal source running em_box_track() from the previous image; it
 * proposes nothing when there is no previous image, it has no boxes, or
 * the two differ in size (not one burst). (transfer full) */
EmBoxProposalSource *em_box_track_source_new (guint radius);

G_END_DECLS
