/* SPDX-License-Identifier: Apache-2.0 */
/* Port of the Ember firmware to ARM's MPS2 AN386 (Cortex-M4F), the board
 * QEMU emulates as mps2-an386: UART0 is a CMSDK APB UART, the clock is
 * SysTick on the 25 MHz core clock (EM_FW_CLOCK_HZ), interrupting every
 * millisecond. The baud divider does not matter to QEMU but is set as on
 * the real FPGA board. */
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
