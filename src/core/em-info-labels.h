/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "em-sample.h"

G_BEGIN_DECLS

/* "info.labels": the manifest Edge Impulse's data export writes beside the
 * files and its uploader reads, { "version": 1, "files": [ { "path",
 * "name", "category", "label": { "type": "label", "label" }, "enabled",
 * "metadata": {} } ] }. Ember writes it on export and honours it on import,
 * so names, categories, the enabled flag and metadata survive a round trip. */
typedef struct _EmInfoLabels EmInfoLabels;

#define EM_INFO_LABELS_FILE "info.labels"

/* (transfer full) */
EmInfoLabels *em_info_labels_load  (const char *path, GError **error);
void          em_info_labels_free  (EmInfoLabels *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmInfoLabels, em_info_labels_free)

/* The directory that holds the manifest; paths in it are relative to it. */
const char   *em_info_labels_get_dir (EmInfoLabels *info);

/* Apply the entry for @file_path (any path under the manifest's directory)
 * to @sample: name, category (unless @keep_category), label (unless
 * @keep_label), enabled and metadata. FALSE when the manifest has no entry. */
gboolean      em_info_labels_apply (EmInfoLabels *info, const char *file_path, EmSample *sample,
                                    gboolean keep_label, gboolean keep_category);

/* Write a manifest for @samples stored at @rel_paths (relative to the
 * manifest's directory). */
gboolean      em_info_labels_write (const char *path, GPtrArray *samples, GPtrArray *rel_paths,
                                    GError **error);

G_END_DECLS
