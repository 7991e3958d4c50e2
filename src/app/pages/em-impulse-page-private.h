/* SPDX-License-Identifier: Apache-2.0 */
/* Shared between em-impulse-page.c (the widget, parameters, jobs) and
 * em-impulse-page-graph.c (impulse <-> node graph). */
#pragma once

#include <adwaita.h>
#include "em-impulse-page.h"

G_BEGIN_DECLS

struct _EmImpulsePage
{
  GtkWidget           parent_instance;

  /* template children */
  GtkStack           *stack;
  EmBlockPalette     *palette;
  EmGraphView        *graph_view;
  EmBlockParamsPanel *params_panel;
  GtkStack           *side_stack;
  GtkLabel           *summary_label;
  AdwStatusPage      *empty_page;

  EmProject          *project;
  EmBlockRegistry    *registry;
  EmImpulse          *impulse;      /* as saved (or guessed, until the first save) */
  char               *input_type;   /* "audio", "time-series" or "image" */
  GStrv               axis_names;   /* of the first sample (time series, audio) */

  EmGraphModel       *model;
  gboolean            rebuilding;   /* model signals during a rebuild are not edits */
  guint               sync_id;      /* idle: structural edits of the model -> impulse */
  guint               move_id;      /* timeout: node positions -> impulse */

  double              input_x, input_y; /* the input card: not part of the impulse */
  gboolean            input_placed;     /* input_x/y were saved or set by the user */
  gboolean            need_fit;         /* zoom to fit once the canvas has a size */

  char               *shown_id;     /* the node whose parameters are shown */
  EmJob              *features_job;
  char               *last_error;
  AdwToast           *toast;        /* weak: the page's toast on screen */
};

/* em-impulse-page-graph.c */
void      em_impulse_page_rebuild_graph  (EmImpulsePage *self);
void      em_impulse_page_disconnect_model (EmImpulsePage *self);
/* Read / write where the input card sits (a project setting of the editor). */
void      em_impulse_page_load_input_position (EmImpulsePage *self);
/* Apply pending edits of the model now (the idle would, a moment later). */
void      em_impulse_page_flush          (EmImpulsePage *self);

/* em-impulse-page.c */
/* Save @next as the project's impulse (taking it) and tell the world.
 * On failure the old impulse stays, the graph is rebuilt from it and the
 * error shown. */
gboolean  em_impulse_page_commit         (EmImpulsePage *self,
                                          EmImpulse     *next,
                                          GError       **error);
void      em_impulse_page_show_error     (EmImpulsePage *self,
                                          const char    *message);
/* em-impulse-page-params.c */
void      em_impulse_page_update_params  (EmImpulsePage *self);
/* The panel's "changed" handler. */
void      em_impulse_page_params_changed (EmBlockParamsPanel *panel,
                                          const char         *name,
                                          EmImpulsePage      *self);
/* A structure key: ids, plugins and learning inputs (not params or positions). */
char     *em_impulse_page_structure_key  (const EmImpulse *impulse);

G_END_DECLS
