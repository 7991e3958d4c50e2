/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <adwaita.h>
#include "em-project.h"
#include "em-job.h"
#include "em-jobs-indicator.h"
#include "pages/em-data-page.h"
#include "pages/em-impulse-page.h"

G_BEGIN_DECLS

/* A window shows one project, or a start page with "Open Project…" when it
 * has none. Opening a project into a window that already shows one is the
 * application's job (one window per project, see EmApplication). */
#define EM_TYPE_WINDOW (em_window_get_type ())
G_DECLARE_FINAL_TYPE (EmWindow, em_window, EM, WINDOW, AdwApplicationWindow)

/* @application: (nullable): tests run windows without one. */
EmWindow      *em_window_new              (GtkApplication *application);

/* (nullable) (transfer none) */
EmProject     *em_window_get_project      (EmWindow  *self);
/* Show @project (nullable: back to the start page). */
void           em_window_set_project      (EmWindow  *self,
                                           EmProject *project);

/* Open the project at @file into this window. On failure (not a local file,
 * not an Ember project, damaged, written by a newer Ember) the window keeps
 * what it showed, presents an error dialog and returns FALSE. */
gboolean       em_window_open_file        (EmWindow  *self,
                                           GFile     *file);
/* The error dialog em_window_open_file() uses, for callers that opened
 * the project themselves. */
void           em_window_show_open_error  (EmWindow     *self,
                                           GFile        *file,
                                           const GError *error);

/* Whether this window shows the project stored at @file. */
gboolean       em_window_shows_file       (EmWindow  *self,
                                           GFile     *file);

/* @toast: (transfer full) */
void           em_window_add_toast        (EmWindow  *self,
                                           AdwToast  *toast);

/* (transfer none) */
EmDataPage    *em_window_get_data_page    (EmWindow  *self);
/* (transfer none) */
EmImpulsePage *em_window_get_impulse_page (EmWindow  *self);

/* The workflow pages, in sidebar order: "dashboard", "devices", "data",
 * "impulse", "block:ID" per block of the impulse (processing, then
 * learning), "retrain", "live", "testing", "deployment", "versions".
 * (transfer full) */
GStrv          em_window_list_pages       (EmWindow   *self);
/* Show page @name (selects its sidebar row); FALSE if there is none. */
gboolean       em_window_show_page        (EmWindow   *self,
                                           const char *name);
/* (nullable) (transfer none) */
const char    *em_window_get_visible_page (EmWindow   *self);
/* (nullable) (transfer none): the widget of page @name. */
GtkWidget     *em_window_get_page         (EmWindow   *self,
                                           const char *name);

/* List a running @job in the header bar's jobs indicator (any page may
 * start one: it stays listed until it finishes). */
void           em_window_add_job          (EmWindow   *self,
                                           EmJob      *job);
/* (transfer none) */
EmJobsIndicator *em_window_get_jobs_indicator (EmWindow *self);

G_END_DECLS
