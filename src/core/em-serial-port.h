/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A serial port opened for reading, behind a small backend interface.
 *
 * Two backends exist because libserialport 0.1.1 refuses pseudo-terminals
 * (sp_get_port_by_name fails on /dev/pts/N), yet ptys are what simulated
 * boards, socat bridges and the tests use:
 *  - "termios": POSIX open/termios/poll, used when the path (after realpath,
 *    so socat's symlinks count) is a pseudo-terminal;
 *  - "libserialport": everything else (USB CDC, FTDI, on-board UARTs).
 * Both configure 8N1, no flow control, at the given baud rate (a pty ignores
 * the rate). Not thread-safe: use a port from one thread at a time. */
typedef struct _EmSerialPort EmSerialPort;

/* Open @path for reading at @baud (bits per second, > 0). Pending input is
 * discarded so the first bytes read are fresh. Errors: EM_ERROR_NOT_FOUND
 * (no such port), EM_ERROR_IO (permission denied, busy, ...).
 * (transfer full) */
EmSerialPort *em_serial_port_open        (const char *path, guint baud, GError **error);

/* Read up to @len bytes, waiting at most @timeout_ms for the first one.
 * Returns the number of bytes read (> 0), 0 on timeout, or -1 with @error
 * set when the device went away (EOF, EIO, unplugged: EM_ERROR_IO). */
gssize        em_serial_port_read        (EmSerialPort *port, guint8 *buf, gsize len,
                                          guint timeout_ms, GError **error);

/* Writing and modem lines, for talking to bootloaders (em-flash*.c).
 * em_serial_port_open_full() opens for reading and writing; @even_parity
 * asks for 8E1 (STM32's ROM bootloader), which a pty cannot do: there it
 * stays 8N1 and *parity_set (nullable) says FALSE. */
EmSerialPort *em_serial_port_open_full   (const char *path, guint baud, gboolean even_parity,
                                          gboolean *parity_set, GError **error);
/* Write all of @buf, waiting at most @timeout_ms in total; FALSE with @error
 * (EM_ERROR_IO, "disconnected") when the device went away or stalled. */
gboolean      em_serial_port_write       (EmSerialPort *port, const guint8 *buf, gsize len,
                                          guint timeout_ms, GError **error);
/* Drop unread input. */
void          em_serial_port_flush_input (EmSerialPort *port);
/* Set DTR and RTS (TRUE = asserted). FALSE when the port has no modem lines
 * (a pty); not an error for callers that only try a reset pulse. */
gboolean      em_serial_port_set_dtr_rts (EmSerialPort *port, gboolean dtr, gboolean rts);

/* "termios" or "libserialport". */
const char   *em_serial_port_get_backend (EmSerialPort *port);

void          em_serial_port_close       (EmSerialPort *port);

/* TRUE when @path resolves to a pseudo-terminal (Linux pty slaves, major 136..143). */
gboolean      em_serial_path_is_pty      (const char *path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmSerialPort, em_serial_port_close)

G_END_DECLS
