/* SPDX-License-Identifier: Apache-2.0 */
/* The text of the generated files (em-codegen-write.c). */
#pragma once

#include "em-codegen-private.h"

G_BEGIN_DECLS

/* Pairs of (relative path, text), both owned by the array. @runtime: the
 * sorted "dsp/NAME" / "nn/NAME" files that will be copied. (transfer full) */
GPtrArray *em_codegen_write_sources (const EmCodegenImpulse *impulse, guint32 n_features, guint32 n_outputs,
                                     const EmCodegenModel *model, const EmCodegenModel *anomaly,
                                     GPtrArray *runtime, EmCodegenSummary *summary, GError **error);

G_END_DECLS
