/* SPDX-License-Identifier: Apache-2.0 */
/* Retrain: the core's three long actions chained on the main loop, one
 * after another, under one EmJob. Each runs on its own worker thread
 * (the core's _async calls); a step starts only when the one before has
 * finished, so a step's progress maps onto its slice of the job's bar. */
#include <math.h>
#include <glib/gi18n.h>
#include <adwaita.h>

#include "em-retrain-page.h"
#include "em-error.h"
#include "em-features.h"
#include "em-impulse.h"
#include "em-learn.h"
#include "em-model-store.h"
#include "em-model-test.h"

typedef enum { STEP_FEATURES, STEP_TRAIN, STEP_TEST } StepKind;

typedef struct {
  StepKind   kind;
  char      *block_id;
  char      *name;    /* "features:ID" ... */
  char      *result;  /* the line shown */
  GtkWidget *row;
} Step;

struct _EmRetrainPage
{
  GtkWidget            parent_instance;

  /* template children */
  GtkProgressBar      *progress_bar;
  GtkLabel            *status_label;
  AdwPreferencesGroup *steps_group;
  GtkTextView         *log_view;

  EmProject           *project;
  EmBlockRegistry     *registry;
  GPtrArray           *steps;     /* Step */
  EmImpulse           *impulse;   /* the one the run uses */
  EmJob               *job;
  guint                current;   /* the running step; only changes between steps */
  EmLearnMonitor       monitor;
  gboolean             running;
};

G_DEFINE_FINAL_TYPE (EmRetrainPage, em_retrain_page, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_PROJECT, PROP_REGISTRY, PROP_RUNNING, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { JOB_STARTED, FINISHED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void run_step (EmRetrainPage *self);

static void
step_free (Step *step)
{
  g_free (step->block_id);
  g_free (step->name);
  g_free (step->result);
  g_free (step);
}

static void
update_actions (EmRetrainPage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "retrain.start", !self->running && self->steps->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "retrain.cancel", self->running);
}

static void
set_status (EmRetrainPage *self, const char *text, gboolean error)
{
  gtk_label_set_text (self->status_label, text != NULL ? text : "");
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

static void
set_step (Step *step, const char *icon, const char *result)
{
  g_free (step->result);
  step->result = g_strdup (result);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (step->row), result);
  adw_action_row_set_icon_name (ADW_ACTION_ROW (step->row), icon);
}

static char *
format_time_us (gint64 us)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (us / G_USEC_PER_SEC);

  return when != NULL ? g_date_time_format (when, "%Y-%m-%d %H:%M:%S") : g_strdup ("?");
}

/* ---- the step list ----------------------------------------------------------------- */

static void
add_step (EmRetrainPage *self, StepKind kind, const char *block_id)
{
  static const char *const prefix[] = { "features:", "train:", "test:" };
  Step *step = g_new0 (Step, 1);
  g_autofree char *title = NULL;

  step->kind = kind;
  step->block_id = g_strdup (block_id);
  step->name = g_strconcat (prefix[kind], block_id, NULL);
  switch (kind)
    {
    case STEP_FEATURES:
      /* Translators: a step of the retraining; %s is a processing block's id */
      title = g_strdup_printf (_("Generate features: %s"), block_id);
      break;
    case STEP_TRAIN:
      /* Translators: a step; %s is a learning block's id */
      title = g_strdup_printf (_("Train: %s"), block_id);
      break;
    case STEP_TEST:
      /* Translators: a step; %s is a learning block's id */
      title = g_strdup_printf (_("Test: %s"), block_id);
      break;
    }
  step->row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (step->row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (step->row), FALSE);
  adw_preferences_group_add (self->steps_group, step->row);
  set_step (step, "content-loading-symbolic", _("Waiting"));
  g_ptr_array_add (self->steps, step);
}

static void
clear_steps (EmRetrainPage *self)
{
  for (guint i = 0; i < self->steps->len; i++)
    adw_preferences_group_remove (self->steps_group, ((Step *) g_ptr_array_index (self->steps, i))->row);
  g_ptr_array_set_size (self->steps, 0);
}

/* Fills the step list from @impulse; FALSE (and says why) when there is
 * nothing to train. */
static gboolean
fill_steps (EmRetrainPage *self, EmImpulse *impulse, const GError *error)
{
  clear_steps (self);
  if (impulse == NULL)
    {
      set_status (self, error != NULL && !g_error_matches (error, EM_ERROR, EM_ERROR_NOT_FOUND)
                          ? error->message
                          : _("The project has no impulse yet: design one on the Impulse design page first."),
                  error != NULL && !g_error_matches (error, EM_ERROR, EM_ERROR_NOT_FOUND));
      return FALSE;
    }
  if (impulse->learn_blocks->len == 0)
    {
      set_status (self, _("The impulse has no learning block: add one on the Impulse design page first."), FALSE);
      return FALSE;
    }
  for (guint i = 0; i < impulse->blocks->len; i++)
    add_step (self, STEP_FEATURES, ((EmImpulseBlock *) g_ptr_array_index (impulse->blocks, i))->id);
  for (guint i = 0; i < impulse->learn_blocks->len; i++)
    add_step (self, STEP_TRAIN, ((EmImpulseLearnBlock *) g_ptr_array_index (impulse->learn_blocks, i))->id);
  for (guint i = 0; i < impulse->learn_blocks->len; i++)
    add_step (self, STEP_TEST, ((EmImpulseLearnBlock *) g_ptr_array_index (impulse->learn_blocks, i))->id);
  return TRUE;
}

/* Would @impulse give the steps listed? Then the last run's results stay. */
static gboolean
same_steps (EmRetrainPage *self, EmImpulse *impulse)
{
  guint n = impulse->blocks->len, m = impulse->learn_blocks->len;

  if (m == 0 || self->steps->len != n + 2 * m)
    return FALSE;
  for (guint i = 0; i < self->steps->len; i++)
    {
      Step *step = g_ptr_array_index (self->steps, i);
      const char *id = i < n ? ((EmImpulseBlock *) g_ptr_array_index (impulse->blocks, i))->id
                             : ((EmImpulseLearnBlock *) g_ptr_array_index (impulse->learn_blocks, (i - n) % m))->id;
      StepKind kind = i < n ? STEP_FEATURES : i < n + m ? STEP_TRAIN : STEP_TEST;

      if (step->kind != kind || g_strcmp0 (step->block_id, id) != 0)
        return FALSE;
    }
  return TRUE;
}

void
em_retrain_page_reload (EmRetrainPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmImpulse) impulse = NULL;

  g_return_if_fail (EM_IS_RETRAIN_PAGE (self));
  if (self->running || self->project == NULL)
    return;
  impulse = em_impulse_load (self->project, &error);
  if (impulse == NULL || !same_steps (self, impulse))
    {
      if (fill_steps (self, impulse, error))
        set_status (self, _("Ready"), FALSE);
    }
  update_actions (self);
}

/* ---- progress (worker threads) ------------------------------------------------------ */

/* A step's own 0..1 mapped onto its slice of the whole run. */
static void
progress_cb (double fraction, const char *what, gpointer user_data)
{
  EmRetrainPage *self = user_data;
  double f = fraction >= 0 ? (self->current + CLAMP (fraction, 0, 1)) / self->steps->len : -1;

  em_job_report (self->job, f, what);
}

static void
epoch_cb (const EmLearnProgress *p, const char *log_line, gpointer user_data)
{
  EmRetrainPage *self = user_data;
  double f = p->n_epochs > 0 ? (double) p->epoch / p->n_epochs : -1;

  progress_cb (f, log_line, self);
}

/* ---- the run (main thread) ------------------------------------------------------------ */

/* Cancelled or failed at the current step: say what became of the rest. */
static void
stop_run (EmRetrainPage *self, const GError *error)
{
  gboolean cancelled = g_error_matches (error, EM_ERROR, EM_ERROR_CANCELLED) ||
                       g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
                       g_cancellable_is_cancelled (em_job_get_cancellable (self->job));

  for (guint i = self->current; i < self->steps->len; i++)
    {
      Step *step = g_ptr_array_index (self->steps, i);
      g_autofree char *text = NULL;

      if (step->kind == STEP_TRAIN)
        {
          g_autoptr(EmModel) model = em_model_store_get (self->project, step->block_id, FALSE, NULL);
          g_autofree char *when = model != NULL ? format_time_us (model->created) : NULL;
          const char *why = i == self->current ? (cancelled ? _("Cancelled") : error->message) : _("Not run");

          /* The core stores a model only at the end of a training. */
          if (model != NULL)
            /* Translators: why a training step stopped; then the date of the model kept */
            text = g_strdup_printf (_("%s · the previous model is kept (trained %s)"), why, when);
          else
            /* Translators: why a training step stopped */
            text = g_strdup_printf (_("%s · no model stored"), why);
        }
      else if (i == self->current)
        text = g_strdup (cancelled ? _("Cancelled") : error->message);
      else
        text = g_strdup (_("Not run"));
      set_step (step, i == self->current ? (cancelled ? "process-stop-symbolic" : "dialog-error-symbolic")
                                         : "action-unavailable-symbolic",
                text);
      if (i == self->current)
        em_job_log (self->job, text);
    }
  em_job_complete (self->job, NULL, NULL, error);
}

static void
step_done (EmRetrainPage *self, const char *result)
{
  set_step (g_ptr_array_index (self->steps, self->current), "emblem-ok-symbolic", result);
  self->current++;
  em_job_report (self->job, (double) self->current / self->steps->len, NULL);
  run_step (self);
}

static void
features_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(EmRetrainPage) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) summaries = em_features_generate_finish (self->project, result, &error);
  g_autofree char *text = NULL;
  guint samples = 0, windows = 0, computed = 0, skipped = 0;

  if (summaries == NULL)
    {
      stop_run (self, error);
      return;
    }
  for (guint i = 0; i < summaries->len; i++)
    {
      EmFeatureSummary *s = g_ptr_array_index (summaries, i);
      samples += s->n_samples;
      windows += s->n_windows;
      computed += s->n_computed;
      skipped += s->n_skipped;
    }
  /* Translators: the result of feature generation */
  text = g_strdup_printf (_("%u windows of %u samples (%u computed now, %u from the cache, %u skipped)"),
                          windows, samples, computed, samples - MIN (computed, samples), skipped);
  em_job_log (self->job, text);
  step_done (self, text);
}

static void
train_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(EmRetrainPage) self = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *report = em_learn_train_finish (self->project, result, &error);
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  JsonObject *r;

  if (report == NULL)
    {
      stop_run (self, error);
      return;
    }
  root = json_from_string (report, NULL);
  r = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  /* Translators: the result of a training */
  text = g_strdup_printf (_("Trained in %.2f s on %" G_GINT64_FORMAT " windows of %" G_GINT64_FORMAT " samples"),
                          r != NULL ? json_object_get_double_member_with_default (r, "seconds", 0) : 0.0,
                          r != NULL ? json_object_get_int_member_with_default (r, "train_windows", 0) : 0,
                          r != NULL ? json_object_get_int_member_with_default (r, "train_samples", 0) : 0);
  em_job_log (self->job, text);
  step_done (self, text);
}

static char *
metric_text (JsonObject *r, const char *variant)
{
  JsonNode *node = r != NULL ? json_object_get_member (r, variant) : NULL;
  JsonObject *m = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *task = json_object_get_string_member_with_default (r, "task", "classification");
  JsonNode *v;

  if (m == NULL)
    return g_strdup (C_("metric", "—"));
  v = json_object_get_member (m, g_strcmp0 (task, "regression") == 0 ? "mae" : "accuracy");
  if (v == NULL || !JSON_NODE_HOLDS_VALUE (v) || g_strcmp0 (task, "anomaly") == 0)
    return g_strdup (C_("metric", "—"));
  if (g_strcmp0 (task, "regression") == 0)
    /* Translators: mean absolute error */
    return g_strdup_printf (_("MAE %.4g"), json_node_get_double (v));
  /* Translators: a percentage with one decimal */
  return g_strdup_printf (_("%.1f%%"), 100 * json_node_get_double (v));
}

static void
test_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(EmRetrainPage) self = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = em_model_test_finish (self->project, result, &error);
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *f = NULL, *q = NULL, *text = NULL;
  JsonObject *r;

  if (json == NULL)
    {
      stop_run (self, error);
      return;
    }
  root = json_from_string (json, NULL);
  r = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  f = metric_text (r, "float");
  q = metric_text (r, "int8");
  /* Translators: the result of a test: float32 and int8 accuracy (or error) */
  text = g_strdup_printf (_("float32 %s · int8 %s"), f, q);
  em_job_log (self->job, text);
  step_done (self, text);
}

static void
run_step (EmRetrainPage *self)
{
  GCancellable *cancellable = em_job_get_cancellable (self->job);
  g_autofree char *line = NULL;
  Step *step;

  if (self->current >= self->steps->len)
    {
      em_job_complete (self->job, NULL, NULL, NULL);
      return;
    }
  step = g_ptr_array_index (self->steps, self->current);
  set_step (step, "media-playback-start-symbolic", _("Running…"));
  line = g_strdup_printf ("%s", adw_preferences_row_get_title (ADW_PREFERENCES_ROW (step->row)));
  em_job_log (self->job, line);
  switch (step->kind)
    {
    case STEP_FEATURES:
      {
        EmFeatureOptions options = { .only_block = step->block_id };
        em_features_generate_async (self->project, self->impulse, self->registry, &options, progress_cb, self,
                                    cancellable, features_done_cb, g_object_ref (self));
      }
      break;
    case STEP_TRAIN:
      em_learn_train_async (self->project, self->impulse, self->registry, step->block_id, NULL, &self->monitor,
                            cancellable, train_done_cb, g_object_ref (self));
      break;
    case STEP_TEST:
      em_model_test_async (self->project, self->impulse, self->registry, step->block_id, NULL, progress_cb, self,
                           cancellable, test_done_cb, g_object_ref (self));
      break;
    }
}

static void
job_fraction_cb (EmRetrainPage *self, GParamSpec *pspec, EmJob *job)
{
  double f = em_job_get_fraction (job);

  if (f >= 0)
    gtk_progress_bar_set_fraction (self->progress_bar, f);
  else
    gtk_progress_bar_pulse (self->progress_bar);
}

static void
job_message_cb (EmRetrainPage *self, GParamSpec *pspec, EmJob *job)
{
  g_autoptr(GPtrArray) log = em_job_get_log (job);
  g_autoptr(GString) text = g_string_new (NULL);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->log_view);
  GtkTextIter end;

  for (guint i = 0; i < log->len; i++)
    g_string_append_printf (text, i == 0 ? "%s" : "\n%s", (const char *) g_ptr_array_index (log, i));
  gtk_text_buffer_set_text (buffer, text->str, -1);
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_place_cursor (buffer, &end);
  /* Scrolls once the new text is laid out: the latest line in view. */
  gtk_text_view_scroll_to_mark (self->log_view, gtk_text_buffer_get_insert (buffer), 0, TRUE, 0, 1);
  if (em_job_get_message (job) != NULL && self->running)
    set_status (self, em_job_get_message (job), FALSE);
}

static void
job_finished_cb (EmRetrainPage *self, EmJob *job)
{
  EmJobState state = em_job_get_state (job);

  job_message_cb (self, NULL, job);
  self->running = FALSE;
  g_clear_pointer (&self->impulse, em_impulse_free);
  switch (state)
    {
    case EM_JOB_STATE_SUCCEEDED:
      gtk_progress_bar_set_fraction (self->progress_bar, 1);
      set_status (self, _("Done: every block was retrained and tested."), FALSE);
      break;
    case EM_JOB_STATE_CANCELLED:
      set_status (self, _("Cancelled. Every learning block keeps the model it had before."), FALSE);
      break;
    default:
      {
        const GError *error = em_job_get_error (job);
        /* Translators: %s is the error message */
        g_autofree char *text = g_strdup_printf (_("Failed: %s"), error != NULL ? error->message : "?");
        set_status (self, text, TRUE);
      }
      break;
    }
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_signal_emit (self, signals[FINISHED], 0, state);
}

static void
start_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EmRetrainPage *self = EM_RETRAIN_PAGE (widget);
  g_autoptr(GError) error = NULL;

  if (self->running)
    return;
  self->impulse = em_impulse_load (self->project, &error);
  if (!fill_steps (self, self->impulse, error))
    {
      g_clear_pointer (&self->impulse, em_impulse_free);
      update_actions (self);
      return;
    }
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_set_object (&self->job, NULL);
  self->job = em_job_new (_("Retrain model"));
  g_signal_connect_object (self->job, "notify::fraction", G_CALLBACK (job_fraction_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->job, "notify::message", G_CALLBACK (job_message_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->job, "finished", G_CALLBACK (job_finished_cb), self, G_CONNECT_SWAPPED);
  self->running = TRUE;
  self->current = 0;
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  set_status (self, _("Starting…"), FALSE);
  em_job_start (self->job);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_signal_emit (self, signals[JOB_STARTED], 0, self->job);
  run_step (self);
}

static void
cancel_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EmRetrainPage *self = EM_RETRAIN_PAGE (widget);

  if (self->running)
    em_job_cancel (self->job);
}

/* ---- GObject ------------------------------------------------------------------------- */

static void
em_retrain_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (em_retrain_page_parent_class)->map (widget);
  /* The impulse is edited on other pages: list its blocks as they are now. */
  em_retrain_page_reload (EM_RETRAIN_PAGE (widget));
}

static void
em_retrain_page_constructed (GObject *object)
{
  EmRetrainPage *self = EM_RETRAIN_PAGE (object);

  G_OBJECT_CLASS (em_retrain_page_parent_class)->constructed (object);
  if (self->registry == NULL)
    self->registry = g_object_ref (em_block_registry_get_default ());
  em_retrain_page_reload (self);
}

static void
em_retrain_page_dispose (GObject *object)
{
  EmRetrainPage *self = EM_RETRAIN_PAGE (object);
  GtkWidget *child;

  /* A run holds a reference on the page, so this is after it ended. */
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_clear_object (&self->job);
  if (self->steps != NULL)
    clear_steps (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), EM_TYPE_RETRAIN_PAGE);
  /* The template's root is not a bound child: it goes here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->project);
  g_clear_object (&self->registry);
  g_clear_pointer (&self->impulse, em_impulse_free);
  G_OBJECT_CLASS (em_retrain_page_parent_class)->dispose (object);
}

static void
em_retrain_page_finalize (GObject *object)
{
  EmRetrainPage *self = EM_RETRAIN_PAGE (object);

  g_ptr_array_unref (self->steps);
  G_OBJECT_CLASS (em_retrain_page_parent_class)->finalize (object);
}

static void
em_retrain_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EmRetrainPage *self = EM_RETRAIN_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;
    case PROP_REGISTRY:
      g_value_set_object (value, self->registry);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_retrain_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  EmRetrainPage *self = EM_RETRAIN_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      self->project = g_value_dup_object (value);
      break;
    case PROP_REGISTRY:
      self->registry = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_retrain_page_class_init (EmRetrainPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = em_retrain_page_constructed;
  object_class->dispose = em_retrain_page_dispose;
  object_class->finalize = em_retrain_page_finalize;
  object_class->get_property = em_retrain_page_get_property;
  object_class->set_property = em_retrain_page_set_property;
  widget_class->map = em_retrain_page_map;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, EM_TYPE_PROJECT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REGISTRY] =
    g_param_spec_object ("registry", NULL, NULL, EM_TYPE_BLOCK_REGISTRY,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[JOB_STARTED] = g_signal_new ("job-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 1, EM_TYPE_JOB);
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/emberstudio/Ember/ui/em-retrain-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EmRetrainPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, EmRetrainPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, EmRetrainPage, steps_group);
  gtk_widget_class_bind_template_child (widget_class, EmRetrainPage, log_view);
  gtk_widget_class_install_action (widget_class, "retrain.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "retrain.cancel", NULL, cancel_action);
  gtk_widget_class_set_css_name (widget_class, "retrain");
}

static void
em_retrain_page_init (EmRetrainPage *self)
{
  self->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) step_free);
  self->monitor.features = progress_cb;
  self->monitor.epoch = epoch_cb;
  self->monitor.user_data = self;
  gtk_widget_init_template (GTK_WIDGET (self));
  update_actions (self);
}

GtkWidget *
em_retrain_page_new (EmProject *project, EmBlockRegistry *registry)
{
  g_return_val_if_fail (EM_IS_PROJECT (project), NULL);
  g_return_val_if_fail (registry == NULL || EM_IS_BLOCK_REGISTRY (registry), NULL);
  return g_object_new (EM_TYPE_RETRAIN_PAGE, "project", project, "registry", registry, NULL);
}

/* ---- accessors ------------------------------------------------------------------------- */

gboolean
em_retrain_page_get_running (EmRetrainPage *self)
{
  g_return_val_if_fail (EM_IS_RETRAIN_PAGE (self), FALSE);
  return self->running;
}

EmJob *
em_retrain_page_get_job (EmRetrainPage *self)
{
  g_return_val_if_fail (EM_IS_RETRAIN_PAGE (self), NULL);
  return self->job;
}

guint
em_retrain_page_get_n_steps (EmRetrainPage *self)
{
  g_return_val_if_fail (EM_IS_RETRAIN_PAGE (self), 0);
  return self->steps->len;
}

const char *
em_retrain_page_get_step_name (EmRetrainPage *self, guint i)
{
  g_return_val_if_fail (EM_IS_RETRAIN_PAGE (self), NULL);
  g_return_val_if_fail (i < self->steps->len, NULL);
  return ((Step *) g_ptr_array_index (self->steps, i))->name;
}

const char *
em_retrain_page_get_step_result (EmRetrainPage *self, guint i)
{
  g_return_val_if_fail (EM_IS_RETRAIN_PAGE (self), NULL);
  g_return_val_if_fail (i < self->steps->len, NULL);
  return ((Step *) g_ptr_array_index (self->steps, i))->result;
}

const char *
em_retrain_page_get_status (EmRetrainPage *self)
{
  g_return_val_if_fail (EM_IS_RETRAIN_PAGE (self), NULL);
  return gtk_label_get_text (self->status_label);
}
