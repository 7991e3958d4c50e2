/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <glib/gi18n.h>

#include "em-live-page.h"
#include "em-live-page-private.h"
#include "em-bar-chart.h"
#include "em-error.h"
#include "em-port-row.h"
#include "em-serial.h"
#include "em-window.h"

/* Slow enough to read the bars, quick enough to feel live. */
#define PACE_MS 250

struct _EmLivePage
{
  GtkWidget      parent_instance;

  EmProject     *project;
  GPtrArray     *boards;
  GPtrArray     *ports;          /* (element-type utf8): the port row's entries after "Automatic" */
  char          *firmware;       /* the image for firmware_board, nullable */
  char          *firmware_board;
  EmJob         *job;
  EmLiveMailbox *mailbox;
  EmLiveShot    *shown;          /* the result on screen */
  guint          n_results;
  char          *top;
  char          *last_error;
  gboolean       label_edited;   /* the user typed a label: stop following the top one */
  gboolean       setting_label;

  GtkWidget     *scroller;
  AdwComboRow   *board_row;
  AdwComboRow   *port_row;
  AdwComboRow   *source_row;
  char          *sensor_reason;  /* why the board's sensor cannot be chosen, NULL when it can */
  GtkLabel      *error_label;
  GtkLabel      *status_label;
  GtkLabel      *top_label;
  GtkLabel      *times_label;
  EmBarChart    *bar_chart;
  AdwEntryRow   *label_row;
};

G_DEFINE_FINAL_TYPE (EmLivePage, em_live_page, GTK_TYPE_WIDGET)

static void
update_actions (EmLivePage *self)
{
  gboolean running = em_live_page_get_running (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "live.start",
                                 !running && self->project != NULL && self->boards != NULL &&
                                 adw_combo_row_get_selected (self->board_row) < self->boards->len);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "live.stop", running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "live.record", self->shown != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->board_row), !running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->port_row), !running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->source_row), !running && self->sensor_reason == NULL);
}

static void
show_error (EmLivePage *self, const char *message)
{
  g_free (self->last_error);
  self->last_error = message != NULL ? g_strndup (message, strcspn (message, "\n")) : NULL;
  gtk_label_set_text (self->error_label, self->last_error != NULL ? self->last_error : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->error_label), self->last_error);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), self->last_error != NULL);
}

static const EmBoard *
selected_board (EmLivePage *self)
{
  guint i = adw_combo_row_get_selected (self->board_row);

  return self->boards != NULL && i < self->boards->len ? g_ptr_array_index (self->boards, i) : NULL;
}

/* ---- ports ----------------------------------------------------------------------- */

static void
refresh_ports (EmLivePage *self, const char *choose)
{
  const EmBoard *board = selected_board (self);
  gboolean emulated = board != NULL && board->protocol == EM_BOARD_PROTOCOL_QEMU;

  em_port_row_refresh (self->port_row, self->ports,
                       emulated ? _("None (QEMU runs the board)") : _("Automatic (by the board’s USB id)"),
                       choose);
}

static char *
chosen_port (EmLivePage *self)
{
  return em_port_row_chosen (self->port_row, self->ports);
}

/* The source row follows the board: its sensor, simulated or real, or
 * greyed out with the reason. */
static void
refresh_source (EmLivePage *self)
{
  const EmBoard *board = selected_board (self);
  const EmBoardSensor *sensor = board != NULL ? em_board_get_onboard_sensor (board) : NULL;
  g_autofree char *subtitle = NULL;

  g_clear_pointer (&self->sensor_reason, g_free);
  if (board == NULL)
    self->sensor_reason = g_strdup (_("No board chosen"));
  else if (sensor == NULL)
    self->sensor_reason = g_strdup_printf (_("%s has no sensor of its own in its board file: host-fed only"),
                                           board->name);
  if (self->sensor_reason != NULL)
    {
      adw_combo_row_set_selected (self->source_row, 0);
      subtitle = g_strdup (self->sensor_reason);
    }
  else if (sensor->simulated)
    subtitle = g_strdup (_("Board sensor: simulated, the testing samples played back into its second UART"));
  else
    subtitle = g_strdup_printf (_("Board sensor: %s (%s)"), sensor->name, sensor->source != NULL ? sensor->source : "");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->source_row), subtitle);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->source_row), subtitle);
}

static void
on_board_selected (EmLivePage *self)
{
  refresh_ports (self, NULL);
  refresh_source (self);
  update_actions (self);
}

/* ---- results ------------------------------------------------------------------------ */

static void
set_label_text (EmLivePage *self, const char *text)
{
  self->setting_label = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->label_row), text);
  self->setting_label = FALSE;
}

static void
on_label_changed (EmLivePage *self)
{
  if (!self->setting_label)
    self->label_edited = *gtk_editable_get_text (GTK_EDITABLE (self->label_row)) != '\0';
}

static void
show_shot (EmLiveShot *shot, gpointer data)
{
  EmLivePage *self = data;
  g_autofree double *values = NULL;
  g_autofree char *times = NULL, *status = NULL;
  guint best = 0;

  if (shot->window == NULL)
    {
      /* The board answered: keep the image for the next Start. */
      const EmBoard *board = selected_board (self);

      if (shot->firmware != NULL && board != NULL)
        {
          g_free (self->firmware);
          self->firmware = g_strdup (shot->firmware);
          g_free (self->firmware_board);
          self->firmware_board = g_strdup (board->id);
        }
      gtk_label_set_text (self->status_label, em_live_page_get_use_sensor (self)
                                                ? _("Connected: classifying the board’s sensor…")
                                                : _("Connected: classifying the testing samples…"));
      em_live_shot_free (shot);
      return;
    }
  values = g_new0 (double, MAX (shot->n_scores, 1));
  for (guint i = 0; i < shot->n_scores; i++)
    {
      values[i] = shot->scores[i];
      if (shot->scores[i] > shot->scores[best])
        best = i;
    }
  em_bar_chart_set_data (self->bar_chart, shot->n_scores, (const char * const *) shot->labels, values);
  g_free (self->top);
  self->top = g_strdup (shot->n_scores > 0 && best < g_strv_length (shot->labels) ? shot->labels[best] : NULL);
  if (self->top != NULL)
    {
      g_autofree char *text = g_strdup_printf ("%s %.0f %%", self->top, 100.0 * shot->scores[best]);
      gtk_label_set_text (self->top_label, text);
    }
  if (isnan (shot->anomaly))
    /* TRANSLATORS: times measured on the board */
    times = g_strdup_printf (_("DSP %.2f ms · NN %.2f ms on the device"), shot->dsp_ms, shot->nn_ms);
  else
    times = g_strdup_printf (_("DSP %.2f ms · NN %.2f ms on the device · anomaly %.2f"), shot->dsp_ms, shot->nn_ms,
                             shot->anomaly);
  gtk_label_set_text (self->times_label, times);
  if (shot->n_windows > 0)
    /* TRANSLATORS: "<sample name> · window 2 of 5" */
    status = g_strdup_printf (_("%s · window %u of %u"), shot->sample_name, shot->window_index + 1, shot->n_windows);
  else
    /* TRANSLATORS: "<sensor> · window 12" (an endless stream) */
    status = g_strdup_printf (_("%s · window %u"), shot->sample_name, shot->window_index + 1);
  gtk_label_set_text (self->status_label, status);
  if (!self->label_edited && self->top != NULL)
    set_label_text (self, self->top);
  em_live_shot_free (self->shown);
  self->shown = shot;
  self->n_results++;
  update_actions (self);
}

/* ---- start / stop ------------------------------------------------------------------- */

static void
drop_mailbox (EmLivePage *self)
{
  if (self->mailbox == NULL)
    return;
  em_live_mailbox_detach (self->mailbox);
  g_clear_pointer (&self->mailbox, em_live_mailbox_unref);
}

static void
on_job_finished (EmLivePage *self)
{
  const GError *error = em_job_get_error (self->job);

  if (em_job_get_state (self->job) == EM_JOB_STATE_CANCELLED)
    gtk_label_set_text (self->status_label, _("Stopped"));
  else if (error != NULL)
    {
      gtk_label_set_text (self->status_label, "");
      show_error (self, error->message);
    }
  drop_mailbox (self);
  /* The emulated board's image is rebuilt on the next Start: the model may
   * have been retrained meanwhile, and QEMU would run the old one. */
  if (selected_board (self) != NULL && selected_board (self)->protocol == EM_BOARD_PROTOCOL_QEMU)
    g_clear_pointer (&self->firmware, g_free);
  update_actions (self);
}

static void
on_job_message (EmLivePage *self)
{
  const char *message = em_job_get_message (self->job);

  if (message != NULL && self->shown == NULL)
    gtk_label_set_text (self->status_label, message);
}

static char *
firmware_dir (EmLivePage *self, const EmBoard *board)
{
  g_autofree char *base = g_path_get_basename (em_project_get_path (self->project));

  /* The Deployment page builds into the same folder. */
  return g_build_filename (g_get_user_cache_dir (), "ember", "firmware", base, board->id, NULL);
}

void
em_live_page_start (EmLivePage *self)
{
  const EmBoard *board;
  EmLiveSession *s;
  GtkRoot *root;
  g_autofree char *title = NULL;

  g_return_if_fail (EM_IS_LIVE_PAGE (self));
  board = selected_board (self);
  if (em_live_page_get_running (self) || self->project == NULL || board == NULL)
    return;
  show_error (self, NULL);
  s = g_new0 (EmLiveSession, 1);
  s->project = g_object_ref (self->project);
  s->boards = g_ptr_array_ref (self->boards);
  s->board = board;
  s->port = chosen_port (self);
  if (g_strcmp0 (self->firmware_board, board->id) == 0)
    s->firmware = g_strdup (self->firmware);
  s->firmware_dir = firmware_dir (self, board);
  s->pace_ms = PACE_MS;
  s->use_sensor = em_live_page_get_use_sensor (self);
  self->mailbox = em_live_mailbox_new (show_shot, self);
  s->mailbox = em_live_mailbox_ref (self->mailbox);
  self->n_results = 0;
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_clear_object (&self->job);
  title = g_strdup_printf (_("Live classification on %s"), board->name);
  self->job = em_job_new (title);
  g_signal_connect_swapped (self->job, "finished", G_CALLBACK (on_job_finished), self);
  g_signal_connect_swapped (self->job, "notify::message", G_CALLBACK (on_job_message), self);
  g_clear_pointer (&self->shown, em_live_shot_free);
  gtk_label_set_text (self->status_label, _("Starting…"));
  em_job_run (self->job, em_live_session_thread, s, (GDestroyNotify) em_live_session_free, NULL);
  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (EM_IS_WINDOW (root))
    em_window_add_job (EM_WINDOW (root), self->job);
  update_actions (self);
}

void
em_live_page_stop (EmLivePage *self)
{
  g_return_if_fail (EM_IS_LIVE_PAGE (self));
  if (self->job != NULL)
    em_job_cancel (self->job);
}

gboolean
em_live_page_get_running (EmLivePage *self)
{
  g_return_val_if_fail (EM_IS_LIVE_PAGE (self), FALSE);
  return self->job != NULL && em_job_is_running (self->job);
}

/* ---- recording ------------------------------------------------------------------------ */

gint64
em_live_page_record (EmLivePage *self, const char *label, GError **error)
{
  EmLiveShot *shot;
  g_autoptr(EmSample) sample = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *chosen = NULL, *name = NULL;
  g_autofree float *values = NULL;
  const EmBoard *board = selected_board (self);
  gint64 id;

  g_return_val_if_fail (EM_IS_LIVE_PAGE (self), 0);
  shot = self->shown;
  if (shot == NULL || self->project == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, _("No result to record yet: start first"));
      return 0;
    }
  if (shot->kind == EM_SENSOR_IMAGE)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED, _("Recording image windows is not supported yet"));
      return 0;
    }
  if (shot->axes == NULL || (gsize) g_strv_length (shot->axes) * shot->n_frames != shot->n_values)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                   _("The window has %u values, not one for each of its axes and frames"), shot->n_values);
      return 0;
    }
  chosen = g_strstrip (g_strdup (label != NULL ? label : gtk_editable_get_text (GTK_EDITABLE (self->label_row))));
  if (*chosen == '\0')
    {
      g_free (chosen);
      chosen = g_strdup (self->top != NULL ? self->top : "unlabeled");
    }
  values = g_memdup2 (shot->window, (gsize) shot->n_values * sizeof (float));
  /* The windower scales audio up to the 16-bit range; samples keep [-1, 1). */
  if (shot->kind == EM_SENSOR_AUDIO)
    for (guint i = 0; i < shot->n_values; i++)
      values[i] /= 32768.0f;
  sample = em_sample_new ();
  name = g_strdup_printf ("%s.live.%s", chosen, stamp);
  em_sample_set_name (sample, name);
  em_sample_set_label (sample, chosen);
  em_sample_set_category (sample, EM_CATEGORY_TRAINING);
  em_sample_set_kind (sample, shot->kind);
  em_sample_set_interval_ms (sample, shot->interval_ms);
  for (guint a = 0; shot->axes != NULL && shot->axes[a] != NULL; a++)
    em_sample_add_axis (sample, shot->axes[a], NULL);
  em_sample_set_values (sample, values, shot->n_frames);
  em_sample_set_source_format (sample, "live");
  if (board != NULL)
    em_sample_set_metadata (sample, "board", board->name);
  em_sample_set_metadata (sample, "window-of", shot->sample_name);
  /* The same window twice was meant twice. */
  id = em_project_add_sample (self->project, sample, EM_ADD_FLAGS_ALLOW_DUPLICATE, error);
  return id;
}

static void
record_action (GtkWidget *widget, const char *name, GVariant *param)
{
  EmLivePage *self = EM_LIVE_PAGE (widget);
  g_autoptr(GError) error = NULL;
  gint64 id = em_live_page_record (self, NULL, &error);

  if (id == 0)
    show_error (self, error->message);
  else
    {
      g_autoptr(EmSample) sample = em_project_get_sample (self->project, id, FALSE, NULL);
      g_autofree char *text = g_strdup_printf (_("Stored %s"), sample != NULL ? em_sample_get_name (sample) : "");

      show_error (self, NULL);
      gtk_label_set_text (self->status_label, text);
    }
}

static void
start_action (GtkWidget *widget, const char *name, GVariant *param)
{
  em_live_page_start (EM_LIVE_PAGE (widget));
}

static void
stop_action (GtkWidget *widget, const char *name, GVariant *param)
{
  em_live_page_stop (EM_LIVE_PAGE (widget));
}

/* ---- public ------------------------------------------------------------------------- */

void
em_live_page_set_board (EmLivePage *self, const char *board_id, const char *port, const char *firmware)
{
  g_return_if_fail (EM_IS_LIVE_PAGE (self));
  if (em_live_page_get_running (self))
    return;
  for (guint i = 0; self->boards != NULL && i < self->boards->len; i++)
    {
      EmBoard *board = g_ptr_array_index (self->boards, i);

      if (g_strcmp0 (board->id, board_id) != 0)
        continue;
      adw_combo_row_set_selected (self->board_row, i);
      g_free (self->firmware);
      self->firmware = g_strdup (firmware);
      g_free (self->firmware_board);
      self->firmware_board = g_strdup (board_id);
      refresh_ports (self, port);
      refresh_source (self);
      update_actions (self);
      return;
    }
}

const char *
em_live_page_get_board_id (EmLivePage *self)
{
  const EmBoard *board = selected_board (self);

  return board != NULL ? board->id : NULL;
}

guint
em_live_page_get_n_results (EmLivePage *self)
{
  return self->n_results;
}

const char *
em_live_page_get_top_label (EmLivePage *self)
{
  return self->top;
}

const char *
em_live_page_get_last_error (EmLivePage *self)
{
  return self->last_error;
}

gboolean
em_live_page_get_sensor_available (EmLivePage *self, const char **reason)
{
  g_return_val_if_fail (EM_IS_LIVE_PAGE (self), FALSE);
  if (reason != NULL)
    *reason = self->sensor_reason;
  return self->sensor_reason == NULL;
}

gboolean
em_live_page_set_use_sensor (EmLivePage *self, gboolean use_sensor)
{
  g_return_val_if_fail (EM_IS_LIVE_PAGE (self), FALSE);
  if (em_live_page_get_running (self) || (use_sensor && self->sensor_reason != NULL))
    return FALSE;
  adw_combo_row_set_selected (self->source_row, use_sensor ? 1 : 0);
  return TRUE;
}

gboolean
em_live_page_get_use_sensor (EmLivePage *self)
{
  g_return_val_if_fail (EM_IS_LIVE_PAGE (self), FALSE);
  return self->sensor_reason == NULL && adw_combo_row_get_selected (self->source_row) == 1;
}

const char *
em_live_page_get_status (EmLivePage *self)
{
  g_return_val_if_fail (EM_IS_LIVE_PAGE (self), NULL);
  return gtk_label_get_text (self->status_label);
}

/* ---- GObject -------------------------------------------------------------------------- */

static void
em_live_page_dispose (GObject *object)
{
  EmLivePage *self = EM_LIVE_PAGE (object);

  /* The worker may outlive the page: it finds the mailbox detached. */
  drop_mailbox (self);
  if (self->job != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->job, self);
      em_job_cancel (self->job);
      g_clear_object (&self->job);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), EM_TYPE_LIVE_PAGE);
  g_clear_object (&self->project);
  g_clear_pointer (&self->boards, g_ptr_array_unref);
  G_OBJECT_CLASS (em_live_page_parent_class)->dispose (object);
}

static void
em_live_page_finalize (GObject *object)
{
  EmLivePage *self = EM_LIVE_PAGE (object);

  g_ptr_array_unref (self->ports);
  em_live_shot_free (self->shown);
  g_free (self->firmware);
  g_free (self->firmware_board);
  g_free (self->top);
  g_free (self->last_error);
  g_free (self->sensor_reason);
  G_OBJECT_CLASS (em_live_page_parent_class)->finalize (object);
}

static void
em_live_page_class_init (EmLivePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = em_live_page_dispose;
  object_class->finalize = em_live_page_finalize;

  g_type_ensure (EM_TYPE_BAR_CHART);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/emberstudio/Ember/ui/em-live-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EmLivePage, scroller);
  gtk_widget_class_bind_template_child (widget_class, EmLivePage, board_row);
  gtk_widget_class_bind_template_child (widget_class, EmLivePage, port_row);
  gtk_widget_class_bind_template_child (widget_class, EmLivePage, source_row);
  gtk_widget_class_bind_template_child (widget_class, EmLivePage, error_label);
  gtk_widget_class_bind_template_child (widget_class, EmLivePage, status_label);
  gtk_widget_class_bind_template_child (widget_class, EmLivePage, top_label);
  gtk_widget_class_bind_template_child (widget_class, EmLivePage, times_label);
  gtk_widget_class_bind_template_child (widget_class, EmLivePage, bar_chart);
  gtk_widget_class_bind_template_child (widget_class, EmLivePage, label_row);
  gtk_widget_class_install_action (widget_class, "live.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "live.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "live.record", NULL, record_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
em_live_page_init (EmLivePage *self)
{
  self->ports = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  em_bar_chart_set_value_label (self->bar_chart, _("Score"));
  g_signal_connect_swapped (self->label_row, "changed", G_CALLBACK (on_label_changed), self);
  {
    const char *sources[] = { _("Host-fed: the testing samples"), _("Board sensor"), NULL };
    g_autoptr(GtkStringList) list = gtk_string_list_new (sources);
    adw_combo_row_set_model (self->source_row, G_LIST_MODEL (list));
  }
}

GtkWidget *
em_live_page_new (EmProject *project)
{
  EmLivePage *self;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (EM_IS_PROJECT (project), NULL);
  self = g_object_new (EM_TYPE_LIVE_PAGE, NULL);
  self->project = g_object_ref (project);
  self->boards = em_board_list (NULL, &error);
  if (self->boards == NULL)
    show_error (self, error->message);
  for (guint i = 0; self->boards != NULL && i < self->boards->len; i++)
    gtk_string_list_append (names, ((EmBoard *) g_ptr_array_index (self->boards, i))->name);
  adw_combo_row_set_model (self->board_row, G_LIST_MODEL (names));
  /* The emulated board works everywhere: the natural first choice. */
  for (guint i = 0; self->boards != NULL && i < self->boards->len; i++)
    if (((EmBoard *) g_ptr_array_index (self->boards, i))->protocol == EM_BOARD_PROTOCOL_QEMU)
      {
        adw_combo_row_set_selected (self->board_row, i);
        break;
      }
  g_signal_connect_swapped (self->board_row, "notify::selected", G_CALLBACK (on_board_selected), self);
  refresh_ports (self, NULL);
  refresh_source (self);
  update_actions (self);
  return GTK_WIDGET (self);
}
