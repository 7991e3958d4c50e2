/* SPDX-License-Identifier: Apache-2.0 */
/* em-nn-model.h — a neural network as the user describes it: an ordered list
 * of layers (each reads the previous one, or named earlier ones for ADD),
 * with shapes inferred, parameters and MACs counted.
 *
 * This is the host side of nn/ (training, quantization): it uses GLib and
 * json-glib. The inference kernels (em-nn-kernels.h, em-nn-program.h) do not.
 *
 * JSON (Keras-like names, so the architecture reads the way users know it):
 *   { "input_shape": [49, 13],                  -- [n] | [w, c] | [h, w, c]
 *     "layers": [
 *       {"type": "reshape", "shape": [1, 49, 13]},
 *       {"type": "conv1d", "filters": 8, "kernel_size": 3, "padding": "same",
 *        "activation": "relu"},
 *       {"type": "maxpool1d", "pool_size": 2},
 *       {"type": "dropout", "rate": 0.25},
 *       {"type": "flatten"},
 *       {"type": "dense", "units": 3, "activation": "linear"},
 *       {"type": "softmax"} ] }
 * Types: dense, conv1d, conv2d, depthwise_conv2d, maxpool1d, maxpool2d,
 * avgpool1d, avgpool2d, global_avgpool, batchnorm, dropout, flatten,
 * reshape, add, activation, softmax.
 * Keys: name (default "<type>_<index>"), inputs (["name", ...]; default the
 * previous layer; add takes two), units, filters, kernel_size (int or
 * [kh, kw]), strides (int or [sh, sw]; pools default to pool_size),
 * pool_size (int or pair), padding ("valid" default | "same", TF rules),
 * depth_multiplier (1), activation ("linear" | "relu" | "relu6" |
 * "sigmoid" | "tanh"), use_bias (true), rate (dropout), epsilon (1e-3),
 * momentum (0.99) for batchnorm, shape (reshape: 1–3 dims).
 * Shapes are always (h, w, c); [n] means (1, 1, n) and [w, c] (1, w, c).
 * 1-D layers need h = 1 and act along w.
 */
#pragma once

#include <glib.h>
#include "em-nn-kernels.h"

G_BEGIN_DECLS

#define EM_NN_ERROR (em_nn_error_quark ())
GQuark em_nn_error_quark (void);

typedef enum {
  EM_NN_ERROR_INVALID_MODEL,   /* bad JSON, unknown type, impossible shape */
  EM_NN_ERROR_INVALID_DATA,    /* NaN/Inf features, labels out of range, one class... */
  EM_NN_ERROR_CORRUPT,         /* a saved model that does not load */
  EM_NN_ERROR_DIVERGED,        /* loss became NaN / Inf */
} EmNnError;

typedef enum {
  EM_NN_DENSE,
  EM_NN_CONV1D,
  EM_NN_CONV2D,
  EM_NN_DEPTHWISE_CONV2D,
  EM_NN_MAXPOOL1D,
  EM_NN_MAXPOOL2D,
  EM_NN_AVGPOOL1D,
  EM_NN_AVGPOOL2D,
  EM_NN_GLOBAL_AVGPOOL,
  EM_NN_BATCHNORM,
  EM_NN_DROPOUT,
  EM_NN_FLATTEN,
  EM_NN_RESHAPE,
  EM_NN_ADD,
  EM_NN_ACTIVATION,
  EM_NN_SOFTMAX,
} EmNnLayerType;

typedef enum {
  EM_NN_PAD_VALID,
  EM_NN_PAD_SAME,
} EmNnPadding;

typedef struct {
  int h, w, c;
} EmNnDims;

static inline int
em_nn_dims_size (EmNnDims d)
{
  return d.h * d.w * d.c;
}

typedef struct {
  EmNnLayerType  type;
  char          *name;
  int            n_inputs;        /* 1, or 2 for add */
  int            inputs[2];       /* index of an earlier layer, or -1 = the model input */

  /* hyper-parameters (those that apply to the type; others 0) */
  int            units;           /* dense */
  int            filters;         /* conv1d / conv2d */
  int            kernel_h, kernel_w;   /* conv kernel or pool size */
  int            stride_h, stride_w;
  int            depth_multiplier;
  EmNnPadding    padding;
  EmNnActivation activation;      /* fused: dense, conv*, depthwise, activation layer */
  gboolean       use_bias;
  float          rate;            /* dropout */
  float          epsilon, momentum;  /* batchnorm */
  EmNnDims       reshape;         /* reshape target */

  /* inferred by em_nn_model_new_from_json */
  EmNnDims       in, out;
  int            pad_top, pad_left;
  guint64        macs;
  gsize          n_params;

  /* parameters (NULL when the type has none); layouts as em-nn-kernels.h:
   * dense [units][in], conv [filters][kh][kw][in_c], depthwise [kh][kw][in_c*mult] */
  float         *weights;  gsize n_weights;
  float         *bias;     gsize n_bias;
  /* batchnorm: [c] each */
  float         *gamma, *beta, *moving_mean, *moving_var;
} EmNnLayer;

typedef struct {
  EmNnDims    input;
  GPtrArray  *layers;     /* (element-type EmNnLayer) topological order; last = output */
} EmNnModel;

/* Parse and infer shapes; parameters are allocated and zero. Errors name the
 * layer and the reason ("conv2d_2: kernel 5×5 does not fit input 3×3 with
 * padding valid"). (transfer full) */
EmNnModel  *em_nn_model_new_from_json  (const char *json, GError **error);
/* Architecture only, in the JSON form above (round-trips). (transfer full) */
char       *em_nn_model_to_json        (const EmNnModel *model);
/* Keras defaults: Glorot-uniform weights, zero bias, batchnorm gamma 1,
 * beta 0, mean 0, var 1; deterministic for a seed. */
void        em_nn_model_init_weights   (EmNnModel *model, guint64 seed);
EmNnModel  *em_nn_model_copy           (const EmNnModel *model);
/* Same architecture required. */
void        em_nn_model_copy_weights   (EmNnModel *dst, const EmNnModel *src);
void        em_nn_model_free           (EmNnModel *model);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmNnModel, em_nn_model_free)

EmNnDims    em_nn_model_output         (const EmNnModel *model);
gsize       em_nn_model_n_params       (const EmNnModel *model);
guint64     em_nn_model_macs           (const EmNnModel *model);
/* A Keras-like table: name, type, output shape, params, MACs; totals. */
char       *em_nn_model_summary        (const EmNnModel *model);
/* Every weight finite? FALSE names the layer. */
gboolean    em_nn_model_check_finite   (const EmNnModel *model, GError **error);

/* Serialized: "EMNN" magic, format version (u32 LE), JSON length (u32 LE),
 * the architecture JSON, then every layer's parameters as float32 LE in
 * layer order (weights, bias, gamma, beta, moving_mean, moving_var).
 * Loading checks magic, version, lengths and that every number is finite. */
GBytes     *em_nn_model_save           (const EmNnModel *model);
EmNnModel  *em_nn_model_load           (GBytes *bytes, GError **error);

/* The inference form: batchnorm following a conv / depthwise / dense (with
 * no activation in between) folded into its weights and bias, dropout
 * removed, a batchnorm that cannot fold becomes a 1×1 depthwise conv (scale
 * and shift), so inference needs no batchnorm op. Outputs equal the original's
 * inference outputs up to float rounding. (transfer full) */
EmNnModel  *em_nn_model_fold           (const EmNnModel *model, GError **error);

G_END_DECLS
