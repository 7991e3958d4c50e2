/* SPDX-License-Identifier: Apache-2.0 */
/* The rows are generated from a schema at run time, so unlike the app's
 * other widgets this one has no GtkBuilder template: there is nothing fixed
 * to put in one beyond a box. */
#include <math.h>
#include <glib/gi18n.h>
#include <adwaita.h>

#include "em-block-params.h"

struct _EmBlockParamsPanel
{
  GtkWidget   parent_instance;

  GtkWidget  *box;          /* everything, vertical */
  GtkWidget  *title_label;
  GtkWidget  *desc_label;
  GtkWidget  *group;        /* AdwPreferencesGroup of the rows, replaced per block */
  GtkWidget  *error_label;
  GtkWidget  *empty_page;

  JsonObject *values;       /* given + edited */
  GHashTable *editors;      /* name -> editor widget (borrowed) */
  GHashTable *rows;         /* name -> row widget (borrowed) */
  gboolean    loading;      /* building rows: widget signals are not edits */
};

G_DEFINE_FINAL_TYPE (EmBlockParamsPanel, em_block_params_panel, GTK_TYPE_WIDGET)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* json_node_copy() shares objects; callers get values of their own. */
static JsonObject *
object_copy (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_alloc ();
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) copy = NULL;

  json_node_init_object (node, object);
  text = json_to_string (node, FALSE);
  copy = json_from_string (text, NULL);
  return json_object_ref (json_node_get_object (copy));
}

static void
set_value (EmBlockParamsPanel *self, const char *name, JsonNode *node)
{
  if (self->loading)
    {
      json_node_unref (node);
      return;
    }
  json_object_set_member (self->values, name, node);
  g_signal_emit (self, signals[CHANGED], 0, name);
}

static const char *
param_name (GObject *widget)
{
  return g_object_get_data (widget, "em-param");
}

/* ---- editors ------------------------------------------------------------------ */

static void
spin_changed_cb (GtkSpinButton *spin, EmBlockParamsPanel *self)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  if (gtk_spin_button_get_digits (spin) == 0)
    json_node_set_int (node, (gint64) llround (gtk_spin_button_get_value (spin)));
  else
    json_node_set_double (node, gtk_spin_button_get_value (spin));
  set_value (self, param_name (G_OBJECT (spin)), node);
}

static void
switch_changed_cb (GtkSwitch *sw, GParamSpec *pspec, EmBlockParamsPanel *self)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_boolean (node, gtk_switch_get_active (sw));
  set_value (self, param_name (G_OBJECT (sw)), node);
}

static void
combo_changed_cb (AdwComboRow *row, GParamSpec *pspec, EmBlockParamsPanel *self)
{
  GtkStringObject *item = adw_combo_row_get_selected_item (row);
  JsonNode *node;

  if (item == NULL)
    return;
  node = json_node_new (JSON_NODE_VALUE);
  json_node_set_string (node, gtk_string_object_get_string (item));
  set_value (self, param_name (G_OBJECT (row)), node);
}

static void
entry_commit (GtkEditable *entry, EmBlockParamsPanel *self)
{
  const char *name = param_name (G_OBJECT (entry));
  const char *text = gtk_editable_get_text (entry);
  JsonNode *old = json_object_get_member (self->values, name);
  JsonNode *node;

  /* Focus leaving without an edit is not a change. */
  if (old != NULL && JSON_NODE_HOLDS_VALUE (old) &&
      g_strcmp0 (json_node_get_string (old), text) == 0)
    return;
  if (old == NULL && g_strcmp0 (g_object_get_data (G_OBJECT (entry), "em-default"), text) == 0)
    return;
  node = json_node_new (JSON_NODE_VALUE);
  json_node_set_string (node, text);
  set_value (self, name, node);
}

static void
entry_focus_leave_cb (GtkEventControllerFocus *focus, EmBlockParamsPanel *self)
{
  entry_commit (GTK_EDITABLE (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (focus))),
                self);
}

static void
flag_toggled_cb (GtkCheckButton *check, EmBlockParamsPanel *self)
{
  GtkWidget *expander = g_object_get_data (G_OBJECT (check), "em-expander");
  const char *name = param_name (G_OBJECT (expander));
  GPtrArray *checks = g_object_get_data (G_OBJECT (expander), "em-checks");
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < checks->len; i++)
    if (gtk_check_button_get_active (g_ptr_array_index (checks, i)))
      json_array_add_string_element (array, g_object_get_data (g_ptr_array_index (checks, i),
                                                               "em-flag"));
  json_node_take_array (node, array);
  set_value (self, name, node);
}

/* Decimals a float parameter needs: enough for its minimum, default and
 * step, at least 2 and at most 6 (learning rates go to 1e-6). */
static guint
float_digits (JsonObject *p)
{
  guint digits = 2;
  const char *keys[] = { "min", "default" };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      double v;

      if (!json_object_has_member (p, keys[i]))
        continue;
      v = fabs (json_object_get_double_member (p, keys[i]));
      for (guint d = 0; d <= 6 && v > 0; d++)
        {
          double scaled = v * pow (10, d);
          if (fabs (scaled - round (scaled)) < 1e-9 * MAX (1.0, scaled))
            {
              digits = MAX (digits, d);
              break;
            }
          if (d == 6)
            digits = 6;
        }
    }
  return MIN (digits, 6);
}

static char *
subtitle_for (JsonObject *p)
{
  const char *help = json_object_get_string_member_with_default (p, "help", NULL);
  const char *units = json_object_get_string_member_with_default (p, "units", NULL);

  if (help != NULL && units != NULL)
    return g_strdup_printf ("%s (%s)", help, units);
  if (units != NULL)
    return g_strdup (units);
  return g_strdup (help);
}

static JsonNode *
current_value (EmBlockParamsPanel *self, JsonObject *p, const char *name)
{
  if (json_object_has_member (self->values, name))
    return json_object_get_member (self->values, name);
  return json_object_get_member (p, "default");
}

static GtkWidget *
build_row (EmBlockParamsPanel *self, JsonObject *p, GtkWidget **editor)
{
  const char *name = json_object_get_string_member (p, "name");
  const char *type = json_object_get_string_member_with_default (p, "type", "string");
  const char *label = json_object_get_string_member_with_default (p, "label", name);
  g_autofree char *subtitle = subtitle_for (p);
  JsonNode *value = current_value (self, p, name);
  GtkWidget *row;

  if (g_str_equal (type, "enum"))
    {
      JsonArray *values = json_object_get_array_member (p, "values");
      GtkStringList *list = gtk_string_list_new (NULL);
      const char *cur = value != NULL && JSON_NODE_HOLDS_VALUE (value) ? json_node_get_string (value) : NULL;
      guint selected = 0;

      for (guint i = 0; values != NULL && i < json_array_get_length (values); i++)
        {
          const char *v = json_array_get_string_element (values, i);
          gtk_string_list_append (list, v);
          if (g_strcmp0 (v, cur) == 0)
            selected = i;
        }
      row = adw_combo_row_new ();
      adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (list));
      adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
      g_object_unref (list);
      g_object_set_data_full (G_OBJECT (row), "em-param", g_strdup (name), g_free);
      g_signal_connect (row, "notify::selected", G_CALLBACK (combo_changed_cb), self);
      *editor = row;
    }
  else if (g_str_equal (type, "flags"))
    {
      JsonArray *values = json_object_get_array_member (p, "values");
      GPtrArray *checks = g_ptr_array_new ();

      row = adw_expander_row_new ();
      g_object_set_data_full (G_OBJECT (row), "em-param", g_strdup (name), g_free);
      for (guint i = 0; values != NULL && i < json_array_get_length (values); i++)
        {
          const char *v = json_array_get_string_element (values, i);
          GtkWidget *sub = adw_action_row_new ();
          GtkWidget *check = gtk_check_button_new ();
          gboolean on = FALSE;

          if (value != NULL && JSON_NODE_HOLDS_ARRAY (value))
            {
              JsonArray *chosen = json_node_get_array (value);
              for (guint k = 0; k < json_array_get_length (chosen); k++)
                on |= g_strcmp0 (json_array_get_string_element (chosen, k), v) == 0;
            }
          gtk_check_button_set_active (GTK_CHECK_BUTTON (check), on);
          gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
          g_object_set_data_full (G_OBJECT (check), "em-flag", g_strdup (v), g_free);
          g_object_set_data (G_OBJECT (check), "em-expander", row);
          g_signal_connect (check, "toggled", G_CALLBACK (flag_toggled_cb), self);
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (sub), v);
          adw_action_row_add_prefix (ADW_ACTION_ROW (sub), check);
          adw_action_row_set_activatable_widget (ADW_ACTION_ROW (sub), check);
          adw_expander_row_add_row (ADW_EXPANDER_ROW (row), sub);
          g_ptr_array_add (checks, check);
        }
      g_object_set_data_full (G_OBJECT (row), "em-checks", checks,
                              (GDestroyNotify) g_ptr_array_unref);
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
      *editor = row;
    }
  else
    {
      row = adw_action_row_new ();
      if (g_str_equal (type, "int") || g_str_equal (type, "float"))
        {
          gboolean is_int = g_str_equal (type, "int");
          double lo = json_object_has_member (p, "min") ? json_object_get_double_member (p, "min") : -1e9;
          double hi = json_object_has_member (p, "max") ? json_object_get_double_member (p, "max") : 1e9;
          guint digits = is_int ? 0 : float_digits (p);
          double step = is_int ? 1 : pow (10, -(double) digits);
          GtkWidget *spin = gtk_spin_button_new_with_range (lo, hi, step);

          gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), digits);
          gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
          if (value != NULL && JSON_NODE_HOLDS_VALUE (value))
            gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), json_node_get_double (value));
          gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
          g_signal_connect (spin, "value-changed", G_CALLBACK (spin_changed_cb), self);
          *editor = spin;
        }
      else if (g_str_equal (type, "bool"))
        {
          GtkWidget *sw = gtk_switch_new ();

          if (value != NULL && JSON_NODE_HOLDS_VALUE (value))
            gtk_switch_set_active (GTK_SWITCH (sw), json_node_get_boolean (value));
          gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
          g_signal_connect (sw, "notify::active", G_CALLBACK (switch_changed_cb), self);
          adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
          *editor = sw;
        }
      else
        {
          GtkWidget *entry = gtk_entry_new ();
          GtkEventController *focus = gtk_event_controller_focus_new ();
          JsonNode *def = json_object_get_member (p, "default");

          if (value != NULL && JSON_NODE_HOLDS_VALUE (value))
            gtk_editable_set_text (GTK_EDITABLE (entry), json_node_get_string (value));
          g_object_set_data_full (G_OBJECT (entry), "em-default",
                                  g_strdup (def != NULL && JSON_NODE_HOLDS_VALUE (def)
                                              ? json_node_get_string (def) : ""),
                                  g_free);
          gtk_widget_set_valign (entry, GTK_ALIGN_CENTER);
          gtk_widget_set_hexpand (entry, TRUE);
          g_signal_connect (entry, "activate", G_CALLBACK (entry_commit), self);
          g_signal_connect (focus, "leave", G_CALLBACK (entry_focus_leave_cb), self);
          gtk_widget_add_controller (entry, focus);
          *editor = entry;
        }
      g_object_set_data_full (G_OBJECT (*editor), "em-param", g_strdup (name), g_free);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), *editor);
      gtk_accessible_update_property (GTK_ACCESSIBLE (*editor), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      label, -1);
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), label);
  if (subtitle != NULL)
    {
      if (ADW_IS_ACTION_ROW (row))
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      else if (ADW_IS_EXPANDER_ROW (row))
        adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
    }
  /* Titles and help come from plugins: never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  return row;
}

/* ---- public --------------------------------------------------------------------- */

static void
reset (EmBlockParamsPanel *self)
{
  if (self->group != NULL)
    {
      gtk_box_remove (GTK_BOX (self->box), self->group);
      self->group = NULL;
    }
  g_hash_table_remove_all (self->editors);
  g_hash_table_remove_all (self->rows);
  g_clear_pointer (&self->values, json_object_unref);
  self->values = json_object_new ();
  em_block_params_panel_set_error (self, NULL, NULL);
}

void
em_block_params_panel_set_block (EmBlockParamsPanel *self, const char *title,
                                 const char *description, JsonArray *schema, JsonObject *values)
{
  g_return_if_fail (EM_IS_BLOCK_PARAMS_PANEL (self));
  g_return_if_fail (title != NULL);
  g_return_if_fail (schema != NULL);

  reset (self);
  if (values != NULL)
    {
      g_clear_pointer (&self->values, json_object_unref);
      self->values = object_copy (values);
    }

  gtk_label_set_text (GTK_LABEL (self->title_label), title);
  gtk_label_set_text (GTK_LABEL (self->desc_label), description != NULL ? description : "");
  gtk_widget_set_visible (self->desc_label, description != NULL && *description != '\0');

  self->group = adw_preferences_group_new ();
  if (json_array_get_length (schema) == 0)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->group),
                                           _("This block has no parameters."));
  self->loading = TRUE;
  for (guint i = 0; i < json_array_get_length (schema); i++)
    {
      JsonObject *p = json_array_get_object_element (schema, i);
      GtkWidget *editor = NULL;
      GtkWidget *row;

      if (p == NULL || !json_object_has_member (p, "name"))
        continue;
      row = build_row (self, p, &editor);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->group), row);
      g_hash_table_insert (self->editors, g_strdup (json_object_get_string_member (p, "name")),
                           editor);
      g_hash_table_insert (self->rows, g_strdup (json_object_get_string_member (p, "name")), row);
    }
  self->loading = FALSE;
  gtk_box_insert_child_after (GTK_BOX (self->box), self->group, self->desc_label);
  gtk_widget_set_visible (self->box, TRUE);
  gtk_widget_set_visible (self->empty_page, FALSE);
}

void
em_block_params_panel_clear (EmBlockParamsPanel *self)
{
  g_return_if_fail (EM_IS_BLOCK_PARAMS_PANEL (self));
  reset (self);
  gtk_widget_set_visible (self->box, FALSE);
  gtk_widget_set_visible (self->empty_page, TRUE);
}

JsonObject *
em_block_params_panel_get_values (EmBlockParamsPanel *self)
{
  g_return_val_if_fail (EM_IS_BLOCK_PARAMS_PANEL (self), NULL);
  return object_copy (self->values);
}

GtkWidget *
em_block_params_panel_get_editor (EmBlockParamsPanel *self, const char *name)
{
  g_return_val_if_fail (EM_IS_BLOCK_PARAMS_PANEL (self), NULL);
  return g_hash_table_lookup (self->editors, name);
}

void
em_block_params_panel_set_error (EmBlockParamsPanel *self, const char *name, const char *message)
{
  GHashTableIter iter;
  gpointer row;

  g_return_if_fail (EM_IS_BLOCK_PARAMS_PANEL (self));

  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, NULL, &row))
    gtk_widget_remove_css_class (row, "error");
  if (name != NULL && (row = g_hash_table_lookup (self->rows, name)) != NULL)
    gtk_widget_add_css_class (row, "error");
  gtk_label_set_text (GTK_LABEL (self->error_label), message != NULL ? message : "");
  gtk_widget_set_visible (self->error_label, message != NULL);
}

/* ---- GObject ----------------------------------------------------------------- */

static void
em_block_params_panel_dispose (GObject *object)
{
  EmBlockParamsPanel *self = EM_BLOCK_PARAMS_PANEL (object);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->editors, g_hash_table_unref);
  g_clear_pointer (&self->rows, g_hash_table_unref);
  g_clear_pointer (&self->values, json_object_unref);
  G_OBJECT_CLASS (em_block_params_panel_parent_class)->dispose (object);
}

static void
em_block_params_panel_class_init (EmBlockParamsPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = em_block_params_panel_dispose;

  /** EmBlockParamsPanel::changed: @name: the parameter the user changed. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "blockparams");
}

static void
em_block_params_panel_init (EmBlockParamsPanel *self)
{
  self->editors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->values = json_object_new ();

  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);

  self->empty_page = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (self->empty_page), "preferences-other-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (self->empty_page), _("No Block Selected"));
  adw_status_page_set_description (ADW_STATUS_PAGE (self->empty_page),
                                   _("Select a block on the canvas to edit its parameters"));
  gtk_widget_add_css_class (self->empty_page, "compact");
  gtk_widget_set_vexpand (self->empty_page, TRUE);
  gtk_widget_set_parent (self->empty_page, GTK_WIDGET (self));

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_top (self->box, 12);
  gtk_widget_set_margin_bottom (self->box, 12);
  gtk_widget_set_margin_start (self->box, 12);
  gtk_widget_set_margin_end (self->box, 12);
  gtk_widget_set_visible (self->box, FALSE);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  self->title_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->title_label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->title_label), TRUE);
  gtk_widget_add_css_class (self->title_label, "title-3");
  gtk_box_append (GTK_BOX (self->box), self->title_label);

  self->desc_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->desc_label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->desc_label), TRUE);
  gtk_widget_add_css_class (self->desc_label, "dim-label");
  gtk_box_append (GTK_BOX (self->box), self->desc_label);

  self->error_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->error_label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->error_label), TRUE);
  gtk_widget_add_css_class (self->error_label, "error");
  gtk_widget_set_visible (self->error_label, FALSE);
  gtk_box_append (GTK_BOX (self->box), self->error_label);
}

GtkWidget *
em_block_params_panel_new (void)
{
  return g_object_new (EM_TYPE_BLOCK_PARAMS_PANEL, NULL);
}
