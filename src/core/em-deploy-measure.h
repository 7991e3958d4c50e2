/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "em-board.h"
#include "em-codegen-measure.h"
#include "em-deploy-gather.h"

G_BEGIN_DECLS

/* Instructions one window of a project's impulse takes on the emulated
 * Cortex-M4F (em_codegen_measure_insns), on a real window: the first window
 * of the project's first enabled testing sample (lowest id), else zeros. */
typedef struct {
  EmCodegenInsns insns;
  gint64         sample_id;   /* the sample whose window 0 ran; 0: a window of zeros */
} EmDeployMeasure;

/* @gather: what em_deploy_gather() gathered from @project and @impulse.
 * Errors: em_codegen_measure_insns()'s (a missing QEMU or toolchain is
 * EM_CODEGEN_BUILD_ERROR_TOOLCHAIN), reading the sample, cancelled. */
gboolean em_deploy_measure (EmProject *project, EmImpulse *impulse, const EmDeployGather *gather,
                            EmCodegenProgressFunc progress, gpointer user_data, GCancellable *cancellable,
                            EmDeployMeasure *out, GError **error);

/* The same, and the flash/RAM table of that build (em_codegen_measure_build):
 * @summary, @report (out) (optional); @report is set once the build linked,
 * even when running it failed. */
gboolean em_deploy_measure_build (EmProject *project, EmImpulse *impulse, const EmDeployGather *gather,
                                  EmCodegenProgressFunc progress, gpointer user_data, GCancellable *cancellable,
                                  EmDeployMeasure *out, EmCodegenSummary *summary, EmCodegenReport **report,
                                  GError **error);

/* The cycles one window takes on an AVR board's MCU, counted in simavr
 * (em_codegen_measure_avr), on the same window as em_deploy_measure. */
typedef struct {
  EmCodegenCycles cycles;
  gint64          sample_id;  /* as EmDeployMeasure */
  guint64         clock_hz;   /* the board's: time = cycles / clock_hz */
} EmDeployMeasureAvr;

/* For a board with core "avr". Errors: em_codegen_measure_avr()'s (a
 * missing avr-gcc or cycle counter is EM_CODEGEN_BUILD_ERROR_TOOLCHAIN; an
 * impulse too big for the board EM_CODEGEN_BUILD_ERROR_DOES_NOT_FIT),
 * EM_CODEGEN_BUILD_ERROR_TOOLCHAIN for an AVR Ember cannot simulate. */
gboolean em_deploy_measure_avr (EmProject *project, EmImpulse *impulse, const EmDeployGather *gather,
                                const EmBoard *board, EmCodegenProgressFunc progress, gpointer user_data,
                                GCancellable *cancellable, EmDeployMeasureAvr *out, GError **error);

/* @cycles of @measure in milliseconds at the board's clock. */
double   em_deploy_measure_avr_ms (const EmDeployMeasureAvr *measure, guint64 cycles);

/* "DSP 1 234, NN 5 678 (total 7 000) instructions per window, measured on
 * the emulated Cortex-M4F (testing sample 12)". (transfer full) */
char    *em_deploy_measure_describe (const EmDeployMeasure *measure);

G_END_DECLS
