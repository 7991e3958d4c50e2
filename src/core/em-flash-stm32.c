/* SPDX-License-Identifier: Apache-2.0 */
/* STM32 system-memory bootloader over UART, as ST's AN3155 describes it.
 * Every command is its code and the code's complement; the bootloader
 * answers ACK (0x79) or NACK (0x1F). Addresses go big-endian with an XOR
 * checksum; data blocks are "N-1, N bytes, XOR of all". The bootloader
 * sits in ROM, so whatever happens here the board stays re-flashable. */
#include <string.h>
#include "em-error.h"
#include "em-flash-private.h"

#define ACK  0x79
#define NACK 0x1F

#define CMD_GET         0x00
#define CMD_GET_ID      0x02
#define CMD_READ        0x11
#define CMD_GO          0x21
#define CMD_WRITE       0x31
#define CMD_ERASE       0x43
#define CMD_EXT_ERASE   0x44

#define BLOCK 256

typedef struct {
  EmFlashLink           link;
  const EmFlashOptions *options;
  guint8                commands[32];
  guint                 n_commands;
} Stm32;

typedef enum { REPLY_ACK, REPLY_NACK, REPLY_FAILED } Reply;

/* Wait for ACK/NACK. On silence or a broken link, @error says so in the
 * words of @doing. */
static Reply
wait_ack (Stm32 *s, guint timeout_ms, const char *doing, GError **error)
{
  guint8 b = 0;

  switch (em_flash_link_read (&s->link, &b, 1, timeout_ms, error))
    {
    case EM_FLASH_READ_OK:
      if (b == ACK)
        return REPLY_ACK;
      if (b == NACK)
        return REPLY_NACK;
      g_set_error (error, EM_ERROR, EM_ERROR_IO,
                   "%s: unexpected byte 0x%02X from the bootloader while %s (wrong baud rate or "
                   "not an STM32 bootloader?)", s->link.path, b, doing);
      return REPLY_FAILED;
    case EM_FLASH_READ_TIMEOUT:
    case EM_FLASH_READ_ERROR:
    default:
      em_flash_link_lost (&s->link, doing, error);
      return REPLY_FAILED;
    }
}

/* Send a command byte and its complement; TRUE on ACK. A NACK becomes
 * @nack_msg (or a generic refusal). */
static gboolean
command (Stm32 *s, guint8 cmd, const char *doing, const char *nack_msg, GError **error)
{
  guint8 frame[2] = { cmd, (guint8) ~cmd };
  Reply r;

  if (!em_flash_link_write (&s->link, frame, 2, error))
    {
      em_flash_link_lost (&s->link, doing, error);
      return FALSE;
    }
  r = wait_ack (s, s->options->reply_ms, doing, error);
  if (r == REPLY_NACK)
    g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "%s: %s", s->link.path,
                 nack_msg != NULL ? nack_msg : "the bootloader refused the command");
  return r == REPLY_ACK;
}

static gboolean
send_address (Stm32 *s, guint32 addr, const char *doing, GError **error)
{
  guint8 a[5] = { addr >> 24, addr >> 16, addr >> 8, addr };
  Reply r;

  a[4] = a[0] ^ a[1] ^ a[2] ^ a[3];
  if (!em_flash_link_write (&s->link, a, 5, error))
    {
      em_flash_link_lost (&s->link, doing, error);
      return FALSE;
    }
  r = wait_ack (s, s->options->reply_ms, doing, error);
  if (r == REPLY_NACK)
    g_set_error (error, EM_ERROR, EM_ERROR_FAILED,
                 "%s: the bootloader refused address 0x%08X while %s (read-protected, or not "
                 "a valid address on this chip)", s->link.path, addr, doing);
  return r == REPLY_ACK;
}

static gboolean
has_command (Stm32 *s, guint8 cmd)
{
  return memchr (s->commands, cmd, s->n_commands) != NULL;
}

static gboolean
sync_bootloader (Stm32 *s, GError **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) s->options->sync_ms * 1000;
  static const guint8 sync = 0x7F;

  do
    {
      guint8 b;
      EmFlashReadResult r;

      em_serial_port_flush_input (s->link.port);
      if (!em_flash_link_write (&s->link, &sync, 1, error))
        return FALSE;
      r = em_flash_link_read (&s->link, &b, 1, 300, error);
      if (r == EM_FLASH_READ_ERROR)
        return FALSE;
      /* NACK: the bootloader was synced already and took 0x7F as a command. */
      if (r == EM_FLASH_READ_OK && (b == ACK || b == NACK))
        return TRUE;
    }
  while (g_get_monotonic_time () < deadline);
  g_set_error (error, EM_ERROR, EM_ERROR_IO,
               "%s: no answer from the STM32 bootloader (set BOOT0 high and reset the board, "
               "and check the port and baud rate)", s->link.path);
  return FALSE;
}

/* Get (0x00): version and the supported commands; Get ID (0x02). */
static gboolean
identify (Stm32 *s, const EmBoard *board, GError **error)
{
  guint8 n, buf[64];
  guint32 pid = 0;

  if (!command (s, CMD_GET, "asking for the command list", NULL, error))
    return FALSE;
  if (em_flash_link_read (&s->link, &n, 1, s->options->reply_ms, error) != EM_FLASH_READ_OK ||
      em_flash_link_read (&s->link, buf, n + 1u, s->options->reply_ms, error) != EM_FLASH_READ_OK ||
      wait_ack (s, s->options->reply_ms, "reading the command list", error) != REPLY_ACK)
    {
      em_flash_link_lost (&s->link, "reading the command list", error);
      return FALSE;
    }
  s->n_commands = MIN ((guint) n, sizeof s->commands);
  memcpy (s->commands, buf + 1, s->n_commands);

  if (!command (s, CMD_GET_ID, "asking for the chip id", NULL, error))
    return FALSE;
  if (em_flash_link_read (&s->link, &n, 1, s->options->reply_ms, error) != EM_FLASH_READ_OK ||
      em_flash_link_read (&s->link, buf, n + 1u, s->options->reply_ms, error) != EM_FLASH_READ_OK ||
      wait_ack (s, s->options->reply_ms, "reading the chip id", error) != REPLY_ACK)
    {
      em_flash_link_lost (&s->link, "reading the chip id", error);
      return FALSE;
    }
  for (guint i = 0; i <= n && i < 4; i++)
    pid = pid << 8 | buf[i];
  if (board->chip_id != 0 && pid != board->chip_id)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED,
                   "%s: wrong chip: the bootloader reports product id 0x%04X, %s has 0x%04X "
                   "(is this the right board?)", s->link.path, pid, board->name, board->chip_id);
      return FALSE;
    }
  return TRUE;
}

static gboolean
mass_erase (Stm32 *s, GError **error)
{
  static const char *refused =
    "the bootloader refused to erase the flash: the chip is write-protected "
    "(clear the option bytes' write protection, e.g. with STM32CubeProgrammer)";
  guint8 ext[3] = { 0xFF, 0xFF, 0x00 }, legacy[2] = { 0xFF, 0x00 };
  gboolean extended = has_command (s, CMD_EXT_ERASE);
  Reply r;

  if (!extended && !has_command (s, CMD_ERASE))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED,
                   "%s: the bootloader offers no erase command", s->link.path);
      return FALSE;
    }
  if (!command (s, extended ? CMD_EXT_ERASE : CMD_ERASE, "erasing", refused, error))
    return FALSE;
  if (!em_flash_link_write (&s->link, extended ? ext : legacy, extended ? 3 : 2, error))
    {
      em_flash_link_lost (&s->link, "erasing", error);
      return FALSE;
    }
  r = wait_ack (s, s->options->erase_ms, "erasing", error);
  if (r == REPLY_NACK)
    g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "%s: %s", s->link.path, refused);
  return r == REPLY_ACK;
}

static gboolean
write_block (Stm32 *s, guint32 addr, const guint8 *data, gsize len, GError **error)
{
  guint8 frame[BLOCK + 2];
  g_autofree char *doing = g_strdup_printf ("writing at 0x%08X", addr);
  gsize padded = (len + 3) & ~(gsize) 3;   /* the bootloader writes whole words */
  guint8 sum;
  Reply r;

  if (!command (s, CMD_WRITE, doing,
                "the bootloader refused Write Memory: the flash is read-protected", error) ||
      !send_address (s, addr, doing, error))
    return FALSE;
  frame[0] = (guint8) (padded - 1);
  memset (frame + 1, 0xff, padded);
  memcpy (frame + 1, data, len);
  sum = 0;
  for (gsize i = 0; i <= padded; i++)
    sum ^= frame[i];
  frame[padded + 1] = sum;
  if (!em_flash_link_write (&s->link, frame, padded + 2, error))
    {
      em_flash_link_lost (&s->link, doing, error);
      return FALSE;
    }
  r = wait_ack (s, s->options->reply_ms, doing, error);
  if (r == REPLY_NACK)
    g_set_error (error, EM_ERROR, EM_ERROR_FAILED,
                 "%s: the bootloader refused to write at 0x%08X: that flash is write-protected",
                 s->link.path, addr);
  return r == REPLY_ACK;
}

static gboolean
read_block (Stm32 *s, guint32 addr, guint8 *out, gsize len, GError **error)
{
  g_autofree char *doing = g_strdup_printf ("reading back 0x%08X", addr);
  guint8 n[2] = { (guint8) (len - 1), (guint8) ~(len - 1) };

  if (!command (s, CMD_READ, doing,
                "the bootloader refused Read Memory: the flash is read-protected", error) ||
      !send_address (s, addr, doing, error))
    return FALSE;
  if (!em_flash_link_write (&s->link, n, 2, error))
    {
      em_flash_link_lost (&s->link, doing, error);
      return FALSE;
    }
  if (wait_ack (s, s->options->reply_ms, doing, error) != REPLY_ACK)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "%s: the bootloader refused to read %zu "
                     "bytes at 0x%08X", s->link.path, len, addr);
      return FALSE;
    }
  if (em_flash_link_read (&s->link, out, len, s->options->reply_ms, error) != EM_FLASH_READ_OK)
    {
      em_flash_link_lost (&s->link, doing, error);
      return FALSE;
    }
  return TRUE;
}

gboolean
em_flash_stm32 (const char *port, const EmBoard *board, const EmFlashImage *image,
                const EmFlashOptions *options, EmFlashProgressFunc progress, gpointer user_data,
                GCancellable *cancellable, GError **error)
{
  g_autoptr(EmSerialPort) sp = NULL;
  EmFlashOptions defaults;
  Stm32 s = { { 0 } };
  const guint8 *data = image->data->data;
  gsize len = image->data->len;

  if (options == NULL)
    {
      em_flash_options_init (&defaults);
      options = &defaults;
    }
  /* Refuse before touching the board: nothing is erased for an image that cannot fit. */
  if (!em_flash_check_fits (board, image, error))
    return FALSE;
  /* AN3155 wants 8E1; a pty cannot do parity, and simulators there run 8N1. */
  sp = em_flash_link_open (&s.link, port, options->baud ? options->baud : board->baud, TRUE,
                           "the bootloader is in ROM, so the board can be flashed again: reset it with "
                           "BOOT0 high and retry",
                           cancellable, error);
  if (sp == NULL)
    return FALSE;
  s.options = options;

  if (progress)
    progress ("Connecting", 0, 1, user_data);
  if (!sync_bootloader (&s, error) || !identify (&s, board, error))
    return FALSE;

  if (progress)
    progress ("Erasing", 0, 1, user_data);
  if (!mass_erase (&s, error))
    return FALSE;
  if (progress)
    progress ("Erasing", 1, 1, user_data);

  for (gsize off = 0; off < len; off += BLOCK)
    {
      gsize n = MIN ((gsize) BLOCK, len - off);

      if (progress)
        progress ("Writing", off, len, user_data);
      if (!write_block (&s, image->base + (guint32) off, data + off, n, error))
        return FALSE;
    }
  if (progress)
    progress ("Writing", len, len, user_data);

  if (options->verify)
    {
      guint8 back[BLOCK];

      for (gsize off = 0; off < len; off += BLOCK)
        {
          gsize n = MIN ((gsize) BLOCK, len - off);

          if (progress)
            progress ("Verifying", off, len, user_data);
          if (!read_block (&s, image->base + (guint32) off, back, n, error))
            return FALSE;
          for (gsize i = 0; i < n; i++)
            if (back[i] != data[off + i])
              {
                g_set_error (error, EM_ERROR, EM_ERROR_FAILED,
                             "%s: verify failed at 0x%08X: wrote 0x%02X, read back 0x%02X; %s",
                             port, image->base + (guint32) (off + i), data[off + i], back[i],
                             s.link.rescue);
                return FALSE;
              }
        }
      if (progress)
        progress ("Verifying", len, len, user_data);
    }

  if (options->go)
    {
      if (!command (&s, CMD_GO, "starting the firmware", "the bootloader refused Go", error) ||
          !send_address (&s, image->base, "starting the firmware", error))
        return FALSE;
    }
  return TRUE;
}
