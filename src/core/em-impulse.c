/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <string.h>
#include "em-error.h"
#include "em-impulse.h"

#define IMPULSE_SETTING "impulse"

static const char * const resize_names[] = { "squash", "fit-shortest", "fit-longest" };

static void
block_free (gpointer p)
{
  EmImpulseBlock *b = p;

  g_free (b->id);
  g_free (b->plugin);
  g_clear_pointer (&b->params, json_object_unref);
  g_strfreev (b->axes);
  g_free (b);
}

static void
learn_block_free (gpointer p)
{
  EmImpulseLearnBlock *b = p;

  g_free (b->id);
  g_free (b->plugin);
  g_clear_pointer (&b->params, json_object_unref);
  g_strfreev (b->inputs);
  g_free (b);
}

EmImpulse *
em_impulse_new (void)
{
  EmImpulse *impulse = g_new0 (EmImpulse, 1);

  impulse->version = 1;
  impulse->input.window_size_ms = 1000;
  impulse->input.window_increase_ms = 500;
  impulse->input.zero_pad = TRUE;
  impulse->input.width = 96;
  impulse->input.height = 96;
  impulse->input.resize_mode = EM_RESIZE_SQUASH;
  impulse->input.crop_anchor = g_strdup ("middle-center");
  impulse->blocks = g_ptr_array_new_with_free_func (block_free);
  impulse->learn_blocks = g_ptr_array_new_with_free_func (learn_block_free);
  return impulse;
}

void
em_impulse_free (EmImpulse *impulse)
{
  if (impulse == NULL)
    return;
  g_strfreev (impulse->input.axes);
  g_free (impulse->input.crop_anchor);
  g_ptr_array_unref (impulse->blocks);
  g_ptr_array_unref (impulse->learn_blocks);
  g_clear_pointer (&impulse->extra, json_node_unref);
  g_free (impulse);
}

EmImpulseBlock *
em_impulse_add_block (EmImpulse *impulse, const char *id, const char *plugin)
{
  EmImpulseBlock *b = g_new0 (EmImpulseBlock, 1);

  b->id = g_strdup (id);
  b->plugin = g_strdup (plugin);
  b->params = json_object_new ();
  g_ptr_array_add (impulse->blocks, b);
  return b;
}

EmImpulseBlock *
em_impulse_find_block (EmImpulse *impulse, const char *id)
{
  for (guint i = 0; i < impulse->blocks->len; i++)
    {
      EmImpulseBlock *b = g_ptr_array_index (impulse->blocks, i);
      if (g_strcmp0 (b->id, id) == 0)
        return b;
    }
  return NULL;
}

/* The first learning block that uses processing block @id, or NULL. */
static EmImpulseLearnBlock *
learn_block_using (EmImpulse *impulse, const char *id)
{
  for (guint i = 0; i < impulse->learn_blocks->len; i++)
    {
      EmImpulseLearnBlock *lb = g_ptr_array_index (impulse->learn_blocks, i);
      if (g_strv_contains ((const char * const *) lb->inputs, id))
        return lb;
    }
  return NULL;
}

gboolean
em_impulse_remove_block (EmImpulse *impulse, const char *id)
{
  EmImpulseBlock *b = em_impulse_find_block (impulse, id);

  /* A learning block must never point at a block that is gone. */
  if (b == NULL || learn_block_using (impulse, id) != NULL)
    return FALSE;
  return g_ptr_array_remove (impulse->blocks, b);
}

EmImpulseLearnBlock *
em_impulse_add_learn_block (EmImpulse *impulse, const char *id, const char *plugin,
                            const char * const *inputs)
{
  EmImpulseLearnBlock *b = g_new0 (EmImpulseLearnBlock, 1);
  const char * const none[] = { NULL };

  b->id = g_strdup (id);
  b->plugin = g_strdup (plugin);
  b->params = json_object_new ();
  b->inputs = g_strdupv ((char **) (inputs != NULL ? inputs : none));
  g_ptr_array_add (impulse->learn_blocks, b);
  return b;
}

EmImpulseLearnBlock *
em_impulse_find_learn_block (EmImpulse *impulse, const char *id)
{
  for (guint i = 0; i < impulse->learn_blocks->len; i++)
    {
      EmImpulseLearnBlock *b = g_ptr_array_index (impulse->learn_blocks, i);
      if (g_strcmp0 (b->id, id) == 0)
        return b;
    }
  return NULL;
}

EmImpulseLearnBlock *
em_impulse_first_learn_block (EmImpulse *impulse)
{
  return impulse->learn_blocks->len > 0 ? g_ptr_array_index (impulse->learn_blocks, 0) : NULL;
}

gboolean
em_impulse_remove_learn_block (EmImpulse *impulse, const char *id)
{
  EmImpulseLearnBlock *b = em_impulse_find_learn_block (impulse, id);

  return b != NULL && g_ptr_array_remove (impulse->learn_blocks, b);
}

gboolean
em_impulse_has_id (EmImpulse *impulse, const char *id)
{
  return em_impulse_find_block (impulse, id) != NULL || em_impulse_find_learn_block (impulse, id) != NULL;
}

gboolean
em_impulse_remove (EmImpulse *impulse, const char *id, GError **error)
{
  EmImpulseLearnBlock *user;

  if (em_impulse_remove_learn_block (impulse, id))
    return TRUE;
  if (em_impulse_find_block (impulse, id) == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "the impulse has no block '%s'", id);
      return FALSE;
    }
  if ((user = learn_block_using (impulse, id)) != NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                   "block %s feeds the learning block '%s': remove that first, or change its inputs", id,
                   user->id);
      return FALSE;
    }
  return em_impulse_remove_block (impulse, id);
}

static GStrv
strv_from_array (JsonArray *array)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  GStrv out;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *n = json_array_get_element (array, i);
      if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (n));
    }
  out = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return out;
}

static gboolean
bad (GError **error, const char *what)
{
  g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "impulse: %s", what);
  return FALSE;
}

static gboolean
parse_input (JsonObject *o, EmInputConfig *in, GError **error)
{
  const char *type = json_object_get_string_member_with_default (o, "type", "time-series");

  in->is_image = g_strcmp0 (type, "image") == 0;
  if (!in->is_image && g_strcmp0 (type, "time-series") != 0)
    return bad (error, "input type must be time-series or image");
  if (in->is_image)
    {
      const char *mode = json_object_get_string_member_with_default (o, "resize_mode", "squash");
      gint64 w = json_object_get_int_member_with_default (o, "width", 96);
      gint64 h = json_object_get_int_member_with_default (o, "height", 96);
      gboolean found = FALSE;

      if (w < 1 || h < 1 || w > 4096 || h > 4096)
        return bad (error, "input width and height must be 1..4096");
      in->width = (guint) w;
      in->height = (guint) h;
      for (guint i = 0; i < G_N_ELEMENTS (resize_names); i++)
        if (g_strcmp0 (mode, resize_names[i]) == 0)
          {
            in->resize_mode = (EmResizeMode) i;
            found = TRUE;
          }
      if (!found)
        return bad (error, "input resize_mode must be squash, fit-shortest or fit-longest");
      g_free (in->crop_anchor);
      in->crop_anchor = g_strdup (json_object_get_string_member_with_default (o, "crop_anchor", "middle-center"));
      return TRUE;
    }
  in->window_size_ms = json_object_get_double_member_with_default (o, "window_size_ms", 1000);
  in->window_increase_ms = json_object_get_double_member_with_default (o, "window_increase_ms", in->window_size_ms);
  in->frequency_hz = json_object_get_double_member_with_default (o, "frequency_hz", 0);
  in->zero_pad = json_object_get_boolean_member_with_default (o, "zero_pad", TRUE);
  if (!(in->window_size_ms > 0) || !(in->window_increase_ms > 0) || !(in->frequency_hz >= 0) ||
      !isfinite (in->window_size_ms) || !isfinite (in->window_increase_ms))
    return bad (error, "input window_size_ms and window_increase_ms must be positive numbers");
  if (json_object_has_member (o, "axes") && JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, "axes")))
    in->axes = strv_from_array (json_object_get_array_member (o, "axes"));
  return TRUE;
}

static void
read_position (JsonObject *bo, double *x, double *y)
{
  if (json_object_has_member (bo, "position") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (bo, "position")))
    {
      JsonObject *pos = json_object_get_object_member (bo, "position");
      *x = json_object_get_double_member_with_default (pos, "x", 0);
      *y = json_object_get_double_member_with_default (pos, "y", 0);
    }
}

static gboolean
parse_learn_block (EmImpulse *impulse, JsonObject *bo, const char *id, const char *plugin, GError **error)
{
  EmImpulseLearnBlock *lb = em_impulse_add_learn_block (impulse, id, plugin, NULL);
  JsonNode *inputs = json_object_get_member (bo, "inputs");

  if (inputs != NULL && !JSON_NODE_HOLDS_NULL (inputs))
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (inputs))
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                       "impulse: learning block '%s': inputs must be a list of block ids", id);
          return FALSE;
        }
      array = json_node_get_array (inputs);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *n = json_array_get_element (array, i);
          if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
            {
              g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                           "impulse: learning block '%s': inputs must be a list of block ids", id);
              return FALSE;
            }
          if (g_strv_contains ((const char * const *) lb->inputs, json_node_get_string (n)))
            {
              g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                           "impulse: learning block '%s' takes '%s' twice", id, json_node_get_string (n));
              return FALSE;
            }
        }
      g_strfreev (lb->inputs);
      lb->inputs = strv_from_array (array);
    }
  if (json_object_has_member (bo, "params") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (bo, "params")))
    {
      json_object_unref (lb->params);
      lb->params = json_object_ref (json_object_get_object_member (bo, "params"));
    }
  read_position (bo, &lb->x, &lb->y);
  return TRUE;
}

EmImpulse *
em_impulse_copy (const EmImpulse *impulse)
{
  g_autofree char *json = em_impulse_to_json (impulse);
  EmImpulse *copy = em_impulse_from_json (json, NULL);

  /* Our own output always parses; anything else is a bug here. */
  g_assert (copy != NULL);
  return copy;
}

EmImpulse *
em_impulse_from_json (const char *json, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(EmImpulse) impulse = em_impulse_new ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonObject *o;

  if (!json_parser_load_from_data (parser, json, -1, &local_error))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "impulse: not valid JSON: %s", local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return bad (error, "not a JSON object"), NULL;
  o = json_node_get_object (root);
  impulse->version = (guint) json_object_get_int_member_with_default (o, "version", 1);
  if (json_object_has_member (o, "input"))
    {
      JsonNode *n = json_object_get_member (o, "input");
      if (!JSON_NODE_HOLDS_OBJECT (n) || !parse_input (json_node_get_object (n), &impulse->input, error))
        return error != NULL && *error != NULL ? NULL : (bad (error, "input must be an object"), NULL);
    }
  if (json_object_has_member (o, "blocks"))
    {
      JsonNode *n = json_object_get_member (o, "blocks");
      JsonArray *blocks;

      if (!JSON_NODE_HOLDS_ARRAY (n))
        return bad (error, "blocks must be a list"), NULL;
      blocks = json_node_get_array (n);
      for (guint i = 0; i < json_array_get_length (blocks); i++)
        {
          JsonNode *bn = json_array_get_element (blocks, i);
          JsonObject *bo;
          EmImpulseBlock *b;
          const char *id, *plugin;

          if (!JSON_NODE_HOLDS_OBJECT (bn))
            return bad (error, "each block must be an object"), NULL;
          bo = json_node_get_object (bn);
          id = json_object_get_string_member_with_default (bo, "id", NULL);
          plugin = json_object_get_string_member_with_default (bo, "plugin", NULL);
          if (id == NULL || plugin == NULL || *id == '\0')
            return bad (error, "each block needs an id and a plugin"), NULL;
          if (em_impulse_has_id (impulse, id))
            {
              g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "impulse: two blocks have the id '%s'", id);
              return NULL;
            }
          if (g_strcmp0 (json_object_get_string_member_with_default (bo, "kind", "processing"), "learning") == 0)
            {
              if (!parse_learn_block (impulse, bo, id, plugin, error))
                return NULL;
              continue;
            }
          b = em_impulse_add_block (impulse, id, plugin);
          if (json_object_has_member (bo, "params") &&
              JSON_NODE_HOLDS_OBJECT (json_object_get_member (bo, "params")))
            {
              json_object_unref (b->params);
              b->params = json_object_ref (json_object_get_object_member (bo, "params"));
            }
          if (json_object_has_member (bo, "axes") && JSON_NODE_HOLDS_ARRAY (json_object_get_member (bo, "axes")))
            b->axes = strv_from_array (json_object_get_array_member (bo, "axes"));
          read_position (bo, &b->x, &b->y);
        }
    }
  if (json_object_has_member (o, "learning"))
    impulse->extra = json_node_copy (json_object_get_member (o, "learning"));
  /* Inputs may name blocks listed after the learning block: check at the end. */
  for (guint i = 0; i < impulse->learn_blocks->len; i++)
    {
      EmImpulseLearnBlock *lb = g_ptr_array_index (impulse->learn_blocks, i);
      for (guint k = 0; lb->inputs[k] != NULL; k++)
        if (em_impulse_find_block (impulse, lb->inputs[k]) == NULL)
          {
            g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                         "impulse: learning block '%s' takes '%s', which is not a processing block of the impulse",
                         lb->id, lb->inputs[k]);
            return NULL;
          }
    }
  return g_steal_pointer (&impulse);
}

static void
add_strv (JsonBuilder *b, const char *name, GStrv strv)
{
  if (strv == NULL)
    return;
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint i = 0; strv[i] != NULL; i++)
    json_builder_add_string_value (b, strv[i]);
  json_builder_end_array (b);
}

char *
em_impulse_to_json (const EmImpulse *impulse)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  const EmInputConfig *in = &impulse->input;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, impulse->version);
  json_builder_set_member_name (b, "input");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, in->is_image ? "image" : "time-series");
  if (in->is_image)
    {
      json_builder_set_member_name (b, "width");
      json_builder_add_int_value (b, in->width);
      json_builder_set_member_name (b, "height");
      json_builder_add_int_value (b, in->height);
      json_builder_set_member_name (b, "resize_mode");
      json_builder_add_string_value (b, resize_names[in->resize_mode]);
      json_builder_set_member_name (b, "crop_anchor");
      json_builder_add_string_value (b, in->crop_anchor);
    }
  else
    {
      json_builder_set_member_name (b, "window_size_ms");
      json_builder_add_double_value (b, in->window_size_ms);
      json_builder_set_member_name (b, "window_increase_ms");
      json_builder_add_double_value (b, in->window_increase_ms);
      json_builder_set_member_name (b, "frequency_hz");
      json_builder_add_double_value (b, in->frequency_hz);
      json_builder_set_member_name (b, "zero_pad");
      json_builder_add_boolean_value (b, in->zero_pad);
      add_strv (b, "axes", in->axes);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "blocks");
  json_builder_begin_array (b);
  for (guint i = 0; i < impulse->blocks->len; i++)
    {
      EmImpulseBlock *blk = g_ptr_array_index (impulse->blocks, i);
      JsonNode *params = json_node_new (JSON_NODE_OBJECT);

      json_node_set_object (params, blk->params);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, blk->id);
      json_builder_set_member_name (b, "plugin");
      json_builder_add_string_value (b, blk->plugin);
      json_builder_set_member_name (b, "params");
      json_builder_add_value (b, params);
      add_strv (b, "axes", blk->axes);
      json_builder_set_member_name (b, "inputs");
      json_builder_begin_array (b);
      json_builder_add_string_value (b, "input");
      json_builder_end_array (b);
      json_builder_set_member_name (b, "position");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "x");
      json_builder_add_double_value (b, blk->x);
      json_builder_set_member_name (b, "y");
      json_builder_add_double_value (b, blk->y);
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
  for (guint i = 0; i < impulse->learn_blocks->len; i++)
    {
      EmImpulseLearnBlock *lb = g_ptr_array_index (impulse->learn_blocks, i);
      JsonNode *params = json_node_new (JSON_NODE_OBJECT);

      json_node_set_object (params, lb->params);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, lb->id);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, "learning");
      json_builder_set_member_name (b, "plugin");
      json_builder_add_string_value (b, lb->plugin);
      json_builder_set_member_name (b, "params");
      json_builder_add_value (b, params);
      json_builder_set_member_name (b, "inputs");
      json_builder_begin_array (b);
      for (guint k = 0; lb->inputs[k] != NULL; k++)
        json_builder_add_string_value (b, lb->inputs[k]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "position");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "x");
      json_builder_add_double_value (b, lb->x);
      json_builder_set_member_name (b, "y");
      json_builder_add_double_value (b, lb->y);
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  if (impulse->extra != NULL)
    {
      json_builder_set_member_name (b, "learning");
      json_builder_add_value (b, json_node_copy (impulse->extra));
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}

EmImpulse *
em_impulse_load (EmProject *project, GError **error)
{
  g_autofree char *json = em_project_get_setting (project, IMPULSE_SETTING);

  if (json == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND,
                   "%s has no impulse yet: create one with 'ember-cli impulse create'",
                   em_project_get_name (project));
      return NULL;
    }
  return em_impulse_from_json (json, error);
}

gboolean
em_impulse_save (EmProject *project, const EmImpulse *impulse, GError **error)
{
  g_autofree char *json = em_impulse_to_json (impulse);

  return em_project_set_setting (project, IMPULSE_SETTING, json, error);
}

gboolean
em_input_config_guess (EmInputConfig *config, EmProject *project, GError **error)
{
  g_autoptr(GPtrArray) first = NULL;
  EmSampleFilter f;
  EmSample *s;

  em_sample_filter_init (&f);
  f.limit = 1;
  f.enabled = 1;
  first = em_project_list_samples (project, &f, error);
  if (first == NULL)
    return FALSE;
  if (first->len == 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "%s has no samples to design an impulse for",
                   em_project_get_name (project));
      return FALSE;
    }
  s = g_ptr_array_index (first, 0);
  config->is_image = em_sample_get_kind (s) == EM_SENSOR_IMAGE;
  if (config->is_image)
    return TRUE;
  config->frequency_hz = em_sample_get_frequency_hz (s);
  /* Usual starting points: keywords fit a 1 s window; gestures a 2 s one. */
  if (em_sample_get_kind (s) == EM_SENSOR_AUDIO)
    {
      config->window_size_ms = 1000;
      config->window_increase_ms = 500;
    }
  else
    {
      config->window_size_ms = 2000;
      config->window_increase_ms = 200;
    }
  return TRUE;
}

char *
em_input_config_key (const EmInputConfig *c)
{
  g_autofree char *axes = c->axes != NULL ? g_strjoinv ("\t", c->axes) : g_strdup ("*");

  if (c->is_image)
    return g_strdup_printf ("image:%ux%u:%s:%s", c->width, c->height, resize_names[c->resize_mode],
                            c->crop_anchor);
  return g_strdup_printf ("ts:%.6f:%.6f:%.6f:%d:%s", c->window_size_ms, c->window_increase_ms,
                          c->frequency_hz, c->zero_pad, axes);
}
