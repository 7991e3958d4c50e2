/* SPDX-License-Identifier: Apache-2.0 */
#include "em-box-proposal.h"

void
em_box_proposal_clear (EmBoxProposal *proposal)
{
  g_clear_pointer (&proposal->label, g_free);
}

GArray *
em_box_proposals_new (void)
{
  GArray *array = g_array_new (FALSE, TRUE, sizeof (EmBoxProposal));

  g_array_set_clear_func (array, (GDestroyNotify) em_box_proposal_clear);
  return array;
}

EmBoxProposalSource *
em_box_proposal_source_new (const char *name, EmBoxProposeFunc propose, gpointer user_data,
                            GDestroyNotify destroy)
{
  EmBoxProposalSource *source;

  g_return_val_if_fail (propose != NULL, NULL);
  source = g_new0 (EmBoxProposalSource, 1);
  source->name = name;
  source->propose = propose;
  source->user_data = user_data;
  source->destroy = destroy;
  return source;
}

void
em_box_proposal_source_free (EmBoxProposalSource *source)
{
  if (source == NULL)
    return;
  if (source->destroy != NULL)
    source->destroy (source->user_data);
  g_free (source);
}

GArray *
em_box_proposal_source_propose (EmBoxProposalSource *source, EmSample *sample, EmSample *previous,
                                GError **error)
{
  g_return_val_if_fail (source != NULL, NULL);
  g_return_val_if_fail (EM_IS_SAMPLE (sample), NULL);
  return source->propose (source, sample, previous, error);
}
