/* SPDX-License-Identifier: Apache-2.0 */
/* STK500 version 1, the subset optiboot (Arduino Uno) speaks: each command
 * ends with CRC_EOP (0x20) and is answered INSYNC (0x14) … OK (0x10).
 * Addresses are in 16-bit words; the bootloader erases a page before it
 * writes it. Optiboot lives in the top 512 bytes and never rewrites itself,
 * and we refuse images that reach it, so a broken transfer leaves a board
 * that still boots into the bootloader after a reset. */
#include <string.h>
#include "em-error.h"
#include "em-flash-private.h"

#define STK_OK             0x10
#define STK_INSYNC         0x14
#define STK_NOSYNC         0x15
#define CRC_EOP            0x20
#define STK_GET_SYNC       0x30
#define STK_ENTER_PROGMODE 0x50
#define STK_LEAVE_PROGMODE 0x51
#define STK_LOAD_ADDRESS   0x55
#define STK_PROG_PAGE      0x64
#define STK_READ_PAGE      0x74
#define STK_READ_SIGN      0x75

typedef struct {
  EmFlashLink           link;
  const EmFlashOptions *options;
} Stk;

/* Send @cmd (CRC_EOP appended) and read INSYNC, @reply_len bytes, OK. */
static gboolean
transact (Stk *s, const guint8 *cmd, gsize cmd_len, guint8 *reply, gsize reply_len,
          const char *doing, GError **error)
{
  guint8 frame[4 + 512 + 1], head, tail;
  EmFlashReadResult r;

  g_assert (cmd_len + 1 <= sizeof frame);
  memcpy (frame, cmd, cmd_len);
  frame[cmd_len] = CRC_EOP;
  if (!em_flash_link_write (&s->link, frame, cmd_len + 1, error))
    {
      em_flash_link_lost (&s->link, doing, error);
      return FALSE;
    }
  r = em_flash_link_read (&s->link, &head, 1, s->options->reply_ms, error);
  if (r == EM_FLASH_READ_OK && head != STK_INSYNC)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_IO,
                   "%s: the bootloader lost sync while %s (answered 0x%02X)", s->link.path, doing,
                   head);
      return FALSE;
    }
  if (r == EM_FLASH_READ_OK && reply_len > 0)
    r = em_flash_link_read (&s->link, reply, reply_len, s->options->reply_ms, error);
  if (r == EM_FLASH_READ_OK)
    r = em_flash_link_read (&s->link, &tail, 1, s->options->reply_ms, error);
  if (r != EM_FLASH_READ_OK)
    {
      em_flash_link_lost (&s->link, doing, error);
      return FALSE;
    }
  if (tail != STK_OK)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_FAILED,
                   "%s: the bootloader failed while %s (answered 0x%02X, not OK)", s->link.path,
                   doing, tail);
      return FALSE;
    }
  return TRUE;
}

static gboolean
sync_bootloader (Stk *s, GError **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) s->options->sync_ms * 1000;
  static const guint8 sync[2] = { STK_GET_SYNC, CRC_EOP };

  do
    {
      guint8 b[2];
      EmFlashReadResult r;

      em_serial_port_flush_input (s->link.port);
      if (!em_flash_link_write (&s->link, sync, 2, error))
        return FALSE;
      r = em_flash_link_read (&s->link, b, 2, 300, error);
      if (r == EM_FLASH_READ_ERROR)
        return FALSE;
      if (r == EM_FLASH_READ_OK && b[0] == STK_INSYNC && b[1] == STK_OK)
        {
          /* Earlier retries may still be answered: drain them. */
          while (em_flash_link_read (&s->link, b, 1, 50, error) == EM_FLASH_READ_OK)
            ;
          return error == NULL || *error == NULL;
        }
    }
  while (g_get_monotonic_time () < deadline);
  g_set_error (error, EM_ERROR, EM_ERROR_IO,
               "%s: no answer from the bootloader (press reset just before flashing, and check "
               "the port and baud rate)", s->link.path);
  return FALSE;
}

static gboolean
load_address (Stk *s, guint32 byte_addr, const char *doing, GError **error)
{
  guint32 word = byte_addr / 2;
  guint8 cmd[3] = { STK_LOAD_ADDRESS, word & 0xff, (word >> 8) & 0xff };

  return transact (s, cmd, 3, NULL, 0, doing, error);
}

gboolean
em_flash_stk500 (const char *port, const EmBoard *board, const EmFlashImage *image,
                 const EmFlashOptions *options, EmFlashProgressFunc progress, gpointer user_data,
                 GCancellable *cancellable, GError **error)
{
  g_autoptr(EmSerialPort) sp = NULL;
  g_autofree guint8 *pages = NULL;
  EmFlashOptions defaults;
  Stk s = { { 0 } };
  guint32 ps = board->page_size, start, end;
  guint8 sig[3];
  static const guint8 enter[1] = { STK_ENTER_PROGMODE }, leave[1] = { STK_LEAVE_PROGMODE },
                      read_sign[1] = { STK_READ_SIGN };

  if (options == NULL)
    {
      em_flash_options_init (&defaults);
      options = &defaults;
    }
  if (!em_flash_check_fits (board, image, error))
    return FALSE;
  if (ps == 0 || ps > 256)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                   "%s: page size %u is not one STK500v1 can write", board->name, ps);
      return FALSE;
    }
  /* Whole pages: the bootloader erases a page before writing it, so the
   * bytes around the image in its first and last page become 0xFF. */
  start = image->base & ~(ps - 1);
  end = (image->base + image->data->len + ps - 1) & ~(ps - 1);
  if (end > 0x20000)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED,
                   "the image reaches past 128 KB, which STK500v1 cannot address");
      return FALSE;
    }
  pages = em_flash_pages_new (image, start, end);

  sp = em_flash_link_open (&s.link, port, options->baud ? options->baud : board->baud, FALSE,
                           EM_FLASH_RESCUE_ARDUINO,
                           cancellable, error);
  if (sp == NULL)
    return FALSE;
  s.options = options;

  if (progress)
    progress ("Connecting", 0, 1, user_data);
  /* After the reset optiboot waits about a second for GET_SYNC. */
  if (options->reset)
    em_flash_link_arduino_reset (&s.link);
  if (!sync_bootloader (&s, error) ||
      !transact (&s, enter, 1, NULL, 0, "entering programming mode", error) ||
      !transact (&s, read_sign, 1, sig, 3, "reading the signature", error))
    return FALSE;
  if (!em_flash_check_signature (&s.link, board, sig, error))
    return FALSE;

  for (guint32 a = start; a < end; a += ps)
    {
      g_autofree char *doing = g_strdup_printf ("writing at 0x%05X", a);
      guint8 cmd[4 + 256] = { STK_PROG_PAGE, ps >> 8, ps & 0xff, 'F' };

      if (progress)
        progress ("Writing", a - start, end - start, user_data);
      memcpy (cmd + 4, pages + (a - start), ps);
      if (!load_address (&s, a, doing, error) || !transact (&s, cmd, 4 + ps, NULL, 0, doing, error))
        return FALSE;
    }
  if (progress)
    progress ("Writing", end - start, end - start, user_data);

  if (options->verify)
    for (guint32 a = start; a < end; a += ps)
      {
        g_autofree char *doing = g_strdup_printf ("reading back 0x%05X", a);
        guint8 cmd[4] = { STK_READ_PAGE, ps >> 8, ps & 0xff, 'F' }, back[256];

        if (progress)
          progress ("Verifying", a - start, end - start, user_data);
        if (!load_address (&s, a, doing, error) || !transact (&s, cmd, 4, back, ps, doing, error) ||
            !em_flash_check_readback (&s.link, a, pages + (a - start), back, ps, error))
          return FALSE;
      }
  if (progress && options->verify)
    progress ("Verifying", end - start, end - start, user_data);

  /* Optiboot starts the sketch (watchdog reset) after LEAVE_PROGMODE. */
  if (options->go && !transact (&s, leave, 1, NULL, 0, "leaving programming mode", error))
    return FALSE;
  return TRUE;
}
