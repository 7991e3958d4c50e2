/* SPDX-License-Identifier: Apache-2.0 */
#include <glib/gi18n.h>

#include "em-deploy-page.h"
#include "em-deploy-page-private.h"
#include "em-deploy-gather.h"
#include "em-deploy-page-boards.h"
#include "em-codegen.h"
#include "em-job.h"
#include "em-window.h"

/* Classification windows under this confidence come out "uncertain", as
 * the CLI's default. */

struct _EmDeployPage
{
  GtkWidget        parent_instance;

  EmProject       *project;
  EmBlockRegistry *registry;
  char            *output_dir;
  char            *building_dir;   /* the folder the running build writes */
  char            *built_dir;      /* the folder the last successful build wrote */
  char            *last_error;
  EmJob           *job;
  GtkFileChooserNative *chooser;
  AdwToast        *toast;          /* (weak) the error shown, if still up */

  AdwToastOverlay *toast_overlay;
  AdwComboRow     *target_row;
  GtkSwitch       *int8_switch;
  AdwActionRow    *folder_row;
  GtkButton       *cancel_button;
  GtkProgressBar  *progress_bar;
  GtkLabel        *status_label;
  EmDeployPageBoards *boards;
};

G_DEFINE_FINAL_TYPE (EmDeployPage, em_deploy_page, GTK_TYPE_WIDGET)

static void
update_actions (EmDeployPage *self)
{
  gboolean running = self->job != NULL && em_job_is_running (self->job);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "deploy.build", !running && self->output_dir != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "deploy.cancel", running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "deploy.choose-folder", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "deploy.open-folder", !running && self->built_dir != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), running);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->target_row), !running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->int8_switch), !running);
}

static void
show_error (EmDeployPage *self, const char *message)
{
  /* One line: the toast is no place for a log. */
  g_autofree char *line = g_strndup (message, strcspn (message, "\n"));
  /* AdwToast 1.2 always parses markup. */
  g_autofree char *escaped = g_markup_escape_text (line, -1);
  AdwToast *toast;

  g_free (self->last_error);
  self->last_error = g_strdup (line);
  /* The newest failure replaces the one still shown. Retitling, not
   * dismissing: libadwaita 1.2 crashes when a toast is dismissed while
   * another is added. */
  if (self->toast != NULL)
    {
      adw_toast_set_title (self->toast, escaped);
      return;
    }
  toast = adw_toast_new (escaped);
  adw_toast_set_timeout (toast, 8);
  g_set_weak_pointer (&self->toast, toast);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* ---- targets and options --------------------------------------------------- */

static guint
target_count (void)
{
  guint n = 0;

  for (const EmCodegenTarget *t = em_codegen_targets (); t->id != NULL; t++)
    n++;
  return n;
}

static void
on_target_selected (EmDeployPage *self)
{
  guint i = adw_combo_row_get_selected (self->target_row);

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->target_row),
                               i < target_count () ? em_codegen_targets ()[i].description : "");
}

const char *
em_deploy_page_get_target (EmDeployPage *self)
{
  guint i = adw_combo_row_get_selected (self->target_row);

  g_return_val_if_fail (EM_IS_DEPLOY_PAGE (self), NULL);
  return i < target_count () ? em_codegen_targets ()[i].id : NULL;
}

void
em_deploy_page_set_target (EmDeployPage *self, const char *target)
{
  guint i = 0;

  g_return_if_fail (EM_IS_DEPLOY_PAGE (self));
  for (const EmCodegenTarget *t = em_codegen_targets (); t->id != NULL; t++, i++)
    if (g_strcmp0 (t->id, target) == 0)
      adw_combo_row_set_selected (self->target_row, i);
}

gboolean
em_deploy_page_get_int8 (EmDeployPage *self)
{
  return gtk_switch_get_active (self->int8_switch);
}

void
em_deploy_page_set_int8 (EmDeployPage *self, gboolean int8)
{
  gtk_switch_set_active (self->int8_switch, int8);
}

const char *
em_deploy_page_get_output_dir (EmDeployPage *self)
{
  return self->output_dir;
}

void
em_deploy_page_set_output_dir (EmDeployPage *self, const char *dir)
{
  g_return_if_fail (EM_IS_DEPLOY_PAGE (self));
  if (g_strcmp0 (dir, self->output_dir) == 0)
    return;
  g_free (self->output_dir);
  self->output_dir = g_strdup (dir);
  adw_action_row_set_subtitle (self->folder_row, dir != NULL ? dir : _("None chosen"));
  update_actions (self);
}

static void
on_folder_chosen (GtkNativeDialog *dialog, int response, EmDeployPage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        em_deploy_page_set_output_dir (self, path);
    }
  g_clear_object (&self->chooser);
}

static void
choose_folder_action (GtkWidget *widget, const char *name, GVariant *param)
{
  EmDeployPage *self = EM_DEPLOY_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Output Folder"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Select"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  if (self->output_dir != NULL)
    {
      g_autoptr(GFile) current = g_file_new_for_path (self->output_dir);
      g_autoptr(GFile) parent = g_file_get_parent (current);

      if (parent != NULL)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), parent, NULL);
    }
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_folder_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* ---- building ---------------------------------------------------------------- */

typedef struct {
  EmProject       *project;
  EmBlockRegistry *registry;
  char            *target;
  char            *dir;
  gboolean         int8;
} BuildData;

static void
build_data_free (BuildData *b)
{
  g_clear_object (&b->project);
  g_clear_object (&b->registry);
  g_free (b->target);
  g_free (b->dir);
  g_free (b);
}

/* A folder an earlier build wrote may be written again; any other folder
 * must be empty, so a build never mixes its files into the user's. */
static gboolean
holds_earlier_build (const char *dir)
{
  g_autofree char *meta = g_build_filename (dir, "ember_impulse_meta.h", NULL);

  return g_file_test (meta, G_FILE_TEST_EXISTS);
}

static gpointer
build_thread (EmJob *job, gpointer data, GCancellable *cancellable, GError **error)
{
  BuildData *b = data;
  EmCodegenSummary summary = { 0 };

  em_job_report (job, 0.1, _("Gathering the impulse"));
  if (!em_deploy_build (b->project, b->registry, b->target, b->int8, EM_DEPLOY_THRESHOLD_DEFAULT, b->dir,
                        holds_earlier_build (b->dir), &summary, cancellable, error))
    return NULL;
  em_job_report (job, 1.0, NULL);
  return g_memdup2 (&summary, sizeof summary);
}

static void
on_build_finished (EmDeployPage *self)
{
  const GError *error = em_job_get_error (self->job);
  EmCodegenSummary *s = em_job_get_result (self->job);

  if (em_job_get_state (self->job) == EM_JOB_STATE_CANCELLED)
    gtk_label_set_text (self->status_label, _("Cancelled"));
  else if (error != NULL)
    {
      gtk_label_set_text (self->status_label, "");
      /* codegen's own wording names the CLI's --force. */
      if (g_error_matches (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_EXISTS))
        {
          g_autofree char *text = g_strdup_printf (_("%s is not empty: choose an empty or new folder"),
                                                   self->building_dir);
          show_error (self, text);
        }
      else
        show_error (self, error->message);
    }
  else if (s != NULL)
    {
      g_autofree char *text = NULL;

      /* An earlier failure no longer applies. */
      if (self->toast != NULL)
        adw_toast_dismiss (self->toast);
      g_clear_pointer (&self->last_error, g_free);
      g_free (self->built_dir);
      self->built_dir = g_strdup (self->building_dir);
      text = g_strdup_printf (_("Wrote %u files (%" G_GUINT64_FORMAT " lines) to %s\nArena %u bytes · "
                                "weights %" G_GUINT64_FORMAT " bytes"),
                              s->n_files, s->source_lines, self->built_dir, s->arena_bytes, s->weight_bytes);
      gtk_label_set_text (self->status_label, text);
    }
  update_actions (self);
}

void
em_deploy_page_build (EmDeployPage *self)
{
  BuildData *b;
  GtkRoot *root;

  g_return_if_fail (EM_IS_DEPLOY_PAGE (self));
  if ((self->job != NULL && em_job_is_running (self->job)) || self->output_dir == NULL ||
      em_deploy_page_get_target (self) == NULL)
    return;
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_clear_object (&self->job);
  g_clear_pointer (&self->built_dir, g_free);
  b = g_new0 (BuildData, 1);
  b->project = g_object_ref (self->project);
  b->registry = g_object_ref (self->registry);
  b->target = g_strdup (em_deploy_page_get_target (self));
  b->dir = g_strdup (self->output_dir);
  g_free (self->building_dir);
  self->building_dir = g_strdup (self->output_dir);
  b->int8 = em_deploy_page_get_int8 (self);
  self->job = em_job_new (_("Building the deployment"));
  g_signal_connect_swapped (self->job, "finished", G_CALLBACK (on_build_finished), self);
  g_object_bind_property (self->job, "fraction", self->progress_bar, "fraction", G_BINDING_DEFAULT);
  gtk_label_set_text (self->status_label, _("Building…"));
  root = gtk_widget_get_root (GTK_WIDGET (self));
  em_job_run (self->job, build_thread, b, (GDestroyNotify) build_data_free, g_free);
  if (EM_IS_WINDOW (root))
    em_window_add_job (EM_WINDOW (root), self->job);
  update_actions (self);
}

static void
build_action (GtkWidget *widget, const char *name, GVariant *param)
{
  em_deploy_page_build (EM_DEPLOY_PAGE (widget));
}

static void
cancel_action (GtkWidget *widget, const char *name, GVariant *param)
{
  EmDeployPage *self = EM_DEPLOY_PAGE (widget);

  if (self->job != NULL)
    em_job_cancel (self->job);
}

static void
open_folder_action (GtkWidget *widget, const char *name, GVariant *param)
{
  EmDeployPage *self = EM_DEPLOY_PAGE (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(GAppLaunchContext) context = NULL;

  if (self->built_dir == NULL)
    return;
  file = g_file_new_for_path (self->built_dir);
  uri = g_file_get_uri (file);
  context = G_APP_LAUNCH_CONTEXT (gdk_display_get_app_launch_context (gtk_widget_get_display (widget)));
  if (!g_app_info_launch_default_for_uri (uri, context, &error))
    show_error (self, error->message);
}

GObject *
em_deploy_page_get_job (EmDeployPage *self)
{
  return G_OBJECT (self->job);
}

const char *
em_deploy_page_get_last_error (EmDeployPage *self)
{
  return self->last_error;
}

/* ---- GObject ------------------------------------------------------------------ */

static void
em_deploy_page_dispose (GObject *object)
{
  EmDeployPage *self = EM_DEPLOY_PAGE (object);

  if (self->job != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->job, self);
      g_clear_object (&self->job);
    }
  g_clear_weak_pointer (&self->toast);
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), EM_TYPE_DEPLOY_PAGE);
  g_clear_object (&self->project);
  g_clear_object (&self->registry);
  G_OBJECT_CLASS (em_deploy_page_parent_class)->dispose (object);
}

static void
em_deploy_page_finalize (GObject *object)
{
  EmDeployPage *self = EM_DEPLOY_PAGE (object);

  g_free (self->output_dir);
  g_free (self->built_dir);
  g_free (self->building_dir);
  g_free (self->last_error);
  G_OBJECT_CLASS (em_deploy_page_parent_class)->finalize (object);
}

static void
em_deploy_page_class_init (EmDeployPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = em_deploy_page_dispose;
  object_class->finalize = em_deploy_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/emberstudio/Ember/ui/em-deploy-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EmDeployPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, EmDeployPage, target_row);
  gtk_widget_class_bind_template_child (widget_class, EmDeployPage, int8_switch);
  gtk_widget_class_bind_template_child (widget_class, EmDeployPage, folder_row);
  gtk_widget_class_bind_template_child (widget_class, EmDeployPage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, EmDeployPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, EmDeployPage, status_label);
  g_type_ensure (EM_TYPE_DEPLOY_PAGE_BOARDS);
  gtk_widget_class_bind_template_child (widget_class, EmDeployPage, boards);
  gtk_widget_class_install_action (widget_class, "deploy.build", NULL, build_action);
  gtk_widget_class_install_action (widget_class, "deploy.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "deploy.choose-folder", NULL, choose_folder_action);
  gtk_widget_class_install_action (widget_class, "deploy.open-folder", NULL, open_folder_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
em_deploy_page_init (EmDeployPage *self)
{
  g_autoptr(GtkStringList) targets = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  for (const EmCodegenTarget *t = em_codegen_targets (); t->id != NULL; t++)
    gtk_string_list_append (targets, t->id);
  adw_combo_row_set_model (self->target_row, G_LIST_MODEL (targets));
  g_signal_connect_swapped (self->target_row, "notify::selected", G_CALLBACK (on_target_selected), self);
  on_target_selected (self);
}

GtkWidget *
em_deploy_page_new (EmProject *project, EmBlockRegistry *registry)
{
  EmDeployPage *self;
  g_autofree char *base = NULL;
  g_autofree char *dir = NULL;
  const char *docs = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);

  g_return_val_if_fail (EM_IS_PROJECT (project), NULL);
  g_return_val_if_fail (EM_IS_BLOCK_REGISTRY (registry), NULL);
  self = g_object_new (EM_TYPE_DEPLOY_PAGE, NULL);
  self->project = g_object_ref (project);
  self->registry = g_object_ref (registry);
  /* A folder of its own next to the user's documents, named after the
   * project, so a first Build needs no choosing. */
  base = g_strdup_printf ("%s-deploy", em_project_get_name (project));
  g_strdelimit (base, "/\\", '-');
  dir = g_build_filename (docs != NULL ? docs : g_get_home_dir (), base, NULL);
  em_deploy_page_set_output_dir (self, dir);
  em_deploy_page_boards_set_project (self->boards, project, registry);
  g_object_bind_property (self->int8_switch, "active", self->boards, "int8", G_BINDING_SYNC_CREATE);
  update_actions (self);
  return GTK_WIDGET (self);
}
