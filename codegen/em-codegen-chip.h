/* SPDX-License-Identifier: Apache-2.0 */
/* em-codegen-chip.h — the microcontroller parts `ember-cli deploy --part`
 * checks a generated library against: name, core, flash and RAM, read from
 * codegen/parts.json (embedded in the build), and the fit check itself.
 *
 * What must fit: flash = the library's text + rodata + data (the linker
 * map's, see em-codegen-report.h); RAM = its data + bss + arena plus the
 * stack. The size report links for a Cortex-M4F and does not run the code,
 * so the stack is the measured high-water mark when the report has one and
 * EM_CODEGEN_CHIP_STACK_RESERVE otherwise (tests/device measured under
 * 1 kB for the demos). The application around the library is not counted:
 * the check says the library alone does not fit, never that it will. */
#pragma once

#include <glib.h>

#include "em-codegen-report.h"

G_BEGIN_DECLS

#define EM_CODEGEN_CHIP_ERROR (em_codegen_chip_error_quark ())
typedef enum {
  EM_CODEGEN_CHIP_ERROR_UNKNOWN,        /* no part of that name */
  EM_CODEGEN_CHIP_ERROR_DOES_NOT_FIT,   /* flash or RAM overflows */
  EM_CODEGEN_CHIP_ERROR_INVALID,        /* the parts table cannot be read */
} EmCodegenChipError;
GQuark em_codegen_chip_error_quark (void);

/* Stack bytes counted when the report has no measured high-water mark. */
#define EM_CODEGEN_CHIP_STACK_RESERVE 2048

typedef struct {
  char    *name;    /* "STM32L432KC" */
  char    *core;    /* "Cortex-M4F", "AVR", … */
  guint64  flash;   /* bytes */
  guint64  ram;     /* bytes */
  char    *note;    /* (nullable) */
} EmCodegenChip;

void            em_codegen_chip_free   (EmCodegenChip *chip);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmCodegenChip, em_codegen_chip_free)

/* The parts of codegen/parts.json, in its order: a GPtrArray of
 * EmCodegenChip that frees them. (transfer full) */
GPtrArray      *em_codegen_chips_load  (GError **error);
/* The same from a JSON text {"parts": [{"name", "core", "flash", "ram"[,
 * "note"]}, …]}; EM_CODEGEN_CHIP_ERROR_INVALID naming the entry at fault. */
GPtrArray      *em_codegen_chips_parse (const char *json, gssize length, GError **error);
/* The part called @name (case does not matter), or NULL and
 * EM_CODEGEN_CHIP_ERROR_UNKNOWN listing the known names. (transfer none) */
const EmCodegenChip *em_codegen_chips_find (GPtrArray *chips, const char *name, GError **error);

/* Whether @report's library fits @chip. TRUE with *line set to one line
 * saying how much of each it takes; FALSE and EM_CODEGEN_CHIP_ERROR_DOES_NOT_FIT
 * with one line naming the part, what overflows (flash, RAM or both) and
 * by how many bytes. @line may be NULL. */
gboolean        em_codegen_chip_check  (const EmCodegenChip *chip, const EmCodegenReport *report, char **line,
                                        GError **error);

G_END_DECLS
