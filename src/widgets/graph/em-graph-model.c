/* SPDX-License-Identifier: Apache-2.0 */
#include <glib/gi18n.h>

#include "em-graph-model.h"

G_DEFINE_QUARK (em-graph-model-error-quark, em_graph_model_error)

struct _EmGraphModel
{
  GObject               parent_instance;

  GPtrArray            *nodes;     /* of EmGraphNode, insertion order */
  GHashTable           *by_id;     /* id -> EmGraphNode (borrowed) */
  GPtrArray            *links;     /* of EmGraphLink */

  EmGraphLinkValidator  validator;
  gpointer              validator_data;
  GDestroyNotify        validator_destroy;
};

G_DEFINE_FINAL_TYPE (EmGraphModel, em_graph_model, G_TYPE_OBJECT)

enum {
  NODE_ADDED,
  NODE_REMOVED,
  NODE_MOVED,
  NODE_CHANGED,
  LINK_ADDED,
  LINK_REMOVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
port_free (gpointer data)
{
  EmGraphPort *port = data;

  g_free (port->id);
  g_free (port->label);
  g_strfreev (port->types);
  g_free (port);
}

static void
node_free (gpointer data)
{
  EmGraphNode *node = data;

  g_free (node->id);
  g_free (node->title);
  g_free (node->description);
  g_ptr_array_unref (node->inputs);
  g_ptr_array_unref (node->outputs);
  g_free (node);
}

static void
link_free (gpointer data)
{
  EmGraphLink *link = data;

  g_free (link->from_node);
  g_free (link->from_port);
  g_free (link->to_node);
  g_free (link->to_port);
  g_free (link);
}

static void
em_graph_model_finalize (GObject *object)
{
  EmGraphModel *self = EM_GRAPH_MODEL (object);

  if (self->validator_destroy != NULL)
    self->validator_destroy (self->validator_data);
  g_ptr_array_unref (self->links);
  g_hash_table_unref (self->by_id);
  g_ptr_array_unref (self->nodes);
  G_OBJECT_CLASS (em_graph_model_parent_class)->finalize (object);
}

static void
em_graph_model_class_init (EmGraphModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = em_graph_model_finalize;

  /**
   * EmGraphModel::node-added / node-removed / node-moved / node-changed:
   * @id: the node's id
   *
   * node-removed comes after the link-removed of each of its links, while
   * the node can no longer be looked up.  node-changed: ports were added.
   */
  signals[NODE_ADDED] = g_signal_new ("node-added", G_TYPE_FROM_CLASS (klass),
                                      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                      G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[NODE_REMOVED] = g_signal_new ("node-removed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[NODE_MOVED] = g_signal_new ("node-moved", G_TYPE_FROM_CLASS (klass),
                                      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                      G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[NODE_CHANGED] = g_signal_new ("node-changed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * EmGraphModel::link-added / link-removed:
   * @from_node, @from_port, @to_node, @to_port: the link's ends
   */
  signals[LINK_ADDED] = g_signal_new ("link-added", G_TYPE_FROM_CLASS (klass),
                                      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                      G_TYPE_NONE, 4, G_TYPE_STRING, G_TYPE_STRING,
                                      G_TYPE_STRING, G_TYPE_STRING);
  signals[LINK_REMOVED] = g_signal_new ("link-removed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 4, G_TYPE_STRING, G_TYPE_STRING,
                                        G_TYPE_STRING, G_TYPE_STRING);
}

static void
em_graph_model_init (EmGraphModel *self)
{
  self->nodes = g_ptr_array_new_with_free_func (node_free);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->links = g_ptr_array_new_with_free_func (link_free);
}

EmGraphModel *
em_graph_model_new (void)
{
  return g_object_new (EM_TYPE_GRAPH_MODEL, NULL);
}

const char *
em_graph_node_kind_to_string (EmGraphNodeKind kind)
{
  switch (kind)
    {
    case EM_GRAPH_NODE_KIND_INPUT:
      return "input";
    case EM_GRAPH_NODE_KIND_PROCESSING:
      return "processing";
    case EM_GRAPH_NODE_KIND_LEARNING:
      return "learning";
    case EM_GRAPH_NODE_KIND_OUTPUT:
      return "output";
    default:
      return "unknown";
    }
}

gboolean
em_graph_model_add_node (EmGraphModel     *self,
                         const char       *id,
                         const char       *title,
                         EmGraphNodeKind   kind,
                         double            x,
                         double            y,
                         const char       *description,
                         GError          **error)
{
  EmGraphNode *node;

  g_return_val_if_fail (EM_IS_GRAPH_MODEL (self), FALSE);
  g_return_val_if_fail (id != NULL && title != NULL, FALSE);

  if (g_hash_table_contains (self->by_id, id))
    {
      g_set_error (error, EM_GRAPH_MODEL_ERROR, EM_GRAPH_MODEL_ERROR_EXISTS,
                   _("Block “%s”: the graph already has a block with this id"), id);
      return FALSE;
    }
  node = g_new0 (EmGraphNode, 1);
  node->id = g_strdup (id);
  node->title = g_strdup (title);
  node->description = g_strdup (description != NULL ? description : "");
  node->kind = kind;
  node->x = x;
  node->y = y;
  node->inputs = g_ptr_array_new_with_free_func (port_free);
  node->outputs = g_ptr_array_new_with_free_func (port_free);
  g_ptr_array_add (self->nodes, node);
  g_hash_table_insert (self->by_id, node->id, node);
  g_signal_emit (self, signals[NODE_ADDED], 0, id);
  return TRUE;
}

const EmGraphNode *
em_graph_model_get_node (EmGraphModel *self,
                         const char   *id)
{
  g_return_val_if_fail (EM_IS_GRAPH_MODEL (self), NULL);
  return id != NULL ? g_hash_table_lookup (self->by_id, id) : NULL;
}

const EmGraphPort *
em_graph_model_get_port (EmGraphModel    *self,
                         const char      *node_id,
                         EmPortDirection  direction,
                         const char      *port_id)
{
  const EmGraphNode *node = em_graph_model_get_node (self, node_id);
  GPtrArray *ports;

  if (node == NULL || port_id == NULL)
    return NULL;
  ports = direction == EM_PORT_DIRECTION_INPUT ? node->inputs : node->outputs;
  for (guint i = 0; i < ports->len; i++)
    {
      EmGraphPort *port = g_ptr_array_index (ports, i);
      if (g_str_equal (port->id, port_id))
        return port;
    }
  return NULL;
}

gboolean
em_graph_model_add_port (EmGraphModel       *self,
                         const char         *node_id,
                         EmPortDirection     direction,
                         const char         *port_id,
                         const char         *label,
                         const char * const *types,
                         guint               max_links,
                         GError            **error)
{
  EmGraphNode *node;
  EmGraphPort *port;

  g_return_val_if_fail (EM_IS_GRAPH_MODEL (self), FALSE);
  g_return_val_if_fail (port_id != NULL, FALSE);
  g_return_val_if_fail (types != NULL && types[0] != NULL, FALSE);

  node = g_hash_table_lookup (self->by_id, node_id);
  if (node == NULL)
    {
      g_set_error (error, EM_GRAPH_MODEL_ERROR, EM_GRAPH_MODEL_ERROR_NOT_FOUND,
                   _("Block “%s”: no such block in the graph"), node_id);
      return FALSE;
    }
  if (em_graph_model_get_port (self, node_id, direction, port_id) != NULL)
    {
      g_set_error (error, EM_GRAPH_MODEL_ERROR, EM_GRAPH_MODEL_ERROR_EXISTS,
                   _("Block “%s”: it already has a port “%s”"), node->title, port_id);
      return FALSE;
    }
  port = g_new0 (EmGraphPort, 1);
  port->id = g_strdup (port_id);
  port->label = g_strdup (label != NULL ? label : port_id);
  port->direction = direction;
  port->types = g_strdupv ((char **) types);
  port->max_links = max_links;
  g_ptr_array_add (direction == EM_PORT_DIRECTION_INPUT ? node->inputs : node->outputs, port);
  g_signal_emit (self, signals[NODE_CHANGED], 0, node_id);
  return TRUE;
}

void
em_graph_model_move_node (EmGraphModel *self,
                          const char   *id,
                          double        x,
                          double        y)
{
  EmGraphNode *node;

  g_return_if_fail (EM_IS_GRAPH_MODEL (self));
  node = g_hash_table_lookup (self->by_id, id);
  g_return_if_fail (node != NULL);
  if (node->x == x && node->y == y)
    return;
  node->x = x;
  node->y = y;
  g_signal_emit (self, signals[NODE_MOVED], 0, id);
}

static void
remove_link_at (EmGraphModel *self,
                guint         index)
{
  /* Stolen first so handlers see the model without the link, then freed
   * after they ran because they get its strings. */
  EmGraphLink *link = g_ptr_array_steal_index (self->links, index);

  g_signal_emit (self, signals[LINK_REMOVED], 0, link->from_node, link->from_port,
                 link->to_node, link->to_port);
  link_free (link);
}

gboolean
em_graph_model_remove_node (EmGraphModel *self,
                            const char   *id)
{
  EmGraphNode *node;
  g_autofree char *copy = NULL;

  g_return_val_if_fail (EM_IS_GRAPH_MODEL (self), FALSE);
  node = id != NULL ? g_hash_table_lookup (self->by_id, id) : NULL;
  if (node == NULL)
    return FALSE;
  copy = g_strdup (id);  /* @id may be the node's own string */
  for (guint i = self->links->len; i > 0; i--)
    {
      EmGraphLink *link = g_ptr_array_index (self->links, i - 1);
      if (g_str_equal (link->from_node, copy) || g_str_equal (link->to_node, copy))
        remove_link_at (self, i - 1);
    }
  g_hash_table_remove (self->by_id, copy);
  g_ptr_array_remove (self->nodes, node);
  g_signal_emit (self, signals[NODE_REMOVED], 0, copy);
  return TRUE;
}

static int
find_link (EmGraphModel *self,
           const char   *from_node,
           const char   *from_port,
           const char   *to_node,
           const char   *to_port)
{
  for (guint i = 0; i < self->links->len; i++)
    {
      EmGraphLink *link = g_ptr_array_index (self->links, i);
      if (g_str_equal (link->from_node, from_node) && g_str_equal (link->from_port, from_port) &&
          g_str_equal (link->to_node, to_node) && g_str_equal (link->to_port, to_port))
        return (int) i;
    }
  return -1;
}

guint
em_graph_model_count_links (EmGraphModel    *self,
                            const char      *node_id,
                            EmPortDirection  direction,
                            const char      *port_id)
{
  guint n = 0;

  g_return_val_if_fail (EM_IS_GRAPH_MODEL (self), 0);
  for (guint i = 0; i < self->links->len; i++)
    {
      EmGraphLink *link = g_ptr_array_index (self->links, i);
      const char *node = direction == EM_PORT_DIRECTION_INPUT ? link->to_node : link->from_node;
      const char *port = direction == EM_PORT_DIRECTION_INPUT ? link->to_port : link->from_port;
      if (g_str_equal (node, node_id) && g_str_equal (port, port_id))
        n++;
    }
  return n;
}

gboolean
em_graph_model_types_meet (const EmGraphPort *output,
                           const EmGraphPort *input)
{
  for (guint i = 0; output->types[i] != NULL; i++)
    if (g_strv_contains ((const char * const *) input->types, output->types[i]))
      return TRUE;
  return FALSE;
}

/* TRUE when @target can be reached from @start along links. */
static gboolean
reaches (EmGraphModel *self,
         const char   *start,
         const char   *target)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();

  g_ptr_array_add (stack, (gpointer) start);
  while (stack->len > 0)
    {
      const char *id = g_ptr_array_steal_index_fast (stack, stack->len - 1);

      if (g_str_equal (id, target))
        return TRUE;
      if (!g_hash_table_add (seen, (gpointer) id))
        continue;
      for (guint i = 0; i < self->links->len; i++)
        {
          EmGraphLink *link = g_ptr_array_index (self->links, i);
          if (g_str_equal (link->from_node, id))
            g_ptr_array_add (stack, link->to_node);
        }
    }
  return FALSE;
}

static gboolean
refuse (char       **reason,
        const char  *format,
        ...) G_GNUC_PRINTF (2, 3);

static gboolean
refuse (char       **reason,
        const char  *format,
        ...)
{
  va_list args;

  if (reason != NULL)
    {
      va_start (args, format);
      *reason = g_strdup_vprintf (format, args);
      va_end (args);
    }
  return FALSE;
}

gboolean
em_graph_model_can_link (EmGraphModel *self,
                         const char   *from_node,
                         const char   *from_port,
                         const char   *to_node,
                         const char   *to_port,
                         char        **reason)
{
  const EmGraphNode *src, *dst;
  const EmGraphPort *out, *in;
  guint used;

  g_return_val_if_fail (EM_IS_GRAPH_MODEL (self), FALSE);
  if (reason != NULL)
    *reason = NULL;

  src = em_graph_model_get_node (self, from_node);
  dst = em_graph_model_get_node (self, to_node);
  if (src == NULL || dst == NULL)
    return refuse (reason, _("There is no block “%s” in the graph"),
                   src == NULL ? from_node : to_node);
  out = em_graph_model_get_port (self, from_node, EM_PORT_DIRECTION_OUTPUT, from_port);
  if (out == NULL)
    return refuse (reason, _("%s has no output “%s”"), src->title, from_port);
  in = em_graph_model_get_port (self, to_node, EM_PORT_DIRECTION_INPUT, to_port);
  if (in == NULL)
    return refuse (reason, _("%s has no input “%s”"), dst->title, to_port);
  if (src == dst)
    return refuse (reason, _("%s cannot feed itself"), src->title);
  if (find_link (self, from_node, from_port, to_node, to_port) >= 0)
    return refuse (reason, _("%s is already linked to %s"), src->title, dst->title);
  if (!em_graph_model_types_meet (out, in))
    {
      g_autofree char *takes = g_strjoinv (_(" or "), in->types);
      g_autofree char *gives = g_strjoinv (_(" and "), out->types);
      return refuse (reason, _("%s takes %s, not %s"), dst->title, takes, gives);
    }
  used = em_graph_model_count_links (self, to_node, EM_PORT_DIRECTION_INPUT, to_port);
  if (in->max_links > 0 && used >= in->max_links)
    return refuse (reason,
                   g_dngettext (GETTEXT_PACKAGE, "%s’s input “%s” already has its link",
                                "%s’s input “%s” is full (%u links)", in->max_links),
                   dst->title, in->label, in->max_links);
  /* The new link goes src -> dst: a loop exists if src is downstream of dst. */
  if (reaches (self, to_node, from_node))
    return refuse (reason, _("Linking %s to %s would make a loop"), src->title, dst->title);
  if (self->validator != NULL)
    {
      char *why = NULL;

      if (!self->validator (self, from_node, from_port, to_node, to_port, &why,
                            self->validator_data))
        {
          if (why == NULL)
            why = g_strdup_printf (_("%s cannot take %s’s output"), dst->title, src->title);
          if (reason != NULL)
            *reason = why;
          else
            g_free (why);
          return FALSE;
        }
      g_free (why);
    }
  return TRUE;
}

gboolean
em_graph_model_add_link (EmGraphModel *self,
                         const char   *from_node,
                         const char   *from_port,
                         const char   *to_node,
                         const char   *to_port,
                         GError      **error)
{
  g_autofree char *reason = NULL;
  EmGraphLink *link;

  if (!em_graph_model_can_link (self, from_node, from_port, to_node, to_port, &reason))
    {
      g_set_error_literal (error, EM_GRAPH_MODEL_ERROR, EM_GRAPH_MODEL_ERROR_REFUSED, reason);
      return FALSE;
    }
  link = g_new0 (EmGraphLink, 1);
  link->from_node = g_strdup (from_node);
  link->from_port = g_strdup (from_port);
  link->to_node = g_strdup (to_node);
  link->to_port = g_strdup (to_port);
  g_ptr_array_add (self->links, link);
  g_signal_emit (self, signals[LINK_ADDED], 0, link->from_node, link->from_port,
                 link->to_node, link->to_port);
  return TRUE;
}

gboolean
em_graph_model_remove_link (EmGraphModel *self,
                            const char   *from_node,
                            const char   *from_port,
                            const char   *to_node,
                            const char   *to_port)
{
  int index;

  g_return_val_if_fail (EM_IS_GRAPH_MODEL (self), FALSE);
  index = find_link (self, from_node, from_port, to_node, to_port);
  if (index < 0)
    return FALSE;
  remove_link_at (self, (guint) index);
  return TRUE;
}

void
em_graph_model_set_validator (EmGraphModel        *self,
                              EmGraphLinkValidator validator,
                              gpointer             user_data,
                              GDestroyNotify       destroy)
{
  g_return_if_fail (EM_IS_GRAPH_MODEL (self));
  if (self->validator_destroy != NULL)
    self->validator_destroy (self->validator_data);
  self->validator = validator;
  self->validator_data = user_data;
  self->validator_destroy = destroy;
}

GPtrArray *
em_graph_model_get_nodes (EmGraphModel *self)
{
  g_return_val_if_fail (EM_IS_GRAPH_MODEL (self), NULL);
  return self->nodes;
}

GPtrArray *
em_graph_model_get_links (EmGraphModel *self)
{
  g_return_val_if_fail (EM_IS_GRAPH_MODEL (self), NULL);
  return self->links;
}
