/* SPDX-License-Identifier: Apache-2.0 */
/* em-firmware.h — build a firmware image for a board with the impulse inside */
#pragma once

#include "em-board.h"
#include "em-demo.h"      /* EmProgressFunc */
#include "em-project.h"

G_BEGIN_DECLS

/* Generate the impulse library (the same code as `deploy --target c-library`) for @board,
 * add the board family's bare-metal runtime (vector table, startup, UART, ms timer,
 * host-fed protocol loop), and compile + link with the board's toolchain in @out_dir.
 * Returns the path of the image to flash (ELF for the emulated board, .bin for STM32,
 * .hex for AVR). Reports progress; cancellable; errors are one line naming board and reason
 * (toolchain missing: names the Debian package; impulse does not fit: names sizes).
 *
 * The runtime is codegen/targets/firmware (ember_firmware.c documents the
 * serial protocol; em-live.h is its host side). @out_dir gets impulse/ (the
 * generated library), firmware/ (the runtime), obj/, and firmware.elf, plus
 * firmware.bin / firmware.hex; files of those names are replaced. */
char *em_firmware_build (EmProject *project, const EmBoard *board, const char *out_dir,
                         EmProgressFunc progress, gpointer user_data,
                         GCancellable *cancellable, GError **error);

/* Additive: the sizes of the last link, for reports ("flash 12345 of
 * 524288 bytes"). em_firmware_build() fills them when @sizes is passed to
 * em_firmware_build_full(). */
typedef struct {
  guint64 text, data, bss;   /* bytes, from the toolchain's size tool */
  guint64 flash_used;        /* text + data */
  guint64 ram_used;          /* data + bss (the window buffer, arena and DSP scratch are in bss) */
} EmFirmwareSizes;

char *em_firmware_build_full (EmProject *project, const EmBoard *board, const char *out_dir,
                              const char *block_id, EmFirmwareSizes *sizes,
                              EmProgressFunc progress, gpointer user_data,
                              GCancellable *cancellable, GError **error);

G_END_DECLS
