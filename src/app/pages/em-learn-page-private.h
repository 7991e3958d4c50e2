/* SPDX-License-Identifier: Apache-2.0 */
/* EmLearnPage's insides, shared by em-learn-page.c (loading, training),
 * em-learn-page-settings.c (the settings form) and em-learn-page-report.c
 * (the trained model's report and curves). */
#pragma once

#include <adwaita.h>

#include "em-learn-page.h"
#include "em-confusion-matrix.h"
#include "em-line-plot.h"
#include "em-learn.h"

G_BEGIN_DECLS

struct _EmLearnPage
{
  GtkWidget            parent_instance;

  /* template children */
  GtkStack            *stack;
  AdwStatusPage       *missing_page;
  GtkLabel            *title_label;
  GtkLabel            *description_label;
  AdwPreferencesGroup *settings_group;
  AdwPreferencesGroup *augment_group;
  AdwPreferencesGroup *arch_group;
  EmLayerList         *layer_list;
  GtkLabel            *status_label;
  GtkProgressBar      *progress_bar;
  GtkWidget           *curves_box;
  EmLinePlot          *loss_plot;
  EmLinePlot          *accuracy_plot;
  GtkStack            *result_stack;
  AdwPreferencesGroup *result_group;
  GtkLabel            *stale_label;
  EmConfusionMatrix   *confusion;
  GtkWidget           *confusion_box;
  GtkLabel            *confusion_title;
  GtkLabel            *accuracy_label;  /* made in code: the validation accuracy */
  GtkGrid             *metrics_grid;    /* per-class precision / recall / F1 */
  GtkLabel            *validation_note; /* why there is no validation matrix */
  AdwActionRow        *params_row;
  AdwActionRow        *macs_row;
  AdwActionRow        *float_row;
  AdwActionRow        *int8_row;
  AdwActionRow        *epoch_row;
  AdwActionRow        *data_row;
  AdwActionRow        *time_row;
  GPtrArray           *detail_rows;   /* rows for the rest of the block's report */

  EmProject           *project;
  EmBlockRegistry     *registry;
  char                *block_id;
  EmBlock             *block;         /* NULL when the block or its plugin is missing */
  EmLearnTask          task;

  GHashTable          *editors;       /* param name -> editor widget; (transfer none) values */
  GPtrArray           *form_rows;     /* rows made for the schema, removed on reload */
  gboolean             loading;       /* filling editors: their signals are not edits */
  gboolean             arch_default;  /* the layer list shows the defaults, "architecture" = "" */

  EmSeriesModel       *loss_model;
  EmSeriesModel       *accuracy_model;
  int                  series[4];     /* train loss, val loss, train acc, val acc; -1 = not yet */

  GCancellable        *cancellable;   /* the running job's: training or the defaults */
  gboolean             training;
  gboolean             fetching_defaults;
  gint                 run;           /* counts trainings, so a late update of an old one is dropped */
  gint64               model_time;
  gboolean             disposed;
};

/* em-learn-page-settings.c */
/* Sets parameter @name of the block in the project's impulse. @value: (transfer full) */
void     em_learn_page_save_param   (EmLearnPage *self, const char *name, JsonNode *value);
/* Makes the settings rows for @lb's block and fills the layer list. */
void     em_learn_page_build_form   (EmLearnPage *self, EmImpulseLearnBlock *lb);

/* em-learn-page-report.c */
/* Clears the curves' series (they are made as values arrive). */
void     em_learn_page_clear_curves (EmLearnPage *self);
/* Adds one epoch's points; NaN values add none. */
void     em_learn_page_add_epoch    (EmLearnPage *self, int epoch, double loss, double accuracy,
                                     double val_loss, double val_accuracy);
/* Shows the stored model of the block, or that there is none; fills the
 * curves from its history. Returns the model's architecture (for the layer
 * list when the settings leave it to the defaults). (transfer full) (nullable) */
char    *em_learn_page_show_report  (EmLearnPage *self);
void     em_learn_page_set_status   (EmLearnPage *self, const char *text, gboolean error);

G_END_DECLS
