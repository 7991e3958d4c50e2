/* SPDX-License-Identifier: Apache-2.0 */
/* The Versions page: the core's snapshots (em-project-versions.h) as a list,
 * with create and restore run as EmJobs on worker threads (the core's
 * _async calls) and delete behind a confirmation. */
#include <math.h>
#include <glib/gi18n.h>
#include <adwaita.h>

#include "em-versions-page.h"
#include "em-application.h"
#include "em-error.h"
#include "em-project-versions.h"
#include "em-window.h"

struct _EmVersionsPage
{
  GtkWidget            parent_instance;

  /* template children */
  GtkEntry            *description_entry;
  GtkProgressBar      *progress_bar;
  GtkLabel            *status_label;
  AdwPreferencesGroup *versions_group;

  EmProject           *project;
  GPtrArray           *versions;  /* EmVersion, newest first */
  GPtrArray           *rows;      /* AdwActionRow, as versions */
  GtkWidget           *empty_row;
  GtkNativeDialog     *chooser;
  guint                chooser_number;
  EmJob               *job;
  gboolean             running;
};

G_DEFINE_FINAL_TYPE (EmVersionsPage, em_versions_page, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_PROJECT, PROP_RUNNING, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { JOB_STARTED, RESTORED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
update_actions (EmVersionsPage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "versions.create", !self->running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "versions.cancel", self->running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "versions.restore", !self->running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "versions.delete", !self->running);
}

static void
set_status (EmVersionsPage *self, const char *text, gboolean error)
{
  gtk_label_set_text (self->status_label, text != NULL ? text : "");
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

static void
set_running (EmVersionsPage *self, gboolean running)
{
  self->running = running;
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

static EmVersion *
find_version (EmVersionsPage *self, guint number)
{
  for (guint i = 0; self->versions != NULL && i < self->versions->len; i++)
    if (((EmVersion *) g_ptr_array_index (self->versions, i))->number == number)
      return g_ptr_array_index (self->versions, i);
  return NULL;
}

/* ---- the list ------------------------------------------------------------------- */

static char *
row_subtitle (const EmVersion *v)
{
  g_autoptr(GDateTime) when = v->created > 0 ? g_date_time_new_from_unix_local (v->created / G_USEC_PER_SEC) : NULL;
  g_autofree char *date = when != NULL ? g_date_time_format (when, "%Y-%m-%d %H:%M") : g_strdup ("?");
  GString *text = g_string_new (date);
  guint n_labels = g_strv_length (v->labels);

  /* Translators: sample counts of a version */
  g_string_append_printf (text, _(" · %" G_GINT64_FORMAT " training, %" G_GINT64_FORMAT " testing"),
                          v->n_training, v->n_testing);
  g_string_append (text, " · ");
  g_string_append_printf (text, ngettext ("%u label", "%u labels", n_labels), n_labels);
  if (v->impulse != NULL)
    g_string_append_printf (text, " · %s", v->impulse);
  if (isfinite (v->accuracy) && g_strcmp0 (v->accuracy_kind, "test") == 0)
    /* Translators: accuracy on the testing set, a percentage */
    g_string_append_printf (text, _(" · test accuracy %.1f%%"), 100 * v->accuracy);
  else if (isfinite (v->accuracy))
    /* Translators: validation accuracy of the training, a percentage */
    g_string_append_printf (text, _(" · validation accuracy %.1f%%"), 100 * v->accuracy);
  return g_string_free (text, FALSE);
}

static GtkWidget *
row_button (const char *icon, const char *tooltip, const char *action, guint number)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_uint32 (number));
  return button;
}

static void
clear_rows (EmVersionsPage *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->versions_group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
  if (self->empty_row != NULL)
    adw_preferences_group_remove (self->versions_group, self->empty_row);
  self->empty_row = NULL;
}

void
em_versions_page_reload (EmVersionsPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;

  g_return_if_fail (EM_IS_VERSIONS_PAGE (self));

  clear_rows (self);
  g_clear_pointer (&self->versions, g_ptr_array_unref);
  list = em_project_versions_list (em_project_get_path (self->project), &error);
  if (list == NULL)
    {
      set_status (self, error->message, TRUE);
      return;
    }
  /* Newest first, as people look for the latest. */
  self->versions = g_ptr_array_new_with_free_func ((GDestroyNotify) em_version_free);
  for (guint i = list->len; i > 0; i--)
    g_ptr_array_add (self->versions, g_ptr_array_steal_index (list, i - 1));
  for (guint i = 0; i < self->versions->len; i++)
    {
      EmVersion *v = g_ptr_array_index (self->versions, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *title = NULL, *subtitle = NULL;

      if (*v->description != '\0')
        /* Translators: a version's title: its number and description */
        title = g_strdup_printf (_("v%u — %s"), v->number, v->description);
      else
        title = g_strdup_printf (_("v%u"), v->number);
      /* Translators: %s is why a version file cannot be read */
      subtitle = v->problem != NULL ? g_strdup_printf (_("Cannot be read: %s"), v->problem) : row_subtitle (v);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_icon_name (ADW_ACTION_ROW (row), v->problem != NULL ? "dialog-warning-symbolic"
                                                                             : "document-open-recent-symbolic");
      if (v->problem == NULL)
        adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                   row_button ("document-revert-symbolic", _("Restore as New Project…"),
                                               "versions.restore", v->number));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 row_button ("user-trash-symbolic", _("Delete Version"),
                                             "versions.delete", v->number));
      adw_preferences_group_add (self->versions_group, row);
      g_ptr_array_add (self->rows, row);
    }
  if (self->versions->len == 0)
    {
      self->empty_row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->empty_row), _("No versions yet"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->empty_row),
                                   _("A version keeps the data, impulse, features and models as they are now."));
      adw_preferences_group_add (self->versions_group, self->empty_row);
    }
}

/* ---- jobs ------------------------------------------------------------------------ */

static void
job_fraction_cb (EmVersionsPage *self, GParamSpec *pspec, EmJob *job)
{
  double f = em_job_get_fraction (job);

  if (f >= 0)
    gtk_progress_bar_set_fraction (self->progress_bar, f);
  else
    gtk_progress_bar_pulse (self->progress_bar);
}

static void
start_job (EmVersionsPage *self, const char *title, const char *status)
{
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_clear_object (&self->job);
  self->job = em_job_new (title);
  g_signal_connect_object (self->job, "notify::fraction", G_CALLBACK (job_fraction_cb), self, G_CONNECT_SWAPPED);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), TRUE);
  set_status (self, status, FALSE);
  em_job_start (self->job);
  set_running (self, TRUE);
  g_signal_emit (self, signals[JOB_STARTED], 0, self->job);
}

/* Ends the job; FALSE (status set) when it failed or was cancelled. */
static gboolean
finish_job (EmVersionsPage *self, const GError *error)
{
  gboolean cancelled = g_error_matches (error, EM_ERROR, EM_ERROR_CANCELLED);

  em_job_complete (self->job, NULL, NULL, error);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
  set_running (self, FALSE);
  if (error == NULL)
    return TRUE;
  if (cancelled)
    set_status (self, _("Cancelled; nothing was written."), FALSE);
  else
    {
      /* Translators: %s is the error message */
      g_autofree char *text = g_strdup_printf (_("Failed: %s"), error->message);
      set_status (self, text, TRUE);
    }
  return FALSE;
}

static void
create_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(EmVersionsPage) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(EmVersion) v = em_project_version_create_finish (EM_PROJECT (source), result, &error);
  g_autofree char *text = NULL;

  if (!finish_job (self, error))
    return;
  /* Translators: %u is the new version's number */
  text = g_strdup_printf (_("Version %u created."), v->number);
  set_status (self, text, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->description_entry), "");
  em_versions_page_reload (self);
}

static void
create_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EmVersionsPage *self = EM_VERSIONS_PAGE (widget);
  const char *description = gtk_editable_get_text (GTK_EDITABLE (self->description_entry));

  if (self->running)
    return;
  start_job (self, _("Create version"), _("Creating a version…"));
  em_project_version_create_async (self->project, description, em_job_progress_cb, self->job,
                                   em_job_get_cancellable (self->job), create_done_cb, g_object_ref (self));
}

static void
cancel_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EmVersionsPage *self = EM_VERSIONS_PAGE (widget);

  if (self->running)
    em_job_cancel (self->job);
}

/* ---- restore ----------------------------------------------------------------------- */

static void
open_restored (EmVersionsPage *self, GFile *file)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkApplication *app = GTK_IS_WINDOW (root) ? gtk_window_get_application (GTK_WINDOW (root)) : NULL;
  EmWindow *window;

  if (EM_IS_APPLICATION (app))
    {
      em_application_open_file (EM_APPLICATION (app), file, NULL);
      return;
    }
  /* Without an application (tests): a window of its own all the same. */
  window = em_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  em_window_open_file (window, file);
}

typedef struct {
  EmVersionsPage *self;
  GFile          *file;
} RestoreData;

static void
restore_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  RestoreData *d = data;
  g_autoptr(EmVersionsPage) self = d->self;
  g_autoptr(GFile) file = d->file;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *text = NULL;

  g_free (d);
  em_project_version_restore_finish (result, &error);
  if (!finish_job (self, error))
    return;
  /* Translators: %s is the new project's file */
  text = g_strdup_printf (_("Restored into %s; it opens in a new window."), path);
  set_status (self, text, FALSE);
  g_signal_emit (self, signals[RESTORED], 0, path);
  open_restored (self, file);
}

void
em_versions_page_restore_to (EmVersionsPage *self, guint number, GFile *target)
{
  EmVersion *v;
  g_autofree char *path = NULL;
  RestoreData *d;

  g_return_if_fail (EM_IS_VERSIONS_PAGE (self));
  g_return_if_fail (G_IS_FILE (target));

  v = find_version (self, number);
  path = g_file_get_path (target);
  if (self->running || v == NULL)
    return;
  if (path == NULL)
    {
      set_status (self, _("Only projects stored on this computer can be opened"), TRUE);
      return;
    }
  if (!g_str_has_suffix (path, ".ember"))
    {
      char *with_suffix = g_strconcat (path, ".ember", NULL);
      g_free (path);
      path = with_suffix;
    }
  start_job (self, _("Restore version"), _("Restoring…"));
  d = g_new0 (RestoreData, 1);
  d->self = g_object_ref (self);
  d->file = g_file_new_for_path (path);
  em_project_version_restore_async (v->path, path, NULL, em_job_progress_cb, self->job,
                                    em_job_get_cancellable (self->job), restore_done_cb, d);
}

static void
chooser_response_cb (GtkNativeDialog *dialog, int response, EmVersionsPage *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  gtk_native_dialog_destroy (dialog);
  g_clear_object (&self->chooser);
  if (file != NULL)
    em_versions_page_restore_to (self, self->chooser_number, file);
}

static void
restore_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EmVersionsPage *self = EM_VERSIONS_PAGE (widget);
  guint number = g_variant_get_uint32 (parameter);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GFile) project_file = g_file_new_for_path (em_project_get_path (self->project));

  if (self->running || find_version (self, number) == NULL || self->chooser != NULL)
    return;
  self->chooser_number = number;
  self->chooser = GTK_NATIVE_DIALOG (
    gtk_file_chooser_native_new (_("Restore as New Project"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                 GTK_FILE_CHOOSER_ACTION_SAVE, _("_Restore"), _("_Cancel")));
  gtk_native_dialog_set_modal (self->chooser, TRUE);
  /* Translators: the file name offered for a restored version: project name, version */
  name = g_strdup_printf (_("%s v%u.ember"), em_project_get_name (self->project), number);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  folder = g_file_get_parent (project_file);
  if (folder != NULL)
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), folder, NULL);
  gtk_file_filter_set_name (filter, _("Ember Projects"));
  gtk_file_filter_add_suffix (filter, "ember");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (self->chooser);
}

/* ---- delete ------------------------------------------------------------------------ */

static void
delete_response_cb (AdwMessageDialog *dialog, const char *response, EmVersionsPage *self)
{
  guint number = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dialog), "em-version"));
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "delete") != 0)
    return;
  if (!em_project_version_delete (em_project_get_path (self->project), number, &error))
    set_status (self, error->message, TRUE);
  else
    {
      /* Translators: %u is a version number */
      g_autofree char *text = g_strdup_printf (_("Version %u deleted."), number);
      set_status (self, text, FALSE);
    }
  em_versions_page_reload (self);
}

static void
delete_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EmVersionsPage *self = EM_VERSIONS_PAGE (widget);
  guint number = g_variant_get_uint32 (parameter);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  if (self->running || find_version (self, number) == NULL)
    return;
  /* Translators: %u is a version number */
  heading = g_strdup_printf (_("Delete Version %u?"), number);
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading,
                                   _("Its snapshot of the project is removed for good. The project itself is not changed."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "em-version", GUINT_TO_POINTER (number));
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- GObject ----------------------------------------------------------------------- */

static void
em_versions_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (em_versions_page_parent_class)->map (widget);
  /* Another program (ember-cli) may have made or removed versions. */
  if (!EM_VERSIONS_PAGE (widget)->running)
    em_versions_page_reload (EM_VERSIONS_PAGE (widget));
}

static void
em_versions_page_constructed (GObject *object)
{
  G_OBJECT_CLASS (em_versions_page_parent_class)->constructed (object);
  em_versions_page_reload (EM_VERSIONS_PAGE (object));
}

static void
em_versions_page_dispose (GObject *object)
{
  EmVersionsPage *self = EM_VERSIONS_PAGE (object);
  GtkWidget *child;

  /* A running job holds a reference on the page, so this is after it ended. */
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_clear_object (&self->job);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  if (self->rows != NULL && self->versions_group != NULL)
    clear_rows (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), EM_TYPE_VERSIONS_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->versions, g_ptr_array_unref);
  g_clear_object (&self->project);
  G_OBJECT_CLASS (em_versions_page_parent_class)->dispose (object);
}

static void
em_versions_page_finalize (GObject *object)
{
  g_ptr_array_unref (EM_VERSIONS_PAGE (object)->rows);
  G_OBJECT_CLASS (em_versions_page_parent_class)->finalize (object);
}

static void
em_versions_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EmVersionsPage *self = EM_VERSIONS_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_versions_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  EmVersionsPage *self = EM_VERSIONS_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      self->project = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_versions_page_class_init (EmVersionsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = em_versions_page_constructed;
  object_class->dispose = em_versions_page_dispose;
  object_class->finalize = em_versions_page_finalize;
  object_class->get_property = em_versions_page_get_property;
  object_class->set_property = em_versions_page_set_property;
  widget_class->map = em_versions_page_map;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, EM_TYPE_PROJECT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[JOB_STARTED] = g_signal_new ("job-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 1, EM_TYPE_JOB);
  signals[RESTORED] = g_signal_new ("restored", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/emberstudio/Ember/ui/em-versions-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EmVersionsPage, description_entry);
  gtk_widget_class_bind_template_child (widget_class, EmVersionsPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, EmVersionsPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, EmVersionsPage, versions_group);
  gtk_widget_class_install_action (widget_class, "versions.create", NULL, create_action);
  gtk_widget_class_install_action (widget_class, "versions.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "versions.restore", "u", restore_action);
  gtk_widget_class_install_action (widget_class, "versions.delete", "u", delete_action);
  gtk_widget_class_set_css_name (widget_class, "versions");
}

static void
em_versions_page_init (EmVersionsPage *self)
{
  self->rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  update_actions (self);
}

GtkWidget *
em_versions_page_new (EmProject *project)
{
  g_return_val_if_fail (EM_IS_PROJECT (project), NULL);
  return g_object_new (EM_TYPE_VERSIONS_PAGE, "project", project, NULL);
}

/* ---- accessors ------------------------------------------------------------------------- */

gboolean
em_versions_page_get_running (EmVersionsPage *self)
{
  g_return_val_if_fail (EM_IS_VERSIONS_PAGE (self), FALSE);
  return self->running;
}

guint
em_versions_page_get_n_rows (EmVersionsPage *self)
{
  g_return_val_if_fail (EM_IS_VERSIONS_PAGE (self), 0);
  return self->rows->len;
}

const char *
em_versions_page_get_row_title (EmVersionsPage *self, guint i)
{
  g_return_val_if_fail (EM_IS_VERSIONS_PAGE (self), NULL);
  g_return_val_if_fail (i < self->rows->len, NULL);
  return adw_preferences_row_get_title (g_ptr_array_index (self->rows, i));
}

const char *
em_versions_page_get_row_subtitle (EmVersionsPage *self, guint i)
{
  g_return_val_if_fail (EM_IS_VERSIONS_PAGE (self), NULL);
  g_return_val_if_fail (i < self->rows->len, NULL);
  return adw_action_row_get_subtitle (g_ptr_array_index (self->rows, i));
}

const char *
em_versions_page_get_status (EmVersionsPage *self)
{
  g_return_val_if_fail (EM_IS_VERSIONS_PAGE (self), NULL);
  return gtk_label_get_text (self->status_label);
}
