/* SPDX-License-Identifier: Apache-2.0 */
/* em-codegen-measure.h — count the instructions a generated impulse takes
 * for one window on an emulated Cortex-M4F, or its cycles on a simulated
 * AVR. */
#pragma once

#include "em-codegen-build.h"

G_BEGIN_DECLS

/* Instructions one em_run_impulse() call executes, counted by QEMU's TCG
 * plugin ember-insncount (codegen/measure/) on qemu-system-arm -M
 * mps2-an386 (a Cortex-M4F), with the library built as
 * em_codegen_build_report builds it (-Os, hard float). Exact counts of the
 * emulated instructions, not cycles: QEMU is not cycle-accurate. */
typedef struct {
  guint64 dsp;      /* the processing blocks (from before the DSP to after it, as
                     * the library's em_port_time_us() calls bracket it) */
  guint64 nn;       /* the model, the anomaly block and detection decoding */
  guint64 total;    /* the whole call: DSP + NN + reading the window, the argmax */
} EmCodegenInsns;

/* The plugin's path: $EMBER_INSNCOUNT_PLUGIN, else the one in the build
 * tree this Ember was built in (an uninstalled build), else the installed
 * $libdir/ember/ember-insncount.so. NULL with EM_CODEGEN_BUILD_ERROR_TOOLCHAIN
 * when the file is not there. (transfer full) */
char     *em_codegen_insncount_plugin (GError **error);

/* Builds @impulse for the Cortex-M4F with a measuring main
 * (targets/cortex-m/measure-main.c), runs one em_run_impulse() on @window
 * (@n_values raw values, EM_IMPULSE_INPUT_VALUES of them; NULL: zeros)
 * under QEMU and fills @out. Takes a few seconds (the compile): @progress
 * (nullable) hears each stage. Errors: EM_CODEGEN_BUILD_ERROR_TOOLCHAIN
 * naming what is missing (arm-none-eabi-gcc, newlib, qemu-system-arm, the
 * plugin), EM_CODEGEN_BUILD_ERROR_FAILED (a compiler or the firmware
 * failed), EM_CODEGEN_ERROR_INVALID (@n_values is not the impulse's window),
 * G_IO_ERROR_CANCELLED. The temporary build is removed unless
 * $EMBER_KEEP_REPORT_BUILD is set. */
gboolean  em_codegen_measure_insns (const EmCodegenImpulse *impulse, const float *window, gsize n_values,
                                    EmCodegenProgressFunc progress, gpointer user_data,
                                    GCancellable *cancellable, EmCodegenInsns *out, GError **error);

/* The same, and also the flash/RAM table of that very build (its library
 * parts are em_codegen_build_report's; the window is the application's),
 * so deploy --report compiles once. @summary, @report: (out) (optional);
 * @report is set once the build linked, even when running it then fails. */
gboolean  em_codegen_measure_build (const EmCodegenImpulse *impulse, const float *window, gsize n_values,
                                    EmCodegenProgressFunc progress, gpointer user_data,
                                    GCancellable *cancellable, EmCodegenInsns *out,
                                    EmCodegenSummary *summary, EmCodegenReport **report, GError **error);

/* Cycles one em_run_impulse() call takes on an AVR, counted by
 * ember-avr-measure (codegen/measure/, built with libsimavr) in simavr,
 * which is cycle-accurate: cycles / the clock is the board's time, not an
 * estimate. Split as EmCodegenInsns. */
typedef struct {
  guint64 dsp;
  guint64 nn;
  guint64 total;
} EmCodegenCycles;

/* The counter's path: $EMBER_AVR_MEASURE, else the one in the build tree,
 * else the installed $libexecdir/ember/ember-avr-measure.
 * EM_CODEGEN_BUILD_ERROR_TOOLCHAIN when it is not there or Ember was built
 * without libsimavr. (transfer full) */
char     *em_codegen_avr_measure_tool (GError **error);

/* Builds @impulse with avr-gcc -mmcu=@mcu (em-firmware.c's flags) and
 * targets/avr/measure-main.c, the window (as em_codegen_measure_insns) in
 * flash, checks it fits @flash and @ram (256 bytes of stack kept free, as
 * the firmware build does: EM_CODEGEN_BUILD_ERROR_DOES_NOT_FIT, the message
 * starting "does not fit"), runs one window in simavr at @clock_hz and
 * fills @out with cycles. Errors otherwise as em_codegen_measure_insns
 * (TOOLCHAIN: avr-gcc or the counter missing). */
gboolean  em_codegen_measure_avr (const EmCodegenImpulse *impulse, const char *mcu, guint64 clock_hz,
                                  guint64 flash, guint64 ram, const float *window, gsize n_values,
                                  EmCodegenProgressFunc progress, gpointer user_data, GCancellable *cancellable,
                                  EmCodegenCycles *out, GError **error);

G_END_DECLS
