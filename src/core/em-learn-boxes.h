/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "em-learn.h"

G_BEGIN_DECLS

/* Object detection: fill @set's box_start / boxes from its samples'
 * bounding boxes, mapped from image pixels to the impulse input's pixels the
 * way the input block resizes the image (squash, fit shortest = crop, fit
 * longest = letterbox, with the crop anchor); boxes clipped to the input,
 * those whose centre falls outside it dropped. set->labels become @labels
 * (a trained model's) or the sorted distinct box labels; boxes with another
 * label are dropped. info.n_classes / info.labels are set to match.
 * @training: no box at all is then an error naming the block. */
gboolean em_learn_boxes_gather (EmLearnSet *set, EmProject *project, EmImpulse *impulse, const char *block_id,
                                const char * const *labels, gboolean training, GError **error);

/* The mapping above for one box (@image_w × @image_h pixels: the sample's
 * size). FALSE when the box's centre is outside the input after it. */
gboolean em_learn_box_to_input (const EmInputConfig *input, guint image_w, guint image_h, const EmBoundingBox *box,
                                EmLearnBox *out);
/* The inverse, for a box found in the input's pixels (a detection): the
 * box in the image's pixels, clipped to the image (letterbox padding and
 * cropped-away parts map outside it). @out's label is left as it is. FALSE
 * when nothing of the box is left inside the image. */
gboolean em_learn_box_from_input (const EmInputConfig *input, guint image_w, guint image_h, const EmLearnBox *box,
                                  EmBoundingBox *out);

G_END_DECLS
