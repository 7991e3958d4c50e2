/* SPDX-License-Identifier: Apache-2.0 */
/* em-codegen-build.h — build a generated library with a real toolchain. */
#pragma once

#include "em-codegen.h"
#include "em-codegen-report.h"

G_BEGIN_DECLS

#define EM_CODEGEN_BUILD_ERROR (em_codegen_build_error_quark ())
GQuark em_codegen_build_error_quark (void);

typedef enum {
  EM_CODEGEN_BUILD_ERROR_TOOLCHAIN,   /* a compiler or its C library is not installed (the message names the
                                       * Debian package) */
  EM_CODEGEN_BUILD_ERROR_FAILED,      /* a compiler failed (the message has the tail of its output) */
} EmCodegenBuildError;

/* The flash/RAM table of @impulse's c-library on a Cortex-M4F: generated
 * into a temporary folder (removed afterwards unless $EMBER_KEEP_REPORT_BUILD
 * is set), compiled with arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb
 * -mfpu=fpv4-sp-d16 -mfloat-abi=hard -Os -ffunction-sections -fdata-sections,
 * one object per source, linked with targets/cortex-m (startup, linker
 * script, a main that calls em_run_impulse and em_run_features) and read
 * from the map. @summary: what generation planned. */
EmCodegenReport *em_codegen_build_report (const EmCodegenImpulse *impulse, EmCodegenSummary *summary,
                                          GError **error);

/* Compile @dir (a generated linux target) into @dir/runner with cc. */
gboolean         em_codegen_build_runner (const char *dir, GError **error);

G_END_DECLS
