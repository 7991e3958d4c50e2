/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gtk/gtk.h>

#include "em-job.h"
#include "em-project.h"

G_BEGIN_DECLS

/* Versions: snapshots of the whole project (em-project-versions.h), newest
 * first, each row "v3 — description" with its date, sample counts, labels
 * and the model's accuracy. "Create Version" snapshots the project as an
 * EmJob with the description typed; a row's "Restore as New Project…"
 * asks for a new file, restores into it (a job too) and opens it in a new
 * window; "Delete" asks first.
 *
 * Actions: "versions.create", "versions.cancel", "versions.restore" (u: the
 * number), "versions.delete" (u).
 * Properties: "project" (construct-only), "running" (read-only).
 * Signals: "job-started" (EmJob *job): for a jobs indicator;
 *   "restored" (const char *path): a restore finished, before it opens. */
#define EM_TYPE_VERSIONS_PAGE (em_versions_page_get_type ())
G_DECLARE_FINAL_TYPE (EmVersionsPage, em_versions_page, EM, VERSIONS_PAGE, GtkWidget)

GtkWidget  *em_versions_page_new          (EmProject *project);

/* Re-read the versions folder. */
void        em_versions_page_reload       (EmVersionsPage *self);
gboolean    em_versions_page_get_running  (EmVersionsPage *self);

/* What "Restore as New Project…" does once a file is chosen: restore
 * version @number into @target as a job, then open it in a new window.
 * An existing @target is refused with the core's message in the status. */
void        em_versions_page_restore_to   (EmVersionsPage *self,
                                           guint           number,
                                           GFile          *target);

/* Texts as shown (transfer none): row titles newest first, the status line. */
guint       em_versions_page_get_n_rows   (EmVersionsPage *self);
const char *em_versions_page_get_row_title    (EmVersionsPage *self,
                                               guint           i);
const char *em_versions_page_get_row_subtitle (EmVersionsPage *self,
                                               guint           i);
const char *em_versions_page_get_status   (EmVersionsPage *self);

G_END_DECLS
