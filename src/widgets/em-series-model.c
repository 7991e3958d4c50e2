/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>

#include "em-series-model.h"

typedef struct {
  char   *name;
  GArray *x; /* float, NULL for implicit x */
  GArray *y; /* float */
} Series;

struct _EmSeriesModel
{
  GObject  parent_instance;

  GPtrArray *series; /* Series */
  guint      freeze;
  gboolean   pending;
};

G_DEFINE_FINAL_TYPE (EmSeriesModel, em_series_model, G_TYPE_OBJECT)

enum { PROP_0, PROP_N_SERIES, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
series_free (gpointer data)
{
  Series *s = data;

  g_free (s->name);
  if (s->x != NULL)
    g_array_unref (s->x);
  g_array_unref (s->y);
  g_free (s);
}

static void
emit_changed (EmSeriesModel *self)
{
  if (self->freeze > 0)
    {
      self->pending = TRUE;
      return;
    }
  self->pending = FALSE;
  g_signal_emit (self, signals[CHANGED], 0);
}

static Series *
get_series (EmSeriesModel *self, guint series)
{
  g_return_val_if_fail (EM_IS_SERIES_MODEL (self), NULL);
  g_return_val_if_fail (series < self->series->len, NULL);
  return g_ptr_array_index (self->series, series);
}

static void
em_series_model_finalize (GObject *object)
{
  EmSeriesModel *self = EM_SERIES_MODEL (object);

  g_ptr_array_unref (self->series);
  G_OBJECT_CLASS (em_series_model_parent_class)->finalize (object);
}

static void
em_series_model_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EmSeriesModel *self = EM_SERIES_MODEL (object);

  switch (prop_id)
    {
    case PROP_N_SERIES:
      g_value_set_uint (value, self->series->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_series_model_class_init (EmSeriesModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = em_series_model_finalize;
  object_class->get_property = em_series_model_get_property;

  properties[PROP_N_SERIES] =
    g_param_spec_uint ("n-series", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Any change to names, points or the set of series. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
em_series_model_init (EmSeriesModel *self)
{
  self->series = g_ptr_array_new_with_free_func (series_free);
}

EmSeriesModel *
em_series_model_new (void)
{
  return g_object_new (EM_TYPE_SERIES_MODEL, NULL);
}

guint
em_series_model_add_series (EmSeriesModel *self, const char *name, gboolean explicit_x)
{
  Series *s;

  g_return_val_if_fail (EM_IS_SERIES_MODEL (self), 0);

  s = g_new0 (Series, 1);
  s->name = g_strdup (name != NULL ? name : "");
  s->y = g_array_new (FALSE, FALSE, sizeof (float));
  if (explicit_x)
    s->x = g_array_new (FALSE, FALSE, sizeof (float));
  g_ptr_array_add (self->series, s);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SERIES]);
  emit_changed (self);
  return self->series->len - 1;
}

void
em_series_model_clear (EmSeriesModel *self)
{
  g_return_if_fail (EM_IS_SERIES_MODEL (self));

  if (self->series->len == 0)
    return;
  g_ptr_array_set_size (self->series, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SERIES]);
  emit_changed (self);
}

guint
em_series_model_get_n_series (EmSeriesModel *self)
{
  g_return_val_if_fail (EM_IS_SERIES_MODEL (self), 0);
  return self->series->len;
}

const char *
em_series_model_get_name (EmSeriesModel *self, guint series)
{
  Series *s = get_series (self, series);
  return s != NULL ? s->name : NULL;
}

gboolean
em_series_model_has_explicit_x (EmSeriesModel *self, guint series)
{
  Series *s = get_series (self, series);
  return s != NULL && s->x != NULL;
}

guint
em_series_model_get_n_points (EmSeriesModel *self, guint series)
{
  Series *s = get_series (self, series);
  return s != NULL ? s->y->len : 0;
}

void
em_series_model_get_point (EmSeriesModel *self, guint series, guint index, double *x, double *y)
{
  Series *s = get_series (self, series);

  g_return_if_fail (s != NULL && index < s->y->len);
  if (x != NULL)
    *x = s->x != NULL ? g_array_index (s->x, float, index) : (double) index;
  if (y != NULL)
    *y = g_array_index (s->y, float, index);
}

const float *
em_series_model_get_y (EmSeriesModel *self, guint series)
{
  Series *s = get_series (self, series);
  return s != NULL ? (const float *) s->y->data : NULL;
}

const float *
em_series_model_get_x (EmSeriesModel *self, guint series)
{
  Series *s = get_series (self, series);
  return s != NULL && s->x != NULL ? (const float *) s->x->data : NULL;
}

void
em_series_model_append (EmSeriesModel *self, guint series, float y)
{
  Series *s = get_series (self, series);

  g_return_if_fail (s != NULL);
  g_return_if_fail (s->x == NULL);
  g_array_append_val (s->y, y);
  emit_changed (self);
}

void
em_series_model_append_xy (EmSeriesModel *self, guint series, float x, float y)
{
  Series *s = get_series (self, series);

  g_return_if_fail (s != NULL);
  g_return_if_fail (s->x != NULL);
  g_array_append_val (s->x, x);
  g_array_append_val (s->y, y);
  emit_changed (self);
}

void
em_series_model_set_values (EmSeriesModel *self,
                            guint          series,
                            const float   *x,
                            const float   *y,
                            guint          n)
{
  Series *s = get_series (self, series);

  g_return_if_fail (s != NULL);
  g_return_if_fail ((x != NULL) == (s->x != NULL));
  g_return_if_fail (n == 0 || y != NULL);

  g_array_set_size (s->y, 0);
  g_array_append_vals (s->y, y, n);
  if (s->x != NULL)
    {
      g_array_set_size (s->x, 0);
      g_array_append_vals (s->x, x, n);
    }
  emit_changed (self);
}

gboolean
em_series_model_get_bounds (EmSeriesModel *self,
                            double        *x_min,
                            double        *x_max,
                            double        *y_min,
                            double        *y_max)
{
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;

  g_return_val_if_fail (EM_IS_SERIES_MODEL (self), FALSE);

  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);
      const float *ys = (const float *) s->y->data;
      const float *xs = s->x != NULL ? (const float *) s->x->data : NULL;

      for (guint j = 0; j < s->y->len; j++)
        {
          double x = xs != NULL ? xs[j] : (double) j, y = ys[j];

          if (!isfinite (x) || !isfinite (y))
            continue;
          x0 = MIN (x0, x);
          x1 = MAX (x1, x);
          y0 = MIN (y0, y);
          y1 = MAX (y1, y);
        }
    }
  if (x0 > x1)
    return FALSE;
  if (x_min != NULL)
    *x_min = x0;
  if (x_max != NULL)
    *x_max = x1;
  if (y_min != NULL)
    *y_min = y0;
  if (y_max != NULL)
    *y_max = y1;
  return TRUE;
}

void
em_series_model_freeze_changed (EmSeriesModel *self)
{
  g_return_if_fail (EM_IS_SERIES_MODEL (self));
  self->freeze++;
}

void
em_series_model_thaw_changed (EmSeriesModel *self)
{
  g_return_if_fail (EM_IS_SERIES_MODEL (self));
  g_return_if_fail (self->freeze > 0);

  if (--self->freeze == 0 && self->pending)
    emit_changed (self);
}
