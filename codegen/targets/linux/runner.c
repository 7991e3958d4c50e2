/* SPDX-License-Identifier: Apache-2.0 */
/* runner — a generated Ember impulse as a Linux program (ember-cli deploy
 * --target linux). Copied verbatim next to the generated library.
 *
 *   runner [--window | --features] FILE...    one window per file
 *   runner [--window | --features] -          one window on stdin
 *   runner --jsonl                            JSON lines over stdio
 *
 * A window file holds numbers separated by white space, commas or
 * semicolons: EM_IMPULSE_INPUT_VALUES raw values (--window, the default) or
 * EM_IMPULSE_N_FEATURES features (--features). Each file gives one line:
 *   {"file": "...", "outputs": [...], "top": i, "label": "...", "anomaly": x}
 *
 * --jsonl reads one request per line and answers each with one line, in
 * order, flushing after each, so another program can drive it through a
 * pipe:
 *   {"window": [v, ...]}   → the whole impulse (DSP + model)
 *   {"features": [f, ...]} → the model alone
 *   answer: {"outputs": [...], "top": i, "label": "...", "anomaly": x}
 * An object-detection impulse adds the objects found to each answer:
 *   "objects": [{"label": i, "name": "...", "x": .., "y": .., "w": .., "h": ..,
 *                "cx": .., "cy": .., "score": ..}, ...]
 * (box and centroid in the model input's pixels; label indexes the labels).
 *   a line it cannot use: {"error": "..."}, and it goes on with the next.
 * Floats are printed as %.9g (they read back exactly); a value that is not
 * finite is printed as null. Exit status: 0, or 1 when a file could not be
 * classified, 2 for a bad command line. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ember_impulse.h"

#define RUNNER_MAX_VALUES \
  (EM_IMPULSE_INPUT_VALUES > EM_IMPULSE_N_FEATURES ? EM_IMPULSE_INPUT_VALUES : EM_IMPULSE_N_FEATURES)

static float values[RUNNER_MAX_VALUES];

static int
get_data (size_t offset, size_t length, float *out, void *user)
{
  const float *window = user;

  if (offset > EM_IMPULSE_INPUT_VALUES || length > EM_IMPULSE_INPUT_VALUES - offset)
    return -1;
  memcpy (out, window + offset, length * sizeof (float));
  return 0;
}

static int
classify (int window, em_impulse_result_t *result)
{
  if (window)
    {
      em_signal_t signal;

      signal.total_length = EM_IMPULSE_INPUT_VALUES;
      signal.get_data = get_data;
      signal.user = values;
      return em_run_impulse (&signal, result);
    }
  return em_run_features (values, result);
}

/* --- output ------------------------------------------------------------------ */

static void
print_float (float v)
{
  if (isfinite (v))
    printf ("%.9g", (double) v);
  else
    fputs ("null", stdout);
}

static void
print_string (const char *s)
{
  putchar ('"');
  for (; *s != '\0'; s++)
    {
      unsigned char c = (unsigned char) *s;
      if (c == '"' || c == '\\')
        printf ("\\%c", c);
      else if (c < 0x20)
        printf ("\\u%04x", c);
      else
        putchar (c);
    }
  putchar ('"');
}

static void
print_result (const em_impulse_result_t *r)
{
  unsigned i;

  fputs ("\"outputs\": [", stdout);
  for (i = 0; i < EM_IMPULSE_N_OUTPUTS; i++)
    {
      if (i > 0)
        fputs (", ", stdout);
      print_float (r->outputs[i]);
    }
  printf ("], \"top\": %ld, \"label\": ", (long) r->top);
  print_string (r->top >= 0 && (unsigned long) r->top < (unsigned long) EM_IMPULSE_N_OUTPUTS ? em_impulse_labels[r->top] : "");
  fputs (", \"anomaly\": ", stdout);
  print_float (r->anomaly);
#if defined(EM_IMPULSE_OBJECT_DETECTION) && EM_IMPULSE_OBJECT_DETECTION
  fputs (", \"objects\": [", stdout);
  for (i = 0; i < (unsigned) r->n_objects; i++)
    {
      const em_impulse_object_t *o = &r->objects[i];
      const float v[] = { o->x, o->y, o->w, o->h, o->cx, o->cy, o->score };
      static const char *const keys[] = { "x", "y", "w", "h", "cx", "cy", "score" };
      unsigned k;

      printf ("%s{\"label\": %ld, \"name\": ", i > 0 ? ", " : "", (long) o->label);
      print_string (o->label >= 0 && (unsigned long) o->label < (unsigned long) EM_IMPULSE_N_OUTPUTS
                    ? em_impulse_labels[o->label] : "");
      for (k = 0; k < sizeof v / sizeof v[0]; k++)
        {
          printf (", \"%s\": ", keys[k]);
          print_float (v[k]);
        }
      putchar ('}');
    }
  putchar (']');
#endif
  fputs ("}\n", stdout);
}

static void
print_error (const char *message)
{
  fputs ("{\"error\": ", stdout);
  print_string (message);
  fputs ("}\n", stdout);
}

/* --- window files -------------------------------------------------------------- */

/* Reads numbers separated by white space, ',' or ';' into values[];
 * returns the count, or -1 (message in err) for a word that is not a
 * number or too many values. */
static long
read_numbers (FILE *f, size_t max, char *err, size_t err_len)
{
  size_t n = 0;
  char word[64];
  size_t len = 0;
  int c;

  for (;;)
    {
      c = fgetc (f);
      if (c == EOF || isspace (c) || c == ',' || c == ';')
        {
          if (len > 0)
            {
              char *end;
              double v;

              word[len] = '\0';
              errno = 0;
              v = strtod (word, &end);
              if (*end != '\0' || errno == ERANGE)
                {
                  snprintf (err, err_len, "'%s' is not a number", word);
                  return -1;
                }
              if (n == max)
                {
                  snprintf (err, err_len, "more than %lu values", (unsigned long) max);
                  return -1;
                }
              values[n++] = (float) v;
              len = 0;
            }
          if (c == EOF)
            break;
          continue;
        }
      if (len + 1 >= sizeof word)
        {
          snprintf (err, err_len, "a word of more than %lu characters", (unsigned long) (sizeof word - 1));
          return -1;
        }
      word[len++] = (char) c;
    }
  return (long) n;
}

static int
run_file (const char *path, int window)
{
  size_t want = window ? EM_IMPULSE_INPUT_VALUES : EM_IMPULSE_N_FEATURES;
  FILE *f = strcmp (path, "-") == 0 ? stdin : fopen (path, "r");
  em_impulse_result_t result;
  char err[160];
  long n;
  int status;

  if (f == NULL)
    {
      fprintf (stderr, "runner: %s: %s\n", path, strerror (errno));
      return 1;
    }
  n = read_numbers (f, RUNNER_MAX_VALUES, err, sizeof err);
  if (f != stdin)
    fclose (f);
  if (n < 0)
    {
      fprintf (stderr, "runner: %s: %s\n", path, err);
      return 1;
    }
  if ((size_t) n != want)
    {
      fprintf (stderr, "runner: %s: %ld values, a %s has %lu\n", path, n, window ? "window" : "feature vector",
               (unsigned long) want);
      return 1;
    }
  if ((status = classify (window, &result)) != 0)
    {
      fprintf (stderr, "runner: %s: the impulse failed (%d)\n", path, status);
      return 1;
    }
  fputs ("{\"file\": ", stdout);
  print_string (path);
  fputs (", ", stdout);
  print_result (&result);
  return 0;
}

/* --- JSON lines ---------------------------------------------------------------- */

typedef struct {
  const char *p;
  char        err[160];
} parser_t;

static void
skip_ws (parser_t *ps)
{
  while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r' || *ps->p == '\n')
    ps->p++;
}

/* A string; its text (up to out_len - 1 bytes, escapes kept as they are)
 * goes to out. */
static int
parse_string (parser_t *ps, char *out, size_t out_len)
{
  size_t n = 0;

  if (*ps->p != '"')
    {
      snprintf (ps->err, sizeof ps->err, "expected a string");
      return -1;
    }
  ps->p++;
  while (*ps->p != '"')
    {
      if (*ps->p == '\0')
        {
          snprintf (ps->err, sizeof ps->err, "unterminated string");
          return -1;
        }
      if (*ps->p == '\\' && ps->p[1] != '\0')
        {
          if (n + 1 < out_len)
            out[n++] = *ps->p;
          ps->p++;
        }
      if (n + 1 < out_len)
        out[n++] = *ps->p;
      ps->p++;
    }
  ps->p++;
  if (out_len > 0)
    out[n] = '\0';
  return 0;
}

/* Any JSON value, skipped (for keys the runner does not use). */
static int
skip_value (parser_t *ps, int depth)
{
  char ignored[1];

  skip_ws (ps);
  if (depth > 32)
    {
      snprintf (ps->err, sizeof ps->err, "nested too deeply");
      return -1;
    }
  if (*ps->p == '"')
    return parse_string (ps, ignored, sizeof ignored);
  if (*ps->p == '[' || *ps->p == '{')
    {
      char close = *ps->p == '[' ? ']' : '}';
      int object = close == '}';

      ps->p++;
      skip_ws (ps);
      if (*ps->p == close)
        {
          ps->p++;
          return 0;
        }
      for (;;)
        {
          if (object)
            {
              skip_ws (ps);
              if (parse_string (ps, ignored, sizeof ignored) != 0)
                return -1;
              skip_ws (ps);
              if (*ps->p++ != ':')
                {
                  snprintf (ps->err, sizeof ps->err, "expected ':'");
                  return -1;
                }
            }
          if (skip_value (ps, depth + 1) != 0)
            return -1;
          skip_ws (ps);
          if (*ps->p == ',')
            {
              ps->p++;
              continue;
            }
          if (*ps->p == close)
            {
              ps->p++;
              return 0;
            }
          snprintf (ps->err, sizeof ps->err, "expected ',' or '%c'", close);
          return -1;
        }
    }
  if (strncmp (ps->p, "true", 4) == 0 || strncmp (ps->p, "null", 4) == 0)
    {
      ps->p += 4;
      return 0;
    }
  if (strncmp (ps->p, "false", 5) == 0)
    {
      ps->p += 5;
      return 0;
    }
  {
    char *end;
    (void) strtod (ps->p, &end);
    if (end == ps->p)
      {
        snprintf (ps->err, sizeof ps->err, "not a JSON value near '%.12s'", ps->p);
        return -1;
      }
    ps->p = end;
  }
  return 0;
}

/* An array of numbers into values[]; returns the count or -1. */
static long
parse_numbers (parser_t *ps, const char *key)
{
  size_t n = 0;

  skip_ws (ps);
  if (*ps->p != '[')
    {
      snprintf (ps->err, sizeof ps->err, "\"%s\" must be an array of numbers", key);
      return -1;
    }
  ps->p++;
  skip_ws (ps);
  if (*ps->p == ']')
    {
      ps->p++;
      return 0;
    }
  for (;;)
    {
      char *end;
      double v;

      skip_ws (ps);
      errno = 0;
      v = strtod (ps->p, &end);
      /* strtod also takes "nan", "inf" and hex, which JSON does not have. */
      if (end == ps->p || !(*ps->p == '-' || isdigit ((unsigned char) *ps->p)) || errno == ERANGE ||
          !isfinite (v))
        {
          snprintf (ps->err, sizeof ps->err, "\"%s\": value %lu is not a finite number", key, (unsigned long) n);
          return -1;
        }
      if (n == RUNNER_MAX_VALUES)
        {
          snprintf (ps->err, sizeof ps->err, "\"%s\" has more than %lu values", key, (unsigned long) RUNNER_MAX_VALUES);
          return -1;
        }
      values[n++] = (float) v;
      ps->p = end;
      skip_ws (ps);
      if (*ps->p == ',')
        {
          ps->p++;
          continue;
        }
      if (*ps->p == ']')
        {
          ps->p++;
          return (long) n;
        }
      snprintf (ps->err, sizeof ps->err, "\"%s\": expected ',' or ']' after value %lu", key, (unsigned long) n - 1);
      return -1;
    }
}

/* One request line; 0 with *window set and values[] filled, or -1 with
 * ps->err. */
static int
parse_request (parser_t *ps, int *window)
{
  int found = 0;
  long n = -1;

  skip_ws (ps);
  if (*ps->p != '{')
    {
      snprintf (ps->err, sizeof ps->err, "expected a JSON object");
      return -1;
    }
  ps->p++;
  skip_ws (ps);
  while (*ps->p != '}')
    {
      char key[32];

      if (parse_string (ps, key, sizeof key) != 0)
        return -1;
      skip_ws (ps);
      if (*ps->p++ != ':')
        {
          snprintf (ps->err, sizeof ps->err, "expected ':' after \"%s\"", key);
          return -1;
        }
      if (strcmp (key, "window") == 0 || strcmp (key, "features") == 0)
        {
          if (found)
            {
              snprintf (ps->err, sizeof ps->err, "give either \"window\" or \"features\", once");
              return -1;
            }
          found = 1;
          *window = key[0] == 'w';
          if ((n = parse_numbers (ps, key)) < 0)
            return -1;
        }
      else if (skip_value (ps, 0) != 0)
        return -1;
      skip_ws (ps);
      if (*ps->p == ',')
        {
          ps->p++;
          skip_ws (ps);
          continue;
        }
      if (*ps->p != '}')
        {
          snprintf (ps->err, sizeof ps->err, "expected ',' or '}'");
          return -1;
        }
    }
  ps->p++;
  skip_ws (ps);
  if (*ps->p != '\0')
    {
      snprintf (ps->err, sizeof ps->err, "text after the object");
      return -1;
    }
  if (!found)
    {
      snprintf (ps->err, sizeof ps->err, "the object has no \"window\" or \"features\"");
      return -1;
    }
  if ((size_t) n != (*window ? (size_t) EM_IMPULSE_INPUT_VALUES : (size_t) EM_IMPULSE_N_FEATURES))
    {
      snprintf (ps->err, sizeof ps->err, "\"%s\" has %ld values, expected %lu", *window ? "window" : "features", n,
                *window ? (unsigned long) EM_IMPULSE_INPUT_VALUES : (unsigned long) EM_IMPULSE_N_FEATURES);
      return -1;
    }
  return 0;
}

static int
run_jsonl (void)
{
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;

  while ((len = getline (&line, &cap, stdin)) >= 0)
    {
      parser_t ps;
      em_impulse_result_t result;
      int window = 0, status;

      if (memchr (line, '\0', (size_t) len) != NULL)
        {
          print_error ("the line holds a NUL byte");
          fflush (stdout);
          continue;
        }
      ps.p = line;
      ps.err[0] = '\0';
      skip_ws (&ps);
      if (*ps.p == '\0')
        continue;   /* blank lines are not requests */
      if (parse_request (&ps, &window) != 0)
        print_error (ps.err);
      else if ((status = classify (window, &result)) != 0)
        {
          char msg[64];
          snprintf (msg, sizeof msg, "the impulse failed (%d)", status);
          print_error (msg);
        }
      else
        {
          putchar ('{');
          print_result (&result);
        }
      fflush (stdout);
    }
  free (line);
  return 0;
}

int
main (int argc, char **argv)
{
  int window = 1, jsonl = 0, files = 0, failed = 0, i;

  for (i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--jsonl") == 0)
        jsonl = 1;
      else if (strcmp (argv[i], "--window") == 0)
        window = 1;
      else if (strcmp (argv[i], "--features") == 0)
        window = 0;
      else if (strcmp (argv[i], "--help") == 0 || (argv[i][0] == '-' && argv[i][1] != '\0'))
        {
          fprintf (stderr, "usage: %s [--window | --features] FILE...|-\n       %s --jsonl\n", argv[0], argv[0]);
          return strcmp (argv[i], "--help") == 0 ? 0 : 2;
        }
      else
        files++;
    }
  if (jsonl)
    {
      if (files > 0)
        {
          fprintf (stderr, "runner: --jsonl reads stdin, not files\n");
          return 2;
        }
      return run_jsonl ();
    }
  if (files == 0)
    {
      fprintf (stderr, "usage: %s [--window | --features] FILE...|-\n       %s --jsonl\n", argv[0], argv[0]);
      return 2;
    }
  for (i = 1; i < argc; i++)
    if (argv[i][0] != '-' || argv[i][1] == '\0')
      failed |= run_file (argv[i], window);
  fflush (stdout);
  return failed;
}
