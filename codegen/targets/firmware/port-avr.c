/* SPDX-License-Identifier: Apache-2.0 */
/* Port of the Ember firmware to the ATmega328P (Arduino Uno) at 16 MHz
 * (EM_FW_CLOCK_HZ): USART0 (pins 0/1, the USB bridge) with double speed
 * (U2X0), as the Arduino core sets it up, and Timer1 counting 4 µs ticks
 * (prescaler 64) whose overflow interrupt extends it. Built with avr-gcc
 * and avr-libc, no Arduino core. */
#include <avr/interrupt.h>
#include <avr/io.h>
#include "ember_firmware_port.h"

#ifndef EM_FW_CLOCK_HZ
#define EM_FW_CLOCK_HZ 16000000ul
#endif
#ifndef EM_FW_BAUD
#define EM_FW_BAUD 115200ul
#endif

static volatile uint32_t em_fw_overflows;

ISR (TIMER1_OVF_vect)
{
  em_fw_overflows++;
}

void
em_fw_port_init (void)
{
  uint16_t ubrr = (uint16_t) ((EM_FW_CLOCK_HZ / 4ul / EM_FW_BAUD - 1ul) / 2ul);

  UBRR0H = (uint8_t) (ubrr >> 8);
  UBRR0L = (uint8_t) ubrr;
  UCSR0A = _BV (U2X0);
  UCSR0B = _BV (RXEN0) | _BV (TXEN0);
  UCSR0C = _BV (UCSZ01) | _BV (UCSZ00);
  TCCR1A = 0;
  TCCR1B = _BV (CS11) | _BV (CS10);
  TIMSK1 = _BV (TOIE1);
  sei ();
}

int
em_fw_port_getc (void)
{
  if ((UCSR0A & _BV (RXC0)) == 0)
    return -1;
  return UDR0;
}

void
em_fw_port_putc (uint8_t byte)
{
  while ((UCSR0A & _BV (UDRE0)) == 0)
    ;
  UDR0 = byte;
}

/* The same count in units of 256 ticks = 1.024 ms: a shift, no multiply. */
uint32_t
em_fw_port_millis (void)
{
  uint32_t hi;
  uint16_t lo;
  uint8_t sreg = SREG;

  cli ();
  hi = em_fw_overflows;
  lo = TCNT1;
  if ((TIFR1 & _BV (TOV1)) && lo < 0x8000u)
    hi++;
  SREG = sreg;
  return (hi << 8) | (lo >> 8);
}

uint64_t
em_fw_port_time_us (void)
{
  uint32_t hi;
  uint16_t lo;
  uint8_t sreg = SREG;

  cli ();
  hi = em_fw_overflows;
  lo = TCNT1;
  /* An overflow not yet serviced: the counter already wrapped. */
  if ((TIFR1 & _BV (TOV1)) && lo < 0x8000u)
    hi++;
  SREG = sreg;
  return (((uint64_t) hi << 16) | lo) * (1000000ull * 64ull / EM_FW_CLOCK_HZ);
}
