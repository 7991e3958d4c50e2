/* SPDX-License-Identifier: Apache-2.0 */
/* em-nn-model-private.h — helpers shared by em-nn-model.c, em-nn-model-io.c
 * and em-nn-fold.c. Not part of the contract. */
#pragma once

#include "em-nn-model.h"

G_BEGIN_DECLS

/* The name the JSON "inputs" list uses for the model input (index -1). */
#define EM_NN_MODEL_INPUT_NAME "input"

/* At most this many parameter tensors per layer (weights, bias, gamma, beta,
 * moving_mean, moving_var). */
#define EM_NN_LAYER_MAX_TENSORS 6

typedef struct {
  float      *data;
  gsize       n;
  const char *what;   /* "weights", "bias", "gamma", ... for messages */
} EmNnTensorRef;

const char *em_nn_layer_type_name   (EmNnLayerType type);
const char *em_nn_activation_name   (EmNnActivation act);
gboolean    em_nn_layer_type_from_name (const char *name, EmNnLayerType *out);
gboolean    em_nn_activation_from_name (const char *name, EmNnActivation *out);
void        em_nn_layer_free        (EmNnLayer *layer);
EmNnLayer  *em_nn_layer_copy        (const EmNnLayer *layer);
/* n_weights, n_bias, n_params from the inferred shapes; nothing allocated. */
void        em_nn_layer_param_sizes (EmNnLayer *layer);
/* Sizes, then zero parameters (init_weights sets the Keras defaults). */
void        em_nn_layer_alloc_params (EmNnLayer *layer);
/* The layer's parameter tensors in serialization order; returns how many. */
int         em_nn_layer_tensors     (const EmNnLayer *layer, EmNnTensorRef out[EM_NN_LAYER_MAX_TENSORS]);
/* em_nn_model_new_from_json, optionally without allocating parameters
 * (sizes are set), so a loader can check a blob's length first. */
EmNnModel  *em_nn_model_parse       (const char *json, gboolean alloc, GError **error);
/* A model with no layers yet. (transfer full) */
EmNnModel  *em_nn_model_new_empty   (EmNnDims input);
/* Dims as "h×w×c". (transfer full) */
char       *em_nn_dims_to_string    (EmNnDims d);

G_END_DECLS
