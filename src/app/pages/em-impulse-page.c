/* SPDX-License-Identifier: Apache-2.0 */
#include <glib/gi18n.h>

#include "em-impulse-page-private.h"
#include "em-error.h"
#include "em-features.h"

G_DEFINE_FINAL_TYPE (EmImpulsePage, em_impulse_page, GTK_TYPE_WIDGET)

enum { IMPULSE_CHANGED, JOB_STARTED, BLOCK_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];


static void update_actions (EmImpulsePage *self);

/* ---- saving ---------------------------------------------------------------------- */

char *
em_impulse_page_structure_key (const EmImpulse *impulse)
{
  GString *key = g_string_new (NULL);

  for (guint i = 0; i < impulse->blocks->len; i++)
    {
      EmImpulseBlock *b = g_ptr_array_index (impulse->blocks, i);
      g_string_append_printf (key, "p:%s=%s;", b->id, b->plugin);
    }
  for (guint i = 0; i < impulse->learn_blocks->len; i++)
    {
      EmImpulseLearnBlock *lb = g_ptr_array_index (impulse->learn_blocks, i);
      g_autofree char *inputs = g_strjoinv (",", lb->inputs);
      g_string_append_printf (key, "l:%s=%s<%s;", lb->id, lb->plugin, inputs);
    }
  return g_string_free (key, FALSE);
}

void
em_impulse_page_show_error (EmImpulsePage *self, const char *message)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  g_free (self->last_error);
  self->last_error = g_strdup (message);
  if (overlay != NULL)
    {
      /* AdwToast 1.2 always parses markup; block names come from users. */
      g_autofree char *escaped = g_markup_escape_text (message, -1);
      AdwToast *toast;

      /* The newest outcome replaces the page's previous one rather than
       * queueing behind it. Retitling, not dismissing: libadwaita 1.2
       * crashes when a toast is dismissed while another is added. */
      if (self->toast != NULL)
        {
          adw_toast_set_title (self->toast, escaped);
          return;
        }
      toast = adw_toast_new (escaped);
      adw_toast_set_timeout (toast, 6);
      g_set_weak_pointer (&self->toast, toast);
      adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
    }
  else
    g_debug ("%s", message);
}

static void
update_summary (EmImpulsePage *self)
{
  EmImpulse *imp = self->impulse;
  g_autofree char *input = NULL;
  g_autofree char *text = NULL;

  if (imp == NULL)
    {
      gtk_label_set_text (self->summary_label, "");
      return;
    }
  if (imp->input.is_image)
    input = g_strdup_printf (_("Images resized to %u × %u"), imp->input.width, imp->input.height);
  else
    input = g_strdup_printf (_("%g ms windows every %g ms at %g Hz"), imp->input.window_size_ms,
                             imp->input.window_increase_ms, imp->input.frequency_hz);
  {
    g_autofree char *n_proc = g_strdup_printf (ngettext ("%u processing block",
                                                            "%u processing blocks", imp->blocks->len),
                                               imp->blocks->len);
    g_autofree char *n_learn = g_strdup_printf (ngettext ("%u learning block",
                                                             "%u learning blocks",
                                                             imp->learn_blocks->len),
                                                imp->learn_blocks->len);
    text = g_strdup_printf ("%s · %s · %s", input, n_proc, n_learn);
  }
  gtk_label_set_text (self->summary_label, text);
}

gboolean
em_impulse_page_commit (EmImpulsePage *self, EmImpulse *next, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gboolean structural;

  if (!em_impulse_save (self->project, next, &local_error))
    {
      em_impulse_free (next);
      em_impulse_page_show_error (self, local_error->message);
      em_impulse_page_rebuild_graph (self);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  before = em_impulse_page_structure_key (self->impulse);
  after = em_impulse_page_structure_key (next);
  structural = !g_str_equal (before, after);
  em_impulse_free (self->impulse);
  self->impulse = next;

  /* Positions and parameters are already on the canvas; rebuilding for them
   * would drop a drag or the focus in the parameters panel. */
  if (structural)
    {
      if (self->shown_id != NULL && !g_str_equal (self->shown_id, EM_IMPULSE_PAGE_INPUT_ID) &&
          !em_impulse_has_id (self->impulse, self->shown_id))
        {
          g_clear_pointer (&self->shown_id, g_free);
          em_impulse_page_update_params (self);
        }
      em_impulse_page_rebuild_graph (self);
    }
  update_summary (self);
  update_actions (self);
  if (structural)
    g_signal_emit (self, signals[IMPULSE_CHANGED], 0);
  return TRUE;
}

void
em_impulse_page_select_block (EmImpulsePage *self, const char *id)
{
  g_return_if_fail (EM_IS_IMPULSE_PAGE (self));

  if (id == NULL || self->model == NULL || em_graph_model_get_node (self->model, id) == NULL)
    em_graph_view_clear_selection (self->graph_view);
  else
    em_graph_view_select_node (self->graph_view, id, FALSE);
}

static void
selection_changed_cb (EmGraphView *view, EmImpulsePage *self)
{
  g_autoptr(GPtrArray) selected = em_graph_view_get_selected_nodes (view);
  const char *id = selected->len == 1 ? g_ptr_array_index (selected, 0) : NULL;

  if (self->rebuilding || g_strcmp0 (id, self->shown_id) == 0)
    return;
  g_free (self->shown_id);
  self->shown_id = g_strdup (id);
  em_impulse_page_update_params (self);
}

/* ---- palette and canvas ------------------------------------------------------------------ */

static void
add_block_reporting (EmImpulsePage *self, const char *plugin, double x, double y)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = em_impulse_page_add_block (self, plugin, x, y, &error);

  if (id == NULL && error != NULL)
    em_impulse_page_show_error (self, error->message);
}

static void
block_dropped_cb (EmGraphView *view, const char *plugin, double x, double y, EmImpulsePage *self)
{
  add_block_reporting (self, plugin, x, y);
}

/* The keyboard path (Return on a palette row): below the blocks of its column. */
static void
block_chosen_cb (EmBlockPalette *palette, const char *plugin, EmImpulsePage *self)
{
  EmBlock *block = em_block_registry_lookup (self->registry, plugin);
  gboolean learning = block != NULL && em_block_get_kind (block) == EM_BLOCK_LEARNING;
  double y = 0;

  if (self->impulse == NULL)
    return;
  if (learning)
    for (guint i = 0; i < self->impulse->learn_blocks->len; i++)
      y = MAX (y, ((EmImpulseLearnBlock *) g_ptr_array_index (self->impulse->learn_blocks, i))->y + 120);
  else
    for (guint i = 0; i < self->impulse->blocks->len; i++)
      y = MAX (y, ((EmImpulseBlock *) g_ptr_array_index (self->impulse->blocks, i))->y + 120);
  add_block_reporting (self, plugin, learning ? 520 : 260, y);
  gtk_widget_grab_focus (GTK_WIDGET (self->graph_view));
}

static void
node_activated_cb (EmGraphView *view, const char *id, EmImpulsePage *self)
{
  if (!g_str_equal (id, EM_IMPULSE_PAGE_INPUT_ID))
    g_signal_emit (self, signals[BLOCK_ACTIVATED], 0, id);
}

static void
fill_palette (EmImpulsePage *self)
{
  g_autoptr(GPtrArray) blocks = em_block_registry_list (self->registry);
  const char *input_name = g_strcmp0 (self->input_type, "image") == 0 ? _("Image data")
                           : g_strcmp0 (self->input_type, "audio") == 0 ? _("Audio data")
                                                                        : _("Time series data");

  em_block_palette_remove_all (self->palette);
  em_block_palette_add_block (self->palette, EM_IMPULSE_PAGE_INPUT_ID, input_name,
                              _("The impulse’s one input: cuts samples into windows"),
                              EM_GRAPH_NODE_KIND_INPUT);
  for (guint i = 0; i < blocks->len; i++)
    {
      EmBlock *block = g_ptr_array_index (blocks, i);
      EmBlockKind kind = em_block_get_kind (block);

      if (kind != EM_BLOCK_PROCESSING && kind != EM_BLOCK_LEARNING)
        continue;
      em_block_palette_add_block (self->palette, em_block_get_id (block), em_block_get_name (block),
                                  em_block_get_description (block),
                                  kind == EM_BLOCK_PROCESSING ? EM_GRAPH_NODE_KIND_PROCESSING
                                                              : EM_GRAPH_NODE_KIND_LEARNING);
    }
}

/* ---- features job ------------------------------------------------------------------------ */

typedef struct {
  EmImpulsePage *page; /* weak */
  EmJob         *job;
} FeaturesCall;

static void
features_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  FeaturesCall *call = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *summaries = em_features_generate_finish (EM_PROJECT (source), result, &error);
  EmImpulsePage *page = call->page;
  guint windows = 0, samples = 0, skipped = 0;

  if (summaries != NULL)
    for (guint i = 0; i < summaries->len; i++)
      {
        EmFeatureSummary *s = g_ptr_array_index (summaries, i);
        windows += s->n_windows;
        samples = MAX (samples, s->n_samples);
        skipped = MAX (skipped, s->n_skipped);
      }
  em_job_complete (call->job, summaries, (GDestroyNotify) g_ptr_array_unref, error);

  if (page != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (page), (gpointer *) &call->page);
      if (em_job_get_state (call->job) == EM_JOB_STATE_SUCCEEDED)
        {
          g_autofree char *msg = NULL;

          if (skipped > 0)
            msg = g_strdup_printf (_("Features ready: %u windows from %u samples; %u samples left out"),
                                   windows, samples, skipped);
          else
            msg = g_strdup_printf (_("Features ready: %u windows from %u samples"), windows, samples);
          em_impulse_page_show_error (page, msg);
        }
      else if (em_job_get_state (call->job) == EM_JOB_STATE_CANCELLED)
        em_impulse_page_show_error (page, _("Feature generation cancelled"));
      else
        em_impulse_page_show_error (page, error->message);
      update_actions (page);
    }
  g_object_unref (call->job);
  g_free (call);
}

EmJob *
em_impulse_page_generate_features (EmImpulsePage *self, GError **error)
{
  EmFeatureOptions options = { .only_block = NULL, .n_threads = 0, .tsne = FALSE };
  FeaturesCall *call;

  g_return_val_if_fail (EM_IS_IMPULSE_PAGE (self), NULL);

  em_impulse_page_flush (self);
  if (self->features_job != NULL && em_job_is_running (self->features_job))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, _("Features are being generated already"));
      return NULL;
    }
  if (self->impulse == NULL || self->impulse->blocks->len == 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND,
                   _("The impulse has no processing block to generate features for"));
      return NULL;
    }

  g_clear_object (&self->features_job);
  self->features_job = em_job_new (_("Generating features"));
  em_job_start (self->features_job);
  call = g_new0 (FeaturesCall, 1);
  call->page = self;
  g_object_add_weak_pointer (G_OBJECT (self), (gpointer *) &call->page);
  call->job = g_object_ref (self->features_job);
  em_features_generate_async (self->project, self->impulse, self->registry, &options,
                              em_job_progress_cb, call->job, em_job_get_cancellable (call->job),
                              features_done_cb, call);
  g_signal_emit (self, signals[JOB_STARTED], 0, self->features_job);
  update_actions (self);
  return self->features_job;
}

EmJob *
em_impulse_page_get_features_job (EmImpulsePage *self)
{
  g_return_val_if_fail (EM_IS_IMPULSE_PAGE (self), NULL);
  return self->features_job;
}

static void
generate_features_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EmImpulsePage *self = EM_IMPULSE_PAGE (widget);
  g_autoptr(GError) error = NULL;

  if (em_impulse_page_generate_features (self, &error) == NULL)
    em_impulse_page_show_error (self, error->message);
}

static void
update_actions (EmImpulsePage *self)
{
  gboolean busy = self->features_job != NULL && em_job_is_running (self->features_job);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "impulse.generate-features",
                                 !busy && self->impulse != NULL && self->impulse->blocks->len > 0);
}

/* Zoom out (never in) so a project's whole impulse shows when its editor
 * first appears; after that the zoom is the user's. */
static void
fit_zoom (EmImpulsePage *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self->graph_view));
  int height = gtk_widget_get_height (GTK_WIDGET (self->graph_view));
  GPtrArray *nodes = self->model != NULL ? em_graph_model_get_nodes (self->model) : NULL;
  double max_x = 0, max_y = 0, zoom;

  if (!self->need_fit || nodes == NULL || width <= 0 || height <= 0)
    return;
  self->need_fit = FALSE;
  for (guint i = 0; i < nodes->len; i++)
    {
      const EmGraphNode *n = g_ptr_array_index (nodes, i);
      /* a card is 184 units wide and about 100 high */
      max_x = MAX (max_x, n->x + 184);
      max_y = MAX (max_y, n->y + 100);
    }
  zoom = MIN (1.0, MIN ((width - 48) / MAX (max_x, 1.0), (height - 48) / MAX (max_y, 1.0)));
  em_graph_view_set_zoom_factor (self->graph_view, MAX (zoom, 0.5));
}

static gboolean
fit_idle_cb (gpointer data)
{
  fit_zoom (data);
  return G_SOURCE_REMOVE;
}

static void
view_mapped_cb (GtkWidget *view, EmImpulsePage *self)
{
  /* Sizes are known once the canvas has been allocated. */
  g_idle_add_full (G_PRIORITY_LOW, fit_idle_cb, g_object_ref (self), g_object_unref);
}

/* ---- project ------------------------------------------------------------------------------ */

/* The kind and axes of the first enabled sample: what the input block's
 * port offers and which axes it can pick from. */
static void
read_input_kind (EmImpulsePage *self)
{
  g_autoptr(GPtrArray) first = NULL;
  EmSampleFilter f;

  g_clear_pointer (&self->input_type, g_free);
  g_clear_pointer (&self->axis_names, g_strfreev);
  em_sample_filter_init (&f);
  f.limit = 1;
  f.enabled = 1;
  first = em_project_list_samples (self->project, &f, NULL);
  if (first != NULL && first->len > 0)
    {
      EmSample *s = g_ptr_array_index (first, 0);
      GStrvBuilder *names = g_strv_builder_new ();

      switch (em_sample_get_kind (s))
        {
        case EM_SENSOR_AUDIO:
          self->input_type = g_strdup ("audio");
          break;
        case EM_SENSOR_IMAGE:
          self->input_type = g_strdup ("image");
          break;
        case EM_SENSOR_TIME_SERIES:
        default:
          self->input_type = g_strdup ("time-series");
        }
      for (guint i = 0; i < em_sample_get_n_axes (s); i++)
        g_strv_builder_add (names, em_sample_get_axis (s, i)->name);
      self->axis_names = g_strv_builder_end (names);
      g_strv_builder_unref (names);
    }
  else
    self->input_type = g_strdup ("time-series");
  if (self->impulse != NULL && self->impulse->input.is_image)
    {
      g_free (self->input_type);
      self->input_type = g_strdup ("image");
    }
}

void
em_impulse_page_set_project (EmImpulsePage *self, EmProject *project, EmBlockRegistry *registry)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (EM_IS_IMPULSE_PAGE (self));
  g_return_if_fail (project == NULL || EM_IS_PROJECT (project));

  em_impulse_page_disconnect_model (self);
  if (self->features_job != NULL && em_job_is_running (self->features_job))
    em_job_cancel (self->features_job);
  g_clear_object (&self->features_job);
  g_set_object (&self->project, project);
  if (registry == NULL)
    registry = em_block_registry_get_default ();
  g_set_object (&self->registry, registry);
  g_clear_pointer (&self->impulse, em_impulse_free);
  g_clear_pointer (&self->shown_id, g_free);
  self->input_placed = FALSE;
  self->need_fit = TRUE;

  if (project != NULL)
    {
      self->impulse = em_impulse_load (project, &error);
      if (self->impulse == NULL && g_error_matches (error, EM_ERROR, EM_ERROR_NOT_FOUND))
        {
          /* No impulse yet: start from what the samples suggest; it is saved
           * with the first edit. */
          g_clear_error (&error);
          self->impulse = em_impulse_new ();
          if (!em_input_config_guess (&self->impulse->input, project, &error))
            g_clear_pointer (&self->impulse, em_impulse_free);
        }
      read_input_kind (self);
      em_impulse_page_load_input_position (self);
    }

  if (self->impulse != NULL)
    {
      fill_palette (self);
      gtk_stack_set_visible_child_name (self->stack, "editor");
    }
  else if (project != NULL)
    {
      gboolean no_samples = g_error_matches (error, EM_ERROR, EM_ERROR_NOT_FOUND);

      adw_status_page_set_title (self->empty_page, no_samples ? _("No Samples Yet")
                                                              : _("Could Not Read the Impulse"));
      adw_status_page_set_description (self->empty_page,
                                       no_samples ? _("The impulse is designed for the project’s "
                                                      "samples: add some on the Data acquisition page first")
                                                  : error->message);
      gtk_stack_set_visible_child_name (self->stack, "empty");
    }
  em_impulse_page_rebuild_graph (self);
  em_impulse_page_update_params (self);
  update_summary (self);
  update_actions (self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self->graph_view)))
    fit_zoom (self);
}

const EmImpulse *
em_impulse_page_get_impulse (EmImpulsePage *self)
{
  g_return_val_if_fail (EM_IS_IMPULSE_PAGE (self), NULL);
  em_impulse_page_flush (self);
  return self->impulse;
}

const char *
em_impulse_page_get_last_error (EmImpulsePage *self)
{
  g_return_val_if_fail (EM_IS_IMPULSE_PAGE (self), NULL);
  return self->last_error;
}

EmGraphView *
em_impulse_page_get_graph_view (EmImpulsePage *self)
{
  g_return_val_if_fail (EM_IS_IMPULSE_PAGE (self), NULL);
  return self->graph_view;
}

EmBlockPalette *
em_impulse_page_get_palette (EmImpulsePage *self)
{
  g_return_val_if_fail (EM_IS_IMPULSE_PAGE (self), NULL);
  return self->palette;
}

EmBlockParamsPanel *
em_impulse_page_get_params_panel (EmImpulsePage *self)
{
  g_return_val_if_fail (EM_IS_IMPULSE_PAGE (self), NULL);
  return self->params_panel;
}

/* ---- GObject --------------------------------------------------------------------------------- */

static void
em_impulse_page_dispose (GObject *object)
{
  EmImpulsePage *self = EM_IMPULSE_PAGE (object);

  em_impulse_page_disconnect_model (self);
  /* Closing the window stops the work it started; the core leaves the
   * project consistent on cancel. */
  if (self->features_job != NULL && em_job_is_running (self->features_job))
    em_job_cancel (self->features_job);
  gtk_widget_dispose_template (GTK_WIDGET (self), EM_TYPE_IMPULSE_PAGE);
  g_clear_object (&self->model);
  g_clear_object (&self->features_job);
  g_clear_object (&self->project);
  g_clear_object (&self->registry);
  g_clear_pointer (&self->impulse, em_impulse_free);
  g_clear_pointer (&self->input_type, g_free);
  g_clear_pointer (&self->axis_names, g_strfreev);
  g_clear_pointer (&self->shown_id, g_free);
  g_clear_pointer (&self->last_error, g_free);
  g_clear_weak_pointer (&self->toast);
  G_OBJECT_CLASS (em_impulse_page_parent_class)->dispose (object);
}

static void
em_impulse_page_class_init (EmImpulsePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = em_impulse_page_dispose;

  /** EmImpulsePage::impulse-changed: blocks came, went or were relinked (saved). */
  signals[IMPULSE_CHANGED] = g_signal_new ("impulse-changed", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /** EmImpulsePage::job-started: @job: running; the window lists it. */
  signals[JOB_STARTED] = g_signal_new ("job-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, EM_TYPE_JOB);
  /** EmImpulsePage::block-activated: @id: double-click / space on a block's card. */
  signals[BLOCK_ACTIVATED] = g_signal_new ("block-activated", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                           G_TYPE_STRING);

  g_type_ensure (EM_TYPE_GRAPH_VIEW);
  g_type_ensure (EM_TYPE_BLOCK_PALETTE);
  g_type_ensure (EM_TYPE_BLOCK_PARAMS_PANEL);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/emberstudio/Ember/ui/em-impulse-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EmImpulsePage, stack);
  gtk_widget_class_bind_template_child (widget_class, EmImpulsePage, palette);
  gtk_widget_class_bind_template_child (widget_class, EmImpulsePage, graph_view);
  gtk_widget_class_bind_template_child (widget_class, EmImpulsePage, params_panel);
  gtk_widget_class_bind_template_child (widget_class, EmImpulsePage, side_stack);
  gtk_widget_class_bind_template_child (widget_class, EmImpulsePage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, EmImpulsePage, empty_page);

  gtk_widget_class_install_action (widget_class, "impulse.generate-features", NULL,
                                   generate_features_action);
}

static void
em_impulse_page_init (EmImpulsePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self->graph_view, "block-dropped", G_CALLBACK (block_dropped_cb), self);
  g_signal_connect (self->graph_view, "selection-changed", G_CALLBACK (selection_changed_cb), self);
  g_signal_connect (self->graph_view, "node-activated", G_CALLBACK (node_activated_cb), self);
  g_signal_connect (self->palette, "block-chosen", G_CALLBACK (block_chosen_cb), self);
  g_signal_connect (self->params_panel, "changed", G_CALLBACK (em_impulse_page_params_changed), self);
  g_signal_connect_after (self->graph_view, "map", G_CALLBACK (view_mapped_cb), self);
  gtk_stack_set_visible_child_name (self->stack, "empty");
  update_actions (self);
}

GtkWidget *
em_impulse_page_new (void)
{
  return g_object_new (EM_TYPE_IMPULSE_PAGE, NULL);
}
