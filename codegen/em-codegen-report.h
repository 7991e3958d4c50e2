/* SPDX-License-Identifier: Apache-2.0 */
/* em-codegen-report.h — flash and RAM of a linked firmware, split into the
 * parts of a generated Ember library, read from the GNU ld map file
 * (`-Wl,-Map=FILE`). This is what `ember-cli deploy --report` prints.
 *
 * Every input section of the map is attributed to a part by the name of
 * the object file it comes from:
 *   DSP      em-dsp*.o               (the processing blocks)
 *   NN       em-nn-*.o               (inference kernels, program runner)
 *   WEIGHTS  ember_model_data*.o     (weights, biases, multipliers, LUTs)
 *   RUNTIME  ember_impulse*.o and the C library / libgcc / libm members
 *            that a library object pulled in (found through the map's
 *            "Archive member included to satisfy reference" list,
 *            following the chain up to the first plain object file)
 *   APP      everything else: the application around the library (startup,
 *            main, test data, printf and semihosting it pulled in)
 * The library's totals are DSP + NN + WEIGHTS + RUNTIME; APP is listed
 * apart so a test harness does not inflate them.
 *
 * Sections: .text*, .init, .fini, glue → text; .rodata*, .isr_vector,
 * .ARM.exidx/.ARM.extab, init/fini arrays → rodata; .data* → data (flash
 * and RAM); .bss*, COMMON → bss, except an input section whose name holds
 * "arena" (`.bss.em_arena` with -fdata-sections), counted as arena.
 * A library object's arena is the NN's RAM and its ".bss.*dsp_scratch*"
 * the DSP's (ember_impulse.c owns both buffers for them); likewise the
 * model's layer descriptors it holds (".rodata.em_model_*",
 * ".rodata.em_anomaly_*") are WEIGHTS and a block's parameters
 * (".rodata.em_dspN_*") DSP rodata.
 * Alignment padding (*fill*) is counted apart. Debug sections are ignored.
 *
 * flash = text + rodata + data; RAM = data + bss + arena (+ the measured
 * stack high-water mark, when given). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define EM_CODEGEN_REPORT_ERROR (em_codegen_report_error_quark ())
typedef enum {
  EM_CODEGEN_REPORT_ERROR_INVALID_MAP,   /* not a GNU ld map, or a line it cannot read */
} EmCodegenReportError;
GQuark em_codegen_report_error_quark (void);

typedef enum {
  EM_CODEGEN_PART_DSP,
  EM_CODEGEN_PART_NN,
  EM_CODEGEN_PART_WEIGHTS,
  EM_CODEGEN_PART_RUNTIME,
  EM_CODEGEN_PART_APP,
  EM_CODEGEN_N_PARTS
} EmCodegenPart;

typedef struct {
  guint64 text, rodata, data, bss, arena;   /* bytes */
} EmCodegenPartSize;

typedef struct {
  EmCodegenPartSize parts[EM_CODEGEN_N_PARTS];
  guint64 fill_flash, fill_ram;   /* alignment padding between input sections */
  guint64 stack;                  /* measured stack high-water mark; 0 = not measured */
  /* The library (every part but APP): */
  guint64 flash;                  /* text + rodata + data */
  guint64 ram;                    /* data + bss + arena + stack */
  guint64 window;                 /* of the runtime's bss, the raw window buffer (.bss.em_window);
                                   * 0 when the DSP reads the window through the signal callback */
} EmCodegenReport;

/* "dsp", "nn", "weights", "runtime", "app". */
const char      *em_codegen_part_name          (EmCodegenPart part);
/* The part of a library object by its file name (a path is fine); APP when
 * it is not one of the library's files. Archive members ("libc.a(x.o)")
 * are APP here: only the map tells who pulled them in. */
EmCodegenPart    em_codegen_part_for_object     (const char *object);

/* Read a GNU ld map file. stack_bytes: the measured stack high-water mark
 * (0 when unknown). NULL + error when the file cannot be read
 * (G_FILE_ERROR) or is not a linker map (EM_CODEGEN_REPORT_ERROR). */
EmCodegenReport *em_codegen_report_from_map     (const char *map_path, guint64 stack_bytes, GError **error);
/* The same from the map's text. */
EmCodegenReport *em_codegen_report_parse        (const char *map_text, guint64 stack_bytes, GError **error);
void             em_codegen_report_free         (EmCodegenReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmCodegenReport, em_codegen_report_free)

/* Flash and RAM of one part (RAM without the stack). */
guint64          em_codegen_report_part_flash   (const EmCodegenReport *report, EmCodegenPart part);
guint64          em_codegen_report_part_ram     (const EmCodegenReport *report, EmCodegenPart part);

/* A fixed-width table, one row per part, the library total and the
 * application; ends with a newline. (transfer full) */
char            *em_codegen_report_to_text      (const EmCodegenReport *report);
/* {"parts":{"dsp":{"text":…,"rodata":…,"data":…,"bss":…,"arena":…,
 * "flash":…,"ram":…},…},"fill_flash":…,"fill_ram":…,"stack":…,
 * "flash":…,"ram":…,"window":…} on one line. (transfer full) */
char            *em_codegen_report_to_json      (const EmCodegenReport *report);

G_END_DECLS
