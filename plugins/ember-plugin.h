/* SPDX-License-Identifier: Apache-2.0 */
/* ember-plugin.h — the only header an Ember block plugin needs.
 *
 * A plugin is a shared object exporting one function:
 *
 *     const EmPluginInfo *em_plugin_info (void);
 *
 * which returns a constant descriptor whose FIRST field is the ABI version
 * the plugin was built against. Ember checks that field before touching
 * anything else, so a plugin built for another ABI is refused cleanly.
 * Plain C; no GLib types, so a plugin can be written with any toolchain.
 *
 * Parameters reach a block as name/value strings that Ember has already
 * checked against the block's parameter schema (types, ranges, choices);
 * em_plugin_param_*() below read them.
 */
#ifndef EMBER_PLUGIN_H
#define EMBER_PLUGIN_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bump when any struct below changes incompatibly. */
#define EM_PLUGIN_ABI 1

typedef enum {
  EM_BLOCK_PROCESSING = 1,
  EM_BLOCK_LEARNING = 2,
  EM_BLOCK_DEPLOYMENT = 3,
} EmBlockKind;

/* Input kinds a processing block accepts (bit mask). */
#define EM_INPUT_TIME_SERIES (1u << 0)
#define EM_INPUT_AUDIO       (1u << 1)
#define EM_INPUT_IMAGE       (1u << 2)

typedef struct {
  const char *name;
  const char *value;
} EmPluginParam;

/* What a processing block will be fed: one window. */
typedef struct {
  uint32_t input_kind;    /* one EM_INPUT_* bit */
  uint32_t n_frames;      /* time series / audio: frames in a window; images: 1 */
  uint32_t n_axes;        /* time series / audio: axes; images: channels (3 = RGB) */
  uint32_t width, height; /* images only */
  double   frequency_hz;  /* time series / audio; 0 for images */
} EmSignalInfo;

/* One window of data.
 * Time series / audio: n_frames × n_axes floats, interleaved by frame, raw
 *   values as recorded (audio in [-1, 1) is scaled back to 16-bit range
 *   ×32768, as Edge Impulse's blocks expect).
 * Images: height × width × 3 floats, RGB, 0..255, row-major (HWC). */
typedef struct {
  EmSignalInfo info;
  const float *data;
} EmSignal;

/* Output shape: rows × cols features (cols = 1 for flat feature vectors). */
typedef struct {
  uint32_t rows;
  uint32_t cols;
} EmFeatureShape;

/* How a processing block runs on a device, filled by its optional
 * device_code op; codegen/ pastes it into the generated C library. The block
 * describes the very dsp/ calls its run() makes, with the same parameters,
 * so the device computes what the host computes. In declare and run,
 * codegen replaces these placeholders:
 *   @P@             a prefix unique to this block, for file-scope names
 *   @IN@            const float *: one window, laid out as run() gets it
 *   @OUT@           float *: the block's features (rows × cols)
 *   @SCRATCH@       void *: scratch_bytes bytes, EM_DSP_ALIGN-aligned
 *   @SCRATCH_BYTES@ size_t: scratch_bytes
 * Every text is NUL-terminated; an unused one is "". */
typedef struct {
  /* dsp/ files it needs, space-separated, names relative to dsp/
   * ("em-dsp-mfcc.h em-dsp-mfcc.c"). Listed headers are #included; headers
   * those files include (and their .c files) come along by themselves. */
  char     files[256];
  /* File-scope C99, e.g. the block's constant parameter struct:
   * "static const em_dsp_mfcc_params @P@params = { ... };" */
  char     declare[2048];
  /* C99 statements computing one window's features; they set the int
   * `status` (0 on success, already 0 on entry). */
  char     run[1024];
  uint64_t scratch_bytes;
} EmDeviceCode;

/* Processing block operations. Return 0 on success, negative on error with a
 * one-line reason written to err (err_len bytes, always NUL-terminated). */
typedef struct {
  /* Check the parameters for this input, compute the output shape and build
   * a state (scratch memory included) that run() uses without allocating.
   * One state per thread. */
  int  (*init)     (const EmPluginParam *params, size_t n_params, const EmSignalInfo *input,
                    void **state, EmFeatureShape *out_shape, char *err, size_t err_len);
  /* Features of one window into out (rows × cols floats). */
  int  (*run)      (void *state, const EmSignal *signal, float *out, char *err, size_t err_len);
  void (*free)     (void *state);
  /* Optional: multiply-adds per window and scratch bytes the device needs. */
  int  (*cost)     (void *state, uint64_t *macs, uint64_t *scratch_bytes);
  /* Optional: suggest parameters from example windows; writes "name=value"
   * lines to out (out_len bytes). */
  int  (*autotune) (const EmPluginParam *params, size_t n_params, const EmSignal *examples,
                    size_t n_examples, char *out, size_t out_len, char *err, size_t err_len);
  /* Optional: the C code that computes run()'s features on a device, for
   * the state init() made (see EmDeviceCode). A block without it cannot be
   * deployed. */
  int  (*device_code) (void *state, EmDeviceCode *code, char *err, size_t err_len);
  void *reserved[7];
} EmProcessingOps;

/* --- learning blocks ------------------------------------------------------
 * A learning block trains on the features of the impulse's processing
 * blocks (concatenated per window, in the order the impulse lists its
 * inputs) and runs on one feature vector. The trained model is an opaque
 * byte blob the block defines (Ember stores it in the project); it holds the
 * float model and, where the block quantizes, the int8 one. */
typedef struct {
  uint32_t           n_features;   /* per window, all inputs concatenated */
  uint32_t           rows, cols;   /* shape of the first input's features (rows × cols; cols = 1 when flat) */
  uint32_t           n_inputs;     /* processing blocks feeding this block */
  uint32_t           input_kind;   /* EM_INPUT_* of the impulse's input */
  uint32_t           width, height; /* image input: pixels (rows = width × height, cols = channels); else 0 */
  uint32_t           n_classes;    /* classification: labels; 0 for regression / anomaly */
  const char *const *labels;       /* [n_classes], sorted */
} EmLearnInfo;

/* A ground-truth box for object detection, in the impulse input's pixels
 * (the image as the input block resized it: width × height; x right, y down,
 * (x, y) the top-left corner). */
typedef struct {
  int32_t label;                   /* 1..n_classes: index into EmLearnInfo.labels plus 1 (0 is background) */
  float   x, y, w, h;
} EmLearnBox;

/* Borrowed arrays. */
typedef struct {
  uint32_t       n;                /* windows */
  const float   *x;                /* n × n_features */
  const int32_t *y;                /* classification: class index per window; else NULL */
  const float   *y_value;          /* regression: target per window; else NULL */
  /* Appended for EM_TASK_OBJECT_DETECTION (NULL for every other task; Ember
   * zero-fills the struct, so blocks of other tasks never see garbage):
   * window i's boxes are boxes[box_start[i] .. box_start[i + 1]). */
  const uint32_t   *box_start;     /* [n + 1] */
  const EmLearnBox *boxes;         /* [box_start[n]] */
} EmLearnData;

typedef struct {
  int32_t epoch, n_epochs;
  double  loss, accuracy;          /* accuracy NAN for regression */
  double  val_loss, val_accuracy;  /* NAN without validation */
} EmLearnProgress;

typedef struct {
  /* After each epoch (or step of a non-NN block), on the training thread.
   * log_line: a one-line human message (may be NULL). Return nonzero to
   * cancel; train() then returns EM_LEARN_CANCELLED. */
  int  (*progress) (const EmLearnProgress *progress, const char *log_line, void *user_data);
  void  *user_data;
} EmLearnCallbacks;

#define EM_LEARN_CANCELLED (-2)

/* What a learning block learns; Ember gathers labels accordingly. */
typedef enum {
  EM_TASK_CLASSIFICATION = 1,  /* labels are classes */
  EM_TASK_REGRESSION = 2,      /* labels are numbers: the target */
  EM_TASK_ANOMALY = 3,         /* unsupervised: labels are not used for training */
  EM_TASK_OBJECT_DETECTION = 4, /* labels are the boxes' labels (EmLearnData.boxes); info.n_classes
                                 * counts them without background. run() writes objects: see
                                 * EM_LEARN_OBJECT_* below */
} EmLearnTask;

/* Object detection: run() writes out[0] = the number of objects written
 * (0..EM_LEARN_MAX_OBJECTS, as a float), then per object
 * EM_LEARN_OBJECT_FLOATS floats: label (1..n_classes), x, y, w, h (box in
 * input pixels), cx, cy (centroid), score (0..1); load() reports
 * n_outputs = 1 + EM_LEARN_MAX_OBJECTS × EM_LEARN_OBJECT_FLOATS. */
#define EM_LEARN_MAX_OBJECTS   64
#define EM_LEARN_OBJECT_FLOATS 8

typedef struct {
  uint32_t task;   /* an EmLearnTask */
  /* Suggested parameters for this input ("name=value" lines, e.g. the
   * default architecture as one-line JSON) written to out. */
  int  (*defaults)   (const EmLearnInfo *info, char *out, size_t out_len, char *err, size_t err_len);
  /* Train. On success *model / *model_len hold a blob allocated with
   * malloc() (Ember frees it with free_model), and report (report_len bytes)
   * a JSON object describing the model (architecture, parameter count, arena
   * bytes, best epoch, ...). */
  int  (*train)      (const EmPluginParam *params, size_t n_params, const EmLearnInfo *info,
                      const EmLearnData *data, const EmLearnCallbacks *callbacks,
                      void **model, size_t *model_len, char *report, size_t report_len,
                      char *err, size_t err_len);
  void (*free_model) (void *model);
  /* Prepare a trained blob for running; int8: the quantized model (a block
   * without one returns an error). *n_outputs: classes, or 1 (regression
   * value / anomaly score). */
  int  (*load)       (const void *model, size_t model_len, int int8, void **state,
                      uint32_t *n_outputs, char *err, size_t err_len);
  /* One window's features (n_features floats) → outputs: class
   * probabilities, the regression value or the anomaly score. */
  int  (*run)        (void *state, const float *features, float *out, char *err, size_t err_len);
  void (*free)       (void *state);
  /* Optional: the trained model in a form the code generator understands,
   * so deployment needs no knowledge of the block's blob. *format is a
   * static string: "emnq" (an nn/ program, em_nn_compiled_save(); int8
   * selects the quantized one) or "em-anomaly-json" (em_nn_anomaly_to_json()).
   * *out is malloc()ed; Ember frees it with free(). */
  int  (*export_model) (const void *model, size_t model_len, int int8, const char **format,
                        void **out, size_t *out_len, char *err, size_t err_len);
  void *reserved[7];
} EmLearningOps;

typedef struct {
  const char  *id;            /* stable, lower-case: "mfcc" */
  EmBlockKind  kind;
  const char  *name;          /* "MFCC" */
  const char  *description;   /* one or two sentences for the block palette */
  uint32_t     version;       /* implementation version (changes invalidate cached features) */
  /* Parameter schema, JSON: [{"name", "type": "int"|"float"|"bool"|"enum"|"string",
   * "default", "min", "max", "values": [...] (enum), "label", "help", "units"}] */
  const char  *params_schema;
  uint32_t     input_kinds;   /* EM_INPUT_* mask */
  const void  *ops;           /* EmProcessingOps for EM_BLOCK_PROCESSING, EmLearningOps for EM_BLOCK_LEARNING */
  void        *reserved[8];
} EmBlockInfo;

typedef struct {
  uint32_t           abi_version; /* EM_PLUGIN_ABI: must stay first */
  uint32_t           struct_size; /* sizeof (EmPluginInfo) */
  const char        *name;
  const char        *version;
  uint32_t           n_blocks;
  const EmBlockInfo *blocks;
  void              *reserved[8];
} EmPluginInfo;

#define EM_PLUGIN_SYMBOL "em_plugin_info"

#if defined(_WIN32)
#define EM_PLUGIN_EXPORT __declspec(dllexport)
#else
#define EM_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

typedef const EmPluginInfo *(*EmPluginInfoFunc) (void);

/* The one symbol a plugin exports. */
EM_PLUGIN_EXPORT const EmPluginInfo *em_plugin_info (void);

/* --- reading parameters ------------------------------------------------ */

static inline const char *
em_plugin_param_string (const EmPluginParam *params, size_t n, const char *name, const char *fallback)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp (params[i].name, name) == 0)
      return params[i].value;
  return fallback;
}

/* Numbers always use '.' as the decimal point, whatever the locale. */
static inline double
em_plugin_param_double (const EmPluginParam *params, size_t n, const char *name, double fallback)
{
  const char *v = em_plugin_param_string (params, n, name, NULL);
  double value = 0, scale = 1, sign = 1;
  int exp_sign = 1, exponent = 0, seen = 0;

  if (v == NULL)
    return fallback;
  if (*v == '-' || *v == '+')
    sign = *v++ == '-' ? -1 : 1;
  for (; *v >= '0' && *v <= '9'; v++, seen = 1)
    value = value * 10 + (*v - '0');
  if (*v == '.')
    for (v++; *v >= '0' && *v <= '9'; v++, seen = 1)
      value += (*v - '0') * (scale /= 10);
  if (seen && (*v == 'e' || *v == 'E'))
    {
      v++;
      if (*v == '-' || *v == '+')
        exp_sign = *v++ == '-' ? -1 : 1;
      for (; *v >= '0' && *v <= '9'; v++)
        exponent = exponent * 10 + (*v - '0');
      while (exponent-- > 0)
        value = exp_sign > 0 ? value * 10 : value / 10;
    }
  return seen ? sign * value : fallback;
}

static inline long
em_plugin_param_int (const EmPluginParam *params, size_t n, const char *name, long fallback)
{
  const char *v = em_plugin_param_string (params, n, name, NULL);
  return v != NULL ? strtol (v, NULL, 10) : fallback;
}

static inline int
em_plugin_param_bool (const EmPluginParam *params, size_t n, const char *name, int fallback)
{
  const char *v = em_plugin_param_string (params, n, name, NULL);
  if (v == NULL)
    return fallback;
  return strcmp (v, "true") == 0 || strcmp (v, "1") == 0 || strcmp (v, "yes") == 0;
}

/* Write a one-line message into err. */
static inline int
em_plugin_error (char *err, size_t err_len, int status, const char *message)
{
  if (err != NULL && err_len > 0)
    {
      size_t n = strlen (message);
      if (n >= err_len)
        n = err_len - 1;
      memcpy (err, message, n);
      err[n] = '\0';
    }
  return status < 0 ? status : -1;
}

#ifdef __cplusplus
}
#endif

#endif /* EMBER_PLUGIN_H */
