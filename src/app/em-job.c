/* SPDX-License-Identifier: Apache-2.0 */
#include "em-job.h"
#include "em-error.h"

/* Enough to scroll back through a training's epochs without holding a
 * long run's every line. */
#define MAX_LOG_LINES 500

struct _EmJob
{
  GObject        parent_instance;

  char          *title;
  EmJobState     state;
  double         fraction;
  GPtrArray     *log;        /* of char*, main context only */
  GCancellable  *cancellable;
  GMainContext  *context;    /* where notifications are delivered */

  gpointer       result;
  GDestroyNotify result_destroy;
  GError        *error;

  /* Reports from worker threads wait here until the main context takes
   * them; one idle source at a time drains them, however fast they come. */
  GMutex         lock;
  double         pending_fraction;
  gboolean       has_pending_fraction;
  GPtrArray     *pending_lines;
  char          *last_reported;
  gboolean       dispatch_queued;
};

G_DEFINE_FINAL_TYPE (EmJob, em_job, G_TYPE_OBJECT)

enum { PROP_0, PROP_TITLE, PROP_STATE, PROP_FRACTION, PROP_MESSAGE, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { FINISHED, N_SIGNALS };
static guint signals[N_SIGNALS];

typedef struct {
  EmJobFunc      func;
  gpointer       data;
  GDestroyNotify notify;
  GDestroyNotify result_destroy;
} RunData;

static void
run_data_free (RunData *rd)
{
  if (rd->notify != NULL)
    rd->notify (rd->data);
  g_free (rd);
}

/* ---- progress marshalling ---------------------------------------------------- */

static void
dispatch_pending (EmJob *self)
{
  g_autoptr(GPtrArray) lines = NULL;
  double fraction = 0;
  gboolean has_fraction;

  g_mutex_lock (&self->lock);
  has_fraction = self->has_pending_fraction;
  fraction = self->pending_fraction;
  self->has_pending_fraction = FALSE;
  if (self->pending_lines->len > 0)
    {
      lines = g_steal_pointer (&self->pending_lines);
      self->pending_lines = g_ptr_array_new_with_free_func (g_free);
    }
  self->dispatch_queued = FALSE;
  g_mutex_unlock (&self->lock);

  if (has_fraction && fraction != self->fraction)
    {
      self->fraction = fraction;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
    }
  if (lines != NULL)
    {
      for (guint i = 0; i < lines->len; i++)
        g_ptr_array_add (self->log, g_strdup (g_ptr_array_index (lines, i)));
      if (self->log->len > MAX_LOG_LINES)
        g_ptr_array_remove_range (self->log, 0, self->log->len - MAX_LOG_LINES);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
    }
}

static gboolean
dispatch_idle_cb (gpointer data)
{
  dispatch_pending (EM_JOB (data));
  return G_SOURCE_REMOVE;
}

void
em_job_report (EmJob *self, double fraction, const char *what)
{
  gboolean queue;

  g_return_if_fail (EM_IS_JOB (self));

  g_mutex_lock (&self->lock);
  if (fraction >= 0)
    {
      self->pending_fraction = MIN (fraction, 1.0);
      self->has_pending_fraction = TRUE;
    }
  if (what != NULL && *what != '\0')
    {
      /* The same "what" repeated with each fraction is one line, not many. */
      if (g_strcmp0 (self->last_reported, what) != 0)
        {
          g_free (self->last_reported);
          self->last_reported = g_strdup (what);
          g_ptr_array_add (self->pending_lines, g_strdup (what));
        }
    }
  queue = !self->dispatch_queued;
  self->dispatch_queued = TRUE;
  g_mutex_unlock (&self->lock);

  if (queue)
    {
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT_IDLE);
      g_source_set_callback (source, dispatch_idle_cb, g_object_ref (self), g_object_unref);
      g_source_set_static_name (source, "[ember] job progress");
      g_source_attach (source, self->context);
      g_source_unref (source);
    }
}

void
em_job_log (EmJob *self, const char *line)
{
  em_job_report (self, -1, line);
}

void
em_job_progress_cb (double fraction, const char *what, gpointer user_data)
{
  em_job_report (EM_JOB (user_data), fraction, what);
}

/* ---- running ----------------------------------------------------------------- */

static void
set_state (EmJob *self, EmJobState state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

void
em_job_start (EmJob *self)
{
  g_return_if_fail (EM_IS_JOB (self));
  g_return_if_fail (self->state == EM_JOB_STATE_READY);
  set_state (self, EM_JOB_STATE_RUNNING);
}

void
em_job_complete (EmJob *self, gpointer result, GDestroyNotify result_destroy,
                 const GError *error)
{
  g_return_if_fail (EM_IS_JOB (self));
  g_return_if_fail (self->state == EM_JOB_STATE_RUNNING);

  /* Last words of the worker first, so "finished" sees the whole log. */
  dispatch_pending (self);

  self->result = result;
  self->result_destroy = result_destroy;
  if (error != NULL)
    {
      gboolean cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
                           g_error_matches (error, EM_ERROR, EM_ERROR_CANCELLED) ||
                           g_cancellable_is_cancelled (self->cancellable);

      self->error = g_error_copy (error);
      set_state (self, cancelled ? EM_JOB_STATE_CANCELLED : EM_JOB_STATE_FAILED);
    }
  else
    {
      if (self->fraction != 1.0)
        {
          self->fraction = 1.0;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
        }
      set_state (self, EM_JOB_STATE_SUCCEEDED);
    }
  g_signal_emit (self, signals[FINISHED], 0);
}

static void
run_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  RunData *rd = task_data;
  g_autoptr(GError) error = NULL;
  gpointer result = rd->func (EM_JOB (source), rd->data, cancellable, &error);

  if (error != NULL)
    {
      if (result != NULL && rd->result_destroy != NULL)
        rd->result_destroy (result);
      g_task_return_error (task, g_steal_pointer (&error));
    }
  else
    g_task_return_pointer (task, result, rd->result_destroy);
}

static void
run_done_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  EmJob *self = EM_JOB (source);
  RunData *rd = g_task_get_task_data (G_TASK (res));
  GDestroyNotify destroy = rd->result_destroy;
  g_autoptr(GError) error = NULL;
  gpointer result = g_task_propagate_pointer (G_TASK (res), &error);

  em_job_complete (self, result, destroy, error);
}

void
em_job_run (EmJob *self, EmJobFunc func, gpointer data, GDestroyNotify notify,
            GDestroyNotify result_destroy)
{
  g_autoptr(GTask) task = NULL;
  RunData *rd;

  g_return_if_fail (EM_IS_JOB (self));
  g_return_if_fail (func != NULL);

  em_job_start (self);
  rd = g_new0 (RunData, 1);
  rd->func = func;
  rd->data = data;
  rd->notify = notify;
  rd->result_destroy = result_destroy;
  task = g_task_new (self, self->cancellable, run_done_cb, NULL);
  g_task_set_source_tag (task, em_job_run);
  g_task_set_name (task, self->title);
  /* Cancellation is the function's business: it must stop and say so, so
   * the project is left consistent, rather than GTask dropping its result. */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, rd, (GDestroyNotify) run_data_free);
  g_task_run_in_thread (task, run_thread);
}

/* ---- accessors --------------------------------------------------------------- */

const char *
em_job_get_title (EmJob *self)
{
  g_return_val_if_fail (EM_IS_JOB (self), NULL);
  return self->title;
}

EmJobState
em_job_get_state (EmJob *self)
{
  g_return_val_if_fail (EM_IS_JOB (self), EM_JOB_STATE_READY);
  return self->state;
}

gboolean
em_job_is_running (EmJob *self)
{
  g_return_val_if_fail (EM_IS_JOB (self), FALSE);
  return self->state == EM_JOB_STATE_RUNNING;
}

double
em_job_get_fraction (EmJob *self)
{
  g_return_val_if_fail (EM_IS_JOB (self), 0);
  return self->fraction;
}

const char *
em_job_get_message (EmJob *self)
{
  g_return_val_if_fail (EM_IS_JOB (self), NULL);
  return self->log->len > 0 ? g_ptr_array_index (self->log, self->log->len - 1) : NULL;
}

GPtrArray *
em_job_get_log (EmJob *self)
{
  GPtrArray *copy;

  g_return_val_if_fail (EM_IS_JOB (self), NULL);
  copy = g_ptr_array_new_full (self->log->len, NULL);
  for (guint i = 0; i < self->log->len; i++)
    g_ptr_array_add (copy, g_ptr_array_index (self->log, i));
  return copy;
}

GCancellable *
em_job_get_cancellable (EmJob *self)
{
  g_return_val_if_fail (EM_IS_JOB (self), NULL);
  return self->cancellable;
}

void
em_job_cancel (EmJob *self)
{
  g_return_if_fail (EM_IS_JOB (self));
  g_cancellable_cancel (self->cancellable);
}

gpointer
em_job_get_result (EmJob *self)
{
  g_return_val_if_fail (EM_IS_JOB (self), NULL);
  return self->result;
}

const GError *
em_job_get_error (EmJob *self)
{
  g_return_val_if_fail (EM_IS_JOB (self), NULL);
  return self->error;
}

/* ---- GObject ------------------------------------------------------------------ */

static void
em_job_finalize (GObject *object)
{
  EmJob *self = EM_JOB (object);

  if (self->result != NULL && self->result_destroy != NULL)
    self->result_destroy (self->result);
  g_clear_error (&self->error);
  g_clear_pointer (&self->log, g_ptr_array_unref);
  g_clear_pointer (&self->pending_lines, g_ptr_array_unref);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->lock);
  g_free (self->last_reported);
  g_free (self->title);
  G_OBJECT_CLASS (em_job_parent_class)->finalize (object);
}

static void
em_job_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EmJob *self = EM_JOB (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_FRACTION:
      g_value_set_double (value, self->fraction);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, em_job_get_message (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_job_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  EmJob *self = EM_JOB (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      self->title = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_job_class_init (EmJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = em_job_finalize;
  object_class->get_property = em_job_get_property;
  object_class->set_property = em_job_set_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* An EmJobState; an int so no enum type needs registering for it. */
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, EM_JOB_STATE_READY, EM_JOB_STATE_CANCELLED,
                      EM_JOB_STATE_READY,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL, -1.0, 1.0, -1.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /** EmJob::finished: on the main context, once; see em_job_get_state(). */
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
em_job_init (EmJob *self)
{
  g_mutex_init (&self->lock);
  self->fraction = -1.0;
  self->log = g_ptr_array_new_with_free_func (g_free);
  self->pending_lines = g_ptr_array_new_with_free_func (g_free);
  self->cancellable = g_cancellable_new ();
  self->context = g_main_context_ref_thread_default ();
}

EmJob *
em_job_new (const char *title)
{
  g_return_val_if_fail (title != NULL, NULL);
  return g_object_new (EM_TYPE_JOB, "title", title, NULL);
}
