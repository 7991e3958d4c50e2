/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <adwaita.h>
#include "em-project.h"

G_BEGIN_DECLS

/* The Devices page: the computer's microphones and cameras (live, with
 * hot-plug), serial ports with the data forwarder, and the HTTP ingestion
 * server (off by default, 127.0.0.1 unless the user chooses otherwise). */
#define EM_TYPE_DEVICES_PAGE (em_devices_page_get_type ())
G_DECLARE_FINAL_TYPE (EmDevicesPage, em_devices_page, EM, DEVICES_PAGE, GtkWidget)

GtkWidget *em_devices_page_new                (EmProject *project);

/* The port the server listens on, 0 when it is off. */
guint      em_devices_page_get_server_port    (EmDevicesPage *self);
/* The port to listen on next time the server starts (0 = any free port). */
void       em_devices_page_set_listen_port    (EmDevicesPage *self, guint port);
/* Samples received by the server since the page was made. */
guint      em_devices_page_get_received_count (EmDevicesPage *self);
/* The serial port path the forwarder uses (e.g. a pty from a test). */
void       em_devices_page_set_serial_port    (EmDevicesPage *self, const char *path);

G_END_DECLS
