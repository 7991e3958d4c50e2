/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by em-window.c (window, opening, state) and em-window-pages.c
 * (the workflow sidebar and its pages). */
#pragma once

#include "em-window.h"

G_BEGIN_DECLS

struct _EmWindow
{
  AdwApplicationWindow parent_instance;

  /* template children */
  AdwToastOverlay     *toast_overlay;
  AdwWindowTitle      *window_title;
  GtkStack            *stack;
  GtkListBox          *sidebar;
  GtkStack            *pages;
  EmDataPage          *data_page;
  EmImpulsePage       *impulse_page;
  EmJobsIndicator     *jobs_indicator;

  GSettings           *settings; /* NULL when the schema is not installed */
  EmProject           *project;
  GtkNativeDialog     *open_dialog;
  GtkNativeDialog     *new_dialog;
  gboolean             filling_sidebar; /* row changes are not the user's choice */
};

/* em-window-pages.c */
void em_window_pages_init        (EmWindow *self);
/* After the project changed: (re)make the pages that depend on it. */
void em_window_pages_set_project (EmWindow *self);
/* The impulse's blocks changed: their sidebar rows and pages follow. */
void em_window_pages_update      (EmWindow *self);
void em_window_pages_class_init  (GtkWidgetClass *widget_class);

G_END_DECLS
