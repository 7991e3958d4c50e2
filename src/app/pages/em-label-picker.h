/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A popover to pick a box's label: an entry (Enter takes what is typed)
 * above the recently used labels (a click takes one). Emits
 * "label-chosen" (const char *label) and closes.
 *
 * The caller keeps the recent list (the labeling view stores it in the
 * project, so it travels with the data). */
#define EM_TYPE_LABEL_PICKER (em_label_picker_get_type ())
G_DECLARE_FINAL_TYPE (EmLabelPicker, em_label_picker, EM, LABEL_PICKER, GtkPopover)

GtkWidget *em_label_picker_new        (void);
/* Most recent first; NULL-terminated. */
void       em_label_picker_set_recent (EmLabelPicker      *self,
                                       const char * const *labels);
/* Fill the entry with @text, selected, ready to be replaced by typing. */
void       em_label_picker_set_text   (EmLabelPicker      *self,
                                       const char         *text);
/* (transfer none) */
GtkEntry  *em_label_picker_get_entry  (EmLabelPicker      *self);
/* Number of recent labels listed; for tests. */
guint      em_label_picker_get_n_recent (EmLabelPicker    *self);
/* Choose the recent label at @index, as a click on its row does. */
void       em_label_picker_choose_recent (EmLabelPicker   *self,
                                          guint            index);

G_END_DECLS
