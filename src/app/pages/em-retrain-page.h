/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gtk/gtk.h>

#include "em-block-registry.h"
#include "em-job.h"
#include "em-project.h"

G_BEGIN_DECLS

/* Retrain model: one button runs, as one cancellable EmJob with progress
 * and a log, feature generation for every processing block of the impulse,
 * then training of every learning block with its stored parameters, then a
 * test of each. Each step shows its result. A cancel stops at once; the
 * core stores a model only when its training finishes, so every learning
 * block keeps the model it had, which the page says (with its date).
 *
 * Actions: "retrain.start", "retrain.cancel".
 * Properties: "project", "registry" (construct-only), "running" (read-only).
 * Signals: "job-started" (EmJob *job): a run began (for a jobs indicator);
 *   "finished" (EmJobState state): a run ended and models may have changed. */
#define EM_TYPE_RETRAIN_PAGE (em_retrain_page_get_type ())
G_DECLARE_FINAL_TYPE (EmRetrainPage, em_retrain_page, EM, RETRAIN_PAGE, GtkWidget)

GtkWidget  *em_retrain_page_new            (EmProject       *project,
                                            EmBlockRegistry *registry);

/* Re-read the impulse's blocks into the step list; nothing while running. */
void        em_retrain_page_reload         (EmRetrainPage *self);
gboolean    em_retrain_page_get_running    (EmRetrainPage *self);
/* The current or last run's job (nullable) (transfer none). */
EmJob      *em_retrain_page_get_job        (EmRetrainPage *self);

/* Texts as shown (transfer none): steps in order ("features:ID",
 * "train:ID", "test:ID") with their result lines, and the status line. */
guint       em_retrain_page_get_n_steps    (EmRetrainPage *self);
const char *em_retrain_page_get_step_name  (EmRetrainPage *self,
                                            guint          i);
const char *em_retrain_page_get_step_result (EmRetrainPage *self,
                                            guint          i);
const char *em_retrain_page_get_status     (EmRetrainPage *self);

G_END_DECLS
