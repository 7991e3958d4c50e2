/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "em-dsp.h"
#include "dsp-run-common.h"

#define MAX_KEYS 32

typedef struct {
  char key[64];
  const char *value;
  int used;
} kv;

static kv keys[MAX_KEYS];
static int n_keys;

void
run_die (const char *what, int status, const char *reason)
{
  if (status != 0)
    fprintf (stderr, "error: %s: %s (%d)%s%s\n", what, em_dsp_status_string (status), status,
             reason ? ": " : "", reason ? reason : "");
  else
    fprintf (stderr, "error: %s\n", what);
  exit (1);
}

const char *
run_get (const char *key)
{
  int i;
  for (i = 0; i < n_keys; i++)
    if (strcmp (keys[i].key, key) == 0)
      {
        keys[i].used = 1;
        return keys[i].value;
      }
  return NULL;
}

double
run_get_num (const char *key, double def)
{
  const char *v = run_get (key);
  char *end;
  double d;
  if (v == NULL)
    return def;
  d = strtod (v, &end);
  if (end == v || *end != '\0')
    {
      fprintf (stderr, "error: %s=%s is not a number\n", key, v);
      exit (1);
    }
  return d;
}

int
run_get_int (const char *key, int def)
{
  double d = run_get_num (key, (double) def);
  if (d != (double) (int) d)
    {
      fprintf (stderr, "error: %s must be a whole number\n", key);
      exit (1);
    }
  return (int) d;
}

float *
run_read_floats (const char *path, size_t *n)
{
  FILE *f = strcmp (path, "-") == 0 ? stdin : fopen (path, "rb");
  size_t cap = 4096, len = 0, got;
  float *buf;

  if (f == NULL)
    run_die ("cannot open the signal file", 0, NULL);
  buf = malloc (cap * sizeof (float));
  while (buf != NULL && (got = fread (buf + len, sizeof (float), cap - len, f)) > 0)
    {
      len += got;
      if (len == cap)
        {
          cap *= 2;
          buf = realloc (buf, cap * sizeof (float));
        }
    }
  if (buf == NULL)
    run_die ("out of memory", 0, NULL);
  if (f != stdin)
    fclose (f);
  *n = len;
  return buf;
}

void *
run_scratch_alloc (size_t bytes)
{
  /* aligned_alloc wants a multiple of the alignment, and never 0; the
   * query's sizes already are multiples, so AddressSanitizer sees the
   * exact end of the buffer. */
  size_t b = bytes == 0 ? EM_DSP_ALIGN
                        : (bytes + EM_DSP_ALIGN - 1) & ~(size_t) (EM_DSP_ALIGN - 1);
  void *p = aligned_alloc (EM_DSP_ALIGN, b);
  if (p == NULL)
    run_die ("out of memory", 0, NULL);
  return p;
}

double
run_now_us (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec * 1e6 + (double) ts.tv_nsec / 1e3;
}

int
run_get_bool (const char *key, int def)
{
  const char *v = run_get (key);
  if (v == NULL)
    return def;
  if (strcmp (v, "1") == 0 || strcmp (v, "true") == 0 || strcmp (v, "True") == 0)
    return 1;
  if (strcmp (v, "0") == 0 || strcmp (v, "false") == 0 || strcmp (v, "False") == 0)
    return 0;
  fprintf (stderr, "error: %s=%s is not a boolean\n", key, v);
  exit (1);
}

/* Index of v in names (NULL-terminated), or exit. */
int
run_get_enum (const char *key, int def, const char *const *names, const int *values)
{
  const char *v = run_get (key);
  int i;
  if (v == NULL)
    return def;
  for (i = 0; names[i]; i++)
    if (strcmp (v, names[i]) == 0)
      return values[i];
  fprintf (stderr, "error: %s=%s is not a known value\n", key, v);
  exit (1);
}

int
run_add_param (const char *arg)
{
  const char *eq = strchr (arg, '=');
  int i;

  if (eq == NULL)
    return 0;
  if (n_keys == MAX_KEYS || (size_t) (eq - arg) >= sizeof keys[0].key)
    run_die ("too many or too long parameters", 0, NULL);
  memcpy (keys[n_keys].key, arg, (size_t) (eq - arg));
  keys[n_keys].key[eq - arg] = '\0';
  for (i = 0; keys[n_keys].key[i]; i++)
    if (keys[n_keys].key[i] == '-')
      keys[n_keys].key[i] = '_';
  keys[n_keys].value = eq + 1;
  n_keys++;
  return 1;
}

void
run_check_used (const char *block)
{
  int i;

  for (i = 0; i < n_keys; i++)
    if (!keys[i].used)
      {
        fprintf (stderr, "error: unknown parameter %s for block %s\n", keys[i].key, block);
        exit (1);
      }
}
