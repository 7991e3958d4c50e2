/* SPDX-License-Identifier: Apache-2.0 */
/* EmLearnPage: loading the block, the layer list and its defaults, and
 * training on a worker thread. The settings form is in
 * em-learn-page-settings.c, the report and curves in em-learn-page-report.c. */
#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "em-learn-page-private.h"
#include "em-error.h"

#define DEFAULTS_BYTES (64 * 1024)

G_DEFINE_FINAL_TYPE (EmLearnPage, em_learn_page, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_PROJECT, PROP_REGISTRY, PROP_BLOCK_ID, PROP_TRAINING, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
update_actions (EmLearnPage *self)
{
  gboolean busy = self->training || self->fetching_defaults;
  gboolean arch_ok = self->layer_list == NULL || !gtk_widget_get_visible (GTK_WIDGET (self->arch_group)) ||
                     self->arch_default || em_layer_list_get_valid (self->layer_list);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "learn.train", self->block != NULL && !busy && arch_ok);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "learn.cancel", busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "learn.reset-architecture", self->block != NULL && !busy);
  /* Settings changed mid-run would not be the ones the model was trained with. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->settings_group), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->augment_group), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->arch_group), !busy);
}

static void
layers_changed_cb (EmLearnPage *self, EmLayerList *list)
{
  g_autofree char *json = em_layer_list_get_architecture (list);
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  /* From now on the user's layers, no longer whatever suits the input. */
  self->arch_default = FALSE;
  adw_preferences_group_set_description (self->arch_group, NULL);
  json_node_set_string (node, json != NULL ? json : "");
  em_learn_page_save_param (self, "architecture", node);
  update_actions (self);
}

/* ---- loading ---------------------------------------------------------------- */

static void
show_missing (EmLearnPage *self, const char *description)
{
  g_clear_pointer (&self->block, em_block_unref);
  adw_status_page_set_description (self->missing_page, description);
  gtk_stack_set_visible_child_name (self->stack, "missing");
}

void
em_learn_page_reload (EmLearnPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmImpulse) impulse = NULL;
  g_autofree char *arch = NULL;
  EmImpulseLearnBlock *lb = NULL;
  EmBlock *block = NULL;

  g_return_if_fail (EM_IS_LEARN_PAGE (self));
  if (self->training || self->fetching_defaults || self->project == NULL)
    return;

  impulse = em_impulse_load (self->project, &error);
  if (impulse != NULL)
    lb = em_learn_find_block (impulse, self->registry, self->block_id, &block, &error);
  if (lb == NULL)
    {
      show_missing (self, error->message);
      update_actions (self);
      return;
    }
  if (self->block_id == NULL)
    self->block_id = g_strdup (lb->id);
  g_clear_pointer (&self->block, em_block_unref);
  self->block = em_block_ref (block);
  self->task = em_learn_task_for_block (block);

  gtk_label_set_text (self->title_label, em_block_get_name (block));
  gtk_label_set_text (self->description_label, em_block_get_description (block));
  gtk_stack_set_visible_child_name (self->stack, "main");

  em_learn_page_build_form (self, lb);
  arch = em_learn_page_show_report (self);
  /* Settings that leave the layers to the block: show the ones the last
   * training used, which are the defaults for these features. */
  if (self->arch_default)
    {
      self->loading = TRUE;
      em_layer_list_set_architecture (self->layer_list, arch, NULL);
      self->loading = FALSE;
      adw_preferences_group_set_description (self->arch_group,
                                             arch != NULL ? _("The default layers for these features")
                                                          : _("Chosen for the features when training starts"));
    }
  update_actions (self);
}

/* ---- training --------------------------------------------------------------- */

typedef struct {
  EmLearnPage     *self;   /* a reference */
  gint             run;
  gboolean         features; /* a feature-generation update, not an epoch */
  double           fraction;
  EmLearnProgress  progress;
  char            *line;
} Update;

static void
update_free (gpointer data)
{
  Update *u = data;

  g_object_unref (u->self);
  g_free (u->line);
  g_free (u);
}

/* On the main loop: the only place the widgets hear of the worker. */
static gboolean
apply_update (gpointer data)
{
  Update *u = data;
  EmLearnPage *self = u->self;

  if (self->disposed || !self->training || u->run != self->run)
    return G_SOURCE_REMOVE;
  if (u->features)
    {
      gtk_progress_bar_set_fraction (self->progress_bar, u->fraction);
      em_learn_page_set_status (self, u->line != NULL ? u->line : _("Generating features…"), FALSE);
      return G_SOURCE_REMOVE;
    }
  em_learn_page_add_epoch (self, u->progress.epoch, u->progress.loss, u->progress.accuracy,
                           u->progress.val_loss, u->progress.val_accuracy);
  if (u->progress.n_epochs > 0)
    gtk_progress_bar_set_fraction (self->progress_bar, u->progress.epoch / (double) u->progress.n_epochs);
  if (u->line != NULL)
    em_learn_page_set_status (self, u->line, FALSE);
  return G_SOURCE_REMOVE;
}

static void
post (Update *u)
{
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, apply_update, u, update_free);
}

/* On the training thread. */
static void
epoch_cb (const EmLearnProgress *progress, const char *log_line, gpointer user_data)
{
  EmLearnPage *self = user_data;
  Update *u = g_new0 (Update, 1);

  u->self = g_object_ref (self);
  u->run = g_atomic_int_get (&self->run);
  u->progress = *progress;
  u->line = g_strdup (log_line);
  post (u);
}

/* On the training thread. */
static void
features_cb (double fraction, const char *what, gpointer user_data)
{
  EmLearnPage *self = user_data;
  Update *u = g_new0 (Update, 1);

  u->self = g_object_ref (self);
  u->run = g_atomic_int_get (&self->run);
  u->features = TRUE;
  u->fraction = fraction;
  /* Translators: while features are made before training, e.g. "Generating features: spectral" */
  u->line = what != NULL ? g_strdup_printf (_("Generating features: %s"), what) : NULL;
  post (u);
}

static void
set_training (EmLearnPage *self, gboolean training)
{
  self->training = training;
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), training);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRAINING]);
}

static void
train_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(EmLearnPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *report = em_learn_train_finish (EM_PROJECT (source), result, &error);

  g_clear_object (&self->cancellable);
  if (self->disposed)
    return;
  set_training (self, FALSE);
  /* GTask reports a cancelled cancellable as G_IO_ERROR_CANCELLED before
   * the core's own EM_ERROR_CANCELLED: either means the same. */
  if (report == NULL && (g_error_matches (error, EM_ERROR, EM_ERROR_CANCELLED) ||
                         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)))
    em_learn_page_set_status (self, _("Training cancelled; the previous model is kept"), FALSE);
  else if (report == NULL)
    em_learn_page_set_status (self, error->message, TRUE);
  else
    em_learn_page_set_status (self, _("Training finished"), FALSE);
  /* The stored model either way: the new one, or the one kept. */
  g_free (em_learn_page_show_report (self));
}

static void
train_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EmLearnPage *self = EM_LEARN_PAGE (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(EmImpulse) impulse = NULL;
  EmLearnMonitor monitor = { features_cb, epoch_cb, self };

  if (self->block == NULL || self->training || self->fetching_defaults)
    return;
  impulse = em_impulse_load (self->project, &error);
  if (impulse == NULL)
    {
      em_learn_page_set_status (self, error->message, TRUE);
      return;
    }
  g_atomic_int_inc (&self->run);
  self->cancellable = g_cancellable_new ();
  em_learn_page_clear_curves (self);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  em_learn_page_set_status (self, _("Starting…"), FALSE);
  set_training (self, TRUE);
  /* The task holds the page until it is done, so the monitor's pointer
   * to it stays valid on the worker. */
  em_learn_train_async (self->project, impulse, self->registry, self->block_id, NULL, &monitor, self->cancellable,
                        train_done_cb, g_object_ref (self));
}

static void
cancel_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EmLearnPage *self = EM_LEARN_PAGE (widget);

  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      em_learn_page_set_status (self, _("Cancelling…"), FALSE);
    }
}

/* ---- default architecture ----------------------------------------------------- */

typedef struct {
  EmProject       *project;
  EmImpulse       *impulse;
  EmBlockRegistry *registry;
  char            *block_id;
} DefaultsJob;

static void
defaults_job_free (gpointer data)
{
  DefaultsJob *job = data;

  g_object_unref (job->project);
  em_impulse_free (job->impulse);
  g_object_unref (job->registry);
  g_free (job->block_id);
  g_free (job);
}

/* On a worker: the block's defaults need the shape of the features, which
 * gathering the training set gives (making features the cache lacks). */
static void
defaults_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  DefaultsJob *job = task_data;
  GError *error = NULL;
  g_autoptr(EmLearnSet) set = NULL;
  g_autofree char *out = g_malloc0 (DEFAULTS_BYTES);
  g_auto(GStrv) lines = NULL;
  EmImpulseLearnBlock *lb;
  EmBlock *block = NULL;
  char err[512] = "";

  lb = em_learn_find_block (job->impulse, job->registry, job->block_id, &block, &error);
  if (lb != NULL)
    set = em_learn_gather (job->project, job->impulse, job->registry, lb, EM_CATEGORY_TRAINING, NULL, NULL, NULL,
                           cancellable, &error);
  if (set == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (em_block_get_learning_ops (block)->defaults (&set->info, out, DEFAULTS_BYTES - 1, err, sizeof err) != 0)
    {
      g_task_return_new_error (task, EM_ERROR, EM_ERROR_FAILED, _("Block %s gave no defaults: %s"), lb->id, err);
      return;
    }
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "architecture="))
      {
        g_task_return_pointer (task, g_strdup (lines[i] + strlen ("architecture=")), g_free);
        return;
      }
  g_task_return_new_error (task, EM_ERROR, EM_ERROR_NOT_FOUND, _("Block %s suggests no architecture"), lb->id);
}

static void
defaults_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(EmLearnPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *arch = g_task_propagate_pointer (G_TASK (result), &error);

  g_clear_object (&self->cancellable);
  if (self->disposed)
    return;
  self->fetching_defaults = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
  if (arch == NULL)
    em_learn_page_set_status (self, error->message, !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
  else
    {
      JsonNode *empty = json_node_new (JSON_NODE_VALUE);

      self->loading = TRUE;
      em_layer_list_set_architecture (self->layer_list, arch, NULL);
      self->loading = FALSE;
      /* "" = the block's choice for whatever the features are then. */
      json_node_set_string (empty, "");
      em_learn_page_save_param (self, "architecture", empty);
      self->arch_default = TRUE;
      adw_preferences_group_set_description (self->arch_group, _("The default layers for these features"));
      em_learn_page_set_status (self, _("Layers reset to the default"), FALSE);
    }
  update_actions (self);
}

static void
reset_architecture_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EmLearnPage *self = EM_LEARN_PAGE (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  DefaultsJob *job;
  EmImpulse *impulse;

  if (self->block == NULL || self->training || self->fetching_defaults)
    return;
  if ((impulse = em_impulse_load (self->project, &error)) == NULL)
    {
      em_learn_page_set_status (self, error->message, TRUE);
      return;
    }
  job = g_new0 (DefaultsJob, 1);
  job->project = g_object_ref (self->project);
  job->impulse = impulse;
  job->registry = g_object_ref (self->registry);
  job->block_id = g_strdup (self->block_id);
  self->cancellable = g_cancellable_new ();
  self->fetching_defaults = TRUE;
  gtk_progress_bar_pulse (self->progress_bar);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), TRUE);
  em_learn_page_set_status (self, _("Asking the block for its default layers…"), FALSE);
  update_actions (self);

  task = g_task_new (NULL, self->cancellable, defaults_done_cb, g_object_ref (self));
  g_task_set_task_data (task, job, defaults_job_free);
  g_task_run_in_thread (task, defaults_thread);
}

/* ---- GObject ------------------------------------------------------------------ */

static void
em_learn_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (em_learn_page_parent_class)->map (widget);
  /* The impulse may have changed on another page since we last looked. */
  em_learn_page_reload (EM_LEARN_PAGE (widget));
}

static void
em_learn_page_constructed (GObject *object)
{
  EmLearnPage *self = EM_LEARN_PAGE (object);

  G_OBJECT_CLASS (em_learn_page_parent_class)->constructed (object);
  em_learn_page_reload (self);
}

static void
em_learn_page_dispose (GObject *object)
{
  EmLearnPage *self = EM_LEARN_PAGE (object);
  GtkWidget *child;

  self->disposed = TRUE;
  /* A running job ends soon after; its callback holds the page until then. */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->form_rows != NULL)
    g_ptr_array_set_size (self->form_rows, 0);
  if (self->detail_rows != NULL)
    g_ptr_array_set_size (self->detail_rows, 0);
  if (self->editors != NULL)
    g_hash_table_remove_all (self->editors);
  gtk_widget_dispose_template (GTK_WIDGET (self), EM_TYPE_LEARN_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->block, em_block_unref);
  g_clear_object (&self->loss_model);
  g_clear_object (&self->accuracy_model);
  g_clear_object (&self->project);
  g_clear_object (&self->registry);
  G_OBJECT_CLASS (em_learn_page_parent_class)->dispose (object);
}

static void
em_learn_page_finalize (GObject *object)
{
  EmLearnPage *self = EM_LEARN_PAGE (object);

  g_free (self->block_id);
  g_clear_pointer (&self->editors, g_hash_table_unref);
  g_clear_pointer (&self->form_rows, g_ptr_array_unref);
  g_clear_pointer (&self->detail_rows, g_ptr_array_unref);
  G_OBJECT_CLASS (em_learn_page_parent_class)->finalize (object);
}

static void
em_learn_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EmLearnPage *self = EM_LEARN_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;
    case PROP_REGISTRY:
      g_value_set_object (value, self->registry);
      break;
    case PROP_BLOCK_ID:
      g_value_set_string (value, self->block_id);
      break;
    case PROP_TRAINING:
      g_value_set_boolean (value, self->training);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_learn_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  EmLearnPage *self = EM_LEARN_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      self->project = g_value_dup_object (value);
      break;
    case PROP_REGISTRY:
      self->registry = g_value_dup_object (value);
      break;
    case PROP_BLOCK_ID:
      self->block_id = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_learn_page_class_init (EmLearnPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = em_learn_page_constructed;
  object_class->dispose = em_learn_page_dispose;
  object_class->finalize = em_learn_page_finalize;
  object_class->get_property = em_learn_page_get_property;
  object_class->set_property = em_learn_page_set_property;
  widget_class->map = em_learn_page_map;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, EM_TYPE_PROJECT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REGISTRY] =
    g_param_spec_object ("registry", NULL, NULL, EM_TYPE_BLOCK_REGISTRY,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BLOCK_ID] =
    g_param_spec_string ("block-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TRAINING] =
    g_param_spec_boolean ("training", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "learn.train", NULL, train_action);
  gtk_widget_class_install_action (widget_class, "learn.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "learn.reset-architecture", NULL, reset_architecture_action);

  g_type_ensure (EM_TYPE_LAYER_LIST);
  g_type_ensure (EM_TYPE_LINE_PLOT);
  g_type_ensure (EM_TYPE_CONFUSION_MATRIX);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/emberstudio/Ember/ui/em-learn-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EmLearnPage, stack);
  gtk_widget_class_bind_template_child (widget_class, EmLearnPage, missing_page);
  gtk_widget_class_bind_template_child (widget_class, EmLearnPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, EmLearnPage, description_label);
  gtk_widget_class_bind_template_child (widget_class, EmLearnPage, settings_group);
  gtk_widget_class_bind_template_child (widget_class, EmLearnPage, augment_group);
  gtk_widget_class_bind_template_child (widget_class, EmLearnPage, arch_group);
  gtk_widget_class_bind_template_child (widget_class, EmLearnPage, layer_list);
  gtk_widget_class_bind_template_child (widget_class, EmLearnPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, EmLearnPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, EmLearnPage, curves_box);
  gtk_widget_class_bind_template_child (widget_class, EmLearnPage, loss_plot);
  gtk_widget_class_bind_template_child (widget_class, EmLearnPage, accuracy_plot);
  gtk_widget_class_bind_template_child (widget_class, EmLearnPage, result_stack);
  gtk_widget_class_bind_template_child (widget_class, EmLearnPage, result_group);
  gtk_widget_class_bind_template_child (widget_class, EmLearnPage, stale_label);
  gtk_widget_class_bind_template_child (widget_class, EmLearnPage, confusion);
  gtk_widget_class_bind_template_child (widget_class, EmLearnPage, confusion_box);
  gtk_widget_class_bind_template_child (widget_class, EmLearnPage, confusion_title);
  gtk_widget_class_bind_template_child (widget_class, EmLearnPage, params_row);
  gtk_widget_class_bind_template_child (widget_class, EmLearnPage, macs_row);
  gtk_widget_class_bind_template_child (widget_class, EmLearnPage, float_row);
  gtk_widget_class_bind_template_child (widget_class, EmLearnPage, int8_row);
  gtk_widget_class_bind_template_child (widget_class, EmLearnPage, epoch_row);
  gtk_widget_class_bind_template_child (widget_class, EmLearnPage, data_row);
  gtk_widget_class_bind_template_child (widget_class, EmLearnPage, time_row);
  gtk_widget_class_bind_template_callback (widget_class, layers_changed_cb);
}

static void
em_learn_page_init (EmLearnPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->editors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->form_rows = g_ptr_array_new ();
  self->detail_rows = g_ptr_array_new ();
  self->loss_model = em_series_model_new ();
  self->accuracy_model = em_series_model_new ();
  for (guint i = 0; i < G_N_ELEMENTS (self->series); i++)
    self->series[i] = -1;
  em_line_plot_set_model (self->loss_plot, self->loss_model);
  em_line_plot_set_model (self->accuracy_plot, self->accuracy_model);

  /* Validation metrics under the matrix (em-learn-page-report.c fills them). */
  self->accuracy_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->accuracy_label, 0);
  gtk_label_set_selectable (self->accuracy_label, TRUE);
  gtk_box_append (GTK_BOX (self->confusion_box), GTK_WIDGET (self->accuracy_label));
  self->metrics_grid = GTK_GRID (gtk_grid_new ());
  gtk_grid_set_column_spacing (self->metrics_grid, 24);
  gtk_grid_set_row_spacing (self->metrics_grid, 4);
  gtk_box_append (GTK_BOX (self->confusion_box), GTK_WIDGET (self->metrics_grid));
  self->validation_note = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->validation_note, 0);
  gtk_label_set_wrap (self->validation_note, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->validation_note), "dim-label");
  gtk_widget_set_visible (GTK_WIDGET (self->validation_note), FALSE);
  gtk_widget_insert_before (GTK_WIDGET (self->validation_note), gtk_widget_get_parent (self->confusion_box),
                            self->confusion_box);

  /* The report's values sit at the end of their rows, like a table. */
  {
    AdwActionRow *rows[] = { self->params_row, self->macs_row, self->float_row, self->int8_row,
                             self->epoch_row, self->data_row, self->time_row };

    for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
      {
        GtkWidget *value = gtk_label_new (NULL);

        gtk_label_set_selectable (GTK_LABEL (value), TRUE);
        gtk_label_set_xalign (GTK_LABEL (value), 1);
        gtk_widget_add_css_class (value, "numeric");
        adw_action_row_add_suffix (rows[i], value);
        g_object_set_data (G_OBJECT (rows[i]), "value-label", value);
      }
  }
}

GtkWidget *
em_learn_page_new (EmProject *project, EmBlockRegistry *registry, const char *block_id)
{
  g_return_val_if_fail (EM_IS_PROJECT (project), NULL);
  g_return_val_if_fail (EM_IS_BLOCK_REGISTRY (registry), NULL);

  return g_object_new (EM_TYPE_LEARN_PAGE, "project", project, "registry", registry, "block-id", block_id, NULL);
}

const char *
em_learn_page_get_block_id (EmLearnPage *self)
{
  g_return_val_if_fail (EM_IS_LEARN_PAGE (self), NULL);
  return self->block_id;
}

gboolean
em_learn_page_get_training (EmLearnPage *self)
{
  g_return_val_if_fail (EM_IS_LEARN_PAGE (self), FALSE);
  return self->training;
}

EmSeriesModel *
em_learn_page_get_loss_model (EmLearnPage *self)
{
  g_return_val_if_fail (EM_IS_LEARN_PAGE (self), NULL);
  return self->loss_model;
}

EmSeriesModel *
em_learn_page_get_accuracy_model (EmLearnPage *self)
{
  g_return_val_if_fail (EM_IS_LEARN_PAGE (self), NULL);
  return self->accuracy_model;
}

GtkWidget *
em_learn_page_get_param_editor (EmLearnPage *self, const char *name)
{
  g_return_val_if_fail (EM_IS_LEARN_PAGE (self), NULL);
  return g_hash_table_lookup (self->editors, name);
}

EmLayerList *
em_learn_page_get_layer_list (EmLearnPage *self)
{
  g_return_val_if_fail (EM_IS_LEARN_PAGE (self), NULL);
  return self->block != NULL && gtk_widget_get_visible (GTK_WIDGET (self->arch_group)) ? self->layer_list : NULL;
}

const char *
em_learn_page_get_status (EmLearnPage *self)
{
  g_return_val_if_fail (EM_IS_LEARN_PAGE (self), NULL);
  return gtk_label_get_text (self->status_label);
}

const char *
em_learn_page_get_validation_accuracy (EmLearnPage *self)
{
  g_return_val_if_fail (EM_IS_LEARN_PAGE (self), NULL);
  if (!gtk_widget_get_visible (self->confusion_box) || !gtk_widget_get_visible (GTK_WIDGET (self->accuracy_label)))
    return NULL;
  return gtk_label_get_text (self->accuracy_label);
}

gint64
em_learn_page_get_model_time (EmLearnPage *self)
{
  g_return_val_if_fail (EM_IS_LEARN_PAGE (self), 0);
  return self->model_time;
}
