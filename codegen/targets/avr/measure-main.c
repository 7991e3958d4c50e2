/* SPDX-License-Identifier: Apache-2.0 */
/* The firmware Ember times a generated library with on an AVR board's MCU
 * (em-codegen-measure-avr.c): one em_run_impulse() on the window in
 * measure-window.c, under simavr with codegen/measure/ember-avr-measure,
 * which notes the cycle each marked function is entered at. As
 * cortex-m/measure-main.c: em_measure_begin()/em_measure_end() bracket the
 * whole call, and the library's own (weak) em_port_time_us() calls around
 * its DSP and its model split it into DSP and NN.
 *
 * The window is in flash (EM_MEASURE_FLASH is PROGMEM here): a window of
 * floats would take RAM the impulse needs on a 2 or 8 KB part, and a board
 * firmware receives its window over the serial port, not from RAM it ships
 * with. em_run_impulse()'s status goes to GPIOR0, where the counter reads
 * it; then the MCU sleeps with interrupts off, which ends the simulation. */
#include <stdint.h>
#include <string.h>
#include <avr/io.h>
#include <avr/interrupt.h>
#include <avr/pgmspace.h>
#include <avr/sleep.h>
#include "ember_impulse.h"

extern const float em_measure_window[EM_IMPULSE_INPUT_VALUES > 0 ? EM_IMPULSE_INPUT_VALUES : 1] PROGMEM;

volatile uint8_t em_measure_phase;
__attribute__ ((noinline)) void em_measure_begin (void);
__attribute__ ((noinline)) void em_measure_end (void);
void em_measure_begin (void) { em_measure_phase = 1u; }
void em_measure_end (void) { em_measure_phase = 2u; }

static int
get_window (size_t offset, size_t length, float *out, void *user)
{
  (void) user;
  if (offset > EM_IMPULSE_INPUT_VALUES || length > EM_IMPULSE_INPUT_VALUES - offset)
    return -1;
  memcpy_P (out, em_measure_window + offset, length * sizeof (float));
  return 0;
}

/* Kept in RAM and volatile so the result counts as used. */
volatile int32_t em_measure_sink;

int
main (void)
{
  em_signal_t signal = { EM_IMPULSE_INPUT_VALUES, get_window, NULL };
  em_impulse_result_t result;
  int status;

  em_measure_begin ();
  status = em_run_impulse (&signal, &result);
  em_measure_end ();
  em_measure_sink = result.top;
  GPIOR0 = (uint8_t) status;
  cli ();
  sleep_enable ();
  for (;;)
    sleep_cpu ();
}
