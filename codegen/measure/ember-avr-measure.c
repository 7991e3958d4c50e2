/* SPDX-License-Identifier: Apache-2.0 */
/* ember-avr-measure: the cycle counter em-codegen-measure-avr.c runs a
 * measuring AVR firmware (targets/avr/measure-main.c) with. simavr is
 * cycle-accurate, so the cycles between two points of the firmware are the
 * board's own, and the time is cycles / clock, no estimate per instruction.
 *
 *   ember-avr-measure FIRMWARE.elf MCU CLOCK_HZ MAX_CYCLES NAME=ADDR...
 *
 * ADDR: a byte address in flash (as avr-nm prints it, hexadecimal). Each
 * time the program counter reaches ADDR (before the instruction there
 * runs), prints "NAME CYCLE" on stdout. At the end prints "status N" (the
 * firmware's GPIOR0, where the measuring main leaves em_run_impulse's
 * status) and "cycles N". The firmware ends by sleeping with interrupts off,
 * which stops simavr; MAX_CYCLES stops one that never gets there.
 * Exit status: 0 the firmware finished; 1 it crashed, ran out of cycles, or
 * an argument is wrong (one line on stderr says which). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sim_avr.h>
#include <sim_elf.h>

#define MAX_POINTS 8
/* A mark is hit a few times per window; more means a loop calls it, and
 * the first ones are the ones that matter. */
#define MAX_HITS 64
/* GPIOR0 in data space: I/O 0x1E on the ATmega328P and the ATmega2560. */
#define GPIOR0_DATA 0x3E

typedef struct {
  const char *name;
  uint32_t    addr;
  unsigned    hits;
} Point;

static int
fail (const char *what)
{
  fprintf (stderr, "ember-avr-measure: %s\n", what);
  return 1;
}

int
main (int argc, char **argv)
{
  static elf_firmware_t fw;
  Point points[MAX_POINTS];
  unsigned n_points = 0;
  unsigned long long clock_hz, max_cycles;
  char msg[256];
  avr_t *avr;
  char *end;

  if (argc < 6)
    return fail ("usage: ember-avr-measure FIRMWARE.elf MCU CLOCK_HZ MAX_CYCLES NAME=ADDR...");
  clock_hz = strtoull (argv[3], &end, 10);
  if (*end != '\0' || clock_hz == 0)
    return fail ("CLOCK_HZ must be a positive number of hertz");
  max_cycles = strtoull (argv[4], &end, 10);
  if (*end != '\0' || max_cycles == 0)
    return fail ("MAX_CYCLES must be a positive number");
  for (int i = 5; i < argc; i++)
    {
      char *eq = strchr (argv[i], '=');

      if (n_points == MAX_POINTS)
        return fail ("too many NAME=ADDR points");
      if (eq == NULL || eq == argv[i])
        {
          snprintf (msg, sizeof msg, "%s: expected NAME=ADDR", argv[i]);
          return fail (msg);
        }
      *eq = '\0';
      points[n_points].name = argv[i];
      points[n_points].addr = (uint32_t) strtoul (eq + 1, &end, 16);
      points[n_points].hits = 0;
      if (*end != '\0' || eq[1] == '\0')
        {
          snprintf (msg, sizeof msg, "%s: the address %s is not hexadecimal", argv[i], eq + 1);
          return fail (msg);
        }
      n_points++;
    }
  if (elf_read_firmware (argv[1], &fw) != 0)
    {
      snprintf (msg, sizeof msg, "%s: not an AVR ELF file", argv[1]);
      return fail (msg);
    }
  snprintf (fw.mmcu, sizeof fw.mmcu, "%s", argv[2]);
  fw.frequency = (uint32_t) clock_hz;
  if ((avr = avr_make_mcu_by_name (argv[2])) == NULL)
    {
      snprintf (msg, sizeof msg, "simavr does not know the MCU '%s'", argv[2]);
      return fail (msg);
    }
  avr_init (avr);
  avr->log = 0;
  avr_load_firmware (avr, &fw);
  for (;;)
    {
      /* One instruction (and any interrupt it lets in) per call. */
      int state = avr_run (avr);

      if (state == cpu_Done)
        break;
      if (state == cpu_Crashed)
        {
          snprintf (msg, sizeof msg, "%s crashed in simavr at pc 0x%05" PRIx32 ", cycle %" PRIu64, argv[1],
                    (uint32_t) avr->pc, (uint64_t) avr->cycle);
          return fail (msg);
        }
      if (avr->cycle > max_cycles)
        {
          snprintf (msg, sizeof msg, "%s did not finish in %llu cycles", argv[1], max_cycles);
          return fail (msg);
        }
      for (unsigned k = 0; k < n_points; k++)
        if (avr->pc == points[k].addr && points[k].hits < MAX_HITS)
          {
            points[k].hits++;
            printf ("%s %" PRIu64 "\n", points[k].name, (uint64_t) avr->cycle);
          }
    }
  printf ("status %u\ncycles %" PRIu64 "\n", avr->data[GPIOR0_DATA], (uint64_t) avr->cycle);
  return 0;
}
