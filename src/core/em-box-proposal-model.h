/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "em-block-registry.h"
#include "em-box-proposal.h"
#include "em-impulse.h"

G_BEGIN_DECLS

/* Assisted labeling with the project's trained model: a proposal source
 * that runs the impulse on the image to label.
 *
 * With an object-detection block it proposes the block's objects, mapped
 * from the input's pixels back to the image's (the inverse of the input
 * block's resize), each scored with its probability. A FOMO-style block
 * finds centroids, not sizes: a proposal is centred on the centroid and
 * has the median size (relative to the image) of the project's boxes of
 * its class, or the merged cells' size when that is bigger. With an image
 * classifier it proposes one box over the whole image, labelled with the
 * top class and scored with its probability: a label suggestion.
 *
 * The model is loaded once, when the source is made: make a new source
 * after training. It runs the int8 model, as deployment does by default,
 * or the float one when the block has no int8 variant (or when asked).
 * A source is used from one thread at a time. */

#define EM_BOX_PROPOSAL_MODEL_NAME "Proposed by the trained model"

typedef enum {
  EM_BOX_PROPOSAL_MODEL_DEFAULT, /* int8, else float */
  EM_BOX_PROPOSAL_MODEL_FLOAT,
  EM_BOX_PROPOSAL_MODEL_INT8,    /* an error when the block has no int8 model */
} EmBoxProposalModelVariant;

/* A source for learning block @block_id (NULL: the first object-detection
 * block of @impulse, else its first classification block). @impulse:
 * (nullable) NULL = the project's. Errors: the project has no impulse, an
 * impulse not on images, or no such block (NOT_FOUND), the block has no model ("no trained model:
 * train the … block first", NOT_FOUND), the model is out of date or made
 * for something else (INVALID_DATA), the variant cannot be loaded
 * (UNSUPPORTED). (transfer full) */
EmBoxProposalSource *em_box_proposal_model_source_new (EmProject                 *project,
                                                       EmImpulse                 *impulse,
                                                       EmBlockRegistry           *registry,
                                                       const char                *block_id,
                                                       EmBoxProposalModelVariant  variant,
                                                       GError                   **error);

/* What a model source runs (NULL / FALSE for other sources). */
const char  *em_box_proposal_model_source_get_block   (EmBoxProposalSource *source);
EmLearnTask  em_box_proposal_model_source_get_task    (EmBoxProposalSource *source);
/* "int8" or "float" */
const char  *em_box_proposal_model_source_get_variant (EmBoxProposalSource *source);
/* µs since the epoch: when the model was trained. */
gint64       em_box_proposal_model_source_get_trained (EmBoxProposalSource *source);

G_END_DECLS
