/* SPDX-License-Identifier: Apache-2.0 */
/* em-codegen-detect.h — what a deploy needs to know of an object-detection
 * (FOMO-style) model beyond its program. */
#pragma once

#include "em-codegen.h"

G_BEGIN_DECLS

/* Reads the detection settings of a trained object-detection block from
 * its stored training report (EmModel.report: {"model": {"threshold": t,
 * "connectivity": 4|8 (optional, default 8), ...}, ...}) into
 * @impulse->threshold and @impulse->detect_connectivity, so the generated
 * code merges cells as Ember does. A report without a threshold in (0, 1]
 * or with another connectivity is an EM_CODEGEN_ERROR_INVALID naming the
 * key. */
gboolean em_codegen_detect_settings_from_report (EmCodegenImpulse *impulse, const char *report, GError **error);

G_END_DECLS
