/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gtk/gtk.h>
#include "em-board.h"
#include "em-codegen-report.h"

G_BEGIN_DECLS

/* Whether an impulse fits a board, by the linker map of its library built
 * for a Cortex-M4F (em_codegen_build_report), checked the way
 * `ember-cli deploy --part` checks a part: flash = text + rodata + data,
 * RAM = data + bss + arena + stack (the measured one, else a reserve). */
typedef enum {
  EM_BOARD_FIT_UNKNOWN,        /* no report yet */
  EM_BOARD_FIT_FITS,
  EM_BOARD_FIT_DOES_NOT_FIT,
} EmBoardFit;

/* The verdict for one board. @instructions: instructions one inference
 * (DSP + NN) takes on the emulated Cortex-M4F, 0 when not measured; with
 * it the line has the latency em_board_latency_ms() estimates for the
 * board (em-board.h), or says it is not estimated (AVR).
 * AVR boards get the same check, called an estimate: an 8-bit core with
 * software floats needs more flash than the Cortex-M4F build.
 * @line: (out) (optional) one line for people, e.g. "Fits: flash 12 %,
 * RAM 3 % · 0.8 ms" or the overflow in bytes. */
EmBoardFit  em_board_fit_check        (const EmBoard         *board,
                                       const EmCodegenReport *report,
                                       guint64                instructions,
                                       char                 **line);
/* The same, with @latency_note (nullable) in place of the estimate: a
 * latency measured for this very board (an AVR's cycles counted in simavr,
 * "23.1 ms, measured in simavr") or why there is none ("latency not
 * estimated (does not fit)"); shown on rows that fit and rows that do not.
 * @too_big (nullable): why the firmware built for this very board does not
 * fit it (an AVR keeps constants in RAM, which the Cortex-M4F report does
 * not show); it makes the verdict "does not fit" whatever the report says. */
EmBoardFit  em_board_fit_check_full   (const EmBoard         *board,
                                       const EmCodegenReport *report,
                                       guint64                instructions,
                                       const char            *latency_note,
                                       const char            *too_big,
                                       char                 **line);
/* "Cortex-M4F · 16 MHz · 128 KiB RAM · 512 KiB flash" (transfer full) */
char       *em_board_describe         (const EmBoard         *board);

/* The boards Ember can deploy to, one row each (name, core, clock, RAM,
 * flash) with the fit verdict of the current impulse on the right. One row
 * is selected at a time; "selection-changed" says when it changes. */
#define EM_TYPE_BOARD_LIST (em_board_list_get_type ())
G_DECLARE_FINAL_TYPE (EmBoardList, em_board_list, EM, BOARD_LIST, GtkWidget)

GtkWidget  *em_board_list_new          (void);
/* @boards: (element-type EmBoard) (nullable): referenced, not copied. */
void        em_board_list_set_boards   (EmBoardList           *self,
                                        GPtrArray             *boards);
/* (transfer none) (nullable) */
GPtrArray  *em_board_list_get_boards   (EmBoardList           *self);
/* @report: (nullable) copied; NULL: verdicts go back to unknown. */
void        em_board_list_set_report   (EmBoardList           *self,
                                        const EmCodegenReport *report,
                                        guint64                instructions);
/* The instructions one window takes (measured on the emulated Cortex-M4F,
 * em-deploy-measure.h), for the latency on each row; 0: not measured.
 * Keeps the report. */
void        em_board_list_set_instructions (EmBoardList       *self,
                                            guint64            instructions);
/* A note for board @id's latency (em_board_fit_check_full); NULL clears
 * it. Kept across reports: the page sets it after each measurement. */
void        em_board_list_set_latency_note (EmBoardList       *self,
                                            const char        *id,
                                            const char        *note);
/* Why board @id's own firmware build does not fit it (@too_big of
 * em_board_fit_check_full); NULL clears it. */
void        em_board_list_set_too_big  (EmBoardList           *self,
                                        const char            *id,
                                        const char            *too_big);
/* (transfer none) (nullable) */
const EmBoard *em_board_list_get_selected (EmBoardList        *self);
/* By id; an unknown id is ignored. */
void        em_board_list_select       (EmBoardList           *self,
                                        const char            *id);
/* The verdict shown for board @id and its line (transfer none, nullable). */
EmBoardFit  em_board_list_get_fit      (EmBoardList           *self,
                                        const char            *id,
                                        const char           **line);

G_END_DECLS
