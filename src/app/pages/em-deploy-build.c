/* SPDX-License-Identifier: Apache-2.0 */
/* Building a library for the deployment page: the impulse gathered from
 * the project the way ember-cli deploy gathers it (em-deploy-gather.h),
 * then generated. */
#include "em-deploy-page-private.h"
#include "em-deploy-gather.h"

gboolean
em_deploy_build (EmProject *project, EmBlockRegistry *registry, const char *target, gboolean int8,
                 float threshold, const char *dir, gboolean force, EmCodegenSummary *summary,
                 GCancellable *cancellable, GError **error)
{
  g_autoptr(EmImpulse) impulse = NULL;
  g_autoptr(EmDeployGather) gather = NULL;

  if ((impulse = em_impulse_load (project, error)) == NULL)
    return FALSE;
  if ((gather = em_deploy_gather (project, impulse, registry, NULL, int8, threshold, error)) == NULL)
    return FALSE;
  /* Generation itself is quick and writes a folder: once it starts it
   * finishes, so a cancel never leaves half a library behind. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  return em_codegen_generate (gather->cg, target, dir, force, summary, error);
}
