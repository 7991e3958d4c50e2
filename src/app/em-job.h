/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* One long action of the app (feature generation, training, ...): a title,
 * a fraction, a log, a cancellable and a result, run off the UI thread.
 *
 * Progress and log lines may be reported from any thread; they are
 * coalesced and applied on the main context the job was created in, so
 * "notify::fraction", "notify::message" and "finished" always arrive there
 * and handlers may touch widgets.
 *
 * Two ways to run one:
 *  - em_job_run(): the job owns a GTask and calls a function on a worker
 *    thread;
 *  - em_job_start() + em_job_complete(): for a core `_async` API that makes
 *    its own GTask; pass em_job_progress_cb / the job as its progress
 *    callback and em_job_get_cancellable() as its cancellable. */

typedef enum {
  EM_JOB_STATE_READY,
  EM_JOB_STATE_RUNNING,
  EM_JOB_STATE_SUCCEEDED,
  EM_JOB_STATE_FAILED,
  EM_JOB_STATE_CANCELLED,
} EmJobState;

#define EM_TYPE_JOB (em_job_get_type ())
G_DECLARE_FINAL_TYPE (EmJob, em_job, EM, JOB, GObject)

/* On a worker thread. Returns the result (transfer full, freed with the
 * job's result-destroy function) or NULL with @error set. A NULL result
 * without an error is a success without a value. */
typedef gpointer (*EmJobFunc) (EmJob         *job,
                               gpointer       data,
                               GCancellable  *cancellable,
                               GError       **error);

EmJob        *em_job_new              (const char     *title);

const char   *em_job_get_title        (EmJob          *self);
EmJobState    em_job_get_state        (EmJob          *self);
gboolean      em_job_is_running       (EmJob          *self);
/* 0..1; negative while unknown. */
double        em_job_get_fraction     (EmJob          *self);
/* The last log line (nullable). */
const char   *em_job_get_message      (EmJob          *self);
/* (transfer container) (element-type utf8): the log so far, oldest first
 * (the last few hundred lines). */
GPtrArray    *em_job_get_log          (EmJob          *self);
/* (transfer none) */
GCancellable *em_job_get_cancellable  (EmJob          *self);
void          em_job_cancel           (EmJob          *self);

/* Any thread. @fraction: 0..1, or negative to leave it; @what: (nullable)
 * a log line. */
void          em_job_report           (EmJob          *self,
                                       double          fraction,
                                       const char     *what);
void          em_job_log              (EmJob          *self,
                                       const char     *line);
/* An EmProgressFunc-compatible callback: @user_data is the job. */
void          em_job_progress_cb      (double          fraction,
                                       const char     *what,
                                       gpointer        user_data);

/* Run @func on a worker thread. "finished" is emitted on the main context
 * afterwards; @notify frees @data after @func returned. */
void          em_job_run              (EmJob          *self,
                                       EmJobFunc       func,
                                       gpointer        data,
                                       GDestroyNotify  notify,
                                       GDestroyNotify  result_destroy);
/* For work started elsewhere: mark the job running... */
void          em_job_start            (EmJob          *self);
/* ...and finished (main context). @result: (transfer full) (nullable);
 * @error: (nullable) — a G_IO_ERROR_CANCELLED or EM_ERROR_CANCELLED error
 * (or a cancelled cancellable) ends it as cancelled. */
void          em_job_complete         (EmJob          *self,
                                       gpointer        result,
                                       GDestroyNotify  result_destroy,
                                       const GError   *error);

/* After "finished": (transfer none) (nullable) */
gpointer      em_job_get_result       (EmJob          *self);
const GError *em_job_get_error        (EmJob          *self);

G_END_DECLS
