/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The side panel of the impulse editor: one block's parameters as rows
 * generated from its parameter schema (the JSON ember-plugin.h describes):
 *   int, float -> a spin button limited to "min".."max"
 *   enum       -> a combo row of "values"
 *   bool       -> a switch
 *   string     -> an entry (committed on Return or when focus leaves)
 *   flags      -> (app-only) check boxes for "values"; the value is an
 *                 array of the checked ones, e.g. the input block's axes
 * "label", "help" and "units" become the row's title and subtitle.
 *
 * The type is EmBlockParamsPanel, not EmBlockParams: the core already has
 * an EmBlockParams (resolved parameters, em-block-registry.h). */
#define EM_TYPE_BLOCK_PARAMS_PANEL (em_block_params_panel_get_type ())
G_DECLARE_FINAL_TYPE (EmBlockParamsPanel, em_block_params_panel, EM, BLOCK_PARAMS_PANEL, GtkWidget)

GtkWidget  *em_block_params_panel_new        (void);

/* Show a block: @schema (transfer none) its parameters; @values
 * (nullable, transfer none) what is set, the rest show their defaults.
 * Replaces what was shown; emits nothing. */
void        em_block_params_panel_set_block  (EmBlockParamsPanel *self,
                                              const char         *title,
                                              const char         *description,
                                              JsonArray          *schema,
                                              JsonObject         *values);
/* Back to "Select a block". */
void        em_block_params_panel_clear      (EmBlockParamsPanel *self);

/* (transfer full): the given values with the user's edits on top (a value
 * never touched and not given stays absent, so defaults keep applying). */
JsonObject *em_block_params_panel_get_values (EmBlockParamsPanel *self);
/* The widget editing @name (GtkSpinButton, GtkSwitch, AdwComboRow,
 * GtkEntry, or the AdwExpanderRow of a flags parameter), for tests and
 * focus; (nullable) (transfer none). */
GtkWidget  *em_block_params_panel_get_editor (EmBlockParamsPanel *self,
                                              const char         *name);
/* Mark @name's row as wrong and show @message under the rows; NULLs clear. */
void        em_block_params_panel_set_error  (EmBlockParamsPanel *self,
                                              const char         *name,
                                              const char         *message);

G_END_DECLS
