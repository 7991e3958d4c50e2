/* SPDX-License-Identifier: Apache-2.0 */
/* The node graph the impulse editor shows: blocks (nodes) with typed ports
 * and the links between them.  No widget code and no JSON: EmGraphView draws
 * and edits it, the app maps it to and from the impulse.  Every edit goes
 * through the model, which type-checks links and refuses cycles, so a view
 * can never build a graph the impulse could not run. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define EM_GRAPH_MODEL_ERROR (em_graph_model_error_quark ())

typedef enum {
  EM_GRAPH_MODEL_ERROR_NOT_FOUND,  /* no node or port with that id */
  EM_GRAPH_MODEL_ERROR_EXISTS,     /* a node or port with that id already exists */
  EM_GRAPH_MODEL_ERROR_REFUSED,    /* a link failed em_graph_model_can_link() */
} EmGraphModelError;

GQuark em_graph_model_error_quark (void);

typedef enum {
  EM_GRAPH_NODE_KIND_INPUT,
  EM_GRAPH_NODE_KIND_PROCESSING,
  EM_GRAPH_NODE_KIND_LEARNING,
  EM_GRAPH_NODE_KIND_OUTPUT,
} EmGraphNodeKind;

typedef enum {
  EM_PORT_DIRECTION_INPUT,
  EM_PORT_DIRECTION_OUTPUT,
} EmPortDirection;

/* Read-only views of the model's data: owned by the model, valid until the
 * node (or link) is removed.  Change them only through the functions below,
 * which emit the signals views rely on. */
typedef struct {
  char            *id;
  char            *label;
  EmPortDirection  direction;
  char           **types;     /* NULL-terminated, at least one: "audio", "image", ... */
  guint            max_links; /* 0 = unlimited */
} EmGraphPort;

typedef struct {
  char            *id;
  char            *title;
  char            *description; /* never NULL; may be "" */
  EmGraphNodeKind  kind;
  double           x, y;        /* top-left corner in graph units (not pixels) */
  GPtrArray       *inputs;      /* of EmGraphPort, in the order added */
  GPtrArray       *outputs;     /* of EmGraphPort */
} EmGraphNode;

typedef struct {
  char *from_node;  /* output side */
  char *from_port;
  char *to_node;    /* input side */
  char *to_port;
} EmGraphLink;

#define EM_TYPE_GRAPH_MODEL (em_graph_model_get_type ())
G_DECLARE_FINAL_TYPE (EmGraphModel, em_graph_model, EM, GRAPH_MODEL, GObject)

/**
 * EmGraphLinkValidator:
 * @reason: (out) (transfer full): on refusal, one human sentence saying why
 *   ("Classifier needs 1-D features, MFCC gives 2-D")
 *
 * Extra checks the app adds on top of types, cycles and capacity (tensor
 * shapes, sample rates).  Called only for links that pass every built-in
 * check.  Returns TRUE to allow the link.
 */
typedef gboolean (*EmGraphLinkValidator) (EmGraphModel *model,
                                          const char   *from_node,
                                          const char   *from_port,
                                          const char   *to_node,
                                          const char   *to_port,
                                          char        **reason,
                                          gpointer      user_data);

EmGraphModel      *em_graph_model_new            (void);

/* Emits "node-added" once the node exists; ports added later emit
 * "node-changed".  Ids are unique within the model. */
gboolean           em_graph_model_add_node       (EmGraphModel     *self,
                                                  const char       *id,
                                                  const char       *title,
                                                  EmGraphNodeKind   kind,
                                                  double            x,
                                                  double            y,
                                                  const char       *description,
                                                  GError          **error);
/**
 * em_graph_model_add_port:
 * @types: NULL-terminated list of type names; an input accepts any of
 *   them, an output produces all of them (usually one)
 * @max_links: how many links the port takes, 0 = unlimited
 *   (1 for a processing input, 0 for a learning block's inputs and for
 *   every output, which may fan out)
 */
gboolean           em_graph_model_add_port       (EmGraphModel       *self,
                                                  const char         *node_id,
                                                  EmPortDirection     direction,
                                                  const char         *port_id,
                                                  const char         *label,
                                                  const char * const *types,
                                                  guint               max_links,
                                                  GError            **error);
gboolean           em_graph_model_remove_node    (EmGraphModel     *self,
                                                  const char       *id);
void               em_graph_model_move_node      (EmGraphModel     *self,
                                                  const char       *id,
                                                  double            x,
                                                  double            y);

/**
 * em_graph_model_can_link:
 * @reason: (out) (optional) (transfer full): on FALSE, why, as one sentence
 *   to show users ("MFCC takes audio, not image")
 *
 * Checks, in order: both ports exist and face the right way, the node is
 * not linked to itself, the link is not a duplicate, the types meet, the
 * input port has room, the link would not close a cycle, then the user
 * validator.
 */
gboolean           em_graph_model_can_link       (EmGraphModel     *self,
                                                  const char       *from_node,
                                                  const char       *from_port,
                                                  const char       *to_node,
                                                  const char       *to_port,
                                                  char            **reason);
/* can_link() then "link-added"; a refusal is EM_GRAPH_MODEL_ERROR_REFUSED
 * with the reason as message. */
gboolean           em_graph_model_add_link       (EmGraphModel     *self,
                                                  const char       *from_node,
                                                  const char       *from_port,
                                                  const char       *to_node,
                                                  const char       *to_port,
                                                  GError          **error);
gboolean           em_graph_model_remove_link    (EmGraphModel     *self,
                                                  const char       *from_node,
                                                  const char       *from_port,
                                                  const char       *to_node,
                                                  const char       *to_port);

void               em_graph_model_set_validator  (EmGraphModel        *self,
                                                  EmGraphLinkValidator validator,
                                                  gpointer             user_data,
                                                  GDestroyNotify       destroy);

/* (transfer none): the model's own arrays, nodes in the order added. */
GPtrArray         *em_graph_model_get_nodes      (EmGraphModel     *self);
GPtrArray         *em_graph_model_get_links      (EmGraphModel     *self);
const EmGraphNode *em_graph_model_get_node       (EmGraphModel     *self,
                                                  const char       *id);
const EmGraphPort *em_graph_model_get_port       (EmGraphModel     *self,
                                                  const char       *node_id,
                                                  EmPortDirection   direction,
                                                  const char       *port_id);
/* How many links end (input) or start (output) at a port. */
guint              em_graph_model_count_links    (EmGraphModel     *self,
                                                  const char       *node_id,
                                                  EmPortDirection   direction,
                                                  const char       *port_id);
gboolean           em_graph_model_types_meet     (const EmGraphPort *output,
                                                  const EmGraphPort *input);

const char        *em_graph_node_kind_to_string  (EmGraphNodeKind   kind);

G_END_DECLS
