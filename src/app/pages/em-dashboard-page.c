/* SPDX-License-Identifier: Apache-2.0 */
/* The Dashboard: everything here is read back from the project (samples,
 * impulse, stored models and tests) each time it refreshes, so it never
 * shows a number the project does not hold. */
#include <math.h>
#include <glib/gi18n.h>
#include <adwaita.h>

#include "em-dashboard-page.h"
#include "em-block-registry.h"
#include "em-error.h"
#include "em-impulse.h"
#include "em-learn.h"
#include "em-model-store.h"
#include "em-model-test.h"

typedef struct {
  char *state;
  char *accuracy[2]; /* float, int8 */
} BlockState;

struct _EmDashboardPage
{
  GtkWidget             parent_instance;

  /* template children */
  GtkLabel             *name_label;
  GtkLabel             *file_label;
  GtkLabel             *train_label;
  GtkLabel             *test_label;
  GtkWidget            *chart_frame;
  EmBarChart           *label_chart;
  AdwPreferencesGroup  *impulse_group;
  AdwPreferencesGroup  *models_group;

  EmProject            *project;
  GPtrArray            *rows;         /* rows made by reload, to remove on the next one */
  GHashTable           *blocks;       /* learning block id → BlockState */
  char                 *impulse_text;
  gint                  reload_queued; /* atomic: a reload from another thread is on its way */
};

G_DEFINE_FINAL_TYPE (EmDashboardPage, em_dashboard_page, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_PROJECT, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SHOW_PAGE, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
block_state_free (BlockState *s)
{
  g_free (s->state);
  g_free (s->accuracy[0]);
  g_free (s->accuracy[1]);
  g_free (s);
}

/* ---- formatting --------------------------------------------------------------- */

static char *
format_duration (double ms)
{
  guint64 s = (guint64) round (ms / 1000);

  if (ms <= 0)
    return g_strdup ("0 s");
  if (ms < 1000)
    /* Translators: a length under a second */
    return g_strdup_printf (_("%.0f ms"), ms);
  if (s < 60)
    return g_strdup_printf (_("%u s"), (guint) s);
  if (s < 3600)
    /* Translators: minutes and seconds */
    return g_strdup_printf (_("%u min %u s"), (guint) (s / 60), (guint) (s % 60));
  /* Translators: hours and minutes */
  return g_strdup_printf (_("%u h %u min"), (guint) (s / 3600), (guint) (s / 60 % 60));
}

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

static char *
format_time_us (gint64 us)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (us / G_USEC_PER_SEC);

  return when != NULL ? g_date_time_format (when, "%Y-%m-%d %H:%M") : g_strdup ("?");
}

static double
json_number (JsonObject *o, const char *name)
{
  JsonNode *node = o != NULL ? json_object_get_member (o, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NAN;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
    case G_TYPE_DOUBLE:
      return json_node_get_double (node);
    default:
      return NAN;
    }
}

static JsonObject *
json_object (JsonObject *o, const char *name)
{
  JsonNode *node = o != NULL ? json_object_get_member (o, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* One variant's headline number; what it is depends on the task. */
static char *
metric_text (JsonObject *metrics, const char *task)
{
  double v;

  if (metrics == NULL)
    return g_strdup (C_("metric", "—"));
  if (g_strcmp0 (task, "regression") == 0)
    {
      v = json_number (metrics, "mae");
      /* Translators: mean absolute error of a regression model */
      return isfinite (v) ? g_strdup_printf (_("MAE %.4g"), v) : g_strdup (C_("metric", "—"));
    }
  if (g_strcmp0 (task, "anomaly") == 0)
    /* Translators: an anomaly model has no accuracy, only scores */
    return g_strdup (_("tested"));
  v = json_number (metrics, "accuracy");
  /* Translators: a percentage with one decimal */
  return isfinite (v) ? g_strdup_printf (_("%.1f%%"), 100 * v) : g_strdup (C_("metric", "—"));
}

static const char *
block_name (const char *plugin)
{
  EmBlock *block = em_block_registry_lookup (em_block_registry_get_default (), plugin);

  return block != NULL ? em_block_get_name (block) : plugin;
}

static char *
block_title (const char *id, const char *plugin)
{
  const char *name = block_name (plugin);

  /* Translators: a block of the impulse: its id, then its kind */
  return g_strcmp0 (id, name) == 0 ? g_strdup (id) : g_strdup_printf (_("%s (%s)"), id, name);
}

static char *
input_text (const EmInputConfig *in)
{
  g_autofree char *axes = in->axes != NULL ? g_strjoinv (", ", in->axes) : g_strdup (_("all axes"));

  if (in->is_image)
    /* Translators: an image input block: width × height */
    return g_strdup_printf (_("Images, %u × %u"), in->width, in->height);
  /* Translators: a time-series input block, e.g. "2000 ms windows every 80 ms at 62.5 Hz (accX, accY)" */
  return g_strdup_printf (_("%g ms windows every %g ms at %g Hz (%s)"), in->window_size_ms,
                          in->window_increase_ms, in->frequency_hz, axes);
}

/* ---- rows ------------------------------------------------------------------------ */

static GtkWidget *
add_row (EmDashboardPage *self, AdwPreferencesGroup *group, const char *title, const char *subtitle,
         const char *page)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (page != NULL)
    {
      /* The row is a GtkActionable: activating it goes to the page. */
      gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "dashboard.show-page");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", page);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
    }
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, row);
  return row;
}

/* Last, after any other suffix: the row leads somewhere. */
static void
add_arrow (GtkWidget *row)
{
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
}

static GtkWidget *
value_label (const char *caption, const char *value)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *v = gtk_label_new (value);
  GtkWidget *c = gtk_label_new (caption);

  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_size_request (box, 84, -1);
  gtk_widget_add_css_class (v, "title-4");
  gtk_widget_add_css_class (v, "numeric");
  gtk_widget_add_css_class (c, "caption");
  gtk_widget_add_css_class (c, "dim-label");
  gtk_box_append (GTK_BOX (box), v);
  gtk_box_append (GTK_BOX (box), c);
  return box;
}

static void
clear_rows (EmDashboardPage *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);

      if (group != NULL)
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), row);
    }
  g_ptr_array_set_size (self->rows, 0);
  g_hash_table_remove_all (self->blocks);
}

/* ---- sections ----------------------------------------------------------------------- */

static void
show_header (EmDashboardPage *self)
{
  g_autofree char *created = em_project_get_setting (self->project, "created");
  g_autoptr(GDateTime) when = created != NULL ? g_date_time_new_from_iso8601 (created, NULL) : NULL;
  g_autoptr(GDateTime) local = when != NULL ? g_date_time_to_local (when) : NULL;
  g_autofree char *when_text = local != NULL ? g_date_time_format (local, "%Y-%m-%d %H:%M") : NULL;
  g_autofree char *file = NULL;

  gtk_label_set_text (self->name_label, em_project_get_name (self->project));
  if (when_text != NULL)
    /* Translators: the project file, then when the project was created */
    file = g_strdup_printf (_("%s · created %s"), em_project_get_path (self->project), when_text);
  else
    file = g_strdup (em_project_get_path (self->project));
  gtk_label_set_text (self->file_label, file);
}

static void
show_samples (EmDashboardPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) stats = em_project_label_stats (self->project, &error);
  g_autofree const char **labels = NULL;
  g_autofree double *values = NULL;
  guint count[2] = { 0, 0 };
  double length[2] = { 0, 0 };
  guint n = stats != NULL ? stats->len : 0;

  labels = g_new0 (const char *, n + 1);
  values = g_new0 (double, n + 1);
  for (guint i = 0; i < n; i++)
    {
      EmLabelStats *s = g_ptr_array_index (stats, i);

      for (guint c = 0; c < 2; c++)
        {
          count[c] += s->count[c];
          length[c] += s->length_ms[c];
        }
      labels[i] = s->label;
      values[i] = s->count[0] + s->count[1];
    }
  for (guint c = 0; c < 2; c++)
    {
      GtkLabel *label = c == 0 ? self->train_label : self->test_label;
      g_autofree char *duration = format_duration (length[c]);
      g_autofree char *text = NULL;

      if (error != NULL)
        text = g_strdup (error->message);
      else if (length[c] > 0)
        /* Translators: a sample count, then their total length */
        text = g_strdup_printf (ngettext ("%u sample · %s", "%u samples · %s", count[c]), count[c], duration);
      else
        text = g_strdup_printf (ngettext ("%u sample", "%u samples", count[c]), count[c]);
      gtk_label_set_text (label, text);
    }
  em_bar_chart_set_data (self->label_chart, n, labels, values);
  /* One bar per label; a short chart stays legible, a long one grows. */
  gtk_widget_set_size_request (GTK_WIDGET (self->label_chart), -1, 60 + 28 * n);
  gtk_widget_set_visible (self->chart_frame, n > 0);
}

static void
show_impulse (EmDashboardPage *self, EmImpulse *impulse)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *in = NULL;

  if (impulse == NULL)
    {
      g_free (self->impulse_text);
      self->impulse_text = g_strdup (_("No impulse yet"));
      add_arrow (add_row (self, self->impulse_group, _("No impulse yet"),
                          _("Design one: an input block, processing blocks and a learning block"), "impulse"));
      return;
    }
  in = input_text (&impulse->input);
  add_arrow (add_row (self, self->impulse_group, _("Input"), in, "impulse"));
  g_string_append_printf (text, "%s", impulse->input.is_image ? _("Images") : _("Time series"));
  for (guint i = 0; i < impulse->blocks->len; i++)
    {
      EmImpulseBlock *b = g_ptr_array_index (impulse->blocks, i);
      g_autofree char *title = block_title (b->id, b->plugin);
      g_autofree char *page = g_strconcat ("block:", b->id, NULL);

      add_arrow (add_row (self, self->impulse_group, title, _("Processing block"), page));
      g_string_append_printf (text, "%s%s", i == 0 ? " → " : ", ", title);
    }
  for (guint i = 0; i < impulse->learn_blocks->len; i++)
    {
      EmImpulseLearnBlock *lb = g_ptr_array_index (impulse->learn_blocks, i);
      g_autofree char *title = block_title (lb->id, lb->plugin);

      g_string_append_printf (text, "%s%s", i == 0 ? " → " : ", ", title);
    }
  g_free (self->impulse_text);
  self->impulse_text = g_string_free (g_steal_pointer (&text), FALSE);
  /* The whole chain in one line, as the group's description. */
  adw_preferences_group_set_description (self->impulse_group, self->impulse_text);
}

/* Does the stored model still match the impulse (as testing checks)? */
static gboolean
model_is_current (EmImpulse *impulse, EmImpulseLearnBlock *lb, const EmModel *model)
{
  g_autofree char *key = em_learn_params_key (impulse, lb, em_block_registry_get_default (), NULL);

  return key != NULL && g_strcmp0 (key, model->params_key) == 0 && g_strcmp0 (lb->plugin, model->plugin) == 0;
}

static void
show_model (EmDashboardPage *self, EmImpulse *impulse, EmImpulseLearnBlock *lb)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmModel) model = em_model_store_get (self->project, lb->id, FALSE, &error);
  g_autoptr(JsonNode) report = NULL, tested = NULL;
  g_autofree char *title = block_title (lb->id, lb->plugin);
  g_autofree char *page = g_strconcat ("block:", lb->id, NULL);
  g_autofree char *json = NULL;
  BlockState *s = g_new0 (BlockState, 1);
  gboolean stale;
  JsonObject *r;
  GtkWidget *row;

  g_hash_table_replace (self->blocks, g_strdup (lb->id), s);
  if (model == NULL)
    {
      s->state = g_strdup (g_error_matches (error, EM_ERROR, EM_ERROR_NOT_FOUND) ? _("Not trained")
                                                                               : error->message);
      s->accuracy[0] = g_strdup (_("not tested"));
      s->accuracy[1] = g_strdup (_("not tested"));
      add_arrow (add_row (self, self->models_group, title, s->state, page));
      return;
    }

  {
    g_autofree char *when = format_time_us (model->created);
    g_autoptr(GString) state = g_string_new (NULL);
    double params;

    report = json_from_string (model->report, NULL);
    r = report != NULL && JSON_NODE_HOLDS_OBJECT (report) ? json_node_get_object (report) : NULL;
    params = json_number (json_object (r, "model"), "params");
    /* Translators: when the model was trained */
    g_string_printf (state, _("Trained %s"), when);
    if (isfinite (params))
      {
        g_autofree char *count = format_count (params);
        /* Translators: appended to "Trained …": the model's parameter count */
        g_string_append_printf (state, _(" · %s parameters"), count);
      }
    stale = !model_is_current (impulse, lb, model);
    if (stale)
      /* Translators: appended: the impulse changed since the model was trained */
      g_string_append (state, _(" · out of date: retrain"));
    s->state = g_string_free (g_steal_pointer (&state), FALSE);
  }

  json = em_model_test_load (self->project, lb->id, &error);
  tested = json != NULL ? json_from_string (json, NULL) : NULL;
  r = tested != NULL && JSON_NODE_HOLDS_OBJECT (tested) ? json_node_get_object (tested) : NULL;
  if (r == NULL)
    {
      s->accuracy[0] = g_strdup (_("not tested"));
      s->accuracy[1] = g_strdup (_("not tested"));
    }
  else
    {
      const char *task = json_object_get_string_member_with_default (r, "task", "classification");
      s->accuracy[0] = metric_text (json_object (r, "float"), task);
      s->accuracy[1] = metric_text (json_object (r, "int8"), task);
    }
  row = add_row (self, self->models_group, title, s->state, page);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), value_label (_("float32"), s->accuracy[0]));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), value_label (_("int8"), s->accuracy[1]));
  add_arrow (row);
  if (stale)
    adw_action_row_set_icon_name (ADW_ACTION_ROW (row), "dialog-warning-symbolic");
}

static void
show_models (EmDashboardPage *self, EmImpulse *impulse)
{
  if (impulse == NULL || impulse->learn_blocks->len == 0)
    {
      add_arrow (add_row (self, self->models_group, _("No learning block"),
                          _("Add a learning block to the impulse to train a model"), "impulse"));
      return;
    }
  for (guint i = 0; i < impulse->learn_blocks->len; i++)
    show_model (self, impulse, g_ptr_array_index (impulse->learn_blocks, i));
}

void
em_dashboard_page_reload (EmDashboardPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmImpulse) impulse = NULL;

  g_return_if_fail (EM_IS_DASHBOARD_PAGE (self));

  clear_rows (self);
  if (self->project == NULL)
    return;
  show_header (self);
  show_samples (self);
  impulse = em_impulse_load (self->project, &error);
  if (impulse == NULL && !g_error_matches (error, EM_ERROR, EM_ERROR_NOT_FOUND))
    g_warning ("Dashboard: %s", error->message);
  show_impulse (self, impulse);
  show_models (self, impulse);
}

/* ---- refresh --------------------------------------------------------------------- */

static gboolean
reload_idle (gpointer data)
{
  GWeakRef *ref = data;
  g_autoptr(EmDashboardPage) self = g_weak_ref_get (ref);

  if (self != NULL)
    {
      g_atomic_int_set (&self->reload_queued, 0);
      em_dashboard_page_reload (self);
    }
  return G_SOURCE_REMOVE;
}

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

/* "samples-changed" comes on the thread that made the change: reload on
 * the main context, once for a burst of changes. */
static void
samples_changed_cb (EmDashboardPage *self)
{
  GWeakRef *ref;

  if (!g_atomic_int_compare_and_exchange (&self->reload_queued, 0, 1))
    return;
  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, self);
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT_IDLE, reload_idle, ref, weak_ref_free);
}

static void
show_page_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  g_signal_emit (widget, signals[SHOW_PAGE], 0, g_variant_get_string (parameter, NULL));
}

/* ---- GObject ---------------------------------------------------------------------- */

static void
em_dashboard_page_set_project (EmDashboardPage *self, EmProject *project)
{
  if (!g_set_object (&self->project, project))
    return;
  if (project != NULL)
    g_signal_connect_object (project, "samples-changed", G_CALLBACK (samples_changed_cb), self,
                             G_CONNECT_SWAPPED);
  em_dashboard_page_reload (self);
}

static void
em_dashboard_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (em_dashboard_page_parent_class)->map (widget);
  /* Models are trained and tested on other pages: show what is stored now. */
  em_dashboard_page_reload (EM_DASHBOARD_PAGE (widget));
}

static void
em_dashboard_page_dispose (GObject *object)
{
  EmDashboardPage *self = EM_DASHBOARD_PAGE (object);
  GtkWidget *child;

  g_ptr_array_set_size (self->rows, 0);
  if (self->project != NULL)
    g_signal_handlers_disconnect_by_func (self->project, samples_changed_cb, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), EM_TYPE_DASHBOARD_PAGE);
  /* The template's root is not a bound child: it goes here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->project);
  G_OBJECT_CLASS (em_dashboard_page_parent_class)->dispose (object);
}

static void
em_dashboard_page_finalize (GObject *object)
{
  EmDashboardPage *self = EM_DASHBOARD_PAGE (object);

  g_ptr_array_unref (self->rows);
  g_hash_table_unref (self->blocks);
  g_free (self->impulse_text);
  G_OBJECT_CLASS (em_dashboard_page_parent_class)->finalize (object);
}

static void
em_dashboard_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EmDashboardPage *self = EM_DASHBOARD_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_dashboard_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  EmDashboardPage *self = EM_DASHBOARD_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      em_dashboard_page_set_project (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_dashboard_page_class_init (EmDashboardPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = em_dashboard_page_dispose;
  object_class->finalize = em_dashboard_page_finalize;
  object_class->get_property = em_dashboard_page_get_property;
  object_class->set_property = em_dashboard_page_set_property;
  widget_class->map = em_dashboard_page_map;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, EM_TYPE_PROJECT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * EmDashboardPage::show-page:
   * @name: "data", "impulse", "block:ID", "testing" or "deployment"
   */
  signals[SHOW_PAGE] = g_signal_new ("show-page", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                     NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (EM_TYPE_BAR_CHART);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/emberstudio/Ember/ui/em-dashboard-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EmDashboardPage, name_label);
  gtk_widget_class_bind_template_child (widget_class, EmDashboardPage, file_label);
  gtk_widget_class_bind_template_child (widget_class, EmDashboardPage, train_label);
  gtk_widget_class_bind_template_child (widget_class, EmDashboardPage, test_label);
  gtk_widget_class_bind_template_child (widget_class, EmDashboardPage, chart_frame);
  gtk_widget_class_bind_template_child (widget_class, EmDashboardPage, label_chart);
  gtk_widget_class_bind_template_child (widget_class, EmDashboardPage, impulse_group);
  gtk_widget_class_bind_template_child (widget_class, EmDashboardPage, models_group);
  gtk_widget_class_install_action (widget_class, "dashboard.show-page", "s", show_page_action);
  gtk_widget_class_set_css_name (widget_class, "dashboard");
}

static void
em_dashboard_page_init (EmDashboardPage *self)
{
  self->rows = g_ptr_array_new ();
  self->blocks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) block_state_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  em_bar_chart_set_value_label (self->label_chart, _("samples per label"));
  em_bar_chart_set_multicolor (self->label_chart, TRUE);
}

GtkWidget *
em_dashboard_page_new (EmProject *project)
{
  g_return_val_if_fail (EM_IS_PROJECT (project), NULL);
  return g_object_new (EM_TYPE_DASHBOARD_PAGE, "project", project, NULL);
}

/* ---- accessors ------------------------------------------------------------------- */

const char *
em_dashboard_page_get_samples_text (EmDashboardPage *self, int category)
{
  g_return_val_if_fail (EM_IS_DASHBOARD_PAGE (self), NULL);
  return gtk_label_get_text (category == EM_CATEGORY_TESTING ? self->test_label : self->train_label);
}

EmBarChart *
em_dashboard_page_get_label_chart (EmDashboardPage *self)
{
  g_return_val_if_fail (EM_IS_DASHBOARD_PAGE (self), NULL);
  return self->label_chart;
}

const char *
em_dashboard_page_get_impulse_text (EmDashboardPage *self)
{
  g_return_val_if_fail (EM_IS_DASHBOARD_PAGE (self), NULL);
  return self->impulse_text;
}

const char *
em_dashboard_page_get_model_state (EmDashboardPage *self, const char *block_id)
{
  BlockState *s;

  g_return_val_if_fail (EM_IS_DASHBOARD_PAGE (self), NULL);
  s = g_hash_table_lookup (self->blocks, block_id);
  return s != NULL ? s->state : NULL;
}

const char *
em_dashboard_page_get_accuracy_text (EmDashboardPage *self, const char *block_id, const char *variant)
{
  BlockState *s;

  g_return_val_if_fail (EM_IS_DASHBOARD_PAGE (self), NULL);
  s = g_hash_table_lookup (self->blocks, block_id);
  if (s == NULL)
    return NULL;
  return s->accuracy[g_strcmp0 (variant, "int8") == 0 ? 1 : 0];
}
