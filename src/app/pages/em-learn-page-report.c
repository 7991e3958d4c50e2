/* SPDX-License-Identifier: Apache-2.0 */
/* The trained model on EmLearnPage: its report (as em_learn_train stores
 * it: Ember's facts about the run around the block's own report in
 * "model") and the curves of its epochs. */
#include <math.h>
#include <glib/gi18n.h>

#include "em-learn-page-private.h"
#include "em-error.h"
#include "em-model-store.h"

enum { TRAIN_LOSS, VAL_LOSS, TRAIN_ACC, VAL_ACC };

void
em_learn_page_set_status (EmLearnPage *self, const char *text, gboolean error)
{
  gtk_label_set_text (self->status_label, text != NULL ? text : "");
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

/* ---- curves ----------------------------------------------------------------- */

void
em_learn_page_clear_curves (EmLearnPage *self)
{
  em_series_model_clear (self->loss_model);
  em_series_model_clear (self->accuracy_model);
  for (guint i = 0; i < G_N_ELEMENTS (self->series); i++)
    self->series[i] = -1;
}

static void
add_point (EmLearnPage *self, guint which, int epoch, double value)
{
  static const char *const names[] = {
    N_("Training loss"), N_("Validation loss"), N_("Training accuracy"), N_("Validation accuracy"),
  };
  EmSeriesModel *model = which == TRAIN_LOSS || which == VAL_LOSS ? self->loss_model : self->accuracy_model;

  if (!isfinite (value))
    return;
  /* Made on the first value, so a run without validation shows no empty
   * "Validation" entry in the legend. */
  if (self->series[which] < 0)
    self->series[which] = (int) em_series_model_add_series (model, _(names[which]), TRUE);
  /* Accuracy as a percentage: the axis then reads like the status line. */
  if (which == TRAIN_ACC || which == VAL_ACC)
    value *= 100;
  em_series_model_append_xy (model, (guint) self->series[which], (float) epoch, (float) value);
}

void
em_learn_page_add_epoch (EmLearnPage *self, int epoch, double loss, double accuracy, double val_loss,
                         double val_accuracy)
{
  em_series_model_freeze_changed (self->loss_model);
  em_series_model_freeze_changed (self->accuracy_model);
  add_point (self, TRAIN_LOSS, epoch, loss);
  add_point (self, VAL_LOSS, epoch, val_loss);
  add_point (self, TRAIN_ACC, epoch, accuracy);
  add_point (self, VAL_ACC, epoch, val_accuracy);
  em_series_model_thaw_changed (self->accuracy_model);
  em_series_model_thaw_changed (self->loss_model);
  gtk_widget_set_visible (GTK_WIDGET (self->accuracy_plot), self->series[TRAIN_ACC] >= 0 ||
                                                              self->series[VAL_ACC] >= 0);
  gtk_widget_set_visible (self->curves_box, TRUE);
}

/* ---- report ----------------------------------------------------------------- */

static double
number_member (JsonObject *o, const char *name)
{
  JsonNode *node = o != NULL ? json_object_get_member (o, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NAN;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      return (double) json_node_get_int (node);
    case G_TYPE_DOUBLE:
      return json_node_get_double (node);
    default:
      return NAN;
    }
}

static JsonObject *
object_member (JsonObject *o, const char *name)
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

/* 1234, 56.7 k, 1.2 M */
static char *
format_count (double n)
{
  if (n < 10000)
    return g_strdup_printf ("%.0f", n);
  if (n < 1e6)
    /* Translators: thousands, e.g. "56.7 k" */
    return g_strdup_printf (_("%.1f k"), n / 1e3);
  /* Translators: millions, e.g. "1.2 M" */
  return g_strdup_printf (_("%.1f M"), n / 1e6);
}

/* Shows @row with @text as its value, or hides it when @text is NULL. */
static void
set_row (AdwActionRow *row, const char *text)
{
  GtkLabel *value = g_object_get_data (G_OBJECT (row), "value-label");

  gtk_widget_set_visible (GTK_WIDGET (row), text != NULL);
  gtk_label_set_text (value, text != NULL ? text : "");
}

static char *
memory_text (JsonObject *m, const char *arena_key, const char *weights_key)
{
  double arena = number_member (m, arena_key);
  double weights = number_member (m, weights_key);
  g_autofree char *a = NULL, *w = NULL;

  if (!isfinite (arena) || !isfinite (weights))
    return NULL;
  a = g_format_size ((guint64) arena);
  w = g_format_size ((guint64) weights);
  /* Translators: a model's memory: "1.2 kB working memory · 3.4 kB weights" */
  return g_strdup_printf (_("%s working memory · %s weights"), a, w);
}

/* A number of a JSON array as text: "0.93", or a dash for null. */
static char *
metric_text (JsonArray *a, guint i)
{
  JsonNode *node = a != NULL && i < json_array_get_length (a) ? json_array_get_element (a, i) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return g_strdup (C_("value", "—"));
  return g_strdup_printf ("%.2f", json_node_get_double (node));
}

static void
grid_label (GtkGrid *grid, const char *text, int column, int row, gboolean heading)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), column == 0 ? 0 : 1);
  gtk_widget_add_css_class (label, heading ? "heading" : "numeric");
  gtk_grid_attach (grid, label, column, row, 1, 1);
}

/* Accuracy and the per-class table under the matrix. */
static void
show_metrics (EmLearnPage *self, JsonObject *holder, JsonArray *labels)
{
  double accuracy = number_member (holder, "accuracy");
  double windows = number_member (holder, "windows");
  JsonArray *precision = array_member (holder, "precision");
  JsonArray *recall = array_member (holder, "recall");
  JsonArray *f1 = array_member (holder, "f1");
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->metrics_grid))) != NULL)
    gtk_grid_remove (self->metrics_grid, child);
  if (isfinite (accuracy))
    {
      g_autofree char *text = NULL;

      if (isfinite (windows))
        /* Translators: "Accuracy 87.5% on 24 validation windows" */
        text = g_strdup_printf (_("Accuracy %.1f%% on %.0f validation windows"), 100 * accuracy, windows);
      else
        /* Translators: "Accuracy 87.5%" */
        text = g_strdup_printf (_("Accuracy %.1f%%"), 100 * accuracy);
      gtk_label_set_text (self->accuracy_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->accuracy_label), isfinite (accuracy));
  gtk_widget_set_visible (GTK_WIDGET (self->metrics_grid), precision != NULL && recall != NULL && f1 != NULL);
  if (precision == NULL || recall == NULL || f1 == NULL)
    return;
  grid_label (self->metrics_grid, _("Class"), 0, 0, TRUE);
  grid_label (self->metrics_grid, _("Precision"), 1, 0, TRUE);
  grid_label (self->metrics_grid, _("Recall"), 2, 0, TRUE);
  /* Translators: the F1 score */
  grid_label (self->metrics_grid, _("F1"), 3, 0, TRUE);
  for (guint i = 0; i < json_array_get_length (labels); i++)
    {
      g_autofree char *p = metric_text (precision, i), *r = metric_text (recall, i), *f = metric_text (f1, i);

      grid_label (self->metrics_grid, json_array_get_string_element (labels, i), 0, (int) i + 1, FALSE);
      grid_label (self->metrics_grid, p, 1, (int) i + 1, FALSE);
      grid_label (self->metrics_grid, r, 2, (int) i + 1, FALSE);
      grid_label (self->metrics_grid, f, 3, (int) i + 1, FALSE);
    }
}

/* The confusion matrix of the training's validation windows: Ember's
 * recount ("validation" in the report, see em-learn-validation.h), else one
 * the block reported itself ({"validation": {"confusion"}} or
 * {"confusion"} in "model"), with the labels the training used. FALSE when
 * there is none; the note then says why, when Ember knows. */
static gboolean
show_confusion (EmLearnPage *self, JsonObject *report, JsonObject *m)
{
  JsonObject *holder = object_member (report, "validation");
  JsonArray *labels = array_member (report, "labels");
  JsonNode *why = report != NULL ? json_object_get_member (report, "validation_unavailable") : NULL;
  gboolean validation = TRUE;
  JsonArray *rows;
  guint n;
  g_autofree guint *counts = NULL;
  g_autofree const char **names = NULL;

  if (holder == NULL)
    holder = object_member (m, "validation");
  if (holder == NULL)
    {
      holder = m;
      validation = FALSE;
    }
  rows = array_member (holder, "confusion");
  n = rows != NULL ? json_array_get_length (rows) : 0;
  if (why != NULL && JSON_NODE_HOLDS_VALUE (why) && !validation)
    {
      /* Translators: %s is Ember's reason, e.g. "no windows were held out for validation" */
      g_autofree char *text = g_strdup_printf (_("No validation confusion matrix: %s."),
                                               json_node_get_string (why));
      gtk_label_set_text (self->validation_note, text);
      gtk_widget_set_visible (GTK_WIDGET (self->validation_note), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->validation_note), FALSE);
  if (n == 0 || labels == NULL || json_array_get_length (labels) != n)
    return FALSE;
  counts = g_new0 (guint, n * n);
  names = g_new0 (const char *, n + 1);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *row = json_array_get_element (rows, i);
      JsonArray *cells;

      if (!JSON_NODE_HOLDS_ARRAY (row) || json_array_get_length (cells = json_node_get_array (row)) != n)
        return FALSE;
      for (guint j = 0; j < n; j++)
        counts[i * n + j] = (guint) MAX (0, json_array_get_int_element (cells, j));
      names[i] = json_array_get_string_element (labels, i);
    }
  em_confusion_matrix_set_data (self->confusion, n, names, counts);
  gtk_label_set_text (self->confusion_title, validation ? _("Confusion matrix (validation set)")
                                                        : _("Confusion matrix (training set)"));
  show_metrics (self, holder, labels);
  return TRUE;
}

static void
fill_curves (EmLearnPage *self, JsonObject *m)
{
  JsonArray *history = array_member (m, "history");

  em_learn_page_clear_curves (self);
  for (guint i = 0; history != NULL && i < json_array_get_length (history); i++)
    {
      JsonNode *node = json_array_get_element (history, i);
      JsonObject *e = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      double epoch = number_member (e, "epoch");

      if (e == NULL)
        continue;
      em_learn_page_add_epoch (self, isfinite (epoch) ? (int) epoch : (int) i + 1, number_member (e, "loss"),
                               number_member (e, "accuracy"), number_member (e, "val_loss"),
                               number_member (e, "val_accuracy"));
    }
  gtk_widget_set_visible (self->curves_box, history != NULL && json_array_get_length (history) > 0);
}

/* The rest of the block's own report (a K-means block's clusters and
 * training scores, say): one row per plain member, named after its key. */
static void
show_details (EmLearnPage *self, JsonObject *m)
{
  static const char *const shown[] = {
    "architecture", "history", "history_omitted", "params", "macs", "best_epoch", "epochs_run",
    "stopped_early", "float_arena_bytes", "float_weight_bytes", "int8_arena_bytes", "int8_weight_bytes",
    "quantized", "learning_rate", "text", NULL,
  };
  g_autoptr(GList) names = m != NULL ? json_object_get_members (m) : NULL;

  for (guint i = 0; i < self->detail_rows->len; i++)
    adw_preferences_group_remove (self->result_group, g_ptr_array_index (self->detail_rows, i));
  g_ptr_array_set_size (self->detail_rows, 0);

  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonNode *node = json_object_get_member (m, l->data);
      g_autofree char *value = NULL, *title = NULL;
      GtkWidget *row, *label;

      if (g_strv_contains (shown, l->data) || !JSON_NODE_HOLDS_VALUE (node))
        continue;
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          value = format_count ((double) json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          value = g_strdup_printf ("%.4g", json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          value = g_strdup (json_node_get_boolean (node) ? _("yes") : _("no"));
          break;
        case G_TYPE_STRING:
          value = g_strdup (*json_node_get_string (node) != '\0' ? json_node_get_string (node) : C_("value", "—"));
          break;
        default:
          continue;
        }
      /* "train_score_p95" → "Train score p95": the block's own words. */
      title = g_strdelimit (g_strdup (l->data), "_", ' ');
      title[0] = g_ascii_toupper (title[0]);
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      label = gtk_label_new (value);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "numeric");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      adw_preferences_group_add (self->result_group, row);
      g_ptr_array_add (self->detail_rows, row);
    }
}

/* Does the stored model still match the impulse? A changed setting or
 * processing block makes it stale, as testing would find. */
static gboolean
model_is_current (EmLearnPage *self, const EmModel *model)
{
  g_autoptr(EmImpulse) impulse = em_impulse_load (self->project, NULL);
  EmImpulseLearnBlock *lb;
  g_autofree char *key = NULL;

  if (impulse == NULL || (lb = em_learn_find_block (impulse, self->registry, self->block_id, NULL, NULL)) == NULL)
    return FALSE;
  key = em_learn_params_key (impulse, lb, self->registry, NULL);
  return key != NULL && g_strcmp0 (key, model->params_key) == 0 && g_strcmp0 (lb->plugin, model->plugin) == 0;
}

char *
em_learn_page_show_report (EmLearnPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmModel) model = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *when_text = NULL, *description = NULL;
  JsonObject *report, *m;
  double v, epochs, windows, samples, skipped, seconds;

  model = em_model_store_get (self->project, self->block_id, FALSE, &error);
  self->model_time = model != NULL ? model->created : 0;
  if (model == NULL)
    {
      em_learn_page_clear_curves (self);
      gtk_widget_set_visible (self->curves_box, FALSE);
      gtk_stack_set_visible_child_name (self->result_stack, "none");
      if (!g_error_matches (error, EM_ERROR, EM_ERROR_NOT_FOUND))
        em_learn_page_set_status (self, error->message, TRUE);
      return NULL;
    }

  root = json_from_string (model->report, NULL);
  report = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  m = object_member (report, "model");
  gtk_stack_set_visible_child_name (self->result_stack, "report");

  when = g_date_time_new_from_unix_local (model->created / G_USEC_PER_SEC);
  when_text = when != NULL ? g_date_time_format (when, "%Y-%m-%d %H:%M") : g_strdup ("?");
  /* Translators: when the model was trained, e.g. "Trained 2024-05-01 10:20" */
  description = g_strdup_printf (_("Trained %s"), when_text);
  adw_preferences_group_set_description (self->result_group, description);
  gtk_widget_set_visible (GTK_WIDGET (self->stale_label), !model_is_current (self, model));

  v = number_member (m, "params");
  {
    g_autofree char *text = isfinite (v) ? format_count (v) : NULL;
    set_row (self->params_row, text);
  }
  v = number_member (m, "macs");
  {
    g_autofree char *text = isfinite (v) ? format_count (v) : NULL;
    set_row (self->macs_row, text);
  }
  {
    g_autofree char *text = memory_text (m, "float_arena_bytes", "float_weight_bytes");
    set_row (self->float_row, text);
  }
  {
    g_autofree char *text = memory_text (m, "int8_arena_bytes", "int8_weight_bytes");
    JsonNode *quantized = m != NULL ? json_object_get_member (m, "quantized") : NULL;

    /* Only a block that reports int8 sizes has an int8 model to lack. */
    if (text == NULL && quantized != NULL && JSON_NODE_HOLDS_VALUE (quantized) &&
        !json_node_get_boolean (quantized) && json_object_has_member (m, "int8_arena_bytes"))
      text = g_strdup (_("None (not quantized)"));
    set_row (self->int8_row, text);
  }
  v = number_member (m, "best_epoch");
  epochs = number_member (m, "epochs_run");
  {
    g_autofree char *text = NULL;
    JsonNode *early = m != NULL ? json_object_get_member (m, "stopped_early") : NULL;
    gboolean stopped = early != NULL && JSON_NODE_HOLDS_VALUE (early) && json_node_get_boolean (early);

    if (isfinite (v) && isfinite (epochs) && v > 0)
      /* Translators: "12 of 30", the epoch whose weights were kept */
      text = g_strdup_printf (stopped ? _("%.0f of %.0f (stopped early)") : _("%.0f of %.0f"), v, epochs);
    set_row (self->epoch_row, text);
  }
  windows = number_member (report, "train_windows");
  samples = number_member (report, "train_samples");
  skipped = number_member (report, "skipped_samples");
  {
    g_autofree char *text = NULL;

    if (isfinite (windows) && isfinite (samples))
      {
        /* Translators: "240 windows from 16 samples" */
        text = g_strdup_printf (_("%.0f windows from %.0f samples"), windows, samples);
        if (isfinite (skipped) && skipped > 0)
          {
            /* Translators: appended to the line above */
            g_autofree char *more = g_strdup_printf (_("%s; %.0f left out"), text, skipped);
            g_free (text);
            text = g_steal_pointer (&more);
          }
      }
    set_row (self->data_row, text);
  }
  seconds = number_member (report, "seconds");
  {
    g_autofree char *text = NULL;

    if (isfinite (seconds) && seconds < 0.1)
      text = g_strdup (_("under 0.1 s"));
    else if (isfinite (seconds))
      /* Translators: training time in seconds */
      text = g_strdup_printf (_("%.1f s"), seconds);
    set_row (self->time_row, text);
  }

  gtk_widget_set_visible (self->confusion_box, show_confusion (self, report, m));
  show_details (self, m);
  fill_curves (self, m);

  {
    JsonObject *arch = object_member (m, "architecture");
    JsonNode *node;

    if (arch == NULL)
      return NULL;
    node = json_node_new (JSON_NODE_OBJECT);
    json_node_set_object (node, arch);
    {
      char *text = json_to_string (node, FALSE);
      json_node_unref (node);
      return text;
    }
  }
}
