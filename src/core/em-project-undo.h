/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "em-project.h"

G_BEGIN_DECLS

/* Undo support for the app's bulk edits.
 *
 * Deleting samples cannot be soft in this schema (there is no "deleted"
 * flag, and "enabled" already means something to users), so an undoable
 * delete reads the samples in full first (em_project_get_sample() with
 * data: values, metadata, boxes) and keeps them until the undo window
 * closes; undo hands them back here. */

/* Store @samples (element-type EmSample, each with its data) as they were:
 * name, label, category, enabled, created time, metadata and boxes. Each
 * keeps its id when that id is still free (it is, right after a delete,
 * unless a later add took it), otherwise gets a new one; the id of every
 * sample is updated to the one it now has. All or nothing, one
 * transaction; the content-hash duplicate check does not apply, since
 * these are the project's own samples coming back. */
gboolean em_project_restore_samples (EmProject  *self,
                                     GPtrArray  *samples,
                                     GError    **error);

G_END_DECLS
