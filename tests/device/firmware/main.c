/* SPDX-License-Identifier: Apache-2.0 */
/* Test harness around a generated Ember library (ember_impulse.h): runs
 * em_run_impulse() over the raw test windows and em_run_features() over the
 * feature vectors that the test compiled in (dev-windows.c), then prints
 * every result as the hex bits of its floats, so the host can compare the
 * Cortex-M run with a native build of the same code bit for bit.
 *
 * A classifier library (test_cortex_m.py) prints the anomaly score and the
 * outputs; an object-detection library (EM_IMPULSE_OBJECT_DETECTION,
 * test_cortex_m_detect.py) prints the outputs and every object instead.
 *
 * The same file builds natively (the host reference) and for the Cortex-M4F
 * firmware; on the device it also measures the stack high-water mark of the
 * inference calls by painting the stack below main's frame.
 *
 * dev_mark_begin()/dev_mark_end() bracket each inference: the QEMU
 * instruction-counting plugin (../insncount.c) counts what runs between
 * them, so the printing and the painting stay out of the count. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "ember_impulse.h"
#include "dev-windows.h"

/* Results are kept and printed only after every inference has run, so the
 * stack high-water mark is that of inference alone, not of printf. */
static em_impulse_result_t dev_results[DEV_N_RAW + DEV_N_FEAT + 1];
static int dev_status[DEV_N_RAW + DEV_N_FEAT + 1];

/* Distinct bodies: identical functions could be folded into one by -Os. */
volatile uint32_t dev_phase;
__attribute__ ((noinline)) void dev_mark_begin (void);
__attribute__ ((noinline)) void dev_mark_end (void);
void dev_mark_begin (void) { dev_phase = 1; }
void dev_mark_end (void) { dev_phase = 2; }

static int
get_raw (size_t offset, size_t length, float *out, void *user)
{
  const float *window = user;

  if (offset > EM_IMPULSE_INPUT_VALUES || length > EM_IMPULSE_INPUT_VALUES - offset)
    return -1;
  memcpy (out, window + offset, length * sizeof (float));
  return 0;
}

#if defined(__arm__)
#define DEV_STACK_PAINT_BYTES (64u * 1024u)
#define DEV_STACK_PATTERN 0xC5A5C5A5u
static uint32_t *dev_paint_lo, *dev_paint_hi;

static inline uint32_t *
current_sp (void)
{
  uint32_t *sp;
  __asm volatile ("mov %0, sp" : "=r" (sp));
  return sp;
}

/* Fill the stack below this frame (minus a margin for this function's own
 * pushes) with a pattern. Nothing else runs: no interrupt is enabled. */
__attribute__ ((noinline)) static void
stack_paint (void)
{
  uint32_t *sp = current_sp ();

  dev_paint_hi = sp - 16;
  dev_paint_lo = dev_paint_hi - DEV_STACK_PAINT_BYTES / 4;
  for (volatile uint32_t *p = dev_paint_lo; p < dev_paint_hi; p++)
    *p = DEV_STACK_PATTERN;
}

/* Bytes of the painted area that were written to. */
static uint32_t
stack_used (void)
{
  const uint32_t *p = dev_paint_lo;

  while (p < dev_paint_hi && *p == DEV_STACK_PATTERN)
    p++;
  return (uint32_t) ((const char *) dev_paint_hi - (const char *) p) + 16u * 4u;
}
#endif

static void
print_bits (const char *sep, float f)
{
  union { float f; uint32_t u; } v;

  v.f = f;
  printf ("%s%08lx", sep, (unsigned long) v.u);
}

#if defined(EM_IMPULSE_OBJECT_DETECTION) && EM_IMPULSE_OBJECT_DETECTION
/* "R 0 status=0 top=1 out=...,... n=2 obj=label:x,y,w,h,cx,cy,score;..." */
static void
print_result (char kind, unsigned index, int status, const em_impulse_result_t *r)
{
  printf ("%c %u status=%d top=%ld out=", kind, index, status, (long) r->top);
  for (unsigned i = 0; i < EM_IMPULSE_N_OUTPUTS; i++)
    print_bits (i ? "," : "", r->outputs[i]);
  printf (" n=%ld obj=", (long) r->n_objects);
  for (long i = 0; status == 0 && i < (long) r->n_objects; i++)
    {
      const em_impulse_object_t *o = &r->objects[i];
      printf ("%s%ld:", i ? ";" : "", (long) o->label);
      print_bits ("", o->x);
      print_bits (",", o->y);
      print_bits (",", o->w);
      print_bits (",", o->h);
      print_bits (",", o->cx);
      print_bits (",", o->cy);
      print_bits (",", o->score);
    }
  printf ("\n");
}
#else
/* "R 0 status=0 top=1 anomaly=... out=...,..." */
static void
print_result (char kind, unsigned index, int status, const em_impulse_result_t *r)
{
  printf ("%c %u status=%d top=%ld", kind, index, status, (long) r->top);
  print_bits (" anomaly=", r->anomaly);
  printf (" out=");
  for (unsigned i = 0; i < EM_IMPULSE_N_OUTPUTS; i++)
    print_bits (i ? "," : "", r->outputs[i]);
  printf ("\n");
}
#endif

int
main (void)
{
  unsigned n = 0, failed = 0;

#if defined(__arm__)
  stack_paint ();
#endif
  for (unsigned i = 0; i < DEV_N_RAW; i++, n++)
    {
      em_signal_t signal = { EM_IMPULSE_INPUT_VALUES, get_raw, (void *) dev_raw[i] };
      dev_mark_begin ();
      dev_status[n] = em_run_impulse (&signal, &dev_results[n]);
      dev_mark_end ();
    }
  for (unsigned i = 0; i < DEV_N_FEAT; i++, n++)
    {
      dev_mark_begin ();
      dev_status[n] = em_run_features (dev_feat[i], &dev_results[n]);
      dev_mark_end ();
    }
#if defined(__arm__)
  printf ("stack %lu\n", (unsigned long) stack_used ());
#endif
  printf ("windows raw=%u features=%u outputs=%u int8=%d arena=%lu\n", (unsigned) DEV_N_RAW,
          (unsigned) DEV_N_FEAT, (unsigned) EM_IMPULSE_N_OUTPUTS, (int) EM_IMPULSE_INT8,
          (unsigned long) EM_IMPULSE_ARENA_BYTES);
  for (unsigned i = 0; i < n; i++)
    {
      print_result (i < DEV_N_RAW ? 'R' : 'F', i < DEV_N_RAW ? i : i - DEV_N_RAW, dev_status[i], &dev_results[i]);
      failed += dev_status[i] != 0;
    }
  printf ("done\n");
  fflush (stdout);
  return failed ? 1 : 0;
}
