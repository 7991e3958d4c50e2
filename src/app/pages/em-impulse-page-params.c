/* SPDX-License-Identifier: Apache-2.0 */
/* The parameters panel of the impulse editor: the selected block's schema
 * (the input block's is made here), edits checked as feature generation and
 * training will check them, then saved. */
#include <glib/gi18n.h>

#include "em-impulse-page-private.h"
#include "em-error.h"

static const char * const resize_names[] = { "squash", "fit-shortest", "fit-longest" };
static const char * const anchor_names[] = {
  "top-left", "top-center", "top-right", "middle-left", "middle-center", "middle-right",
  "bottom-left", "bottom-center", "bottom-right",
};

/* ---- the input block's parameters ---------------------------------------------------- */

static JsonArray *
input_schema (EmImpulsePage *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

#define PARAM(name_, type_, label_) \
  json_builder_begin_object (b); \
  json_builder_set_member_name (b, "name"); json_builder_add_string_value (b, name_); \
  json_builder_set_member_name (b, "type"); json_builder_add_string_value (b, type_); \
  json_builder_set_member_name (b, "label"); json_builder_add_string_value (b, label_)
#define RANGE(lo, hi) \
  json_builder_set_member_name (b, "min"); json_builder_add_double_value (b, lo); \
  json_builder_set_member_name (b, "max"); json_builder_add_double_value (b, hi)
#define TEXT(key, text) \
  json_builder_set_member_name (b, key); json_builder_add_string_value (b, text)
#define VALUES(names, n) \
  json_builder_set_member_name (b, "values"); json_builder_begin_array (b); \
  for (guint i_ = 0; i_ < (n); i_++) json_builder_add_string_value (b, (names)[i_]); \
  json_builder_end_array (b)

  json_builder_begin_array (b);
  if (self->impulse->input.is_image)
    {
      PARAM ("width", "int", _("Image width")); RANGE (1, 4096); TEXT ("units", "px");
      json_builder_end_object (b);
      PARAM ("height", "int", _("Image height")); RANGE (1, 4096); TEXT ("units", "px");
      json_builder_end_object (b);
      PARAM ("resize_mode", "enum", _("Resize mode"));
      TEXT ("help", _("Squash, crop the long side, or pad the short side"));
      VALUES (resize_names, G_N_ELEMENTS (resize_names));
      json_builder_end_object (b);
      PARAM ("crop_anchor", "enum", _("Crop anchor"));
      VALUES (anchor_names, G_N_ELEMENTS (anchor_names));
      json_builder_end_object (b);
    }
  else
    {
      PARAM ("window_size_ms", "float", _("Window size")); RANGE (1, 3600000); TEXT ("units", "ms");
      json_builder_end_object (b);
      PARAM ("window_increase_ms", "float", _("Window increase")); RANGE (1, 3600000);
      TEXT ("units", "ms"); TEXT ("help", _("The stride between windows"));
      json_builder_end_object (b);
      PARAM ("frequency_hz", "float", _("Frequency")); RANGE (0.1, 1000000); TEXT ("units", "Hz");
      TEXT ("help", _("Samples at another rate are left out"));
      json_builder_end_object (b);
      PARAM ("zero_pad", "bool", _("Zero-pad data"));
      TEXT ("help", _("Pad samples shorter than a window with zeros"));
      json_builder_end_object (b);
      if (self->axis_names != NULL && self->axis_names[0] != NULL)
        {
          PARAM ("axes", "flags", _("Axes"));
          VALUES (self->axis_names, g_strv_length (self->axis_names));
          json_builder_end_object (b);
        }
    }
  json_builder_end_array (b);
#undef PARAM
#undef RANGE
#undef TEXT
#undef VALUES
  root = json_builder_get_root (b);
  return json_array_ref (json_node_get_array (root));
}

static JsonObject *
input_values (EmImpulsePage *self)
{
  const EmInputConfig *in = &self->impulse->input;
  JsonObject *o = json_object_new ();

  if (in->is_image)
    {
      json_object_set_int_member (o, "width", in->width);
      json_object_set_int_member (o, "height", in->height);
      json_object_set_string_member (o, "resize_mode", resize_names[CLAMP (in->resize_mode, 0, 2)]);
      json_object_set_string_member (o, "crop_anchor", in->crop_anchor != NULL ? in->crop_anchor
                                                                                 : "middle-center");
    }
  else
    {
      JsonArray *axes = json_array_new ();
      GStrv chosen = in->axes != NULL ? in->axes : self->axis_names;

      json_object_set_double_member (o, "window_size_ms", in->window_size_ms);
      json_object_set_double_member (o, "window_increase_ms", in->window_increase_ms);
      json_object_set_double_member (o, "frequency_hz", in->frequency_hz);
      json_object_set_boolean_member (o, "zero_pad", in->zero_pad);
      for (guint i = 0; chosen != NULL && chosen[i] != NULL; i++)
        json_array_add_string_element (axes, chosen[i]);
      json_object_set_array_member (o, "axes", axes);
    }
  return o;
}

static gboolean
apply_input_values (EmImpulsePage *self, EmInputConfig *in, JsonObject *v, char **bad_name,
                    GError **error)
{
  if (in->is_image)
    {
      const char *mode = json_object_get_string_member (v, "resize_mode");

      in->width = json_object_get_int_member (v, "width");
      in->height = json_object_get_int_member (v, "height");
      for (guint i = 0; i < G_N_ELEMENTS (resize_names); i++)
        if (g_strcmp0 (mode, resize_names[i]) == 0)
          in->resize_mode = i;
      g_free (in->crop_anchor);
      in->crop_anchor = g_strdup (json_object_get_string_member (v, "crop_anchor"));
      return TRUE;
    }

  in->window_size_ms = json_object_get_double_member (v, "window_size_ms");
  in->window_increase_ms = json_object_get_double_member (v, "window_increase_ms");
  in->frequency_hz = json_object_get_double_member (v, "frequency_hz");
  in->zero_pad = json_object_get_boolean_member (v, "zero_pad");
  if (json_object_has_member (v, "axes") && self->axis_names != NULL)
    {
      JsonArray *axes = json_object_get_array_member (v, "axes");
      guint n = json_array_get_length (axes);

      if (n == 0)
        {
          *bad_name = g_strdup ("axes");
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                       _("Axes: pick at least one axis for the blocks to read"));
          return FALSE;
        }
      g_clear_pointer (&in->axes, g_strfreev);
      /* All of them, in the samples' order, is the default: store NULL so
       * the impulse keeps following the data. */
      if (n < g_strv_length (self->axis_names))
        {
          in->axes = g_new0 (char *, n + 1);
          for (guint i = 0; i < n; i++)
            in->axes[i] = g_strdup (json_array_get_string_element (axes, i));
        }
    }
  return TRUE;
}

/* ---- parameters panel ---------------------------------------------------------------- */

void
em_impulse_page_update_params (EmImpulsePage *self)
{
  EmImpulseBlock *b;
  EmImpulseLearnBlock *lb;
  const char *plugin = NULL;
  JsonObject *params = NULL;
  EmBlock *block;

  gtk_stack_set_visible_child_name (self->side_stack,
                                    self->impulse != NULL && self->shown_id != NULL ? "params" : "blocks");
  if (self->impulse == NULL || self->shown_id == NULL)
    {
      em_block_params_panel_clear (self->params_panel);
      return;
    }
  if (g_str_equal (self->shown_id, EM_IMPULSE_PAGE_INPUT_ID))
    {
      g_autoptr(JsonArray) schema = input_schema (self);
      g_autoptr(JsonObject) values = input_values (self);
      const EmGraphNode *node = em_graph_model_get_node (self->model, EM_IMPULSE_PAGE_INPUT_ID);

      em_block_params_panel_set_block (self->params_panel, node != NULL ? node->title : _("Input"),
                                       _("How samples are cut into the windows every block sees"),
                                       schema, values);
      return;
    }
  if ((b = em_impulse_find_block (self->impulse, self->shown_id)) != NULL)
    {
      plugin = b->plugin;
      params = b->params;
    }
  else if ((lb = em_impulse_find_learn_block (self->impulse, self->shown_id)) != NULL)
    {
      plugin = lb->plugin;
      params = lb->params;
    }
  else
    {
      em_block_params_panel_clear (self->params_panel);
      return;
    }
  block = em_block_registry_lookup (self->registry, plugin);
  if (block == NULL)
    {
      g_autoptr(JsonArray) none = json_array_new ();
      g_autofree char *desc = g_strdup_printf (_("The plugin “%s” is not installed, so this block’s "
                                                 "parameters cannot be edited"), plugin);
      em_block_params_panel_set_block (self->params_panel, self->shown_id, desc, none, NULL);
      return;
    }
  {
    const EmGraphNode *node = em_graph_model_get_node (self->model, self->shown_id);
    em_block_params_panel_set_block (self->params_panel, node != NULL ? node->title : plugin,
                                     em_block_get_description (block), em_block_get_schema (block),
                                     params);
  }
}

void
em_impulse_page_params_changed (EmBlockParamsPanel *panel, const char *name, EmImpulsePage *self)
{
  g_autoptr(JsonObject) values = em_block_params_panel_get_values (panel);
  g_autoptr(EmImpulse) next = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bad_name = NULL;
  EmImpulseBlock *b;
  EmImpulseLearnBlock *lb;
  const char *plugin = NULL;

  if (self->impulse == NULL || self->shown_id == NULL)
    return;
  em_impulse_page_flush (self);
  /* Flushing rebuilds the canvas; the block may be gone with it. */
  if (self->shown_id == NULL)
    return;
  next = em_impulse_copy (self->impulse);

  if (g_str_equal (self->shown_id, EM_IMPULSE_PAGE_INPUT_ID))
    {
      if (!apply_input_values (self, &next->input, values, &bad_name, &error))
        {
          em_block_params_panel_set_error (panel, bad_name, error->message);
          return;
        }
    }
  else
    {
      JsonObject **slot = NULL;
      EmBlock *block;
      g_autoptr(EmBlockParams) resolved = NULL;

      if ((b = em_impulse_find_block (next, self->shown_id)) != NULL)
        plugin = b->plugin, slot = &b->params;
      else if ((lb = em_impulse_find_learn_block (next, self->shown_id)) != NULL)
        plugin = lb->plugin, slot = &lb->params;
      if (slot == NULL || (block = em_block_registry_lookup (self->registry, plugin)) == NULL)
        return;
      /* The same check feature generation and training will apply. */
      resolved = em_block_resolve_params (block, values, &error);
      if (resolved == NULL)
        {
          em_block_params_panel_set_error (panel, name, error->message);
          return;
        }
      g_clear_pointer (slot, json_object_unref);
      *slot = json_object_ref (values);
    }
  em_block_params_panel_set_error (panel, NULL, NULL);
  em_impulse_page_commit (self, g_steal_pointer (&next), NULL);
}
