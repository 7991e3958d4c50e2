/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "em-block-registry.h"
#include "em-codegen.h"
#include "em-impulse.h"
#include "em-model-store.h"
#include "em-project.h"

G_BEGIN_DECLS

/* What codegen needs from a project, gathered without naming any block:
 * each processing block's device code (its plugin's device_code op), the
 * learning block's exported model, an anomaly block on the same features
 * when there is a trained one. ember-cli deploy, the firmware build
 * (em-firmware.c) and the deployment page's fit check use it. */
typedef struct {
  EmCodegenImpulse    *cg;
  EmSample            *template;       /* fixes the input's axes and rate */
  char                *anomaly_id;     /* nullable: the anomaly block riding along */
  /* What was gathered, for running Ember's own model next to the generated
   * code (test vectors). (transfer none): the blocks live in the impulse,
   * the models as long as the gather. */
  EmImpulseLearnBlock *learn_block;
  EmBlock             *learn_plugin;
  EmModel             *model;
  EmImpulseLearnBlock *anomaly_block;  /* nullable, with the two below */
  EmBlock             *anomaly_plugin;
  EmModel             *anomaly_model;
} EmDeployGather;

/* What to pass as @threshold when the user chose none: classification
 * gets 0.6, object detection the threshold it was trained with. */
#define EM_DEPLOY_THRESHOLD_DEFAULT 0.0f

/* @block_id: NULL = the first learning block. @int8: the int8 model (an
 * anomaly block is always float). @threshold: in (0, 1], or
 * EM_DEPLOY_THRESHOLD_DEFAULT. Errors are one line naming the block:
 * no trained model, model out of date, no device code.
 * (transfer full) */
EmDeployGather *em_deploy_gather     (EmProject *project, EmImpulse *impulse, EmBlockRegistry *registry,
                                      const char *block_id, gboolean int8, float threshold,
                                      GError **error);
void            em_deploy_gather_free (EmDeployGather *gather);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmDeployGather, em_deploy_gather_free)

G_END_DECLS
