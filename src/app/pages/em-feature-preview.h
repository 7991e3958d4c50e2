/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include "em-block-registry.h"
#include "em-impulse.h"

G_BEGIN_DECLS

/* The features of one window of one sample, computed with a processing
 * block's own ops (init / run / free) — what the block page previews while
 * the user edits parameters, without touching the feature cache. */
typedef struct {
  guint  rows, cols;   /* the block's feature shape (cols = 1: a flat vector) */
  guint  window;       /* which window of the sample (the middle one) */
  guint  n_windows;    /* windows in the sample */
  float *values;       /* rows × cols, row-major */
} EmFeaturePreview;

void              em_feature_preview_free   (EmFeaturePreview *preview);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmFeaturePreview, em_feature_preview_free)

/* On the calling thread. @params: (nullable) the block's parameters to use
 * instead of the impulse's (the user's unsaved edits). Errors name the
 * block or the sample and the reason. (transfer full) */
EmFeaturePreview *em_feature_preview_compute (EmProject *project, EmBlockRegistry *registry,
                                              const EmImpulse *impulse, const char *block_id,
                                              JsonObject *params, gint64 sample_id,
                                              GCancellable *cancellable, GError **error);

/* The same on a worker thread; @impulse and @params are copied. */
void              em_feature_preview_compute_async  (EmProject *project, EmBlockRegistry *registry,
                                                     const EmImpulse *impulse, const char *block_id,
                                                     JsonObject *params, gint64 sample_id,
                                                     GCancellable *cancellable,
                                                     GAsyncReadyCallback callback, gpointer user_data);
/* (transfer full) */
EmFeaturePreview *em_feature_preview_compute_finish (GAsyncResult *result, GError **error);

G_END_DECLS
