/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "em-csv.h"
#include "em-error.h"

/* Irregular sampling beyond this fraction of the interval is refused. */
#define CSV_TIME_TOLERANCE 0.01

/* The reader walks the bytes record by record. A record may span several
 * physical lines when a quoted field holds a newline, so errors name the
 * line the record starts on. */
typedef struct {
  const char *p;
  const char *end;
  guint line;  /* physical line of the next byte, 1-based */
  char sep;
} CsvReader;

typedef struct {
  guint line;         /* where this record starts */
  GPtrArray *fields;  /* char * */
} CsvRecord;

static void
csv_record_clear (CsvRecord *rec)
{
  g_clear_pointer (&rec->fields, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CsvRecord, csv_record_clear)

static gboolean
at_line_end (const CsvReader *r)
{
  return r->p < r->end && (*r->p == '\n' || *r->p == '\r');
}

/* Steps over one line ending: LF, CRLF or a lone CR. */
static void
skip_line_end (CsvReader *r)
{
  if (*r->p == '\r' && r->p + 1 < r->end && r->p[1] == '\n')
    r->p++;
  r->p++;
  r->line++;
}

/* Reads the next record. Returns FALSE with no error at the end of input.
 * Completely empty lines are skipped: trailing blank lines are common. */
static gboolean
csv_next_record (CsvReader *r, CsvRecord *rec, GError **error)
{
  g_autoptr(GString) field = g_string_new (NULL);

  while (at_line_end (r))
    skip_line_end (r);
  if (r->p >= r->end)
    return FALSE;

  g_clear_pointer (&rec->fields, g_ptr_array_unref);
  rec->fields = g_ptr_array_new_with_free_func (g_free);
  rec->line = r->line;

  for (;;)
    {
      const char *q = r->p;

      g_string_truncate (field, 0);
      /* Blanks around a quoted field are allowed; inside it they are kept. */
      while (q < r->end && (*q == ' ' || (*q == '\t' && r->sep != '\t')))
        q++;
      if (q < r->end && *q == '"')
        {
          r->p = q + 1;
          for (;;)
            {
              if (r->p >= r->end)
                {
                  g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                               "line %u: unterminated quoted field", rec->line);
                  return FALSE;
                }
              if (*r->p == '"')
                {
                  if (r->p + 1 < r->end && r->p[1] == '"')
                    {
                      g_string_append_c (field, '"');
                      r->p += 2;
                      continue;
                    }
                  r->p++;
                  break;
                }
              if (*r->p == '\n' || (*r->p == '\r' && !(r->p + 1 < r->end && r->p[1] == '\n')))
                r->line++;
              g_string_append_c (field, *r->p++);
            }
          while (r->p < r->end && (*r->p == ' ' || (*r->p == '\t' && r->sep != '\t')))
            r->p++;
          if (r->p < r->end && *r->p != r->sep && !at_line_end (r))
            {
              g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                           "line %u, column %u: unexpected text after a closing quote",
                           r->line, rec->fields->len + 1);
              return FALSE;
            }
        }
      else
        {
          const char *start = r->p;
          while (r->p < r->end && *r->p != r->sep && !at_line_end (r))
            r->p++;
          g_string_append_len (field, start, r->p - start);
          /* Unquoted cells are trimmed: "1, 2, 3" is a common way to write CSV. */
          g_strstrip (field->str);
          g_string_set_size (field, strlen (field->str));
        }
      g_ptr_array_add (rec->fields, g_strndup (field->str, field->len));

      if (r->p >= r->end)
        break;
      if (*r->p == r->sep)
        {
          r->p++;
          continue;
        }
      skip_line_end (r);
      break;
    }
  return TRUE;
}

/* The separator is whichever of , ; TAB the header line uses most,
 * counted outside quotes; a single-column file is comma-separated. */
static char
detect_separator (const char *p, const char *end)
{
  guint comma = 0, semicolon = 0, tab = 0;
  gboolean quoted = FALSE;

  for (; p < end && (quoted || (*p != '\n' && *p != '\r')); p++)
    {
      if (*p == '"')
        quoted = !quoted;
      else if (!quoted && *p == ',')
        comma++;
      else if (!quoted && *p == ';')
        semicolon++;
      else if (!quoted && *p == '\t')
        tab++;
    }
  if (semicolon > comma && semicolon >= tab)
    return ';';
  if (tab > comma && tab > semicolon)
    return '\t';
  return ',';
}

typedef enum {
  TIME_NONE,
  TIME_MS,
  TIME_S,
  TIME_US,
} TimeUnit;

/* Splits "accX (m/s2)" into "accX" and "m/s2". */
static void
split_header (const char *header, char **name, char **units)
{
  gsize n = strlen (header);
  const char *open = strrchr (header, '(');

  if (n > 0 && header[n - 1] == ')' && open != NULL && open > header)
    {
      *name = g_strstrip (g_strndup (header, open - header));
      *units = g_strstrip (g_strndup (open + 1, header + n - 1 - (open + 1)));
      if (**name != '\0')
        return;
      g_free (*name);
      g_free (*units);
    }
  *name = g_strdup (header);
  *units = g_strdup ("");
}

static TimeUnit
time_unit_of (const char *name, const char *units, gboolean *bad_units)
{
  static const char *const ms_names[] = { "timestamp", "time", "t", "timestamp_ms", "time_ms", "t_ms",
                                          "ms", "milliseconds" };
  static const char *const s_names[] = { "timestamp_s", "time_s", "t_s", "seconds", "timestamp_seconds",
                                         "time_seconds" };
  TimeUnit unit = TIME_NONE;

  *bad_units = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (ms_names); i++)
    if (g_ascii_strcasecmp (name, ms_names[i]) == 0)
      unit = TIME_MS;
  for (guint i = 0; i < G_N_ELEMENTS (s_names); i++)
    if (g_ascii_strcasecmp (name, s_names[i]) == 0)
      unit = TIME_S;
  if (unit == TIME_NONE || *units == '\0')
    return unit;
  /* "timestamp (s)" overrides the name's default unit. */
  if (g_ascii_strcasecmp (units, "ms") == 0)
    return TIME_MS;
  if (g_ascii_strcasecmp (units, "s") == 0 || g_ascii_strcasecmp (units, "sec") == 0 ||
      g_ascii_strcasecmp (units, "seconds") == 0)
    return TIME_S;
  if (g_ascii_strcasecmp (units, "us") == 0 || g_ascii_strcasecmp (units, "µs") == 0)
    return TIME_US;
  *bad_units = TRUE;
  return unit;
}

typedef struct {
  char *name;
  char *units;
  char *shown;  /* the name for one-line messages: line breaks and tabs as spaces */
} Column;

static void
column_clear (Column *c)
{
  g_free (c->name);
  g_free (c->units);
  g_free (c->shown);
}

/* Parses one numeric cell; @as_float checks it fits float32. @col is the
 * 1-based column for messages. */
static gboolean
parse_number (const char *cell, char sep, gboolean as_float, guint line, guint col, const char *name,
              double *out, GError **error)
{
  g_autofree char *copy = NULL;
  g_autofree char *shown = NULL;
  const char *text = cell;
  char *end = NULL;
  double v;

  if (*cell == '\0')
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "line %u, column %u (%s): empty cell",
                   line, col, name);
      return FALSE;
    }
  /* Semicolon- and tab-separated files from European locales write "1,5";
   * there the comma cannot be a separator, so it is a decimal point. */
  if (sep != ',' && strchr (cell, ',') != NULL && strchr (cell, '.') == NULL &&
      strchr (cell, ',') == strrchr (cell, ','))
    {
      copy = g_strdup (cell);
      *strchr (copy, ',') = '.';
      text = copy;
    }
  v = g_ascii_strtod (text, &end);
  /* A quoted cell may keep blanks around the number. */
  while (end != NULL && (*end == ' ' || *end == '\t'))
    end++;
  if (end == text || *end != '\0')
    {
      /* Quote at most 40 bytes, as valid UTF-8, so the message stays one readable line. */
      g_autofree char *cut = g_strndup (cell, 40);
      shown = g_utf8_make_valid (cut, -1);
      g_strdelimit (shown, "\r\n", ' ');
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                   "line %u, column %u (%s): not a number: '%s'", line, col, name, shown);
      return FALSE;
    }
  if (isnan (v) || (isinf (v) && errno != ERANGE))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "line %u, column %u (%s): %s is not allowed",
                   line, col, name, isnan (v) ? "NaN" : "infinity");
      return FALSE;
    }
  /* strtod overflows to infinity with ERANGE. For float32 cells, doubles
   * from FLT_MAX + half an ulp up would round to infinity (and a cast out
   * of range is undefined behaviour), so compare before converting. */
  if (isinf (v) || (as_float && fabs (v) >= 0x1.ffffffp127))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                   "line %u, column %u (%s): number out of range: '%s'", line, col, name, cell);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Checks the timestamps and returns the interval in ms. @lines gives each
 * row's line for messages. */
static gboolean
check_timestamps (const double *t, const guint *lines, gsize n, double *interval_ms, GError **error)
{
  g_autofree double *diffs = NULL;
  double median;

  if (n < 2)
    {
      g_set_error_literal (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                           "a time series needs at least 2 rows to know its interval");
      return FALSE;
    }
  diffs = g_new (double, n - 1);
  for (gsize i = 1; i < n; i++)
    {
      diffs[i - 1] = t[i] - t[i - 1];
      if (!(diffs[i - 1] > 0))
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                       "line %u: timestamp %.9g does not increase (previous %.9g)", lines[i], t[i], t[i - 1]);
          return FALSE;
        }
    }
  /* The median finds the regular step even when one gap is wrong, so the
   * message names the line with the gap, not the first row. */
  qsort (diffs, n - 1, sizeof (double), cmp_double);
  median = diffs[(n - 1) / 2];
  for (gsize i = 1; i < n; i++)
    {
      double d = t[i] - t[i - 1];
      /* Slack for timestamps printed with 9 significant digits. */
      double slack = 1e-8 * MAX (fabs (t[i]), fabs (t[i - 1]));

      if (fabs (d - median) > CSV_TIME_TOLERANCE * median + slack)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                       "line %u: irregular timestamps: step of %.9g ms where the interval is %.9g ms",
                       lines[i], d, median);
          return FALSE;
        }
    }
  /* The mean over the whole file is more precise than any one step. */
  *interval_ms = (t[n - 1] - t[0]) / (double) (n - 1);
  return TRUE;
}

GPtrArray *
em_csv_read (GBytes *bytes, GError **error)
{
  gsize len = 0;
  const char *data;
  CsvReader r;
  g_auto(CsvRecord) rec = { 0 };
  g_autoptr(GArray) columns = NULL;
  g_autoptr(GPtrArray) samples = NULL;
  g_autoptr(GArray) values = NULL;
  g_autoptr(GArray) times = NULL;
  g_autoptr(GArray) lines = NULL;
  g_autofree char *series_label = NULL;
  g_autoptr(GError) local_error = NULL;
  TimeUnit time_unit = TIME_NONE;
  int label_col = -1;
  guint n_axes;
  gsize n_rows = 0;
  guint header_line;

  g_return_val_if_fail (bytes != NULL, NULL);

  data = g_bytes_get_data (bytes, &len);
  if (data == NULL)
    data = ""; /* empty GBytes have no data pointer */
  if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    {
      data += 3;
      len -= 3;
    }
  /* A NUL byte means a binary file; cells are C strings, so it would
   * silently cut a value short. */
  {
    const char *nul = memchr (data, '\0', len);
    if (nul != NULL)
      {
        guint line = 1;
        for (const char *q = data; q < nul; q++)
          line += *q == '\n';
        g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "line %u: NUL byte (not a text file)", line);
        return NULL;
      }
  }
  r.p = data;
  r.end = data + len;
  r.line = 1;
  r.sep = ',';
  while (at_line_end (&r))
    skip_line_end (&r);
  r.sep = detect_separator (r.p, r.end);

  if (!csv_next_record (&r, &rec, &local_error))
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error_literal (error, EM_ERROR, EM_ERROR_INVALID_DATA, "empty CSV: no header row");
      return NULL;
    }
  header_line = rec.line;

  columns = g_array_new (FALSE, TRUE, sizeof (Column));
  g_array_set_clear_func (columns, (GDestroyNotify) column_clear);
  for (guint i = 0; i < rec.fields->len; i++)
    {
      const char *h = g_ptr_array_index (rec.fields, i);
      Column c = { 0 };
      gboolean bad_units = FALSE;

      if (!g_utf8_validate (h, -1, NULL))
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                       "line %u, column %u: header is not valid UTF-8", header_line, i + 1);
          return NULL;
        }
      split_header (h, &c.name, &c.units);
      c.shown = g_strdelimit (g_strdup (c.name), "\r\n\t", ' ');
      g_array_append_val (columns, c);
      if (*c.name == '\0')
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "line %u, column %u: empty column name",
                       header_line, i + 1);
          return NULL;
        }
      if (i == 0)
        {
          time_unit = time_unit_of (c.name, c.units, &bad_units);
          if (bad_units)
            {
              g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED,
                           "line %u, column 1 (%s): unknown time unit '%s' (use ms, s or us)",
                           header_line, c.shown, c.units);
              return NULL;
            }
        }
      if ((i > 0 || time_unit == TIME_NONE) &&
          (g_ascii_strcasecmp (c.name, "label") == 0 || g_ascii_strcasecmp (c.name, "class") == 0))
        {
          if (label_col >= 0)
            {
              g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                           "line %u, column %u: a second label column", header_line, i + 1);
              return NULL;
            }
          label_col = (int) i;
        }
      for (guint j = 0; j < i; j++)
        if (strcmp (g_array_index (columns, Column, j).name, c.name) == 0)
          {
            g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                         "line %u, column %u: duplicate column name '%s'", header_line, i + 1, c.shown);
            return NULL;
          }
    }
  n_axes = columns->len - (time_unit != TIME_NONE ? 1 : 0) - (label_col >= 0 ? 1 : 0);
  if (n_axes == 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "line %u: no data columns", header_line);
      return NULL;
    }

  samples = g_ptr_array_new_with_free_func (g_object_unref);
  values = g_array_new (FALSE, FALSE, sizeof (float));
  times = g_array_new (FALSE, FALSE, sizeof (double));
  lines = g_array_new (FALSE, FALSE, sizeof (guint));

  for (;;)
    {
      const char *label = NULL;

      if (!csv_next_record (&r, &rec, &local_error))
        {
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          break;
        }
      if (rec.fields->len != columns->len)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "line %u: %u fields, expected %u",
                       rec.line, rec.fields->len, columns->len);
          return NULL;
        }
      if (time_unit == TIME_NONE)
        g_array_set_size (values, 0);
      for (guint i = 0; i < columns->len; i++)
        {
          const char *cell = g_ptr_array_index (rec.fields, i);
          const Column *c = &g_array_index (columns, Column, i);
          gboolean is_time;
          double v;
          float f;

          if ((int) i == label_col)
            {
              if (!g_utf8_validate (cell, -1, NULL))
                {
                  g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                               "line %u, column %u (%s): label is not valid UTF-8", rec.line, i + 1, c->shown);
                  return NULL;
                }
              label = cell;
              continue;
            }
          is_time = i == 0 && time_unit != TIME_NONE;
          if (!parse_number (cell, r.sep, !is_time, rec.line, i + 1, c->shown, &v, error))
            return NULL;
          if (is_time)
            {
              v *= time_unit == TIME_S ? 1000.0 : time_unit == TIME_US ? 0.001 : 1.0;
              g_array_append_val (times, v);
              g_array_append_val (lines, rec.line);
              continue;
            }
          f = (float) v;
          g_array_append_val (values, f);
        }
      n_rows++;

      if (time_unit != TIME_NONE)
        {
          /* One series has one label; a label column may only repeat it. */
          if (label != NULL && series_label == NULL)
            series_label = g_strdup (label);
          else if (label != NULL && strcmp (label, series_label) != 0)
            {
              g_autofree char *was = g_strdelimit (g_strdup (series_label), "\r\n\t", ' ');
              g_autofree char *now = g_strdelimit (g_strdup (label), "\r\n\t", ' ');

              g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED,
                           "line %u: label changes within a time series ('%s', then '%s')",
                           rec.line, was, now);
              return NULL;
            }
          continue;
        }

      {
        g_autoptr(EmSample) s = em_sample_new ();

        em_sample_set_kind (s, EM_SENSOR_TIME_SERIES);
        for (guint i = 0; i < columns->len; i++)
          if ((int) i != label_col)
            em_sample_add_axis (s, g_array_index (columns, Column, i).name,
                                g_array_index (columns, Column, i).units);
        em_sample_set_values (s, (const float *) values->data, 1);
        if (label != NULL)
          em_sample_set_label (s, label);
        em_sample_set_source_format (s, "csv");
        g_ptr_array_add (samples, g_steal_pointer (&s));
      }
    }

  if (n_rows == 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "line %u: header but no data rows", header_line);
      return NULL;
    }

  if (time_unit != TIME_NONE)
    {
      g_autoptr(EmSample) s = em_sample_new ();
      double interval = 0;

      if (!check_timestamps ((const double *) times->data, (const guint *) lines->data, times->len,
                             &interval, error))
        return NULL;
      em_sample_set_kind (s, EM_SENSOR_TIME_SERIES);
      em_sample_set_interval_ms (s, interval);
      for (guint i = 1; i < columns->len; i++)
        if ((int) i != label_col)
          em_sample_add_axis (s, g_array_index (columns, Column, i).name,
                              g_array_index (columns, Column, i).units);
      em_sample_set_values (s, (const float *) values->data, n_rows);
      if (series_label != NULL)
        em_sample_set_label (s, series_label);
      em_sample_set_source_format (s, "csv");
      g_ptr_array_add (samples, g_steal_pointer (&s));
    }
  return g_steal_pointer (&samples);
}

/* Quotes a field when a reader would otherwise split or trim it. */
static void
append_field (GString *out, const char *text)
{
  gsize n = strlen (text);

  if (strpbrk (text, ",;\t\"\r\n") == NULL && (n == 0 || (text[0] != ' ' && text[n - 1] != ' ')))
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
append_number (GString *out, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.9g", v));
}

GBytes *
em_csv_write (EmSample *sample, GError **error)
{
  const float *values;
  guint64 n_values = 0;
  guint n_axes;
  guint64 n_frames;
  double interval;
  gboolean tabular;
  const char *label;
  g_autoptr(GString) out = NULL;

  g_return_val_if_fail (EM_IS_SAMPLE (sample), NULL);

  n_axes = em_sample_get_n_axes (sample);
  values = em_sample_get_values (sample, &n_values);
  if (values == NULL || n_axes == 0 || n_values == 0 || n_values % n_axes != 0)
    {
      g_set_error_literal (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                           "cannot write CSV: the sample has no float values in whole frames");
      return NULL;
    }
  n_frames = n_values / n_axes;
  interval = em_sample_get_interval_ms (sample);
  label = em_sample_get_label (sample);
  /* Without an interval there is no time axis: write the tabular form, one
   * row per frame with the label, which em_csv_read() reads back as is. */
  tabular = !(interval > 0);
  if (!tabular && n_frames < 2)
    {
      g_set_error_literal (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                           "cannot write CSV: a time series needs at least 2 frames");
      return NULL;
    }
  for (guint64 i = 0; i < n_values; i++)
    if (!isfinite (values[i]))
      {
        g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                     "cannot write CSV: value at frame %" G_GUINT64_FORMAT " is not finite", i / n_axes);
        return NULL;
      }

  out = g_string_sized_new ((gsize) MIN (n_values * 12 + 64, 1u << 26));
  if (!tabular)
    g_string_append (out, "timestamp");
  for (guint a = 0; a < n_axes; a++)
    {
      const EmAxis *axis = em_sample_get_axis (sample, a);
      g_autofree char *header = NULL;

      if (!tabular || a > 0)
        g_string_append_c (out, ',');
      header = axis->units != NULL && *axis->units != '\0'
                 ? g_strdup_printf ("%s (%s)", axis->name, axis->units)
                 : g_strdup (axis->name);
      append_field (out, header);
    }
  if (tabular && label != NULL && *label != '\0')
    g_string_append (out, ",label");
  g_string_append_c (out, '\n');

  for (guint64 f = 0; f < n_frames; f++)
    {
      if (!tabular)
        {
          append_number (out, (double) f * interval);
          g_string_append_c (out, ',');
        }
      for (guint a = 0; a < n_axes; a++)
        {
          if (a > 0)
            g_string_append_c (out, ',');
          append_number (out, values[f * n_axes + a]);
        }
      if (tabular && label != NULL && *label != '\0')
        {
          g_string_append_c (out, ',');
          append_field (out, label);
        }
      g_string_append_c (out, '\n');
    }
  return g_string_free_to_bytes (g_steal_pointer (&out));
}
