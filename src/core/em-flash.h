/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>
#include "em-board.h"

G_BEGIN_DECLS

/* Flashing a board through its serial ROM/bootloader. No GTK: the app and
 * ember-cli both call these, from a worker thread (they block).
 *
 * Every error is one line that names the port and the cause:
 *  - EM_ERROR_NOT_FOUND / EM_ERROR_IO: the port cannot be opened;
 *  - EM_ERROR_IO "no answer from the bootloader": nothing came back to the
 *    sync (wrong port, board not in bootloader mode, wrong baud rate);
 *  - EM_ERROR_UNSUPPORTED "wrong chip": the chip id / signature is not the
 *    board's (wrong board chosen);
 *  - EM_ERROR_FAILED "write-protected": the bootloader refused (NACK) an
 *    erase or a write;
 *  - EM_ERROR_INVALID_DATA "image too big": the image does not fit the
 *    part's flash (or would overwrite the AVR bootloader);
 *  - EM_ERROR_IO "disconnected" / "stopped answering": the cable was pulled
 *    mid-way. The bootloader lives in ROM (STM32) or in a section we never
 *    write (optiboot, the Mega's stk500v2), so the board can be flashed
 *    again; the message says so;
 *  - EM_ERROR_FAILED "verify failed": the read-back differs;
 *  - EM_ERROR_CANCELLED. */

/* An image to write: @data at @base, contiguous (gaps in a HEX file are
 * filled with 0xFF, the erased value of flash). */
typedef struct {
  guint32     base;
  GByteArray *data;
} EmFlashImage;

void          em_flash_image_free        (EmFlashImage *image);

/* Intel HEX (record types 00, 01, 02, 04; 03/05 ignored), every record's
 * checksum checked. Errors: EM_ERROR_INVALID_DATA naming @name and the line.
 * (transfer full) */
EmFlashImage *em_flash_image_parse_ihex  (const char *name, const char *text, gsize len,
                                          GError **error);
/* A file: Intel HEX when it starts with ':' (or ends in .hex/.ihex), else a
 * raw binary loaded at @default_base. (transfer full) */
EmFlashImage *em_flash_image_load        (const char *path, guint32 default_base,
                                          GError **error);

/* @stage is a short verb ("Erasing", "Writing", "Verifying"); @done and
 * @total are bytes of that stage. Called on the flashing thread. */
typedef void (*EmFlashProgressFunc) (const char *stage, gsize done, gsize total,
                                     gpointer user_data);

/* Knobs, mostly for tests with simulators; em_flash_options_init() sets
 * values fit for real boards. */
typedef struct {
  guint    baud;          /* 0 = the board's */
  guint    sync_ms;       /* how long to try to get the bootloader's attention (3000) */
  guint    reply_ms;      /* wait for one answer (1000) */
  guint    erase_ms;      /* wait for a mass erase; an STM32F4 takes ~16 s (40000) */
  gboolean verify;        /* read back after writing (TRUE) */
  gboolean go;            /* start the firmware at the end (TRUE) */
  gboolean reset;         /* DTR/RTS reset pulse first, where the port has the lines (TRUE) */
} EmFlashOptions;

void          em_flash_options_init      (EmFlashOptions *options);

/* ST AN3155 ROM bootloader: sync, Get, Get ID (against board->chip_id),
 * erase (0x44 extended or 0x43, whichever Get lists; mass erase), write in
 * 256-byte blocks, read back, Go. */
gboolean      em_flash_stm32             (const char *port, const EmBoard *board,
                                          const EmFlashImage *image,
                                          const EmFlashOptions *options,
                                          EmFlashProgressFunc progress, gpointer user_data,
                                          GCancellable *cancellable, GError **error);

/* STK500v1 as optiboot speaks it: sync, signature (against board->chip_id),
 * page writes (the bootloader erases each page), read back, leave. */
gboolean      em_flash_stk500            (const char *port, const EmBoard *board,
                                          const EmFlashImage *image,
                                          const EmFlashOptions *options,
                                          EmFlashProgressFunc progress, gpointer user_data,
                                          GCancellable *cancellable, GError **error);

/* STK500v2 (AVR068) as the Mega 2560's bootloader speaks it: sign on,
 * signature (against board->chip_id), every page from the start of flash
 * (the bootloader erases pages in order from 0), read back, leave. */
gboolean      em_flash_stk500v2          (const char *port, const EmBoard *board,
                                          const EmFlashImage *image,
                                          const EmFlashOptions *options,
                                          EmFlashProgressFunc progress, gpointer user_data,
                                          GCancellable *cancellable, GError **error);

/* Pick the flasher from board->protocol. The emulated board has nothing to
 * flash (QEMU loads the ELF itself): EM_ERROR_UNSUPPORTED says so. */
gboolean      em_flash_board             (const char *port, const EmBoard *board,
                                          const EmFlashImage *image,
                                          const EmFlashOptions *options,
                                          EmFlashProgressFunc progress, gpointer user_data,
                                          GCancellable *cancellable, GError **error);

/* em_flash_board() on a worker thread (GTask). @board and @image are
 * borrowed and must stay alive until @callback runs; @options is copied.
 * @progress is called on the worker thread: marshal to the UI yourself. */
void          em_flash_board_async       (const char *port, const EmBoard *board,
                                          const EmFlashImage *image,
                                          const EmFlashOptions *options,
                                          EmFlashProgressFunc progress, gpointer user_data,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer callback_data);
gboolean      em_flash_board_finish      (GAsyncResult *result, GError **error);

/* Checks shared by the flashers: @image inside [flash_base, flash_base +
 * flash - bootloader_size). */
gboolean      em_flash_check_fits        (const EmBoard *board, const EmFlashImage *image,
                                          GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmFlashImage, em_flash_image_free)

G_END_DECLS
