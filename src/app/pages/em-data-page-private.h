/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <adwaita.h>
#include "em-data-page.h"
#include "em-sample-list-model.h"

G_BEGIN_DECLS

typedef struct _EmDataUndo EmDataUndo;

struct _EmDataPage
{
  GtkWidget          parent_instance;

  /* template children */
  AdwToastOverlay   *toast_overlay;
  GtkLabel          *summary_label;
  GtkLevelBar       *split_bar;
  GtkLabel          *split_label;
  GtkFlowBox        *label_flow;
  GtkDropDown       *label_dropdown;
  GtkStringList     *label_list;
  GtkDropDown       *category_dropdown;
  GtkSearchEntry    *search_entry;
  GtkPopover        *record_popover;  /* holds an EmRecordPanel for the project */
  GtkRevealer       *import_revealer;
  GtkLabel          *import_label;
  GtkProgressBar    *import_progress;
  GtkStack          *stack;
  GtkColumnView     *column_view;
  AdwStatusPage     *empty_page;
  GtkRevealer       *selection_revealer;
  GtkLabel          *selection_label;
  GtkMenuButton     *relabel_button;
  GtkPopover        *relabel_popover;
  GtkEntry          *relabel_entry;
  EmSampleViewer    *viewer;

  EmProject         *project;
  EmSampleListModel *model;
  GtkMultiSelection *selection;
  GPtrArray         *labels;      /* the label dropdown's entries after "All labels" */
  gboolean           updating_labels;
  char              *filter_key;
  char              *label_summary; /* "no 2 · yes 3" */  /* the filter last given to the model */
  GList             *chips;       /* label-count buttons in label_flow */

  EmDataUndo        *undo;        /* the edit the visible toast can undo */
  EmJob             *import_job;
};

/* em-data-page-actions.c */
void em_data_page_actions_class_init (GtkWidgetClass *widget_class);
void em_data_page_update_actions     (EmDataPage *self);
void em_data_page_toast              (EmDataPage *self, const char *title);
void em_data_page_clear_undo         (EmDataPage *self);
void em_data_page_relabel_apply_cb   (EmDataPage *self);
void em_data_page_import_cancel_cb   (EmDataPage *self);
void em_data_page_emit_job_started (EmDataPage *self, EmJob *job);
gboolean em_data_page_drop_cb        (GtkDropTarget *target, const GValue *value, double x,
                                      double y, EmDataPage *self);

G_END_DECLS
