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
  EM_CODEGEN_BUILD_ERROR_DOES_NOT_FIT, /* the build is larger than the part's flash or RAM */
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

/* Progress of a long build or measurement: @fraction 0..1 (negative:
 * unknown), @what (nullable) a line for people. Same shape as EmJob's
 * em_job_progress_cb, so a job can be passed as @user_data. */
typedef void (*EmCodegenProgressFunc) (double fraction, const char *what, gpointer user_data);

/* Generate @impulse's c-library into @dir/lib and link it for the
 * Cortex-M4F (the flags above) with targets/cortex-m's startup and linker
 * script, the target file @main_template (e.g. "cortex-m/report-main.c")
 * and @extra_sources (nullable, NULL-terminated paths) into
 * @dir/firmware.elf with the map @dir/firmware.map. A cancel stops the
 * compiler in flight (G_IO_ERROR_CANCELLED). */
gboolean         em_codegen_build_cm4f (const EmCodegenImpulse *impulse, EmCodegenSummary *summary,
                                        const char *dir, const char *main_template,
                                        const char *const *extra_sources, EmCodegenProgressFunc progress,
                                        gpointer user_data, GCancellable *cancellable, GError **error);

/* NULL when arm-none-eabi-gcc and newlib are installed, else what is
 * missing, naming the Debian package. (transfer full) */
char            *em_codegen_build_arm_missing (void);
/* Remove a temporary build folder and everything in it. */
void             em_codegen_build_remove_tree (const char *path);

/* Compile @dir (a generated linux target) into @dir/runner with cc. */
gboolean         em_codegen_build_runner (const char *dir, GError **error);

G_END_DECLS
