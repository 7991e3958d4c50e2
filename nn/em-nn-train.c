/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <string.h>
#include "em-nn-fomo.h"
#include "em-nn-net.h"
#include "em-nn-optim-private.h"
#include "em-nn-sliced-private.h"
#include "em-nn-train.h"

/* How often (in batches) a long epoch looks at the GCancellable. */
#define CANCEL_CHECK_EVERY 8
/* Probabilities are clipped like Keras' cross-entropy so log(0) never
 * turns a confident mistake into an infinite loss. */
#define PROB_EPS 1e-7

void
em_nn_train_options_init (EmNnTrainOptions *o)
{
  memset (o, 0, sizeof *o);
  o->epochs = 30;
  o->batch_size = 32;
  o->learning_rate = 0.005;
  o->optimizer = EM_NN_OPTIMIZER_ADAM;
  o->momentum = 0.9;
  o->weight_decay = 0;
  o->loss = EM_NN_LOSS_CROSS_ENTROPY;
  o->label_smoothing = 0;
  o->huber_delta = 1.0;
  o->class_weights = NULL;
  o->validation_split = 0.2;
  o->validation = NULL;
  o->early_stopping_patience = 0;
  o->seed = 1;
  o->object_weight = EM_NN_FOMO_OBJECT_WEIGHT;
}

void
em_nn_train_result_free (EmNnTrainResult *result)
{
  if (result == NULL)
    return;
  if (result->history != NULL)
    g_array_unref (result->history);
  g_free (result);
}

float *
em_nn_class_weights_balanced (const EmNnDataset *data)
{
  int k = MAX (data->n_classes, 0);
  float *w = g_new0 (float, MAX (k, 1));
  g_autofree int *count = g_new0 (int, MAX (k, 1));

  for (int i = 0; data->y != NULL && i < data->n; i++)
    if (data->y[i] >= 0 && data->y[i] < k)
      count[data->y[i]]++;
  /* A class without windows gets weight 0: it contributes nothing anyway. */
  for (int c = 0; c < k; c++)
    w[c] = count[c] > 0 ? (float) data->n / ((float) k * count[c]) : 0.f;
  return w;
}

static gboolean
is_classification (const EmNnTrainOptions *o)
{
  return o->loss == EM_NN_LOSS_CROSS_ENTROPY;
}

static gboolean
is_fomo (const EmNnTrainOptions *o)
{
  return o->loss == EM_NN_LOSS_FOMO;
}

/* Per-cell targets: the model's output is [h][w][n_classes] logits. */
static gboolean
check_fomo_data (const EmNnModel *model, const EmNnDataset *data, const char *what, GError **error)
{
  EmNnDims out = em_nn_model_output (model);
  int n_cells = out.h * out.w;

  if (data->y_cells == NULL)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA,
                   "%sobject detection needs per-cell targets (y_cells)", what);
      return FALSE;
    }
  if (data->n_classes < 2 || data->n_classes != out.c)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA,
                   "%sclasses: %d with background, the model's output has %d channels per cell", what,
                   data->n_classes, out.c);
      return FALSE;
    }
  for (gsize i = 0; i < (gsize) data->n * n_cells; i++)
    if (data->y_cells[i] < 0 || data->y_cells[i] >= data->n_classes)
      {
        g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA, "%swindow %d, cell %d: target %d out of range 0..%d",
                     what, (int) (i / n_cells), (int) (i % n_cells), data->y_cells[i], data->n_classes - 1);
        return FALSE;
      }
  return TRUE;
}

/* @what prefixes messages about an explicit validation set ("validation: "). */
static gboolean
check_data (const EmNnModel *model, const EmNnDataset *data, const EmNnTrainOptions *o,
            gboolean training, const char *what, GError **error)
{
  int in_size = em_nn_dims_size (model->input), out_size = em_nn_dims_size (em_nn_model_output (model));

  if (data == NULL || data->n <= 0 || data->x == NULL)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA, "%sno %s windows", what,
                   training ? "training" : "validation");
      return FALSE;
    }
  if (data->n_features != in_size)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA,
                   "%sfeatures: %d per window, the model's input takes %d", what, data->n_features, in_size);
      return FALSE;
    }
  if (is_fomo (o))
    {
      if (!check_fomo_data (model, data, what, error))
        return FALSE;
    }
  else if (is_classification (o))
    {
      if (data->y == NULL)
        {
          g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA,
                       "%scross-entropy needs class labels (y)", what);
          return FALSE;
        }
      if (data->n_classes != out_size)
        {
          g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA,
                       "%sclasses: %d, the model's output has %d units", what, data->n_classes, out_size);
          return FALSE;
        }
      for (int i = 0; i < data->n; i++)
        if (data->y[i] < 0 || data->y[i] >= data->n_classes)
          {
            g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA,
                         "%swindow %d: label %d out of range 0..%d", what, i, data->y[i],
                         data->n_classes - 1);
            return FALSE;
          }
    }
  else
    {
      if (data->y_value == NULL)
        {
          g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA,
                       "%sregression needs target values (y_value)", what);
          return FALSE;
        }
      if (data->n_outputs != out_size)
        {
          g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA,
                       "%stargets: %d per window, the model's output has %d", what, data->n_outputs, out_size);
          return FALSE;
        }
      for (gsize i = 0; i < (gsize) data->n * data->n_outputs; i++)
        if (!isfinite (data->y_value[i]))
          {
            g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA, "%swindow %d, target %d is %s",
                         what, (int) (i / data->n_outputs), (int) (i % data->n_outputs),
                         isnan (data->y_value[i]) ? "NaN" : "infinite");
            return FALSE;
          }
    }
  for (gsize i = 0; i < (gsize) data->n * data->n_features; i++)
    if (!isfinite (data->x[i]))
      {
        g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA, "%swindow %d, feature %d is %s", what,
                     (int) (i / data->n_features), (int) (i % data->n_features),
                     isnan (data->x[i]) ? "NaN" : "infinite");
        return FALSE;
      }
  if (is_classification (o) && training)
    {
      g_autofree int *count = g_new0 (int, data->n_classes);
      int present = 0, only = -1;
      for (int i = 0; i < data->n; i++)
        count[data->y[i]]++;
      for (int c = 0; c < data->n_classes; c++)
        if (count[c] > 0)
          {
            present++;
            only = c;
          }
      if (present < 2)
        {
          g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA,
                       "only one class (%d) in the training data: need at least two", only);
          return FALSE;
        }
      for (int c = 0; c < data->n_classes; c++)
        if (count[c] == 0)
          {
            g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA, "class %d has no training windows", c);
            return FALSE;
          }
    }
  return TRUE;
}

static gboolean
check_setup (EmNnModel *model, const EmNnDataset *data, const EmNnTrainOptions *o, GError **error)
{
  const EmNnLayer *last;

  if (model->layers->len == 0)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL, "the model has no layers");
      return FALSE;
    }
  last = g_ptr_array_index (model->layers, model->layers->len - 1);
  if (is_classification (o) && last->type != EM_NN_SOFTMAX)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                   "%s: cross-entropy needs a softmax as the last layer", last->name);
      return FALSE;
    }
  /* The per-cell softmax lives in the loss: a softmax layer would be over
   * the whole flattened grid, which is not what FOMO means. */
  if (is_fomo (o) && last->type == EM_NN_SOFTMAX)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                   "%s: object detection trains on per-cell logits; end the model with the 1x1 convolution, "
                   "not a softmax", last->name);
      return FALSE;
    }
  if (is_fomo (o) && !(o->object_weight > 0 && isfinite (o->object_weight)))
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA, "object weight %g: must be above 0",
                   o->object_weight);
      return FALSE;
    }
  if (o->epochs < 1 || o->batch_size < 1)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA, "%s %d: must be at least 1",
                   o->epochs < 1 ? "epochs" : "batch size", o->epochs < 1 ? o->epochs : o->batch_size);
      return FALSE;
    }
  if (!(o->learning_rate > 0) || !isfinite (o->learning_rate))
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA, "learning rate %g: must be above 0",
                   o->learning_rate);
      return FALSE;
    }
  if (!(o->validation_split >= 0 && o->validation_split < 1))
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA,
                   "validation split %g: must be in [0, 1)", o->validation_split);
      return FALSE;
    }
  if (!(o->label_smoothing >= 0 && o->label_smoothing < 1))
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA,
                   "label smoothing %g: must be in [0, 1)", o->label_smoothing);
      return FALSE;
    }
  if (o->loss == EM_NN_LOSS_HUBER && !(o->huber_delta > 0))
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA, "huber delta %g: must be above 0",
                   o->huber_delta);
      return FALSE;
    }
  if (!check_data (model, data, o, TRUE, "", error))
    return FALSE;
  if (is_classification (o) && o->class_weights != NULL)
    for (int c = 0; c < data->n_classes; c++)
      if (!(o->class_weights[c] >= 0) || !isfinite (o->class_weights[c]))
        {
          g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA,
                       "class weight %d is %g: must be finite and at least 0", c, o->class_weights[c]);
          return FALSE;
        }
  if (o->validation != NULL && !check_data (model, o->validation, o, FALSE, "validation: ", error))
    return FALSE;
  return em_nn_model_check_finite (model, error);
}

typedef struct {
  double sum_loss;    /* Σ w_i · loss_i */
  double sum_weight;  /* Σ w_i */
  guint  right;
  guint  counted;     /* fomo: object cells seen (right counts those predicted right) */
} LossSum;

/* Loss of one batch (rows index @data) from the network's output, added to
 * @acc. With @d, also dLoss/dOutput for em_nn_net_backward: for
 * cross-entropy the gradient at the softmax input, w_i (p − t) / Σ w, with
 * t = (1 − ε)·onehot + ε/K; for MSE / Huber the mean over outputs and
 * windows. Validation passes @class_weights NULL (Keras weighs training only).
 * Returns this batch's loss. */
static double
batch_loss (const EmNnTrainOptions *o, const EmNnDataset *data, const int *rows, int n,
            const float *out, int k, const float *class_weights, float *d, LossSum *acc)
{
  double sum = 0, wsum = 0;

  if (is_fomo (o))
    {
      int n_cells = k / data->n_classes, c = data->n_classes;
      /* em_nn_fomo_loss averages over cells; the batch is averaged over windows. */
      for (int i = 0; i < n; i++)
        {
          const float *z = out + (gsize) i * k;
          const int32_t *t = data->y_cells + (gsize) rows[i] * n_cells;
          float *g = d != NULL ? d + (gsize) i * k : NULL;
          sum += em_nn_fomo_loss (z, t, n_cells, c, (float) o->object_weight, g);
          wsum += 1;
          for (int j = 0; j < n_cells; j++)
            if (t[j] != 0)
              {
                int best = 0;
                for (int q = 1; q < c; q++)
                  if (z[(gsize) j * c + q] > z[(gsize) j * c + best])
                    best = q;
                acc->counted++;
                acc->right += best == t[j];
              }
        }
      if (d != NULL)
        for (gsize i = 0; i < (gsize) n * k; i++)
          d[i] /= n;
    }
  else if (is_classification (o))
    {
      double eps = o->label_smoothing, off = eps / k, on = 1.0 - eps + off;
      for (int i = 0; i < n; i++)
        {
          const float *p = out + (gsize) i * k;
          int y = data->y[rows[i]], best = 0;
          double w = class_weights != NULL ? class_weights[y] : 1.0, ce = 0;
          for (int j = 0; j < k; j++)
            {
              double t = j == y ? on : off;
              if (t > 0)
                ce -= t * log (CLAMP ((double) p[j], PROB_EPS, 1.0));
              if (p[j] > p[best])
                best = j;
            }
          sum += w * ce;
          wsum += w;
          if (best == y)
            acc->right++;
        }
      if (d != NULL)
        {
          double scale = wsum > 0 ? 1.0 / wsum : 0;
          for (int i = 0; i < n; i++)
            {
              int y = data->y[rows[i]];
              double w = (class_weights != NULL ? class_weights[y] : 1.0) * scale;
              for (int j = 0; j < k; j++)
                d[(gsize) i * k + j] = (float) (w * (out[(gsize) i * k + j] - (j == y ? on : off)));
            }
        }
    }
  else
    {
      double delta = o->huber_delta, inv = 1.0 / ((double) n * k);
      for (int i = 0; i < n; i++)
        {
          const float *yv = data->y_value + (gsize) rows[i] * k;
          double li = 0;
          for (int j = 0; j < k; j++)
            {
              double r = (double) out[(gsize) i * k + j] - yv[j], a = fabs (r), g;
              if (o->loss == EM_NN_LOSS_MSE)
                {
                  li += r * r;
                  g = 2 * r;
                }
              else
                {
                  li += a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
                  g = CLAMP (r, -delta, delta);
                }
              if (d != NULL)
                d[(gsize) i * k + j] = (float) (g * inv);
            }
          sum += li / k;
          wsum += 1;
        }
    }
  acc->sum_loss += sum;
  acc->sum_weight += wsum;
  return wsum > 0 ? sum / wsum : 0;
}

typedef struct {
  EmNnModel               *model;
  const EmNnTrainOptions  *o;
  EmNnSliced              *net;
  EmNnOptim               *optim;
  GArray                  *params;
  int                      in_size, out_size, max_batch;
  float                   *bx, *bd, *scratch;
  int                     *brows;
  GRand                   *shuffle, *dropout, *augment;
} Trainer;

static GRand *
seeded_rand (guint64 seed, guint32 stream)
{
  /* One independent stream per purpose, so turning augmentation on does not
   * change the batch order, and vice versa. */
  guint32 s[3] = { (guint32) seed, (guint32) (seed >> 32), stream };
  return g_rand_new_with_seed_array (s, 3);
}

static gboolean
trainer_init (Trainer *t, EmNnModel *model, const EmNnTrainOptions *o, int max_rows, GError **error)
{
  memset (t, 0, sizeof *t);
  t->model = model;
  t->o = o;
  t->in_size = em_nn_dims_size (model->input);
  t->out_size = em_nn_dims_size (em_nn_model_output (model));
  t->max_batch = MAX (1, MIN (o->batch_size, max_rows));
  t->dropout = seeded_rand (o->seed, 2);
  t->net = em_nn_sliced_new (model, t->max_batch, o->seed, t->dropout, error);
  if (t->net == NULL)
    return FALSE;
  t->params = em_nn_sliced_params (t->net);
  t->optim = em_nn_optim_new (t->params, o->optimizer, o->momentum, o->weight_decay);
  t->bx = g_new (float, (gsize) t->max_batch * t->in_size);
  t->bd = g_new (float, (gsize) t->max_batch * t->out_size);
  t->scratch = g_new (float, t->in_size);
  t->brows = g_new (int, t->max_batch);
  t->shuffle = seeded_rand (o->seed, 1);
  t->augment = seeded_rand (o->seed, 3);
  return TRUE;
}

static void
trainer_clear (Trainer *t)
{
  g_clear_pointer (&t->optim, em_nn_optim_free);
  g_clear_pointer (&t->net, em_nn_sliced_free);
  g_clear_pointer (&t->bx, g_free);
  g_clear_pointer (&t->bd, g_free);
  g_clear_pointer (&t->scratch, g_free);
  g_clear_pointer (&t->brows, g_free);
  g_clear_pointer (&t->shuffle, g_rand_free);
  g_clear_pointer (&t->dropout, g_rand_free);
  g_clear_pointer (&t->augment, g_rand_free);
}

static void
shuffle_rows (int *rows, int n, GRand *rand)
{
  for (int i = n - 1; i > 0; i--)
    {
      int j = g_rand_int_range (rand, 0, i + 1), tmp = rows[i];
      rows[i] = rows[j];
      rows[j] = tmp;
    }
}

/* Forward, loss, backward and one optimizer step on rows[0..n). Returns the
 * batch loss (NaN / Inf when training diverged). */
static double
train_step (Trainer *t, const EmNnDataset *data, const int *rows, int n, double lr, LossSum *acc)
{
  const EmNnTrainOptions *o = t->o;
  gboolean aug = em_nn_augment_is_enabled (&o->augment);

  for (int i = 0; i < n; i++)
    {
      float *dst = t->bx + (gsize) i * t->in_size;
      memcpy (dst, data->x + (gsize) rows[i] * t->in_size, t->in_size * sizeof (float));
      if (aug)
        em_nn_augment_apply (&o->augment, t->model->input, dst, t->scratch, t->augment);
    }
  const float *out = em_nn_sliced_forward (t->net, t->bx, n, TRUE);
  double loss = batch_loss (o, data, rows, n, out, t->out_size,
                            is_classification (o) ? o->class_weights : NULL, t->bd, acc);
  if (!isfinite (loss))
    return loss;
  em_nn_sliced_backward (t->net, t->bd, n, is_classification (o));
  em_nn_optim_step (t->optim, t->params, lr);
  return loss;
}

/* Inference-mode loss and accuracy over rows[0..n) of @data. */
static void
evaluate (Trainer *t, const EmNnDataset *data, const int *rows, int n, double *loss, double *accuracy)
{
  LossSum acc = { 0 };

  for (int s = 0; s < n; s += t->max_batch)
    {
      int nb = MIN (t->max_batch, n - s);
      for (int i = 0; i < nb; i++)
        memcpy (t->bx + (gsize) i * t->in_size, data->x + (gsize) rows[s + i] * t->in_size,
                t->in_size * sizeof (float));
      const float *out = em_nn_sliced_forward (t->net, t->bx, nb, FALSE);
      batch_loss (t->o, data, rows + s, nb, out, t->out_size, NULL, NULL, &acc);
    }
  *loss = acc.sum_weight > 0 ? acc.sum_loss / acc.sum_weight : NAN;
  if (is_fomo (t->o))
    *accuracy = acc.counted > 0 ? (double) acc.right / acc.counted : NAN;
  else
    *accuracy = is_classification (t->o) && n > 0 ? (double) acc.right / n : NAN;
}

void
em_nn_train_split_rows (const int *y, int n, int n_classes, double fraction, guint64 seed,
                        GArray *train, GArray *val)
{
  g_autoptr(GRand) rand = seeded_rand (seed, 0);
  int n_groups = y != NULL ? n_classes : 1;

  for (int c = 0; c < n_groups; c++)
    {
      g_autoptr(GArray) group = g_array_new (FALSE, FALSE, sizeof (int));
      for (int i = 0; i < n; i++)
        if (y == NULL || y[i] == c)
          g_array_append_val (group, i);
      if (group->len == 0)
        continue;
      int n_val = fraction > 0 ? (int) floor (group->len * fraction + 0.5) : 0;
      n_val = MIN (n_val, (int) group->len - 1);
      if (n_val > 0)
        shuffle_rows ((int *) group->data, group->len, rand);
      g_array_append_vals (val, group->data, n_val);
      g_array_append_vals (train, (int *) group->data + n_val, group->len - n_val);
    }
}

static void
split_rows (const EmNnDataset *data, const EmNnTrainOptions *o, GArray *train, GArray *val)
{
  em_nn_train_split_rows (is_classification (o) ? data->y : NULL, data->n, data->n_classes,
                          o->validation != NULL ? 0 : o->validation_split, o->seed, train, val);
}

static gboolean
cancelled (GCancellable *cancellable, GError **error)
{
  return g_cancellable_set_error_if_cancelled (cancellable, error);
}

gboolean
em_nn_train (EmNnModel *model, const EmNnDataset *data, const EmNnTrainOptions *options,
             EmNnEpochFunc progress, gpointer user_data, GCancellable *cancellable,
             EmNnTrainResult **result, GError **error)
{
  EmNnTrainOptions defaults;
  const EmNnTrainOptions *o = options;
  g_autoptr(GArray) train = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GArray) val = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GArray) history = g_array_new (FALSE, TRUE, sizeof (EmNnEpochStats));
  g_autoptr(EmNnModel) best = NULL;
  const EmNnDataset *val_data = data;
  Trainer t;
  double best_loss = INFINITY;
  int best_epoch = 0, wait = 0;
  gboolean ok = FALSE, stopped_early = FALSE;

  if (result != NULL)
    *result = NULL;
  if (o == NULL)
    {
      em_nn_train_options_init (&defaults);
      o = &defaults;
    }
  if (!check_setup (model, data, o, error))
    return FALSE;

  split_rows (data, o, train, val);
  if (o->validation != NULL)
    {
      val_data = o->validation;
      for (int i = 0; i < val_data->n; i++)
        g_array_append_val (val, i);
    }
  gboolean has_val = val->len > 0;
  gboolean track = has_val && o->early_stopping_patience > 0;
  if (!trainer_init (&t, model, o, MAX ((int) train->len, (int) val->len), error))
    {
      trainer_clear (&t);
      return FALSE;
    }
  if (track)
    best = em_nn_model_copy (model);

  for (int epoch = 1; epoch <= o->epochs; epoch++)
    {
      gint64 start = g_get_monotonic_time ();
      EmNnEpochStats st = { .epoch = epoch, .n_epochs = o->epochs, .val_loss = NAN, .val_accuracy = NAN };
      LossSum acc = { 0 };
      int *rows = (int *) train->data, n_batch = 0;

      shuffle_rows (rows, train->len, t.shuffle);
      for (int s = 0; s < (int) train->len; s += t.max_batch, n_batch++)
        {
          int nb = MIN (t.max_batch, (int) train->len - s);
          if (n_batch % CANCEL_CHECK_EVERY == CANCEL_CHECK_EVERY - 1 && cancelled (cancellable, error))
            goto out;
          double loss = train_step (&t, data, rows + s, nb, o->learning_rate, &acc);
          if (!isfinite (loss))
            {
              g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_DIVERGED,
                           "loss became %s at epoch %d; lower the learning rate",
                           isnan (loss) ? "NaN" : "infinite", epoch);
              goto out;
            }
        }
      st.loss = acc.sum_weight > 0 ? acc.sum_loss / acc.sum_weight : NAN;
      if (is_fomo (o))
        st.accuracy = acc.counted > 0 ? (double) acc.right / acc.counted : NAN;
      else
        st.accuracy = is_classification (o) ? (double) acc.right / train->len : NAN;
      if (has_val)
        {
          evaluate (&t, val_data, (int *) val->data, val->len, &st.val_loss, &st.val_accuracy);
          if (!isfinite (st.val_loss))
            {
              g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_DIVERGED,
                           "validation loss became NaN at epoch %d; lower the learning rate", epoch);
              goto out;
            }
        }
      st.seconds = (g_get_monotonic_time () - start) / 1e6;
      g_array_append_val (history, st);
      if (progress != NULL)
        progress (&st, user_data);

      if (track)
        {
          /* Strict improvement, as Keras' EarlyStopping with min_delta 0. */
          if (st.val_loss < best_loss)
            {
              best_loss = st.val_loss;
              best_epoch = epoch;
              wait = 0;
              em_nn_model_copy_weights (best, model);
            }
          else
            wait++;
        }
      else
        best_epoch = epoch;

      if (cancelled (cancellable, error))
        goto out;
      if (track && wait >= o->early_stopping_patience && epoch < o->epochs)
        {
          stopped_early = TRUE;
          break;
        }
    }
  ok = TRUE;

out:
  /* On success, cancel or divergence alike, the model ends with the best
   * weights seen (when there is a checkpoint to go back to). */
  if (track && best_epoch > 0)
    em_nn_model_copy_weights (model, best);
  trainer_clear (&t);
  if (ok && result != NULL)
    {
      EmNnTrainResult *r = g_new0 (EmNnTrainResult, 1);
      r->history = g_steal_pointer (&history);
      r->best_epoch = best_epoch;
      r->stopped_early = stopped_early;
      *result = r;
    }
  return ok;
}

double
em_nn_find_learning_rate (EmNnModel *model, const EmNnDataset *data, const EmNnTrainOptions *options,
                          GCancellable *cancellable, GError **error)
{
  EmNnTrainOptions o;
  g_autoptr(EmNnModel) saved = NULL;
  g_autofree int *rows = NULL;
  Trainer t;
  const double lr_lo = 1e-6, lr_hi = 1.0, beta = 0.9;
  double avg = 0, min_loss = INFINITY, lr_at_min = 0;
  gboolean ok = TRUE;

  if (options != NULL)
    o = *options;
  else
    em_nn_train_options_init (&o);
  /* The sweep sets its own rate; the explicit validation set plays no part. */
  o.learning_rate = lr_lo;
  o.validation = NULL;
  if (!check_setup (model, data, &o, error))
    return 0;

  rows = g_new (int, data->n);
  for (int i = 0; i < data->n; i++)
    rows[i] = i;
  if (!trainer_init (&t, model, &o, data->n, error))
    {
      trainer_clear (&t);
      return 0;
    }
  saved = em_nn_model_copy (model);

  /* One pass over the data, but at least 100 steps so the exponential ramp
   * is sampled finely enough on small data sets (then the data repeats,
   * reshuffled). */
  int per_pass = (data->n + t.max_batch - 1) / t.max_batch;
  int steps = MAX (per_pass, 100);
  for (int step = 0, s = data->n; step < steps; step++, s += t.max_batch)
    {
      if (s >= data->n)
        {
          shuffle_rows (rows, data->n, t.shuffle);
          s = 0;
        }
      if (step % CANCEL_CHECK_EVERY == 0 && cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }
      int nb = MIN (t.max_batch, data->n - s);
      double lr = lr_lo * pow (lr_hi / lr_lo, (double) step / (steps - 1));
      LossSum acc = { 0 };
      double loss = train_step (&t, data, rows + s, nb, lr, &acc);
      if (!isfinite (loss))
        break;
      /* Bias-corrected exponential smoothing (batches are noisy). */
      avg = beta * avg + (1 - beta) * loss;
      double smooth = avg / (1 - pow (beta, step + 1));
      if (smooth < min_loss)
        {
          min_loss = smooth;
          lr_at_min = lr;
        }
      /* Past the minimum the loss explodes: nothing more to learn. */
      if (step > 10 && smooth > 4 * min_loss)
        break;
    }
  trainer_clear (&t);
  em_nn_model_copy_weights (model, saved);
  if (!ok)
    return 0;
  if (lr_at_min <= 0)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_DIVERGED,
                   "learning-rate finder: the loss was never finite; check the data and the model");
      return 0;
    }
  return CLAMP (lr_at_min / 10, lr_lo, lr_hi);
}

gboolean
em_nn_predict (EmNnModel *model, const float *x, int n, float *out, GError **error)
{
  int in_size = em_nn_dims_size (model->input), out_size = em_nn_dims_size (em_nn_model_output (model));
  int max_batch = MAX (1, MIN (n, 64));
  g_autoptr(EmNnNet) net = NULL;
  g_autoptr(GRand) rand = NULL;

  if (n <= 0)
    return TRUE;
  net = em_nn_net_new (model, max_batch, error);
  if (net == NULL)
    return FALSE;
  rand = g_rand_new_with_seed (0);
  for (int s = 0; s < n; s += max_batch)
    {
      int nb = MIN (max_batch, n - s);
      const float *y = em_nn_net_forward (net, x + (gsize) s * in_size, nb, FALSE, rand);
      memcpy (out + (gsize) s * out_size, y, (gsize) nb * out_size * sizeof (float));
    }
  return TRUE;
}
