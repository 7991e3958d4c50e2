/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>
#include "em-sample.h"

G_BEGIN_DECLS

/* Schema version this build writes (PRAGMA user_version). */
#define EM_PROJECT_SCHEMA_VERSION 3

#define EM_TYPE_PROJECT (em_project_get_type ())
G_DECLARE_FINAL_TYPE (EmProject, em_project, EM, PROJECT, GObject)

typedef enum {
  EM_ADD_FLAGS_NONE = 0,
  EM_ADD_FLAGS_ALLOW_DUPLICATE = 1 << 0, /* store even when the hash is already present */
} EmAddFlags;

/* Filters for listing; initialise with em_sample_filter_init() (matches all). */
typedef struct {
  const char *label;    /* exact label, NULL = any */
  int         category; /* EmCategory, -1 = any */
  int         kind;     /* EmSensorKind, -1 = any */
  int         enabled;  /* 0 / 1, -1 = any */
  const char *search;   /* case-insensitive substring of the name or label, NULL = any */
  gint64      offset;   /* rows to skip, in id order */
  gint64      limit;    /* max rows, -1 = all */
} EmSampleFilter;

void em_sample_filter_init (EmSampleFilter *filter);

typedef struct {
  char   *label;
  guint   count[2];      /* indexed by EmCategory */
  double  length_ms[2];  /* total length of time-series / audio samples */
} EmLabelStats;

void em_label_stats_free (EmLabelStats *stats);

/* Create a new project file; fails if @path exists. */
EmProject  *em_project_create          (const char *path, const char *name, GError **error);
/* Open an existing project; a newer schema, a non-Ember file or a damaged
 * database is refused with a clear error and left untouched. */
EmProject  *em_project_open            (const char *path, GError **error);

const char *em_project_get_path        (EmProject *self);
const char *em_project_get_name        (EmProject *self);

/* Project-wide settings (name, api key, hmac key, ...). (transfer full) */
char       *em_project_get_setting     (EmProject *self, const char *key);
gboolean    em_project_set_setting     (EmProject *self, const char *key, const char *value,
                                        GError **error);

/* Group several changes into one transaction. Calls nest; only the
 * outermost commit writes. A rollback undoes everything since the
 * outermost begin. */
gboolean    em_project_begin           (EmProject *self, GError **error);
gboolean    em_project_commit          (EmProject *self, GError **error);
void        em_project_rollback        (EmProject *self);

/* Store @sample (name, label, data required). Sets its id, hash and created
 * time. A sample whose content hash is already in the project is refused
 * with EM_ERROR_DUPLICATE unless @flags allows it. Returns the new id, 0 on error. */
gint64      em_project_add_sample      (EmProject *self, EmSample *sample, EmAddFlags flags,
                                        GError **error);
/* Store all of @samples or none (one savepoint); stops at the first error. */
gboolean    em_project_add_samples     (EmProject *self, GPtrArray *samples, EmAddFlags flags,
                                        GError **error);
/* Id of a sample with this content hash, 0 if none. */
gint64      em_project_find_hash       (EmProject *self, const char *hash, GError **error);

/* (transfer full) */
EmSample   *em_project_get_sample      (EmProject *self, gint64 id, gboolean with_data,
                                        GError **error);
/* Samples without data, in id order. (transfer full) (element-type EmSample) */
GPtrArray  *em_project_list_samples    (EmProject *self, const EmSampleFilter *filter,
                                        GError **error);
/* Ids of matching samples, ascending (offset/limit apply). (transfer full) (element-type gint64) */
GArray     *em_project_list_ids        (EmProject *self, const EmSampleFilter *filter,
                                        GError **error);
/* Samples for a set of ids, without data, in the order of @ids; missing ids are skipped. */
GPtrArray  *em_project_get_samples     (EmProject *self, const gint64 *ids, guint n_ids,
                                        GError **error);
gint64      em_project_count_samples   (EmProject *self, const EmSampleFilter *filter,
                                        GError **error);

/* Bulk edits; each is one transaction and fails whole if any id is unknown. */
gboolean    em_project_relabel         (EmProject *self, const gint64 *ids, guint n_ids,
                                        const char *label, GError **error);
gboolean    em_project_set_category    (EmProject *self, const gint64 *ids, guint n_ids,
                                        EmCategory category, GError **error);
gboolean    em_project_set_enabled     (EmProject *self, const gint64 *ids, guint n_ids,
                                        gboolean enabled, GError **error);
gboolean    em_project_delete_samples  (EmProject *self, const gint64 *ids, guint n_ids,
                                        GError **error);
gboolean    em_project_rename_sample   (EmProject *self, gint64 id, const char *name,
                                        GError **error);
/* @value NULL removes the key. */
gboolean    em_project_set_metadata    (EmProject *self, gint64 id, const char *key,
                                        const char *value, GError **error);
/* Replace the sample's boxes with those of @boxes_from. */
gboolean    em_project_set_boxes       (EmProject *self, gint64 id, EmSample *boxes_from,
                                        GError **error);

/* Stratified re-split of enabled samples: per label, a seeded shuffle puts
 * round(n × train_fraction) into training and the rest into testing. */
gboolean    em_project_resplit         (EmProject *self, double train_fraction, guint32 seed,
                                        GError **error);

/* Per-label counts, sorted by label. (transfer full) (element-type EmLabelStats) */
GPtrArray  *em_project_label_stats     (EmProject *self, GError **error);
/* Distinct labels, sorted. (transfer full) (element-type utf8) */
GPtrArray  *em_project_list_labels     (EmProject *self, GError **error);

/* Runs PRAGMA integrity_check and foreign_key_check. */
gboolean    em_project_check           (EmProject *self, GError **error);

/* Emitted on the thread that made the change, after a commit that changed samples. */
/* signal "samples-changed" (EmProject *self, gpointer user_data) */

G_END_DECLS
