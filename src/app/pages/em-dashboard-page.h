/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gtk/gtk.h>

#include "em-project.h"
#include "em-bar-chart.h"

G_BEGIN_DECLS

/* The project at a glance, from what the project stores only: its name,
 * file and creation date; training / testing sample counts and lengths
 * and the samples per label (an EmBarChart); the impulse as text; per
 * learning block whether it is trained, when, its parameter count, the
 * float / int8 accuracy of its last test and whether the impulse changed
 * since (out of date).
 *
 * Refreshes on the project's "samples-changed", when it is mapped, and on
 * em_dashboard_page_reload().
 *
 * Action: "dashboard.show-page" (s): emits "show-page" with its parameter.
 * Signal: "show-page" (EmDashboardPage *self, const char *name): a button
 *   asks for a page of the window: "data", "impulse", "block:ID",
 *   "testing" or "deployment". */
#define EM_TYPE_DASHBOARD_PAGE (em_dashboard_page_get_type ())
G_DECLARE_FINAL_TYPE (EmDashboardPage, em_dashboard_page, EM, DASHBOARD_PAGE, GtkWidget)

GtkWidget  *em_dashboard_page_new                (EmProject       *project);

void        em_dashboard_page_reload             (EmDashboardPage *self);

/* Texts as shown, for tests and accessibility checks (transfer none).
 * Samples of @category (EmCategory): "16 samples · 2 min 8 s". */
const char *em_dashboard_page_get_samples_text   (EmDashboardPage *self,
                                                  int              category);
/* The samples-per-label chart. (transfer none) */
EmBarChart *em_dashboard_page_get_label_chart    (EmDashboardPage *self);
const char *em_dashboard_page_get_impulse_text   (EmDashboardPage *self);
/* A learning block's state line ("Not trained", "Trained … · 1,234
 * parameters", with " · out of date" when stale); NULL for an unknown block. */
const char *em_dashboard_page_get_model_state    (EmDashboardPage *self,
                                                  const char      *block_id);
/* The accuracy shown for @variant ("float" or "int8"): "92.5%",
 * "not tested", "—" (not available); NULL for an unknown block. */
const char *em_dashboard_page_get_accuracy_text  (EmDashboardPage *self,
                                                  const char      *block_id,
                                                  const char      *variant);

G_END_DECLS
