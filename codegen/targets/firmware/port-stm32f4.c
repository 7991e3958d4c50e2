/* SPDX-License-Identifier: Apache-2.0 */
/* Port of the Ember firmware to the STM32F446 (NUCLEO-F446RE) at reset
 * clocks: the core and both APB buses run from the 16 MHz HSI
 * (EM_FW_CLOCK_HZ). USART2 on PA2 (TX) / PA3 (RX), alternate function 7,
 * is wired to the ST-LINK's virtual COM port, so the host talks to the
 * firmware over the same USB cable. Registers from the STM32F446 reference
 * manual (RM0390); no HAL. */
#include "ember_firmware_port.h"

#ifndef EM_FW_CLOCK_HZ
#define EM_FW_CLOCK_HZ 16000000u
#endif
#ifndef EM_FW_BAUD
#define EM_FW_BAUD 115200u
#endif

#define REG(addr) (*(volatile uint32_t *) (addr))
#define RCC_AHB1ENR  REG (0x40023830u)   /* bit 0: GPIOA */
#define RCC_APB1ENR  REG (0x40023840u)   /* bit 17: USART2 */
#define GPIOA_MODER  REG (0x40020000u)
#define GPIOA_AFRL   REG (0x40020020u)
#define USART2_SR    REG (0x40004400u)   /* bit 5 RXNE, bit 7 TXE, bit 3 ORE */
#define USART2_DR    REG (0x40004404u)
#define USART2_BRR   REG (0x40004408u)
#define USART2_CR1   REG (0x4000440Cu)   /* bit 13 UE, bit 3 TE, bit 2 RE */

#include "port-systick.h"

void
em_fw_port_init (void)
{
  RCC_AHB1ENR |= 1u << 0;
  RCC_APB1ENR |= 1u << 17;
  (void) RCC_APB1ENR;   /* the clock must be on before the peripheral is touched */
  GPIOA_MODER = (GPIOA_MODER & ~(0xFu << 4)) | (0xAu << 4);      /* PA2, PA3: alternate */
  GPIOA_AFRL = (GPIOA_AFRL & ~(0xFFu << 8)) | (0x77u << 8);      /* AF7 = USART2 */
  /* Oversampling by 16: BRR = f_APB1 / baud, mantissa and 4-bit fraction. */
  USART2_BRR = (EM_FW_CLOCK_HZ + EM_FW_BAUD / 2u) / EM_FW_BAUD;
  USART2_CR1 = (1u << 13) | (1u << 3) | (1u << 2);
  em_fw_systick_start ();
}

int
em_fw_port_getc (void)
{
  uint32_t sr = USART2_SR;

  /* An overrun also sets RXNE; reading DR after SR clears both. The lost
   * byte breaks the frame's CRC and the host sends it again. */
  if ((sr & ((1u << 5) | (1u << 3))) == 0)
    return -1;
  return (int) (USART2_DR & 0xFFu);
}

void
em_fw_port_putc (uint8_t byte)
{
  while ((USART2_SR & (1u << 7)) == 0)
    ;
  USART2_DR = byte;
}
