/* SPDX-License-Identifier: Apache-2.0 */
#include <glib/gi18n.h>

#include "em-block-page.h"
#include "em-block-params.h"
#include "em-error.h"
#include "em-feature-cache.h"
#include "em-feature-preview.h"
#include "em-features.h"
#include "em-impulse.h"
#include "em-job.h"
#include "em-window.h"
#include "em-bar-chart.h"
#include "em-heatmap.h"
#include "em-scatter-plot.h"

/* Parameter edits come in bursts (a spin button held down): wait this long
 * after the last one before computing a preview. */
#define PREVIEW_DELAY_MS 250
/* The chooser lists this many samples; the preview needs one, not 100k. */
#define MAX_CHOOSER_SAMPLES 2000

struct _EmBlockPage
{
  GtkWidget        parent_instance;

  EmProject       *project;
  EmBlockRegistry *registry;
  char            *block_id;
  EmImpulse       *impulse;       /* as last loaded or saved */

  GtkWidget       *scroller;
  GtkWidget       *cancel_button;
  EmBlockParamsPanel *params_panel;
  GtkSpinner      *preview_spinner;
  GtkDropDown     *sample_dropdown;
  GtkStack        *preview_stack;
  GtkLabel        *preview_message;
  EmHeatmap       *heatmap;
  EmBarChart      *bar_chart;
  GtkLabel        *preview_caption;
  GtkProgressBar  *progress_bar;
  GtkLabel        *generate_status;
  GtkLabel        *hover_label;
  GtkStack        *explorer_stack;
  GtkLabel        *explorer_message;
  EmScatterPlot   *scatter_plot;

  GArray          *sample_ids;    /* gint64, in chooser order */
  GHashTable      *sample_names;  /* gint64 id -> "name · label", for hovering */

  guint            preview_timeout;
  GCancellable    *preview_cancel;
  guint            preview_serial;
  guint            preview_count;
  gboolean         preview_busy;

  EmJob           *job;
  char            *last_error;
};

G_DEFINE_FINAL_TYPE (EmBlockPage, em_block_page, GTK_TYPE_WIDGET)

enum { SAMPLE_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void schedule_preview (EmBlockPage *self);
static void load_explorer (EmBlockPage *self);

static void
set_last_error (EmBlockPage *self, const char *message)
{
  g_free (self->last_error);
  self->last_error = g_strdup (message);
}

static EmImpulseBlock *
current_block (EmBlockPage *self)
{
  return self->impulse != NULL ? em_impulse_find_block (self->impulse, self->block_id) : NULL;
}

static void
update_actions (EmBlockPage *self)
{
  gboolean running = self->job != NULL && em_job_is_running (self->job);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "block.generate", !running && current_block (self) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "block.cancel", running);
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->progress_bar)),
                          running || gtk_label_get_text (self->generate_status)[0] != '\0');
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), running);
  gtk_widget_set_visible (self->cancel_button, running);
}

static void
show_preview_message (EmBlockPage *self, const char *message)
{
  gtk_label_set_text (self->preview_message, message);
  gtk_label_set_text (self->preview_caption, "");
  gtk_stack_set_visible_child_name (self->preview_stack, "message");
}

/* ---- samples ---------------------------------------------------------------- */

static void
load_samples (EmBlockPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) samples = NULL;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  EmSampleFilter filter;

  em_sample_filter_init (&filter);
  filter.enabled = 1;
  filter.limit = MAX_CHOOSER_SAMPLES;
  g_array_set_size (self->sample_ids, 0);
  samples = em_project_list_samples (self->project, &filter, &error);
  for (guint i = 0; samples != NULL && i < samples->len; i++)
    {
      EmSample *s = g_ptr_array_index (samples, i);
      g_autofree char *text = g_strdup_printf ("%s (%s)", em_sample_get_name (s), em_sample_get_label (s));
      gint64 id = em_sample_get_id (s);

      g_array_append_val (self->sample_ids, id);
      gtk_string_list_append (names, text);
    }
  if (error != NULL)
    set_last_error (self, error->message);
  gtk_drop_down_set_model (self->sample_dropdown, G_LIST_MODEL (names));
  gtk_widget_set_sensitive (GTK_WIDGET (self->sample_dropdown), self->sample_ids->len > 0);
}

static gint64
chosen_sample (EmBlockPage *self)
{
  guint i = gtk_drop_down_get_selected (self->sample_dropdown);

  return i < self->sample_ids->len ? g_array_index (self->sample_ids, gint64, i) : 0;
}

/* ---- the preview ---------------------------------------------------------------- */

typedef struct {
  EmBlockPage *self; /* (owned) */
  guint        serial;
} PreviewCall;

static void
show_preview (EmBlockPage *self, const EmFeaturePreview *p)
{
  g_autofree char *caption = NULL;

  if (p->rows > 1 && p->cols > 1)
    {
      /* Blocks give frames × coefficients; the heatmap wants time across. */
      g_autofree float *t = g_new (float, (gsize) p->rows * p->cols);

      for (guint r = 0; r < p->rows; r++)
        for (guint c = 0; c < p->cols; c++)
          t[(gsize) c * p->rows + r] = p->values[(gsize) r * p->cols + c];
      em_heatmap_set_data (self->heatmap, p->cols, p->rows, t);
      gtk_stack_set_visible_child_name (self->preview_stack, "heatmap");
    }
  else
    {
      guint n = p->rows * p->cols;
      g_autofree double *values = g_new (double, MAX (n, 1));

      for (guint i = 0; i < n; i++)
        values[i] = p->values[i];
      em_bar_chart_set_data (self->bar_chart, n, NULL, values);
      gtk_stack_set_visible_child_name (self->preview_stack, "bars");
    }
  /* Translators: window i of n; then the feature shape. */
  caption = g_strdup_printf (_("Window %u of %u · %u × %u features"), p->window + 1, p->n_windows, p->rows,
                             p->cols);
  gtk_label_set_text (self->preview_caption, caption);
}

static void
preview_done (GObject *source, GAsyncResult *result, gpointer data)
{
  PreviewCall *call = data;
  EmBlockPage *self = call->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(EmFeaturePreview) preview = em_feature_preview_compute_finish (result, &error);

  /* A newer request replaced this one (or the page went away). */
  if (call->serial != self->preview_serial || self->project == NULL)
    goto out;
  self->preview_busy = FALSE;
  self->preview_count++;
  gtk_spinner_stop (self->preview_spinner);
  if (preview == NULL)
    {
      set_last_error (self, error->message);
      show_preview_message (self, error->message);
    }
  else
    show_preview (self, preview);
out:
  g_object_unref (call->self);
  g_free (call);
}

static gboolean
run_preview (gpointer data)
{
  EmBlockPage *self = data;
  gint64 sample = chosen_sample (self);
  PreviewCall *call;

  self->preview_timeout = 0;
  g_cancellable_cancel (self->preview_cancel);
  g_clear_object (&self->preview_cancel);
  self->preview_serial++;
  if (current_block (self) == NULL)
    return G_SOURCE_REMOVE;
  if (sample == 0)
    {
      show_preview_message (self, _("Add samples to the project to preview this block’s features"));
      return G_SOURCE_REMOVE;
    }
  self->preview_cancel = g_cancellable_new ();
  self->preview_busy = TRUE;
  gtk_spinner_start (self->preview_spinner);
  call = g_new0 (PreviewCall, 1);
  call->self = g_object_ref (self);
  call->serial = self->preview_serial;
  em_feature_preview_compute_async (self->project, self->registry, self->impulse, self->block_id, NULL, sample,
                                    self->preview_cancel, preview_done, call);
  return G_SOURCE_REMOVE;
}

static void
schedule_preview (EmBlockPage *self)
{
  g_clear_handle_id (&self->preview_timeout, g_source_remove);
  /* Busy from the first edit, so a test (or a user) waiting for the preview
   * does not take the old one for the new. */
  self->preview_busy = TRUE;
  self->preview_timeout = g_timeout_add (PREVIEW_DELAY_MS, run_preview, self);
}

static void
on_sample_selected (EmBlockPage *self)
{
  if (self->impulse != NULL)
    schedule_preview (self);
}

/* ---- parameters -------------------------------------------------------------- */

static void
on_params_changed (EmBlockPage *self, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) values = em_block_params_panel_get_values (self->params_panel);
  g_autoptr(EmBlockParams) resolved = NULL;
  g_autoptr(EmImpulse) stored = NULL;
  EmImpulseBlock *ib;
  EmBlock *block;

  if ((ib = current_block (self)) == NULL || (block = em_block_registry_lookup (self->registry, ib->plugin)) == NULL)
    return;
  if ((resolved = em_block_resolve_params (block, values, &error)) == NULL)
    {
      em_block_params_panel_set_error (self->params_panel, name, error->message);
      set_last_error (self, error->message);
      return;
    }
  em_block_params_panel_set_error (self->params_panel, NULL, NULL);

  /* Edit the impulse as stored now: another page may have changed it. */
  stored = em_impulse_load (self->project, NULL);
  if (stored == NULL || em_impulse_find_block (stored, self->block_id) == NULL)
    stored = em_impulse_copy (self->impulse);
  ib = em_impulse_find_block (stored, self->block_id);
  g_clear_pointer (&ib->params, json_object_unref);
  ib->params = json_object_ref (values);
  if (!em_impulse_save (self->project, stored, &error))
    {
      em_block_params_panel_set_error (self->params_panel, NULL, error->message);
      set_last_error (self, error->message);
      return;
    }
  g_clear_pointer (&self->impulse, em_impulse_free);
  self->impulse = g_steal_pointer (&stored);
  schedule_preview (self);
  /* Other parameters, other features: the stored projection no longer fits. */
  load_explorer (self);
}

/* ---- the explorer ---------------------------------------------------------------- */

static void
on_point_hovered (EmBlockPage *self, gint64 id)
{
  const char *name = id >= 0 ? g_hash_table_lookup (self->sample_names, &id) : NULL;

  gtk_label_set_text (self->hover_label, name != NULL ? name : "");
}

static void
on_point_activated (EmBlockPage *self, gint64 id)
{
  g_signal_emit (self, signals[SAMPLE_ACTIVATED], 0, id);
}

static void
show_explorer_message (EmBlockPage *self, const char *message)
{
  em_scatter_plot_set_points (self->scatter_plot, NULL, 0);
  gtk_label_set_text (self->explorer_message, message);
  gtk_stack_set_visible_child_name (self->explorer_stack, "empty");
}

static void
load_explorer (EmBlockPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *method = NULL;
  g_autoptr(GArray) points = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) samples = NULL;
  g_autoptr(GPtrArray) labels = NULL;
  g_autoptr(GHashTable) class_of = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) label_of = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_auto(GStrv) class_names = NULL;
  g_autofree EmScatterPoint *sp = NULL;
  g_autofree char *x_label = NULL, *y_label = NULL;
  EmImpulseBlock *ib = current_block (self);

  g_hash_table_remove_all (self->sample_names);
  gtk_label_set_text (self->hover_label, "");
  if (ib == NULL)
    {
      show_explorer_message (self, _("This block is not in the impulse"));
      return;
    }
  if ((key = em_features_block_key (self->impulse, ib, self->registry, &error)) == NULL)
    {
      show_explorer_message (self, error->message);
      return;
    }
  points = em_feature_projection_get (self->project, key, &method, &error);
  if (points == NULL || points->len == 0)
    {
      show_explorer_message (self, _("Generate features to see how the windows of each label cluster"));
      return;
    }

  /* Labels → colours, in the project's sorted label order. */
  if ((labels = em_project_list_labels (self->project, NULL)) != NULL)
    for (guint i = 0; i < labels->len; i++)
      {
        g_hash_table_insert (class_of, g_ptr_array_index (labels, i), GUINT_TO_POINTER (i + 1));
        g_strv_builder_add (names, g_ptr_array_index (labels, i));
      }
  class_names = g_strv_builder_end (names);

  /* Each sample once, for its label and name. */
  ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < points->len; i++)
    {
      gint64 *id = &g_array_index (points, EmProjectedPoint, i).sample_id;
      if (!g_hash_table_contains (label_of, id))
        {
          g_hash_table_add (label_of, id);
          g_array_append_val (ids, *id);
        }
    }
  g_hash_table_remove_all (label_of);
  samples = em_project_get_samples (self->project, (gint64 *) ids->data, ids->len, NULL);
  for (guint i = 0; samples != NULL && i < samples->len; i++)
    {
      EmSample *s = g_ptr_array_index (samples, i);
      gint64 *id = g_new (gint64, 1);

      *id = em_sample_get_id (s);
      g_hash_table_insert (self->sample_names, id,
                           g_strdup_printf ("%s · %s", em_sample_get_name (s), em_sample_get_label (s)));
      g_hash_table_insert (label_of, id,
                           g_hash_table_lookup (class_of, em_sample_get_label (s)));
    }

  sp = g_new0 (EmScatterPoint, points->len);
  for (guint i = 0; i < points->len; i++)
    {
      const EmProjectedPoint *p = &g_array_index (points, EmProjectedPoint, i);
      guint cls = GPOINTER_TO_UINT (g_hash_table_lookup (label_of, &p->sample_id));

      sp[i].x = p->x;
      sp[i].y = p->y;
      sp[i].class_index = cls > 0 ? cls - 1 : 0;
      sp[i].id = p->sample_id;
    }
  em_scatter_plot_set_class_names (self->scatter_plot, (const char * const *) class_names);
  em_scatter_plot_set_points (self->scatter_plot, sp, points->len);
  {
    g_autofree char *m = g_ascii_strup (method != NULL ? method : "", -1);

    x_label = g_strdup_printf ("%s 1", m);
    y_label = g_strdup_printf ("%s 2", m);
  }
  em_scatter_plot_set_x_label (self->scatter_plot, g_strstrip (x_label));
  em_scatter_plot_set_y_label (self->scatter_plot, g_strstrip (y_label));
  gtk_stack_set_visible_child_name (self->explorer_stack, "plot");
}

/* ---- generating --------------------------------------------------------------- */

static void
on_job_progress (EmBlockPage *self)
{
  double f = em_job_get_fraction (self->job);
  const char *message = em_job_get_message (self->job);

  if (f >= 0)
    gtk_progress_bar_set_fraction (self->progress_bar, f);
  else
    gtk_progress_bar_pulse (self->progress_bar);
  gtk_label_set_text (self->generate_status, message != NULL ? message : "");
}

static void
on_job_finished (EmBlockPage *self)
{
  const GError *error = em_job_get_error (self->job);
  GPtrArray *summaries = em_job_get_result (self->job);
  g_autofree char *text = NULL;

  if (em_job_get_state (self->job) == EM_JOB_STATE_CANCELLED)
    text = g_strdup (_("Cancelled; the features generated so far are kept"));
  else if (error != NULL)
    {
      set_last_error (self, error->message);
      text = g_strdup (error->message);
    }
  else if (summaries != NULL && summaries->len > 0)
    {
      EmFeatureSummary *s = g_ptr_array_index (summaries, 0);

      text = g_strdup_printf (_("%u windows of %u samples (%u computed, %u skipped)"), s->n_windows, s->n_samples,
                              s->n_computed, s->n_skipped);
    }
  else
    text = g_strdup (_("Done"));
  gtk_label_set_text (self->generate_status, text);
  update_actions (self);
  load_explorer (self);
}

static void
generate_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(EmJob) job = data;
  g_autoptr(GError) error = NULL;
  GPtrArray *summaries = em_features_generate_finish (EM_PROJECT (source), result, &error);

  em_job_complete (job, summaries, (GDestroyNotify) g_ptr_array_unref, error);
}

void
em_block_page_generate (EmBlockPage *self)
{
  EmFeatureOptions options = { .only_block = self->block_id, .n_threads = 0, .tsne = FALSE };
  g_autofree char *title = NULL;
  GtkRoot *root;

  g_return_if_fail (EM_IS_BLOCK_PAGE (self));
  if ((self->job != NULL && em_job_is_running (self->job)) || current_block (self) == NULL)
    return;
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_clear_object (&self->job);
  title = g_strdup_printf (_("Generating features for %s"), self->block_id);
  self->job = em_job_new (title);
  g_signal_connect_swapped (self->job, "notify::fraction", G_CALLBACK (on_job_progress), self);
  g_signal_connect_swapped (self->job, "notify::message", G_CALLBACK (on_job_progress), self);
  g_signal_connect_swapped (self->job, "finished", G_CALLBACK (on_job_finished), self);
  em_job_start (self->job);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_label_set_text (self->generate_status, _("Starting…"));
  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (EM_IS_WINDOW (root))
    em_window_add_job (EM_WINDOW (root), self->job);
  em_features_generate_async (self->project, self->impulse, self->registry, &options, em_job_progress_cb,
                              self->job, em_job_get_cancellable (self->job), generate_done,
                              g_object_ref (self->job));
  update_actions (self);
}

static void
generate_action (GtkWidget *widget, const char *name, GVariant *param)
{
  em_block_page_generate (EM_BLOCK_PAGE (widget));
}

static void
cancel_action (GtkWidget *widget, const char *name, GVariant *param)
{
  EmBlockPage *self = EM_BLOCK_PAGE (widget);

  if (self->job != NULL)
    em_job_cancel (self->job);
}

/* ---- loading ------------------------------------------------------------------ */

void
em_block_page_reload (EmBlockPage *self)
{
  g_autoptr(GError) error = NULL;
  EmImpulseBlock *ib;
  EmBlock *block;

  g_return_if_fail (EM_IS_BLOCK_PAGE (self));
  g_clear_pointer (&self->impulse, em_impulse_free);
  self->impulse = em_impulse_load (self->project, &error);
  ib = current_block (self);
  block = ib != NULL ? em_block_registry_lookup (self->registry, ib->plugin) : NULL;
  if (ib == NULL || block == NULL)
    {
      const char *why = error != NULL ? error->message : ib == NULL ? _("This block is not in the impulse")
                                                                      : _("This block’s plugin is not installed");
      em_block_params_panel_clear (self->params_panel);
      show_preview_message (self, why);
      set_last_error (self, why);
    }
  else
    {
      em_block_params_panel_set_block (self->params_panel, em_block_get_name (block), em_block_get_description (block),
                                       em_block_get_schema (block), ib->params);
      load_samples (self);
      schedule_preview (self);
    }
  load_explorer (self);
  update_actions (self);
}

/* ---- accessors ---------------------------------------------------------------- */

const char *em_block_page_get_block_id (EmBlockPage *self) { return self->block_id; }
guint em_block_page_get_preview_count (EmBlockPage *self) { return self->preview_count; }
gboolean em_block_page_preview_busy (EmBlockPage *self) { return self->preview_busy; }
GObject *em_block_page_get_job (EmBlockPage *self) { return G_OBJECT (self->job); }
GtkWidget *em_block_page_get_params_panel (EmBlockPage *self) { return GTK_WIDGET (self->params_panel); }
GtkWidget *em_block_page_get_heatmap (EmBlockPage *self) { return GTK_WIDGET (self->heatmap); }
GtkWidget *em_block_page_get_bar_chart (EmBlockPage *self) { return GTK_WIDGET (self->bar_chart); }
GtkWidget *em_block_page_get_scatter_plot (EmBlockPage *self) { return GTK_WIDGET (self->scatter_plot); }
const char *em_block_page_get_last_error (EmBlockPage *self) { return self->last_error; }

const char *
em_block_page_get_preview_kind (EmBlockPage *self)
{
  return gtk_stack_get_visible_child_name (self->preview_stack);
}

/* ---- GObject ------------------------------------------------------------------ */

static void
em_block_page_dispose (GObject *object)
{
  EmBlockPage *self = EM_BLOCK_PAGE (object);

  g_clear_handle_id (&self->preview_timeout, g_source_remove);
  g_cancellable_cancel (self->preview_cancel);
  g_clear_object (&self->preview_cancel);
  if (self->job != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->job, self);
      /* The generation keeps its own reference to the job and finishes. */
      em_job_cancel (self->job);
      g_clear_object (&self->job);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), EM_TYPE_BLOCK_PAGE);
  g_clear_object (&self->project);
  g_clear_object (&self->registry);
  g_clear_pointer (&self->impulse, em_impulse_free);
  G_OBJECT_CLASS (em_block_page_parent_class)->dispose (object);
}

static void
em_block_page_finalize (GObject *object)
{
  EmBlockPage *self = EM_BLOCK_PAGE (object);

  g_free (self->block_id);
  g_free (self->last_error);
  g_array_unref (self->sample_ids);
  g_hash_table_unref (self->sample_names);
  G_OBJECT_CLASS (em_block_page_parent_class)->finalize (object);
}

static void
em_block_page_class_init (EmBlockPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = em_block_page_dispose;
  object_class->finalize = em_block_page_finalize;

  /** EmBlockPage::sample-activated: @id: the sample of the clicked point. */
  signals[SAMPLE_ACTIVATED] = g_signal_new ("sample-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  g_type_ensure (EM_TYPE_BLOCK_PARAMS_PANEL);
  g_type_ensure (EM_TYPE_HEATMAP);
  g_type_ensure (EM_TYPE_BAR_CHART);
  g_type_ensure (EM_TYPE_SCATTER_PLOT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/emberstudio/Ember/ui/em-block-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EmBlockPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, EmBlockPage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, EmBlockPage, params_panel);
  gtk_widget_class_bind_template_child (widget_class, EmBlockPage, preview_spinner);
  gtk_widget_class_bind_template_child (widget_class, EmBlockPage, sample_dropdown);
  gtk_widget_class_bind_template_child (widget_class, EmBlockPage, preview_stack);
  gtk_widget_class_bind_template_child (widget_class, EmBlockPage, preview_message);
  gtk_widget_class_bind_template_child (widget_class, EmBlockPage, heatmap);
  gtk_widget_class_bind_template_child (widget_class, EmBlockPage, bar_chart);
  gtk_widget_class_bind_template_child (widget_class, EmBlockPage, preview_caption);
  gtk_widget_class_bind_template_child (widget_class, EmBlockPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, EmBlockPage, generate_status);
  gtk_widget_class_bind_template_child (widget_class, EmBlockPage, hover_label);
  gtk_widget_class_bind_template_child (widget_class, EmBlockPage, explorer_stack);
  gtk_widget_class_bind_template_child (widget_class, EmBlockPage, explorer_message);
  gtk_widget_class_bind_template_child (widget_class, EmBlockPage, scatter_plot);
  gtk_widget_class_install_action (widget_class, "block.generate", NULL, generate_action);
  gtk_widget_class_install_action (widget_class, "block.cancel", NULL, cancel_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
em_block_page_init (EmBlockPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->sample_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->sample_names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_signal_connect_swapped (self->params_panel, "changed", G_CALLBACK (on_params_changed), self);
  g_signal_connect_swapped (self->sample_dropdown, "notify::selected", G_CALLBACK (on_sample_selected), self);
  g_signal_connect_swapped (self->scatter_plot, "point-hovered", G_CALLBACK (on_point_hovered), self);
  g_signal_connect_swapped (self->scatter_plot, "point-activated", G_CALLBACK (on_point_activated), self);
}

GtkWidget *
em_block_page_new (EmProject *project, EmBlockRegistry *registry, const char *block_id)
{
  EmBlockPage *self;

  g_return_val_if_fail (EM_IS_PROJECT (project), NULL);
  g_return_val_if_fail (EM_IS_BLOCK_REGISTRY (registry), NULL);
  g_return_val_if_fail (block_id != NULL, NULL);
  self = g_object_new (EM_TYPE_BLOCK_PAGE, NULL);
  self->project = g_object_ref (project);
  self->registry = g_object_ref (registry);
  self->block_id = g_strdup (block_id);
  em_block_page_reload (self);
  return GTK_WIDGET (self);
}
