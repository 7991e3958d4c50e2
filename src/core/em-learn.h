/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "em-block-registry.h"
#include "em-demo.h"
#include "em-impulse.h"

G_BEGIN_DECLS

/* What a learning block learns: the block says so (EmLearningOps.task). */
EmLearnTask  em_learn_task_for_block  (EmBlock *block);
const char  *em_learn_task_to_string  (EmLearnTask task);

/* The windows of one data set (training or testing) for a learning block,
 * the input blocks' features concatenated per window in input order. */
typedef struct {
  EmLearnTask  task;
  EmLearnInfo  info;        /* ready to pass to the plugin; info.labels points into @labels */
  GStrv        labels;      /* classification: the classes, sorted; else empty (never NULL) */
  guint        n;           /* windows */
  float       *x;           /* n × info.n_features */
  gint32      *y;           /* classification: class per window; else NULL */
  float       *y_value;     /* regression: target per window; else NULL */
  gint64      *sample_ids;  /* [n]: the sample of each window */
  guint       *windows;     /* [n]: the window's index in its sample */
  GPtrArray   *sample_labels; /* (element-type utf8) distinct labels of the samples used, sorted */
  guint       *label_index; /* [n]: the window's sample label, as an index into sample_labels */
  guint        n_samples;   /* samples with windows */
  guint        n_skipped;   /* samples left out */
  char        *first_skip;  /* why the first was left out (nullable) */
  /* object detection (em-learn-boxes.h): window i's boxes are
   * boxes[box_start[i] .. box_start[i + 1]), in the input's pixels, labels
   * 1..n_classes (index into @labels + 1); else NULL */
  guint32     *box_start;   /* [n + 1] */
  EmLearnBox  *boxes;       /* [n_boxes] */
  guint        n_boxes;
} EmLearnSet;

void          em_learn_set_free        (EmLearnSet *set);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmLearnSet, em_learn_set_free)

/* Gather the enabled samples of @category (EM_CATEGORY_TRAINING or
 * EM_CATEGORY_TESTING) for learning block @lb. Features of its inputs are
 * generated first where the cache lacks them (@progress reports that).
 * @labels: (nullable) the classes to use (a trained model's); NULL = the
 * distinct labels of these samples. Samples whose label is not in @labels
 * are skipped and counted. Errors: no inputs, no windows, a non-numeric
 * regression label (naming the sample), one class for training. (transfer full) */
EmLearnSet   *em_learn_gather          (EmProject *project, EmImpulse *impulse, EmBlockRegistry *registry,
                                        EmImpulseLearnBlock *lb, EmCategory category,
                                        const char * const *labels, EmProgressFunc progress,
                                        gpointer user_data, GCancellable *cancellable, GError **error);

/* Fingerprint of everything the block's model depends on: the learning
 * plugin, its version and params, and every input's feature key (which
 * covers the input block and the processing params). (transfer full) */
char         *em_learn_params_key      (EmImpulse *impulse, EmImpulseLearnBlock *lb,
                                        EmBlockRegistry *registry, GError **error);

/* Find the learning block @block_id (NULL: the first). NOT_FOUND when the
 * impulse has none; NOT_FOUND when its plugin is not installed. */
EmImpulseLearnBlock *em_learn_find_block (EmImpulse *impulse, EmBlockRegistry *registry,
                                          const char *block_id, EmBlock **block, GError **error);

/* Progress of a training: on the training thread. */
typedef void (*EmLearnEpochFunc) (const EmLearnProgress *progress, const char *log_line, gpointer user_data);

typedef struct {
  EmProgressFunc   features;  /* (nullable) feature generation, when the cache lacks samples */
  EmLearnEpochFunc epoch;     /* (nullable) after each epoch */
  gpointer         user_data;
} EmLearnMonitor;

/* Train learning block @block_id (NULL: the first) on the enabled training
 * samples and store the model in the project in one transaction.
 * @overrides: (nullable) parameters for this run only, over the impulse's.
 * Cancel: EM_ERROR_CANCELLED, nothing stored, the previous model intact.
 * @report: (out) (optional) the stored report (JSON object). */
gboolean      em_learn_train           (EmProject *project, EmImpulse *impulse, EmBlockRegistry *registry,
                                        const char *block_id, JsonObject *overrides,
                                        const EmLearnMonitor *monitor, GCancellable *cancellable,
                                        char **report, GError **error);

/* The same on a worker thread (GTask), for the app; the monitor's callbacks
 * run on that thread. @impulse and @overrides are copied. The result is the
 * report. */
void          em_learn_train_async     (EmProject *project, EmImpulse *impulse, EmBlockRegistry *registry,
                                        const char *block_id, JsonObject *overrides,
                                        const EmLearnMonitor *monitor, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
/* (transfer full) the report JSON, NULL on error */
char         *em_learn_train_finish    (EmProject *project, GAsyncResult *result, GError **error);

G_END_DECLS
