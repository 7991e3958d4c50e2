/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by Ember's built-in learning blocks (not part of the plugin ABI):
 * the trained-model blob format, error and report helpers, and the two
 * block families (neural networks, anomaly detection) that the plugins in
 * the folders next to this file declare.
 *
 * Blob ("EMLB"), all integers u32 little-endian:
 *   magic "EMLB", version, kind (EmLearnKind), n_features, n_outputs,
 *   n_sections, then n_sections × { tag (4 ASCII bytes), length, payload }.
 * Tags: "MODL" em_nn_model_save bytes (float model), "QINT"
 * em_nn_compiled_save bytes (int8 program, when quantized), "LABL" the class
 * labels, each NUL-terminated, "ANOM" em_nn_anomaly_to_json text.
 * A blob must end exactly after its last section; unknown tags are skipped
 * so later versions can add sections without breaking older readers.
 */
#pragma once

#include <gio/gio.h>
#include "ember-plugin.h"
#include "em-nn-train.h"

G_BEGIN_DECLS

#define EM_LEARN_BLOB_VERSION 1u
#define EM_LEARN_BLOB_HEADER  24u
#define EM_LEARN_MAX_SECTIONS 16u

typedef enum {
  EM_LEARN_CLASSIFICATION = 1,
  EM_LEARN_REGRESSION = 2,
  EM_LEARN_ANOMALY_KMEANS = 3,
  EM_LEARN_ANOMALY_GMM = 4,
  EM_LEARN_OBJECT_DETECTION = 5,  /* object-detection/ (FOMO); also "FOMO" section: em-fomo-private.h */
} EmLearnKind;

const char *em_learn_kind_to_string (EmLearnKind kind);

/* --- blob ------------------------------------------------------------------ */

typedef struct {
  EmLearnKind kind;
  guint32     n_features, n_outputs;
  guint32     n_sections;
  char        tags[EM_LEARN_MAX_SECTIONS][5];
  const guint8 *data[EM_LEARN_MAX_SECTIONS];   /* borrowed from the blob */
  guint32     lengths[EM_LEARN_MAX_SECTIONS];
} EmLearnBlob;

/* A writer: a header followed by sections. */
GByteArray *em_learn_blob_writer_new (EmLearnKind kind, guint32 n_features, guint32 n_outputs);
void        em_learn_blob_writer_add (GByteArray *writer, const char *tag, const void *data, gsize len);
/* The finished blob, malloc()ed as the ABI wants; frees @writer. NULL when out of memory. */
void       *em_learn_blob_writer_finish (GByteArray *writer, size_t *len);

/* Check the header and section table of @data (borrowed; @blob points into it). */
gboolean    em_learn_blob_parse (const void *data, size_t len, EmLearnKind expected,
                                 EmLearnBlob *blob, GError **error);
/* A section's payload copied into GBytes (so the engine's loaders get
 * malloc-aligned memory), or NULL when the blob has none. */
GBytes     *em_learn_blob_section (const EmLearnBlob *blob, const char *tag);

/* --- errors ---------------------------------------------------------------- */

/* "<block>: <message>" into err; returns -1 (or EM_LEARN_CANCELLED for a
 * cancelled GError). */
int em_learn_fail (char *err, size_t err_len, const char *block, const char *message);
int em_learn_fail_error (char *err, size_t err_len, const char *block, const GError *error);

/* Copy @text into out (out_len bytes) when it fits. */
gboolean em_learn_copy_out (const char *text, char *out, size_t out_len);

/* "", NULL → all axes (*axes = NULL); otherwise comma-separated indices below
 * n_features, no repeats. (transfer full) */
gboolean em_learn_parse_axes (const char *text, guint32 n_features, int **axes, int *n_axes,
                              GError **error);

/* --- the block families ---------------------------------------------------- */

/* Neural networks (classification, regression): em-learn-nn.c. */
int  em_learn_nn_defaults (EmLearnKind kind, const EmLearnInfo *info, char *out, size_t out_len,
                           char *err, size_t err_len);
int  em_learn_nn_train    (EmLearnKind kind, const EmPluginParam *params, size_t n_params,
                           const EmLearnInfo *info, const EmLearnData *data,
                           const EmLearnCallbacks *callbacks, void **model, size_t *model_len,
                           char *report, size_t report_len, char *err, size_t err_len);
int  em_learn_nn_load     (EmLearnKind kind, const void *model, size_t model_len, int int8,
                           void **state, uint32_t *n_outputs, char *err, size_t err_len);
int  em_learn_nn_run      (void *state, const float *features, float *out, char *err, size_t err_len);
void em_learn_nn_free     (void *state);
/* export_model: "emnq" bytes of the int8 program (int8) or of the float one. */
int  em_learn_nn_export   (EmLearnKind kind, const void *model, size_t model_len, int int8,
                           const char **format, void **out, size_t *out_len, char *err, size_t err_len);

/* The default architecture for @info, one-line JSON. (transfer full) */
char *em_learn_nn_default_architecture (EmLearnKind kind, const EmLearnInfo *info);

/* Anomaly detection (K-means, GMM): em-learn-anomaly.c. */
int  em_learn_anomaly_train (EmLearnKind kind, const EmPluginParam *params, size_t n_params,
                             const EmLearnInfo *info, const EmLearnData *data,
                             const EmLearnCallbacks *callbacks, void **model, size_t *model_len,
                             char *report, size_t report_len, char *err, size_t err_len);
int  em_learn_anomaly_load  (EmLearnKind kind, const void *model, size_t model_len, int int8,
                             void **state, uint32_t *n_outputs, char *err, size_t err_len);
int  em_learn_anomaly_run   (void *state, const float *features, float *out, char *err, size_t err_len);
void em_learn_anomaly_free  (void *state);
/* export_model: "em-anomaly-json" (int8 is ignored: scoring is float everywhere). */
int  em_learn_anomaly_export (EmLearnKind kind, const void *model, size_t model_len, int int8,
                              const char **format, void **out, size_t *out_len, char *err, size_t err_len);

void em_learn_free_model (void *model);

/* Schema fragments shared by the two neural-network blocks. */
#define EM_LEARN_NN_TRAINING_SCHEMA \
  "{\"name\": \"epochs\", \"type\": \"int\", \"default\": 30, \"min\": 1, \"max\": 1000," \
  " \"label\": \"Training cycles\", \"help\": \"Passes over the training windows\"}," \
  "{\"name\": \"learning_rate\", \"type\": \"float\", \"default\": 0.005, \"min\": 1e-6, \"max\": 1," \
  " \"label\": \"Learning rate\", \"help\": \"Step size of the optimizer\"}," \
  "{\"name\": \"batch_size\", \"type\": \"int\", \"default\": 32, \"min\": 1, \"max\": 1024," \
  " \"label\": \"Batch size\"}," \
  "{\"name\": \"validation_pct\", \"type\": \"int\", \"default\": 20, \"min\": 0, \"max\": 50," \
  " \"units\": \"%\", \"label\": \"Validation set size\"," \
  " \"help\": \"Training windows held out to watch for overfitting\"}," \
  "{\"name\": \"optimizer\", \"type\": \"enum\", \"default\": \"adam\", \"values\": [\"adam\", \"sgd\"]," \
  " \"label\": \"Optimizer\", \"help\": \"Adam, or SGD with momentum 0.9\"}," \
  "{\"name\": \"weight_decay\", \"type\": \"float\", \"default\": 0, \"min\": 0, \"max\": 1," \
  " \"label\": \"Weight decay\", \"help\": \"Decoupled (AdamW style); 0 turns it off\"},"

#define EM_LEARN_NN_COMMON_SCHEMA \
  "{\"name\": \"early_stopping_patience\", \"type\": \"int\", \"default\": 0, \"min\": 0, \"max\": 1000," \
  " \"label\": \"Early stopping patience\"," \
  " \"help\": \"Stop after this many epochs without a better validation loss and keep the best; 0 = off\"}," \
  "{\"name\": \"seed\", \"type\": \"int\", \"default\": 1, \"min\": 0, \"max\": 2147483647," \
  " \"label\": \"Random seed\", \"help\": \"The same seed and data give the same model\"}," \
  "{\"name\": \"find_learning_rate\", \"type\": \"bool\", \"default\": false," \
  " \"label\": \"Find the learning rate\"," \
  " \"help\": \"Run a learning-rate range test first and train with the rate it suggests\"}," \
  "{\"name\": \"architecture\", \"type\": \"string\", \"default\": \"\", \"label\": \"Architecture\"," \
  " \"help\": \"Layers as JSON ({\\\"input_shape\\\": [...], \\\"layers\\\": [...]}); empty = the default for the input\"}," \
  "{\"name\": \"noise\", \"type\": \"float\", \"default\": 0, \"min\": 0, \"max\": 10," \
  " \"label\": \"Augment: noise\", \"help\": \"Gaussian noise, times each window's standard deviation\"}," \
  "{\"name\": \"time_shift\", \"type\": \"int\", \"default\": 0, \"min\": 0, \"max\": 1000," \
  " \"label\": \"Augment: time shift\", \"help\": \"Shift by up to this many feature rows\"}," \
  "{\"name\": \"time_masks\", \"type\": \"int\", \"default\": 0, \"min\": 0, \"max\": 100," \
  " \"label\": \"Augment: time masks\", \"help\": \"SpecAugment masks along time\"}," \
  "{\"name\": \"time_mask_width\", \"type\": \"int\", \"default\": 0, \"min\": 0, \"max\": 1000," \
  " \"label\": \"Augment: time mask width\"}," \
  "{\"name\": \"freq_masks\", \"type\": \"int\", \"default\": 0, \"min\": 0, \"max\": 100," \
  " \"label\": \"Augment: frequency masks\", \"help\": \"SpecAugment masks along frequency\"}," \
  "{\"name\": \"freq_mask_width\", \"type\": \"int\", \"default\": 0, \"min\": 0, \"max\": 1000," \
  " \"label\": \"Augment: frequency mask width\"}," \
  "{\"name\": \"flip_horizontal\", \"type\": \"bool\", \"default\": false," \
  " \"label\": \"Augment: flip images\"}," \
  "{\"name\": \"crop\", \"type\": \"float\", \"default\": 0, \"min\": 0, \"max\": 0.5," \
  " \"label\": \"Augment: random crop\", \"help\": \"Fraction of each side cropped at most\"}," \
  "{\"name\": \"brightness\", \"type\": \"float\", \"default\": 0, \"min\": 0, \"max\": 1," \
  " \"label\": \"Augment: brightness\"}," \
  "{\"name\": \"contrast\", \"type\": \"float\", \"default\": 0, \"min\": 0, \"max\": 1," \
  " \"label\": \"Augment: contrast\"}," \
  "{\"name\": \"quantize\", \"type\": \"bool\", \"default\": true, \"label\": \"Quantize (int8)\"," \
  " \"help\": \"Also build an int8 model, calibrated on up to 1000 training windows\"}"

/* Relays nn/'s epoch statistics to the host's progress callback with a
 * one-line message, and cancels @cancellable when the host asks to stop.
 * @accuracy_what names what accuracy counts ("accuracy", or "object cells
 * right" for detection). Pass as the EmNnEpochFunc's user data. */
typedef struct {
  const EmLearnCallbacks *callbacks;
  GCancellable           *cancellable;
  const char             *accuracy_what;
} EmLearnEpochRelay;

void em_learn_relay_epoch (const EmNnEpochStats *s, gpointer relay);

G_END_DECLS
