/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "em-flash.h"
#include "em-serial-port.h"

G_BEGIN_DECLS

/* The byte pipe both flashers talk through: an EmSerialPort plus the
 * cancellable, with reads that wake every 100 ms to notice a cancel. */
typedef struct {
  EmSerialPort  *port;
  const char    *path;
  GCancellable  *cancellable;
  const char    *rescue;   /* appended to cable-pulled errors: why the board is still fine */
} EmFlashLink;

typedef enum {
  EM_FLASH_READ_OK,
  EM_FLASH_READ_TIMEOUT,   /* fewer bytes than asked came in time; no error set */
  EM_FLASH_READ_ERROR,     /* disconnected or cancelled; error set */
} EmFlashReadResult;

/* An Arduino's bootloader sits in a protected section no sketch upload
 * touches, so a failed upload never bricks the board. */
#define EM_FLASH_RESCUE_ARDUINO \
  "the bootloader is never overwritten, so the board can be flashed again after a reset"

/* Opens @path at @baud (8E1 when @even_parity, where the port can) and
 * fills @link; @rescue is what cable-pulled errors add. (transfer full) */
EmSerialPort     *em_flash_link_open  (EmFlashLink *link, const char *path, guint baud, gboolean even_parity,
                                       const char *rescue, GCancellable *cancellable, GError **error);
EmFlashReadResult em_flash_link_read  (EmFlashLink *link, guint8 *buf, gsize len,
                                       guint timeout_ms, GError **error);
gboolean          em_flash_link_write (EmFlashLink *link, const guint8 *buf, gsize len,
                                       GError **error);
gboolean          em_flash_link_check_cancel (EmFlashLink *link, GError **error);

/* Reword a transport error raised during @doing ("writing at 0x08000100")
 * as a cable-pulled error that tells the user the board can be re-flashed. */
void              em_flash_link_lost  (EmFlashLink *link, const char *doing, GError **error);

/* The auto-reset of Arduino boards: DTR (and RTS) drive the MCU's reset
 * through a capacitor, so dropping then raising them restarts the board
 * into its bootloader. A no-op where the port has no modem lines (a pty). */
void              em_flash_link_arduino_reset (EmFlashLink *link);

/* The AVR flashers' helpers. */

/* @board's flash from @start to @end (whole pages) as the bootloader will
 * hold it: the image, and 0xFF (erased) around it. (transfer full) */
guint8           *em_flash_pages_new  (const EmFlashImage *image, guint32 start, guint32 end);

/* A "wrong chip" error unless @sig (3 signature bytes) is @board's chip_id
 * (or the board file gives none). */
gboolean          em_flash_check_signature (EmFlashLink *link, const EmBoard *board,
                                            const guint8 sig[3], GError **error);

/* A "verify failed" error naming the first byte of @got that differs from
 * @want; @addr is @want's address on the board. */
gboolean          em_flash_check_readback (EmFlashLink *link, guint32 addr, const guint8 *want,
                                           const guint8 *got, gsize len, GError **error);

G_END_DECLS
