/* SPDX-License-Identifier: Apache-2.0 */
/* The impulse as a node graph and back.
 *
 * The graph is always rebuilt from the saved impulse, never patched by
 * hand, so what the canvas shows is what the project holds. Edits made on
 * the canvas (links, deletes, moves) land in the model first; they are read
 * back into a copy of the impulse on an idle — a delete of several cards
 * arrives as a burst of signals, and judging the burst half-way would
 * refuse a processing block whose learning block goes in the same delete.
 * If the copy is refused (the core's rules) the graph is rebuilt from the
 * impulse as saved and the reason shown. */
#include <glib/gi18n.h>

#include "em-impulse-page-private.h"
#include "em-error.h"

/* The input card's position lives beside the impulse, whose JSON has no
 * place for it. */
#define INPUT_POSITION_SETTING "impulse-editor-input-position"
#define INPUT_PORT  "in"
#define OUTPUT_PORT "out"
/* Default layout, graph units: columns for input, processing, learning. */
#define COLUMN_STEP 260.0
#define ROW_STEP    120.0

static const char * const features_types[] = { "features", NULL };

/* The port types of an EM_INPUT_* mask. (transfer container) */
static const char **
types_for_mask (guint mask)
{
  GPtrArray *types = g_ptr_array_new ();

  if (mask & EM_INPUT_TIME_SERIES)
    g_ptr_array_add (types, (gpointer) "time-series");
  if (mask & EM_INPUT_AUDIO)
    g_ptr_array_add (types, (gpointer) "audio");
  if (mask & EM_INPUT_IMAGE)
    g_ptr_array_add (types, (gpointer) "image");
  if (types->len == 0)
    g_ptr_array_add (types, (gpointer) "none");
  g_ptr_array_add (types, NULL);
  return (const char **) g_ptr_array_free (types, FALSE);
}

static char *
node_title (EmBlock *block, const char *id, const char *plugin)
{
  const char *name = block != NULL ? em_block_get_name (block) : plugin;

  if (g_strcmp0 (id, plugin) == 0)
    return g_strdup (name);
  /* Two blocks of one plugin: the id tells them apart. */
  return g_strdup_printf ("%s (%s)", name, id);
}

static char *
input_title (EmImpulsePage *self)
{
  if (g_strcmp0 (self->input_type, "image") == 0)
    return g_strdup (_("Image data"));
  if (g_strcmp0 (self->input_type, "audio") == 0)
    return g_strdup (_("Audio data"));
  return g_strdup (_("Time series data"));
}

/* ---- building ------------------------------------------------------------------ */

static void
add_input_node (EmImpulsePage *self, double x, double y)
{
  const char *types[] = { self->input_type, NULL };
  g_autofree char *title = input_title (self);

  em_graph_model_add_node (self->model, EM_IMPULSE_PAGE_INPUT_ID, title, EM_GRAPH_NODE_KIND_INPUT,
                           x, y, _("Cuts each sample into windows for the blocks"), NULL);
  em_graph_model_add_port (self->model, EM_IMPULSE_PAGE_INPUT_ID, EM_PORT_DIRECTION_OUTPUT,
                           OUTPUT_PORT, _("Windows"), types, 0, NULL);
}

static void
add_processing_node (EmImpulsePage *self, EmImpulseBlock *b, double x, double y)
{
  EmBlock *block = em_block_registry_lookup (self->registry, b->plugin);
  g_autofree char *title = node_title (block, b->id, b->plugin);
  /* A plugin that is not installed still shows; it accepts what the input
   * gives so its card keeps its link. */
  g_autofree const char **types = types_for_mask (block != NULL ? em_block_get_input_kinds (block)
                                                                : EM_INPUT_TIME_SERIES | EM_INPUT_AUDIO |
                                                                    EM_INPUT_IMAGE);

  em_graph_model_add_node (self->model, b->id, title, EM_GRAPH_NODE_KIND_PROCESSING, x, y,
                           block != NULL ? em_block_get_description (block)
                                         : _("This block’s plugin is not installed"),
                           NULL);
  em_graph_model_add_port (self->model, b->id, EM_PORT_DIRECTION_INPUT, INPUT_PORT, _("Signal"),
                           types, 1, NULL);
  em_graph_model_add_port (self->model, b->id, EM_PORT_DIRECTION_OUTPUT, OUTPUT_PORT,
                           _("Features"), features_types, 0, NULL);
}

static void
add_learning_node (EmImpulsePage *self, EmImpulseLearnBlock *lb, double x, double y)
{
  EmBlock *block = em_block_registry_lookup (self->registry, lb->plugin);
  g_autofree char *title = node_title (block, lb->id, lb->plugin);

  em_graph_model_add_node (self->model, lb->id, title, EM_GRAPH_NODE_KIND_LEARNING, x, y,
                           block != NULL ? em_block_get_description (block)
                                         : _("This block’s plugin is not installed"),
                           NULL);
  em_graph_model_add_port (self->model, lb->id, EM_PORT_DIRECTION_INPUT, INPUT_PORT,
                           _("Features"), features_types, 0, NULL);
}

static gboolean
sync_idle_cb (gpointer data)
{
  EmImpulsePage *self = data;

  self->sync_id = 0;
  em_impulse_page_flush (self);
  return G_SOURCE_REMOVE;
}

static void
model_changed_cb (EmImpulsePage *self)
{
  if (self->rebuilding || self->sync_id != 0)
    return;
  self->sync_id = g_idle_add (sync_idle_cb, self);
}

static void
node_removed_cb (EmGraphModel *model, const char *id, EmImpulsePage *self)
{
  model_changed_cb (self);
}

static void
link_changed_cb (EmGraphModel *model, const char *fn, const char *fp, const char *tn,
                 const char *tp, EmImpulsePage *self)
{
  model_changed_cb (self);
}

static gboolean
move_timeout_cb (gpointer data)
{
  EmImpulsePage *self = data;

  self->move_id = 0;
  em_impulse_page_flush (self);
  return G_SOURCE_REMOVE;
}

static void
node_moved_cb (EmGraphModel *model, const char *id, EmImpulsePage *self)
{
  if (self->rebuilding)
    return;
  /* A drag moves a card on every motion event; save once it rests. */
  if (self->move_id != 0)
    g_source_remove (self->move_id);
  self->move_id = g_timeout_add (400, move_timeout_cb, self);
}

void
em_impulse_page_disconnect_model (EmImpulsePage *self)
{
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_handle_id (&self->sync_id, g_source_remove);
  g_clear_handle_id (&self->move_id, g_source_remove);
}

void
em_impulse_page_rebuild_graph (EmImpulsePage *self)
{
  g_autoptr(EmGraphModel) model = em_graph_model_new ();
  EmImpulse *imp = self->impulse;
  gboolean all_at_origin = TRUE;

  em_impulse_page_disconnect_model (self);
  g_set_object (&self->model, model);
  if (imp == NULL)
    {
      em_graph_view_set_model (self->graph_view, model);
      return;
    }

  self->rebuilding = TRUE;
  for (guint i = 0; i < imp->blocks->len; i++)
    {
      EmImpulseBlock *b = g_ptr_array_index (imp->blocks, i);
      all_at_origin &= b->x == 0 && b->y == 0;
    }
  for (guint i = 0; i < imp->learn_blocks->len; i++)
    {
      EmImpulseLearnBlock *lb = g_ptr_array_index (imp->learn_blocks, i);
      all_at_origin &= lb->x == 0 && lb->y == 0;
    }

  /* Until placed, the input card sits left of the first block (or at the
   * origin when that would push it out of sight). */
  if (!self->input_placed)
    {
      self->input_x = 0;
      self->input_y = 0;
      if (!all_at_origin && imp->blocks->len > 0)
        {
          EmImpulseBlock *first = g_ptr_array_index (imp->blocks, 0);
          self->input_x = MAX (0, first->x - COLUMN_STEP);
          self->input_y = first->y;
        }
    }
  add_input_node (self, self->input_x, self->input_y);

  /* Impulses made elsewhere (the CLI, older versions) may have every block
   * at the origin: lay them out in columns instead of a pile. */
  for (guint i = 0; i < imp->blocks->len; i++)
    {
      EmImpulseBlock *b = g_ptr_array_index (imp->blocks, i);
      add_processing_node (self, b, all_at_origin ? COLUMN_STEP : b->x,
                           all_at_origin ? ROW_STEP * i : b->y);
      em_graph_model_add_link (self->model, EM_IMPULSE_PAGE_INPUT_ID, OUTPUT_PORT, b->id, INPUT_PORT,
                               NULL);
    }
  for (guint i = 0; i < imp->learn_blocks->len; i++)
    {
      EmImpulseLearnBlock *lb = g_ptr_array_index (imp->learn_blocks, i);

      add_learning_node (self, lb, all_at_origin ? 2 * COLUMN_STEP : lb->x,
                         all_at_origin ? ROW_STEP * i : lb->y);
      for (guint k = 0; lb->inputs[k] != NULL; k++)
        {
          g_autoptr(GError) error = NULL;

          if (!em_graph_model_add_link (self->model, lb->inputs[k], OUTPUT_PORT, lb->id, INPUT_PORT,
                                        &error))
            g_debug ("Impulse link %s → %s not shown: %s", lb->inputs[k], lb->id, error->message);
        }
    }

  g_signal_connect_swapped (model, "node-added", G_CALLBACK (model_changed_cb), self);
  g_signal_connect (model, "node-removed", G_CALLBACK (node_removed_cb), self);
  g_signal_connect (model, "link-added", G_CALLBACK (link_changed_cb), self);
  g_signal_connect (model, "link-removed", G_CALLBACK (link_changed_cb), self);
  g_signal_connect (model, "node-moved", G_CALLBACK (node_moved_cb), self);
  /* Still "rebuilding": the new model clears the view's selection, which
   * must not empty the parameters panel (it may be mid-edit). */
  em_graph_view_set_model (self->graph_view, model);
  if (self->shown_id != NULL && em_graph_model_get_node (model, self->shown_id) != NULL)
    em_graph_view_select_node (self->graph_view, self->shown_id, FALSE);
  self->rebuilding = FALSE;
}

/* ---- reading the graph back ------------------------------------------------------- */

static gboolean
linked (EmGraphModel *model, const char *from, const char *to)
{
  GPtrArray *links = em_graph_model_get_links (model);

  for (guint i = 0; i < links->len; i++)
    {
      EmGraphLink *l = g_ptr_array_index (links, i);
      if (g_str_equal (l->from_node, from) && g_str_equal (l->to_node, to))
        return TRUE;
    }
  return FALSE;
}

/* @lb's inputs as the graph has them: the ones still linked in their old
 * order (it is the feature concatenation order), then new links in the
 * order they were made. */
static GStrv
inputs_from_graph (EmGraphModel *model, EmImpulseLearnBlock *lb)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  GPtrArray *links = em_graph_model_get_links (model);
  GStrv result;

  for (guint k = 0; lb->inputs[k] != NULL; k++)
    if (linked (model, lb->inputs[k], lb->id))
      g_strv_builder_add (builder, lb->inputs[k]);
  for (guint i = 0; i < links->len; i++)
    {
      EmGraphLink *l = g_ptr_array_index (links, i);
      if (g_str_equal (l->to_node, lb->id) && !g_strv_contains ((const char * const *) lb->inputs, l->from_node))
        g_strv_builder_add (builder, l->from_node);
    }
  result = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return result;
}

/* Read the model into a copy of the impulse. NULL + @reason when the edit
 * must be undone. */
static EmImpulse *
impulse_from_graph (EmImpulsePage *self, char **reason)
{
  g_autoptr(EmImpulse) next = em_impulse_copy (self->impulse);
  EmGraphModel *model = self->model;

  /* Learning blocks first: a delete that takes a processing block along
   * with the learning block it feeds is fine. */
  for (guint i = next->learn_blocks->len; i-- > 0;)
    {
      EmImpulseLearnBlock *lb = g_ptr_array_index (next->learn_blocks, i);
      if (em_graph_model_get_node (model, lb->id) == NULL)
        em_impulse_remove_learn_block (next, lb->id);
    }
  for (guint i = next->blocks->len; i-- > 0;)
    {
      EmImpulseBlock *b = g_ptr_array_index (next->blocks, i);
      g_autoptr(GError) error = NULL;

      if (em_graph_model_get_node (model, b->id) != NULL)
        continue;
      /* The learning blocks' inputs are still the saved ones here, so the
       * core refuses a block that a remaining learning block reads. */
      if (!em_impulse_remove (next, b->id, &error))
        {
          *reason = g_strdup (error->message);
          return NULL;
        }
    }
  if (em_graph_model_get_node (model, EM_IMPULSE_PAGE_INPUT_ID) == NULL)
    {
      *reason = g_strdup (_("The input block cannot be removed: every impulse starts with one"));
      return NULL;
    }
  for (guint i = 0; i < next->blocks->len; i++)
    {
      EmImpulseBlock *b = g_ptr_array_index (next->blocks, i);
      const EmGraphNode *node = em_graph_model_get_node (model, b->id);

      if (!linked (model, EM_IMPULSE_PAGE_INPUT_ID, b->id))
        {
          *reason = g_strdup_printf (_("“%s” always reads the impulse’s input; delete the block instead"),
                                     node->title);
          return NULL;
        }
      b->x = node->x;
      b->y = node->y;
    }
  for (guint i = 0; i < next->learn_blocks->len; i++)
    {
      EmImpulseLearnBlock *lb = g_ptr_array_index (next->learn_blocks, i);
      const EmGraphNode *node = em_graph_model_get_node (model, lb->id);
      GStrv inputs = inputs_from_graph (model, lb);

      g_strfreev (lb->inputs);
      lb->inputs = inputs;
      lb->x = node->x;
      lb->y = node->y;
    }
  return g_steal_pointer (&next);
}

void
em_impulse_page_load_input_position (EmImpulsePage *self)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) parts = NULL;

  self->input_placed = FALSE;
  if (self->project == NULL)
    return;
  text = em_project_get_setting (self->project, INPUT_POSITION_SETTING);
  if (text == NULL)
    return;
  parts = g_strsplit (text, " ", 2);
  if (g_strv_length (parts) == 2)
    {
      self->input_x = g_ascii_strtod (parts[0], NULL);
      self->input_y = g_ascii_strtod (parts[1], NULL);
      self->input_placed = TRUE;
    }
}

static void
save_input_position (EmImpulsePage *self)
{
  const EmGraphNode *node = em_graph_model_get_node (self->model, EM_IMPULSE_PAGE_INPUT_ID);
  char x[G_ASCII_DTOSTR_BUF_SIZE], y[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  if (node == NULL || (self->input_placed && node->x == self->input_x && node->y == self->input_y))
    return;
  if (!self->input_placed && node->x == self->input_x && node->y == self->input_y)
    return;
  self->input_x = node->x;
  self->input_y = node->y;
  self->input_placed = TRUE;
  text = g_strdup_printf ("%s %s", g_ascii_dtostr (x, sizeof x, node->x),
                          g_ascii_dtostr (y, sizeof y, node->y));
  if (!em_project_set_setting (self->project, INPUT_POSITION_SETTING, text, &error))
    g_debug ("Input position not saved: %s", error->message);
}

void
em_impulse_page_flush (EmImpulsePage *self)
{
  g_autofree char *reason = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  EmImpulse *next;

  g_clear_handle_id (&self->sync_id, g_source_remove);
  g_clear_handle_id (&self->move_id, g_source_remove);
  if (self->impulse == NULL || self->model == NULL || self->project == NULL)
    return;

  next = impulse_from_graph (self, &reason);
  if (next == NULL)
    {
      em_impulse_page_show_error (self, reason);
      em_impulse_page_rebuild_graph (self);
      return;
    }
  save_input_position (self);
  before = em_impulse_to_json (self->impulse);
  after = em_impulse_to_json (next);
  if (g_str_equal (before, after))
    {
      em_impulse_free (next);
      return;
    }
  em_impulse_page_commit (self, next, NULL);
}

/* ---- edits by id --------------------------------------------------------------------- */

static char *
unique_id (EmImpulse *impulse, const char *plugin)
{
  if (!em_impulse_has_id (impulse, plugin))
    return g_strdup (plugin);
  for (guint n = 2;; n++)
    {
      g_autofree char *id = g_strdup_printf ("%s-%u", plugin, n);
      if (!em_impulse_has_id (impulse, id))
        return g_steal_pointer (&id);
    }
}

char *
em_impulse_page_add_block (EmImpulsePage *self, const char *plugin, double x, double y,
                           GError **error)
{
  g_autoptr(EmImpulse) next = NULL;
  g_autofree char *id = NULL;
  EmBlock *block;

  g_return_val_if_fail (EM_IS_IMPULSE_PAGE (self), NULL);
  g_return_val_if_fail (plugin != NULL, NULL);

  if (self->impulse == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, _("No project is open"));
      return NULL;
    }
  if (g_str_equal (plugin, EM_IMPULSE_PAGE_INPUT_ID))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                   _("An impulse has exactly one input block: select it to change its settings"));
      return NULL;
    }
  block = em_block_registry_lookup (self->registry, plugin);
  if (block == NULL || (em_block_get_kind (block) != EM_BLOCK_PROCESSING &&
                        em_block_get_kind (block) != EM_BLOCK_LEARNING))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND,
                   _("No processing or learning block “%s” is installed"), plugin);
      return NULL;
    }

  em_impulse_page_flush (self);
  next = em_impulse_copy (self->impulse);
  id = unique_id (next, plugin);
  if (em_block_get_kind (block) == EM_BLOCK_PROCESSING)
    {
      const EmGraphPort *out = em_graph_model_get_port (self->model, EM_IMPULSE_PAGE_INPUT_ID,
                                                        EM_PORT_DIRECTION_OUTPUT, OUTPUT_PORT);
      g_autofree const char **types = types_for_mask (em_block_get_input_kinds (block));
      EmGraphPort in = { .direction = EM_PORT_DIRECTION_INPUT, .types = (char **) types };
      EmImpulseBlock *b;

      /* The same rule the canvas applies to a link, before the block is in. */
      if (out != NULL && !em_graph_model_types_meet (out, &in))
        {
          g_autofree char *kinds = g_strjoinv (", ", (char **) types);
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                       _("%s takes %s, not %s: it cannot read this project’s samples"),
                       em_block_get_name (block), kinds, self->input_type);
          return NULL;
        }
      b = em_impulse_add_block (next, id, plugin);
      b->x = x;
      b->y = y;
    }
  else
    {
      EmImpulseLearnBlock *lb = em_impulse_add_learn_block (next, id, plugin, NULL);
      lb->x = x;
      lb->y = y;
    }
  if (!em_impulse_page_commit (self, g_steal_pointer (&next), error))
    return NULL;
  em_impulse_page_select_block (self, id);
  return g_steal_pointer (&id);
}

static gboolean
check_pair (EmImpulsePage *self, const char *from, const char *to, GError **error)
{
  if (self->impulse == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, _("No project is open"));
      return FALSE;
    }
  if (em_impulse_find_block (self->impulse, from) == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, _("The impulse has no processing block “%s”"), from);
      return FALSE;
    }
  if (em_impulse_find_learn_block (self->impulse, to) == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, _("The impulse has no learning block “%s”"), to);
      return FALSE;
    }
  return TRUE;
}

gboolean
em_impulse_page_link (EmImpulsePage *self, const char *from, const char *to, GError **error)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_return_val_if_fail (EM_IS_IMPULSE_PAGE (self), FALSE);

  em_impulse_page_flush (self);
  if (!check_pair (self, from, to, error))
    return FALSE;
  before = em_impulse_to_json (self->impulse);
  if (!em_graph_model_add_link (self->model, from, OUTPUT_PORT, to, INPUT_PORT, error))
    return FALSE;
  em_impulse_page_flush (self);
  after = em_impulse_to_json (self->impulse);
  if (g_str_equal (before, after))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_FAILED, _("The link could not be saved"));
      return FALSE;
    }
  return TRUE;
}

gboolean
em_impulse_page_unlink (EmImpulsePage *self, const char *from, const char *to, GError **error)
{
  g_return_val_if_fail (EM_IS_IMPULSE_PAGE (self), FALSE);

  em_impulse_page_flush (self);
  if (!check_pair (self, from, to, error))
    return FALSE;
  if (!em_graph_model_remove_link (self->model, from, OUTPUT_PORT, to, INPUT_PORT))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, _("“%s” does not feed “%s”"), from, to);
      return FALSE;
    }
  em_impulse_page_flush (self);
  return TRUE;
}

gboolean
em_impulse_page_remove_block (EmImpulsePage *self, const char *id, GError **error)
{
  g_autoptr(EmImpulse) next = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (EM_IS_IMPULSE_PAGE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  em_impulse_page_flush (self);
  if (self->impulse == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, _("No project is open"));
      return FALSE;
    }
  if (g_str_equal (id, EM_IMPULSE_PAGE_INPUT_ID))
    g_set_error (&local_error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                 _("The input block cannot be removed: every impulse starts with one"));
  else
    {
      next = em_impulse_copy (self->impulse);
      if (em_impulse_remove (next, id, &local_error))
        return em_impulse_page_commit (self, g_steal_pointer (&next), error);
    }
  em_impulse_page_show_error (self, local_error->message);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}
