/* SPDX-License-Identifier: Apache-2.0 */
#include <glib/gi18n.h>

#include "em-label-picker.h"

struct _EmLabelPicker
{
  GtkPopover  parent_instance;

  GtkEntry   *entry;
  GtkListBox *list;
  GtkWidget  *recent_title;
  GtkWidget  *scroller;
  guint       n_recent;
};

G_DEFINE_FINAL_TYPE (EmLabelPicker, em_label_picker, GTK_TYPE_POPOVER)

enum { LABEL_CHOSEN, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
choose (EmLabelPicker *self, const char *label)
{
  g_autofree char *text = g_strstrip (g_strdup (label));

  /* An empty label is not a label: keep the popover open. */
  if (*text == '\0')
    {
      gtk_widget_error_bell (GTK_WIDGET (self->entry));
      return;
    }
  gtk_popover_popdown (GTK_POPOVER (self));
  g_signal_emit (self, signals[LABEL_CHOSEN], 0, text);
}

static void
entry_activate_cb (GtkEntry *entry, EmLabelPicker *self)
{
  choose (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
row_activated_cb (GtkListBox *list, GtkListBoxRow *row, EmLabelPicker *self)
{
  GtkWidget *label = gtk_list_box_row_get_child (row);

  choose (self, gtk_label_get_text (GTK_LABEL (label)));
}

static void
shown_cb (EmLabelPicker *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
  gtk_editable_select_region (GTK_EDITABLE (self->entry), 0, -1);
}

static void
em_label_picker_class_init (EmLabelPickerClass *klass)
{
  /**
   * EmLabelPicker::label-chosen:
   * @label: the label, without surrounding blanks, never empty
   */
  signals[LABEL_CHOSEN] = g_signal_new ("label-chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
em_label_picker_init (EmLabelPicker *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *scroller = self->scroller = gtk_scrolled_window_new ();

  self->entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->entry, _("Label"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Box label"), -1);
  gtk_entry_set_activates_default (self->entry, FALSE);
  g_signal_connect (self->entry, "activate", G_CALLBACK (entry_activate_cb), self);

  self->recent_title = gtk_label_new (_("Recent labels"));
  gtk_label_set_xalign (GTK_LABEL (self->recent_title), 0);
  gtk_widget_add_css_class (self->recent_title, "dim-label");
  gtk_widget_add_css_class (self->recent_title, "caption-heading");

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  g_signal_connect (self->list, "row-activated", G_CALLBACK (row_activated_cb), self);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->list));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 240);

  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->entry));
  gtk_box_append (GTK_BOX (box), self->recent_title);
  gtk_box_append (GTK_BOX (box), scroller);
  gtk_widget_set_size_request (box, 200, -1);
  gtk_popover_set_child (GTK_POPOVER (self), box);
  g_signal_connect (self, "show", G_CALLBACK (shown_cb), NULL);
  em_label_picker_set_recent (self, NULL);
}

GtkWidget *
em_label_picker_new (void)
{
  return g_object_new (EM_TYPE_LABEL_PICKER, NULL);
}

void
em_label_picker_set_recent (EmLabelPicker *self, const char * const *labels)
{
  GtkWidget *row;

  g_return_if_fail (EM_IS_LABEL_PICKER (self));
  while ((row = GTK_WIDGET (gtk_list_box_get_row_at_index (self->list, 0))) != NULL)
    gtk_list_box_remove (self->list, row);
  self->n_recent = 0;
  for (guint i = 0; labels != NULL && labels[i] != NULL; i++)
    {
      GtkWidget *label = gtk_label_new (labels[i]);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_widget_set_margin_start (label, 8);
      gtk_widget_set_margin_end (label, 8);
      gtk_widget_set_margin_top (label, 6);
      gtk_widget_set_margin_bottom (label, 6);
      gtk_list_box_append (self->list, label);
      self->n_recent++;
    }
  gtk_widget_set_visible (self->recent_title, self->n_recent > 0);
  gtk_widget_set_visible (self->scroller, self->n_recent > 0);
}

void
em_label_picker_set_text (EmLabelPicker *self, const char *text)
{
  g_return_if_fail (EM_IS_LABEL_PICKER (self));
  gtk_editable_set_text (GTK_EDITABLE (self->entry), text != NULL ? text : "");
  gtk_editable_select_region (GTK_EDITABLE (self->entry), 0, -1);
}

GtkEntry *
em_label_picker_get_entry (EmLabelPicker *self)
{
  g_return_val_if_fail (EM_IS_LABEL_PICKER (self), NULL);
  return self->entry;
}

guint
em_label_picker_get_n_recent (EmLabelPicker *self)
{
  g_return_val_if_fail (EM_IS_LABEL_PICKER (self), 0);
  return self->n_recent;
}

void
em_label_picker_choose_recent (EmLabelPicker *self, guint index)
{
  GtkListBoxRow *row;

  g_return_if_fail (EM_IS_LABEL_PICKER (self));
  row = gtk_list_box_get_row_at_index (self->list, (int) index);
  g_return_if_fail (row != NULL);
  row_activated_cb (self->list, row, self);
}
