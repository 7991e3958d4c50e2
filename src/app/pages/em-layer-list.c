/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <string.h>
#include <glib/gi18n.h>
#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "em-layer-list.h"
#include "em-nn-model.h"

/* The layer types the engine knows (em-nn-model.h), in the order a user
 * meets them. */
static const char *const layer_types[] = {
  "dense", "conv1d", "conv2d", "depthwise_conv2d", "maxpool1d", "maxpool2d", "avgpool1d",
  "avgpool2d", "global_avgpool", "batchnorm", "dropout", "flatten", "reshape", "add",
  "activation", "softmax", NULL,
};

static const char *const activations[] = { "linear", "relu", "relu6", "sigmoid", "tanh", NULL };

/* What the size spin button edits for a type: its key, range and digits. */
typedef struct {
  const char *key;
  const char *title;
  double      lower, upper, step, fallback;
  guint       digits;
} SizeField;

static const SizeField size_units = { "units", N_("units"), 1, 4096, 1, 16, 0 };
static const SizeField size_filters = { "filters", N_("filters"), 1, 1024, 1, 8, 0 };
static const SizeField size_multiplier = { "depth_multiplier", N_("multiplier"), 1, 16, 1, 1, 0 };
static const SizeField size_pool = { "pool_size", N_("pool"), 1, 16, 1, 2, 0 };
static const SizeField size_rate = { "rate", N_("rate"), 0, 0.95, 0.05, 0.25, 2 };

static const SizeField *
size_field (const char *type)
{
  if (g_strcmp0 (type, "dense") == 0)
    return &size_units;
  if (g_strcmp0 (type, "conv1d") == 0 || g_strcmp0 (type, "conv2d") == 0)
    return &size_filters;
  if (g_strcmp0 (type, "depthwise_conv2d") == 0)
    return &size_multiplier;
  if (g_str_has_suffix (type, "pool1d") || g_str_has_suffix (type, "pool2d"))
    return &size_pool;
  if (g_strcmp0 (type, "dropout") == 0)
    return &size_rate;
  return NULL;
}

static gboolean
has_kernel (const char *type)
{
  return g_str_has_prefix (type, "conv") || g_strcmp0 (type, "depthwise_conv2d") == 0;
}

static gboolean
has_activation (const char *type)
{
  return g_strcmp0 (type, "dense") == 0 || has_kernel (type) || g_strcmp0 (type, "activation") == 0;
}

static guint
index_of (const char *const *list, const char *value)
{
  for (guint i = 0; list[i] != NULL; i++)
    if (g_strcmp0 (list[i], value) == 0)
      return i;
  return GTK_INVALID_LIST_POSITION;
}

/* An int member, or the first of an [a, b] pair, or @fallback. */
static double
member_number (JsonObject *layer, const char *key, double fallback)
{
  JsonNode *node = json_object_get_member (layer, key);

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node) && json_array_get_length (json_node_get_array (node)) > 0)
    node = json_array_get_element (json_node_get_array (node), 0);
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node))
    {
      GType vt = json_node_get_value_type (node);
      if (vt == G_TYPE_INT64)
        return (double) json_node_get_int (node);
      if (vt == G_TYPE_DOUBLE)
        return json_node_get_double (node);
    }
  return fallback;
}

struct _EmLayerList
{
  GtkWidget    parent_instance;

  /* template children */
  GtkLabel    *input_label;
  GtkListBox  *list_box;
  GtkMenuButton *add_button;
  GtkLabel    *check_label;

  JsonNode    *input_shape;  /* the architecture's "input_shape"; NULL = none known */
  GPtrArray   *layers;       /* (element-type JsonObject) */
  gboolean     valid;
  char        *check;
  gboolean     rebuilding;   /* rows are being made: their signals are not edits */
};

G_DEFINE_FINAL_TYPE (EmLayerList, em_layer_list, GTK_TYPE_WIDGET)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void rebuild_rows (EmLayerList *self, int focus_index);

/* ---- checking ------------------------------------------------------------- */

static char *
dims_text (EmNnDims d)
{
  if (d.h == 1 && d.w == 1)
    return g_strdup_printf ("%d", d.c);
  if (d.h == 1)
    /* Translators: a tensor shape, width × channels */
    return g_strdup_printf (_("%d × %d"), d.w, d.c);
  /* Translators: a tensor shape, height × width × channels */
  return g_strdup_printf (_("%d × %d × %d"), d.h, d.w, d.c);
}

/* 1234, 56.7 k, 1.2 M: counts read at a glance. */
static char *
format_count (guint64 n)
{
  if (n < 10000)
    return g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  if (n < 1000000)
    /* Translators: thousands, e.g. "56.7 k" */
    return g_strdup_printf (_("%.1f k"), n / 1e3);
  /* Translators: millions, e.g. "1.2 M" */
  return g_strdup_printf (_("%.1f M"), n / 1e6);
}

static GtkWidget *
row_shape_label (GtkListBoxRow *row)
{
  return g_object_get_data (G_OBJECT (row), "shape-label");
}

/* Runs the engine's own parser over the layers, so what the list accepts
 * is exactly what training will. */
static void
update_check (EmLayerList *self)
{
  g_autofree char *json = em_layer_list_get_architecture (self);
  g_autoptr(EmNnModel) model = NULL;
  g_autoptr(GError) error = NULL;
  guint i = 0;

  g_clear_pointer (&self->check, g_free);
  if (json != NULL)
    model = em_nn_model_new_from_json (json, &error);
  self->valid = model != NULL;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *label;

      if (!GTK_IS_LIST_BOX_ROW (child) || (label = row_shape_label (GTK_LIST_BOX_ROW (child))) == NULL)
        continue;
      if (model != NULL && i < model->layers->len)
        {
          const EmNnLayer *layer = g_ptr_array_index (model->layers, i);
          g_autofree char *shape = dims_text (layer->out);
          /* Translators: a layer's output shape, e.g. "→ 24 × 8" */
          g_autofree char *text = g_strdup_printf (_("→ %s"), shape);
          gtk_label_set_text (GTK_LABEL (label), text);
        }
      else
        gtk_label_set_text (GTK_LABEL (label), "");
      i++;
    }

  if (json == NULL)
    self->check = g_strdup (_("The layers are chosen for the input when training starts"));
  else if (model == NULL)
    self->check = g_strdup (error->message);
  else
    {
      g_autofree char *params = format_count (em_nn_model_n_params (model));
      g_autofree char *macs = format_count (em_nn_model_macs (model));

      /* Translators: totals of a network: "1234 parameters · 56.7 k multiply-adds per window" */
      self->check = g_strdup_printf (_("%s parameters · %s multiply-adds per window"), params, macs);
    }
  gtk_label_set_text (self->check_label, self->check);
  if (self->valid || json == NULL)
    gtk_widget_remove_css_class (GTK_WIDGET (self->check_label), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->check_label), "error");
}

static void
edited (EmLayerList *self)
{
  update_check (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* ---- rows ------------------------------------------------------------------- */

static guint
row_index (GtkWidget *widget)
{
  GtkWidget *row = gtk_widget_get_ancestor (widget, GTK_TYPE_LIST_BOX_ROW);

  return row != NULL ? (guint) gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row)) : 0;
}

static EmLayerList *
owner (GtkWidget *widget)
{
  return EM_LAYER_LIST (gtk_widget_get_ancestor (widget, EM_TYPE_LAYER_LIST));
}

/* Defaults for a layer that just became @type: what the engine needs to
 * build it, and what a user most often wants. */
static void
reset_layer (JsonObject *layer, const char *type)
{
  static const char *const own_keys[] = {
    "units", "filters", "depth_multiplier", "pool_size", "rate", "kernel_size", "strides",
    "padding", "activation", "shape", "inputs", "name", "epsilon", "momentum", "use_bias", NULL,
  };
  const SizeField *size = size_field (type);

  for (guint i = 0; own_keys[i] != NULL; i++)
    json_object_remove_member (layer, own_keys[i]);
  json_object_set_string_member (layer, "type", type);
  if (size != NULL)
    {
      if (size->digits > 0)
        json_object_set_double_member (layer, size->key, size->fallback);
      else
        json_object_set_int_member (layer, size->key, (gint64) size->fallback);
    }
  if (has_kernel (type))
    {
      json_object_set_int_member (layer, "kernel_size", 3);
      json_object_set_string_member (layer, "padding", "same");
    }
  if (g_str_has_suffix (type, "pool1d") || g_str_has_suffix (type, "pool2d"))
    json_object_set_string_member (layer, "padding", "same");
  if (has_activation (type))
    json_object_set_string_member (layer, "activation", "relu");
}

static gboolean
rebuild_idle (gpointer data)
{
  EmLayerList *self = data;
  guint focus = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (self), "focus-index"));

  /* Disposed meanwhile: nothing to make. */
  if (self->layers != NULL)
    rebuild_rows (self, (int) focus - 1);
  return G_SOURCE_REMOVE;
}

static void
type_changed_cb (GtkDropDown *dropdown, GParamSpec *pspec, gpointer user_data)
{
  EmLayerList *self = owner (GTK_WIDGET (dropdown));
  guint index = row_index (GTK_WIDGET (dropdown));
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (self == NULL || self->rebuilding || index >= self->layers->len || selected == GTK_INVALID_LIST_POSITION)
    return;
  reset_layer (g_ptr_array_index (self->layers, index), layer_types[selected]);
  /* The row's fields depend on the type: make it again, keeping focus
   * there; from an idle, as the dropdown is still closing its popover. */
  g_object_set_data (G_OBJECT (self), "focus-index", GUINT_TO_POINTER (index + 1));
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, rebuild_idle, g_object_ref (self), g_object_unref);
  edited (self);
}

static void
size_changed_cb (GtkSpinButton *spin, gpointer user_data)
{
  EmLayerList *self = owner (GTK_WIDGET (spin));
  guint index = row_index (GTK_WIDGET (spin));
  JsonObject *layer;
  const SizeField *size;

  if (self == NULL || self->rebuilding || index >= self->layers->len)
    return;
  layer = g_ptr_array_index (self->layers, index);
  if ((size = size_field (json_object_get_string_member_with_default (layer, "type", ""))) == NULL)
    return;
  if (size->digits > 0)
    json_object_set_double_member (layer, size->key, gtk_spin_button_get_value (spin));
  else
    json_object_set_int_member (layer, size->key, gtk_spin_button_get_value_as_int (spin));
  edited (self);
}

static void
kernel_changed_cb (GtkSpinButton *spin, gpointer user_data)
{
  EmLayerList *self = owner (GTK_WIDGET (spin));
  guint index = row_index (GTK_WIDGET (spin));

  if (self == NULL || self->rebuilding || index >= self->layers->len)
    return;
  /* A square kernel: the engine takes an int for both sides. */
  json_object_set_int_member (g_ptr_array_index (self->layers, index), "kernel_size",
                              gtk_spin_button_get_value_as_int (spin));
  edited (self);
}

static void
activation_changed_cb (GtkDropDown *dropdown, GParamSpec *pspec, gpointer user_data)
{
  EmLayerList *self = owner (GTK_WIDGET (dropdown));
  guint index = row_index (GTK_WIDGET (dropdown));
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (self == NULL || self->rebuilding || index >= self->layers->len || selected == GTK_INVALID_LIST_POSITION)
    return;
  json_object_set_string_member (g_ptr_array_index (self->layers, index), "activation", activations[selected]);
  edited (self);
}

static void
up_clicked_cb (GtkButton *button, gpointer user_data)
{
  em_layer_list_move (owner (GTK_WIDGET (button)), row_index (GTK_WIDGET (button)), -1);
}

static void
down_clicked_cb (GtkButton *button, gpointer user_data)
{
  em_layer_list_move (owner (GTK_WIDGET (button)), row_index (GTK_WIDGET (button)), 1);
}

static void
remove_clicked_cb (GtkButton *button, gpointer user_data)
{
  em_layer_list_remove (owner (GTK_WIDGET (button)), row_index (GTK_WIDGET (button)));
}

static GtkWidget *
icon_button (const char *icon, const char *tooltip, GCallback callback, gboolean sensitive)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_sensitive (button, sensitive);
  g_signal_connect (button, "clicked", callback, NULL);
  return button;
}

static GtkWidget *
labelled_spin (const char *title, double value, double lower, double upper, double step, guint digits,
               GCallback callback)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *spin = gtk_spin_button_new_with_range (lower, upper, step);

  gtk_widget_add_css_class (label, "dim-label");
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), digits);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  g_signal_connect (spin, "value-changed", callback, NULL);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), spin);
  return box;
}

static GtkWidget *
make_row (EmLayerList *self, guint index)
{
  JsonObject *layer = g_ptr_array_index (self->layers, index);
  const char *type = json_object_get_string_member_with_default (layer, "type", "");
  const SizeField *size = size_field (type);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *number, *dropdown, *shape, *spacer;
  g_autofree char *number_text = g_strdup_printf ("%u", index + 1);
  guint type_index = index_of (layer_types, type);

  gtk_widget_set_margin_start (box, 10);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);

  number = gtk_label_new (number_text);
  gtk_label_set_width_chars (GTK_LABEL (number), 2);
  gtk_label_set_xalign (GTK_LABEL (number), 1);
  gtk_widget_add_css_class (number, "dim-label");
  gtk_widget_add_css_class (number, "numeric");
  gtk_box_append (GTK_BOX (box), number);

  /* An unknown type (a newer engine's) is shown, not silently changed. */
  if (type_index == GTK_INVALID_LIST_POSITION)
    {
      GtkWidget *label = gtk_label_new (type);
      gtk_box_append (GTK_BOX (box), label);
    }
  else
    {
      dropdown = gtk_drop_down_new_from_strings ((const char *const *) layer_types);
      gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), type_index);
      gtk_widget_set_valign (dropdown, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (dropdown, _("Layer type"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Layer type"), -1);
      g_signal_connect (dropdown, "notify::selected", G_CALLBACK (type_changed_cb), NULL);
      gtk_box_append (GTK_BOX (box), dropdown);
    }

  if (size != NULL)
    gtk_box_append (GTK_BOX (box),
                    labelled_spin (_(size->title), member_number (layer, size->key, size->fallback),
                                   size->lower, size->upper, size->step, size->digits,
                                   G_CALLBACK (size_changed_cb)));
  if (has_kernel (type))
    gtk_box_append (GTK_BOX (box), labelled_spin (_("kernel"), member_number (layer, "kernel_size", 3), 1, 15, 1,
                                                  0, G_CALLBACK (kernel_changed_cb)));
  if (has_activation (type))
    {
      const char *act = json_object_get_string_member_with_default (layer, "activation", "linear");
      guint act_index = index_of (activations, act);

      dropdown = gtk_drop_down_new_from_strings ((const char *const *) activations);
      gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), act_index != GTK_INVALID_LIST_POSITION ? act_index : 0);
      gtk_widget_set_valign (dropdown, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (dropdown, _("Activation"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Activation"), -1);
      g_signal_connect (dropdown, "notify::selected", G_CALLBACK (activation_changed_cb), NULL);
      gtk_box_append (GTK_BOX (box), dropdown);
    }

  spacer = gtk_label_new (NULL);
  gtk_widget_set_hexpand (spacer, TRUE);
  gtk_box_append (GTK_BOX (box), spacer);

  shape = gtk_label_new (NULL);
  gtk_widget_add_css_class (shape, "dim-label");
  gtk_widget_add_css_class (shape, "numeric");
  gtk_widget_set_tooltip_text (shape, _("Output shape"));
  gtk_box_append (GTK_BOX (box), shape);
  g_object_set_data (G_OBJECT (row), "shape-label", shape);

  gtk_box_append (GTK_BOX (box), icon_button ("go-up-symbolic", _("Move Up"), G_CALLBACK (up_clicked_cb),
                                              index > 0));
  gtk_box_append (GTK_BOX (box), icon_button ("go-down-symbolic", _("Move Down"),
                                              G_CALLBACK (down_clicked_cb), index + 1 < self->layers->len));
  gtk_box_append (GTK_BOX (box), icon_button ("user-trash-symbolic", _("Remove Layer"),
                                              G_CALLBACK (remove_clicked_cb), TRUE));
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

/* Makes every row again. @focus_index: the row to give focus back to
 * (clamped), or -1 to leave focus alone. */
static void
rebuild_rows (EmLayerList *self, int focus_index)
{
  GtkListBoxRow *row;
  GtkListBoxRow *focus_row = NULL;

  self->rebuilding = TRUE;
  while ((row = gtk_list_box_get_row_at_index (self->list_box, 0)) != NULL)
    gtk_list_box_remove (self->list_box, GTK_WIDGET (row));
  for (guint i = 0; i < self->layers->len; i++)
    gtk_list_box_append (self->list_box, make_row (self, i));
  self->rebuilding = FALSE;

  if (self->input_shape != NULL)
    {
      g_autofree char *shape = json_to_string (self->input_shape, FALSE);
      /* Translators: the network's input, e.g. "Input: [33]" */
      g_autofree char *text = g_strdup_printf (_("Input: %s"), shape);
      gtk_label_set_text (self->input_label, text);
    }
  else
    gtk_label_set_text (self->input_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->input_label), self->input_shape != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button), self->input_shape != NULL);

  if (focus_index >= 0 && self->layers->len > 0)
    focus_row = gtk_list_box_get_row_at_index (self->list_box,
                                               MIN ((guint) focus_index, self->layers->len - 1));
  if (focus_row != NULL)
    gtk_widget_child_focus (GTK_WIDGET (focus_row), GTK_DIR_TAB_FORWARD);
  update_check (self);
}

/* ---- actions -------------------------------------------------------------- */

static void
add_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  em_layer_list_append (EM_LAYER_LIST (widget), g_variant_get_string (parameter, NULL));
}

/* ---- GObject -------------------------------------------------------------- */

static void
em_layer_list_dispose (GObject *object)
{
  EmLayerList *self = EM_LAYER_LIST (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), EM_TYPE_LAYER_LIST);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->layers, g_ptr_array_unref);
  g_clear_pointer (&self->input_shape, json_node_unref);
  g_clear_pointer (&self->check, g_free);
  G_OBJECT_CLASS (em_layer_list_parent_class)->dispose (object);
}

static void
em_layer_list_class_init (EmLayerListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = em_layer_list_dispose;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                   NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "layers.add", "s", add_action);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/emberstudio/Ember/ui/em-layer-list.ui");
  gtk_widget_class_bind_template_child (widget_class, EmLayerList, input_label);
  gtk_widget_class_bind_template_child (widget_class, EmLayerList, list_box);
  gtk_widget_class_bind_template_child (widget_class, EmLayerList, add_button);
  gtk_widget_class_bind_template_child (widget_class, EmLayerList, check_label);
}

static void
em_layer_list_init (EmLayerList *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->layers = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; layer_types[i] != NULL; i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (layer_types[i], NULL);
      g_menu_item_set_action_and_target (item, "layers.add", "s", layer_types[i]);
      g_menu_append_item (menu, item);
    }
  gtk_menu_button_set_menu_model (self->add_button, G_MENU_MODEL (menu));
  rebuild_rows (self, -1);
}

GtkWidget *
em_layer_list_new (void)
{
  return g_object_new (EM_TYPE_LAYER_LIST, NULL);
}

gboolean
em_layer_list_set_architecture (EmLayerList *self, const char *architecture, GError **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local = NULL;
  JsonObject *object;
  JsonArray *layers;

  g_return_val_if_fail (EM_IS_LAYER_LIST (self), FALSE);

  if (architecture == NULL || *architecture == '\0')
    {
      g_ptr_array_set_size (self->layers, 0);
      g_clear_pointer (&self->input_shape, json_node_unref);
      rebuild_rows (self, -1);
      return TRUE;
    }
  root = json_from_string (architecture, &local);
  if (root == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("The architecture is not JSON: %s"),
                   local != NULL ? local->message : _("it is empty"));
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root) || !json_object_has_member (object = json_node_get_object (root), "input_shape") ||
      (json_object_get_member (object, "layers") == NULL ||
       !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "layers"))))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The architecture needs an “input_shape” and a “layers” list"));
      return FALSE;
    }
  layers = json_object_get_array_member (object, "layers");
  g_ptr_array_set_size (self->layers, 0);
  for (guint i = 0; i < json_array_get_length (layers); i++)
    {
      JsonNode *node = json_array_get_element (layers, i);
      g_autofree char *text = NULL;
      g_autoptr(JsonNode) copy = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      /* A deep copy, so edits never reach the caller's tree. */
      text = json_to_string (node, FALSE);
      copy = json_from_string (text, NULL);
      g_ptr_array_add (self->layers, json_object_ref (json_node_get_object (copy)));
    }
  g_clear_pointer (&self->input_shape, json_node_unref);
  self->input_shape = json_node_copy (json_object_get_member (object, "input_shape"));
  rebuild_rows (self, -1);
  return TRUE;
}

char *
em_layer_list_get_architecture (EmLayerList *self)
{
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;
  gboolean named = FALSE;

  g_return_val_if_fail (EM_IS_LAYER_LIST (self), NULL);
  if (self->input_shape == NULL)
    return NULL;

  /* Names only matter when a layer names its inputs; otherwise the engine's
   * default names follow the order, and a moved "dense_1" cannot clash. */
  for (guint i = 0; i < self->layers->len; i++)
    named |= json_object_has_member (g_ptr_array_index (self->layers, i), "inputs");

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "input_shape");
  json_builder_add_value (b, json_node_copy (self->input_shape));
  json_builder_set_member_name (b, "layers");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->layers->len; i++)
    {
      JsonObject *layer = g_ptr_array_index (self->layers, i);
      g_autoptr(GList) names = json_object_get_members (layer);

      json_builder_begin_object (b);
      /* "type" first: people read these. */
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, json_object_get_string_member_with_default (layer, "type", ""));
      for (GList *l = names; l != NULL; l = l->next)
        {
          if (strcmp (l->data, "type") == 0 || (!named && strcmp (l->data, "name") == 0))
            continue;
          json_builder_set_member_name (b, l->data);
          json_builder_add_value (b, json_node_copy (json_object_get_member (layer, l->data)));
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

guint
em_layer_list_get_n_layers (EmLayerList *self)
{
  g_return_val_if_fail (EM_IS_LAYER_LIST (self), 0);
  return self->layers->len;
}

const char *
em_layer_list_get_layer_type (EmLayerList *self, guint index)
{
  g_return_val_if_fail (EM_IS_LAYER_LIST (self), NULL);
  g_return_val_if_fail (index < self->layers->len, NULL);
  return json_object_get_string_member_with_default (g_ptr_array_index (self->layers, index), "type", "");
}

void
em_layer_list_append (EmLayerList *self, const char *type)
{
  JsonObject *layer;
  guint index;

  g_return_if_fail (EM_IS_LAYER_LIST (self));
  g_return_if_fail (type != NULL);

  layer = json_object_new ();
  reset_layer (layer, type);
  /* A new hidden layer belongs before the output: the trailing softmax
   * and the dense layer that feeds it. */
  index = self->layers->len;
  if (index > 0 && g_strcmp0 (em_layer_list_get_layer_type (self, index - 1), "softmax") == 0 &&
      g_strcmp0 (type, "softmax") != 0)
    {
      index--;
      if (index > 0 && g_strcmp0 (em_layer_list_get_layer_type (self, index - 1), "dense") == 0)
        index--;
    }
  g_ptr_array_insert (self->layers, (int) index, layer);
  rebuild_rows (self, (int) index);
  edited (self);
}

void
em_layer_list_remove (EmLayerList *self, guint index)
{
  g_return_if_fail (EM_IS_LAYER_LIST (self));
  if (index >= self->layers->len)
    return;
  g_ptr_array_remove_index (self->layers, index);
  rebuild_rows (self, (int) index);
  edited (self);
}

void
em_layer_list_move (EmLayerList *self, guint index, int delta)
{
  gpointer layer;
  int target;

  g_return_if_fail (EM_IS_LAYER_LIST (self));
  if (index >= self->layers->len)
    return;
  target = CLAMP ((int) index + delta, 0, (int) self->layers->len - 1);
  if (target == (int) index)
    return;
  layer = g_ptr_array_steal_index (self->layers, index);
  g_ptr_array_insert (self->layers, target, layer);
  rebuild_rows (self, target);
  edited (self);
}

gboolean
em_layer_list_get_valid (EmLayerList *self)
{
  g_return_val_if_fail (EM_IS_LAYER_LIST (self), FALSE);
  return self->valid;
}

const char *
em_layer_list_get_check (EmLayerList *self)
{
  g_return_val_if_fail (EM_IS_LAYER_LIST (self), NULL);
  return self->check;
}
