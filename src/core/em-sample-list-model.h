/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>
#include "em-project.h"

G_BEGIN_DECLS

/* A GListModel of EmSample (without data) over a project's samples. It holds
 * only the matching ids; rows are read from SQLite a page at a time when a
 * view asks for them and kept in a small cache, so 100k samples cost about
 * 800 kB and a scroll reads ~one page. Reloads itself when the project emits
 * "samples-changed". */
#define EM_TYPE_SAMPLE_LIST_MODEL (em_sample_list_model_get_type ())
G_DECLARE_FINAL_TYPE (EmSampleListModel, em_sample_list_model, EM, SAMPLE_LIST_MODEL, GObject)

EmSampleListModel *em_sample_list_model_new        (EmProject *project);
EmProject         *em_sample_list_model_get_project (EmSampleListModel *self);
/* Copies @filter (offset/limit are ignored: the model pages itself). NULL = all. */
void               em_sample_list_model_set_filter (EmSampleListModel *self,
                                                    const EmSampleFilter *filter);
/* Re-read the matching ids and emit items-changed. */
void               em_sample_list_model_reload     (EmSampleListModel *self);

G_END_DECLS
