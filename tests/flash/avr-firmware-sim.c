/* SPDX-License-Identifier: Apache-2.0 */
/* Ember firmware for an AVR board running in simavr, UART0 on a
 * pseudo-terminal, so the host-fed protocol can be tested without a board:
 *
 *   avr-firmware-sim FIRMWARE.elf [MCU]
 *
 * Prints "PTY /dev/pts/N" on stdout, runs until SIGTERM. Simulated time is
 * held to wall-clock time, so the firmware's timer (Timer1) reads real
 * milliseconds, as on the board. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sim_avr.h>
#include <sim_elf.h>
#include <parts/uart_pty.h>

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

int
main (int argc, char **argv)
{
  const char *mcu = argc > 2 ? argv[2] : "atmega2560";
  static elf_firmware_t fw;
  static uart_pty_t uart;
  double t0;
  avr_t *avr;

  if (argc < 2)
    {
      fprintf (stderr, "usage: avr-firmware-sim FIRMWARE.elf [MCU]\n");
      return 2;
    }
  if (elf_read_firmware (argv[1], &fw) != 0)
    {
      fprintf (stderr, "avr-firmware-sim: %s: not an AVR ELF file\n", argv[1]);
      return 1;
    }
  strncpy (fw.mmcu, mcu, sizeof fw.mmcu - 1);
  fw.frequency = 16000000;
  if ((avr = avr_make_mcu_by_name (mcu)) == NULL)
    {
      fprintf (stderr, "avr-firmware-sim: simavr does not know MCU '%s'\n", mcu);
      return 1;
    }
  avr_init (avr);
  avr->log = 0;
  avr_load_firmware (avr, &fw);
  uart_pty_init (avr, &uart);
  uart_pty_connect (&uart, '0');
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
          fprintf (stderr, "avr-firmware-sim: the simulated MCU stopped (state %d)\n", state);
          return 1;
        }
      if ((avr->cycle & 0x3fff) < 4)
        {
          double ahead = (double) avr->cycle / avr->frequency - (now_s () - t0);
          if (ahead > 0.002)
            usleep ((useconds_t) (ahead * 1e6));
        }
    }
  /* As optiboot-sim: no uart_pty_stop() (it would wait for its thread). */
  return 0;
}
