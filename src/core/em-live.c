/* SPDX-License-Identifier: Apache-2.0 */
/* Host side of the Ember firmware's serial protocol (versions 1 and 2), as
 * documented at the top of codegen/targets/firmware/ember_firmware.c (the
 * sensor mode of version 2 is in em-live-sensor.c):
 *
 *   0xA5 0x5A  type:u8  seq:u8  length:u32 LE  payload  crc:u16 LE
 *   crc = CRC-16/CCITT-FALSE (0x1021, init 0xFFFF) over type..payload
 *   0x01 HELLO (empty)            → 0x81 version, flags, n_labels, n_values, labels…, project, model version
 *   0x02 WINDOW (n_values × f32)  → 0x82 status:i32 dsp_us:u32 nn_us:u32 anomaly:f32 n:u16 scores n × f32
 *                                   or 0xEE code:u8 message
 *
 * The reader hunts for the sync bytes and drops anything whose CRC or seq
 * does not match, so stale answers and garbage are skipped; a request with
 * no answer is sent again (the board drops a broken frame after 0.5 s of
 * silence). For the emulated board QEMU is started with its UART on a
 * pseudo-terminal; QEMU only notices that the pty was opened on its next
 * poll (about a second), so the hello is repeated until then. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include "em-error.h"
#include "em-live-private.h"
#include "em-serial.h"

static guint16
crc16 (guint16 crc, const guint8 *p, gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      crc ^= (guint16) (p[i] << 8);
      for (int b = 0; b < 8; b++)
        crc = (crc & 0x8000u) ? (guint16) ((crc << 1) ^ 0x1021u) : (guint16) (crc << 1);
    }
  return crc;
}

static GByteArray *
make_frame (guint8 type, guint8 seq, const guint8 *payload, guint32 length)
{
  GByteArray *f = g_byte_array_sized_new (length + 10);
  guint8 head[8] = { 0xA5, 0x5A, type, seq, length & 0xFF, (length >> 8) & 0xFF, (length >> 16) & 0xFF,
                     length >> 24 };
  guint16 crc;
  guint8 tail[2];

  g_byte_array_append (f, head, 8);
  if (length > 0)
    g_byte_array_append (f, payload, length);
  crc = crc16 (0xFFFF, f->data + 2, f->len - 2);
  tail[0] = crc & 0xFF;
  tail[1] = crc >> 8;
  g_byte_array_append (f, tail, 2);
  return f;
}

/* Takes one whole, valid frame off the front of @rx (TRUE), dropping
 * garbage before it; FALSE when more bytes are needed. */
gboolean
em_live_take_frame (GByteArray *rx, guint8 *type, guint8 *seq, GBytes **payload)
{
  for (;;)
    {
      guint skip = 0;
      guint32 length;

      while (skip + 1 < rx->len && !(rx->data[skip] == 0xA5 && rx->data[skip + 1] == 0x5A))
        skip++;
      if (skip > 0)
        g_byte_array_remove_range (rx, 0, MIN (skip, rx->len));
      if (rx->len < 8)
        return FALSE;
      length = rx->data[4] | rx->data[5] << 8 | rx->data[6] << 16 | (guint32) rx->data[7] << 24;
      if (length > MAX_REPLY)
        {
          g_byte_array_remove_range (rx, 0, 1);
          continue;
        }
      if (rx->len < 10 + length)
        return FALSE;
      if (crc16 (0xFFFF, rx->data + 2, 6 + length) != (rx->data[8 + length] | rx->data[9 + length] << 8))
        {
          g_byte_array_remove_range (rx, 0, 1);
          continue;
        }
      *type = rx->data[2];
      *seq = rx->data[3];
      *payload = g_bytes_new (rx->data + 8, length);
      g_byte_array_remove_range (rx, 0, 10 + length);
      return TRUE;
    }
}

static gboolean
qemu_exited (EmLive *live)
{
  int status;

  if (live->qemu == 0)
    return FALSE;
  if (waitpid (live->qemu, &status, WNOHANG) == live->qemu)
    {
      g_spawn_close_pid (live->qemu);
      live->qemu = 0;
      return TRUE;
    }
  return FALSE;
}

/* QEMU's last message about itself ("qemu: fatal: Lockup…", "qemu-system-arm:
 * could not load kernel…"), else its last line (a fatal error is followed
 * by a register dump), and what it was running. */
static char *
qemu_last_line (EmLive *live)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  const char *pick = NULL;

  if (live->qemu_log == NULL || !g_file_get_contents (live->qemu_log, &text, NULL, NULL))
    return g_strdup ("");
  lines = g_strsplit (g_strstrip (text), "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "qemu") && strstr (lines[i], "redirected to") == NULL)
      pick = lines[i];
  if (pick == NULL && lines[0] != NULL)
    pick = lines[g_strv_length (lines) - 1];
  return g_strdup_printf ("%s (running %s)", pick != NULL ? g_strstrip ((char *) pick) : "no message",
                          live->firmware != NULL ? live->firmware : "?");
}

/* The pty went away: when QEMU stopped, its own message says why, not the
 * port's "disconnected". Returns FALSE. */
static gboolean
qemu_failed (EmLive *live, GError **error)
{
  for (int i = 0; i < 50 && live->qemu != 0; i++)
    {
      if (qemu_exited (live))
        {
          g_autofree char *last = qemu_last_line (live);
          g_clear_error (error);
          g_set_error (error, EM_ERROR, EM_ERROR_IO, "%s: QEMU stopped: %s", live->board_name,
                       last);
          return FALSE;
        }
      g_usleep (20000);
    }
  return FALSE;
}

/* Sends @type/@payload and waits for the reply of the same seq, sending
 * again every @retry_ms (0 = never) until @total_ms. */
gboolean
em_live_request (EmLive *live, guint8 type, const guint8 *payload, guint32 length, guint retry_ms,
                 guint total_ms, guint8 *reply_type, GBytes **reply, GCancellable *cancellable, GError **error)
{
  g_autoptr(GByteArray) frame = NULL;
  gint64 deadline = g_get_monotonic_time () + (gint64) total_ms * 1000;
  gint64 next_send = 0;
  guint8 seq;

  /* seq 0 is the unprompted SENSOR_RESULTs'. */
  if (++live->seq == 0)
    live->seq = 1;
  seq = live->seq;

  frame = make_frame (type, seq, payload, length);
  for (;;)
    {
      guint8 buf[4096], t, s;
      GBytes *p = NULL;
      gssize n;
      gint64 now = g_get_monotonic_time ();

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (qemu_exited (live))
        {
          g_autofree char *last = qemu_last_line (live);
          g_set_error (error, EM_ERROR, EM_ERROR_IO, "%s: QEMU stopped: %s", live->board_name,
                       last);
          return FALSE;
        }
      if (now >= deadline)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_IO, "%s: no answer from Ember firmware: is it flashed and running?",
                       live->port_name);
          return FALSE;
        }
      if (next_send == 0 || (retry_ms > 0 && now >= next_send))
        {
          if (!em_serial_port_write (live->port, frame->data, frame->len, 5000, error))
            return qemu_failed (live, error);
          next_send = now + (gint64) retry_ms * 1000;
        }
      n = em_serial_port_read (live->port, buf, sizeof buf, 50, error);
      if (n < 0)
        return qemu_failed (live, error);
      if (n > 0)
        g_byte_array_append (live->rx, buf, (guint) n);
      while (em_live_take_frame (live->rx, &t, &s, &p))
        {
          if (s == seq && (t == HELLO_REPLY || t == RESULT || t == ERROR_REPLY || t == SENSOR_STARTED ||
                           t == STOPPED))
            {
              *reply_type = t;
              *reply = p;
              return TRUE;
            }
          g_bytes_unref (p);   /* a stale answer to an earlier request */
        }
    }
}

gboolean
em_live_read_some (EmLive *live, guint timeout_ms, GError **error)
{
  guint8 buf[4096];
  gssize n;

  if (qemu_exited (live))
    {
      g_autofree char *last = qemu_last_line (live);
      g_set_error (error, EM_ERROR, EM_ERROR_IO, "%s: QEMU stopped: %s", live->board_name, last);
      return FALSE;
    }
  n = em_serial_port_read (live->port, buf, sizeof buf, timeout_ms, error);
  if (n < 0)
    return qemu_failed (live, error);
  if (n > 0)
    g_byte_array_append (live->rx, buf, (guint) n);
  return TRUE;
}

static gboolean
parse_hello (EmLive *live, GBytes *reply, GError **error)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (reply, &len);
  const char *s, *end;
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  guint n_labels;

  if (len < 8)
    goto bad;
  live->version = p[0];
  /* Version 1 firmware is host-fed only and still served. */
  if (live->version < 1 || live->version > PROTOCOL_VERSION)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED,
                   "%s: the firmware speaks protocol %u, this Ember speaks 1 to %u: build and flash it again",
                   live->port_name, live->version, PROTOCOL_VERSION);
      return FALSE;
    }
  live->flags = p[1];
  n_labels = p[2] | p[3] << 8;
  live->n_values = p[4] | p[5] << 8 | p[6] << 16 | (guint32) p[7] << 24;
  s = (const char *) p + 8;
  end = (const char *) p + len;
  for (guint i = 0; i < n_labels + 2; i++)
    {
      const char *z = memchr (s, '\0', (gsize) (end - s));
      if (z == NULL)
        goto bad;
      if (i < n_labels)
        g_ptr_array_add (labels, g_strndup (s, (gsize) (z - s)));
      else if (i == n_labels)
        live->project = g_strndup (s, (gsize) (z - s));
      else
        live->model_version = g_strndup (s, (gsize) (z - s));
      s = z + 1;
    }
  if (n_labels == 0 || live->n_values == 0)
    goto bad;
  if (live->version >= 2 && !em_live_parse_hello_v2 (live, s, end))
    goto bad;
  g_ptr_array_add (labels, NULL);
  live->labels = (GStrv) g_ptr_array_steal (labels, NULL);
  return TRUE;

bad:
  g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s: the firmware's hello is malformed", live->port_name);
  return FALSE;
}

static gboolean
start_qemu (EmLive *live, const EmBoard *board, const char *firmware, GCancellable *cancellable, GError **error)
{
  g_autofree char *qemu = g_find_program_in_path ("qemu-system-arm");
  g_autoptr(GError) local = NULL;
  g_autofree char *sensor_chardev = NULL;
  gint64 deadline;
  int fd;
  /* UART0 talks the protocol on a pty; UART1 is the simulated sensor, a
   * socket em_live_playback_start() connects to (firmware without a sensor
   * mode never reads it). */
  const char *argv[] = { "qemu-system-arm", "-M", board->qemu_machine != NULL ? board->qemu_machine : "mps2-an386",
                         "-nographic", "-monitor", "none", "-serial", "pty", "-kernel", firmware,
                         "-chardev", NULL, "-serial", "chardev:sensor", NULL };

  if (firmware == NULL || !g_file_test (firmware, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "%s: no firmware to start%s%s", board->name,
                   firmware != NULL ? ": no file " : " (build it first)", firmware != NULL ? firmware : "");
      return FALSE;
    }
  if (qemu == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND,
                   "%s: qemu-system-arm not found: install the Debian package qemu-system-arm", board->name);
      return FALSE;
    }
  live->firmware = g_strdup (firmware);
  if ((live->sensor_dir = g_dir_make_tmp ("ember-sensor-XXXXXX", error)) == NULL)
    return FALSE;
  live->sensor_socket = g_build_filename (live->sensor_dir, "uart1.sock", NULL);
  sensor_chardev = g_strdup_printf ("socket,id=sensor,path=%s,server=on,wait=off", live->sensor_socket);
  argv[11] = sensor_chardev;
  if ((fd = g_file_open_tmp ("ember-qemu-XXXXXX.log", &live->qemu_log, error)) < 0)
    return FALSE;
  if (!g_spawn_async_with_fds (NULL, (char **) argv, NULL,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL,
                               NULL, NULL, &live->qemu, -1, fd, fd, &local))
    {
      close (fd);
      g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "%s: cannot start QEMU: %s", board->name, local->message);
      return FALSE;
    }
  close (fd);
  /* QEMU prints "char device redirected to /dev/pts/N (label serial0)". */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      g_autofree char *text = NULL;
      const char *at;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (g_file_get_contents (live->qemu_log, &text, NULL, NULL) &&
          (at = strstr (text, "redirected to /dev/")) != NULL)
        {
          const char *path = at + strlen ("redirected to ");
          live->port_name = g_strndup (path, strcspn (path, " \n"));
          return TRUE;
        }
      if (qemu_exited (live))
        {
          g_autofree char *last = qemu_last_line (live);
          g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "%s: QEMU did not start: %s", board->name, last);
          return FALSE;
        }
      g_usleep (20000);
    }
  g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "%s: QEMU opened no pseudo-terminal", board->name);
  return FALSE;
}

/* The first port whose USB id is one of the board's. */
static char *
find_port (const EmBoard *board, GError **error)
{
  g_autoptr(GPtrArray) ports = em_serial_list_ports (error);

  if (ports == NULL)
    return NULL;
  for (guint i = 0; i < ports->len; i++)
    {
      const EmSerialPortInfo *p = ports->pdata[i];

      for (guint k = 0; board->usb_ids != NULL && k < board->usb_ids->len; k++)
        {
          const EmBoardUsbId *id = &g_array_index (board->usb_ids, EmBoardUsbId, k);
          if (p->usb_vid == id->vid && p->usb_pid == id->pid)
            return g_strdup (p->name);
        }
    }
  g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "%s: no serial port with the board's USB id: connect it, or "
               "name the port", board->name);
  return NULL;
}

EmLive *
em_live_open (const EmBoard *board, const char *port, const char *firmware, GCancellable *cancellable,
              GError **error)
{
  g_autoptr(EmLive) live = g_new0 (EmLive, 1);
  g_autoptr(GBytes) reply = NULL;
  guint8 type = 0;

  g_return_val_if_fail (board != NULL, NULL);
  g_mutex_init (&live->lock);
  live->rx = g_byte_array_new ();
  live->board_name = g_strdup (board->name);
  if (board->protocol == EM_BOARD_PROTOCOL_QEMU)
    {
      if (!start_qemu (live, board, firmware, cancellable, error))
        return NULL;
    }
  else if (port != NULL)
    live->port_name = g_strdup (port);
  else if ((live->port_name = find_port (board, error)) == NULL)
    return NULL;
  if ((live->port = em_serial_port_open_full (live->port_name, board->baud > 0 ? board->baud : 115200, FALSE, NULL,
                                              error)) == NULL)
    return NULL;
  if (!em_live_request (live, HELLO, NULL, 0, HELLO_RETRY_MS, HELLO_MS, &type, &reply, cancellable, error))
    return NULL;
  if (type != HELLO_REPLY)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s: the firmware did not answer the hello",
                   live->port_name);
      return NULL;
    }
  if (!parse_hello (live, reply, error))
    return NULL;
  return g_steal_pointer (&live);
}

guint
em_live_get_window_size (EmLive *live)
{
  return live->n_values;
}

const char *const *
em_live_get_labels (EmLive *live)
{
  return (const char *const *) live->labels;
}

const char *
em_live_get_port (EmLive *live)
{
  return live->port_name;
}

const char *
em_live_get_project_name (EmLive *live)
{
  return live->project;
}

const char *
em_live_get_model_version (EmLive *live)
{
  return live->model_version;
}

guint
em_live_get_protocol_version (EmLive *live)
{
  return live->version;
}

guint32
em_live_get_u32 (const guint8 *p)
{
  return p[0] | p[1] << 8 | p[2] << 16 | (guint32) p[3] << 24;
}

float
em_live_get_f32 (const guint8 *p)
{
  guint32 v = em_live_get_u32 (p);
  float f;

  memcpy (&f, &v, sizeof f);
  return f;
}

gboolean
em_live_classify (EmLive *live, const float *window, guint n_values, EmLiveResult *result,
                  GCancellable *cancellable, GError **error)
{
  g_autoptr(GBytes) reply = NULL;
  g_autofree guint8 *payload = NULL;
  g_autoptr(GMutexLocker) locker = NULL;
  const guint8 *p;
  gsize len;
  guint8 type = 0;
  guint n;

  memset (result, 0, sizeof *result);
  result->anomaly = NAN;
  if (n_values != live->n_values)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                   "%s: the window has %u values, the firmware expects %u: is it this project's firmware?",
                   live->port_name, n_values, live->n_values);
      return FALSE;
    }
  payload = g_new (guint8, (gsize) n_values * 4);
  for (guint i = 0; i < n_values; i++)
    {
      guint32 v;
      memcpy (&v, &window[i], 4);
      v = GUINT32_TO_LE (v);
      memcpy (payload + 4 * i, &v, 4);
    }
  locker = g_mutex_locker_new (&live->lock);
  /* A lost frame is sent once more after the board gave up on it. */
  if (!em_live_request (live, WINDOW, payload, n_values * 4, CLASSIFY_RETRY_MS, CLASSIFY_MS, &type, &reply, cancellable,
                error))
    return FALSE;
  p = g_bytes_get_data (reply, &len);
  if (type == ERROR_REPLY)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "%s: the firmware refused the window: %.*s", live->port_name,
                   len > 1 ? (int) strnlen ((const char *) p + 1, len - 1) : 0, len > 1 ? (const char *) p + 1 : "");
      return FALSE;
    }
  if (type != RESULT || len < 18 || len < 18 + 4u * (n = p[16] | p[17] << 8))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s: the firmware's result is malformed",
                   live->port_name);
      return FALSE;
    }
  if ((gint32) em_live_get_u32 (p) != 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "%s: the impulse failed on the device (status %d)",
                   live->port_name, (gint32) em_live_get_u32 (p));
      return FALSE;
    }
  result->dsp_ms = em_live_get_u32 (p + 4) / 1000.0;
  result->nn_ms = em_live_get_u32 (p + 8) / 1000.0;
  if (live->flags & 1u)
    result->anomaly = em_live_get_f32 (p + 12);
  result->n_scores = n;
  result->scores = g_new (float, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    result->scores[i] = em_live_get_f32 (p + 18 + 4 * i);
  return TRUE;
}

void
em_live_result_clear (EmLiveResult *result)
{
  g_clear_pointer (&result->scores, g_free);
  result->n_scores = 0;
}

void
em_live_close (EmLive *live)
{
  if (live == NULL)
    return;
  em_live_sensor_free (live);
  g_clear_pointer (&live->port, em_serial_port_close);
  if (live->qemu != 0)
    {
      kill (live->qemu, SIGTERM);
      waitpid (live->qemu, NULL, 0);
      g_spawn_close_pid (live->qemu);
    }
  if (live->qemu_log != NULL)
    g_unlink (live->qemu_log);
  g_free (live->qemu_log);
  g_free (live->firmware);
  g_free (live->port_name);
  g_free (live->board_name);
  g_clear_pointer (&live->rx, g_byte_array_unref);
  g_strfreev (live->labels);
  g_free (live->project);
  g_free (live->model_version);
  g_strfreev (live->sensors);
  g_clear_pointer (&live->sensor_max_axes, g_array_unref);
  g_mutex_clear (&live->lock);
  g_free (live);
}
