/* SPDX-License-Identifier: Apache-2.0 */
/* em-codegen.h — turn a trained impulse into interpreter-free C.
 *
 * The caller (ember-cli deploy, the app) gathers an EmCodegenImpulse from
 * the project: the input window, each processing block's EmDeviceCode (the
 * block's own description of its dsp/ calls) and the learning block's
 * exported model ("emnq" or "em-anomaly-json"). codegen/ knows no block by
 * name: it pastes the device code, emits the model's op list as straight-line
 * kernel calls over one arena planned at generation time, and copies only
 * the dsp/ and nn/ runtime files those calls use (embedded in this library
 * as resources, so what is copied is what Ember was built from).
 *
 * Host code: GLib. Generated code: C99, no allocation, no GLib.
 */
#pragma once

#include <gio/gio.h>
#include "ember-plugin.h"

G_BEGIN_DECLS

#define EM_CODEGEN_ERROR (em_codegen_error_quark ())
GQuark em_codegen_error_quark (void);

typedef enum {
  EM_CODEGEN_ERROR_INVALID,    /* a bad description or model */
  EM_CODEGEN_ERROR_EXISTS,     /* the target folder exists and is not empty */
  EM_CODEGEN_ERROR_UNKNOWN_TARGET,
  EM_CODEGEN_ERROR_IO,
} EmCodegenError;

/* One processing block as the device runs it. */
typedef struct {
  char         *id;           /* the block's id in the impulse (comments, names) */
  char         *plugin;
  EmDeviceCode  code;
  guint32       n_frames;     /* of the block's own window */
  guint32       n_axes;
  guint32      *axis_index;   /* [n_axes]: the window's axis each block axis reads */
  guint32       n_features;   /* rows × cols */
} EmCodegenDsp;

void em_codegen_dsp_free (EmCodegenDsp *dsp);

typedef struct {
  /* The raw window em_run_impulse() receives (the input block's job, done
   * by the caller on the device): n_frames × n_axes interleaved, or
   * height × width × 3 for images. */
  EmSignalInfo  input;
  GStrv         axes;              /* axis names (time series / audio), NULL for images */
  double        window_ms, window_increase_ms;
  GPtrArray    *dsp;               /* (element-type EmCodegenDsp), in feature order */

  /* The model. */
  char         *learn_id, *learn_plugin;
  guint32       task;              /* EmLearnTask */
  const char   *format;            /* "emnq" or "em-anomaly-json" */
  GBytes       *model;
  GStrv         labels;            /* [n_outputs] output names */
  gboolean      int8;              /* the model is the int8 program */
  float         threshold;         /* classification: "uncertain" under it; object
                                  * detection: a cell is an object cell from it on */
  gint32        detect_connectivity; /* object detection: 4 (edge) or 8 (corner too)
                                      * neighbouring cells merge; 0 = 8 */

  /* Optional second model: an anomaly block on the same features, whose
   * score goes to result.anomaly. */
  char         *anomaly_id;
  GBytes       *anomaly_json;

  /* Metadata for ember_impulse_meta.h. */
  char         *project_name;
  char         *model_version;     /* e.g. the model's creation time and params key */

  /* (nullable) (element-type float): one raw window of the project's data,
   * for examples that run without a sensor (the Arduino sketch). */
  GArray       *example_window;
} EmCodegenImpulse;

EmCodegenImpulse *em_codegen_impulse_new  (void);
void              em_codegen_impulse_free (EmCodegenImpulse *impulse);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmCodegenImpulse, em_codegen_impulse_free)

/* Targets this build can generate: NULL-terminated {id, description} pairs. */
typedef struct {
  const char *id;
  const char *description;
} EmCodegenTarget;
const EmCodegenTarget *em_codegen_targets (void);

/* What a generation wrote. */
typedef struct {
  guint   n_files;
  guint64 source_lines;      /* in the .c/.h files written */
  guint32 arena_bytes;
  guint32 arena_min_bytes;   /* lower bound: the most bytes live at any one op */
  guint64 dsp_scratch_bytes;
  guint64 weight_bytes;      /* constant model data */
} EmCodegenSummary;

/* Write @target for @impulse into @dir: "c-library", or "linux" (the
 * library plus runner.c and a Makefile whose default goal also builds the
 * `runner` program). @dir may exist only when empty, unless @force (then
 * files of the same names are replaced; nothing else in it is touched).
 * Every path written is checked to stay under @dir. */
gboolean em_codegen_generate (const EmCodegenImpulse *impulse, const char *target, const char *dir,
                              gboolean force, EmCodegenSummary *summary, GError **error);

/* A template file of codegen/targets/ embedded in this library
 * ("cortex-m/startup.c", "cortex-m/mps2-an386.ld", "cortex-m/report-main.c",
 * "linux/runner.c"); NULL when there is none of that name. */
GBytes  *em_codegen_target_file (const char *name);

G_END_DECLS
