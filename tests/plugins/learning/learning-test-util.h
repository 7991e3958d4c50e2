/* SPDX-License-Identifier: Apache-2.0 */
/* Shared helpers of the learning-plugin tests: opening the built plugins,
 * synthetic data, training through the ABI, and corrupt-blob checks. */
#pragma once

#include <math.h>
#include <string.h>
#include <gmodule.h>
#include <json-glib/json-glib.h>
#include "ember-plugin.h"

#define N_FEATURES 20
#define N_CLASSES  3
#define PER_CLASS  50
extern const char *const labels[N_CLASSES];
const EmBlockInfo *
block (const char *id);
const EmLearningOps *
ops (const char *id);
double
gauss (GRand *r);
typedef struct {
  guint32  n;
  float   *x;
  int32_t *y;
  float   *y_value;
} Data;
void
data_free (Data *d);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Data, data_free)
Data *
blobs (guint32 per_class, guint32 seed);
EmLearnInfo
flat_info (guint32 n_features, guint32 n_classes);
typedef struct {
  int      calls;
  int      last_epoch;
  int      n_epochs;
  int      cancel_at;   /* return nonzero at this epoch; 0 = never */
  gboolean ordered;
} Progress;
int
on_progress (const EmLearnProgress *p, const char *line, void *user_data);
typedef struct {
  void   *model;
  size_t  len;
  char    report[65536];
  char    err[512];
} Trained;
int
train (const char *id, const char *const *kv, const EmLearnInfo *info, const EmLearnData *data,
       Progress *progress, Trained *t);
void
trained_clear (const char *id, Trained *t);
float *
run_all (const char *id, const void *blob, size_t len, int int8, const Data *d, guint32 n_features,
         uint32_t *n_outputs);
int
argmax (const float *p, int n);
void
check_corrupt_blobs (const char *id, const char *other_id, const guint8 *blob, size_t len);
