/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <adwaita.h>
#include "em-project.h"
#include "pages/em-samples-page.h"

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
EmSamplesPage *em_window_get_samples_page (EmWindow  *self);

G_END_DECLS
