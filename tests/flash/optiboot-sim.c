/* SPDX-License-Identifier: Apache-2.0 */
/* The real optiboot bootloader (Debian's arduino-core-avr hex file) running
 * in simavr, with UART0 on a pseudo-terminal: the witness our STK500v1
 * flasher and avrdude are tested against.
 *
 *   optiboot-sim [--run-sketch] [--app APP.bin] BOOTLOADER.hex [MCU] [DUMP.bin]
 *
 * Also runs the Mega 2560's STK500v2 bootloader (MCU atmega2560).
 * Prints "PTY /dev/pts/N" on stdout. A real board enters the
 * bootloader after the DTR reset pulse; a pty has no DTR, so whenever the
 * bootloader hands over to the sketch (below its section) the harness logs
 * "sketch started" on stderr and presses reset again, keeping the board in
 * its bootloader (the sketch may have run one instruction). With
 * --run-sketch a flashed sketch (first word not 0xFFFF) is left running
 * instead, so a test can talk to the firmware it just flashed. --app puts
 * APP.bin (an earlier run's DUMP) in the flash first, as a board keeps
 * its flash when it is unplugged. SIGTERM
 * writes the flash below the bootloader to DUMP.
 * Simulated time is held to wall-clock time so optiboot's 1 s watchdog
 * behaves as on hardware while the host is slow to answer. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <avr_uart.h>
#include <sim_avr.h>
#include <parts/uart_pty.h>

#define MCUSR_ADDR 0x54   /* MCUSR in data space on the ATmega328P/2560 */
#define EXTRF      0x02

static volatile sig_atomic_t stop;

static void
on_signal (int sig)
{
  (void) sig;
  stop = 1;
}

static double
now_s (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* simavr 1.6's read_ihex_chunks() rejects record type 03 (start segment
 * address), which optiboot's hex files end with: read the file here.
 * Returns the lowest address loaded (the bootloader's start), 0 on error. */
static uint32_t
load_hex (avr_t *avr, const char *path)
{
  FILE *f = fopen (path, "r");
  char line[600];
  uint32_t upper = 0, low = UINT32_MAX;

  if (f == NULL)
    {
      perror (path);
      return 0;
    }
  while (fgets (line, sizeof line, f) != NULL)
    {
      unsigned int b[300], count, sum = 0;
      size_t len = strcspn (line, "\r\n");

      if (len == 0)
        continue;
      if (line[0] != ':' || len < 11 || (len - 1) % 2 != 0)
        goto bad;
      count = (unsigned int) (len - 1) / 2;
      for (unsigned int i = 0; i < count; i++)
        {
          if (sscanf (line + 1 + 2 * i, "%2x", &b[i]) != 1)
            goto bad;
          sum += b[i];
        }
      if ((sum & 0xff) != 0 || count != 5 + b[0])
        goto bad;
      if (b[3] == 0x00)
        {
          uint32_t addr = upper + (b[1] << 8 | b[2]);
          /* Arduino's optiboot hex also carries 20 bytes at 0x8000, past
           * the ATmega328P's flash; a programmer drops them too. */
          if (addr + b[0] > avr->flashend + 1u)
            continue;
          for (unsigned int i = 0; i < b[0]; i++)
            avr->flash[addr + i] = (uint8_t) b[4 + i];
          if (addr < low)
            low = addr;
        }
      else if (b[3] == 0x02 || b[3] == 0x04)
        upper = (b[4] << 8 | b[5]) << (b[3] == 0x02 ? 4 : 16);
      else if (b[3] == 0x01)
        break;
    }
  fclose (f);
  return low == UINT32_MAX ? 0 : low;
bad:
  fprintf (stderr, "optiboot-sim: %s: not a valid Intel HEX file\n", path);
  fclose (f);
  return 0;
}

static void
press_reset (avr_t *avr)
{
  avr_reset (avr);
  avr->data[MCUSR_ADDR] |= EXTRF;
}

int
main (int argc, char **argv)
{
  int run_sketch = 0;
  const char *mcu, *dump, *app = NULL;
  static uart_pty_t uart;
  uint32_t boot = 0;
  double t0;
  avr_t *avr;
  int sketches = 0, running = 0;

  for (; argc > 1 && strncmp (argv[1], "--", 2) == 0; argc--, argv++)
    if (strcmp (argv[1], "--run-sketch") == 0)
      run_sketch = 1;
    else if (strcmp (argv[1], "--app") == 0 && argc > 2)
      {
        app = argv[2];
        argc--, argv++;
      }
    else
      break;
  if (argc < 2)
    {
      fprintf (stderr, "usage: optiboot-sim [--run-sketch] [--app APP.bin] BOOTLOADER.hex [MCU] "
               "[DUMP.bin]\n");
      return 2;
    }
  mcu = argc > 2 ? argv[2] : "atmega328p";
  dump = argc > 3 ? argv[3] : NULL;
  avr = avr_make_mcu_by_name (mcu);
  if (avr == NULL)
    {
      fprintf (stderr, "optiboot-sim: simavr does not know MCU '%s'\n", mcu);
      return 1;
    }
  avr_init (avr);
  avr->frequency = 16000000;
  avr->log = 0;
  boot = load_hex (avr, argv[1]);
  if (boot == 0)
    return 1;
  if (app != NULL)
    {
      FILE *f = fopen (app, "rb");
      if (f == NULL)
        {
          perror (app);
          return 1;
        }
      fread (avr->flash, 1, boot, f);
      fclose (f);
    }
  /* BOOTRST programmed: reset jumps into the bootloader section. */
  avr->reset_pc = boot;
  avr->codeend = avr->flashend;
  press_reset (avr);

  uart_pty_init (avr, &uart);
  uart_pty_connect (&uart, '0');
  {
    /* simavr sleeps 1 us on every poll of UCSR0A that finds no flag set,
     * which costs ~60 us of wall time a poll: the Mega's bootloader, which
     * polls TXC after each byte, then sends ~16 bytes a second. The loop
     * below holds simulated time to wall time itself. */
    uint32_t flags = 0;
    avr_ioctl (avr, AVR_IOCTL_UART_GET_FLAGS ('0'), &flags);
    flags &= ~(uint32_t) AVR_UART_FLAG_POOL_SLEEP;
    avr_ioctl (avr, AVR_IOCTL_UART_SET_FLAGS ('0'), &flags);
  }
  /* uart_pty prints its own banner on stdout: mark our line. */
  printf ("PTY %s\n", uart.pty.slavename);
  fflush (stdout);
  signal (SIGTERM, on_signal);
  signal (SIGINT, on_signal);

  t0 = now_s ();
  while (!stop)
    {
      int state = avr_run (avr);

      if (state == cpu_Done || state == cpu_Crashed)
        {
          fprintf (stderr, "optiboot-sim: the simulated MCU stopped (state %d)\n", state);
          break;
        }
      /* Leaving the bootloader section means the sketch runs; simavr may
       * already have stepped past address 0, so test the section. */
      if (!running && avr->pc < boot)
        {
          fprintf (stderr, "optiboot-sim: sketch started (%d)\n", ++sketches);
          /* A blank chip runs through 0xFFFF words into the bootloader. */
          if (run_sketch && (avr->flash[0] != 0xff || avr->flash[1] != 0xff))
            running = 1;
          else
            press_reset (avr);
        }
      /* Hold simulated time to wall time, checked every ~1 ms simulated. */
      if ((avr->cycle & 0x3fff) < 4)
        {
          double ahead = (double) avr->cycle / avr->frequency - (now_s () - t0);
          if (ahead > 0.002)
            usleep ((useconds_t) (ahead * 1e6));
        }
    }
  if (dump != NULL)
    {
      FILE *f = fopen (dump, "wb");
      if (f == NULL || fwrite (avr->flash, 1, boot, f) != boot || fclose (f) != 0)
        {
          fprintf (stderr, "optiboot-sim: %s: cannot write the dump\n", dump);
          return 1;
        }
    }
  /* No uart_pty_stop(): it stops its thread with SIGINT, which our handler
   * swallows, and then waits for it forever. Exiting closes the pty. */
  return 0;
}
