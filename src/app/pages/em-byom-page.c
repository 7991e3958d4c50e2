/* SPDX-License-Identifier: Apache-2.0 */
/* The "Bring your own model" page: the app's face of em-model-import.h.
 * Reading a model and adding it to the project both run as EmJobs on
 * worker threads (a person_detect-sized file takes a while to validate and
 * convert, quantizing an ONNX model on the project's features longer). */
#include <glib/gi18n.h>

#include "em-byom-page.h"
#include "em-error.h"
#include "em-impulse.h"
#include "em-job.h"
#include "em-model-cost.h"
#include "em-model-import.h"

struct _EmByomPage
{
  GtkWidget        parent_instance;

  GtkWidget       *scroller;
  GtkLabel        *file_label;
  GtkLabel        *status_label;
  GtkLabel        *summary_label;
  GtkLabel        *cost_label;     /* instructions per inference, measured or estimated */
  GtkGrid         *layer_grid;
  GtkWidget       *add_group;
  GtkEntry        *block_entry;
  GtkEntry        *labels_entry;
  GtkDropDown     *input_dropdown;
  GtkStringList   *input_ids;      /* "" first: all processing blocks */

  EmProject       *project;
  EmJob           *model_job;      /* the read that gave the open model: owns it */
  const EmNnImported *imported;    /* (nullable) the open model, model_job's result */
  char            *source;         /* its file's base name */
  GtkNativeDialog *chooser;
  EmJob           *job;
  EmJob           *cost_job;       /* counting the open model's instructions (background) */
};

G_DEFINE_FINAL_TYPE (EmByomPage, em_byom_page, GTK_TYPE_WIDGET)

enum { JOB_STARTED, IMPORTED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
set_status (EmByomPage *self, const char *text, gboolean error)
{
  gtk_label_set_text (self->status_label, text != NULL ? text : "");
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

static gboolean
busy (EmByomPage *self)
{
  return self->job != NULL && em_job_is_running (self->job);
}

static void
update_actions (EmByomPage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "byom.open", !busy (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "byom.add", !busy (self) && self->imported != NULL);
}

/* ---- the model ------------------------------------------------------------------- */

static void
grid_cell (EmByomPage *self, int column, int row, const char *text, gboolean numeric, gboolean heading)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), numeric ? 1.0f : 0.0f);
  gtk_label_set_selectable (GTK_LABEL (label), !heading);
  if (heading)
    gtk_widget_add_css_class (label, "heading");
  if (numeric)
    gtk_widget_add_css_class (label, "numeric");
  gtk_grid_attach (self->layer_grid, label, column, row, 1, 1);
}

static void
show_model (EmByomPage *self)
{
  const EmNnImported *imp = self->imported;
  GtkWidget *child;
  g_autofree char *in = NULL, *out = NULL, *summary = NULL, *no_model = NULL;
  gboolean is_int8;
  guint64 weight_bytes;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->layer_grid))) != NULL)
    gtk_grid_remove (self->layer_grid, child);
  gtk_widget_set_visible (GTK_WIDGET (self->layer_grid), imp != NULL);
  gtk_widget_set_visible (self->add_group, imp != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->summary_label), imp != NULL);
  if (imp == NULL)
    return;

  /* Translators: why a float model can be shown but not added; %s is the importer's reason */
  no_model = imp->no_model_reason != NULL ? g_strdup_printf (_(" (float32; cannot be added: %s)"), imp->no_model_reason)
                                          : g_strdup ("");
  in = em_model_import_dims_text (imp->input, "×");
  out = em_model_import_dims_text (imp->output, "×");
  is_int8 = imp->compiled != NULL && em_nn_compiled_program (imp->compiled)->is_int8;
  weight_bytes = imp->compiled != NULL ? em_nn_compiled_weight_bytes (imp->compiled)
                                       : em_nn_imported_params (imp) * 4;
  summary = g_strdup_printf (
    /* Translators: a model's summary; %s are shapes, numbers and a producer name */
    _("%s\nInput %s (%s), output %s\n%u layers · %" G_GUINT64_FORMAT " parameters · %" G_GUINT64_FORMAT
      " multiply-accumulates per inference · %" G_GUINT64_FORMAT " bytes of weights%s"),
    imp->producer, in, is_int8 ? "int8" : "float32", out, imp->layers->len, em_nn_imported_params (imp),
    em_nn_imported_macs (imp), weight_bytes,
    is_int8 ? _(" (int8, the model’s own quantization)")
            : imp->model != NULL ? _(" (float32; Ember quantizes it to int8 on the project’s training features)")
                                 : no_model);
  gtk_label_set_text (self->summary_label, summary);

  grid_cell (self, 0, 0, "#", TRUE, TRUE);
  grid_cell (self, 1, 0, _("Operator"), FALSE, TRUE);
  grid_cell (self, 2, 0, _("Output"), FALSE, TRUE);
  grid_cell (self, 3, 0, _("Parameters"), TRUE, TRUE);
  grid_cell (self, 4, 0, _("MACs"), TRUE, TRUE);
  grid_cell (self, 5, 0, _("Name"), FALSE, TRUE);
  for (guint i = 0; i < imp->layers->len; i++)
    {
      const EmNnImportedLayer *l = &g_array_index (imp->layers, EmNnImportedLayer, i);
      g_autofree char *n = g_strdup_printf ("%u", i);
      g_autofree char *d = em_model_import_dims_text (l->out, "×");
      g_autofree char *p = g_strdup_printf ("%" G_GUINT64_FORMAT, l->params);
      g_autofree char *m = g_strdup_printf ("%" G_GUINT64_FORMAT, l->macs);

      grid_cell (self, 0, (int) i + 1, n, TRUE, FALSE);
      grid_cell (self, 1, (int) i + 1, l->op, FALSE, FALSE);
      grid_cell (self, 2, (int) i + 1, d, FALSE, FALSE);
      grid_cell (self, 3, (int) i + 1, p, TRUE, FALSE);
      grid_cell (self, 4, (int) i + 1, m, TRUE, FALSE);
      grid_cell (self, 5, (int) i + 1, l->name, FALSE, FALSE);
    }
}

/* The impulse's processing blocks, the choices for the model's input. */
static void
reload_inputs (EmByomPage *self)
{
  g_autoptr(EmImpulse) impulse = em_impulse_load (self->project, NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->input_ids));

  gtk_string_list_splice (self->input_ids, 0, n, NULL);
  gtk_string_list_append (self->input_ids, _("All processing blocks (a new passthrough impulse if there is none)"));
  for (guint i = 0; impulse != NULL && i < impulse->blocks->len; i++)
    gtk_string_list_append (self->input_ids, ((EmImpulseBlock *) g_ptr_array_index (impulse->blocks, i))->id);
  gtk_drop_down_set_selected (self->input_dropdown, 0);
}

/* ---- jobs ------------------------------------------------------------------------- */

static void
start_job (EmByomPage *self, const char *title)
{
  g_clear_object (&self->job);
  self->job = em_job_new (title);
  update_actions (self);
  g_signal_emit (self, signals[JOB_STARTED], 0, self->job);
}

static gpointer
read_func (EmJob *job, gpointer data, GCancellable *cancellable, GError **error)
{
  return em_model_import_read (data, error);
}

/* ---- the instruction count: a background job after each read -------------------- */

static gpointer
cost_func (EmJob *job, gpointer data, GCancellable *cancellable, GError **error)
{
  g_autofree EmModelCost *cost = g_new0 (EmModelCost, 1);

  /* @data is the read job, which owns the model and outlives this job. */
  if (!em_model_cost_count (em_job_get_result (data), em_job_progress_cb, job, cancellable, cost, error))
    return NULL;
  return g_steal_pointer (&cost);
}

static void
cost_free (EmModelCost *cost)
{
  em_model_cost_clear (cost);
  g_free (cost);
}

static void
cost_finished_cb (EmJob *job, EmByomPage *self)
{
  const EmModelCost *cost = em_job_get_result (job);
  g_autofree char *text = NULL;

  if (cost == NULL)
    text = NULL;
  else if (cost->measured)
    /* Translators: the number is a count of instructions */
    text = g_strdup_printf (_("Instructions per inference: %" G_GUINT64_FORMAT ", measured on an emulated "
                              "Cortex-M4F"), cost->instructions);
  else
    text = g_strdup_printf (_("Instructions per inference: about %" G_GUINT64_FORMAT " (estimated from the "
                              "multiply-accumulates; not measured: %s)"), cost->instructions, cost->why_estimated);
  gtk_label_set_text (self->cost_label, text != NULL ? text : "");
}

static void
stop_cost_job (EmByomPage *self)
{
  if (self->cost_job == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->cost_job, self);
  em_job_cancel (self->cost_job);
  g_clear_object (&self->cost_job);
}

static void
start_cost_job (EmByomPage *self)
{
  g_autofree char *text = NULL;

  stop_cost_job (self);
  gtk_widget_set_visible (GTK_WIDGET (self->cost_label), self->imported != NULL);
  if (self->imported == NULL)
    return;
  text = g_strdup_printf (_("Instructions per inference: about %" G_GUINT64_FORMAT " (estimated; measuring on an "
                            "emulated Cortex-M4F…)"), em_model_cost_estimate (self->imported));
  gtk_label_set_text (self->cost_label, text);
  self->cost_job = em_job_new (_("Counting a model's instructions"));
  g_signal_connect (self->cost_job, "finished", G_CALLBACK (cost_finished_cb), self);
  em_job_run (self->cost_job, cost_func, g_object_ref (self->model_job), g_object_unref,
              (GDestroyNotify) cost_free);
}

static void
read_finished_cb (EmJob *job, EmByomPage *self)
{
  const GError *error = em_job_get_error (job);

  if (error != NULL && em_job_get_result (job) == NULL)
    set_status (self, error->message, TRUE);
  else
    set_status (self, NULL, FALSE);
  g_set_object (&self->model_job, job);
  self->imported = em_job_get_result (job);
  if (self->imported != NULL)
    reload_inputs (self);
  show_model (self);
  start_cost_job (self);
  update_actions (self);
}

void
em_byom_page_open (EmByomPage *self, GFile *file)
{
  g_autofree char *path = g_file_get_path (file);

  g_return_if_fail (EM_IS_BYOM_PAGE (self));
  if (busy (self) || path == NULL)
    return;
  g_free (self->source);
  self->source = g_path_get_basename (path);
  gtk_label_set_text (self->file_label, self->source);
  set_status (self, _("Reading the model…"), FALSE);
  start_job (self, _("Reading a model"));
  g_signal_connect_object (self->job, "finished", G_CALLBACK (read_finished_cb), self, 0);
  em_job_run (self->job, read_func, g_steal_pointer (&path), g_free, (GDestroyNotify) em_nn_imported_free);
}

typedef struct {
  EmProject          *project;
  EmJob              *model_job;  /* kept alive with its result while the add runs */
  const EmNnImported *imported;
  char               *source, *block, *labels, *input;
} AddData;

static void
add_data_free (AddData *d)
{
  g_object_unref (d->project);
  g_object_unref (d->model_job);
  g_free (d->source);
  g_free (d->block);
  g_free (d->labels);
  g_free (d->input);
  g_free (d);
}

static gpointer
add_func (EmJob *job, gpointer data, GCancellable *cancellable, GError **error)
{
  AddData *d = data;
  EmModelImportOptions o = { d->block, d->labels, 0, d->input };

  em_job_report (job, -1, _("Storing the model in the project"));
  return em_model_import_into_project (d->project, d->imported, d->source, &o, error);
}

static void
add_finished_cb (EmJob *job, EmByomPage *self)
{
  const GError *error = em_job_get_error (job);
  const char *summary = em_job_get_result (job);

  if (error != NULL)
    set_status (self, error->message, TRUE);
  else
    {
      const char *block = gtk_editable_get_text (GTK_EDITABLE (self->block_entry));
      set_status (self, summary, FALSE);
      reload_inputs (self);  /* a passthrough impulse may have been made */
      g_signal_emit (self, signals[IMPORTED], 0, *block ? block : "byom");
    }
  update_actions (self);
}

void
em_byom_page_add (EmByomPage *self)
{
  AddData *d;
  guint selected;
  const char *block, *labels;

  g_return_if_fail (EM_IS_BYOM_PAGE (self));
  if (busy (self) || self->imported == NULL)
    return;
  block = gtk_editable_get_text (GTK_EDITABLE (self->block_entry));
  labels = gtk_editable_get_text (GTK_EDITABLE (self->labels_entry));
  selected = gtk_drop_down_get_selected (self->input_dropdown);
  d = g_new0 (AddData, 1);
  d->project = g_object_ref (self->project);
  d->model_job = g_object_ref (self->model_job);
  d->imported = self->imported;
  d->source = g_strdup (self->source);
  d->block = *block ? g_strdup (block) : NULL;
  d->labels = *labels ? g_strdup (labels) : NULL;
  d->input = selected > 0 && selected != GTK_INVALID_LIST_POSITION
               ? g_strdup (gtk_string_list_get_string (self->input_ids, selected)) : NULL;
  set_status (self, _("Adding the model to the project…"), FALSE);
  start_job (self, _("Adding a model"));
  g_signal_connect_object (self->job, "finished", G_CALLBACK (add_finished_cb), self, 0);
  em_job_run (self->job, add_func, d, (GDestroyNotify) add_data_free, g_free);
}

/* ---- actions ---------------------------------------------------------------------- */

static void
chooser_response_cb (GtkNativeDialog *dialog, int response, EmByomPage *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  gtk_native_dialog_destroy (dialog);
  g_clear_object (&self->chooser);
  if (file != NULL)
    em_byom_page_open (self, file);
}

static void
open_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EmByomPage *self = EM_BYOM_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  self->chooser = GTK_NATIVE_DIALOG (
    gtk_file_chooser_native_new (_("Open Model"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                 GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel")));
  gtk_native_dialog_set_modal (self->chooser, TRUE);
  gtk_file_filter_set_name (filter, _("TensorFlow Lite and ONNX models"));
  gtk_file_filter_add_suffix (filter, "tflite");
  gtk_file_filter_add_suffix (filter, "onnx");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (self->chooser);
}

static void
add_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  em_byom_page_add (EM_BYOM_PAGE (widget));
}

gboolean
em_byom_page_is_busy (EmByomPage *self)
{
  g_return_val_if_fail (EM_IS_BYOM_PAGE (self), FALSE);
  return busy (self);
}

const char *
em_byom_page_get_status (EmByomPage *self)
{
  g_return_val_if_fail (EM_IS_BYOM_PAGE (self), "");
  return gtk_label_get_text (self->status_label);
}

guint
em_byom_page_get_n_layers (EmByomPage *self)
{
  g_return_val_if_fail (EM_IS_BYOM_PAGE (self), 0);
  return self->imported != NULL ? self->imported->layers->len : 0;
}

/* ---- construction ----------------------------------------------------------------- */

static GtkWidget *
setting_row (const char *title, GtkWidget *widget)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (title);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_size_request (label, 160, -1);
  gtk_widget_set_hexpand (widget, TRUE);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), widget);
  return box;
}

static void
build_ui (EmByomPage *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *title = gtk_label_new (_("Bring Your Own Model"));
  GtkWidget *intro = gtk_label_new (
    _("Open a TensorFlow Lite model (int8 or float32) or an ONNX model (float32). Ember shows its layers "
      "and adds it to the impulse as a learning block that deploys like one Ember trained, quantizing a "
      "float32 model to int8 on the project’s training features."));
  GtkWidget *open_row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *open_button = gtk_button_new_with_mnemonic (_("_Open Model…"));
  GtkWidget *add_button = gtk_button_new_with_mnemonic (_("_Add to Project"));
  GtkWidget *add_title = gtk_label_new (_("Add to the impulse"));

  gtk_widget_set_margin_start (box, 24);
  gtk_widget_set_margin_end (box, 24);
  gtk_widget_set_margin_top (box, 24);
  gtk_widget_set_margin_bottom (box, 24);
  gtk_widget_add_css_class (title, "title-1");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (intro), TRUE);
  gtk_label_set_xalign (GTK_LABEL (intro), 0);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), intro);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (open_button), "byom.open");
  gtk_widget_add_css_class (open_button, "suggested-action");
  self->file_label = GTK_LABEL (gtk_label_new (_("No model open")));
  gtk_box_append (GTK_BOX (open_row), open_button);
  gtk_box_append (GTK_BOX (open_row), GTK_WIDGET (self->file_label));
  gtk_box_append (GTK_BOX (box), open_row);

  self->status_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->status_label, TRUE);
  gtk_label_set_xalign (self->status_label, 0);
  gtk_label_set_selectable (self->status_label, TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->status_label));

  self->summary_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->summary_label, TRUE);
  gtk_label_set_xalign (self->summary_label, 0);
  gtk_label_set_selectable (self->summary_label, TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->summary_label));

  self->cost_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->cost_label, TRUE);
  gtk_label_set_xalign (self->cost_label, 0);
  gtk_label_set_selectable (self->cost_label, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->cost_label), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->cost_label));

  self->layer_grid = GTK_GRID (gtk_grid_new ());
  gtk_grid_set_column_spacing (self->layer_grid, 18);
  gtk_grid_set_row_spacing (self->layer_grid, 4);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->layer_grid));

  self->add_group = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_add_css_class (add_title, "heading");
  gtk_label_set_xalign (GTK_LABEL (add_title), 0);
  gtk_box_append (GTK_BOX (self->add_group), add_title);
  self->block_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_editable_set_text (GTK_EDITABLE (self->block_entry), "byom");
  gtk_box_append (GTK_BOX (self->add_group), setting_row (_("Learning block id"), GTK_WIDGET (self->block_entry)));
  gtk_widget_set_name (GTK_WIDGET (self->block_entry), "byom-block");
  self->labels_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_widget_set_name (GTK_WIDGET (self->labels_entry), "byom-labels");
  gtk_entry_set_placeholder_text (self->labels_entry, _("Output names, comma-separated (default output_0, …)"));
  gtk_box_append (GTK_BOX (self->add_group), setting_row (_("Labels"), GTK_WIDGET (self->labels_entry)));
  self->input_ids = gtk_string_list_new (NULL);
  self->input_dropdown = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (self->input_ids)), NULL));
  gtk_box_append (GTK_BOX (self->add_group), setting_row (_("Input block"), GTK_WIDGET (self->input_dropdown)));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (add_button), "byom.add");
  gtk_widget_set_halign (add_button, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (self->add_group), add_button);
  gtk_box_append (GTK_BOX (box), self->add_group);

  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), box);
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));
}

static void
em_byom_page_dispose (GObject *object)
{
  EmByomPage *self = EM_BYOM_PAGE (object);

  if (self->job != NULL)
    em_job_cancel (self->job);
  stop_cost_job (self);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  G_OBJECT_CLASS (em_byom_page_parent_class)->dispose (object);
}

static void
em_byom_page_finalize (GObject *object)
{
  EmByomPage *self = EM_BYOM_PAGE (object);

  g_clear_object (&self->job);
  g_clear_object (&self->model_job);
  g_clear_object (&self->input_ids);
  g_clear_object (&self->project);
  g_free (self->source);
  G_OBJECT_CLASS (em_byom_page_parent_class)->finalize (object);
}

static void
em_byom_page_class_init (EmByomPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = em_byom_page_dispose;
  object_class->finalize = em_byom_page_finalize;
  signals[JOB_STARTED] = g_signal_new ("job-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 1, EM_TYPE_JOB);
  signals[IMPORTED] = g_signal_new ("imported", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  gtk_widget_class_install_action (widget_class, "byom.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "byom.add", NULL, add_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
em_byom_page_init (EmByomPage *self)
{
  build_ui (self);
}

GtkWidget *
em_byom_page_new (EmProject *project)
{
  EmByomPage *self = g_object_new (EM_TYPE_BYOM_PAGE, NULL);

  self->project = g_object_ref (project);
  reload_inputs (self);
  show_model (self);
  update_actions (self);
  return GTK_WIDGET (self);
}
