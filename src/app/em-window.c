/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <glib/gi18n.h>

#include "em-window-private.h"
#include "em-application.h"
#include "em-error.h"

#define SETTINGS_SCHEMA_ID "org.emberstudio.Ember"
/* Ranges of the window-width / window-height keys in the schema. */
#define MIN_SAVED_WIDTH 360
#define MIN_SAVED_HEIGHT 294
#define MAX_SAVED_SIZE 32768

G_DEFINE_FINAL_TYPE (EmWindow, em_window, ADW_TYPE_APPLICATION_WINDOW)

enum { PROP_0, PROP_PROJECT, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
em_window_update_actions (EmWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.find", self->project != NULL);
}

/* ~/Projects/kws.ember rather than /home/someone/Projects/kws.ember: the
 * subtitle has little room. */
static char *
display_path (const char *path)
{
  const char *home = g_get_home_dir ();
  gsize n = strlen (home);

  if (n > 1 && strncmp (path, home, n) == 0 && path[n] == G_DIR_SEPARATOR)
    {
      g_autofree char *rest = g_filename_display_name (path + n);
      return g_strconcat ("~", rest, NULL);
    }
  return g_filename_display_name (path);
}

/* ---- window state --------------------------------------------------------- */

static void
load_window_state (EmWindow *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  /* g_settings_new() aborts on a missing schema; an uninstalled build run
   * without GSETTINGS_SCHEMA_DIR should still work, just without state. */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, SETTINGS_SCHEMA_ID, TRUE);
  if (schema == NULL)
    {
      g_debug ("Schema %s not found; window size is not remembered", SETTINGS_SCHEMA_ID);
      return;
    }
  self->settings = g_settings_new_full (schema, NULL, NULL);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
save_window_state (EmWindow *self)
{
  int width = 0, height = 0;

  if (self->settings == NULL)
    return;
  /* In GTK 4 the default size tracks the unmaximized size, which is what
   * the next window should open with. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_delay (self->settings);
  if (width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width",
                          CLAMP (width, MIN_SAVED_WIDTH, MAX_SAVED_SIZE));
      g_settings_set_int (self->settings, "window-height",
                          CLAMP (height, MIN_SAVED_HEIGHT, MAX_SAVED_SIZE));
    }
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  g_settings_apply (self->settings);
}

/* ---- opening -------------------------------------------------------------- */

static void
open_one (EmWindow *self, GFile *file)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  /* The application decides between this window, the project's existing
   * window and a new one; without it (tests) the project replaces ours. */
  if (EM_IS_APPLICATION (app))
    em_application_open_file (EM_APPLICATION (app), file, self);
  else
    em_window_open_file (self, file);
}

static void
open_response_cb (GtkNativeDialog *dialog, int response, EmWindow *self)
{
  g_autoptr(GListModel) files = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
  /* The emission holds its own reference, so dropping ours here is safe. */
  g_clear_object (&self->open_dialog);
  if (files == NULL)
    return;
  for (guint i = 0; i < g_list_model_get_n_items (files); i++)
    {
      g_autoptr(GFile) file = g_list_model_get_item (files, i);
      open_one (self, file);
    }
}

static void
open_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EmWindow *self = EM_WINDOW (widget);
  g_autoptr(GtkFileFilter) filter = NULL;
  GtkFileChooser *chooser;

  if (self->open_dialog != NULL)
    {
      gtk_native_dialog_show (self->open_dialog);
      return;
    }

  self->open_dialog = GTK_NATIVE_DIALOG (
    gtk_file_chooser_native_new (_("Open Project"), GTK_WINDOW (self),
                                 GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel")));
  chooser = GTK_FILE_CHOOSER (self->open_dialog);
  gtk_native_dialog_set_modal (self->open_dialog, TRUE);
  gtk_file_chooser_set_select_multiple (chooser, TRUE);

  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Ember Projects"));
  gtk_file_filter_add_suffix (filter, "ember");
  gtk_file_chooser_add_filter (chooser, filter);

  /* Projects tend to live side by side: start where this one is. */
  if (self->project != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_path (em_project_get_path (self->project));
      g_autoptr(GFile) folder = g_file_get_parent (file);

      if (folder != NULL)
        gtk_file_chooser_set_current_folder (chooser, folder, NULL);
    }

  g_signal_connect (self->open_dialog, "response", G_CALLBACK (open_response_cb), self);
  gtk_native_dialog_show (self->open_dialog);
}

static void
new_response_cb (GtkNativeDialog *dialog, int response, EmWindow *self)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autofree char *path = NULL;
  g_autofree char *name = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_clear_object (&self->new_dialog);
  if (file == NULL)
    return;

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Only projects stored on this computer can be opened"));
      em_window_show_open_error (self, file, error);
      return;
    }
  if (!g_str_has_suffix (path, ".ember"))
    {
      char *with_suffix = g_strconcat (path, ".ember", NULL);
      g_free (path);
      path = with_suffix;
      g_clear_object (&file);
      file = g_file_new_for_path (path);
    }
  name = g_file_get_basename (file);
  name[strlen (name) - strlen (".ember")] = '\0';
  /* The core refuses an existing file: a project is never overwritten. */
  project = em_project_create (path, name, &error);
  if (project == NULL)
    {
      em_window_show_open_error (self, file, error);
      return;
    }
  g_clear_object (&project);
  open_one (self, file);
}

static void
new_project_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EmWindow *self = EM_WINDOW (widget);
  g_autoptr(GtkFileFilter) filter = NULL;
  GtkFileChooser *chooser;

  if (self->new_dialog != NULL)
    {
      gtk_native_dialog_show (self->new_dialog);
      return;
    }
  self->new_dialog = GTK_NATIVE_DIALOG (
    gtk_file_chooser_native_new (_("New Project"), GTK_WINDOW (self),
                                 GTK_FILE_CHOOSER_ACTION_SAVE, _("_Create"), _("_Cancel")));
  chooser = GTK_FILE_CHOOSER (self->new_dialog);
  gtk_native_dialog_set_modal (self->new_dialog, TRUE);
  /* Translators: the file name a new project is offered */
  gtk_file_chooser_set_current_name (chooser, _("Untitled.ember"));
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Ember Projects"));
  gtk_file_filter_add_suffix (filter, "ember");
  gtk_file_chooser_add_filter (chooser, filter);
  g_signal_connect (self->new_dialog, "response", G_CALLBACK (new_response_cb), self);
  gtk_native_dialog_show (self->new_dialog);
}

static void
find_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  em_data_page_focus_search (EM_WINDOW (widget)->data_page);
}

/* ---- GObject -------------------------------------------------------------- */

static gboolean
em_window_close_request (GtkWindow *window)
{
  save_window_state (EM_WINDOW (window));
  return GTK_WINDOW_CLASS (em_window_parent_class)->close_request (window);
}

static void
em_window_dispose (GObject *object)
{
  EmWindow *self = EM_WINDOW (object);

  if (self->open_dialog != NULL)
    gtk_native_dialog_destroy (self->open_dialog);
  g_clear_object (&self->open_dialog);
  if (self->new_dialog != NULL)
    gtk_native_dialog_destroy (self->new_dialog);
  g_clear_object (&self->new_dialog);
  gtk_widget_dispose_template (GTK_WIDGET (self), EM_TYPE_WINDOW);
  g_clear_object (&self->project);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (em_window_parent_class)->dispose (object);
}

static void
em_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EmWindow *self = EM_WINDOW (object);

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
em_window_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  EmWindow *self = EM_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      em_window_set_project (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_window_class_init (EmWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = em_window_dispose;
  object_class->get_property = em_window_get_property;
  object_class->set_property = em_window_set_property;
  window_class->close_request = em_window_close_request;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, EM_TYPE_PROJECT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The template names these; GtkBuilder needs the types registered. */
  g_type_ensure (EM_TYPE_DATA_PAGE);
  g_type_ensure (EM_TYPE_IMPULSE_PAGE);
  g_type_ensure (EM_TYPE_JOBS_INDICATOR);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/emberstudio/Ember/ui/em-window.ui");
  gtk_widget_class_bind_template_child (widget_class, EmWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, EmWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, EmWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, EmWindow, data_page);
  gtk_widget_class_bind_template_child (widget_class, EmWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, EmWindow, pages);
  gtk_widget_class_bind_template_child (widget_class, EmWindow, impulse_page);
  gtk_widget_class_bind_template_child (widget_class, EmWindow, jobs_indicator);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "win.new-project", NULL, new_project_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "win.new-project", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.find", NULL);
  /* GtkWindow already has window.close; it only lacks the key. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
  em_window_pages_class_init (widget_class);
}

static void
em_window_init (EmWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  load_window_state (self);
  em_window_pages_init (self);
  em_window_update_actions (self);
}

EmWindow *
em_window_new (GtkApplication *application)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  return g_object_new (EM_TYPE_WINDOW, "application", application, NULL);
}

EmProject *
em_window_get_project (EmWindow *self)
{
  g_return_val_if_fail (EM_IS_WINDOW (self), NULL);
  return self->project;
}

void
em_window_set_project (EmWindow *self, EmProject *project)
{
  g_return_if_fail (EM_IS_WINDOW (self));
  g_return_if_fail (project == NULL || EM_IS_PROJECT (project));

  if (!g_set_object (&self->project, project))
    return;

  if (project != NULL)
    {
      g_autofree char *subtitle = display_path (em_project_get_path (project));

      adw_window_title_set_title (self->window_title, em_project_get_name (project));
      adw_window_title_set_subtitle (self->window_title, subtitle);
      /* The window list and alt-tab show this one. */
      gtk_window_set_title (GTK_WINDOW (self), em_project_get_name (project));
      gtk_stack_set_visible_child_name (self->stack, "project");
    }
  else
    {
      adw_window_title_set_title (self->window_title, "Ember");
      adw_window_title_set_subtitle (self->window_title, NULL);
      gtk_window_set_title (GTK_WINDOW (self), "Ember");
      gtk_stack_set_visible_child_name (self->stack, "start");
    }
  em_window_pages_set_project (self);
  em_window_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT]);
}

gboolean
em_window_open_file (EmWindow *self, GFile *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (EM_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      /* SQLite needs a real file next to its journal, not a GVfs stream. */
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Only projects stored on this computer can be opened"));
      em_window_show_open_error (self, file, error);
      return FALSE;
    }
  project = em_project_open (path, &error);
  if (project == NULL)
    {
      em_window_show_open_error (self, file, error);
      return FALSE;
    }
  em_window_set_project (self, project);
  return TRUE;
}

void
em_window_show_open_error (EmWindow *self, GFile *file, const GError *error)
{
  g_autofree char *name = NULL;
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  g_return_if_fail (EM_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (error != NULL);

  name = g_file_get_basename (file);
  /* Translators: %s is a file name */
  heading = g_strdup_printf (_("Could Not Open “%s”"), name != NULL ? name : "");
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  gtk_window_present (GTK_WINDOW (dialog));
}

gboolean
em_window_shows_file (EmWindow *self, GFile *file)
{
  g_autoptr(GFile) mine = NULL;

  g_return_val_if_fail (EM_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (self->project == NULL)
    return FALSE;
  mine = g_file_new_for_path (em_project_get_path (self->project));
  return g_file_equal (mine, file);
}

void
em_window_add_toast (EmWindow *self, AdwToast *toast)
{
  g_return_if_fail (EM_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

EmDataPage *
em_window_get_data_page (EmWindow *self)
{
  g_return_val_if_fail (EM_IS_WINDOW (self), NULL);
  return self->data_page;
}

EmImpulsePage *
em_window_get_impulse_page (EmWindow *self)
{
  g_return_val_if_fail (EM_IS_WINDOW (self), NULL);
  return self->impulse_page;
}

void
em_window_add_job (EmWindow *self, EmJob *job)
{
  g_return_if_fail (EM_IS_WINDOW (self));
  g_return_if_fail (EM_IS_JOB (job));
  em_jobs_indicator_add_job (self->jobs_indicator, job);
}

EmJobsIndicator *
em_window_get_jobs_indicator (EmWindow *self)
{
  g_return_val_if_fail (EM_IS_WINDOW (self), NULL);
  return self->jobs_indicator;
}
