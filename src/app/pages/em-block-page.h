/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <adwaita.h>
#include "em-block-registry.h"
#include "em-project.h"

G_BEGIN_DECLS

/* The page of one processing block of the impulse: its parameters (saved
 * to the project's impulse as they change), a live preview of the features
 * of one window of a chosen sample (a heatmap for rows × cols features, bars
 * for a flat vector; computed on a worker thread, debounced), "Generate
 * features" as a cancellable job, and the feature explorer: the stored 2-D
 * projection coloured by label.
 *
 * Signals: "sample-activated" (gint64 sample id): a point of the explorer
 * was clicked. */
#define EM_TYPE_BLOCK_PAGE (em_block_page_get_type ())
G_DECLARE_FINAL_TYPE (EmBlockPage, em_block_page, EM, BLOCK_PAGE, GtkWidget)

GtkWidget  *em_block_page_new              (EmProject       *project,
                                            EmBlockRegistry *registry,
                                            const char      *block_id);

const char *em_block_page_get_block_id     (EmBlockPage     *self);
/* Re-read the impulse and the stored projection (after the impulse was
 * edited elsewhere). */
void        em_block_page_reload           (EmBlockPage     *self);

/* For tests and the window. */
/* Previews computed so far (each finished one counts). */
guint       em_block_page_get_preview_count (EmBlockPage    *self);
gboolean    em_block_page_preview_busy     (EmBlockPage     *self);
/* The generation job running or last run (nullable, transfer none). */
GObject    *em_block_page_get_job          (EmBlockPage     *self);
void        em_block_page_generate         (EmBlockPage     *self);
/* (transfer none) the parts a test drives or inspects. */
GtkWidget  *em_block_page_get_params_panel (EmBlockPage     *self);
GtkWidget  *em_block_page_get_heatmap      (EmBlockPage     *self);
GtkWidget  *em_block_page_get_bar_chart    (EmBlockPage     *self);
GtkWidget  *em_block_page_get_scatter_plot (EmBlockPage     *self);
/* "heatmap", "bars" or "message". */
const char *em_block_page_get_preview_kind (EmBlockPage     *self);
/* The preview's or the generation's last error (nullable). */
const char *em_block_page_get_last_error   (EmBlockPage     *self);

G_END_DECLS
