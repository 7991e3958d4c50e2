/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Hot-plug for the Devices page: polls em_serial_list_ports() once a second
 * on the thread-default main context of the thread that created it, and
 * emits "ports-changed" (EmSerialMonitor *self, gpointer user_data) there
 * when a port appeared or went away (by name, VID and PID). Polling, not
 * udev, because libserialport has no notification API and the same code
 * then works on every platform libserialport supports. Polling stops when
 * the monitor is disposed. */
#define EM_TYPE_SERIAL_MONITOR (em_serial_monitor_get_type ())
G_DECLARE_FINAL_TYPE (EmSerialMonitor, em_serial_monitor, EM, SERIAL_MONITOR, GObject)

EmSerialMonitor *em_serial_monitor_new       (void);

/* The ports found by the last poll (or at creation), sorted by name.
 * (transfer none) (element-type EmSerialPortInfo) */
GPtrArray       *em_serial_monitor_get_ports (EmSerialMonitor *self);

/* Poll now (e.g. when the page becomes visible); emits "ports-changed"
 * when the list differs. Returns TRUE when it did. */
gboolean         em_serial_monitor_refresh   (EmSerialMonitor *self);

G_END_DECLS
