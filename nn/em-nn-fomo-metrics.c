/* SPDX-License-Identifier: Apache-2.0 */
/* FOMO detection metrics: a predicted centroid inside a same-class ground
 * truth box is a hit. FOMO predicts centroids, not extents, so IoU-based
 * mAP would measure the cell grid rather than the detector. */
#include <math.h>

#include <json-glib/json-glib.h>

#include "em-nn-fomo.h"
#include "em-nn-model.h"

EmNnFomoMetrics *
em_nn_fomo_metrics_new (int n_classes)
{
  EmNnFomoMetrics *m;

  g_return_val_if_fail (n_classes >= 1, NULL);
  m = g_new0 (EmNnFomoMetrics, 1);
  m->n_classes = n_classes;
  m->tp = g_new0 (guint, n_classes);
  m->fp = g_new0 (guint, n_classes);
  m->fn = g_new0 (guint, n_classes);
  m->precision = g_new (double, n_classes);
  m->recall = g_new (double, n_classes);
  m->f1 = g_new (double, n_classes);
  for (int c = 0; c < n_classes; c++)
    m->precision[c] = m->recall[c] = m->f1[c] = NAN;
  m->precision_all = m->recall_all = m->f1_all = m->macro_f1 = NAN;
  return m;
}

void
em_nn_fomo_metrics_free (EmNnFomoMetrics *m)
{
  if (m == NULL)
    return;
  g_free (m->tp);
  g_free (m->fp);
  g_free (m->fn);
  g_free (m->precision);
  g_free (m->recall);
  g_free (m->f1);
  g_free (m);
}

static void
rates (guint tp, guint fp, guint fn, double *precision, double *recall, double *f1)
{
  *precision = tp + fp > 0 ? (double) tp / (tp + fp) : NAN;
  *recall = tp + fn > 0 ? (double) tp / (tp + fn) : NAN;
  if (isnan (*precision) || isnan (*recall))
    *f1 = NAN;
  else if (*precision + *recall == 0)
    *f1 = 0;
  else
    *f1 = 2 * *precision * *recall / (*precision + *recall);
}

static void
update_rates (EmNnFomoMetrics *m)
{
  guint tp = 0, fp = 0, fn = 0, n_defined = 0;
  double f1_sum = 0;

  for (int c = 0; c < m->n_classes; c++)
    {
      rates (m->tp[c], m->fp[c], m->fn[c], &m->precision[c], &m->recall[c], &m->f1[c]);
      tp += m->tp[c];
      fp += m->fp[c];
      fn += m->fn[c];
      if (!isnan (m->f1[c]))
        {
          f1_sum += m->f1[c];
          n_defined++;
        }
    }
  rates (tp, fp, fn, &m->precision_all, &m->recall_all, &m->f1_all);
  m->macro_f1 = n_defined > 0 ? f1_sum / n_defined : NAN;
}

/* Highest score first; the earlier prediction first on a tie. */
static int
by_score (gconstpointer a, gconstpointer b, gpointer data)
{
  const EmNnFomoObject *objects = data;
  int i = *(const int *) a, j = *(const int *) b;

  if (objects[i].score != objects[j].score)
    return objects[i].score > objects[j].score ? -1 : 1;
  return i - j;
}

gboolean
em_nn_fomo_metrics_add (EmNnFomoMetrics *m, const EmNnFomoBox *truth, int n_truth,
                        const EmNnFomoObject *predicted, int n_predicted, GError **error)
{
  g_autofree gboolean *matched = NULL;
  g_autofree int *order = NULL;

  g_return_val_if_fail (m != NULL, FALSE);
  g_return_val_if_fail (n_truth >= 0 && (n_truth == 0 || truth != NULL), FALSE);
  g_return_val_if_fail (n_predicted >= 0 && (n_predicted == 0 || predicted != NULL), FALSE);

  for (int i = 0; i < n_truth; i++)
    if (truth[i].label < 1 || truth[i].label > m->n_classes)
      {
        g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA,
                     "FOMO metrics: ground-truth box %d has label %d, outside 1..%d", i, truth[i].label,
                     m->n_classes);
        return FALSE;
      }
  for (int i = 0; i < n_predicted; i++)
    if (predicted[i].label < 1 || predicted[i].label > m->n_classes)
      {
        g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA,
                     "FOMO metrics: predicted object %d has label %d, outside 1..%d", i,
                     predicted[i].label, m->n_classes);
        return FALSE;
      }

  matched = g_new0 (gboolean, MAX (n_truth, 1));
  order = g_new (int, MAX (n_predicted, 1));
  for (int i = 0; i < n_predicted; i++)
    order[i] = i;
  g_qsort_with_data (order, n_predicted, sizeof (int), by_score, (gpointer) predicted);

  for (int k = 0; k < n_predicted; k++)
    {
      const EmNnFomoObject *p = &predicted[order[k]];
      int best = -1;
      double best_d2 = INFINITY;

      for (int i = 0; i < n_truth; i++)
        {
          const EmNnFomoBox *b = &truth[i];
          double dx, dy;

          if (matched[i] || b->label != p->label || p->cx < b->x || p->cx > b->x + b->w ||
              p->cy < b->y || p->cy > b->y + b->h)
            continue;
          dx = p->cx - (b->x + b->w / 2.0);
          dy = p->cy - (b->y + b->h / 2.0);
          if (dx * dx + dy * dy < best_d2)
            {
              best_d2 = dx * dx + dy * dy;
              best = i;
            }
        }
      if (best >= 0)
        {
          matched[best] = TRUE;
          m->tp[p->label - 1]++;
        }
      else
        m->fp[p->label - 1]++;
    }
  for (int i = 0; i < n_truth; i++)
    if (!matched[i])
      m->fn[truth[i].label - 1]++;
  m->n_images++;
  update_rates (m);
  return TRUE;
}

static void
add_double (JsonBuilder *b, double v)
{
  if (isnan (v))
    json_builder_add_null_value (b);
  else
    json_builder_add_double_value (b, v);
}

static void
add_uint_array (JsonBuilder *b, const char *name, const guint *v, int n)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (int i = 0; i < n; i++)
    json_builder_add_int_value (b, v[i]);
  json_builder_end_array (b);
}

static void
add_double_array (JsonBuilder *b, const char *name, const double *v, int n)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (int i = 0; i < n; i++)
    add_double (b, v[i]);
  json_builder_end_array (b);
}

char *
em_nn_fomo_metrics_to_json (const EmNnFomoMetrics *m, const char * const *labels)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (m != NULL, NULL);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "n_images");
  json_builder_add_int_value (b, m->n_images);
  json_builder_set_member_name (b, "labels");
  json_builder_begin_array (b);
  for (int c = 0; c < m->n_classes; c++)
    {
      g_autofree char *fallback = g_strdup_printf ("%d", c + 1);
      json_builder_add_string_value (b, labels != NULL ? labels[c] : fallback);
    }
  json_builder_end_array (b);
  add_uint_array (b, "tp", m->tp, m->n_classes);
  add_uint_array (b, "fp", m->fp, m->n_classes);
  add_uint_array (b, "fn", m->fn, m->n_classes);
  add_double_array (b, "precision", m->precision, m->n_classes);
  add_double_array (b, "recall", m->recall, m->n_classes);
  add_double_array (b, "f1", m->f1, m->n_classes);
  json_builder_set_member_name (b, "precision_all");
  add_double (b, m->precision_all);
  json_builder_set_member_name (b, "recall_all");
  add_double (b, m->recall_all);
  json_builder_set_member_name (b, "f1_all");
  add_double (b, m->f1_all);
  json_builder_set_member_name (b, "macro_f1");
  add_double (b, m->macro_f1);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}
