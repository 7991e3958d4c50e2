/* SPDX-License-Identifier: Apache-2.0 */
/* Metrics against a hand-worked example. */
#include <math.h>
#include <string.h>
#include <json-glib/json-glib.h>
#include "em-nn-metrics.h"

/* 10 windows, 3 classes, threshold 0.6. Top probabilities:
 *   w0 y0→0 .90   w1 y0→0 .80   w2 y0→1 .70   w3 y1→1 .90   w4 y1→0 .65
 *   w5 y1→1 .50 (uncertain)     w6 y2→2 .95   w7 y2→1 .55 (uncertain)
 *   w8 y2→0 .70   w9 y0→0 .40 (uncertain)
 * Certain confusion [actual][predicted]: [2 1 0] [1 1 0] [1 0 1]. */
static const int ex_y[10] = { 0, 0, 0, 1, 1, 1, 2, 2, 2, 0 };
static const float ex_p[30] = {
  .90f, .05f, .05f,   .80f, .10f, .10f,   .20f, .70f, .10f,   .05f, .90f, .05f,
  .65f, .30f, .05f,   .30f, .50f, .20f,   .02f, .03f, .95f,   .25f, .55f, .20f,
  .70f, .10f, .20f,   .40f, .30f, .30f,
};

static void
test_hand_example (void)
{
  g_autoptr(EmNnClassMetrics) m = em_nn_class_metrics (ex_y, ex_p, 10, 3, 0.6f);
  const guint want[9] = { 2, 1, 0, 1, 1, 0, 1, 0, 1 };

  g_assert_cmpuint (m->n, ==, 10);
  g_assert_cmpuint (m->n_uncertain, ==, 3);
  g_assert_cmpmem (m->confusion, sizeof want, want, sizeof want);
  g_assert_cmpfloat_with_epsilon (m->accuracy, 4.0 / 7, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->uncertain_rate, 0.3, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->precision[0], 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->precision[1], 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->precision[2], 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->recall[0], 2.0 / 3, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->recall[1], 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->recall[2], 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->f1[0], 4.0 / 7, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->f1[1], 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->f1[2], 2.0 / 3, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->macro_f1, (4.0 / 7 + 0.5 + 2.0 / 3) / 3, 1e-12);

  /* Threshold 0: nothing is uncertain. */
  g_autoptr(EmNnClassMetrics) all = em_nn_class_metrics (ex_y, ex_p, 10, 3, 0.f);
  g_assert_cmpuint (all->n_uncertain, ==, 0);
  g_assert_cmpfloat_with_epsilon (all->accuracy, 6.0 / 10, 1e-12);
}

static JsonObject *
parse (const char *json, JsonParser *parser)
{
  g_autoptr(GError) error = NULL;
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_undefined_and_json (void)
{
  /* Class 2 never occurs and is never predicted; class 1 occurs but is
   * always wrong and never predicted right: precision 0/1, recall 0/1. */
  const int y[4] = { 0, 0, 1, 1 };
  const float p[12] = { .9f, .1f, 0, .8f, .2f, 0, .7f, .3f, 0, .2f, .8f, 0 };
  /* w2 (y1) → 0, w3 (y1) → 1 ... make w3 wrong as well: */
  float q[12];
  memcpy (q, p, sizeof q);
  q[9] = .8f, q[10] = .2f;   /* w3 → 0 */
  q[3] = .2f, q[4] = .8f;    /* w1 (y0) → 1: class 1 predicted once, wrongly */
  g_autoptr(EmNnClassMetrics) m = em_nn_class_metrics (y, q, 4, 3, 0.5f);

  g_assert_cmpfloat_with_epsilon (m->precision[0], 1.0 / 3, 1e-12);
  g_assert_cmpfloat_with_epsilon (m->recall[0], 0.5, 1e-12);
  g_assert_cmpfloat (m->precision[1], ==, 0.0);
  g_assert_cmpfloat (m->recall[1], ==, 0.0);
  g_assert_true (isnan (m->f1[1]));            /* both 0 */
  g_assert_true (isnan (m->precision[2]));     /* never predicted */
  g_assert_true (isnan (m->recall[2]));        /* no windows */
  g_assert_true (isnan (m->f1[2]));
  g_assert_cmpfloat_with_epsilon (m->macro_f1, 2 * (1.0 / 3) * 0.5 / (1.0 / 3 + 0.5), 1e-12);

  const char *labels[] = { "idle", "wave", "snake", NULL };
  g_autofree char *json = em_nn_class_metrics_to_json (m, labels);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o = parse (json, parser);
  g_assert_cmpint (json_object_get_int_member (o, "n"), ==, 4);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "accuracy"), 0.25, 1e-12);
  g_assert_cmpfloat (json_object_get_double_member (o, "threshold"), ==, 0.5);
  JsonArray *l = json_object_get_array_member (o, "labels");
  g_assert_cmpstr (json_array_get_string_element (l, 2), ==, "snake");
  JsonArray *conf = json_object_get_array_member (o, "confusion");
  g_assert_cmpint (json_array_get_int_element (json_array_get_array_element (conf, 1), 0), ==, 2);
  JsonArray *prec = json_object_get_array_member (o, "precision");
  g_assert_cmpuint (json_array_get_length (prec), ==, 3);
  g_assert_true (json_array_get_null_element (prec, 2));
  g_assert_false (json_array_get_null_element (prec, 1));
  g_assert_true (json_array_get_null_element (json_object_get_array_member (o, "f1"), 1));
  g_assert_true (json_array_get_null_element (json_object_get_array_member (o, "recall"), 2));
  g_assert_nonnull (strstr (json, "null"));
  g_assert_null (strstr (json, "nan"));

  /* Everything uncertain: accuracy and macro F1 undefined → null. */
  g_autoptr(EmNnClassMetrics) u = em_nn_class_metrics (y, q, 4, 3, 0.99f);
  g_assert_true (isnan (u->accuracy));
  g_assert_cmpfloat (u->uncertain_rate, ==, 1.0);
  g_autofree char *json2 = em_nn_class_metrics_to_json (u, NULL);
  g_autoptr(JsonParser) parser2 = json_parser_new ();
  JsonObject *o2 = parse (json2, parser2);
  g_assert_true (json_object_get_null_member (o2, "accuracy"));
  g_assert_true (json_object_get_null_member (o2, "macro_f1"));
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (o2, "labels"), 1), ==, "1");
}

static void
test_regression (void)
{
  const float y[4] = { 1, 2, 3, 4 }, p[4] = { 1.5f, 2, 1, 5 };
  EmNnRegressionMetrics r;

  /* errors .5, 0, -2, 1: MSE (.25 + 0 + 4 + 1) / 4, MAE 3.5 / 4 */
  em_nn_regression_metrics (y, p, 4, &r);
  g_assert_cmpuint (r.n, ==, 4);
  g_assert_cmpfloat_with_epsilon (r.mse, 5.25 / 4, 1e-12);
  g_assert_cmpfloat_with_epsilon (r.mae, 3.5 / 4, 1e-12);
  em_nn_regression_metrics (y, p, 0, &r);
  g_assert_cmpuint (r.n, ==, 0);
  g_assert_true (isnan (r.mse));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nn/metrics/hand-example", test_hand_example);
  g_test_add_func ("/nn/metrics/undefined-json", test_undefined_and_json);
  g_test_add_func ("/nn/metrics/regression", test_regression);
  return g_test_run ();
}
