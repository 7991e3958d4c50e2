/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gtk/gtk.h>
#include "em-project.h"

G_BEGIN_DECLS

#define EM_TYPE_BYOM_PAGE (em_byom_page_get_type ())
G_DECLARE_FINAL_TYPE (EmByomPage, em_byom_page, EM, BYOM_PAGE, GtkWidget)

/* "Bring your own model": open a TFLite or ONNX file, see its layer table
 * and cost, and add it to the project's impulse as a learning block.
 * Signals: "job-started" (EmJob) for the window's jobs indicator,
 * "imported" (block id) after the impulse changed. */
GtkWidget *em_byom_page_new  (EmProject *project);
/* Read @file on a worker thread and show it (what "Open Model…" does). */
void       em_byom_page_open (EmByomPage *self, GFile *file);
/* Add the open model to the project with the page's settings, on a
 * worker thread (what "Add to Project" does). */
void       em_byom_page_add  (EmByomPage *self);
/* For tests and the window: a read or an add is running. */
gboolean    em_byom_page_is_busy      (EmByomPage *self);
/* The status line (the last error or summary; "" when none). */
const char *em_byom_page_get_status   (EmByomPage *self);
/* Rows in the layer table (0 without an open model). */
guint       em_byom_page_get_n_layers (EmByomPage *self);

G_END_DECLS
