/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include "em-error.h"
#include "em-flash-private.h"

#define SLICE_MS 100

EmSerialPort *
em_flash_link_open (EmFlashLink *link, const char *path, guint baud, gboolean even_parity, const char *rescue,
                    GCancellable *cancellable, GError **error)
{
  EmSerialPort *port = em_serial_port_open_full (path, baud, even_parity, NULL, error);

  if (port == NULL)
    return NULL;
  link->port = port;
  link->path = path;
  link->cancellable = cancellable;
  link->rescue = rescue;
  return port;
}

gboolean
em_flash_link_check_cancel (EmFlashLink *link, GError **error)
{
  if (g_cancellable_is_cancelled (link->cancellable))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_CANCELLED, "%s: flashing cancelled; %s",
                   link->path, link->rescue);
      return FALSE;
    }
  return TRUE;
}

EmFlashReadResult
em_flash_link_read (EmFlashLink *link, guint8 *buf, gsize len, guint timeout_ms, GError **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  gsize got = 0;

  while (got < len)
    {
      gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
      gssize n;

      if (!em_flash_link_check_cancel (link, error))
        return EM_FLASH_READ_ERROR;
      if (left <= 0)
        return EM_FLASH_READ_TIMEOUT;
      n = em_serial_port_read (link->port, buf + got, len - got, (guint) MIN (left, SLICE_MS),
                               error);
      if (n < 0)
        return EM_FLASH_READ_ERROR;
      got += (gsize) n;
    }
  return EM_FLASH_READ_OK;
}

gboolean
em_flash_link_write (EmFlashLink *link, const guint8 *buf, gsize len, GError **error)
{
  if (!em_flash_link_check_cancel (link, error))
    return FALSE;
  /* 1 s per 100 bytes at the slowest rate we use is plenty; a stall
   * beyond that is a dead link. */
  return em_serial_port_write (link->port, buf, len, 2000 + (guint) len * 10, error);
}

void
em_flash_link_lost (EmFlashLink *link, const char *doing, GError **error)
{
  if (error == NULL)
    return;
  if (*error == NULL)
    g_set_error (error, EM_ERROR, EM_ERROR_IO,
                 "%s: the board stopped answering while %s (cable pulled?); %s", link->path,
                 doing, link->rescue);
  else if (!g_error_matches (*error, EM_ERROR, EM_ERROR_CANCELLED) &&
           strstr ((*error)->message, link->rescue) == NULL)
    {
      char *msg = g_strdup_printf ("%s while %s; %s", (*error)->message, doing, link->rescue);
      g_free ((*error)->message);
      (*error)->message = msg;
      (*error)->code = EM_ERROR_IO;
    }
}

void
em_flash_link_arduino_reset (EmFlashLink *link)
{
  if (!em_serial_port_set_dtr_rts (link->port, FALSE, FALSE))
    return;   /* no modem lines (a pty): the board must be in its bootloader already */
  g_usleep (250 * 1000);
  em_serial_port_set_dtr_rts (link->port, TRUE, TRUE);
  g_usleep (50 * 1000);
}

guint8 *
em_flash_pages_new (const EmFlashImage *image, guint32 start, guint32 end)
{
  guint8 *pages = g_malloc (end - start);

  g_assert (start <= image->base && image->base + image->data->len <= end);
  memset (pages, 0xff, end - start);
  memcpy (pages + (image->base - start), image->data->data, image->data->len);
  return pages;
}

gboolean
em_flash_check_signature (EmFlashLink *link, const EmBoard *board, const guint8 sig[3],
                          GError **error)
{
  guint32 got = (guint32) sig[0] << 16 | (guint32) sig[1] << 8 | sig[2];

  if (board->chip_id == 0 || got == board->chip_id)
    return TRUE;
  g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED,
               "%s: wrong chip: signature %02X %02X %02X, %s has %02X %02X %02X "
               "(is this the right board?)", link->path, sig[0], sig[1], sig[2], board->name,
               (board->chip_id >> 16) & 0xff, (board->chip_id >> 8) & 0xff,
               board->chip_id & 0xff);
  return FALSE;
}

gboolean
em_flash_check_readback (EmFlashLink *link, guint32 addr, const guint8 *want, const guint8 *got,
                         gsize len, GError **error)
{
  for (gsize i = 0; i < len; i++)
    if (got[i] != want[i])
      {
        g_set_error (error, EM_ERROR, EM_ERROR_FAILED,
                     "%s: verify failed at 0x%05X: wrote 0x%02X, read back 0x%02X; %s",
                     link->path, (guint32) (addr + i), want[i], got[i], link->rescue);
        return FALSE;
      }
  return TRUE;
}
