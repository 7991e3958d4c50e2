/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include "em-error.h"
#include "em-flash-private.h"

#define SLICE_MS 100

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
