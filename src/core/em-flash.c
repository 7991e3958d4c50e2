/* SPDX-License-Identifier: Apache-2.0 */
/* Images (Intel HEX, raw binary), the fit check and the dispatch to the
 * protocol flashers. */
#include <string.h>
#include "em-error.h"
#include "em-flash.h"

/* Largest image we accept: far above any MCU flash, low enough that a HEX
 * file with a stray far address cannot make us allocate gigabytes. */
#define MAX_IMAGE (16u * 1024 * 1024)

void
em_flash_image_free (EmFlashImage *image)
{
  if (image == NULL)
    return;
  g_clear_pointer (&image->data, g_byte_array_unref);
  g_free (image);
}

void
em_flash_options_init (EmFlashOptions *options)
{
  memset (options, 0, sizeof *options);
  options->sync_ms = 3000;
  options->reply_ms = 1000;
  options->erase_ms = 40000;
  options->verify = TRUE;
  options->go = TRUE;
  options->reset = TRUE;
}

static int
hex_nibble (char c)
{
  return g_ascii_xdigit_value (c);
}

typedef struct {
  guint32 addr;
  guint8  byte;
} HexByte;

EmFlashImage *
em_flash_image_parse_ihex (const char *name, const char *text, gsize len, GError **error)
{
  g_autoptr(GArray) bytes = g_array_new (FALSE, FALSE, sizeof (HexByte));
  g_autoptr(EmFlashImage) image = NULL;
  guint32 upper = 0, lo = G_MAXUINT32, hi = 0;
  gboolean eof = FALSE;
  guint line_no = 0;
  gsize pos = 0;

  while (pos < len && !eof)
    {
      const char *line = text + pos;
      gsize n = 0, end;
      guint8 rec[5 + 255];
      guint count, sum = 0;

      while (pos + n < len && line[n] != '\n')
        n++;
      end = n;
      pos += n + 1;
      line_no++;
      while (end > 0 && (line[end - 1] == '\r' || line[end - 1] == ' ' || line[end - 1] == '\t'))
        end--;
      if (end == 0)
        continue;
      if (line[0] != ':' || end < 11 || (end - 1) % 2 != 0)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                       "%s: line %u: not an Intel HEX record", name, line_no);
          return NULL;
        }
      count = (end - 1) / 2;
      if (count > sizeof rec)
        count = sizeof rec;
      for (guint i = 0; i < count; i++)
        {
          int h = hex_nibble (line[1 + 2 * i]), l = hex_nibble (line[2 + 2 * i]);
          if (h < 0 || l < 0)
            {
              g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                           "%s: line %u: '%c%c' is not a hex byte", name, line_no,
                           line[1 + 2 * i], line[2 + 2 * i]);
              return NULL;
            }
          rec[i] = (guint8) (h << 4 | l);
          sum += rec[i];
        }
      if (count != 5u + rec[0])
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                       "%s: line %u: record length %u does not match its %u data bytes", name,
                       line_no, rec[0], count >= 5 ? count - 5 : 0);
          return NULL;
        }
      if ((sum & 0xff) != 0)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                       "%s: line %u: bad checksum 0x%02X (expected 0x%02X)", name, line_no,
                       rec[count - 1], (guint) ((rec[count - 1] - sum) & 0xff));
          return NULL;
        }
      switch (rec[3])
        {
        case 0x00:
          {
            guint32 a = upper + ((guint32) rec[1] << 8 | rec[2]);
            for (guint i = 0; i < rec[0]; i++)
              {
                HexByte b = { a + i, rec[4 + i] };
                g_array_append_val (bytes, b);
                lo = MIN (lo, b.addr);
                hi = MAX (hi, b.addr + 1);
              }
          }
          break;
        case 0x01:
          eof = TRUE;
          break;
        case 0x02:
        case 0x04:
          if (rec[0] != 2)
            {
              g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                           "%s: line %u: address record must hold 2 bytes", name, line_no);
              return NULL;
            }
          upper = ((guint32) rec[4] << 8 | rec[5]) << (rec[3] == 0x02 ? 4 : 16);
          break;
        case 0x03:
        case 0x05:
          break;  /* start address: the bootloader's Go / the reset vector decide */
        default:
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                       "%s: line %u: unknown record type 0x%02X", name, line_no, rec[3]);
          return NULL;
        }
    }
  if (!eof)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                   "%s: no end-of-file record: the file is truncated", name);
      return NULL;
    }
  if (bytes->len == 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s: holds no data", name);
      return NULL;
    }
  if (hi - lo > MAX_IMAGE)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                   "%s: spans 0x%08X..0x%08X, more than any board's flash", name, lo, hi);
      return NULL;
    }
  image = g_new0 (EmFlashImage, 1);
  image->base = lo;
  image->data = g_byte_array_sized_new (hi - lo);
  g_byte_array_set_size (image->data, hi - lo);
  memset (image->data->data, 0xff, hi - lo);
  for (guint i = 0; i < bytes->len; i++)
    {
      const HexByte *b = &g_array_index (bytes, HexByte, i);
      image->data->data[b->addr - lo] = b->byte;
    }
  return g_steal_pointer (&image);
}

EmFlashImage *
em_flash_image_load (const char *path, guint32 default_base, GError **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GError) local = NULL;
  EmFlashImage *image;
  gsize len;

  if (!g_file_get_contents (path, &contents, &len, &local))
    {
      g_set_error (error, EM_ERROR,
                   g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT) ? EM_ERROR_NOT_FOUND
                                                                              : EM_ERROR_IO,
                   "%s", local->message);
      return NULL;
    }
  if (len == 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s: the image is empty", base);
      return NULL;
    }
  if (contents[0] == ':' || g_str_has_suffix (path, ".hex") || g_str_has_suffix (path, ".ihex"))
    return em_flash_image_parse_ihex (base, contents, len, error);
  if (len >= 4 && memcmp (contents, "\177ELF", 4) == 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED,
                   "%s: an ELF file: convert it with objcopy -O binary (or -O ihex) first", base);
      return NULL;
    }
  if (len > MAX_IMAGE)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s: %zu bytes is more than any "
                   "board's flash", base, len);
      return NULL;
    }
  image = g_new0 (EmFlashImage, 1);
  image->base = default_base;
  image->data = g_byte_array_new_take ((guint8 *) g_steal_pointer (&contents), len);
  return image;
}

gboolean
em_flash_check_fits (const EmBoard *board, const EmFlashImage *image, GError **error)
{
  guint64 start = image->base, end = (guint64) image->base + image->data->len;
  guint64 flash_end = (guint64) board->flash_base + board->flash;
  guint64 usable_end = flash_end - board->bootloader_size;

  if (image->data->len == 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "the image is empty");
      return FALSE;
    }
  if (start < board->flash_base || start >= flash_end)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                   "the image starts at 0x%08X, outside %s's flash (0x%08X..0x%08X)",
                   image->base, board->name, board->flash_base, (guint32) (flash_end - 1));
      return FALSE;
    }
  if (end > flash_end)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                   "image too big: %u bytes at 0x%08X do not fit %s's %u KB of flash",
                   image->data->len, image->base, board->name, (guint) (board->flash / 1024));
      return FALSE;
    }
  if (end > usable_end)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                   "image too big: it reaches 0x%05X, into the bootloader at 0x%05X (%u bytes "
                   "free for sketches on %s)", (guint32) end, (guint32) usable_end,
                   (guint32) (usable_end - board->flash_base), board->name);
      return FALSE;
    }
  return TRUE;
}

gboolean
em_flash_board (const char *port, const EmBoard *board, const EmFlashImage *image,
                const EmFlashOptions *options, EmFlashProgressFunc progress, gpointer user_data,
                GCancellable *cancellable, GError **error)
{
  switch (board->protocol)
    {
    case EM_BOARD_PROTOCOL_STM32_UART:
      return em_flash_stm32 (port, board, image, options, progress, user_data, cancellable, error);
    case EM_BOARD_PROTOCOL_STK500V1:
      return em_flash_stk500 (port, board, image, options, progress, user_data, cancellable,
                              error);
    case EM_BOARD_PROTOCOL_STK500V2:
      return em_flash_stk500v2 (port, board, image, options, progress, user_data, cancellable,
                                error);
    case EM_BOARD_PROTOCOL_QEMU:
    default:
      g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED,
                   "%s is emulated: there is nothing to flash, QEMU loads the firmware itself",
                   board->name);
      return FALSE;
    }
}

typedef struct {
  char                *port;
  const EmBoard       *board;
  const EmFlashImage  *image;
  EmFlashOptions       options;
  EmFlashProgressFunc  progress;
  gpointer             user_data;
} FlashTask;

static void
flash_task_free (FlashTask *t)
{
  g_free (t->port);
  g_free (t);
}

static void
flash_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  FlashTask *t = task_data;
  GError *error = NULL;

  if (em_flash_board (t->port, t->board, t->image, &t->options, t->progress, t->user_data,
                      cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
em_flash_board_async (const char *port, const EmBoard *board, const EmFlashImage *image,
                      const EmFlashOptions *options, EmFlashProgressFunc progress,
                      gpointer user_data, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer callback_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, callback_data);
  FlashTask *t = g_new0 (FlashTask, 1);

  t->port = g_strdup (port);
  t->board = board;
  t->image = image;
  if (options != NULL)
    t->options = *options;
  else
    em_flash_options_init (&t->options);
  t->progress = progress;
  t->user_data = user_data;
  g_task_set_source_tag (task, em_flash_board_async);
  /* Our own cancelled error names the port and says the board is fine:
   * do not let GTask replace it with a bare G_IO_ERROR_CANCELLED. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, t, (GDestroyNotify) flash_task_free);
  g_task_run_in_thread (task, flash_thread);
}

gboolean
em_flash_board_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
