/* SPDX-License-Identifier: Apache-2.0 */
/* Port of the Ember firmware to the STM32F446 (NUCLEO-F446RE) at reset
 * clocks: the core and both APB buses run from the 16 MHz HSI
 * (EM_FW_CLOCK_HZ). USART2 on PA2 (TX) / PA3 (RX), alternate function 7,
 * is wired to the ST-LINK's virtual COM port, so the host talks to the
 * firmware over the same USB cable. Registers from the STM32F446 reference
 * manual (RM0390); no HAL.
 *
 * The sensor "analog": ADC1 on the Arduino-header analog pins, axis k = Ak:
 * A0 PA0 (IN0), A1 PA1 (IN1), A2 PA4 (IN4), A3 PB0 (IN8), A4 PC1 (IN11),
 * A5 PC0 (IN10); 12-bit raw counts 0..4095 (as floats) against VDDA,
 * 84-cycle sampling, single conversions one pin after another. Frames are
 * paced by the microsecond clock; frames that fell due while the impulse
 * ran are read back to back when it is done. Compile-tested only: no board
 * was available when it was written. */
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
#define RCC_APB2ENR  REG (0x40023844u)   /* bit 8: ADC1 */
#define GPIOB_MODER  REG (0x40020400u)
#define GPIOC_MODER  REG (0x40020800u)
#define ADC1_SR      REG (0x40012000u)   /* bit 1 EOC */
#define ADC1_CR2     REG (0x40012008u)   /* bit 0 ADON, bit 30 SWSTART */
#define ADC1_SMPR1   REG (0x4001200Cu)
#define ADC1_SMPR2   REG (0x40012010u)
#define ADC1_SQR1    REG (0x4001202Cu)
#define ADC1_SQR3    REG (0x40012034u)
#define ADC1_DR      REG (0x4001204Cu)

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

/* --- the sensor "analog": ADC1 on A0..A5 ---------------------------------- */

static const uint8_t em_fw_adc_channel[6] = { 0, 1, 4, 8, 11, 10 };
static uint16_t em_fw_adc_axes;
static uint64_t em_fw_adc_period_ns, em_fw_adc_due_ns;

uint8_t
em_fw_port_sensor_count (void)
{
  return 1;
}

const char *
em_fw_port_sensor_name (uint8_t index)
{
  (void) index;
  return "analog";
}

uint8_t
em_fw_port_sensor_max_axes (uint8_t index)
{
  (void) index;
  return 6;
}

int
em_fw_port_sensor_start (uint8_t index, float rate_hz, uint16_t n_axes)
{
  if (index != 0 || n_axes == 0 || n_axes > 6 || !(rate_hz > 0.0f))
    return 1;
  RCC_AHB1ENR |= (1u << 0) | (1u << 1) | (1u << 2);   /* GPIOA, B, C */
  RCC_APB2ENR |= 1u << 8;
  (void) RCC_APB2ENR;
  GPIOA_MODER |= (3u << 0) | (3u << 2) | (3u << 8);   /* PA0, PA1, PA4 analog */
  GPIOB_MODER |= 3u << 0;                            /* PB0 */
  GPIOC_MODER |= (3u << 0) | (3u << 2);               /* PC0, PC1 */
  ADC1_SMPR2 = 0x24924924u;   /* 84 cycles on channels 0-9 */
  ADC1_SMPR1 = 0x04924924u;   /* and 10-18 */
  ADC1_SQR1 = 0;              /* one conversion a sequence */
  ADC1_CR2 = 1u << 0;
  em_fw_adc_axes = n_axes;
  em_fw_adc_period_ns = (uint64_t) (1e9f / rate_hz + 0.5f);
  em_fw_adc_due_ns = em_fw_port_time_us () * 1000u;
  return 0;
}

int
em_fw_port_sensor_read (float *frame)
{
  if (em_fw_port_time_us () * 1000u < em_fw_adc_due_ns)
    return 0;
  em_fw_adc_due_ns += em_fw_adc_period_ns;
  for (uint16_t a = 0; a < em_fw_adc_axes; a++)
    {
      ADC1_SQR3 = em_fw_adc_channel[a];
      ADC1_CR2 |= 1u << 30;
      while ((ADC1_SR & (1u << 1)) == 0)
        ;
      frame[a] = (float) (ADC1_DR & 0xFFFu);
    }
  return 1;
}

void
em_fw_port_sensor_stop (void)
{
  ADC1_CR2 = 0;
}
