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

EmFlashReadResult em_flash_link_read  (EmFlashLink *link, guint8 *buf, gsize len,
                                       guint timeout_ms, GError **error);
gboolean          em_flash_link_write (EmFlashLink *link, const guint8 *buf, gsize len,
                                       GError **error);
gboolean          em_flash_link_check_cancel (EmFlashLink *link, GError **error);

/* Reword a transport error raised during @doing ("writing at 0x08000100")
 * as a cable-pulled error that tells the user the board can be re-flashed. */
void              em_flash_link_lost  (EmFlashLink *link, const char *doing, GError **error);

G_END_DECLS
