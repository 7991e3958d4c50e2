/* SPDX-License-Identifier: Apache-2.0 */
#include "em-port-row.h"
#include "em-serial.h"

void
em_port_row_refresh (AdwComboRow *row, GPtrArray *ports, const char *first, const char *choose)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) found = em_serial_list_ports (NULL);
  g_autofree char *chosen = g_strdup (choose);
  guint selected = adw_combo_row_get_selected (row);

  if (chosen == NULL && selected != GTK_INVALID_LIST_POSITION && selected > 0 && selected - 1 < ports->len)
    chosen = g_strdup (g_ptr_array_index (ports, selected - 1));
  g_ptr_array_set_size (ports, 0);
  gtk_string_list_append (names, first);
  selected = 0;
  for (guint i = 0; found != NULL && i < found->len; i++)
    {
      EmSerialPortInfo *info = g_ptr_array_index (found, i);
      g_autofree char *text = *info->description != '\0'
                                ? g_strdup_printf ("%s (%s)", info->name, info->description)
                                : g_strdup (info->name);

      gtk_string_list_append (names, text);
      g_ptr_array_add (ports, g_strdup (info->name));
      if (g_strcmp0 (chosen, info->name) == 0)
        selected = i + 1;
    }
  /* A port the list does not show (a pseudo-terminal) still counts. */
  if (chosen != NULL && selected == 0)
    {
      gtk_string_list_append (names, chosen);
      g_ptr_array_add (ports, g_strdup (chosen));
      selected = ports->len;
    }
  adw_combo_row_set_model (row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (row, selected);
}

char *
em_port_row_chosen (AdwComboRow *row, GPtrArray *ports)
{
  guint selected = adw_combo_row_get_selected (row);

  if (selected == GTK_INVALID_LIST_POSITION || selected == 0 || selected - 1 >= ports->len)
    return NULL;
  return g_strdup (g_ptr_array_index (ports, selected - 1));
}
