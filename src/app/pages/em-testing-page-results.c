/* SPDX-License-Identifier: Apache-2.0 */
/* EmTestingPage's result columns: one variant's (float or int8) stored
 * metrics as rows, a confusion matrix and a per-class table, by task. */
#include <math.h>
#include <glib/gi18n.h>
#include <adwaita.h>

#include "em-testing-page-private.h"
#include "em-confusion-matrix.h"

/* ---- JSON helpers ------------------------------------------------------------ */

double
em_testing_json_number (JsonObject *o, const char *name)
{
  JsonNode *node = o != NULL ? json_object_get_member (o, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NAN;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return (double) json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return json_node_get_double (node);
  return NAN;
}

static double
array_number (JsonArray *a, guint i)
{
  JsonNode *node = a != NULL && i < json_array_get_length (a) ? json_array_get_element (a, i) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NAN;
  return json_node_get_value_type (node) == G_TYPE_INT64 ? (double) json_node_get_int (node)
                                                          : json_node_get_double (node);
}

JsonObject *
em_testing_json_object (JsonObject *o, const char *name)
{
  JsonNode *node = o != NULL ? json_object_get_member (o, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
array_member (JsonObject *o, const char *name)
{
  JsonNode *node = o != NULL ? json_object_get_member (o, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* "93.8%", or "—" for a value the metrics left undefined (null). */
static char *
percent (double fraction)
{
  if (!isfinite (fraction))
    return g_strdup (C_("metric", "—"));
  /* Translators: a percentage with one decimal */
  return g_strdup_printf (_("%.1f%%"), 100 * fraction);
}

static char *
number (double v)
{
  if (!isfinite (v))
    return g_strdup (C_("metric", "—"));
  return g_strdup_printf ("%.4g", v);
}

/* Scores in 0..1 (precision, recall, F1): two decimals line up in a column. */
static char *
score (double v)
{
  if (!isfinite (v))
    return g_strdup (C_("metric", "—"));
  return g_strdup_printf ("%.2f", v);
}

/* ---- the results of one variant ------------------------------------------- */

static void
clear_box (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}

static GtkWidget *
heading (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  return label;
}

/* A row of @group with @value at its end. Returns the value label. */
static GtkLabel *
add_value_row (AdwPreferencesGroup *group, const char *title, const char *subtitle, const char *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (value);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  adw_preferences_group_add (group, row);
  return GTK_LABEL (label);
}

/* A table in a card: a header row, then one row per entry of @names, each
 * with n_columns values from @columns[c][i]. */
static GtkWidget *
table (const char *const *headers, guint n_columns, JsonArray *names, JsonArray *const *columns,
       gboolean scores)
{
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *frame = gtk_frame_new (NULL);

  gtk_grid_set_column_spacing (GTK_GRID (grid), 18);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_widget_set_margin_start (grid, 12);
  gtk_widget_set_margin_end (grid, 12);
  gtk_widget_set_margin_top (grid, 10);
  gtk_widget_set_margin_bottom (grid, 10);
  for (guint c = 0; c <= n_columns; c++)
    {
      GtkWidget *label = gtk_label_new (headers[c]);

      gtk_label_set_xalign (GTK_LABEL (label), c == 0 ? 0 : 1);
      gtk_widget_set_hexpand (label, c == 0);
      gtk_widget_add_css_class (label, "caption-heading");
      gtk_grid_attach (GTK_GRID (grid), label, (int) c, 0, 1, 1);
    }
  for (guint i = 0; names != NULL && i < json_array_get_length (names); i++)
    {
      GtkWidget *name = gtk_label_new (json_array_get_string_element (names, i));

      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
      gtk_grid_attach (GTK_GRID (grid), name, 0, (int) i + 1, 1, 1);
      for (guint c = 0; c < n_columns; c++)
        {
          double v = array_number (columns[c], i);
          g_autofree char *text = scores ? score (v) : number (v);
          GtkWidget *label = gtk_label_new (text);

          gtk_label_set_xalign (GTK_LABEL (label), 1);
          gtk_widget_add_css_class (label, "numeric");
          gtk_grid_attach (GTK_GRID (grid), label, (int) c + 1, (int) i + 1, 1, 1);
        }
    }
  gtk_frame_set_child (GTK_FRAME (frame), grid);
  gtk_widget_add_css_class (frame, "view");
  return frame;
}

static GtkLabel *
show_classification (GtkBox *box, JsonObject *m)
{
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  JsonArray *labels = array_member (m, "labels");
  JsonArray *confusion = array_member (m, "confusion");
  JsonObject *samples = em_testing_json_object (m, "samples");
  guint n = labels != NULL ? json_array_get_length (labels) : 0;
  g_autofree char *acc = percent (em_testing_json_number (m, "accuracy"));
  g_autofree char *unc = percent (em_testing_json_number (m, "uncertain_rate"));
  g_autofree char *f1 = score (em_testing_json_number (m, "macro_f1"));
  g_autofree char *sample_acc = percent (em_testing_json_number (samples, "accuracy"));
  g_autofree char *threshold = g_strdup_printf (_("below %.2f confidence"), em_testing_json_number (m, "threshold"));
  g_autofree char *n_samples = g_strdup_printf (_("majority vote of each sample’s windows (%.0f samples)"),
                                                em_testing_json_number (samples, "n"));
  static const char *const headers[] = { N_("Class"), N_("Precision"), N_("Recall"), N_("F1") };
  const char *translated[4];

  GtkLabel *accuracy = add_value_row (group, _("Accuracy"), _("of the windows with a confident answer"), acc);
  add_value_row (group, _("Uncertain"), threshold, unc);
  add_value_row (group, _("Macro F1 score"), NULL, f1);
  if (samples != NULL)
    add_value_row (group, _("Per-sample accuracy"), n_samples, sample_acc);
  gtk_box_append (box, GTK_WIDGET (group));

  if (n > 0 && confusion != NULL && json_array_get_length (confusion) == n)
    {
      g_autofree guint *counts = g_new0 (guint, n * n);
      g_autofree const char **names = g_new0 (const char *, n + 1);
      GtkWidget *matrix = em_confusion_matrix_new ();

      /* Room for the class names over the columns. */
      gtk_widget_set_size_request (matrix, -1, 120 + 48 * (int) MIN (n, 8));
      for (guint i = 0; i < n; i++)
        {
          JsonArray *row = json_array_get_array_element (confusion, i);
          names[i] = json_array_get_string_element (labels, i);
          for (guint j = 0; row != NULL && j < n && j < json_array_get_length (row); j++)
            counts[i * n + j] = (guint) MAX (0, json_array_get_int_element (row, j));
        }
      em_confusion_matrix_set_data (EM_CONFUSION_MATRIX (matrix), n, names, counts);
      gtk_box_append (box, heading (_("Confusion Matrix")));
      gtk_box_append (box, matrix);
    }
  if (n > 0)
    {
      JsonArray *columns[3] = { array_member (m, "precision"), array_member (m, "recall"), array_member (m, "f1") };

      for (guint i = 0; i < 4; i++)
        translated[i] = _(headers[i]);
      gtk_box_append (box, heading (_("Per Class")));
      gtk_box_append (box, table (translated, 3, labels, columns, TRUE));
    }
  return accuracy;
}

static void
show_regression (GtkBox *box, JsonObject *m)
{
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  g_autofree char *mse = number (em_testing_json_number (m, "mse"));
  g_autofree char *mae = number (em_testing_json_number (m, "mae"));
  g_autofree char *rmse = number (em_testing_json_number (m, "rmse"));

  add_value_row (group, _("Mean squared error"), NULL, mse);
  add_value_row (group, _("Mean absolute error"), NULL, mae);
  add_value_row (group, _("Root mean squared error"), NULL, rmse);
  gtk_box_append (box, GTK_WIDGET (group));
}

static void
show_anomaly (GtkBox *box, JsonObject *m)
{
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  JsonObject *per_label = em_testing_json_object (m, "per_label");
  g_autofree char *mean = number (em_testing_json_number (m, "mean"));
  g_autofree char *lo = number (em_testing_json_number (m, "min"));
  g_autofree char *hi = number (em_testing_json_number (m, "max"));

  adw_preferences_group_set_description (group, _("Higher scores are further from the training data"));
  add_value_row (group, _("Mean anomaly score"), NULL, mean);
  add_value_row (group, _("Lowest score"), NULL, lo);
  add_value_row (group, _("Highest score"), NULL, hi);
  gtk_box_append (box, GTK_WIDGET (group));

  if (per_label != NULL)
    {
      static const char *const headers[] = { N_("Label"), N_("Windows"), N_("Mean"), N_("Min"), N_("Max") };
      static const char *const keys[] = { "n", "mean", "min", "max" };
      g_autoptr(GList) names = json_object_get_members (per_label);
      g_autoptr(JsonArray) labels = json_array_new ();
      JsonArray *columns[4];
      const char *translated[5];

      names = g_list_sort (names, (GCompareFunc) g_strcmp0);
      for (guint c = 0; c < 4; c++)
        columns[c] = json_array_new ();
      for (GList *l = names; l != NULL; l = l->next)
        {
          JsonObject *o = em_testing_json_object (per_label, l->data);
          json_array_add_string_element (labels, l->data);
          for (guint c = 0; c < 4; c++)
            json_array_add_double_element (columns[c], em_testing_json_number (o, keys[c]));
        }
      for (guint i = 0; i < 5; i++)
        translated[i] = _(headers[i]);
      gtk_box_append (box, heading (_("Scores by Label")));
      gtk_box_append (box, table (translated, 4, labels, columns, FALSE));
      for (guint c = 0; c < 4; c++)
        json_array_unref (columns[c]);
    }
}

GtkLabel *
em_testing_results_fill (GtkBox *box, gboolean int8, JsonObject *m, const char *task, const char *unavailable)
{
  clear_box (box);
  gtk_box_append (box, heading (int8 ? _("Int8 Model (Quantized)") : _("Float32 Model")));
  if (m == NULL)
    {
      GtkWidget *label = gtk_label_new (unavailable != NULL ? unavailable : _("Not available"));

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_box_append (box, label);
      return NULL;
    }
  if (g_strcmp0 (task, "regression") == 0)
    show_regression (box, m);
  else if (g_strcmp0 (task, "anomaly") == 0)
    show_anomaly (box, m);
  else
    return show_classification (box, m);
  return NULL;
}
