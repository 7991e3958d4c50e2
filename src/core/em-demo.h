/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "em-project.h"

G_BEGIN_DECLS

typedef enum {
  EM_DEMO_KEYWORDS, /* yes / no / noise / unknown, 1 s 16 kHz, espeak-ng + sox */
  EM_DEMO_MOTION,   /* idle / wave / updown / snake accelerometer, 3 axes 62.5 Hz */
  EM_DEMO_IMAGES,   /* Fashion-MNIST subset (needs dataset-fashion-mnist) */
  EM_DEMO_OBJECTS,  /* circles / squares / triangles with bounding boxes, 96×96, drawn */
} EmDemoKind;

typedef void (*EmProgressFunc) (double fraction, const char *what, gpointer user_data);

/* Create a demo project at @path (must not exist). @scale (0 < scale <= 100)
 * multiplies the number of samples (1.0 = the default size: 4 × 50 keyword
 * clips, 4 × 25 motion recordings, 10 × (30 + 8) images, 1000 object images). Deterministic for
 * a @seed on a given machine (same espeak-ng/sox/libm). A missing tool
 * (espeak-ng, sox) or data set gives EM_ERROR_NOT_FOUND naming the Debian
 * package, before any file is made. Blocks; @progress is called on the
 * calling thread. On cancel (EM_ERROR_CANCELLED) or any other failure the
 * half-made project file (and its -wal/-shm) is deleted.
 * EMBER_FASHION_MNIST_DIR overrides /usr/share/datasets/fashion-mnist.
 * (transfer full) */
EmProject *em_demo_create (const char *path, EmDemoKind kind, double scale, guint32 seed,
                           EmProgressFunc progress, gpointer user_data,
                           GCancellable *cancellable, GError **error);

gboolean   em_demo_kind_from_string (const char *str, EmDemoKind *out);

G_END_DECLS
