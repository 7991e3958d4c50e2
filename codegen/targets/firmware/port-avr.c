/* SPDX-License-Identifier: Apache-2.0 */
/* Port of the Ember firmware to the ATmega328P (Arduino Uno) at 16 MHz
 * (EM_FW_CLOCK_HZ): USART0 (pins 0/1, the USB bridge) with double speed
 * (U2X0), as the Arduino core sets it up, and Timer1 counting 4 µs ticks
 * (prescaler 64) whose overflow interrupt extends it. Built with avr-gcc
 * and avr-libc, no Arduino core. The same file serves the ATmega2560
 * (Arduino Mega 2560): the registers used here are the same.
 *
 * The sensor "analog": the ADC on the analog pins, axis k = pin Ak (A0-A5
 * on the Uno, A0-A15 on the Mega), AVcc reference, one value a pin in raw
 * counts 0..1023 (as floats), converted one after another at 125 kHz ADC
 * clock (prescaler 128, 13 ADC clocks a conversion: about 9600 values a
 * second in all, so rate × axes above 9000 is refused). The frames are
 * paced by Timer1: a frame falls due every 1/rate s; frames that fell due
 * while the impulse ran are read back to back when it is done, so the
 * window has every frame but those few were sampled late. Compile-tested
 * only: no board or simulated ADC input was available when it was written. */
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

/* --- the sensor "analog": ADC on A0.. ------------------------------------- */

#if defined(__AVR_ATmega2560__)
#define EM_FW_ANALOG_PINS 16u
#else
#define EM_FW_ANALOG_PINS 6u
#endif

static uint16_t em_fw_adc_axes;
static uint32_t em_fw_adc_period;   /* Timer1 ticks (4 µs) a frame */
static uint32_t em_fw_adc_due;

/* Timer1 ticks, 32 bits (wraps after 4.7 hours; compared by difference). */
static uint32_t
em_fw_ticks (void)
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
  return (hi << 16) | lo;
}

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
  return EM_FW_ANALOG_PINS;
}

int
em_fw_port_sensor_start (uint8_t index, float rate_hz, uint16_t n_axes)
{
  float ticks = 250000.0f / rate_hz;

  if (index != 0 || n_axes == 0 || n_axes > EM_FW_ANALOG_PINS || !(rate_hz > 0.0f) ||
      rate_hz * (float) n_axes > 9000.0f)
    return 1;
  em_fw_adc_axes = n_axes;
  em_fw_adc_period = (uint32_t) (ticks + 0.5f);
  ADMUX = _BV (REFS0);                                         /* AVcc reference */
  ADCSRA = _BV (ADEN) | _BV (ADPS2) | _BV (ADPS1) | _BV (ADPS0); /* on, clock / 128 */
  em_fw_adc_due = em_fw_ticks ();
  return 0;
}

static uint16_t
em_fw_adc_convert (uint8_t pin)
{
  ADMUX = (uint8_t) (_BV (REFS0) | (pin & 7u));
#if defined(MUX5)
  ADCSRB = (uint8_t) ((ADCSRB & ~_BV (MUX5)) | (pin >= 8u ? _BV (MUX5) : 0u));
#endif
  ADCSRA |= _BV (ADSC);
  while (ADCSRA & _BV (ADSC))
    ;
  return ADC;
}

int
em_fw_port_sensor_read (float *frame)
{
  if ((int32_t) (em_fw_ticks () - em_fw_adc_due) < 0)
    return 0;
  em_fw_adc_due += em_fw_adc_period;
  for (uint8_t a = 0; a < em_fw_adc_axes; a++)
    frame[a] = (float) em_fw_adc_convert (a);
  return 1;
}

void
em_fw_port_sensor_stop (void)
{
  ADCSRA = 0;
}
