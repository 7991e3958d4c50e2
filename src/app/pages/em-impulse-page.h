/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gtk/gtk.h>
#include "em-project.h"
#include "em-impulse.h"
#include "em-block-registry.h"
#include "em-job.h"
#include "em-graph-view.h"
#include "em-block-palette.h"
#include "em-block-params.h"

G_BEGIN_DECLS

/* The graph node (and palette row) id of the impulse's input block; "#"
 * keeps it apart from block ids, which never contain one. */
#define EM_IMPULSE_PAGE_INPUT_ID "#input"

/* Impulse design: the block palette, the node-graph canvas bound to the
 * project's impulse and the selected block's parameters. Every change is
 * saved with em_impulse_save() at once; "impulse-changed" tells the window
 * when blocks came or went so its sidebar follows.
 *
 * Graph: one input node, a node per processing block (its input port takes
 * the input kinds the plugin declares; the input link is implicit in the
 * impulse, so it is always there) and per learning block (its input port
 * takes "features" from any number of processing blocks, in link order). */
#define EM_TYPE_IMPULSE_PAGE (em_impulse_page_get_type ())
G_DECLARE_FINAL_TYPE (EmImpulsePage, em_impulse_page, EM, IMPULSE_PAGE, GtkWidget)

GtkWidget          *em_impulse_page_new                (void);

/* @project: (nullable); @registry: (nullable) the default registry. */
void                em_impulse_page_set_project        (EmImpulsePage    *self,
                                                        EmProject        *project,
                                                        EmBlockRegistry  *registry);
/* (transfer none) (nullable): the impulse as last saved (or, before the
 * first edit of a project without one, as guessed from its samples). */
const EmImpulse    *em_impulse_page_get_impulse        (EmImpulsePage    *self);

/* What dropping palette block @plugin at graph (@x, @y) does: a processing
 * or learning block with a fresh id joins the impulse. Refused (FALSE +
 * error) for the input block, an unknown plugin and a processing block
 * that cannot read this project's input. (transfer full) the new id. */
char               *em_impulse_page_add_block          (EmImpulsePage    *self,
                                                        const char       *plugin,
                                                        double            x,
                                                        double            y,
                                                        GError          **error);
/* Link processing block @from to learning block @to (the model's port
 * checks apply) and save. */
gboolean            em_impulse_page_link               (EmImpulsePage    *self,
                                                        const char       *from,
                                                        const char       *to,
                                                        GError          **error);
gboolean            em_impulse_page_unlink             (EmImpulsePage    *self,
                                                        const char       *from,
                                                        const char       *to,
                                                        GError          **error);
/* Delete a block; a processing block a learning block still uses is
 * refused with the core's reason (also shown as a toast). */
gboolean            em_impulse_page_remove_block       (EmImpulsePage    *self,
                                                        const char       *id,
                                                        GError          **error);
/* Select a node (NULL: none) and show its parameters. */
void                em_impulse_page_select_block       (EmImpulsePage    *self,
                                                        const char       *id);

/* Start "Generate features" as a job (also listed in the window's jobs
 * indicator). (transfer none) the job, or NULL + error when there is
 * nothing to compute or a generation runs already. */
EmJob              *em_impulse_page_generate_features  (EmImpulsePage    *self,
                                                        GError          **error);
/* (transfer none) (nullable) the running or last feature job. */
EmJob              *em_impulse_page_get_features_job   (EmImpulsePage    *self);

/* The last refusal or error shown to the user (nullable), for tests. */
const char         *em_impulse_page_get_last_error     (EmImpulsePage    *self);

/* (transfer none) parts, for focus and tests */
EmGraphView        *em_impulse_page_get_graph_view     (EmImpulsePage    *self);
EmBlockPalette     *em_impulse_page_get_palette        (EmImpulsePage    *self);
EmBlockParamsPanel *em_impulse_page_get_params_panel   (EmImpulsePage    *self);

G_END_DECLS
