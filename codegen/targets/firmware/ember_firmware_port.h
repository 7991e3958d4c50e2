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

#endif /* EMBER_FIRMWARE_PORT_H */
