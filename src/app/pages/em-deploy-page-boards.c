/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <glib/gi18n.h>

#include "em-deploy-page-boards.h"
#include "em-deploy-gather.h"
#include "em-deploy-measure.h"
#include "em-live-page.h"
#include "em-codegen-build.h"
#include "em-error.h"
#include "em-firmware.h"
#include "em-flash.h"
#include "em-job.h"
#include "em-port-row.h"
#include "em-serial.h"
#include "em-window.h"

/* As the page's Build and the CLI. */

typedef enum {
  JOB_NONE,
  JOB_CHECK_FIT,
  JOB_MEASURE,     /* after the fit: instructions for the rows' latency */
  JOB_DEPLOY,
} JobKind;

struct _EmDeployPageBoards
{
  GtkWidget        parent_instance;

  EmProject       *project;
  EmBlockRegistry *registry;
  GPtrArray       *boards;
  GPtrArray       *ports;        /* (element-type utf8): the port row's entries after "Automatic" */
  gboolean         int8;
  EmJob           *job;
  JobKind          job_kind;
  char            *last_error;
  char            *firmware;

  GtkWidget       *box;
  EmBoardList     *board_list;
  AdwComboRow     *port_row;
  GtkButton       *cancel_button;
  GtkProgressBar  *progress_bar;
  GtkLabel        *status_label;
  GtkLabel        *error_label;
};

G_DEFINE_FINAL_TYPE (EmDeployPageBoards, em_deploy_page_boards, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_INT8,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static void
update_actions (EmDeployPageBoards *self)
{
  gboolean running = self->job != NULL && em_job_is_running (self->job);
  gboolean ready = self->project != NULL && !running;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "boards.check-fit", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "boards.deploy",
                                 ready && em_board_list_get_selected (self->board_list) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "boards.cancel", running);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), running);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->port_row), !running);
}

static void
show_error (EmDeployPageBoards *self, const char *message)
{
  g_free (self->last_error);
  self->last_error = message != NULL ? g_strndup (message, strcspn (message, "\n")) : NULL;
  gtk_label_set_text (self->error_label, self->last_error != NULL ? self->last_error : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->error_label), self->last_error);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), self->last_error != NULL);
}

/* ---- ports ----------------------------------------------------------------------- */

/* @choose: (nullable) the port to select; NULL keeps the current choice. */
static void
refresh_ports (EmDeployPageBoards *self, const char *choose)
{
  em_port_row_refresh (self->port_row, self->ports, _("Automatic (by the board’s USB id)"), choose);
}

static char *
chosen_port (EmDeployPageBoards *self)
{
  return em_port_row_chosen (self->port_row, self->ports);
}

/* ---- jobs ------------------------------------------------------------------------- */

typedef struct {
  EmProject       *project;
  EmBlockRegistry *registry;
  GPtrArray       *boards;   /* keeps @board alive */
  const EmBoard   *board;
  char            *port;
  char            *out_dir;
  gboolean         int8;
  const char      *stage;    /* flashing: the stage last logged */
  EmJob           *job;
} JobData;

static void
job_data_free (JobData *d)
{
  g_clear_object (&d->project);
  g_clear_object (&d->registry);
  g_clear_pointer (&d->boards, g_ptr_array_unref);
  g_free (d->port);
  g_free (d->out_dir);
  g_free (d);
}

typedef struct {
  char *firmware;
  char *port;
} DeployResult;

static void
deploy_result_free (DeployResult *r)
{
  g_free (r->firmware);
  g_free (r->port);
  g_free (r);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeployResult, deploy_result_free)

static gpointer
check_fit_thread (EmJob *job, gpointer data, GCancellable *cancellable, GError **error)
{
  JobData *d = data;
  g_autoptr(EmImpulse) impulse = NULL;
  g_autoptr(EmDeployGather) gather = NULL;
  EmCodegenSummary summary = { 0 };
  EmCodegenReport *report;

  em_job_report (job, 0.1, _("Gathering the impulse"));
  if ((impulse = em_impulse_load (d->project, error)) == NULL ||
      (gather = em_deploy_gather (d->project, impulse, d->registry, NULL, d->int8, EM_DEPLOY_THRESHOLD_DEFAULT, error)) == NULL)
    return NULL;
  em_job_report (job, 0.3, _("Building the library for a Cortex-M4F"));
  /* The compile is not interruptible; a cancel drops its result. */
  report = em_codegen_build_report (gather->cg, &summary, error);
  if (report != NULL && g_cancellable_set_error_if_cancelled (cancellable, error))
    g_clear_pointer (&report, em_codegen_report_free);
  if (report != NULL)
    em_job_report (job, 1.0, NULL);
  return report;
}

/* The measure job's result: the Cortex-M4F count, and per AVR board
 * (element-type utf8, triplets: board id, latency note, and why its own
 * build does not fit it or NULL) its cycles in simavr or why there are
 * none. */
typedef struct {
  EmDeployMeasure  m;
  GPtrArray       *avr_notes;
} MeasureResult;

static void
measure_result_free (MeasureResult *r)
{
  g_ptr_array_unref (r->avr_notes);
  g_free (r);
}

/* Each AVR board's latency: its own build, one window in simavr. The
 * firmware is always int8, so the library is too. FALSE only on cancel. */
static gboolean
measure_avr_boards (JobData *d, EmImpulse *impulse, EmJob *job, GCancellable *cancellable, GPtrArray *notes,
                    GError **error)
{
  g_autoptr(EmDeployGather) gather = NULL;
  g_autoptr(GError) local = NULL;

  for (guint i = 0; d->boards != NULL && i < d->boards->len; i++)
    {
      const EmBoard *board = g_ptr_array_index (d->boards, i);
      EmDeployMeasureAvr m;

      if (g_strcmp0 (board->core, "avr") != 0)
        continue;
      g_clear_error (&local);
      em_job_report (job, -1, board->name);
      if ((gather != NULL ||
           (gather = em_deploy_gather (d->project, impulse, d->registry, NULL, TRUE, EM_DEPLOY_THRESHOLD_DEFAULT,
                                       &local)) != NULL) &&
          em_deploy_measure_avr (d->project, impulse, gather, board, em_job_progress_cb, job, cancellable, &m,
                                 &local))
        {
          g_ptr_array_add (notes, g_strdup (board->id));
          g_ptr_array_add (notes, g_strdup_printf (_("%.1f ms, measured in simavr"),
                                                   em_deploy_measure_avr_ms (&m, m.cycles.total)));
          g_ptr_array_add (notes, NULL);
          continue;
        }
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      g_ptr_array_add (notes, g_strdup (board->id));
      if (g_error_matches (local, EM_CODEGEN_BUILD_ERROR, EM_CODEGEN_BUILD_ERROR_DOES_NOT_FIT))
        {
          /* "does not fit: RAM needs …": the reason without its verdict. */
          const char *why = g_str_has_prefix (local->message, "does not fit: ")
                              ? local->message + strlen ("does not fit: ") : local->message;
          g_ptr_array_add (notes, g_strdup (_("latency not estimated (does not fit)")));
          g_ptr_array_add (notes, g_strdup_printf (_("built for this board, %.*s"), (int) strcspn (why, "\n"), why));
        }
      else
        {
          g_ptr_array_add (notes, g_strdup_printf (_("latency not estimated (%.*s)"),
                                                   (int) strcspn (local->message, "\n"), local->message));
          g_ptr_array_add (notes, NULL);
        }
    }
  return TRUE;
}

/* A second build with a measuring main, then one window under QEMU (and,
 * for AVR boards, in simavr): a job of its own so the sizes show as soon
 * as they are known. */
static gpointer
measure_thread (EmJob *job, gpointer data, GCancellable *cancellable, GError **error)
{
  JobData *d = data;
  g_autoptr(EmImpulse) impulse = NULL;
  g_autoptr(EmDeployGather) gather = NULL;
  MeasureResult *r = g_new0 (MeasureResult, 1);

  r->avr_notes = g_ptr_array_new_with_free_func (g_free);
  em_job_report (job, 0, _("Counting instructions on an emulated Cortex-M4F"));
  if ((impulse = em_impulse_load (d->project, error)) == NULL ||
      (gather = em_deploy_gather (d->project, impulse, d->registry, NULL, d->int8, EM_DEPLOY_THRESHOLD_DEFAULT,
                                  error)) == NULL ||
      !em_deploy_measure (d->project, impulse, gather, em_job_progress_cb, job, cancellable, &r->m, error) ||
      !measure_avr_boards (d, impulse, job, cancellable, r->avr_notes, error))
    {
      measure_result_free (r);
      return NULL;
    }
  em_job_report (job, 1.0, NULL);
  return r;
}

/* Building is the first half of a deploy, flashing the second. */
static void
build_progress (double fraction, const char *what, gpointer user_data)
{
  JobData *d = user_data;

  em_job_report (d->job, fraction >= 0 ? 0.5 * fraction : -1, what);
}

static void
flash_progress (const char *stage, gsize done, gsize total, gpointer user_data)
{
  JobData *d = user_data;
  const char *line = NULL;

  /* One log line a stage, not one a block. */
  if (g_strcmp0 (stage, d->stage) != 0)
    {
      d->stage = g_intern_string (stage);
      line = stage;
    }
  em_job_report (d->job, 0.5 + 0.5 * (total > 0 ? (double) done / (double) total : 0), line);
}

static char *
find_port (const EmBoard *board, GError **error)
{
  g_autoptr(GPtrArray) ports = em_serial_list_ports (error);

  if (ports == NULL)
    return NULL;
  for (guint i = 0; i < ports->len; i++)
    {
      EmSerialPortInfo *info = g_ptr_array_index (ports, i);

      for (guint k = 0; board->usb_ids != NULL && k < board->usb_ids->len; k++)
        {
          EmBoardUsbId *id = &g_array_index (board->usb_ids, EmBoardUsbId, k);

          if (info->usb_vid == id->vid && info->usb_pid == id->pid)
            return g_strdup (info->name);
        }
    }
  g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND,
               _("%s: no serial port with its USB id: plug the board in or choose the port"), board->name);
  return NULL;
}

static gpointer
deploy_thread (EmJob *job, gpointer data, GCancellable *cancellable, GError **error)
{
  JobData *d = data;
  g_autoptr(DeployResult) result = g_new0 (DeployResult, 1);
  g_autoptr(EmFlashImage) image = NULL;
  EmFlashOptions options;

  d->job = job;
  em_job_report (job, 0, _("Building the firmware"));
  if (g_mkdir_with_parents (d->out_dir, 0755) != 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_IO, _("%s: cannot create the folder: %s"), d->out_dir,
                   g_strerror (errno));
      return NULL;
    }
  result->firmware = em_firmware_build (d->project, d->board, d->out_dir, build_progress, d, cancellable, error);
  if (result->firmware == NULL)
    return NULL;
  /* QEMU loads the ELF itself when Live classification starts. */
  if (d->board->protocol == EM_BOARD_PROTOCOL_QEMU)
    {
      em_job_report (job, 1.0, NULL);
      return g_steal_pointer (&result);
    }
  result->port = d->port != NULL ? g_strdup (d->port) : find_port (d->board, error);
  if (result->port == NULL)
    return NULL;
  if ((image = em_flash_image_load (result->firmware, d->board->flash_base, error)) == NULL)
    return NULL;
  em_flash_options_init (&options);
  em_job_report (job, 0.5, _("Flashing"));
  if (!em_flash_board (result->port, d->board, image, &options, flash_progress, d, cancellable, error))
    return NULL;
  em_job_report (job, 1.0, NULL);
  return g_steal_pointer (&result);
}

static void
open_live (EmDeployPageBoards *self, const EmBoard *board, const DeployResult *r)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *live;

  if (!EM_IS_WINDOW (root))
    return;
  live = em_window_get_page (EM_WINDOW (root), "live");
  if (!EM_IS_LIVE_PAGE (live))
    return;
  em_live_page_set_board (EM_LIVE_PAGE (live), board->id, r->port, r->firmware);
  em_window_show_page (EM_WINDOW (root), "live");
  em_live_page_start (EM_LIVE_PAGE (live));
}

static void start_job (EmDeployPageBoards *self, JobKind kind, const char *title, EmJobFunc func, JobData *d,
                       GDestroyNotify result_free);
static JobData *job_data_new (EmDeployPageBoards *self);

static gboolean
start_measure (gpointer user_data)
{
  EmDeployPageBoards *self = user_data;

  if (self->project != NULL && (self->job == NULL || !em_job_is_running (self->job)))
    {
      JobData *d = job_data_new (self);

      /* The AVR boards are measured one by one, in simavr. */
      d->boards = self->boards != NULL ? g_ptr_array_ref (self->boards) : NULL;
      start_job (self, JOB_MEASURE, _("Counting instructions for the latency"), measure_thread, d,
                 (GDestroyNotify) measure_result_free);
    }
  return G_SOURCE_REMOVE;
}

static void
on_job_finished (EmDeployPageBoards *self)
{
  const GError *error = em_job_get_error (self->job);
  gpointer result = em_job_get_result (self->job);
  gboolean measure_next = FALSE;

  if (em_job_get_state (self->job) == EM_JOB_STATE_CANCELLED)
    gtk_label_set_text (self->status_label, _("Cancelled"));
  else if (error != NULL && self->job_kind == JOB_MEASURE)
    {
      /* The sizes stand; only the latency is missing (e.g. no QEMU). */
      g_autofree char *text = g_strdup_printf (_("Latency not estimated: %s"), error->message);
      gtk_label_set_text (self->status_label, text);
    }
  else if (error != NULL)
    {
      gtk_label_set_text (self->status_label, "");
      show_error (self, error->message);
    }
  else if (self->job_kind == JOB_CHECK_FIT && result != NULL)
    {
      EmCodegenReport *report = result;
      g_autofree char *text = NULL;

      show_error (self, NULL);
      em_board_list_set_report (self->board_list, report, 0);
      text = g_strdup_printf (_("The library takes %" G_GUINT64_FORMAT " bytes of flash and %" G_GUINT64_FORMAT
                                " bytes of RAM on a Cortex-M4F (without the stack)"), report->flash, report->ram);
      gtk_label_set_text (self->status_label, text);
      measure_next = TRUE;
    }
  else if (self->job_kind == JOB_MEASURE && result != NULL)
    {
      const MeasureResult *mr = result;
      const EmDeployMeasure *m = &mr->m;
      g_autofree char *text = NULL;

      for (guint i = 0; i + 2 < mr->avr_notes->len; i += 3)
        {
          const char *id = g_ptr_array_index (mr->avr_notes, i);
          em_board_list_set_latency_note (self->board_list, id, g_ptr_array_index (mr->avr_notes, i + 1));
          em_board_list_set_too_big (self->board_list, id, g_ptr_array_index (mr->avr_notes, i + 2));
        }
      em_board_list_set_instructions (self->board_list, m->insns.total);
      text = g_strdup_printf (_("One window takes %" G_GUINT64_FORMAT " instructions (DSP %" G_GUINT64_FORMAT
                                ", NN %" G_GUINT64_FORMAT "), measured on an emulated Cortex-M4F"),
                              m->insns.total, m->insns.dsp, m->insns.nn);
      gtk_label_set_text (self->status_label, text);
    }
  else if (self->job_kind == JOB_DEPLOY && result != NULL)
    {
      DeployResult *r = result;
      const EmBoard *board = em_board_list_get_selected (self->board_list);
      g_autofree char *text = NULL;

      show_error (self, NULL);
      g_free (self->firmware);
      self->firmware = g_strdup (r->firmware);
      text = r->port != NULL ? g_strdup_printf (_("Flashed %s on %s"), r->firmware, r->port)
                             : g_strdup_printf (_("Built %s"), r->firmware);
      gtk_label_set_text (self->status_label, text);
      if (board != NULL)
        open_live (self, board, r);
    }
  refresh_ports (self, NULL);
  update_actions (self);
  /* Not from inside this job's "finished": the new job replaces it. */
  if (measure_next)
    g_idle_add_full (G_PRIORITY_DEFAULT, start_measure, g_object_ref (self), g_object_unref);
}

static void
on_job_message (EmDeployPageBoards *self)
{
  const char *message = em_job_get_message (self->job);

  if (message != NULL)
    gtk_label_set_text (self->status_label, message);
}

static void
start_job (EmDeployPageBoards *self, JobKind kind, const char *title, EmJobFunc func, JobData *d,
           GDestroyNotify result_free)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_clear_object (&self->job);
  self->job_kind = kind;
  self->job = em_job_new (title);
  g_signal_connect_swapped (self->job, "finished", G_CALLBACK (on_job_finished), self);
  g_object_bind_property (self->job, "fraction", self->progress_bar, "fraction", G_BINDING_DEFAULT);
  g_signal_connect_swapped (self->job, "notify::message", G_CALLBACK (on_job_message), self);
  em_job_run (self->job, func, d, (GDestroyNotify) job_data_free, result_free);
  if (EM_IS_WINDOW (root))
    em_window_add_job (EM_WINDOW (root), self->job);
  update_actions (self);
}

static JobData *
job_data_new (EmDeployPageBoards *self)
{
  JobData *d = g_new0 (JobData, 1);

  d->project = g_object_ref (self->project);
  d->registry = g_object_ref (self->registry);
  d->int8 = self->int8;
  return d;
}

void
em_deploy_page_boards_check_fit (EmDeployPageBoards *self)
{
  g_return_if_fail (EM_IS_DEPLOY_PAGE_BOARDS (self));
  if (self->project == NULL || (self->job != NULL && em_job_is_running (self->job)))
    return;
  gtk_label_set_text (self->status_label, _("Checking the fit…"));
  start_job (self, JOB_CHECK_FIT, _("Checking the fit on the boards"), check_fit_thread, job_data_new (self),
             (GDestroyNotify) em_codegen_report_free);
}

void
em_deploy_page_boards_deploy (EmDeployPageBoards *self)
{
  const EmBoard *board;
  JobData *d;
  g_autofree char *base = NULL;
  g_autofree char *title = NULL;

  g_return_if_fail (EM_IS_DEPLOY_PAGE_BOARDS (self));
  board = em_board_list_get_selected (self->board_list);
  if (self->project == NULL || board == NULL || (self->job != NULL && em_job_is_running (self->job)))
    return;
  d = job_data_new (self);
  d->boards = g_ptr_array_ref (em_board_list_get_boards (self->board_list));
  d->board = board;
  d->port = chosen_port (self);
  /* One folder per project and board, rebuilt on every deploy. */
  base = g_path_get_basename (em_project_get_path (self->project));
  d->out_dir = g_build_filename (g_get_user_cache_dir (), "ember", "firmware", base, board->id, NULL);
  title = g_strdup_printf (_("Deploying to %s"), board->name);
  gtk_label_set_text (self->status_label, _("Building the firmware…"));
  start_job (self, JOB_DEPLOY, title, deploy_thread, d, (GDestroyNotify) deploy_result_free);
}

static void
check_fit_action (GtkWidget *widget, const char *name, GVariant *param)
{
  em_deploy_page_boards_check_fit (EM_DEPLOY_PAGE_BOARDS (widget));
}

static void
deploy_action (GtkWidget *widget, const char *name, GVariant *param)
{
  em_deploy_page_boards_deploy (EM_DEPLOY_PAGE_BOARDS (widget));
}

static void
cancel_action (GtkWidget *widget, const char *name, GVariant *param)
{
  EmDeployPageBoards *self = EM_DEPLOY_PAGE_BOARDS (widget);

  if (self->job != NULL)
    em_job_cancel (self->job);
}

/* ---- public ----------------------------------------------------------------------- */

void
em_deploy_page_boards_set_project (EmDeployPageBoards *self, EmProject *project, EmBlockRegistry *registry)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (EM_IS_DEPLOY_PAGE_BOARDS (self));
  g_set_object (&self->project, project);
  g_set_object (&self->registry, registry);
  g_clear_pointer (&self->boards, g_ptr_array_unref);
  self->boards = em_board_list (NULL, &error);
  if (self->boards == NULL)
    show_error (self, error->message);
  em_board_list_set_boards (self->board_list, self->boards);
  em_board_list_set_report (self->board_list, NULL, 0);
  update_actions (self);
}

void
em_deploy_page_boards_set_port (EmDeployPageBoards *self, const char *port)
{
  g_return_if_fail (EM_IS_DEPLOY_PAGE_BOARDS (self));
  if (port == NULL)
    adw_combo_row_set_selected (self->port_row, 0);
  else
    refresh_ports (self, port);
}

EmBoardList *
em_deploy_page_boards_get_list (EmDeployPageBoards *self)
{
  return self->board_list;
}

GObject *
em_deploy_page_boards_get_job (EmDeployPageBoards *self)
{
  return G_OBJECT (self->job);
}

const char *
em_deploy_page_boards_get_last_error (EmDeployPageBoards *self)
{
  return self->last_error;
}

const char *
em_deploy_page_boards_get_firmware (EmDeployPageBoards *self)
{
  return self->firmware;
}

/* ---- GObject ------------------------------------------------------------------------ */

static void
em_deploy_page_boards_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EmDeployPageBoards *self = EM_DEPLOY_PAGE_BOARDS (object);

  switch (prop_id)
    {
    case PROP_INT8:
      g_value_set_boolean (value, self->int8);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_deploy_page_boards_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  EmDeployPageBoards *self = EM_DEPLOY_PAGE_BOARDS (object);

  switch (prop_id)
    {
    case PROP_INT8:
      if (self->int8 == g_value_get_boolean (value))
        return;
      self->int8 = g_value_get_boolean (value);
      /* The verdicts were for the other model. */
      em_board_list_set_report (self->board_list, NULL, 0);
      g_object_notify_by_pspec (object, pspec);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_deploy_page_boards_dispose (GObject *object)
{
  EmDeployPageBoards *self = EM_DEPLOY_PAGE_BOARDS (object);

  if (self->job != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->job, self);
      g_clear_object (&self->job);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), EM_TYPE_DEPLOY_PAGE_BOARDS);
  g_clear_object (&self->project);
  g_clear_object (&self->registry);
  g_clear_pointer (&self->boards, g_ptr_array_unref);
  G_OBJECT_CLASS (em_deploy_page_boards_parent_class)->dispose (object);
}

static void
em_deploy_page_boards_finalize (GObject *object)
{
  EmDeployPageBoards *self = EM_DEPLOY_PAGE_BOARDS (object);

  g_ptr_array_unref (self->ports);
  g_free (self->last_error);
  g_free (self->firmware);
  G_OBJECT_CLASS (em_deploy_page_boards_parent_class)->finalize (object);
}

static void
em_deploy_page_boards_class_init (EmDeployPageBoardsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = em_deploy_page_boards_get_property;
  object_class->set_property = em_deploy_page_boards_set_property;
  object_class->dispose = em_deploy_page_boards_dispose;
  object_class->finalize = em_deploy_page_boards_finalize;

  properties[PROP_INT8] = g_param_spec_boolean ("int8", NULL, NULL, TRUE,
                                                G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (EM_TYPE_BOARD_LIST);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/emberstudio/Ember/ui/em-deploy-page-boards.ui");
  gtk_widget_class_bind_template_child (widget_class, EmDeployPageBoards, box);
  gtk_widget_class_bind_template_child (widget_class, EmDeployPageBoards, board_list);
  gtk_widget_class_bind_template_child (widget_class, EmDeployPageBoards, port_row);
  gtk_widget_class_bind_template_child (widget_class, EmDeployPageBoards, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, EmDeployPageBoards, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, EmDeployPageBoards, status_label);
  gtk_widget_class_bind_template_child (widget_class, EmDeployPageBoards, error_label);
  gtk_widget_class_install_action (widget_class, "boards.check-fit", NULL, check_fit_action);
  gtk_widget_class_install_action (widget_class, "boards.deploy", NULL, deploy_action);
  gtk_widget_class_install_action (widget_class, "boards.cancel", NULL, cancel_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
em_deploy_page_boards_init (EmDeployPageBoards *self)
{
  self->int8 = TRUE;
  self->ports = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->board_list, "selection-changed", G_CALLBACK (update_actions), self);
  refresh_ports (self, NULL);
  update_actions (self);
}
