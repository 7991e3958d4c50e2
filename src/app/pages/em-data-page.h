/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gtk/gtk.h>
#include "em-project.h"
#include "em-job.h"
#include "em-sample-viewer.h"

G_BEGIN_DECLS

/* The Data acquisition page: the project's samples in a column view over
 * an EmSampleListModel (100k rows scroll without loading them), filters
 * (label, category, text), the training/testing split and per-label
 * counts, the selected sample in an EmSampleViewer, bulk relabel / move /
 * delete on the selection with an Undo toast, and import by dropping files
 * from the file manager.
 *
 * Undo: relabel and move remember each sample's old label or category.
 * Delete reads the selected samples in full (data, metadata, boxes) before
 * deleting them and keeps them in memory while the toast is up; Undo puts
 * them back with em_project_restore_samples() (same ids). When the toast
 * goes away the copies are dropped and the delete is final. Deleting more
 * than EM_DATA_PAGE_UNDO_LIMIT samples at once asks first instead, since
 * holding them all in memory would not be honest about the cost.
 *
 * Signals: "job-started" (EmJob *job) — an import began; the window shows
 * it in its jobs indicator. */
#define EM_TYPE_DATA_PAGE (em_data_page_get_type ())
G_DECLARE_FINAL_TYPE (EmDataPage, em_data_page, EM, DATA_PAGE, GtkWidget)

#define EM_DATA_PAGE_UNDO_LIMIT 5000

/* @project: (nullable) */
GtkWidget      *em_data_page_new               (EmProject   *project);
/* (nullable) (transfer none) */
EmProject      *em_data_page_get_project       (EmDataPage  *self);
void            em_data_page_set_project       (EmDataPage  *self,
                                                EmProject   *project);

/* Rows in the list under the current filters. */
guint           em_data_page_get_n_rows        (EmDataPage  *self);
/* (transfer none): the view's selection over the list. */
GtkSelectionModel *em_data_page_get_selection  (EmDataPage  *self);
/* (transfer none) */
EmSampleViewer *em_data_page_get_viewer        (EmDataPage  *self);
/* Move keyboard focus to the search entry (Ctrl+F). */
void            em_data_page_focus_search      (EmDataPage  *self);

/* Set the filter widgets (and so the list): @label (nullable) = any label,
 * @category EmCategory or -1 = any, @search (nullable). */
void            em_data_page_set_filter        (EmDataPage  *self,
                                                const char  *label,
                                                int          category,
                                                const char  *search);

/* What the selection bar's buttons do; each shows a toast with Undo.
 * FALSE (and a toast with the reason) when nothing is selected or the
 * project refused. */
gboolean        em_data_page_relabel_selected  (EmDataPage  *self,
                                                const char  *label);
gboolean        em_data_page_move_selected     (EmDataPage  *self,
                                                EmCategory   category);
gboolean        em_data_page_delete_selected   (EmDataPage  *self);
/* Undo the last edit while its toast is up; FALSE when there is none. */
gboolean        em_data_page_undo              (EmDataPage  *self);
gboolean        em_data_page_can_undo          (EmDataPage  *self);

/* The drop handler: @value holds a GdkFileList (or a GFile). Starts an
 * import job and returns it (transfer none; also sent as "job-started"),
 * or NULL when the value holds nothing importable. */
EmJob          *em_data_page_import_drop       (EmDataPage   *self,
                                                const GValue *value);

/* The summary texts as shown, for tests and accessibility checks:
 * e.g. "200 samples · 160 training · 40 testing" and "80 % / 20 %". */
const char     *em_data_page_get_summary       (EmDataPage  *self);
const char     *em_data_page_get_split_text    (EmDataPage  *self);
/* Per-label totals as one line, e.g. "no 2 · yes 3" (what the label chips
 * show, without the split). */
const char     *em_data_page_get_label_summary (EmDataPage  *self);

G_END_DECLS
