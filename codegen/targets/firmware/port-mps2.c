/* SPDX-License-Identifier: Apache-2.0 */
/* Port of the Ember firmware to ARM's MPS2 AN386 (Cortex-M4F), the board
 * QEMU emulates as mps2-an386: UART0 is a CMSDK APB UART, the clock is
 * SysTick on the 25 MHz core clock (EM_FW_CLOCK_HZ), interrupting every
 * millisecond. The baud divider does not matter to QEMU but is set as on
 * the real FPGA board.
 *
 * The board has no sensor. Its one "sensor", named "simulated", is UART1:
 * Ember (src/core/em-live.c) connects QEMU's second serial port to a
 * stream that plays back a recorded signal at its sampling rate, one frame
 * at a time:
 *   0xA5 0x5A  n_axes × f32 (little-endian)  sum:u8 (of the value bytes, mod 256)
 * A frame whose sum does not match is dropped and the reader hunts for the
 * next 0xA5 0x5A. The pace is the player's: a frame is read when it has
 * arrived. Nothing here pretends to be a real sensor. */
#include "ember_firmware_port.h"

#ifndef EM_FW_CLOCK_HZ
#define EM_FW_CLOCK_HZ 25000000u
#endif
#ifndef EM_FW_BAUD
#define EM_FW_BAUD 115200u
#endif

#define REG(addr) (*(volatile uint32_t *) (addr))
#define UART0_DATA     REG (0x40004000u)
#define UART0_STATE    REG (0x40004004u)   /* bit 0 TX full, bit 1 RX full */
#define UART0_CTRL     REG (0x40004008u)   /* bit 0 TX enable, bit 1 RX enable */
#define UART0_BAUDDIV  REG (0x40004010u)
#define UART1_DATA     REG (0x40005000u)
#define UART1_STATE    REG (0x40005004u)
#define UART1_CTRL     REG (0x40005008u)
#define UART1_BAUDDIV  REG (0x40005010u)

#define EM_FW_PLAYBACK_MAX_AXES 16u

#include "port-systick.h"

void
em_fw_port_init (void)
{
  UART0_BAUDDIV = EM_FW_CLOCK_HZ / EM_FW_BAUD;
  UART0_CTRL = 0x3u;
  em_fw_systick_start ();
}

int
em_fw_port_getc (void)
{
  if ((UART0_STATE & 0x2u) == 0)
    return -1;
  return (int) (UART0_DATA & 0xFFu);
}

void
em_fw_port_putc (uint8_t byte)
{
  while (UART0_STATE & 0x1u)
    ;
  UART0_DATA = byte;
}

/* --- the simulated sensor: frames played back on UART1 --------------------- */

static uint8_t em_fw_pb_axes;
static uint8_t em_fw_pb_bytes[EM_FW_PLAYBACK_MAX_AXES * 4u];
static uint32_t em_fw_pb_got;
static uint8_t em_fw_pb_sum;
static enum { PB_HUNT0, PB_HUNT1, PB_VALUES, PB_SUM } em_fw_pb_state;

uint8_t
em_fw_port_sensor_count (void)
{
  return 1;
}

const char *
em_fw_port_sensor_name (uint8_t index)
{
  (void) index;
  return "simulated";
}

uint8_t
em_fw_port_sensor_max_axes (uint8_t index)
{
  (void) index;
  return EM_FW_PLAYBACK_MAX_AXES;
}

int
em_fw_port_sensor_start (uint8_t index, float rate_hz, uint16_t n_axes)
{
  (void) rate_hz;   /* the player keeps the pace */
  if (index != 0 || n_axes == 0 || n_axes > EM_FW_PLAYBACK_MAX_AXES)
    return 1;
  UART1_BAUDDIV = EM_FW_CLOCK_HZ / EM_FW_BAUD;
  UART1_CTRL = 0x2u;   /* receive only */
  em_fw_pb_axes = (uint8_t) n_axes;
  em_fw_pb_state = PB_HUNT0;
  return 0;
}

int
em_fw_port_sensor_read (float *frame)
{
  /* A few bytes a call: the protocol UART is polled between them. */
  for (int budget = 16; budget > 0 && (UART1_STATE & 0x2u); budget--)
    {
      uint8_t byte = (uint8_t) (UART1_DATA & 0xFFu);

      switch (em_fw_pb_state)
        {
        case PB_HUNT0:
          if (byte == 0xA5u)
            em_fw_pb_state = PB_HUNT1;
          break;
        case PB_HUNT1:
          em_fw_pb_state = byte == 0x5Au ? PB_VALUES : byte == 0xA5u ? PB_HUNT1 : PB_HUNT0;
          em_fw_pb_got = 0;
          em_fw_pb_sum = 0;
          break;
        case PB_VALUES:
          em_fw_pb_bytes[em_fw_pb_got++] = byte;
          em_fw_pb_sum = (uint8_t) (em_fw_pb_sum + byte);
          if (em_fw_pb_got == em_fw_pb_axes * 4u)
            em_fw_pb_state = PB_SUM;
          break;
        case PB_SUM:
          em_fw_pb_state = PB_HUNT0;
          if (byte != em_fw_pb_sum)
            break;
          for (uint32_t a = 0; a < em_fw_pb_axes; a++)
            {
              const uint8_t *p = em_fw_pb_bytes + 4u * a;
              uint32_t v = (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
              union { uint32_t u; float f; } bits;
              bits.u = v;
              frame[a] = bits.f;
            }
          return 1;
        }
    }
  return 0;
}

void
em_fw_port_sensor_stop (void)
{
  UART1_CTRL = 0;
}
