/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gtk/gtk.h>
#include "em-job.h"

G_BEGIN_DECLS

/* The header-bar button that shows while jobs run: a spinner and a count;
 * its popover lists each running job with a progress bar, its last log
 * line and Cancel. Jobs leave the list when they finish (the page that
 * started one reports its outcome). */
#define EM_TYPE_JOBS_INDICATOR (em_jobs_indicator_get_type ())
G_DECLARE_FINAL_TYPE (EmJobsIndicator, em_jobs_indicator, EM, JOBS_INDICATOR, GtkWidget)

GtkWidget  *em_jobs_indicator_new       (void);
/* Lists @job until it finishes; a job that is not running is ignored. */
void        em_jobs_indicator_add_job   (EmJobsIndicator *self,
                                         EmJob           *job);
/* (transfer none): the running jobs, of EmJob. */
GListModel *em_jobs_indicator_get_jobs  (EmJobsIndicator *self);
/* The popover row of @job (nullable), for keyboard focus and tests. */
GtkWidget  *em_jobs_indicator_get_row   (EmJobsIndicator *self,
                                         EmJob           *job);
void        em_jobs_indicator_popup     (EmJobsIndicator *self);

G_END_DECLS
