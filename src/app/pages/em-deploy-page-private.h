/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "em-block-registry.h"
#include "em-codegen.h"
#include "em-project.h"

G_BEGIN_DECLS

/* Everything "Build" does, off the UI thread: gather the project's impulse
 * for codegen (each processing block's device code, the first learning
 * block's exported model, an anomaly block on the same features riding
 * along) and generate @target into @dir. The CLI's `deploy` does the same
 * gathering; this one adds no test vectors.
 * @force: replace files of an earlier build in @dir. */
gboolean em_deploy_build (EmProject *project, EmBlockRegistry *registry, const char *target, gboolean int8,
                          float threshold, const char *dir, gboolean force, EmCodegenSummary *summary,
                          GCancellable *cancellable, GError **error);

G_END_DECLS
