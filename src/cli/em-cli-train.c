/* SPDX-License-Identifier: Apache-2.0 */
/* ember-cli train / test: a learning block of the impulse, trained on the
 * training set and tested on the testing set; models and metrics live in
 * the project. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "em-block-registry.h"
#include "em-cli.h"
#include "em-learn.h"
#include "em-model-test.h"

static const char train_help[] =
  "Trains a learning block of the impulse (default: the first) on the enabled\n"
  "training samples, generating missing features first, and stores the model\n"
  "in the project, replacing the block's previous one. Progress goes to stderr.\n"
  "--epochs, --learning-rate and --set change parameters for this run only;\n"
  "'ember-cli impulse set' changes them for good.\n"
  "\n"
  "Exit status: 0 trained and stored; 1 training failed; 2 bad command line or\n"
  "parameter; 3 the data cannot train the block (no training windows, one class,\n"
  "a non-numeric regression label); 4 the project cannot be opened; 5 no impulse,\n"
  "no such learning block, or its plugin is not installed; 130 cancelled with\n"
  "Ctrl-C: nothing stored, the previous model kept.";

static const char test_help[] =
  "Runs the stored model of a learning block (default: the first) over every\n"
  "window of the enabled testing samples, as float and as int8 when the block\n"
  "quantizes, and stores the metrics and per-window predictions in the project.\n"
  "Classification: accuracy, per-class precision / recall / F1, the confusion\n"
  "matrix and the rate of uncertain windows (top probability under --threshold);\n"
  "regression: MSE / MAE; anomaly detection: score summary per label; object\n"
  "detection: per-class precision / recall / F1 (a centroid inside a box of its class).\n"
  "\n"
  "Exit status: 0 tested; 1 running the model failed; 2 bad command line;\n"
  "3 the model is out of date (retrain) or there are no testing windows; 4 the\n"
  "project cannot be opened; 5 no impulse, no such learning block, no trained\n"
  "model; 130 cancelled with Ctrl-C (the last stored results are kept).";

static void
on_features (double fraction, const char *what, gpointer data)
{
  EmCliProgress **progress = data;

  if (*progress == NULL)
    *progress = em_cli_progress_new ("Generating features", "‰");
  em_cli_progress_update (*progress, (guint64) (fraction * 1000 + 0.5), 1000);
}

static void
on_epoch (const EmLearnProgress *p, const char *log_line, gpointer data)
{
  EmCliProgress **progress = data;
  g_autoptr(GString) line = g_string_new (NULL);

  /* Feature generation is over once epochs come. */
  g_clear_pointer (progress, em_cli_progress_done);
  if (p == NULL || p->n_epochs <= 0)
    {
      if (log_line != NULL)
        fprintf (stderr, "%s\n", log_line);
      return;
    }
  g_string_append_printf (line, "epoch %d/%d", p->epoch, p->n_epochs);
  if (isfinite (p->loss))
    g_string_append_printf (line, "  loss %.3f", p->loss);
  if (isfinite (p->accuracy))
    g_string_append_printf (line, "  acc %.1f%%", 100 * p->accuracy);
  if (isfinite (p->val_loss))
    g_string_append_printf (line, "  val_loss %.3f", p->val_loss);
  if (isfinite (p->val_accuracy))
    g_string_append_printf (line, "  val_acc %.1f%%", 100 * p->val_accuracy);
  fprintf (stderr, "%s\n", line->str);
  fflush (stderr);
}

/* A parameter value from the command line: numbers and true/false as JSON, else a string. */
static JsonNode *
value_from_text (const char *text)
{
  JsonNode *value = json_from_string (text, NULL);

  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value))
    {
      g_clear_pointer (&value, json_node_unref);
      value = json_node_new (JSON_NODE_VALUE);
      json_node_set_string (value, text);
    }
  return value;
}

static void
print_scalar (const char *indent, const char *name, JsonNode *node)
{
  GType t;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return;
  t = json_node_get_value_type (node);
  if (t == G_TYPE_INT64)
    printf ("%s%s: %" G_GINT64_FORMAT "\n", indent, name, json_node_get_int (node));
  else if (t == G_TYPE_DOUBLE)
    printf ("%s%s: %.6g\n", indent, name, json_node_get_double (node));
  else if (t == G_TYPE_BOOLEAN)
    printf ("%s%s: %s\n", indent, name, json_node_get_boolean (node) ? "true" : "false");
  else if (t == G_TYPE_STRING && strlen (json_node_get_string (node)) < 120)
    printf ("%s%s: %s\n", indent, name, json_node_get_string (node));
}

static JsonObject *member_object (JsonObject *o, const char *name);
static char       *format_value  (JsonObject *o, const char *name, gboolean percent, int index);

/* Object detection (em_nn_fomo_metrics_to_json): pooled and per-class
 * precision / recall / F1 by centroids, float next to int8. */
static void
print_detection (JsonObject *f, JsonObject *q)
{
  JsonArray *labels = f != NULL && json_object_has_member (f, "labels") ? json_object_get_array_member (f, "labels") : NULL;
  const char *member[] = { "precision", "recall", "f1" };

  printf ("  %-16s %-23s %s\n", "", "float: P / R / F1", q != NULL ? "int8: P / R / F1" : "");
  for (guint i = 0; labels != NULL && i <= json_array_get_length (labels); i++)
    {
      gboolean all = i == json_array_get_length (labels);
      g_autoptr(GString) line = g_string_new (NULL);

      g_string_append_printf (line, "  %-16s", all ? "all (micro)" : json_array_get_string_element (labels, i));
      for (guint v = 0; v < (q != NULL ? 2u : 1u); v++)
        {
          g_autoptr(GString) cell = g_string_new (NULL);
          for (guint k = 0; k < 3; k++)
            {
              g_autofree char *name = g_strdup_printf ("%s_all", member[k]);
              g_autofree char *x = format_value (v == 0 ? f : q, all ? name : member[k], FALSE, all ? -1 : (int) i);
              g_string_append_printf (cell, "%s%s", k > 0 ? " / " : "", x);
            }
          g_string_append_printf (line, " %-23s", cell->str);
        }
      printf ("%s\n", g_strchomp (line->str));
    }
}

static void
print_train_summary (const char *report_json)
{
  g_autoptr(JsonNode) root = json_from_string (report_json, NULL);
  JsonObject *r, *model;
  JsonArray *labels;
  g_autoptr(GList) names = NULL;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  r = json_node_get_object (root);
  labels = json_object_get_array_member (r, "labels");
  printf ("Trained %s (%s, %s) on %" G_GINT64_FORMAT " windows from %" G_GINT64_FORMAT " samples, %"
          G_GINT64_FORMAT " features per window",
          json_object_get_string_member (r, "block"), json_object_get_string_member (r, "plugin"),
          json_object_get_string_member (r, "task"), json_object_get_int_member (r, "train_windows"),
          json_object_get_int_member (r, "train_samples"), json_object_get_int_member (r, "n_features"));
  if (labels != NULL && json_array_get_length (labels) > 0)
    {
      printf (", %u classes:", json_array_get_length (labels));
      for (guint i = 0; i < json_array_get_length (labels); i++)
        printf ("%s %s", i > 0 ? "," : "", json_array_get_string_element (labels, i));
    }
  printf (" (%.1f s)\n", json_object_get_double_member_with_default (r, "seconds", 0));
  if (json_object_get_int_member_with_default (r, "skipped_samples", 0) > 0)
    printf ("  skipped %" G_GINT64_FORMAT " samples, e.g. %s\n", json_object_get_int_member (r, "skipped_samples"),
            json_object_get_string_member_with_default (r, "first_skip", "?"));
  /* The model's own facts (parameters, arena, best epoch, accuracies...): the
   * block decides what it reports, so print what is there. */
  if (!json_object_has_member (r, "model") || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (r, "model")))
    return;
  model = json_object_get_object_member (r, "model");
  names = json_object_get_members (model);
  for (GList *l = names; l != NULL; l = l->next)
    print_scalar ("  ", l->data, json_object_get_member (model, l->data));
  if (member_object (model, "validation_detection") != NULL)
    {
      printf ("  validation detection (centroid in a same-class box):\n");
      print_detection (member_object (model, "validation_detection"), member_object (model, "validation_detection_int8"));
    }
  /* Per-epoch history, when the block keeps one: the last and the best epoch. */
  if (json_object_has_member (model, "history") && JSON_NODE_HOLDS_ARRAY (json_object_get_member (model, "history")))
    {
      JsonArray *history = json_object_get_array_member (model, "history");
      guint n = json_array_get_length (history);
      gint64 best = json_object_get_int_member_with_default (model, "best_epoch", 0);

      for (guint i = 0; i < n; i++)
        {
          JsonNode *node = json_array_get_element (history, i);
          JsonObject *e = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
          gint64 epoch = e != NULL ? json_object_get_int_member_with_default (e, "epoch", i + 1) : 0;
          EmLearnProgress p = { 0 };

          if (e == NULL || (i + 1 != n && epoch != best))
            continue;
          p.loss = json_object_get_double_member_with_default (e, "loss", NAN);
          p.accuracy = json_object_get_double_member_with_default (e, "accuracy", NAN);
          p.val_loss = json_object_get_double_member_with_default (e, "val_loss", NAN);
          p.val_accuracy = json_object_get_double_member_with_default (e, "val_accuracy", NAN);
          printf ("  %s epoch %" G_GINT64_FORMAT ":", i + 1 == n ? "final" : "best", epoch);
          if (isfinite (p.loss))
            printf ("  loss %.3f", p.loss);
          if (isfinite (p.accuracy))
            printf ("  acc %.1f%%", 100 * p.accuracy);
          if (isfinite (p.val_loss))
            printf ("  val_loss %.3f", p.val_loss);
          if (isfinite (p.val_accuracy))
            printf ("  val_acc %.1f%%", 100 * p.val_accuracy);
          printf ("\n");
        }
    }
}

static int
train_main (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROJECT - train a learning block of the impulse");
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(EmImpulse) impulse = NULL;
  g_autoptr(JsonObject) overrides = json_object_new ();
  g_autofree char *block = NULL, *report = NULL;
  g_auto(GStrv) sets = NULL;
  EmCliProgress *progress = NULL;
  EmLearnMonitor monitor = { on_features, on_epoch, &progress };
  gboolean json = FALSE, ok;
  gint epochs = 0;
  double learning_rate = 0;
  int code = 0;
  GOptionEntry entries[] = {
    { "block", 'b', 0, G_OPTION_ARG_STRING, &block, "Learning block id (default: the first)", "ID" },
    { "epochs", 0, 0, G_OPTION_ARG_INT, &epochs, "Training epochs, for this run", "N" },
    { "learning-rate", 0, 0, G_OPTION_ARG_DOUBLE, &learning_rate, "Learning rate, for this run", "X" },
    { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sets, "Set a block parameter for this run (repeatable)", "NAME=VALUE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the stored training report as JSON", NULL },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_description (ctx, train_help);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return em_cli_usage ("train needs exactly one PROJECT");
  if (epochs < 0)
    return em_cli_usage ("--epochs must be at least 1");
  if (learning_rate < 0 || !isfinite (learning_rate))
    return em_cli_usage ("--learning-rate must be positive");
  for (guint i = 0; sets != NULL && sets[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (sets[i], "=", 2);
      if (kv[0] == NULL || kv[1] == NULL || *kv[0] == '\0')
        return em_cli_usage ("--set '%s' is not NAME=VALUE", sets[i]);
      json_object_set_member (overrides, kv[0], value_from_text (kv[1]));
    }
  if (epochs > 0)
    json_object_set_int_member (overrides, "epochs", epochs);
  if (learning_rate > 0)
    json_object_set_double_member (overrides, "learning_rate", learning_rate);
  if ((project = em_cli_open_project (argv[1], &code)) == NULL)
    return code;
  if ((impulse = em_impulse_load (project, &error)) == NULL)
    return em_cli_fail (error);
  ok = em_learn_train (project, impulse, em_block_registry_get_default (), block,
                       json_object_get_size (overrides) > 0 ? overrides : NULL, &monitor, em_cli_cancellable (),
                       &report, &error);
  em_cli_progress_done (progress);
  if (!ok)
    return em_cli_fail (error);
  if (json)
    {
      g_autoptr(JsonNode) root = json_from_string (report, NULL);
      em_cli_print_json (root);
    }
  else
    print_train_summary (report);
  return EM_EXIT_OK;
}

/* --- test ------------------------------------------------------------------ */

static JsonObject *
member_object (JsonObject *o, const char *name)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;

  return n != NULL && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

/* "95.0%", "0.950" or "-" for a missing / null value. */
static char *
format_value (JsonObject *o, const char *name, gboolean percent, int index)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;

  if (n != NULL && index >= 0 && JSON_NODE_HOLDS_ARRAY (n) && (guint) index < json_array_get_length (json_node_get_array (n)))
    n = json_array_get_element (json_node_get_array (n), index);
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return g_strdup ("-");
  return percent ? g_strdup_printf ("%.1f%%", 100 * json_node_get_double (n))
                 : json_node_get_value_type (n) == G_TYPE_INT64
                 ? g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (n))
                 : g_strdup_printf ("%.3f", json_node_get_double (n));
}

static void
print_row (const char *name, JsonObject *f, JsonObject *q, const char *member, gboolean percent, int index)
{
  g_autofree char *a = format_value (f, member, percent, index);
  g_autofree char *b = q != NULL ? format_value (q, member, percent, index) : g_strdup ("-");

  printf ("  %-22s %10s %10s\n", name, a, b);
}

static void
print_confusion (const char *title, JsonObject *m, JsonArray *labels)
{
  JsonArray *rows = m != NULL && json_object_has_member (m, "confusion") ? json_object_get_array_member (m, "confusion") : NULL;
  guint n = json_array_get_length (labels), width = 6;

  if (rows == NULL)
    return;
  for (guint i = 0; i < n; i++)
    width = MAX (width, strlen (json_array_get_string_element (labels, i)) + 1);
  printf ("\nConfusion matrix, %s (rows: actual, columns: predicted; uncertain windows left out):\n  %*s", title,
          (int) width, "");
  for (guint i = 0; i < n; i++)
    printf (" %*s", (int) width, json_array_get_string_element (labels, i));
  printf ("\n");
  for (guint i = 0; i < n && i < json_array_get_length (rows); i++)
    {
      JsonArray *row = json_array_get_array_element (rows, i);
      printf ("  %*s", (int) width, json_array_get_string_element (labels, i));
      for (guint k = 0; k < json_array_get_length (row); k++)
        printf (" %*" G_GINT64_FORMAT, (int) width, json_array_get_int_element (row, k));
      printf ("\n");
    }
}

static void
print_test (const char *result_json)
{
  g_autoptr(JsonNode) root = json_from_string (result_json, NULL);
  JsonObject *r, *f, *q;
  JsonArray *labels;
  const char *task;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  r = json_node_get_object (root);
  f = member_object (r, "float");
  q = member_object (r, "int8");
  task = json_object_get_string_member_with_default (r, "task", "classification");
  labels = json_object_get_array_member (r, "labels");
  printf ("Tested %s (%s, %s) on %" G_GINT64_FORMAT " testing samples", json_object_get_string_member (r, "block"),
          json_object_get_string_member (r, "plugin"), task, json_object_get_int_member_with_default (f, "test_samples", 0));
  if (json_object_get_int_member_with_default (f, "skipped_samples", 0) > 0)
    printf (" (%" G_GINT64_FORMAT " skipped)", json_object_get_int_member (f, "skipped_samples"));
  printf ("\n\n  %-22s %10s %10s\n", "", "float", "int8");
  if (strcmp (task, "classification") == 0)
    {
      JsonObject *fs = member_object (f, "samples"), *qs = member_object (q, "samples");
      print_row ("windows", f, q, "n", FALSE, -1);
      print_row ("accuracy", f, q, "accuracy", TRUE, -1);
      print_row ("uncertain", f, q, "uncertain_rate", TRUE, -1);
      print_row ("macro F1", f, q, "macro_f1", FALSE, -1);
      print_row ("sample accuracy", fs, q != NULL ? qs : NULL, "accuracy", TRUE, -1);
      {
        g_autofree char *t = format_value (f, "threshold", FALSE, -1);
        printf ("  (uncertain: top probability under %s)\n\n", t);
      }
      printf ("  %-16s %-23s %s\n", "per class", "float: P / R / F1", q != NULL ? "int8: P / R / F1" : "");
      for (guint i = 0; labels != NULL && i < json_array_get_length (labels); i++)
        {
          const char *member[] = { "precision", "recall", "f1" };
          g_autoptr(GString) line = g_string_new (NULL);

          g_string_append_printf (line, "  %-16s", json_array_get_string_element (labels, i));
          for (guint v = 0; v < (q != NULL ? 2u : 1u); v++)
            {
              g_autoptr(GString) cell = g_string_new (NULL);
              for (guint k = 0; k < 3; k++)
                {
                  g_autofree char *x = format_value (v == 0 ? f : q, member[k], FALSE, (int) i);
                  g_string_append_printf (cell, "%s%s", k > 0 ? " / " : "", x);
                }
              g_string_append_printf (line, " %-23s", cell->str);
            }
          printf ("%s\n", g_strchomp (line->str));
        }
      if (labels != NULL)
        {
          print_confusion ("float", f, labels);
          if (q != NULL)
            print_confusion ("int8", q, labels);
        }
    }
  else if (strcmp (task, "object-detection") == 0)
    {
      print_row ("images", f, q, "n_images", FALSE, -1);
      print_row ("boxes", f, q, "test_boxes", FALSE, -1);
      print_row ("F1 (all classes)", f, q, "f1_all", FALSE, -1);
      print_row ("macro F1", f, q, "macro_f1", FALSE, -1);
      printf ("  (a detection counts when its centroid is inside a box of its class)\n\n");
      print_detection (f, q);
    }
  else if (strcmp (task, "regression") == 0)
    {
      print_row ("windows", f, q, "n", FALSE, -1);
      print_row ("MSE", f, q, "mse", FALSE, -1);
      print_row ("MAE", f, q, "mae", FALSE, -1);
      print_row ("RMSE", f, q, "rmse", FALSE, -1);
    }
  else
    {
      JsonObject *per = member_object (f, "per_label");
      g_autoptr(GList) names = per != NULL ? json_object_get_members (per) : NULL;

      print_row ("windows", f, q, "n", FALSE, -1);
      print_row ("score mean", f, q, "mean", FALSE, -1);
      print_row ("score min", f, q, "min", FALSE, -1);
      print_row ("score max", f, q, "max", FALSE, -1);
      for (GList *l = names; l != NULL; l = l->next)
        {
          JsonObject *fl = member_object (per, l->data), *ql = member_object (member_object (q, "per_label"), l->data);
          g_autofree char *mean = g_strdup_printf ("%s mean", (char *) l->data);
          g_autofree char *max = g_strdup_printf ("%s max", (char *) l->data);
          print_row (mean, fl, ql, "mean", FALSE, -1);
          print_row (max, fl, ql, "max", FALSE, -1);
        }
    }
  if (q == NULL && json_object_has_member (r, "int8_unavailable"))
    printf ("\nNo int8 model: %s\n", json_object_get_string_member (r, "int8_unavailable"));
}

static void
on_test_progress (double fraction, const char *what, gpointer data)
{
  EmCliProgress **progress = data;

  if (*progress == NULL)
    *progress = em_cli_progress_new ("Testing", "‰");
  em_cli_progress_update (*progress, (guint64) (fraction * 1000 + 0.5), 1000);
}

static int
test_main (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROJECT - test a trained learning block on the testing set");
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(EmImpulse) impulse = NULL;
  g_autofree char *block = NULL, *result = NULL;
  EmModelTestOptions options = { 0 };
  EmCliProgress *progress = NULL;
  gboolean json = FALSE, ok;
  double threshold = 0.6;
  int code = 0;
  GOptionEntry entries[] = {
    { "block", 'b', 0, G_OPTION_ARG_STRING, &block, "Learning block id (default: the first)", "ID" },
    { "threshold", 't', 0, G_OPTION_ARG_DOUBLE, &threshold,
      "Classification: a window whose top probability is below X is uncertain (default 0.6)", "X" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the stored metrics as JSON", NULL },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_description (ctx, test_help);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return em_cli_usage ("test needs exactly one PROJECT");
  if (!(threshold > 0 && threshold <= 1))
    return em_cli_usage ("--threshold must be in (0, 1]");
  options.threshold = (float) threshold;
  if ((project = em_cli_open_project (argv[1], &code)) == NULL)
    return code;
  if ((impulse = em_impulse_load (project, &error)) == NULL)
    return em_cli_fail (error);
  ok = em_model_test (project, impulse, em_block_registry_get_default (), block, &options, on_test_progress,
                      &progress, em_cli_cancellable (), &result, &error);
  em_cli_progress_done (progress);
  if (!ok)
    return em_cli_fail (error);
  if (json)
    {
      g_autoptr(JsonNode) root = json_from_string (result, NULL);
      em_cli_print_json (root);
    }
  else
    print_test (result);
  return EM_EXIT_OK;
}

int
em_cli_train_main (int argc, char **argv)
{
  return train_main (argc, argv);
}

int
em_cli_test_main (int argc, char **argv)
{
  return test_main (argc, argv);
}
