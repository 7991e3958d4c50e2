/* SPDX-License-Identifier: Apache-2.0 */
/* STK500 version 2 (Atmel AVR068) as the Arduino Mega 2560's bootloader
 * (stk500boot.c, avrdude's "wiring") speaks it. A message is MESSAGE_START,
 * a sequence number, the body's size (16 bits, big-endian), TOKEN, the body
 * and the XOR of every byte before; the answer echoes the sequence number,
 * and its body starts with the command and a status.
 *
 * One habit of that bootloader shapes this flasher: PROGRAM_FLASH does
 * not erase the page it writes but the next page of a counter of its own,
 * which starts at 0 when it boots (CHIP_ERASE rewinds it, erases nothing
 * and answers FAILED). So we rewind it and write every page from the start
 * of flash, in order, once. (Its source in arduino-core-avr stops erasing
 * 8 KB below the bootloader; the shipped hex erases up to the bootloader,
 * as a write of 0x0F then 0xF0 up to 0x3C200 in simavr showed.)
 * The bootloader never writes its own section, and we refuse images that
 * reach it, so a broken transfer leaves a board that still boots into the
 * bootloader after a reset. */
#include <string.h>
#include "em-error.h"
#include "em-flash-private.h"

#define MESSAGE_START          0x1B
#define TOKEN                  0x0E
#define CMD_SIGN_ON            0x01
#define CMD_GET_PARAMETER      0x03
#define CMD_LOAD_ADDRESS       0x06
#define CMD_ENTER_PROGMODE_ISP 0x10
#define CMD_LEAVE_PROGMODE_ISP 0x11
#define CMD_CHIP_ERASE_ISP     0x12
#define CMD_PROGRAM_FLASH_ISP  0x13
#define CMD_READ_FLASH_ISP     0x14
#define CMD_READ_SIGNATURE_ISP 0x1B
#define STATUS_CMD_OK          0x00
#define STATUS_CMD_FAILED      0xC0
#define PARAM_SW_MAJOR         0x91
#define PARAM_SW_MINOR         0x92

/* AVR068: a LOAD_ADDRESS with bit 31 set tells an ISP programmer to send
 * Load Extended Address first, needed past 64 K words (128 KB). */
#define LOAD_EXTENDED          0x80000000u
#define MAX_PAGE               256
#define MAX_BODY               (10 + MAX_PAGE)   /* PROGRAM_FLASH_ISP's header + one page */

typedef struct {
  EmFlashLink           link;
  const EmFlashOptions *options;
  guint8                seq;
} Stk2;

typedef enum {
  ANSWER_OK,
  ANSWER_SILENT,   /* nothing (or too little) came in time; no error set */
  ANSWER_BAD,      /* a garbled or unexpected answer; error set */
  ANSWER_LOST,     /* disconnected or cancelled; error set */
} Answer;

static gboolean
send_message (Stk2 *s, const guint8 *body, gsize len, GError **error)
{
  guint8 frame[5 + MAX_BODY + 1], sum = 0;

  g_assert (len <= MAX_BODY);
  frame[0] = MESSAGE_START;
  frame[1] = s->seq;
  frame[2] = (guint8) (len >> 8);
  frame[3] = (guint8) len;
  frame[4] = TOKEN;
  memcpy (frame + 5, body, len);
  for (gsize i = 0; i < 5 + len; i++)
    sum ^= frame[i];
  frame[5 + len] = sum;
  return em_flash_link_write (&s->link, frame, 5 + len + 1, error);
}

/* Read the answer to @cmd into @body (exactly @len bytes: the command, the
 * status, the rest). A short answer with a status other than OK is still
 * ANSWER_OK, with body[1] holding the status, so callers can word it.
 * Bytes before MESSAGE_START and whole answers to earlier messages (the
 * late replies to sign-on retries) are skipped. */
static Answer
read_answer (Stk2 *s, guint8 cmd, guint8 *body, gsize len, guint timeout_ms, const char *doing,
             GError **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint8 head[5], rest[MAX_BODY + 1], sum;
  gsize size;

  for (;;)
    {
      gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
      EmFlashReadResult r = EM_FLASH_READ_TIMEOUT;

      if (left > 0)
        r = em_flash_link_read (&s->link, head, 1, (guint) left, error);
      if (r == EM_FLASH_READ_OK && head[0] != MESSAGE_START)
        continue;
      if (r == EM_FLASH_READ_OK)
        r = em_flash_link_read (&s->link, head + 1, 4, timeout_ms, error);
      if (r != EM_FLASH_READ_OK)
        return r == EM_FLASH_READ_TIMEOUT ? ANSWER_SILENT : ANSWER_LOST;
      size = (gsize) head[2] << 8 | head[3];
      if (head[4] != TOKEN || size < 2 || size > MAX_BODY)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_IO,
                       "%s: the bootloader lost sync while %s (answered %02X %02X %02X %02X %02X, "
                       "not an STK500v2 message)", s->link.path, doing, head[0], head[1],
                       head[2], head[3], head[4]);
          return ANSWER_BAD;
        }
      r = em_flash_link_read (&s->link, rest, size + 1, timeout_ms, error);
      if (r != EM_FLASH_READ_OK)
        return r == EM_FLASH_READ_TIMEOUT ? ANSWER_SILENT : ANSWER_LOST;
      sum = 0;
      for (gsize i = 0; i < 5; i++)
        sum ^= head[i];
      for (gsize i = 0; i < size + 1; i++)
        sum ^= rest[i];
      if (sum != 0)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_IO,
                       "%s: the bootloader lost sync while %s (an answer with a bad checksum)",
                       s->link.path, doing);
          return ANSWER_BAD;
        }
      if (head[1] == s->seq)
        break;
    }
  if (rest[0] != cmd)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_IO,
                   "%s: the bootloader lost sync while %s (it answered command 0x%02X)",
                   s->link.path, doing, rest[0]);
      return ANSWER_BAD;
    }
  if (size != len && !(size == 2 && rest[1] != STATUS_CMD_OK))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_IO,
                   "%s: the bootloader answered %zu bytes while %s, not %zu", s->link.path, size,
                   doing, len);
      return ANSWER_BAD;
    }
  memcpy (body, rest, MIN (size, len));
  return ANSWER_OK;
}

/* One message and its answer (@answer: @answer_len bytes, the command and
 * status first). A status other than OK fails, except that with @status
 * non-NULL the caller gets it and decides. */
static gboolean
command (Stk2 *s, const guint8 *body, gsize len, guint8 *answer, gsize answer_len,
         guint8 *status, const char *doing, GError **error)
{
  guint8 small[3];
  guint8 *a = answer != NULL ? answer : small;
  Answer r;

  g_assert (answer != NULL || answer_len <= sizeof small);
  if (!send_message (s, body, len, error))
    {
      em_flash_link_lost (&s->link, doing, error);
      return FALSE;
    }
  r = read_answer (s, body[0], a, answer_len, s->options->reply_ms, doing, error);
  s->seq++;
  if (r == ANSWER_SILENT || r == ANSWER_LOST)
    {
      em_flash_link_lost (&s->link, doing, error);
      return FALSE;
    }
  if (r == ANSWER_BAD)
    return FALSE;
  if (status != NULL)
    *status = a[1];
  else if (a[1] != STATUS_CMD_OK)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_FAILED,
                   "%s: the bootloader failed while %s (status 0x%02X, not OK)", s->link.path,
                   doing, a[1]);
      return FALSE;
    }
  return TRUE;
}

/* SIGN_ON until the bootloader answers. Each try restarts the sequence at
 * 1, the one number every version of the bootloader accepts first. */
static gboolean
sign_on (Stk2 *s, GError **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) s->options->sync_ms * 1000;
  static const guint8 msg[1] = { CMD_SIGN_ON };
  static const guint8 get_major[2] = { CMD_GET_PARAMETER, PARAM_SW_MAJOR },
                      get_minor[2] = { CMD_GET_PARAMETER, PARAM_SW_MINOR };
  guint8 answer[11], major[3], minor[3];

  do
    {
      g_autoptr(GError) local = NULL;
      Answer r;

      em_serial_port_flush_input (s->link.port);
      s->seq = 1;
      if (!send_message (s, msg, 1, error))
        return FALSE;
      r = read_answer (s, CMD_SIGN_ON, answer, sizeof answer, 500, "signing on", &local);
      if (r == ANSWER_LOST)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      if (r == ANSWER_OK && answer[1] == STATUS_CMD_OK)
        {
          /* Answers to earlier tries that come late carry sequence number
           * 1 too: read_answer() skips them from now on. */
          s->seq++;
          /* The version, for the log: "AVRISP_2" 2.10 on the Mega. */
          if (!command (s, get_major, 2, major, 3, NULL, "reading the bootloader's version",
                        error) ||
              !command (s, get_minor, 2, minor, 3, NULL, "reading the bootloader's version",
                        error))
            return FALSE;
          g_debug ("%s: STK500v2 bootloader %.*s, version %u.%u", s->link.path,
                   MIN (answer[2], 8), (const char *) answer + 3, major[2], minor[2]);
          return TRUE;
        }
    }
  while (g_get_monotonic_time () < deadline);
  g_set_error (error, EM_ERROR, EM_ERROR_IO,
               "%s: no answer from the bootloader (press reset just before flashing, and check "
               "the port and baud rate)", s->link.path);
  return FALSE;
}

static gboolean
load_address (Stk2 *s, const EmBoard *board, guint32 byte_addr, const char *doing,
              GError **error)
{
  guint32 word = byte_addr / 2 | (board->flash > 0x20000 ? LOAD_EXTENDED : 0);
  guint8 msg[5] = { CMD_LOAD_ADDRESS, word >> 24, (word >> 16) & 0xff, (word >> 8) & 0xff,
                    word & 0xff };

  return command (s, msg, 5, NULL, 2, NULL, doing, error);
}

static gboolean
read_signature (Stk2 *s, guint8 sig[3], GError **error)
{
  for (guint8 i = 0; i < 3; i++)
    {
      /* Body: command, where the answer byte sits (4th), then the ISP
       * instruction "read signature byte i". */
      guint8 msg[6] = { CMD_READ_SIGNATURE_ISP, 4, 0x30, 0x00, i, 0x00 }, answer[4];

      if (!command (s, msg, 6, answer, 4, NULL, "reading the signature", error))
        return FALSE;
      sig[i] = answer[2];
    }
  return TRUE;
}

gboolean
em_flash_stk500v2 (const char *port, const EmBoard *board, const EmFlashImage *image,
                   const EmFlashOptions *options, EmFlashProgressFunc progress,
                   gpointer user_data, GCancellable *cancellable, GError **error)
{
  g_autoptr(EmSerialPort) sp = NULL;
  g_autofree guint8 *pages = NULL;
  EmFlashOptions defaults;
  Stk2 s = { { 0 } };
  guint32 ps = board->page_size, start = board->flash_base, end;
  guint8 sig[3], status;
  /* ISP timings from the ATmega2560's datasheet (as avrdude.conf has
   * them); a bootloader ignores them, an ISP programmer needs them. */
  static const guint8 enter[12] = { CMD_ENTER_PROGMODE_ISP, 200, 100, 25, 32, 0, 0x53, 3,
                                    0xAC, 0x53, 0x00, 0x00 },
                      rewind[7] = { CMD_CHIP_ERASE_ISP, 55, 0, 0xAC, 0x80, 0x00, 0x00 },
                      leave[3] = { CMD_LEAVE_PROGMODE_ISP, 1, 1 };

  if (options == NULL)
    {
      em_flash_options_init (&defaults);
      options = &defaults;
    }
  if (!em_flash_check_fits (board, image, error))
    return FALSE;
  if (ps == 0 || ps > MAX_PAGE || (ps & (ps - 1)) != 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                   "%s: page size %u is not one STK500v2 can write", board->name, ps);
      return FALSE;
    }
  /* From the start of flash: see the top of the file. Bytes below the
   * image become 0xFF. */
  end = (image->base + image->data->len + ps - 1) & ~(ps - 1);
  pages = em_flash_pages_new (image, start, end);

  sp = em_flash_link_open (&s.link, port, options->baud ? options->baud : board->baud, FALSE,
                           EM_FLASH_RESCUE_ARDUINO,
                           cancellable, error);
  if (sp == NULL)
    return FALSE;
  s.options = options;

  if (progress)
    progress ("Connecting", 0, 1, user_data);
  if (options->reset)
    em_flash_link_arduino_reset (&s.link);
  if (!sign_on (&s, error) ||
      !command (&s, enter, sizeof enter, NULL, 2, NULL, "entering programming mode", error) ||
      !read_signature (&s, sig, error) ||
      !em_flash_check_signature (&s.link, board, sig, error) ||
      !command (&s, rewind, sizeof rewind, NULL, 2, &status, "rewinding the page eraser", error))
    return FALSE;
  if (status != STATUS_CMD_OK && status != STATUS_CMD_FAILED)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_FAILED,
                   "%s: the bootloader failed while rewinding the page eraser (status 0x%02X)",
                   port, status);
      return FALSE;
    }

  for (guint32 a = start; a < end; a += ps)
    {
      g_autofree char *doing = g_strdup_printf ("writing at 0x%05X", a);
      guint8 msg[10 + MAX_PAGE] = { CMD_PROGRAM_FLASH_ISP, ps >> 8, ps & 0xff,
                                    0xC1,   /* page mode, write the page */
                                    10,     /* ms per page (ISP only) */
                                    0x40, 0x4C, 0x20, 0x00, 0x00 };   /* ISP instructions */

      if (progress)
        progress ("Writing", a - start, end - start, user_data);
      memcpy (msg + 10, pages + (a - start), ps);
      if (!load_address (&s, board, a, doing, error) ||
          !command (&s, msg, 10 + ps, NULL, 2, NULL, doing, error))
        return FALSE;
    }
  if (progress)
    progress ("Writing", end - start, end - start, user_data);

  if (options->verify)
    for (guint32 a = start; a < end; a += ps)
      {
        g_autofree char *doing = g_strdup_printf ("reading back 0x%05X", a);
        guint8 msg[4] = { CMD_READ_FLASH_ISP, ps >> 8, ps & 0xff, 0x20 }, back[3 + MAX_PAGE];

        if (progress)
          progress ("Verifying", a - start, end - start, user_data);
        if (!load_address (&s, board, a, doing, error) ||
            !command (&s, msg, 4, back, 3 + ps, NULL, doing, error) ||
            !em_flash_check_readback (&s.link, a, pages + (a - start), back + 2, ps, error))
          return FALSE;
      }
  if (progress && options->verify)
    progress ("Verifying", end - start, end - start, user_data);

  /* The bootloader jumps to the sketch after LEAVE_PROGMODE. */
  if (options->go &&
      !command (&s, leave, sizeof leave, NULL, 2, NULL, "leaving programming mode", error))
    return FALSE;
  return TRUE;
}
