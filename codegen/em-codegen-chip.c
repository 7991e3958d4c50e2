/* SPDX-License-Identifier: Apache-2.0 */
/* Microcontroller parts and the fit check; see em-codegen-chip.h. */
#include "em-codegen-chip.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "em-codegen-private.h"

G_DEFINE_QUARK (em-codegen-chip-error-quark, em_codegen_chip_error)

void
em_codegen_chip_free (EmCodegenChip *chip)
{
  if (chip == NULL)
    return;
  g_free (chip->name);
  g_free (chip->core);
  g_free (chip->note);
  g_free (chip);
}

/* A positive whole number of bytes, or 0. */
static guint64
member_bytes (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);
  double v;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) ||
      (json_node_get_value_type (n) != G_TYPE_INT64 && json_node_get_value_type (n) != G_TYPE_DOUBLE))
    return 0;
  v = json_node_get_double (n);
  if (!(v >= 1.0 && v <= 1e15) || v != (double) (guint64) v)
    return 0;
  return (guint64) v;
}

static const char *
member_string (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

GPtrArray *
em_codegen_chips_parse (const char *json, gssize length, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) chips = g_ptr_array_new_with_free_func ((GDestroyNotify) em_codegen_chip_free);
  g_autoptr(GError) local = NULL;
  JsonNode *root, *list;
  JsonArray *a;

  g_return_val_if_fail (json != NULL, NULL);
  if (!json_parser_load_from_data (parser, json, length, &local))
    {
      g_set_error (error, EM_CODEGEN_CHIP_ERROR, EM_CODEGEN_CHIP_ERROR_INVALID, "parts table: %s", local->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  list = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_object_get_member (json_node_get_object (root), "parts")
                                                       : NULL;
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    {
      g_set_error (error, EM_CODEGEN_CHIP_ERROR, EM_CODEGEN_CHIP_ERROR_INVALID,
                   "parts table: no \"parts\" array in the top object");
      return NULL;
    }
  a = json_node_get_array (list);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *n = json_array_get_element (a, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      const char *name = o != NULL ? member_string (o, "name") : NULL;
      const char *core = o != NULL ? member_string (o, "core") : NULL;
      guint64 flash = o != NULL ? member_bytes (o, "flash") : 0, ram = o != NULL ? member_bytes (o, "ram") : 0;
      EmCodegenChip *chip;

      if (name == NULL || *name == '\0' || core == NULL || flash == 0 || ram == 0)
        {
          g_set_error (error, EM_CODEGEN_CHIP_ERROR, EM_CODEGEN_CHIP_ERROR_INVALID,
                       "parts table: entry %u (%s) needs a name, a core and flash and ram as positive byte counts",
                       i + 1, name != NULL ? name : "no name");
          return NULL;
        }
      chip = g_new0 (EmCodegenChip, 1);
      chip->name = g_strdup (name);
      chip->core = g_strdup (core);
      chip->flash = flash;
      chip->ram = ram;
      chip->note = g_strdup (member_string (o, "note"));
      g_ptr_array_add (chips, chip);
    }
  return g_steal_pointer (&chips);
}

GPtrArray *
em_codegen_chips_load (GError **error)
{
  g_autoptr(GBytes) bytes = em_codegen_runtime_file ("codegen/parts.json");
  gsize len;
  const char *data;

  if (bytes == NULL)
    {
      g_set_error (error, EM_CODEGEN_CHIP_ERROR, EM_CODEGEN_CHIP_ERROR_INVALID,
                   "parts table: parts.json is not embedded in this build");
      return NULL;
    }
  data = g_bytes_get_data (bytes, &len);
  return em_codegen_chips_parse (data, (gssize) len, error);
}

const EmCodegenChip *
em_codegen_chips_find (GPtrArray *chips, const char *name, GError **error)
{
  g_autoptr(GString) known = g_string_new (NULL);

  g_return_val_if_fail (chips != NULL && name != NULL, NULL);
  for (guint i = 0; i < chips->len; i++)
    {
      const EmCodegenChip *chip = g_ptr_array_index (chips, i);
      if (g_ascii_strcasecmp (chip->name, name) == 0)
        return chip;
      g_string_append_printf (known, "%s%s", i > 0 ? ", " : "", chip->name);
    }
  g_set_error (error, EM_CODEGEN_CHIP_ERROR, EM_CODEGEN_CHIP_ERROR_UNKNOWN, "unknown part '%s' (known: %s)", name,
               known->str);
  return NULL;
}

gboolean
em_codegen_chip_check (const EmCodegenChip *chip, const EmCodegenReport *report, char **line, GError **error)
{
  guint64 stack, ram;
  gboolean flash_over, ram_over;
  g_autofree char *ram_what = NULL;

  g_return_val_if_fail (chip != NULL && report != NULL, FALSE);
  stack = report->stack > 0 ? report->stack : EM_CODEGEN_CHIP_STACK_RESERVE;
  /* report->ram holds the measured stack when there is one. */
  ram = report->stack > 0 ? report->ram : report->ram + stack;
  flash_over = report->flash > chip->flash;
  ram_over = ram > chip->ram;
  ram_what = g_strdup_printf ("%" G_GUINT64_FORMAT " needed: library %" G_GUINT64_FORMAT " + stack %s%" G_GUINT64_FORMAT,
                              ram, ram - stack, report->stack > 0 ? "" : "reserve ", stack);
  if (flash_over || ram_over)
    {
      g_autofree char *f = flash_over ? g_strdup_printf ("flash overflows by %" G_GUINT64_FORMAT " bytes (%"
                                                         G_GUINT64_FORMAT " needed, %" G_GUINT64_FORMAT " there)",
                                                         report->flash - chip->flash, report->flash, chip->flash)
                                      : NULL;
      g_autofree char *r = ram_over ? g_strdup_printf ("RAM overflows by %" G_GUINT64_FORMAT " bytes (%s; %"
                                                       G_GUINT64_FORMAT " there)", ram - chip->ram, ram_what,
                                                       chip->ram)
                                    : NULL;

      g_set_error (error, EM_CODEGEN_CHIP_ERROR, EM_CODEGEN_CHIP_ERROR_DOES_NOT_FIT,
                   "the impulse does not fit the %s (%s): %s%s%s", chip->name, chip->core, f != NULL ? f : "",
                   f != NULL && r != NULL ? " and " : "", r != NULL ? r : "");
      return FALSE;
    }
  if (line != NULL)
    *line = g_strdup_printf ("fits the %s (%s): flash %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                             " bytes (%.0f%%), RAM %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " bytes (%.0f%%; %s)",
                             chip->name, chip->core, report->flash, chip->flash,
                             100.0 * (double) report->flash / (double) chip->flash, ram, chip->ram,
                             100.0 * (double) ram / (double) chip->ram, ram_what);
  return TRUE;
}
