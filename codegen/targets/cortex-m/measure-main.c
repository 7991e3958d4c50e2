/* SPDX-License-Identifier: Apache-2.0 */
/* The firmware Ember counts a generated library's instructions with
 * (em-codegen-measure.c): one em_run_impulse() on the window in
 * measure-window.c, under qemu-system-arm with the ember-insncount plugin.
 *
 * em_measure_begin()/em_measure_end() bracket the whole call (the plugin's
 * region); the library calls its own (weak) em_port_time_us() before and
 * after its DSP and its model, and the plugin's marks at each entry into
 * it split the call into DSP and NN. It is not replaced here, so the
 * library links exactly as in report-main.c and a device build, and the
 * sizes of this build are the report's. begin and end have distinct
 * bodies: -Os folds identical functions. */
#include <stdint.h>
#include <string.h>
#include "ember_impulse.h"

extern const float em_measure_window[EM_IMPULSE_INPUT_VALUES > 0 ? EM_IMPULSE_INPUT_VALUES : 1];

volatile uint32_t em_measure_phase;
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
  memcpy (out, em_measure_window + offset, length * sizeof (float));
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
  return status;
}
