/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gtk/gtk.h>
#include "em-project.h"

G_BEGIN_DECLS

/* The project's samples: a summary line (totals, training/testing split,
 * per-label counts), a search entry and a column view over an
 * EmSampleListModel, so a project with 100k samples scrolls without
 * loading them all. */
#define EM_TYPE_SAMPLES_PAGE (em_samples_page_get_type ())
G_DECLARE_FINAL_TYPE (EmSamplesPage, em_samples_page, EM, SAMPLES_PAGE, GtkWidget)

GtkWidget  *em_samples_page_new               (void);

/* (nullable) (transfer none) */
EmProject  *em_samples_page_get_project       (EmSamplesPage *self);
/* @project: (nullable); clears the search. */
void        em_samples_page_set_project       (EmSamplesPage *self,
                                               EmProject     *project);

/* Move keyboard focus to the search entry (Ctrl+F). */
void        em_samples_page_focus_search      (EmSamplesPage *self);

/* The texts of the summary line as shown, e.g. "5 samples · 3 training · 2 testing"
 * and "no 2 · yes 3"; for tests and accessibility checks. (transfer none) */
const char *em_samples_page_get_summary       (EmSamplesPage *self);
const char *em_samples_page_get_label_summary (EmSamplesPage *self);

G_END_DECLS
