/* SPDX-License-Identifier: Apache-2.0 */
#include <glib/gi18n.h>
#include <adwaita.h>

#include "em-block-palette.h"

struct _EmBlockPalette
{
  GtkWidget   parent_instance;

  GtkWidget  *scroller;
  GtkListBox *list;
  GHashTable *rows;   /* id -> GtkListBoxRow (borrowed; the list owns it) */
};

G_DEFINE_FINAL_TYPE (EmBlockPalette, em_block_palette, GTK_TYPE_WIDGET)

enum {
  BLOCK_CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

#define ROW_ID   "em-block-id"
#define ROW_KIND "em-block-kind"

static const char *
kind_heading (EmGraphNodeKind kind)
{
  switch (kind)
    {
    case EM_GRAPH_NODE_KIND_INPUT:
      return _("Inputs");
    case EM_GRAPH_NODE_KIND_PROCESSING:
      return _("Processing");
    case EM_GRAPH_NODE_KIND_LEARNING:
      return _("Learning");
    case EM_GRAPH_NODE_KIND_OUTPUT:
    default:
      return _("Outputs");
    }
}

static int
row_kind (GtkListBoxRow *row)
{
  return GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), ROW_KIND));
}

static int
sort_rows (GtkListBoxRow *a,
           GtkListBoxRow *b,
           gpointer       data)
{
  int ka = row_kind (a), kb = row_kind (b);

  if (ka != kb)
    return ka < kb ? -1 : 1;
  return g_utf8_collate (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (a)),
                         adw_preferences_row_get_title (ADW_PREFERENCES_ROW (b)));
}

/* A heading above the first row of each kind. */
static void
update_header (GtkListBoxRow *row,
               GtkListBoxRow *before,
               gpointer       data)
{
  GtkWidget *label;

  if (before != NULL && row_kind (before) == row_kind (row))
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }
  label = gtk_label_new (kind_heading (row_kind (row)));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_top (label, before != NULL ? 18 : 6);
  gtk_widget_set_margin_bottom (label, 6);
  gtk_list_box_row_set_header (row, label);
}

GdkContentProvider *
em_block_palette_content_for (EmBlockPalette *self,
                              const char     *id)
{
  g_autofree char *payload = g_strconcat ("block:", id, NULL);

  return gdk_content_provider_new_typed (G_TYPE_STRING, payload);
}

static GdkContentProvider *
on_drag_prepare (GtkDragSource  *source,
                 double          x,
                 double          y,
                 EmBlockPalette *self)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (source));

  return em_block_palette_content_for (self, g_object_get_data (G_OBJECT (row), ROW_ID));
}

static void
on_drag_begin (GtkDragSource  *source,
               GdkDrag        *drag,
               EmBlockPalette *self)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (source));
  g_autoptr(GdkPaintable) icon = gtk_widget_paintable_new (row);

  gtk_drag_source_set_icon (source, icon, 0, 0);
}

static void
on_row_activated (GtkListBox     *list,
                  GtkListBoxRow  *row,
                  EmBlockPalette *self)
{
  g_signal_emit (self, signals[BLOCK_CHOSEN], 0, g_object_get_data (G_OBJECT (row), ROW_ID));
}

void
em_block_palette_add_block (EmBlockPalette  *self,
                            const char      *id,
                            const char      *name,
                            const char      *description,
                            EmGraphNodeKind  kind)
{
  GtkWidget *row;
  GtkDragSource *source;

  g_return_if_fail (EM_IS_BLOCK_PALETTE (self));
  g_return_if_fail (id != NULL && name != NULL);

  if ((row = g_hash_table_lookup (self->rows, id)) != NULL)
    {
      g_hash_table_remove (self->rows, id);
      gtk_list_box_remove (self->list, row);
    }
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (description != NULL && description[0] != '\0')
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), description);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
    }
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), ROW_ID, g_strdup (id), g_free);
  g_object_set_data (G_OBJECT (row), ROW_KIND, GINT_TO_POINTER (kind));
  gtk_widget_set_tooltip_text (row, _("Drag onto the graph, or press Enter to add"));

  source = gtk_drag_source_new ();
  gtk_drag_source_set_actions (source, GDK_ACTION_COPY);
  g_signal_connect (source, "prepare", G_CALLBACK (on_drag_prepare), self);
  g_signal_connect (source, "drag-begin", G_CALLBACK (on_drag_begin), self);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (source));

  gtk_list_box_append (self->list, row);
  g_hash_table_insert (self->rows, g_strdup (id), row);
}

void
em_block_palette_remove_all (EmBlockPalette *self)
{
  g_return_if_fail (EM_IS_BLOCK_PALETTE (self));
  g_hash_table_remove_all (self->rows);
  /* By index: removing a row also drops its header, a sibling in the list. */
  for (GtkListBoxRow *row; (row = gtk_list_box_get_row_at_index (self->list, 0)) != NULL;)
    gtk_list_box_remove (self->list, GTK_WIDGET (row));
}

guint
em_block_palette_get_n_blocks (EmBlockPalette *self)
{
  g_return_val_if_fail (EM_IS_BLOCK_PALETTE (self), 0);
  return g_hash_table_size (self->rows);
}

GtkWidget *
em_block_palette_get_row (EmBlockPalette *self,
                          const char     *id)
{
  g_return_val_if_fail (EM_IS_BLOCK_PALETTE (self), NULL);
  return g_hash_table_lookup (self->rows, id);
}

static void
em_block_palette_dispose (GObject *object)
{
  EmBlockPalette *self = EM_BLOCK_PALETTE (object);

  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  G_OBJECT_CLASS (em_block_palette_parent_class)->dispose (object);
}

static void
em_block_palette_finalize (GObject *object)
{
  EmBlockPalette *self = EM_BLOCK_PALETTE (object);

  g_hash_table_unref (self->rows);
  G_OBJECT_CLASS (em_block_palette_parent_class)->finalize (object);
}

static void
em_block_palette_class_init (EmBlockPaletteClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = em_block_palette_dispose;
  object_class->finalize = em_block_palette_finalize;

  /** EmBlockPalette::block-chosen: @block_id: Return or double-click on a row. */
  signals[BLOCK_CHOSEN] = g_signal_new ("block-chosen", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "blockpalette");
}

static void
em_block_palette_init (EmBlockPalette *self)
{
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  /* A click only selects, so a press that starts a drag adds nothing;
   * Return and double-click add. */
  gtk_list_box_set_activate_on_single_click (self->list, FALSE);
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_SINGLE);
  gtk_list_box_set_sort_func (self->list, sort_rows, NULL, NULL);
  gtk_list_box_set_header_func (self->list, update_header, NULL, NULL);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "navigation-sidebar");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Blocks"), -1);
  g_signal_connect (self->list, "row-activated", G_CALLBACK (on_row_activated), self);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), GTK_WIDGET (self->list));
}

GtkWidget *
em_block_palette_new (void)
{
  return g_object_new (EM_TYPE_BLOCK_PALETTE, NULL);
}
