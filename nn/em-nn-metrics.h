/* SPDX-License-Identifier: Apache-2.0 */
/* em-nn-metrics.h — what testing reports: classification accuracy,
 * per-class precision / recall / F1, the confusion matrix and the rate of
 * uncertain windows (top probability below a threshold); regression MSE and
 * MAE. Stored in the project as JSON for the app to show.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  int      n_classes;
  guint    n;              /* windows scored */
  guint    n_uncertain;    /* top probability < threshold: not counted as right or wrong */
  float    threshold;
  guint   *confusion;      /* [actual][predicted], n_classes × n_classes (certain windows only) */
  double   accuracy;       /* right / (n - n_uncertain); NAN when every window was uncertain */
  double   uncertain_rate; /* n_uncertain / n */
  double  *precision;      /* [n_classes]; NAN when nothing was predicted as the class */
  double  *recall;         /* [n_classes]; NAN when the class has no certain windows */
  double  *f1;             /* [n_classes]; NAN when precision or recall is NAN or both 0 */
  double   macro_f1;       /* mean of the defined F1s */
} EmNnClassMetrics;

/* y: [n] true classes; probs: n × n_classes. (transfer full) */
EmNnClassMetrics *em_nn_class_metrics     (const int *y, const float *probs, int n, int n_classes,
                                           float threshold);
void              em_nn_class_metrics_free (EmNnClassMetrics *m);
/* {"n", "accuracy", "uncertain_rate", "threshold", "labels": [...], "confusion": [[...]],
 *  "precision": [...], "recall": [...], "f1": [...], "macro_f1"}; NAN → null. (transfer full) */
char             *em_nn_class_metrics_to_json (const EmNnClassMetrics *m, const char * const *labels);

typedef struct {
  guint  n;
  double mse, mae;
} EmNnRegressionMetrics;

void              em_nn_regression_metrics (const float *y, const float *predicted, int n,
                                            EmNnRegressionMetrics *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmNnClassMetrics, em_nn_class_metrics_free)
G_END_DECLS
