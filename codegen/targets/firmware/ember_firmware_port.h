/* SPDX-License-Identifier: Apache-2.0 */
/* What ember_firmware.c needs from a board family: one port-*.c file per
 * family implements these on bare metal (no vendor HAL), at the clocks the
 * chip has after reset. */
#ifndef EMBER_FIRMWARE_PORT_H
#define EMBER_FIRMWARE_PORT_H

#include <stdint.h>

/* Clock, UART (8N1 at EM_FW_BAUD), microsecond timer. */
void     em_fw_port_init    (void);
/* The next received byte (0..255), or -1 when none is waiting. */
int      em_fw_port_getc    (void);
/* Send one byte, waiting while the transmitter is busy. */
void     em_fw_port_putc    (uint8_t byte);
/* Microseconds since em_fw_port_init(); wraps only after 2^64. For the
 * DSP and NN timings. */
uint64_t em_fw_port_time_us (void);
/* A cheap, coarse millisecond count (may run up to a few % fast or slow;
 * wraps at 2^32) for the receive timeout, read once per byte: an AVR at
 * 115200 baud has under 1400 cycles a byte, too few for 64-bit arithmetic. */
uint32_t em_fw_port_millis  (void);

/* On-board sensors, for the sensor mode (protocol 2). A port without any
 * returns 0 from em_fw_port_sensor_count() and never has the others called.
 * Sensor @index is 0 .. count - 1; its name is what the board file's
 * "sensors" list calls it, and it gives up to max_axes axes a frame. */
uint8_t     em_fw_port_sensor_count    (void);
const char *em_fw_port_sensor_name     (uint8_t index);
uint8_t     em_fw_port_sensor_max_axes (uint8_t index);
/* Start sampling @n_axes axes (<= max_axes) at @rate_hz frames a second:
 * 0 = started, nonzero = this sensor cannot. */
int         em_fw_port_sensor_start    (uint8_t index, float rate_hz, uint16_t n_axes);
/* Non-blocking: 1 when a frame fell due and its n_axes values were written
 * to @frame, 0 when none is due yet. Called between received bytes. */
int         em_fw_port_sensor_read     (float *frame);
void        em_fw_port_sensor_stop     (void);

#endif /* EMBER_FIRMWARE_PORT_H */
