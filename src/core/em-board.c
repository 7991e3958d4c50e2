/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>
#include <json-glib/json-glib.h>
#include "em-error.h"
#include "em-board.h"

static const struct {
  const char *name;
  EmBoardProtocol protocol;
} protocols[] = {
  { "stm32-uart", EM_BOARD_PROTOCOL_STM32_UART },
  { "stk500v1", EM_BOARD_PROTOCOL_STK500V1 },
  { "stk500-optiboot", EM_BOARD_PROTOCOL_STK500V1 },
  { "stk500v2", EM_BOARD_PROTOCOL_STK500V2 },
  { "qemu", EM_BOARD_PROTOCOL_QEMU },
};

static const char *const cores[] = { "cortex-m0plus", "cortex-m4f", "cortex-m7", "avr" };

const char *
em_board_protocol_to_string (EmBoardProtocol protocol)
{
  for (guint i = 0; i < G_N_ELEMENTS (protocols); i++)
    if (protocols[i].protocol == protocol)
      return protocols[i].name;
  return "unknown";
}

void
em_board_free (EmBoard *board)
{
  if (board == NULL)
    return;
  g_free (board->id);
  g_free (board->name);
  g_free (board->core);
  g_free (board->toolchain);
  g_free (board->linker_script);
  g_free (board->startup);
  g_free (board->qemu_machine);
  g_clear_pointer (&board->usb_ids, g_array_unref);
  g_strfreev (board->sensors);
  g_clear_pointer (&board->sensor_info, g_ptr_array_unref);
  g_free (board->path);
  g_free (board);
}

/* Every member error names the file and the member, so a user editing a
 * board file knows which line to look at. */
static gboolean
bad (GError **error, const char *file, const char *member, const char *why)
{
  g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s: %s: %s", file, member, why);
  return FALSE;
}

/* An unsigned number as a JSON integer or a "0x…"/decimal string. */
static gboolean
get_number (JsonObject *o, const char *member, gboolean required, guint64 max,
            guint64 *out, const char *file, const char *path, GError **error)
{
  JsonNode *node = json_object_get_member (o, member);
  g_autofree char *where = path != NULL ? g_strdup_printf ("%s.%s", path, member) : g_strdup (member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        return bad (error, file, where, "missing");
      *out = 0;
      return TRUE;
    }
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    {
      gint64 v = json_node_get_int (node);
      if (v < 0 || (guint64) v > max)
        return bad (error, file, where, "out of range");
      *out = (guint64) v;
      return TRUE;
    }
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *s = json_node_get_string (node);
      char *end = NULL;
      guint64 v;

      errno = 0;
      v = g_ascii_strtoull (s, &end, 0);
      if (*s == '\0' || *s == '-' || end == NULL || *end != '\0' || errno != 0)
        return bad (error, file, where, "not a number");
      if (v > max)
        return bad (error, file, where, "out of range");
      *out = v;
      return TRUE;
    }
  return bad (error, file, where, "must be a number or a \"0x…\" string");
}

static gboolean
get_string (JsonObject *o, const char *member, gboolean required, char **out,
            const char *file, const char *path, GError **error)
{
  JsonNode *node = json_object_get_member (o, member);
  g_autofree char *where = path != NULL ? g_strdup_printf ("%s.%s", path, member) : g_strdup (member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        return bad (error, file, where, "missing");
      *out = NULL;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
      *json_node_get_string (node) == '\0')
    return bad (error, file, where, "must be a non-empty string");
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static void
sensor_free (gpointer data)
{
  EmBoardSensor *s = data;

  g_free (s->name);
  g_free (s->source);
  g_strfreev (s->axes);
  g_free (s);
}

static gboolean
parse_sensor (EmBoard *b, JsonObject *o, const char *name, const char *file, const char *where, GError **error)
{
  g_autoptr(GStrvBuilder) axes = g_strv_builder_new ();
  EmBoardSensor *s = g_new0 (EmBoardSensor, 1);
  JsonNode *node;

  if (b->sensor_info == NULL)
    b->sensor_info = g_ptr_array_new_with_free_func (sensor_free);
  g_ptr_array_add (b->sensor_info, s);
  s->name = g_strdup (name);
  if (!get_string (o, "source", FALSE, &s->source, file, where, error))
    return FALSE;
  if ((node = json_object_get_member (o, "simulated")) != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        {
          g_autofree char *at = g_strdup_printf ("%s.simulated", where);
          return bad (error, file, at, "must be true or false");
        }
      s->simulated = json_node_get_boolean (node);
    }
  if ((node = json_object_get_member (o, "axes")) != NULL)
    {
      JsonArray *a = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
      g_autofree char *at = g_strdup_printf ("%s.axes", where);

      if (a == NULL || json_array_get_length (a) == 0)
        return bad (error, file, at, "must be a non-empty list of axis names");
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonNode *e = json_array_get_element (a, i);
          if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_STRING)
            return bad (error, file, at, "must be a non-empty list of axis names");
          g_strv_builder_add (axes, json_node_get_string (e));
        }
      s->axes = g_strv_builder_end (axes);
    }
  return TRUE;
}

const EmBoardSensor *
em_board_get_onboard_sensor (const EmBoard *board)
{
  for (guint i = 0; board->sensor_info != NULL && i < board->sensor_info->len; i++)
    {
      const EmBoardSensor *s = board->sensor_info->pdata[i];
      if (g_strcmp0 (s->source, "serial") != 0)
        return s;
    }
  return NULL;
}

static gboolean
parse_flash_method (EmBoard *b, JsonObject *fm, const char *file, GError **error)
{
  g_autofree char *protocol = NULL;
  guint64 v;
  gboolean found = FALSE;
  JsonNode *usb;

  if (!get_string (fm, "protocol", TRUE, &protocol, file, "flash_method", error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (protocols); i++)
    if (strcmp (protocols[i].name, protocol) == 0)
      {
        b->protocol = protocols[i].protocol;
        found = TRUE;
      }
  if (!found)
    {
      g_autofree char *why = g_strdup_printf ("unknown protocol '%s' (stm32-uart, stk500v1, "
                                              "stk500v2 or qemu)", protocol);
      return bad (error, file, "flash_method.protocol", why);
    }
  if (!get_number (fm, "baud", b->protocol != EM_BOARD_PROTOCOL_QEMU, 4000000, &v, file,
                   "flash_method", error))
    return FALSE;
  if (v == 0 && b->protocol != EM_BOARD_PROTOCOL_QEMU)
    return bad (error, file, "flash_method.baud", "must be above 0");
  b->baud = (guint) v;
  if (!get_number (fm, "base", FALSE, G_MAXUINT32, &v, file, "flash_method", error))
    return FALSE;
  b->flash_base = (guint32) v;
  if (!get_number (fm, "chip_id", FALSE, G_MAXUINT32, &v, file, "flash_method", error))
    return FALSE;
  b->chip_id = (guint32) v;
  if (!get_number (fm, "bootloader_size", FALSE, G_MAXUINT32, &v, file, "flash_method", error))
    return FALSE;
  b->bootloader_size = (guint32) v;
  if (b->bootloader_size >= b->flash && b->bootloader_size > 0)
    return bad (error, file, "flash_method.bootloader_size", "not smaller than the flash");
  if (!get_number (fm, "page_size", FALSE, 65536, &v, file, "flash_method", error))
    return FALSE;
  b->page_size = (guint32) v;
  if ((b->protocol == EM_BOARD_PROTOCOL_STK500V1 || b->protocol == EM_BOARD_PROTOCOL_STK500V2) &&
      (b->page_size == 0 || (b->page_size & (b->page_size - 1)) != 0))
    return bad (error, file, "flash_method.page_size", "an AVR board needs a power-of-two page size");
  if (!get_string (fm, "qemu_machine", b->protocol == EM_BOARD_PROTOCOL_QEMU, &b->qemu_machine,
                   file, "flash_method", error))
    return FALSE;

  b->usb_ids = g_array_new (FALSE, FALSE, sizeof (EmBoardUsbId));
  usb = json_object_get_member (fm, "usb");
  if (usb != NULL && !JSON_NODE_HOLDS_NULL (usb))
    {
      JsonArray *a;

      if (!JSON_NODE_HOLDS_ARRAY (usb))
        return bad (error, file, "flash_method.usb", "must be a list of {vid, pid}");
      a = json_node_get_array (usb);
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonNode *e = json_array_get_element (a, i);
          g_autofree char *where = g_strdup_printf ("flash_method.usb[%u]", i);
          guint64 vid, pid;
          EmBoardUsbId id;

          if (!JSON_NODE_HOLDS_OBJECT (e))
            return bad (error, file, where, "must be an object {vid, pid}");
          if (!get_number (json_node_get_object (e), "vid", TRUE, 0xffff, &vid, file, where, error) ||
              !get_number (json_node_get_object (e), "pid", TRUE, 0xffff, &pid, file, where, error))
            return FALSE;
          id.vid = (guint16) vid;
          id.pid = (guint16) pid;
          g_array_append_val (b->usb_ids, id);
        }
    }
  return TRUE;
}

/* Cycles one instruction of the emulated Cortex-M4F's count takes on a
 * core, when its board file does not say (a board's own
 * "cycles_per_instruction" wins: memory wait states and caches differ
 * between parts of one core). The counts are measured on the Cortex-M4F
 * build (-Os, hard float), so they carry over only to cores that run the
 * same Thumb-2 code with a single-precision FPU:
 *  - Cortex-M4F: 1.25 — single-cycle ALU, MAC and most FPU ops, two-cycle
 *    loads, 1-3 cycles a taken branch, 14 for vdiv/vsqrt, at zero wait
 *    states; a middle value for loop code like the DSP and NN kernels.
 *  - Cortex-M7: 1.0 — dual issue of ALU/load pairs makes up for the longer
 *    pipeline's branch cost (from tightly coupled memory; slower from
 *    cached flash).
 *  - Cortex-M0+ and any core without an FPU: not estimated. Thumb-1 has no
 *    DSP/MAC instructions and every float op becomes a library call of
 *    tens of cycles, so no single factor turns the M4F count into theirs.
 *  - AVR: not estimated: an 8-bit core, a different instruction set.
 * 0 = not estimated. */
static double
default_cpi (const EmBoard *b)
{
  if (!b->fpu)
    return 0;
  if (strcmp (b->core, "cortex-m4f") == 0)
    return 1.25;
  if (strcmp (b->core, "cortex-m7") == 0)
    return 1.0;
  return 0;
}

/* "cycles_per_instruction": a number in (0, 100], null (not estimated), or
 * absent (the core's default above). */
static gboolean
parse_cpi (EmBoard *b, JsonObject *o, const char *file, GError **error)
{
  JsonNode *node = json_object_get_member (o, "cycles_per_instruction");
  double v;

  if (node == NULL)
    {
      b->cycles_per_instruction = default_cpi (b);
      return TRUE;
    }
  if (JSON_NODE_HOLDS_NULL (node))
    {
      b->cycles_per_instruction = 0;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_DOUBLE && json_node_get_value_type (node) != G_TYPE_INT64))
    return bad (error, file, "cycles_per_instruction", "must be a number or null");
  v = json_node_get_double (node);
  if (!(v > 0 && v <= 100))
    return bad (error, file, "cycles_per_instruction", "must be above 0 and at most 100");
  b->cycles_per_instruction = v;
  return TRUE;
}

double
em_board_latency_ms (const EmBoard *board, guint64 instructions)
{
  if (instructions == 0 || board->clock_hz == 0 || board->cycles_per_instruction <= 0)
    return -1;
  return (double) instructions * board->cycles_per_instruction / (double) board->clock_hz * 1e3;
}

static gboolean
parse_board (EmBoard *b, JsonNode *root, const char *file, GError **error)
{
  JsonObject *o, *fm;
  JsonNode *node;
  gboolean core_ok = FALSE;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return bad (error, file, "top level", "must be a JSON object");
  o = json_node_get_object (root);
  if (!get_string (o, "name", TRUE, &b->name, file, NULL, error) ||
      !get_string (o, "core", TRUE, &b->core, file, NULL, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (cores); i++)
    core_ok |= strcmp (cores[i], b->core) == 0;
  if (!core_ok)
    {
      g_autofree char *why = g_strdup_printf ("unknown core '%s' (cortex-m0plus, cortex-m4f, "
                                              "cortex-m7 or avr)", b->core);
      return bad (error, file, "core", why);
    }
  if (!get_number (o, "clock_hz", TRUE, 10000000000ull, &b->clock_hz, file, NULL, error) ||
      !get_number (o, "ram", TRUE, G_MAXUINT32, &b->ram, file, NULL, error) ||
      !get_number (o, "flash", TRUE, G_MAXUINT32, &b->flash, file, NULL, error))
    return FALSE;
  if (b->clock_hz == 0 || b->ram == 0 || b->flash == 0)
    return bad (error, file, b->clock_hz == 0 ? "clock_hz" : b->ram == 0 ? "ram" : "flash",
                "must be above 0");
  node = json_object_get_member (o, "fpu");
  if (node != NULL && (!JSON_NODE_HOLDS_VALUE (node) ||
                       json_node_get_value_type (node) != G_TYPE_BOOLEAN))
    return bad (error, file, "fpu", "must be true or false");
  b->fpu = node != NULL && json_node_get_boolean (node);
  if (!parse_cpi (b, o, file, error))
    return FALSE;
  if (!get_string (o, "toolchain", TRUE, &b->toolchain, file, NULL, error) ||
      !get_string (o, "linker_script", FALSE, &b->linker_script, file, NULL, error) ||
      !get_string (o, "startup", FALSE, &b->startup, file, NULL, error))
    return FALSE;

  node = json_object_get_member (o, "flash_method");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return bad (error, file, "flash_method", "missing or not an object");
  fm = json_node_get_object (node);
  if (!parse_flash_method (b, fm, file, error))
    return FALSE;

  node = json_object_get_member (o, "sensors");
  if (node != NULL && !JSON_NODE_HOLDS_ARRAY (node))
    return bad (error, file, "sensors", "must be a list");
  {
    g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
    JsonArray *a = node != NULL ? json_node_get_array (node) : NULL;

    for (guint i = 0; a != NULL && i < json_array_get_length (a); i++)
      {
        JsonNode *e = json_array_get_element (a, i);
        g_autofree char *where = g_strdup_printf ("sensors[%u]", i);
        g_autofree char *name = NULL;

        if (!JSON_NODE_HOLDS_OBJECT (e))
          return bad (error, file, where, "must be an object {name, source}");
        if (!get_string (json_node_get_object (e), "name", TRUE, &name, file, where, error) ||
            !parse_sensor (b, json_node_get_object (e), name, file, where, error))
          return FALSE;
        g_strv_builder_add (names, name);
      }
    b->sensors = g_strv_builder_end (names);
  }
  return TRUE;
}

EmBoard *
em_board_load_from_data (const char *id, const char *json, gssize len, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(EmBoard) board = g_new0 (EmBoard, 1);
  g_autoptr(GError) local = NULL;
  g_autofree char *file = g_strdup_printf ("%s.json", id);

  board->id = g_strdup (id);
  if (!json_parser_load_from_data (parser, json, len, &local))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s: not valid JSON: %s", file,
                   local->message);
      return NULL;
    }
  if (!parse_board (board, json_parser_get_root (parser), file, error))
    return NULL;
  return g_steal_pointer (&board);
}

EmBoard *
em_board_load (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GError) local = NULL;
  gsize len;
  EmBoard *board;

  if (!g_file_get_contents (path, &contents, &len, &local))
    {
      g_set_error (error, EM_ERROR,
                   g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT) ? EM_ERROR_NOT_FOUND
                                                                              : EM_ERROR_IO,
                   "%s", local->message);
      return NULL;
    }
  if (g_str_has_suffix (base, ".json"))
    base[strlen (base) - 5] = '\0';
  board = em_board_load_from_data (base, contents, (gssize) len, error);
  if (board != NULL)
    board->path = g_strdup (path);
  return board;
}

const char *
em_board_default_dir (void)
{
  const char *env = g_getenv ("EMBER_BOARDS_DIR");

  if (env != NULL && *env != '\0')
    return env;
#ifdef EMBER_SOURCE_BOARDS_DIR
  if (g_file_test (EMBER_SOURCE_BOARDS_DIR, G_FILE_TEST_IS_DIR))
    return EMBER_SOURCE_BOARDS_DIR;
#endif
#ifdef EMBER_BOARDS_DIR
  return EMBER_BOARDS_DIR;
#else
  return "/usr/share/ember/boards";
#endif
}

static int
compare_boards (gconstpointer a, gconstpointer b)
{
  const EmBoard *x = *(EmBoard * const *) a;
  const EmBoard *y = *(EmBoard * const *) b;
  return g_ascii_strcasecmp (x->name, y->name);
}

GPtrArray *
em_board_list (const char *dir, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) em_board_free);
  g_autoptr(GDir) d = NULL;
  g_autoptr(GError) local = NULL;
  const char *entry;

  if (dir == NULL)
    dir = em_board_default_dir ();
  d = g_dir_open (dir, 0, &local);
  if (d == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "%s: cannot read the board folder: %s",
                   dir, local->message);
      return NULL;
    }
  while ((entry = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = NULL;
      EmBoard *board;

      if (!g_str_has_suffix (entry, ".json"))
        continue;
      path = g_build_filename (dir, entry, NULL);
      board = em_board_load (path, error);
      if (board == NULL)
        return NULL;
      g_ptr_array_add (out, board);
    }
  g_ptr_array_sort (out, compare_boards);
  return g_steal_pointer (&out);
}

EmBoard *
em_board_find (GPtrArray *boards, const char *name, GError **error)
{
  g_autoptr(GString) known = g_string_new (NULL);

  for (guint i = 0; i < boards->len; i++)
    {
      EmBoard *b = boards->pdata[i];
      if (g_ascii_strcasecmp (b->id, name) == 0 || g_ascii_strcasecmp (b->name, name) == 0)
        return b;
    }
  for (guint i = 0; i < boards->len; i++)
    g_string_append_printf (known, "%s%s", i > 0 ? ", " : "", ((EmBoard *) boards->pdata[i])->id);
  g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "no board named '%s' (known: %s)", name,
               known->str);
  return NULL;
}

EmBoard *
em_board_match_usb (GPtrArray *boards, int vid, int pid)
{
  if (vid < 0 || pid < 0)
    return NULL;
  for (guint i = 0; i < boards->len; i++)
    {
      EmBoard *b = boards->pdata[i];
      for (guint j = 0; b->usb_ids != NULL && j < b->usb_ids->len; j++)
        {
          const EmBoardUsbId *id = &g_array_index (b->usb_ids, EmBoardUsbId, j);
          if (id->vid == vid && id->pid == pid)
            return b;
        }
    }
  return NULL;
}
