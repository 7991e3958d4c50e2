/* SPDX-License-Identifier: Apache-2.0 */
/* EmDataPage: bulk edits on the selection with undo, and import by drop. */
#include <glib/gi18n.h>

#include "em-data-page-private.h"
#include "em-error.h"
#include "em-import.h"
#include "em-project-undo.h"

typedef enum {
  UNDO_RELABEL,
  UNDO_MOVE,
  UNDO_DELETE,
} UndoKind;

struct _EmDataUndo
{
  UndoKind   kind;
  /* The samples as they were before the edit: without data for relabel
   * and move (label and category are all undo needs), with data, metadata
   * and boxes for delete. */
  GPtrArray *before;
  AdwToast  *toast;   /* weak: the overlay owns it */
};

static void
undo_free (EmDataUndo *undo)
{
  if (undo->toast != NULL)
    g_object_remove_weak_pointer (G_OBJECT (undo->toast), (gpointer *) &undo->toast);
  g_ptr_array_unref (undo->before);
  g_free (undo);
}

void
em_data_page_clear_undo (EmDataPage *self)
{
  g_clear_pointer (&self->undo, undo_free);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "data.undo", FALSE);
}

void
em_data_page_update_actions (EmDataPage *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean any = FALSE;

  if (self->selection != NULL)
    {
      g_autoptr(GtkBitset) set = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
      any = !gtk_bitset_is_empty (set);
    }
  gtk_widget_action_set_enabled (widget, "data.move-to-training", any);
  gtk_widget_action_set_enabled (widget, "data.move-to-testing", any);
  gtk_widget_action_set_enabled (widget, "data.delete", any);
  gtk_widget_set_sensitive (GTK_WIDGET (self->relabel_button), any);
  gtk_widget_action_set_enabled (widget, "data.undo", self->undo != NULL);
}

void
em_data_page_toast (EmDataPage *self, const char *title)
{
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
toast_dismissed_cb (AdwToast *toast, EmDataPage *self)
{
  /* The undo window closed: for a delete this is where the copies held in
   * memory go and the delete becomes final. */
  if (self->undo != NULL && self->undo->toast == toast)
    {
      em_data_page_clear_undo (self);
      em_data_page_update_actions (self);
    }
}

static void
offer_undo (EmDataPage *self, UndoKind kind, GPtrArray *before, const char *title)
{
  EmDataUndo *undo = g_new0 (EmDataUndo, 1);
  AdwToast *toast = adw_toast_new (title);

  /* Only the latest edit can be undone; an older toast's copies go now. */
  em_data_page_clear_undo (self);
  undo->kind = kind;
  undo->before = g_ptr_array_ref (before);
  undo->toast = toast;
  g_object_add_weak_pointer (G_OBJECT (toast), (gpointer *) &undo->toast);
  self->undo = undo;

  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "data.undo");
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_set_timeout (toast, 10);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (toast_dismissed_cb), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
  em_data_page_update_actions (self);
}

/* The ids of the selected rows, ascending. */
static GArray *
selected_ids (EmDataPage *self)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GtkBitset) set = NULL;
  GtkBitsetIter iter;
  guint position;

  if (self->selection == NULL)
    return ids;
  set = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  for (gboolean ok = gtk_bitset_iter_init_first (&iter, set, &position); ok;
       ok = gtk_bitset_iter_next (&iter, &position))
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

      if (EM_IS_SAMPLE (item))
        {
          gint64 id = em_sample_get_id (EM_SAMPLE (item));
          g_array_append_val (ids, id);
        }
    }
  return ids;
}

static gboolean
fail (EmDataPage *self, const char *what, const GError *error)
{
  g_autofree char *title = g_strdup_printf ("%s: %s", what, error->message);

  em_data_page_toast (self, title);
  return FALSE;
}

/* Reads the selection's samples as they are now; NULL (with a toast) when
 * nothing is selected or the project cannot be read. */
static GPtrArray *
selected_before (EmDataPage *self, gboolean with_data, const char *what)
{
  g_autoptr(GArray) ids = selected_ids (self);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GError) error = NULL;

  if (ids->len == 0)
    {
      em_data_page_toast (self, _("Select samples first"));
      return NULL;
    }
  if (!with_data)
    before = em_project_get_samples (self->project, (gint64 *) ids->data, ids->len, &error);
  else
    {
      before = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; i < ids->len && error == NULL; i++)
        {
          EmSample *s = em_project_get_sample (self->project, g_array_index (ids, gint64, i), TRUE,
                                               &error);
          if (s != NULL)
            g_ptr_array_add (before, s);
        }
    }
  if (error != NULL)
    {
      fail (self, what, error);
      return NULL;
    }
  return g_steal_pointer (&before);
}

static GArray *
ids_of (GPtrArray *samples)
{
  GArray *ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), samples->len);

  for (guint i = 0; i < samples->len; i++)
    {
      gint64 id = em_sample_get_id (g_ptr_array_index (samples, i));
      g_array_append_val (ids, id);
    }
  return ids;
}

/* A reload after an edit drops the selection. When the edit left the
 * list's membership alone (same row count: relabel and move only ever take
 * rows out of a filtered list), the rows sit where they were, in id order,
 * so the same positions are the same samples: select them again so the
 * next bulk action applies to them too. */
static void
reselect (EmDataPage *self, GtkBitset *before, guint n_rows_before)
{
  g_autoptr(GtkBitset) mask = NULL;

  if (self->selection == NULL || em_data_page_get_n_rows (self) != n_rows_before)
    return;
  mask = gtk_bitset_new_range (0, n_rows_before);
  gtk_selection_model_set_selection (GTK_SELECTION_MODEL (self->selection), before, mask);
}

static GtkBitset *
current_selection (EmDataPage *self)
{
  g_autoptr(GtkBitset) live = NULL;

  if (self->selection == NULL)
    return gtk_bitset_new_empty ();
  /* GtkMultiSelection hands out its own set, which the reload empties: copy. */
  live = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  return gtk_bitset_copy (live);
}

gboolean
em_data_page_relabel_selected (EmDataPage *self, const char *label)
{
  g_autoptr(GtkBitset) selected = current_selection (self);
  guint n_rows = em_data_page_get_n_rows (self);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;

  g_return_val_if_fail (EM_IS_DATA_PAGE (self), FALSE);
  g_return_val_if_fail (label != NULL, FALSE);

  before = selected_before (self, FALSE, _("Cannot relabel"));
  if (before == NULL)
    return FALSE;
  ids = ids_of (before);
  if (!em_project_relabel (self->project, (gint64 *) ids->data, ids->len, label, &error))
    return fail (self, _("Cannot relabel"), error);
  reselect (self, selected, n_rows);
  title = g_strdup_printf (ngettext ("%u sample relabelled “%s”", "%u samples relabelled “%s”",
                                     ids->len), ids->len, label);
  offer_undo (self, UNDO_RELABEL, before, title);
  return TRUE;
}

gboolean
em_data_page_move_selected (EmDataPage *self, EmCategory category)
{
  g_autoptr(GtkBitset) selected = current_selection (self);
  guint n_rows = em_data_page_get_n_rows (self);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;

  g_return_val_if_fail (EM_IS_DATA_PAGE (self), FALSE);

  before = selected_before (self, FALSE, _("Cannot move"));
  if (before == NULL)
    return FALSE;
  ids = ids_of (before);
  if (!em_project_set_category (self->project, (gint64 *) ids->data, ids->len, category, &error))
    return fail (self, _("Cannot move"), error);
  reselect (self, selected, n_rows);
  if (category == EM_CATEGORY_TESTING)
    title = g_strdup_printf (ngettext ("%u sample moved to testing", "%u samples moved to testing",
                                       ids->len), ids->len);
  else
    title = g_strdup_printf (ngettext ("%u sample moved to training",
                                       "%u samples moved to training", ids->len), ids->len);
  offer_undo (self, UNDO_MOVE, before, title);
  return TRUE;
}

static gboolean
delete_now (EmDataPage *self, gboolean keep_for_undo)
{
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;

  /* Read in full before deleting: the copies are what Undo restores. */
  before = selected_before (self, keep_for_undo, _("Cannot delete"));
  if (before == NULL)
    return FALSE;
  ids = ids_of (before);
  /* Nothing shows a sample that is about to go. */
  em_sample_viewer_set_sample_id (self->viewer, 0);
  if (!em_project_delete_samples (self->project, (gint64 *) ids->data, ids->len, &error))
    return fail (self, _("Cannot delete"), error);
  title = g_strdup_printf (ngettext ("%u sample deleted", "%u samples deleted", ids->len), ids->len);
  if (keep_for_undo)
    offer_undo (self, UNDO_DELETE, before, title);
  else
    em_data_page_toast (self, title);
  return TRUE;
}

static void
confirm_delete_cb (AdwMessageDialog *dialog, const char *response, EmDataPage *self)
{
  if (g_strcmp0 (response, "delete") == 0)
    delete_now (self, FALSE);
}

gboolean
em_data_page_delete_selected (EmDataPage *self)
{
  g_autoptr(GtkBitset) set = NULL;
  guint64 n;

  g_return_val_if_fail (EM_IS_DATA_PAGE (self), FALSE);

  if (self->selection == NULL)
    return FALSE;
  set = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  n = gtk_bitset_get_size (set);
  if (n > EM_DATA_PAGE_UNDO_LIMIT)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      g_autofree char *body = NULL;
      GtkWidget *dialog;

      /* Holding this many samples' data for an undo could take gigabytes;
       * ask up front instead and say plainly that it is final. */
      body = g_strdup_printf (_("%" G_GUINT64_FORMAT " samples and their data will be removed from "
                                "the project. This cannot be undone."), n);
      dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                       _("Delete Samples?"), body);
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                        "delete", _("_Delete"), NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                                  ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_delete_cb), self, 0);
      gtk_window_present (GTK_WINDOW (dialog));
      return FALSE;
    }
  return delete_now (self, TRUE);
}

/* Applies @set(ids, value) once per distinct old value, all in one
 * transaction, so undo is as atomic as the edit was. */
static gboolean
restore_grouped (EmDataPage *self, GPtrArray *before, gboolean by_label, GError **error)
{
  g_autoptr(GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                        (GDestroyNotify) g_array_unref);
  GHashTableIter iter;
  gpointer key, value;
  gboolean ok = TRUE;

  for (guint i = 0; i < before->len; i++)
    {
      EmSample *s = g_ptr_array_index (before, i);
      g_autofree char *k = by_label ? g_strdup (em_sample_get_label (s))
                                    : g_strdup_printf ("%d", em_sample_get_category (s));
      GArray *ids = g_hash_table_lookup (groups, k);
      gint64 id = em_sample_get_id (s);

      if (ids == NULL)
        {
          ids = g_array_new (FALSE, FALSE, sizeof (gint64));
          g_hash_table_insert (groups, g_steal_pointer (&k), ids);
        }
      g_array_append_val (ids, id);
    }
  if (!em_project_begin (self->project, error))
    return FALSE;
  g_hash_table_iter_init (&iter, groups);
  while (ok && g_hash_table_iter_next (&iter, &key, &value))
    {
      GArray *ids = value;

      if (by_label)
        ok = em_project_relabel (self->project, (gint64 *) ids->data, ids->len, key, error);
      else
        ok = em_project_set_category (self->project, (gint64 *) ids->data, ids->len,
                                      g_str_equal (key, "1") ? EM_CATEGORY_TESTING
                                                             : EM_CATEGORY_TRAINING, error);
    }
  if (!ok)
    {
      em_project_rollback (self->project);
      return FALSE;
    }
  return em_project_commit (self->project, error);
}

gboolean
em_data_page_undo (EmDataPage *self)
{
  g_autoptr(GError) error = NULL;
  EmDataUndo *undo;
  gboolean ok;

  g_return_val_if_fail (EM_IS_DATA_PAGE (self), FALSE);

  undo = self->undo;
  if (undo == NULL)
    return FALSE;
  switch (undo->kind)
    {
    case UNDO_RELABEL:
      ok = restore_grouped (self, undo->before, TRUE, &error);
      break;
    case UNDO_MOVE:
      ok = restore_grouped (self, undo->before, FALSE, &error);
      break;
    case UNDO_DELETE:
    default:
      ok = em_project_restore_samples (self->project, undo->before, &error);
      break;
    }
  if (!ok)
    /* The copies stay while the toast is up, so Undo can be tried again. */
    return fail (self, _("Cannot undo"), error);
  /* The toast is left to go by itself: when Undo came from its button,
   * libadwaita dismisses it right after this returns, and dismissing it
   * here as well frees it twice (libadwaita 1.2). With the action now
   * disabled its button is insensitive, so it cannot undo twice. */
  self->undo = NULL;
  undo_free (undo);
  em_data_page_update_actions (self);
  return TRUE;
}

gboolean
em_data_page_can_undo (EmDataPage *self)
{
  g_return_val_if_fail (EM_IS_DATA_PAGE (self), FALSE);
  return self->undo != NULL;
}

void
em_data_page_relabel_apply_cb (EmDataPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->relabel_entry));
  g_autofree char *label = g_strstrip (g_strdup (text));

  gtk_popover_popdown (self->relabel_popover);
  if (em_data_page_relabel_selected (self, label))
    gtk_editable_set_text (GTK_EDITABLE (self->relabel_entry), "");
}

static void
move_action (GtkWidget *widget, const char *name, GVariant *param)
{
  em_data_page_move_selected (EM_DATA_PAGE (widget), g_str_equal (name, "data.move-to-testing")
                                                     ? EM_CATEGORY_TESTING : EM_CATEGORY_TRAINING);
}

static void
delete_action (GtkWidget *widget, const char *name, GVariant *param)
{
  em_data_page_delete_selected (EM_DATA_PAGE (widget));
}

static void
undo_action (GtkWidget *widget, const char *name, GVariant *param)
{
  em_data_page_undo (EM_DATA_PAGE (widget));
}

/* ---- import --------------------------------------------------------------- */

typedef struct {
  EmProject *project;
  GPtrArray *paths;
} ImportData;

static void
import_data_free (ImportData *data)
{
  g_object_unref (data->project);
  g_ptr_array_unref (data->paths);
  g_free (data);
}

static void
import_progress (guint done, guint total, gpointer user_data)
{
  g_autofree char *what = g_strdup_printf (_("%u of %u files"), done, total);

  em_job_report (user_data, total > 0 ? (double) done / total : -1, what);
}

static void
import_refused (const char *path, const GError *error, gpointer user_data)
{
  em_job_log (user_data, error->message);
}

static gpointer
import_thread (EmJob *job, gpointer user_data, GCancellable *cancellable, GError **error)
{
  ImportData *data = user_data;
  g_autoptr(GPtrArray) files = NULL;
  EmImportCallbacks callbacks = { 0 };
  EmImportOptions options;
  EmImportStats stats = { 0 };

  g_ptr_array_add (data->paths, NULL);
  files = em_import_collect ((const char * const *) data->paths->pdata, error);
  g_ptr_array_remove_index (data->paths, data->paths->len - 1);
  if (files == NULL)
    return NULL;
  if (files->len == 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                   _("No importable files (WAV, CSV, JSON, CBOR, PNG, JPEG) among those dropped"));
      return NULL;
    }
  em_import_options_init (&options);
  callbacks.progress = import_progress;
  callbacks.refused = import_refused;
  callbacks.user_data = job;
  if (!em_import_files (data->project, files, &options, 64, &callbacks, cancellable, &stats, error))
    return NULL;
  return g_memdup2 (&stats, sizeof stats);
}

static void
import_fraction_cb (EmJob *job, GParamSpec *pspec, EmDataPage *self)
{
  double fraction = em_job_get_fraction (job);

  if (fraction < 0)
    gtk_progress_bar_pulse (self->import_progress);
  else
    gtk_progress_bar_set_fraction (self->import_progress, fraction);
}

static void
import_finished_cb (EmJob *job, EmDataPage *self)
{
  const EmImportStats *stats = em_job_get_result (job);
  g_autofree char *title = NULL;

  switch (em_job_get_state (job))
    {
    case EM_JOB_STATE_SUCCEEDED:
      if (stats->n_refused > 0)
        title = g_strdup_printf (ngettext ("Imported %u sample; %u file refused (see the job log)",
                                           "Imported %u samples; %u files refused (see the job log)",
                                           stats->n_refused),
                                 stats->n_samples, stats->n_refused);
      else
        title = g_strdup_printf (ngettext ("Imported %u sample", "Imported %u samples",
                                           stats->n_samples), stats->n_samples);
      break;
    case EM_JOB_STATE_CANCELLED:
      title = g_strdup (_("Import cancelled; files already committed stay"));
      break;
    default:
      title = g_strdup_printf (_("Import failed: %s"),
                               em_job_get_error (job) != NULL ? em_job_get_error (job)->message : "?");
      break;
    }
  em_data_page_toast (self, title);
  gtk_revealer_set_reveal_child (self->import_revealer, FALSE);
  if (self->import_job == job)
    {
      g_signal_handlers_disconnect_by_data (job, self);
      g_clear_object (&self->import_job);
    }
}

void
em_data_page_import_cancel_cb (EmDataPage *self)
{
  if (self->import_job != NULL)
    em_job_cancel (self->import_job);
}

EmJob *
em_data_page_import_drop (EmDataPage *self, const GValue *value)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  ImportData *data;
  GSList *files = NULL;
  EmJob *job;

  g_return_val_if_fail (EM_IS_DATA_PAGE (self), NULL);

  if (self->project == NULL)
    return NULL;
  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    files = gdk_file_list_get_files (g_value_get_boxed (value));
  else if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    files = g_slist_prepend (NULL, g_value_get_object (value));
  for (GSList *l = files; l != NULL; l = l->next)
    {
      char *path = g_file_get_path (l->data);

      /* Only local files: a remote URI would need a download first. */
      if (path != NULL)
        g_ptr_array_add (paths, path);
    }
  g_slist_free (files);
  if (paths->len == 0)
    {
      em_data_page_toast (self, _("Only local files can be imported"));
      return NULL;
    }
  if (self->import_job != NULL)
    {
      em_data_page_toast (self, _("An import is already running"));
      return NULL;
    }

  data = g_new0 (ImportData, 1);
  data->project = g_object_ref (self->project);
  data->paths = g_steal_pointer (&paths);
  job = em_job_new (_("Importing samples"));
  self->import_job = job;
  g_signal_connect (job, "notify::fraction", G_CALLBACK (import_fraction_cb), self);
  g_signal_connect (job, "finished", G_CALLBACK (import_finished_cb), self);
  gtk_progress_bar_set_fraction (self->import_progress, 0);
  gtk_revealer_set_reveal_child (self->import_revealer, TRUE);
  em_job_run (job, import_thread, data, (GDestroyNotify) import_data_free, g_free);
  em_data_page_emit_job_started (self, job);
  return job;
}

gboolean
em_data_page_drop_cb (GtkDropTarget *target, const GValue *value, double x, double y,
                      EmDataPage *self)
{
  return em_data_page_import_drop (self, value) != NULL;
}

void
em_data_page_actions_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "data.move-to-training", NULL, move_action);
  gtk_widget_class_install_action (widget_class, "data.move-to-testing", NULL, move_action);
  gtk_widget_class_install_action (widget_class, "data.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "data.undo", NULL, undo_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "data.delete", NULL);
}
