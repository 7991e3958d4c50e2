/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "em-sample.h"

G_BEGIN_DECLS

/* Assisted labeling: boxes a program suggests for an image, which the user
 * accepts or rejects before they become labels. */

/* One suggested box, in the image's pixels (x, y: top-left corner), with
 * a score in [0, 1] (higher = more confident). */
typedef struct {
  char  *label;
  double x, y, width, height;
  double score;
} EmBoxProposal;

void em_box_proposal_clear (EmBoxProposal *proposal);

/* An empty array of proposals that frees their labels.
 * (transfer full) (element-type EmBoxProposal) */
GArray *em_box_proposals_new (void);

/* A source of proposals, so the labeling view can ask several (the frame
 * tracker, a trained detector, ...) through one call.
 *
 * @propose is given the image to label (@sample, with its data) and the
 * image before it in the sequence being labeled (@previous, with its data
 * and boxes; NULL when there is none). It returns the proposals (possibly
 * none), or NULL with @error set when it could not run. */
typedef struct _EmBoxProposalSource EmBoxProposalSource;

typedef GArray *(*EmBoxProposeFunc) (EmBoxProposalSource *source,
                                     EmSample            *sample,
                                     EmSample            *previous,
                                     GError             **error);

struct _EmBoxProposalSource {
  const char       *name;      /* shown to users, e.g. "Tracked from the previous image" */
  EmBoxProposeFunc  propose;
  gpointer          user_data;
  GDestroyNotify    destroy;   /* frees @user_data; may be NULL */
};

/* (transfer full) */
EmBoxProposalSource *em_box_proposal_source_new  (const char       *name,
                                                  EmBoxProposeFunc  propose,
                                                  gpointer          user_data,
                                                  GDestroyNotify    destroy);
void                 em_box_proposal_source_free (EmBoxProposalSource *source);
/* (transfer full) (element-type EmBoxProposal) */
GArray              *em_box_proposal_source_propose (EmBoxProposalSource *source,
                                                     EmSample            *sample,
                                                     EmSample            *previous,
                                                     GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmBoxProposalSource, em_box_proposal_source_free)

G_END_DECLS
