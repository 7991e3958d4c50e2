/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gtk/gtk.h>

#include "em-block-registry.h"
#include "em-project.h"

G_BEGIN_DECLS

/* Model testing: runs a learning block's trained model over every window
 * of the testing samples ("Classify all", em_model_test_async) and shows
 * the float and int8 results side by side — accuracy, uncertain rate,
 * macro F1, a confusion matrix and per-class precision / recall / F1 for
 * a classifier; MSE / MAE for regression; score summaries for anomaly
 * detection. The last stored test is shown when the page opens.
 *
 * Actions: "testing.classify-all", "testing.cancel".
 * Properties: "project", "registry" (construct-only), "testing" (read-only). */
#define EM_TYPE_TESTING_PAGE (em_testing_page_get_type ())
G_DECLARE_FINAL_TYPE (EmTestingPage, em_testing_page, EM, TESTING_PAGE, GtkWidget)

GtkWidget  *em_testing_page_new             (EmProject       *project,
                                             EmBlockRegistry *registry);

/* Re-read the impulse's learning blocks and the stored results; does
 * nothing while a test runs. */
void        em_testing_page_reload          (EmTestingPage *self);

/* The learning block shown (nullable) (transfer none); selecting one
 * shows its stored results. */
const char *em_testing_page_get_block_id    (EmTestingPage *self);
void        em_testing_page_set_block_id    (EmTestingPage *self,
                                             const char    *block_id);
gboolean    em_testing_page_get_testing     (EmTestingPage *self);

/* Texts as shown, for tests and accessibility checks (transfer none):
 * the accuracy of @variant ("float" or "int8"; "" when not shown) and the
 * status line. */
const char *em_testing_page_get_accuracy_text (EmTestingPage *self,
                                               const char    *variant);
const char *em_testing_page_get_status      (EmTestingPage *self);

G_END_DECLS
