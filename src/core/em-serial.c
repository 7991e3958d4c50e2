/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <libserialport.h>
#include "em-error.h"
#include "em-serial-port.h"
#include "em-serial.h"

/* Longest line we accept; a board at the wrong baud rate may send
 * kilobytes without a newline, and those count as one bad line. */
#define MAX_LINE 512
#define MAX_FIELDS 64
/* Lines needed before the rate is trusted. */
#define MIN_DETECT_LINES 10
/* Read in slices this short so a cancel is noticed quickly. */
#define SLICE_MS 100

/* --- listing ------------------------------------------------------------------ */

void
em_serial_port_info_free (EmSerialPortInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->description);
  g_free (info->transport);
  g_free (info);
}

static int
compare_info (gconstpointer a, gconstpointer b)
{
  const EmSerialPortInfo *x = *(EmSerialPortInfo * const *) a;
  const EmSerialPortInfo *y = *(EmSerialPortInfo * const *) b;
  return strcmp (x->name, y->name);
}

GPtrArray *
em_serial_list_ports (GError **error)
{
  struct sp_port **list = NULL;
  GPtrArray *out;

  if (sp_list_ports (&list) != SP_OK)
    {
      g_autofree char *msg = sp_last_error_message ();
      g_set_error (error, EM_ERROR, EM_ERROR_IO, "cannot list serial ports: %s",
                   msg != NULL ? msg : "unknown error");
      return NULL;
    }
  out = g_ptr_array_new_with_free_func ((GDestroyNotify) em_serial_port_info_free);
  for (guint i = 0; list[i] != NULL; i++)
    {
      EmSerialPortInfo *info = g_new0 (EmSerialPortInfo, 1);
      const char *desc = sp_get_port_description (list[i]);
      enum sp_transport transport = sp_get_port_transport (list[i]);

      info->name = g_strdup (sp_get_port_name (list[i]));
      info->description = g_strdup (desc != NULL ? desc : "");
      info->transport = g_strdup (transport == SP_TRANSPORT_USB ? "usb"
                                  : transport == SP_TRANSPORT_BLUETOOTH ? "bluetooth" : "native");
      info->usb_vid = info->usb_pid = -1;
      if (transport == SP_TRANSPORT_USB &&
          sp_get_port_usb_vid_pid (list[i], &info->usb_vid, &info->usb_pid) != SP_OK)
        info->usb_vid = info->usb_pid = -1;
      g_ptr_array_add (out, info);
    }
  sp_free_port_list (list);
  g_ptr_array_sort (out, compare_info);
  return out;
}

/* --- rates ----------------------------------------------------------------------- */

double
em_serial_round_rate (double hz)
{
  /* Rates sensors and firmware timers commonly run at (ODRs of ST/Bosch/
   * InvenSense IMUs, audio-ish rates, round numbers). */
  static const double common[] = {
    1, 2, 4, 5, 10, 12.5, 15, 20, 25, 26, 30, 40, 50, 52, 60, 62.5, 100, 104, 119, 125, 200,
    208, 250, 400, 416, 476, 500, 800, 833, 952, 1000, 1600, 1666, 2000, 3200, 3330, 4000,
    6660, 8000, 16000,
  };
  for (guint i = 0; i < G_N_ELEMENTS (common); i++)
    if (fabs (hz - common[i]) <= 0.02 * common[i])
      return common[i];
  return MAX (round (hz * 10) / 10, 0.1);
}

/* --- lines ---------------------------------------------------------------------- */

typedef struct {
  EmSerialPort *port;
  GByteArray *partial;     /* bytes after the last newline */
  GQueue lines;            /* complete lines not yet taken (char *) */
  GQueue times;            /* arrival time of each, monotonic µs (GINT_TO_POINTER won't do: boxed) */
  guint64 n_bytes;         /* everything received, to tell "silent" from "garbage" */
  gint64 last_byte_time;
} LineReader;

static void
reader_push (LineReader *r, const guint8 *data, gsize len, gint64 now)
{
  char *line = g_strndup ((const char *) data, len);
  gint64 *t = g_new (gint64, 1);

  *t = now;
  g_queue_push_tail (&r->lines, line);
  g_queue_push_tail (&r->times, t);
}

/* One line (without "\r\n") in *line, its arrival time in *time.
 * Returns 1, 0 when nothing came within @timeout_ms, -1 on a port error. */
static int
reader_next (LineReader *r, guint timeout_ms, char **line, gint64 *time, GError **error)
{
  if (g_queue_is_empty (&r->lines))
    {
      guint8 buf[1024];
      gssize n = em_serial_port_read (r->port, buf, sizeof buf, timeout_ms, error);
      gint64 now = g_get_monotonic_time ();

      if (n < 0)
        return -1;
      r->n_bytes += n;
      if (n > 0)
        r->last_byte_time = now;
      for (gssize i = 0; i < n; i++)
        {
          if (buf[i] == '\n')
            {
              gsize len = r->partial->len;
              if (len > 0 && r->partial->data[len - 1] == '\r')
                len--;
              reader_push (r, r->partial->data, len, now);
              g_byte_array_set_size (r->partial, 0);
            }
          else if (r->partial->len >= MAX_LINE)
            {
              /* Too long to be a line of numbers: hand it on as one bad line. */
              reader_push (r, r->partial->data, r->partial->len, now);
              g_byte_array_set_size (r->partial, 0);
              g_byte_array_append (r->partial, &buf[i], 1);
            }
          else
            g_byte_array_append (r->partial, &buf[i], 1);
        }
      if (g_queue_is_empty (&r->lines))
        return 0;
    }
  {
    gint64 *t = g_queue_pop_head (&r->times);
    *line = g_queue_pop_head (&r->lines);
    *time = *t;
    g_free (t);
  }
  return 1;
}

static void
reader_clear (LineReader *r)
{
  g_clear_pointer (&r->partial, g_byte_array_unref);
  g_queue_clear_full (&r->lines, g_free);
  g_queue_clear_full (&r->times, g_free);
}

/* Parse "1.0, 2,-3\t4 5" into @values. Fields are separated by one comma
 * (with optional blanks around it) or by blanks; one trailing separator is
 * allowed because many sketches print "x," in a loop. Returns the field
 * count, 0 for an empty line, -1 when anything is not a finite number. */
static int
parse_line (const char *s, float *values)
{
  int n = 0;

  while (*s == ' ' || *s == '\t')
    s++;
  while (*s != '\0')
    {
      char *end;
      double v;

      if (n == MAX_FIELDS)
        return -1;
      v = g_ascii_strtod (s, &end);
      if (end == s || !isfinite (v))
        return -1;
      values[n++] = (float) v;
      s = end;
      if (*s != '\0' && *s != ' ' && *s != '\t' && *s != ',')
        return -1;
      while (*s == ' ' || *s == '\t')
        s++;
      if (*s == ',')
        {
          s++;
          while (*s == ' ' || *s == '\t')
            s++;
        }
    }
  return n;
}

/* --- the forwarder ------------------------------------------------------------- */

void
em_serial_forward_options_init (EmSerialForwardOptions *options)
{
  options->detect_ms = 1000;
  options->no_data_ms = 2000;
  options->max_garbage = 0.10;
}

EmSample *
em_serial_forward (const char *port, guint baud, guint length_ms, const char * const *axes,
                   EmProgressFunc progress, gpointer user_data, GCancellable *cancellable,
                   GError **error)
{
  EmSerialForwardOptions options;

  em_serial_forward_options_init (&options);
  return em_serial_forward_full (port, baud, length_ms, axes, &options, progress, user_data,
                                 cancellable, error);
}

typedef struct {
  gint64 time;
  int n_fields; /* -1 = not numbers */
} DetectLine;

static int
compare_i64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

/* Readable text (as opposed to the noise a wrong baud rate gives). */
static gboolean
is_text (const char *line)
{
  if (*line == '\0' || !g_utf8_validate (line, -1, NULL))
    return FALSE;
  for (const char *p = line; *p != '\0'; p++)
    if ((guchar) *p < 0x20 && *p != '\t')
      return FALSE;
  return TRUE;
}

static gboolean
set_cancelled (GCancellable *cancellable, GError **error)
{
  if (!g_cancellable_is_cancelled (cancellable))
    return FALSE;
  g_set_error (error, EM_ERROR, EM_ERROR_CANCELLED, "cancelled; nothing was saved");
  return TRUE;
}

static void
set_gone (GError **error, const char *port, guint n_lines)
{
  g_set_error (error, EM_ERROR, EM_ERROR_IO,
               "%s: the device was disconnected after %u lines; nothing was saved",
               port, n_lines);
}

/* Phase 1: watch the board; out: axis count and interval (ms). */
static gboolean
detect (LineReader *r, const char *port, guint baud, const EmSerialForwardOptions *o,
        GCancellable *cancellable, guint *n_lines, int *out_axes, double *out_interval,
        GError **error)
{
  g_autoptr(GArray) seen = g_array_new (FALSE, FALSE, sizeof (DetectLine));
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) diffs = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 start = g_get_monotonic_time (), first_line = 0;
  guint counts[MAX_FIELDS + 1] = { 0 };
  guint n_bad = 0, n_text = 0, n_good = 0, skipped_first = 0;
  g_autofree char *example = NULL;
  int axes = 0;
  double span, median, interval, half1, half2;
  gsize mid;

  for (;;)
    {
      g_autofree char *line = NULL;
      gint64 now = g_get_monotonic_time (), t;
      float values[MAX_FIELDS];
      DetectLine d;
      int got;

      if (set_cancelled (cancellable, error))
        return FALSE;
      if (r->n_bytes == 0 && now - start > o->no_data_ms * (gint64) 1000)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_IO,
                       "no data from %s in %.0f s: is the board running and the baud rate right?",
                       port, o->no_data_ms / 1000.0);
          return FALSE;
        }
      if (first_line != 0)
        {
          guint best = 0;
          for (guint i = 1; i <= MAX_FIELDS; i++)
            best = MAX (best, counts[i]);
          if ((now - first_line >= o->detect_ms * (gint64) 1000 && best >= MIN_DETECT_LINES) ||
              now - first_line >= (o->detect_ms + o->no_data_ms) * (gint64) 1000)
            break;
        }
      if (r->n_bytes > 0 && first_line == 0 &&
          now - r->last_byte_time > o->no_data_ms * (gint64) 1000)
        break; /* bytes but never a whole line: judged below */
      got = reader_next (r, SLICE_MS, &line, &t, error);
      if (got < 0)
        {
          g_clear_error (error);
          set_gone (error, port, *n_lines);
          return FALSE;
        }
      if (got == 0)
        continue;
      (*n_lines)++;
      if (!skipped_first++)
        {
          /* We most likely started listening mid-line. */
          first_line = t;
          continue;
        }
      d.time = t;
      d.n_fields = parse_line (line, values);
      if (d.n_fields == 0)
        continue; /* blank lines carry nothing */
      if (d.n_fields < 0 && is_text (line))
        {
          n_text++;
          if (example == NULL)
            example = g_utf8_substring (line, 0, MIN (g_utf8_strlen (line, -1), 40));
        }
      if (d.n_fields < 0)
        n_bad++;
      else
        counts[d.n_fields]++;
      g_array_append_val (seen, d);
    }

  for (int i = 1; i <= MAX_FIELDS; i++)
    if (counts[i] > counts[axes])
      axes = i;
  n_good = axes > 0 ? counts[axes] : 0;
  if (n_good == 0 || n_bad > n_good)
    {
      if (r->n_bytes == 0)
        g_set_error (error, EM_ERROR, EM_ERROR_IO,
                     "no data from %s: is the board running and the baud rate right?", port);
      else if (n_text * 2 > n_bad)
        g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                     "%s: the board sends text, not lines of numbers (\"%s\"): print one line "
                     "of values per sample, like 1.0,2.0,3.0", port, example);
      else
        g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                     "%s: the board sends unreadable data: check the baud rate (%u now; 115200?)",
                     port, baud);
      return FALSE;
    }
  if (n_good < MIN_DETECT_LINES)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                   "%s: only %u lines of numbers in %.1f s: too few to measure the sampling rate "
                   "(the board must print one line per sample, at least %.0f a second)",
                   port, n_good, (o->detect_ms + o->no_data_ms) / 1000.0,
                   ceil (MIN_DETECT_LINES * 1000.0 / (o->detect_ms + o->no_data_ms)));
      return FALSE;
    }

  for (guint i = 0; i < seen->len; i++)
    {
      DetectLine *d = &g_array_index (seen, DetectLine, i);
      if (d->n_fields == axes)
        g_array_append_val (times, d->time);
    }
  for (guint i = 1; i < times->len; i++)
    {
      gint64 dt = g_array_index (times, gint64, i) - g_array_index (times, gint64, i - 1);
      g_array_append_val (diffs, dt);
    }
  g_array_sort (diffs, compare_i64);
  median = g_array_index (diffs, gint64, diffs->len / 2) / 1000.0;
  span = (g_array_index (times, gint64, times->len - 1) - g_array_index (times, gint64, 0)) / 1000.0;
  if (span <= 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                   "%s: all lines arrived at once: cannot measure the sampling rate", port);
      return FALSE;
    }
  if (median < 0.5 * span / (times->len - 1))
    {
      /* USB adapters deliver lines in bursts (FTDI: every 16 ms), which
       * makes most gaps ~0: the mean over the window is the better clock. */
      interval = span / (times->len - 1);
    }
  else
    {
      /* Count the board's ticks in the window with the median, then use the
       * whole span: as robust as the median, as precise as the mean, and a
       * line lost to garbage only adds a tick. */
      double ticks = MAX (round (span / median), 1);
      interval = span / ticks;
      if (fabs (median - interval) > 0.15 * interval)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                       "%s: lines arrive at an irregular rate (gaps of %.1f ms, %.1f ms on "
                       "average): the forwarder needs a fixed sampling rate", port, median,
                       interval);
          return FALSE;
        }
    }
  /* A board that speeds up or slows down has no single rate either. */
  mid = times->len / 2;
  half1 = (g_array_index (times, gint64, mid) - g_array_index (times, gint64, 0)) / 1000.0 / mid;
  half2 = (g_array_index (times, gint64, times->len - 1) - g_array_index (times, gint64, mid))
          / 1000.0 / (times->len - 1 - mid);
  if (half1 > 0 && half2 > 0 && fabs (half1 - half2) > 0.25 * MAX (half1, half2) &&
      fabs (half1 - half2) > 2.0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                   "%s: lines arrive at an irregular rate (%.1f Hz, then %.1f Hz): the "
                   "forwarder needs a fixed sampling rate", port, 1000 / half1, 1000 / half2);
      return FALSE;
    }
  *out_axes = axes;
  *out_interval = 1000.0 / em_serial_round_rate (1000.0 / interval);
  return TRUE;
}

EmSample *
em_serial_forward_full (const char *port, guint baud, guint length_ms, const char * const *axes,
                        const EmSerialForwardOptions *options, EmProgressFunc progress,
                        gpointer user_data, GCancellable *cancellable, GError **error)
{
  g_autoptr(EmSerialPort) sp = NULL;
  g_autoptr(GArray) data = g_array_new (FALSE, FALSE, sizeof (float));
  g_autoptr(EmSample) sample = NULL;
  EmSerialForwardOptions defaults;
  LineReader r = { 0 };
  guint n_lines = 0, n_bad = 0, n_axes_user = 0;
  guint64 target, n_frames = 0;
  int n_axes = 0;
  double interval = 0;
  gint64 last_line, first_rec = 0, last_rec = 0;
  gboolean ok = FALSE;
  char text[32];

  g_return_val_if_fail (port != NULL, NULL);
  if (options == NULL)
    {
      em_serial_forward_options_init (&defaults);
      options = &defaults;
    }
  if (length_ms == 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, "the length must be above 0 ms");
      return NULL;
    }
  if (axes != NULL)
    n_axes_user = g_strv_length ((char **) axes);
  sp = em_serial_port_open (port, baud, error);
  if (sp == NULL)
    return NULL;
  r.port = sp;
  r.partial = g_byte_array_new ();
  if (progress != NULL)
    progress (0, "Detecting", user_data);
  if (!detect (&r, port, baud, options, cancellable, &n_lines, &n_axes, &interval, error))
    goto out;
  if (n_axes_user > 0 && n_axes_user != (guint) n_axes)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                   "%s: the board sends %d values per line but %u axis names were given",
                   port, n_axes, n_axes_user);
      goto out;
    }

  target = MAX ((guint64) llround (length_ms / interval), 1);
  last_line = g_get_monotonic_time ();
  while (n_frames < target)
    {
      g_autofree char *line = NULL;
      gint64 now = g_get_monotonic_time (), t;
      gint64 quiet_limit = MAX (options->no_data_ms * (gint64) 1000,
                                (gint64) (10 * interval * 1000));
      float values[MAX_FIELDS];
      int got, n;

      if (set_cancelled (cancellable, error))
        goto out;
      if (now - last_line > quiet_limit)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_IO,
                       "%s: the device stopped sending (disconnected?) after %u lines; "
                       "nothing was saved", port, n_lines);
          goto out;
        }
      got = reader_next (&r, SLICE_MS, &line, &t, error);
      if (got < 0)
        {
          g_clear_error (error);
          set_gone (error, port, n_lines);
          goto out;
        }
      if (got == 0)
        continue;
      n_lines++;
      last_line = t;
      n = parse_line (line, values);
      if (n == 0)
        continue;
      if (first_rec == 0)
        first_rec = t;
      last_rec = t;
      if (n != n_axes)
        {
          /* Fail early rather than after the whole length when it is hopeless. */
          if (++n_bad > options->max_garbage * MAX (target, 10))
            {
              g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                           "%s: too many unreadable lines (%u); check the baud rate and "
                           "the wiring; nothing was saved", port, n_bad);
              goto out;
            }
          continue;
        }
      g_array_append_vals (data, values, n_axes);
      n_frames++;
      if (progress != NULL)
        progress ((double) n_frames / target, "Recording", user_data);
    }

  /* Lines that came much faster or slower than detected mean the rate
   * drifted (or the board changed mode): the stored interval would lie. */
  if (n_frames + n_bad >= 20 && last_rec - first_rec >= G_USEC_PER_SEC)
    {
      double measured = (last_rec - first_rec) / 1000.0 / (n_frames + n_bad - 1);
      if (fabs (measured - interval) > 0.15 * interval)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                       "%s: the rate changed while recording (%.1f Hz, detected %.1f Hz); "
                       "nothing was saved", port, 1000 / measured, 1000 / interval);
          goto out;
        }
    }

  sample = em_sample_new ();
  em_sample_set_kind (sample, EM_SENSOR_TIME_SERIES);
  em_sample_set_encoding (sample, EM_ENCODING_F32LE);
  em_sample_set_interval_ms (sample, interval);
  for (int i = 0; i < n_axes; i++)
    {
      g_autofree char *name = g_strdup_printf ("value%d", i);
      em_sample_add_axis (sample, n_axes_user > 0 ? axes[i] : name, "");
    }
  em_sample_set_values (sample, (const float *) data->data, n_frames);
  em_sample_set_source_format (sample, "serial");
  em_sample_set_metadata (sample, "serial_port", port);
  g_snprintf (text, sizeof text, "%u", baud);
  em_sample_set_metadata (sample, "serial_baud", text);
  if (n_bad > 0)
    {
      g_snprintf (text, sizeof text, "%u", n_bad);
      em_sample_set_metadata (sample, "serial_skipped_lines", text);
    }
  ok = TRUE;

out:
  reader_clear (&r);
  return ok ? g_steal_pointer (&sample) : NULL;
}
