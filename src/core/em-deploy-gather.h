/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "em-block-registry.h"
#include "em-codegen.h"
#include "em-impulse.h"
#include "em-project.h"

G_BEGIN_DECLS

/* What codegen needs from a project, gathered without naming any block:
 * each processing block's device code (its plugin's device_code op), the
 * learning block's exported model, an anomaly block on the same features
 * when there is a trained one. The firmware build (em-firmware.c) uses it;
 * ember-cli deploy and the deployment page have their own copies of the
 * same steps, to be moved onto this one. */
typedef struct {
  EmCodegenImpulse *cg;
  EmSample         *template;     /* fixes the input's axes and rate */
  char             *anomaly_id;   /* nullable: the anomaly block riding along */
} EmDeployGather;

/* @block_id: NULL = the first learning block. @int8: the int8 model (an
 * anomaly block is always float). Errors are one line naming the block:
 * no trained model, model out of date, no device code, object detection.
 * (transfer full) */
EmDeployGather *em_deploy_gather     (EmProject *project, EmImpulse *impulse, EmBlockRegistry *registry,
                                      const char *block_id, gboolean int8, float threshold,
                                      GError **error);
void            em_deploy_gather_free (EmDeployGather *gather);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmDeployGather, em_deploy_gather_free)

G_END_DECLS
