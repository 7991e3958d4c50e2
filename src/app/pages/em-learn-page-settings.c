/* SPDX-License-Identifier: Apache-2.0 */
/* EmLearnPage's settings form: one row per parameter of the block's schema
 * (spin buttons with the schema's ranges, switches, dropdowns, entries),
 * "Augment: ..." parameters in their own group, each edit saved to the
 * project's impulse at once. */
#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "em-learn-page-private.h"

#define AUGMENT_PREFIX "Augment: "

/* ---- saving settings ------------------------------------------------------- */

/* Sets one parameter of the block in the project's impulse (re-read first,
 * so the impulse editor's changes are kept). @value: (transfer full). */
void
em_learn_page_save_param (EmLearnPage *self, const char *name, JsonNode *value)
{
  g_autoptr(JsonNode) owned = value;
  g_autoptr(GError) error = NULL;
  g_autoptr(EmImpulse) impulse = NULL;
  EmImpulseLearnBlock *lb;

  if (self->loading)
    return;
  impulse = em_impulse_load (self->project, &error);
  lb = impulse != NULL ? em_impulse_find_learn_block (impulse, self->block_id) : NULL;
  if (lb == NULL)
    {
      em_learn_page_set_status (self, error != NULL ? error->message : _("The learning block is no longer in the impulse"),
                                TRUE);
      return;
    }
  json_object_set_member (lb->params, name, g_steal_pointer (&owned));
  if (!em_impulse_save (self->project, impulse, &error))
    {
      em_learn_page_set_status (self, error->message, TRUE);
      return;
    }
  /* A changed setting makes the stored model stale. */
  g_free (em_learn_page_show_report (self));
}

static void
spin_changed_cb (GtkSpinButton *spin, EmLearnPage *self)
{
  const char *name = g_object_get_data (G_OBJECT (spin), "param-name");
  gboolean is_int = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (spin), "param-int"));
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  if (is_int)
    json_node_set_int (node, (gint64) llround (gtk_spin_button_get_value (spin)));
  else
    json_node_set_double (node, gtk_spin_button_get_value (spin));
  em_learn_page_save_param (self, name, node);
}

static void
switch_changed_cb (GtkSwitch *sw, GParamSpec *pspec, EmLearnPage *self)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_boolean (node, gtk_switch_get_active (sw));
  em_learn_page_save_param (self, g_object_get_data (G_OBJECT (sw), "param-name"), node);
}

static void
combo_changed_cb (AdwComboRow *row, GParamSpec *pspec, EmLearnPage *self)
{
  GtkStringObject *item = adw_combo_row_get_selected_item (row);
  JsonNode *node;

  if (item == NULL)
    return;
  node = json_node_new (JSON_NODE_VALUE);
  json_node_set_string (node, gtk_string_object_get_string (item));
  em_learn_page_save_param (self, g_object_get_data (G_OBJECT (row), "param-name"), node);
}

static void
entry_applied_cb (AdwEntryRow *row, EmLearnPage *self)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, gtk_editable_get_text (GTK_EDITABLE (row)));
  em_learn_page_save_param (self, g_object_get_data (G_OBJECT (row), "param-name"), node);
}

/* Number formatting for float spin buttons: 0.005 and 1e-06 rather than
 * a fixed number of decimals that shows one as 0.0050 and the other as 0. */
static gboolean
float_output_cb (GtkSpinButton *spin, gpointer user_data)
{
  g_autofree char *text = g_strdup_printf ("%g", gtk_spin_button_get_value (spin));

  if (g_strcmp0 (text, gtk_editable_get_text (GTK_EDITABLE (spin))) != 0)
    gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

static int
float_input_cb (GtkSpinButton *spin, double *value, gpointer user_data)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (spin));
  char *end = NULL;
  double v = g_strtod (text, &end);

  if (end == text || !isfinite (v))
    return GTK_INPUT_ERROR;
  *value = v;
  return TRUE;
}

/* ---- the form --------------------------------------------------------------- */

static double
spec_number (JsonObject *spec, const char *key, double fallback)
{
  JsonNode *node = json_object_get_member (spec, key);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return (double) json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return json_node_get_double (node);
  return fallback;
}

static const char *
resolved_value (const EmBlockParams *params, const char *name)
{
  for (gsize i = 0; params != NULL && i < params->n_params; i++)
    if (g_strcmp0 (params->params[i].name, name) == 0)
      return params->params[i].value;
  return NULL;
}

static GtkWidget *
make_spin (JsonObject *spec, const char *type, const char *value)
{
  gboolean is_int = g_strcmp0 (type, "int") == 0;
  double lower = spec_number (spec, "min", is_int ? 0 : -1e9);
  double upper = spec_number (spec, "max", is_int ? G_MAXINT32 : 1e9);
  double fallback = spec_number (spec, "default", lower);
  double v = value != NULL ? g_ascii_strtod (value, NULL) : fallback;
  double step = 1;
  GtkWidget *spin;

  if (!is_int)
    {
      /* A step that moves the default by one in its last digit (0.005 →
       * 0.001), else about a fiftieth of the range. */
      double basis = fallback > 0 ? fallback : (upper - lower) / 50;
      step = basis > 0 ? pow (10, floor (log10 (basis))) : 0.1;
    }
  spin = gtk_spin_button_new_with_range (lower, upper, step);
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), is_int ? 0 : 6);
  if (!is_int)
    {
      g_signal_connect (spin, "output", G_CALLBACK (float_output_cb), NULL);
      g_signal_connect (spin, "input", G_CALLBACK (float_input_cb), NULL);
    }
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), v);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), FALSE);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  g_object_set_data (G_OBJECT (spin), "param-int", GINT_TO_POINTER (is_int));
  return spin;
}

/* One row for one parameter of the schema. Returns the row; *editor is the
 * widget that holds the value. */
static GtkWidget *
make_param_row (EmLearnPage *self, JsonObject *spec, const EmBlockParams *params, GtkWidget **editor)
{
  const char *name = json_object_get_string_member_with_default (spec, "name", "");
  const char *type = json_object_get_string_member_with_default (spec, "type", "string");
  const char *label = json_object_get_string_member_with_default (spec, "label", name);
  const char *help = json_object_get_string_member_with_default (spec, "help", NULL);
  const char *units = json_object_get_string_member_with_default (spec, "units", NULL);
  const char *value = resolved_value (params, name);
  g_autofree char *title = NULL;
  GtkWidget *row;

  /* The group already says "augmentation": "Augment: time shift" reads
   * as "Time shift" there. */
  if (g_str_has_prefix (label, AUGMENT_PREFIX))
    {
      const char *rest = label + strlen (AUGMENT_PREFIX);
      const char *next = g_utf8_next_char (rest);
      g_autofree char *first = g_utf8_strup (rest, next - rest);

      label = title = g_strconcat (first, next, NULL);
    }

  if (g_strcmp0 (type, "enum") == 0)
    {
      JsonArray *values = json_object_get_array_member (spec, "values");
      g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);
      guint selected = 0;

      for (guint i = 0; values != NULL && i < json_array_get_length (values); i++)
        {
          const char *choice = json_array_get_string_element (values, i);
          gtk_string_list_append (list, choice);
          if (g_strcmp0 (choice, value) == 0)
            selected = i;
        }
      row = adw_combo_row_new ();
      adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (list));
      adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
      g_signal_connect (row, "notify::selected", G_CALLBACK (combo_changed_cb), self);
      *editor = row;
    }
  else if (g_strcmp0 (type, "string") == 0)
    {
      row = adw_entry_row_new ();
      adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
      gtk_editable_set_text (GTK_EDITABLE (row), value != NULL ? value : "");
      g_signal_connect (row, "apply", G_CALLBACK (entry_applied_cb), self);
      *editor = row;
    }
  else if (g_strcmp0 (type, "bool") == 0)
    {
      GtkWidget *sw = gtk_switch_new ();

      row = adw_action_row_new ();
      gtk_switch_set_active (GTK_SWITCH (sw), g_strcmp0 (value, "true") == 0);
      gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
      g_signal_connect (sw, "notify::active", G_CALLBACK (switch_changed_cb), self);
      *editor = sw;
    }
  else
    {
      GtkWidget *spin = make_spin (spec, type, value);

      row = adw_action_row_new ();
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
      if (units != NULL && *units != '\0')
        {
          GtkWidget *units_label = gtk_label_new (units);
          gtk_widget_add_css_class (units_label, "dim-label");
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), units_label);
        }
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
      g_signal_connect (spin, "value-changed", G_CALLBACK (spin_changed_cb), self);
      *editor = spin;
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), label);
  if (help != NULL && ADW_IS_ACTION_ROW (row))
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), help);
  else if (help != NULL)
    gtk_widget_set_tooltip_text (row, help);
  gtk_accessible_update_property (GTK_ACCESSIBLE (*editor), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_object_set_data_full (G_OBJECT (*editor), "param-name", g_strdup (name), g_free);
  return row;
}

static void
clear_form (EmLearnPage *self)
{
  for (guint i = 0; i < self->form_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->form_rows, i);
      GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);

      if (group != NULL)
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), row);
    }
  g_ptr_array_set_size (self->form_rows, 0);
  g_hash_table_remove_all (self->editors);
}

void
em_learn_page_build_form (EmLearnPage *self, EmImpulseLearnBlock *lb)
{
  JsonArray *schema = em_block_get_schema (self->block);
  g_autoptr(EmBlockParams) params = NULL;
  g_autoptr(GError) error = NULL;
  gboolean any_augment = FALSE, has_arch = FALSE;

  /* A stored value the schema no longer accepts falls back to the
   * defaults here; training will name the bad one. */
  params = em_block_resolve_params (self->block, lb->params, &error);
  if (params == NULL)
    {
      em_learn_page_set_status (self, error->message, TRUE);
      params = em_block_resolve_params (self->block, NULL, NULL);
    }

  self->loading = TRUE;
  clear_form (self);
  for (guint i = 0; schema != NULL && i < json_array_get_length (schema); i++)
    {
      JsonObject *spec = json_array_get_object_element (schema, i);
      const char *name = json_object_get_string_member_with_default (spec, "name", "");
      const char *label = json_object_get_string_member_with_default (spec, "label", name);
      gboolean augment = g_str_has_prefix (label, AUGMENT_PREFIX);
      GtkWidget *editor = NULL, *row;

      if (g_strcmp0 (name, "architecture") == 0 &&
          g_strcmp0 (json_object_get_string_member_with_default (spec, "type", ""), "string") == 0)
        {
          has_arch = TRUE;
          continue;
        }
      row = make_param_row (self, spec, params, &editor);
      adw_preferences_group_add (augment ? self->augment_group : self->settings_group, row);
      g_ptr_array_add (self->form_rows, row);
      g_hash_table_insert (self->editors, g_strdup (name), editor);
      any_augment |= augment;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->augment_group), any_augment);
  gtk_widget_set_visible (GTK_WIDGET (self->arch_group), has_arch);

  if (has_arch)
    {
      const char *arch = resolved_value (params, "architecture");
      g_autoptr(GError) arch_error = NULL;

      self->arch_default = arch == NULL || *arch == '\0';
      if (!self->arch_default && !em_layer_list_set_architecture (self->layer_list, arch, &arch_error))
        em_learn_page_set_status (self, arch_error->message, TRUE);
    }
  self->loading = FALSE;
}
