/* SPDX-License-Identifier: Apache-2.0 */
/* The list of blocks the impulse editor can add, grouped by kind.  Drag a
 * row onto an EmGraphView (the drag carries the string "block:ID"), or
 * press Return / double-click on it to get "block-chosen" and let the app
 * place it at a default position: the keyboard path. */
#pragma once

#include <gtk/gtk.h>

#include "em-graph-model.h"

G_BEGIN_DECLS

#define EM_TYPE_BLOCK_PALETTE (em_block_palette_get_type ())
G_DECLARE_FINAL_TYPE (EmBlockPalette, em_block_palette, EM, BLOCK_PALETTE, GtkWidget)

GtkWidget *em_block_palette_new         (void);
/* Rows sort by kind (input, processing, learning, output), then name.
 * Adding an id again replaces that row. */
void       em_block_palette_add_block   (EmBlockPalette  *self,
                                         const char      *id,
                                         const char      *name,
                                         const char      *description,
                                         EmGraphNodeKind  kind);
void       em_block_palette_remove_all  (EmBlockPalette  *self);
guint      em_block_palette_get_n_blocks (EmBlockPalette *self);
/* The row widget of @id (a GtkListBoxRow), for focus and tests; (nullable). */
GtkWidget *em_block_palette_get_row     (EmBlockPalette  *self,
                                         const char      *id);
/* What a row's drag source provides: (transfer full). */
GdkContentProvider *em_block_palette_content_for (EmBlockPalette *self,
                                                  const char     *id);

G_END_DECLS
