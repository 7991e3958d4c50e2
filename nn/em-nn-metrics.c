/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stdio.h>
#include <json-glib/json-glib.h>
#include "em-nn-metrics.h"

EmNnClassMetrics *
em_nn_class_metrics (const int *y, const float *probs, int n, int n_classes, float threshold)
{
  EmNnClassMetrics *m = g_new0 (EmNnClassMetrics, 1);
  guint right = 0;
  double f1_sum = 0;
  int n_f1 = 0;

  g_return_val_if_fail (n_classes > 0, m);
  m->n_classes = n_classes;
  m->threshold = threshold;
  m->confusion = g_new0 (guint, (gsize) n_classes * n_classes);
  m->precision = g_new (double, n_classes);
  m->recall = g_new (double, n_classes);
  m->f1 = g_new (double, n_classes);

  for (int i = 0; i < n; i++)
    {
      const float *p = probs + (gsize) i * n_classes;
      int best = 0;
      for (int k = 1; k < n_classes; k++)
        if (p[k] > p[best])
          best = k;
      m->n++;
      /* A window whose label is out of range cannot be scored as right or
       * wrong either; count it with the uncertain ones rather than crash. */
      if (!(p[best] >= threshold) || y[i] < 0 || y[i] >= n_classes)
        {
          m->n_uncertain++;
          continue;
        }
      m->confusion[(gsize) y[i] * n_classes + best]++;
      if (best == y[i])
        right++;
    }

  guint certain = m->n - m->n_uncertain;
  m->accuracy = certain > 0 ? (double) right / certain : NAN;
  m->uncertain_rate = m->n > 0 ? (double) m->n_uncertain / m->n : NAN;

  for (int c = 0; c < n_classes; c++)
    {
      guint tp = m->confusion[(gsize) c * n_classes + c], predicted = 0, actual = 0;
      for (int k = 0; k < n_classes; k++)
        {
          predicted += m->confusion[(gsize) k * n_classes + c];
          actual += m->confusion[(gsize) c * n_classes + k];
        }
      double p = predicted > 0 ? (double) tp / predicted : NAN;
      double r = actual > 0 ? (double) tp / actual : NAN;
      m->precision[c] = p;
      m->recall[c] = r;
      m->f1[c] = (isnan (p) || isnan (r) || p + r == 0) ? NAN : 2 * p * r / (p + r);
      if (!isnan (m->f1[c]))
        {
          f1_sum += m->f1[c];
          n_f1++;
        }
    }
  m->macro_f1 = n_f1 > 0 ? f1_sum / n_f1 : NAN;
  return m;
}

void
em_nn_class_metrics_free (EmNnClassMetrics *m)
{
  if (m == NULL)
    return;
  g_free (m->confusion);
  g_free (m->precision);
  g_free (m->recall);
  g_free (m->f1);
  g_free (m);
}

static void
add_number (JsonBuilder *b, double v)
{
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

static void
add_array (JsonBuilder *b, const char *name, const double *v, int n)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (int i = 0; i < n; i++)
    add_number (b, v[i]);
  json_builder_end_array (b);
}

char *
em_nn_class_metrics_to_json (const EmNnClassMetrics *m, const char * const *labels)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  char buf[32];
  int nc = m->n_classes;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "n");
  json_builder_add_int_value (b, m->n);
  json_builder_set_member_name (b, "accuracy");
  add_number (b, m->accuracy);
  json_builder_set_member_name (b, "uncertain_rate");
  add_number (b, m->uncertain_rate);
  /* The threshold is a float: print it as the float it is (0.6, not
   * 0.60000002384185791). */
  g_snprintf (buf, sizeof buf, "%.7g", (double) m->threshold);
  json_builder_set_member_name (b, "threshold");
  add_number (b, g_ascii_strtod (buf, NULL));

  json_builder_set_member_name (b, "labels");
  json_builder_begin_array (b);
  for (int c = 0; c < nc; c++)
    {
      /* labels may be shorter than n_classes (NULL-terminated) or absent. */
      gboolean have = labels != NULL;
      for (int k = 0; have && k <= c; k++)
        if (labels[k] == NULL)
          have = FALSE;
      if (have)
        json_builder_add_string_value (b, labels[c]);
      else
        {
          g_snprintf (buf, sizeof buf, "%d", c);
          json_builder_add_string_value (b, buf);
        }
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "confusion");
  json_builder_begin_array (b);
  for (int a = 0; a < nc; a++)
    {
      json_builder_begin_array (b);
      for (int p = 0; p < nc; p++)
        json_builder_add_int_value (b, m->confusion[(gsize) a * nc + p]);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);

  add_array (b, "precision", m->precision, nc);
  add_array (b, "recall", m->recall, nc);
  add_array (b, "f1", m->f1, nc);
  json_builder_set_member_name (b, "macro_f1");
  add_number (b, m->macro_f1);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

void
em_nn_regression_metrics (const float *y, const float *predicted, int n, EmNnRegressionMetrics *out)
{
  double se = 0, ae = 0;

  for (int i = 0; i < n; i++)
    {
      double d = (double) predicted[i] - (double) y[i];
      se += d * d;
      ae += fabs (d);
    }
  out->n = n > 0 ? (guint) n : 0;
  out->mse = n > 0 ? se / n : NAN;
  out->mae = n > 0 ? ae / n : NAN;
}
