/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "em-block-registry.h"
#include "em-impulse.h"

G_BEGIN_DECLS

/* Ask a block's autotune hook for parameters that suit the project's data,
 * from the first window of up to @max_examples enabled training samples.
 * Returns the suggestions as name -> value (JSON scalars as text), or NULL
 * with an error (EM_ERROR_UNSUPPORTED when the block has no autotune).
 * (transfer full) */
GHashTable *em_autotune_block (EmProject *project, EmImpulse *impulse, const char *block_id,
                               EmBlockRegistry *registry, guint max_examples, GError **error);

G_END_DECLS
