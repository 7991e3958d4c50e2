/* SPDX-License-Identifier: Apache-2.0 */
/* The smallest application around a generated library that keeps all of it
 * linked: `ember-cli deploy --report` builds this with startup.c and
 * mps2-an386.ld for a Cortex-M4F and reads the linker map. Both entry
 * points are called so --gc-sections drops nothing the library needs; the
 * window comes from a callback, as on a device, and reads zeros. */
#include <stdint.h>
#include <string.h>
#include "ember_impulse.h"

static int
get_zeros (size_t offset, size_t length, float *out, void *user)
{
  (void) offset;
  (void) user;
  memset (out, 0, length * sizeof (float));
  return 0;
}

/* Kept in RAM and volatile so the calls' results count as used. */
volatile int32_t report_sink;

int
main (void)
{
  static float features[EM_IMPULSE_N_FEATURES];
  em_signal_t signal = { EM_IMPULSE_INPUT_VALUES, get_zeros, NULL };
  em_impulse_result_t result;
  int status = em_run_impulse (&signal, &result);

  report_sink = result.top;
  status |= em_run_features (features, &result);
  report_sink = result.top;
  return status;
}
