/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Shared between em-capture.c and em-capture-device.c; not public API. */
#include <gst/gst.h>
#include "em-capture.h"

G_BEGIN_DECLS

/* gst_init once per process; a clear error when it fails. */
gboolean   em_capture_ensure_gst   (GError **error);

/* The device to record from: @name NULL picks the first that is not a
 * "monitor" of the speakers; otherwise a match on name or display name.
 * EM_ERROR_NOT_FOUND with the user-facing message when there is none.
 * (transfer full) */
GstDevice *em_capture_find_device  (EmCaptureKind kind, const char *name, GError **error);

G_END_DECLS
