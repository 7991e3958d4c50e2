/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include "em-sample-list-model.h"

/* Rows are fetched in pages of this many ids; a few pages stay cached, which
 * covers a screenful plus GtkListView's look-ahead. */
#define PAGE_SIZE 128
#define MAX_CACHED_PAGES 8

struct _EmSampleListModel
{
  GObject         parent_instance;

  EmProject      *project;
  gulong          changed_id;
  EmSampleFilter  filter;
  char           *filter_label;
  char           *filter_search;
  GArray         *ids;        /* gint64, ascending */
  GHashTable     *pages;      /* page index -> GPtrArray of EmSample */
  GQueue          page_lru;   /* page indexes, most recent first */
  GMainContext   *context;    /* where views live: items-changed is emitted there */
};

static void em_sample_list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (EmSampleListModel, em_sample_list_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      em_sample_list_model_iface_init))

enum { PROP_0, PROP_PROJECT, PROP_N_ITEMS, N_PROPS };
static GParamSpec *properties[N_PROPS];

static GType
get_item_type (GListModel *model)
{
  return EM_TYPE_SAMPLE;
}

static guint
get_n_items (GListModel *model)
{
  EmSampleListModel *self = EM_SAMPLE_LIST_MODEL (model);

  return self->ids->len;
}

static GPtrArray *
load_page (EmSampleListModel *self, guint page)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *rows;
  guint start = page * PAGE_SIZE;
  guint n = MIN (PAGE_SIZE, self->ids->len - start);

  rows = em_project_get_samples (self->project, &g_array_index (self->ids, gint64, start), n, &error);
  if (rows == NULL)
    {
      /* A list view cannot show an error; log it and show nothing for the page. */
      g_warning ("Cannot read samples: %s", error->message);
      return NULL;
    }
  g_hash_table_insert (self->pages, GUINT_TO_POINTER (page), rows);
  g_queue_push_head (&self->page_lru, GUINT_TO_POINTER (page));
  while (g_queue_get_length (&self->page_lru) > MAX_CACHED_PAGES)
    g_hash_table_remove (self->pages, g_queue_pop_tail (&self->page_lru));
  return rows;
}

static gpointer
get_item (GListModel *model, guint position)
{
  EmSampleListModel *self = EM_SAMPLE_LIST_MODEL (model);
  guint page = position / PAGE_SIZE;
  gint64 id;
  GPtrArray *rows;

  if (position >= self->ids->len)
    return NULL;
  rows = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));
  if (rows == NULL)
    rows = load_page (self, page);
  else if (g_queue_peek_head (&self->page_lru) != GUINT_TO_POINTER (page))
    {
      g_queue_remove (&self->page_lru, GUINT_TO_POINTER (page));
      g_queue_push_head (&self->page_lru, GUINT_TO_POINTER (page));
    }
  if (rows == NULL)
    return NULL;
  /* Usually the row sits at its own offset; samples deleted after the ids
   * were read are missing from the page and shift the rest down. */
  id = g_array_index (self->ids, gint64, position);
  {
    guint guess = position % PAGE_SIZE;
    if (guess < rows->len && em_sample_get_id (g_ptr_array_index (rows, guess)) == id)
      return g_object_ref (g_ptr_array_index (rows, guess));
    for (guint k = 0; k < rows->len; k++)
      if (em_sample_get_id (g_ptr_array_index (rows, k)) == id)
        return g_object_ref (g_ptr_array_index (rows, k));
  }
  return NULL;
}

static void
em_sample_list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
clear_cache (EmSampleListModel *self)
{
  g_hash_table_remove_all (self->pages);
  g_queue_clear (&self->page_lru);
}

void
em_sample_list_model_reload (EmSampleListModel *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  guint old_n;

  g_return_if_fail (EM_IS_SAMPLE_LIST_MODEL (self));

  ids = em_project_list_ids (self->project, &self->filter, &error);
  if (ids == NULL)
    {
      g_warning ("Cannot list samples: %s", error->message);
      ids = g_array_new (FALSE, FALSE, sizeof (gint64));
    }
  old_n = self->ids->len;
  g_array_unref (self->ids);
  self->ids = g_steal_pointer (&ids);
  clear_cache (self);
  if (old_n != 0 || self->ids->len != 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, self->ids->len);
  if (old_n != self->ids->len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static gboolean
reload_idle (gpointer data)
{
  em_sample_list_model_reload (data);
  return G_SOURCE_REMOVE;
}

static void
on_samples_changed (EmProject *project, EmSampleListModel *self)
{
  /* Jobs change projects from worker threads; views may only hear of it on
   * the thread they live on. */
  if (g_main_context_is_owner (self->context))
    em_sample_list_model_reload (self);
  else if (g_main_context_acquire (self->context))
    {
      /* No loop runs the context (a CLI, a test): reload right here. */
      em_sample_list_model_reload (self);
      g_main_context_release (self->context);
    }
  else
    g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, reload_idle,
                                g_object_ref (self), g_object_unref);
}

static void
set_project (EmSampleListModel *self, EmProject *project)
{
  self->project = g_object_ref (project);
  self->changed_id = g_signal_connect (project, "samples-changed",
                                       G_CALLBACK (on_samples_changed), self);
}

static void
em_sample_list_model_dispose (GObject *object)
{
  EmSampleListModel *self = EM_SAMPLE_LIST_MODEL (object);

  if (self->project != NULL)
    g_clear_signal_handler (&self->changed_id, self->project);
  g_clear_object (&self->project);
  G_OBJECT_CLASS (em_sample_list_model_parent_class)->dispose (object);
}

static void
em_sample_list_model_finalize (GObject *object)
{
  EmSampleListModel *self = EM_SAMPLE_LIST_MODEL (object);

  clear_cache (self);
  g_hash_table_unref (self->pages);
  g_array_unref (self->ids);
  g_free (self->filter_label);
  g_free (self->filter_search);
  g_main_context_unref (self->context);
  G_OBJECT_CLASS (em_sample_list_model_parent_class)->finalize (object);
}

static void
em_sample_list_model_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EmSampleListModel *self = EM_SAMPLE_LIST_MODEL (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->ids->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_sample_list_model_set_property (GObject *object, guint prop_id, const GValue *value,
                                   GParamSpec *pspec)
{
  EmSampleListModel *self = EM_SAMPLE_LIST_MODEL (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      set_project (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_sample_list_model_constructed (GObject *object)
{
  G_OBJECT_CLASS (em_sample_list_model_parent_class)->constructed (object);
  em_sample_list_model_reload (EM_SAMPLE_LIST_MODEL (object));
}

static void
em_sample_list_model_class_init (EmSampleListModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = em_sample_list_model_dispose;
  object_class->finalize = em_sample_list_model_finalize;
  object_class->get_property = em_sample_list_model_get_property;
  object_class->set_property = em_sample_list_model_set_property;
  object_class->constructed = em_sample_list_model_constructed;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, EM_TYPE_PROJECT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
em_sample_list_model_init (EmSampleListModel *self)
{
  em_sample_filter_init (&self->filter);
  self->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  g_queue_init (&self->page_lru);
  self->context = g_main_context_ref_thread_default ();
}

EmSampleListModel *
em_sample_list_model_new (EmProject *project)
{
  g_return_val_if_fail (EM_IS_PROJECT (project), NULL);
  return g_object_new (EM_TYPE_SAMPLE_LIST_MODEL, "project", project, NULL);
}

EmProject *
em_sample_list_model_get_project (EmSampleListModel *self)
{
  return self->project;
}

void
em_sample_list_model_set_filter (EmSampleListModel *self, const EmSampleFilter *filter)
{
  g_return_if_fail (EM_IS_SAMPLE_LIST_MODEL (self));

  g_clear_pointer (&self->filter_label, g_free);
  g_clear_pointer (&self->filter_search, g_free);
  em_sample_filter_init (&self->filter);
  if (filter != NULL)
    {
      self->filter = *filter;
      self->filter.offset = 0;
      self->filter.limit = -1;
      /* Own the strings: the caller's may not outlive the model. */
      self->filter_label = g_strdup (filter->label);
      self->filter_search = g_strdup (filter->search);
      self->filter.label = self->filter_label;
      self->filter.search = self->filter_search;
    }
  em_sample_list_model_reload (self);
}
