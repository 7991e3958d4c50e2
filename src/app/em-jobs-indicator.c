/* SPDX-License-Identifier: Apache-2.0 */
#include <glib/gi18n.h>

#include "em-jobs-indicator.h"

struct _EmJobsIndicator
{
  GtkWidget      parent_instance;

  /* template children */
  GtkMenuButton *button;
  GtkListBox    *list_box;
  GtkSpinner    *spinner;
  GtkLabel      *count_label;

  GListStore    *jobs;
};

G_DEFINE_FINAL_TYPE (EmJobsIndicator, em_jobs_indicator, GTK_TYPE_WIDGET)

static void
update (EmJobsIndicator *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->jobs));
  g_autofree char *count = g_strdup_printf ("%u", n);

  gtk_widget_set_visible (GTK_WIDGET (self), n > 0);
  gtk_spinner_set_spinning (self->spinner, n > 0);
  gtk_label_set_text (self->count_label, count);
  if (n == 0)
    gtk_menu_button_popdown (self->button);
}

/* ---- rows ----------------------------------------------------------------- */

static gboolean
fraction_to_bar (GBinding *binding, const GValue *from, GValue *to, gpointer user_data)
{
  /* Unknown (negative) shows an empty bar rather than a made-up amount. */
  g_value_set_double (to, MAX (g_value_get_double (from), 0.0));
  return TRUE;
}

static gboolean
message_to_label (GBinding *binding, const GValue *from, GValue *to, gpointer user_data)
{
  const char *message = g_value_get_string (from);

  g_value_set_string (to, message != NULL ? message : _("Starting…"));
  return TRUE;
}

static void
cancel_clicked_cb (GtkButton *button, EmJob *job)
{
  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  em_job_cancel (job);
}

static GtkWidget *
create_row (gpointer item, gpointer user_data)
{
  EmJob *job = EM_JOB (item);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *title = gtk_label_new (em_job_get_title (job));
  GtkWidget *bar = gtk_progress_bar_new ();
  GtkWidget *message = gtk_label_new (NULL);
  GtkWidget *cancel = gtk_button_new_from_icon_name ("process-stop-symbolic");

  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_widget_set_margin_top (grid, 9);
  gtk_widget_set_margin_bottom (grid, 9);
  gtk_widget_set_margin_start (grid, 9);
  gtk_widget_set_margin_end (grid, 9);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_add_css_class (title, "heading");

  g_object_bind_property_full (job, "fraction", bar, "fraction", G_BINDING_SYNC_CREATE,
                               fraction_to_bar, NULL, NULL, NULL);

  gtk_label_set_xalign (GTK_LABEL (message), 0);
  gtk_label_set_ellipsize (GTK_LABEL (message), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (message, "dim-label");
  gtk_widget_add_css_class (message, "caption");
  g_object_bind_property_full (job, "message", message, "label", G_BINDING_SYNC_CREATE,
                               message_to_label, NULL, NULL, NULL);
  g_object_bind_property (job, "message", message, "tooltip-text", G_BINDING_SYNC_CREATE);

  gtk_widget_set_valign (cancel, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (cancel, _("Cancel"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (cancel), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Cancel"), -1);
  gtk_widget_add_css_class (cancel, "flat");
  gtk_widget_add_css_class (cancel, "circular");
  gtk_widget_set_sensitive (cancel, !g_cancellable_is_cancelled (em_job_get_cancellable (job)));
  g_signal_connect_object (cancel, "clicked", G_CALLBACK (cancel_clicked_cb), job, 0);

  gtk_grid_attach (GTK_GRID (grid), title, 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), bar, 0, 1, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), message, 0, 2, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), cancel, 1, 0, 1, 3);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), grid);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  g_object_set_data_full (G_OBJECT (row), "em-job", g_object_ref (job), g_object_unref);
  return row;
}

/* ---- jobs ------------------------------------------------------------------ */

static void
job_finished_cb (EmJob *job, EmJobsIndicator *self)
{
  guint position;

  g_signal_handlers_disconnect_by_func (job, job_finished_cb, self);
  if (g_list_store_find (self->jobs, job, &position))
    g_list_store_remove (self->jobs, position);
  update (self);
}

void
em_jobs_indicator_add_job (EmJobsIndicator *self, EmJob *job)
{
  g_return_if_fail (EM_IS_JOBS_INDICATOR (self));
  g_return_if_fail (EM_IS_JOB (job));

  if (!em_job_is_running (job) || g_list_store_find (self->jobs, job, NULL))
    return;
  g_signal_connect_object (job, "finished", G_CALLBACK (job_finished_cb), self, 0);
  g_list_store_append (self->jobs, job);
  update (self);
}

GListModel *
em_jobs_indicator_get_jobs (EmJobsIndicator *self)
{
  g_return_val_if_fail (EM_IS_JOBS_INDICATOR (self), NULL);
  return G_LIST_MODEL (self->jobs);
}

GtkWidget *
em_jobs_indicator_get_row (EmJobsIndicator *self, EmJob *job)
{
  g_return_val_if_fail (EM_IS_JOBS_INDICATOR (self), NULL);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list_box)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (g_object_get_data (G_OBJECT (row), "em-job") == job)
      return row;
  return NULL;
}

void
em_jobs_indicator_popup (EmJobsIndicator *self)
{
  g_return_if_fail (EM_IS_JOBS_INDICATOR (self));
  if (g_list_model_get_n_items (G_LIST_MODEL (self->jobs)) > 0)
    gtk_menu_button_popup (self->button);
}

/* ---- GObject --------------------------------------------------------------- */

static void
em_jobs_indicator_dispose (GObject *object)
{
  EmJobsIndicator *self = EM_JOBS_INDICATOR (object);

  if (self->jobs != NULL)
    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->jobs)); i++)
      {
        g_autoptr(EmJob) job = g_list_model_get_item (G_LIST_MODEL (self->jobs), i);
        g_signal_handlers_disconnect_by_func (job, job_finished_cb, self);
      }
  gtk_widget_dispose_template (GTK_WIDGET (self), EM_TYPE_JOBS_INDICATOR);
  g_clear_object (&self->jobs);
  G_OBJECT_CLASS (em_jobs_indicator_parent_class)->dispose (object);
}

static void
em_jobs_indicator_class_init (EmJobsIndicatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = em_jobs_indicator_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/emberstudio/Ember/ui/em-jobs-indicator.ui");
  gtk_widget_class_bind_template_child (widget_class, EmJobsIndicator, button);
  gtk_widget_class_bind_template_child (widget_class, EmJobsIndicator, list_box);
  gtk_widget_class_bind_template_child (widget_class, EmJobsIndicator, spinner);
  gtk_widget_class_bind_template_child (widget_class, EmJobsIndicator, count_label);
}

static void
em_jobs_indicator_init (EmJobsIndicator *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->jobs = g_list_store_new (EM_TYPE_JOB);
  gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (self->jobs), create_row, self, NULL);
  update (self);
}

GtkWidget *
em_jobs_indicator_new (void)
{
  return g_object_new (EM_TYPE_JOBS_INDICATOR, NULL);
}
