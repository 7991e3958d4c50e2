/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A neural network's layers as an editable list: one row per layer with
 * its type, its size (units, filters, pool size or dropout rate), its
 * kernel and activation where the type has them, and the output shape the
 * engine infers; rows can be added, removed and moved. The list reads and
 * writes the architecture JSON nn/em-nn-model.h describes
 * ({"input_shape": [...], "layers": [...]}); keys it has no editor for
 * (strides, padding, reshape shapes, ...) are kept as they were.
 *
 * Signals: "changed" after every edit by the user (not after
 * em_layer_list_set_architecture()). */
#define EM_TYPE_LAYER_LIST (em_layer_list_get_type ())
G_DECLARE_FINAL_TYPE (EmLayerList, em_layer_list, EM, LAYER_LIST, GtkWidget)

GtkWidget  *em_layer_list_new              (void);

/* Replaces the layers. @architecture: (nullable) the JSON; NULL or "" empties
 * the list (and forgets the input shape). FALSE + error when it is not an
 * object with "input_shape" and a "layers" array; the list is then unchanged. */
gboolean    em_layer_list_set_architecture (EmLayerList *self,
                                            const char  *architecture,
                                            GError     **error);
/* The layers as one-line JSON; NULL when no input shape is known.
 * (transfer full) (nullable) */
char       *em_layer_list_get_architecture (EmLayerList *self);

guint       em_layer_list_get_n_layers     (EmLayerList *self);
/* (transfer none): "dense", "conv1d", ... */
const char *em_layer_list_get_layer_type   (EmLayerList *self,
                                            guint        index);
/* Edits as the row's buttons make them; each emits "changed". */
void        em_layer_list_append           (EmLayerList *self,
                                            const char  *type);
void        em_layer_list_remove           (EmLayerList *self,
                                            guint        index);
/* Moves layer @index by @delta places (clamped to the list). */
void        em_layer_list_move             (EmLayerList *self,
                                            guint        index,
                                            int          delta);

/* Does the engine accept the layers for the input shape? The check line
 * under the list says why not, or the parameter and MAC counts. */
gboolean    em_layer_list_get_valid        (EmLayerList *self);
/* (transfer none) */
const char *em_layer_list_get_check        (EmLayerList *self);

G_END_DECLS
