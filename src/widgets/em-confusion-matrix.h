/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* An n × n confusion matrix: rows are the actual class, columns the
 * predicted one. Each cell is shaded by its share of its row (so a rare
 * class reads as clearly as a common one) — blue on the diagonal (right),
 * red off it (wrong) — and prints that share as a percentage, plus the raw
 * count when there is room. The cells carry their own backdrop, so the
 * text colour is picked against a known colour in light and dark mode.
 *
 * Properties: "show-counts" (default TRUE). */
#define EM_TYPE_CONFUSION_MATRIX (em_confusion_matrix_get_type ())
G_DECLARE_FINAL_TYPE (EmConfusionMatrix, em_confusion_matrix, EM, CONFUSION_MATRIX, GtkWidget)

GtkWidget *em_confusion_matrix_new             (void);

/* Copies @counts (n × n, counts[actual * n + predicted]) and @labels
 * (nullable: n strings; without them classes show as 0 .. n-1). @n of 0
 * clears. */
void       em_confusion_matrix_set_data        (EmConfusionMatrix  *self,
                                                guint               n,
                                                const char * const *labels,
                                                const guint        *counts);
guint      em_confusion_matrix_get_n           (EmConfusionMatrix  *self);
/* counts[actual][predicted] / sum of row @actual, or NaN for an empty row. */
double     em_confusion_matrix_get_fraction    (EmConfusionMatrix  *self,
                                                guint               actual,
                                                guint               predicted);

gboolean   em_confusion_matrix_get_show_counts (EmConfusionMatrix  *self);
void       em_confusion_matrix_set_show_counts (EmConfusionMatrix  *self,
                                                gboolean            show);

G_END_DECLS
