/* SPDX-License-Identifier: Apache-2.0 */
/* em-nn-sliced.c — data-parallel training over batch slices (see the
 * private header for why and for the determinism rule). */
#include <cblas.h>
#include <string.h>

#include "em-nn-sliced-private.h"

/* A slice below this many windows makes the sgemms too thin to be worth a
 * replica; more than MAX_SLICES buys nothing on the machines we target. */
#ifndef MIN_SLICE
#define MIN_SLICE  16
#endif
#define MAX_SLICES 4

typedef enum { PHASE_FORWARD, PHASE_BACKWARD } Phase;

struct _EmNnSliced {
  EmNnModel   *model;
  int          n_slices, n_threads, saved_blas_threads;
  int          out_size;
  EmNnNet     *nets[MAX_SLICES];
  GRand       *rands[MAX_SLICES];    /* per slice; [0] borrowed with one slice */
  gboolean     own_rands;
  float       *out;                  /* gathered outputs, max_batch × out_size */
  int          in_size;

  /* the phase being run */
  Phase        phase;
  const float *x, *d;
  int          n;
  gboolean     flag;                 /* training / softmax_fused */
  int          next, finished;       /* slice counter; helpers done */
  GThreadPool *pool;
  GMutex       lock;
  GCond        done;
};

static gboolean
has_batchnorm (const EmNnModel *model)
{
  for (guint i = 0; i < model->layers->len; i++)
    if (((const EmNnLayer *) g_ptr_array_index (model->layers, i))->type == EM_NN_BATCHNORM)
      return TRUE;
  return FALSE;
}

/* Windows [b0, b1) of slice @i of an @n-window batch. */
static void
slice_bounds (const EmNnSliced *s, int i, int n, int *b0, int *b1)
{
  *b0 = (int) ((gint64) n * i / s->n_slices);
  *b1 = (int) ((gint64) n * (i + 1) / s->n_slices);
}

static void
run_slice (EmNnSliced *s, int i)
{
  int b0, b1;

  slice_bounds (s, i, s->n, &b0, &b1);
  if (b1 <= b0)
    return;
  if (s->phase == PHASE_FORWARD)
    {
      const float *y = em_nn_net_forward (s->nets[i], s->x + (gsize) b0 * s->in_size, b1 - b0,
                                          s->flag, s->rands[i]);
      if (s->n_slices > 1)
        memcpy (s->out + (gsize) b0 * s->out_size, y, (gsize) (b1 - b0) * s->out_size * sizeof (float));
      else
        s->out = (float *) y;
    }
  else
    em_nn_net_backward (s->nets[i], s->d + (gsize) b0 * s->out_size, b1 - b0, s->flag);
}

/* Take slices until none is left (the caller and every helper do this). */
static void
take_slices (EmNnSliced *s)
{
  int i;

  while ((i = g_atomic_int_add (&s->next, 1)) < s->n_slices)
    run_slice (s, i);
}

static void
helper (gpointer task, gpointer user_data)
{
  EmNnSliced *s = user_data;

  take_slices (s);
  g_mutex_lock (&s->lock);
  s->finished++;
  g_cond_signal (&s->done);
  g_mutex_unlock (&s->lock);
}

static void
run_phase (EmNnSliced *s, Phase phase, const float *in, int n, gboolean flag)
{
  int helpers = s->pool != NULL ? MIN (s->n_threads, n) - 1 : 0;

  s->phase = phase;
  s->n = n;
  s->flag = flag;
  if (phase == PHASE_FORWARD)
    s->x = in;
  else
    s->d = in;
  s->next = 0;
  s->finished = 0;
  for (int k = 0; k < helpers; k++)
    g_thread_pool_push (s->pool, GINT_TO_POINTER (1), NULL);
  take_slices (s);
  g_mutex_lock (&s->lock);
  while (s->finished < helpers)
    g_cond_wait (&s->done, &s->lock);
  g_mutex_unlock (&s->lock);
}

EmNnSliced *
em_nn_sliced_new (EmNnModel *model, int max_batch, guint64 seed, GRand *dropout, GError **error)
{
  EmNnSliced *s = g_new0 (EmNnSliced, 1);
  int blas_threads = openblas_get_num_threads ();

  s->model = model;
  s->n_slices = has_batchnorm (model) ? 1 : CLAMP (max_batch / MIN_SLICE, 1, MAX_SLICES);
  s->n_threads = CLAMP (blas_threads, 1, s->n_slices);
  s->saved_blas_threads = blas_threads;
  s->in_size = em_nn_dims_size (model->input);
  s->out_size = em_nn_dims_size (em_nn_model_output (model));
  g_mutex_init (&s->lock);
  g_cond_init (&s->done);

  for (int i = 0; i < s->n_slices; i++)
    {
      int b0, b1;
      slice_bounds (s, i, max_batch, &b0, &b1);
      /* The first slices are the largest of any batch size. */
      s->nets[i] = em_nn_net_new (model, MAX (1, b1 - b0 + 1), error);
      if (s->nets[i] == NULL)
        {
          em_nn_sliced_free (s);
          return NULL;
        }
    }
  if (s->n_slices == 1)
    s->rands[0] = dropout;
  else
    {
      s->own_rands = TRUE;
      s->out = g_new (float, (gsize) max_batch * s->out_size);
      for (int i = 0; i < s->n_slices; i++)
        {
          guint32 words[4] = { (guint32) seed, (guint32) (seed >> 32), 0x5eed, (guint32) i };
          s->rands[i] = g_rand_new_with_seed_array (words, 4);
        }
    }
  if (s->n_threads > 1)
    {
      s->pool = g_thread_pool_new (helper, s, s->n_threads - 1, TRUE, NULL);
      /* Concurrent multi-threaded OpenBLAS calls serialise on its server;
       * single-threaded calls run in the caller, side by side. */
      openblas_set_num_threads (1);
    }
  return s;
}

void
em_nn_sliced_free (EmNnSliced *s)
{
  if (s == NULL)
    return;
  if (s->pool != NULL)
    {
      g_thread_pool_free (s->pool, FALSE, TRUE);
      openblas_set_num_threads (s->saved_blas_threads);
    }
  for (int i = 0; i < s->n_slices; i++)
    {
      g_clear_pointer (&s->nets[i], em_nn_net_free);
      if (s->own_rands)
        g_clear_pointer (&s->rands[i], g_rand_free);
    }
  if (s->own_rands)
    g_free (s->out);
  g_mutex_clear (&s->lock);
  g_cond_clear (&s->done);
  g_free (s);
}

int
em_nn_sliced_n_slices (EmNnSliced *s)
{
  return s->n_slices;
}

const float *
em_nn_sliced_forward (EmNnSliced *s, const float *x, int n, gboolean training)
{
  run_phase (s, PHASE_FORWARD, x, n, training);
  return s->out;
}

void
em_nn_sliced_backward (EmNnSliced *s, const float *d_output, int n, gboolean softmax_fused)
{
  GArray *sum;
  int used;

  run_phase (s, PHASE_BACKWARD, d_output, n, softmax_fused);
  if (s->n_slices == 1)
    return;

  /* Slice 0's gradients become the batch's: add the other slices' in
   * order (a slice with no windows this batch holds stale values). */
  sum = em_nn_net_params (s->nets[0]);
  if (n < s->n_slices)
    {
      int b0, b1;
      slice_bounds (s, 0, n, &b0, &b1);
      if (b1 <= b0)
        for (guint p = 0; p < sum->len; p++)
          memset (g_array_index (sum, EmNnParam, p).grad, 0, g_array_index (sum, EmNnParam, p).n * sizeof (float));
    }
  for (used = 1; used < s->n_slices; used++)
    {
      int b0, b1;
      slice_bounds (s, used, n, &b0, &b1);
      if (b1 <= b0)
        continue;
      GArray *part = em_nn_net_params (s->nets[used]);
      for (guint p = 0; p < sum->len; p++)
        {
          EmNnParam *dst = &g_array_index (sum, EmNnParam, p);
          const EmNnParam *src = &g_array_index (part, EmNnParam, p);
          for (gsize k = 0; k < dst->n; k++)
            dst->grad[k] += src->grad[k];
        }
    }
}

GArray *
em_nn_sliced_params (EmNnSliced *s)
{
  return em_nn_net_params (s->nets[0]);
}
