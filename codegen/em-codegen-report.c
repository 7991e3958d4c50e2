/* SPDX-License-Identifier: Apache-2.0 */
/* Flash/RAM split of a linked firmware from its GNU ld map file; see
 * em-codegen-report.h for the attribution rules. */
#include "em-codegen-report.h"

#include <string.h>

G_DEFINE_QUARK (em-codegen-report-error-quark, em_codegen_report_error)

typedef enum { KIND_NONE, KIND_TEXT, KIND_RODATA, KIND_DATA, KIND_BSS, KIND_ARENA } SectionKind;

/* The output section being read and what its input sections add up to. */
typedef struct {
  SectionKind kind;
  guint64 size, inputs;
} OutputSection;


static const char *const part_names[EM_CODEGEN_N_PARTS] = { "dsp", "nn", "weights", "runtime", "app" };
static const char *const part_titles[EM_CODEGEN_N_PARTS] = {
  "DSP", "NN kernels", "NN weights", "runtime", "application"
};

const char *
em_codegen_part_name (EmCodegenPart part)
{
  g_return_val_if_fail (part < EM_CODEGEN_N_PARTS, NULL);
  return part_names[part];
}

/* "dir/lib.a(member.o)" → "member.o"; "dir/file.o" → "file.o". */
static const char *
object_basename (const char *object, gsize *len)
{
  const char *open = strrchr (object, '(');
  gsize n = strlen (object);
  const char *start = object, *slash;

  if (open != NULL && n > 0 && object[n - 1] == ')')
    {
      start = open + 1;
      n = (gsize) (object + n - 1 - start);
    }
  for (slash = start; slash < start + n; slash++)
    if (*slash == '/' || *slash == '\\')
      {
        n -= (gsize) (slash + 1 - start);
        start = slash + 1;
      }
  *len = n;
  return start;
}

static gboolean
has_prefix_n (const char *s, gsize n, const char *prefix)
{
  gsize p = strlen (prefix);
  return n >= p && g_ascii_strncasecmp (s, prefix, p) == 0;
}

EmCodegenPart
em_codegen_part_for_object (const char *object)
{
  gsize n;
  const char *base;

  g_return_val_if_fail (object != NULL, EM_CODEGEN_PART_APP);
  base = object_basename (object, &n);
  /* Meson and CMake prefix objects with their target's folder, which
   * object_basename drops; a "lib" prefix would come from a renamed copy. */
  if (has_prefix_n (base, n, "em-dsp") || has_prefix_n (base, n, "em_dsp"))
    return EM_CODEGEN_PART_DSP;
  if (has_prefix_n (base, n, "em-nn") || has_prefix_n (base, n, "em_nn"))
    return EM_CODEGEN_PART_NN;
  if (has_prefix_n (base, n, "ember_model_data") || has_prefix_n (base, n, "ember-model-data"))
    return EM_CODEGEN_PART_WEIGHTS;
  if (has_prefix_n (base, n, "ember_impulse") || has_prefix_n (base, n, "ember-impulse"))
    return EM_CODEGEN_PART_RUNTIME;
  return EM_CODEGEN_PART_APP;
}

static gboolean
is_archive_member (const char *object)
{
  gsize n = strlen (object);
  return n > 2 && object[n - 1] == ')' && strchr (object, '(') != NULL;
}

/* An archive member belongs to the library's runtime when the chain of
 * "included to satisfy a reference by" leads to a library object. */
static EmCodegenPart
resolve_part (GHashTable *pulled_by, const char *object)
{
  const char *cur = object;

  for (int depth = 0; depth < 256 && cur != NULL; depth++)
    {
      EmCodegenPart part = em_codegen_part_for_object (cur);

      if (part != EM_CODEGEN_PART_APP)
        return cur == object ? part : EM_CODEGEN_PART_RUNTIME;
      if (!is_archive_member (cur))
        return EM_CODEGEN_PART_APP;
      cur = g_hash_table_lookup (pulled_by, cur);
    }
  return EM_CODEGEN_PART_APP;
}

static SectionKind
section_kind (const char *name)
{
  static const char *const text[] = { ".text", ".init", ".fini", ".glue_7", ".vfp11_veneer", ".v4_bx", ".iplt", NULL };
  static const char *const rodata[] = { ".rodata", ".isr_vector", ".vectors", ".ARM.extab", ".ARM.exidx",
                                        ".preinit_array", ".init_array", ".fini_array", ".gnu.linkonce.r",
                                        ".srodata", ".eh_frame", NULL };
  static const char *const data[] = { ".data", ".gnu.linkonce.d", ".sdata", ".tm_clone_table", NULL };
  static const char *const bss[] = { ".bss", "COMMON", ".gnu.linkonce.b", ".sbss", ".tbss", NULL };

  /* .init_array must not be caught by the ".init" text prefix. */
  for (guint i = 0; rodata[i] != NULL; i++)
    if (g_str_has_prefix (name, rodata[i]))
      return KIND_RODATA;
  for (guint i = 0; text[i] != NULL; i++)
    if (g_str_has_prefix (name, text[i]))
      return KIND_TEXT;
  for (guint i = 0; data[i] != NULL; i++)
    if (g_str_has_prefix (name, data[i]))
      return KIND_DATA;
  for (guint i = 0; bss[i] != NULL; i++)
    if (g_str_has_prefix (name, bss[i]))
      return strstr (name, "arena") != NULL ? KIND_ARENA : KIND_BSS;
  return KIND_NONE;
}

static gboolean
parse_hex (const char *s, guint64 *out)
{
  char *end;

  if (!g_str_has_prefix (s, "0x"))
    return FALSE;
  *out = g_ascii_strtoull (s + 2, &end, 16);
  return end != s + 2 && *end == '\0';
}

/* Splits a line into blank-separated words (no empty ones). */
static GStrv
words (const char *line)
{
  g_auto(GStrv) raw = g_strsplit_set (line, " \t", -1);
  GPtrArray *out = g_ptr_array_new ();

  for (guint j = 0; raw[j] != NULL; j++)
    if (*raw[j] != '\0')
      g_ptr_array_add (out, g_strdup (raw[j]));
  g_ptr_array_add (out, NULL);
  return (GStrv) g_ptr_array_free (out, FALSE);
}

/* "Archive member included to satisfy reference by file (symbol)":
 *   member-path
 *                     requesting-file (symbol)
 * (the requester shares the member's line when the member name is short). */
static void
parse_archive_list (char **lines, guint *i, GHashTable *pulled_by)
{
  g_autofree char *member = NULL;

  for (; lines[*i] != NULL; (*i)++)
    {
      const char *line = lines[*i];
      g_auto(GStrv) w = NULL;

      if (g_str_has_prefix (line, "Discarded input sections") || g_str_has_prefix (line, "Memory Configuration") ||
          g_str_has_prefix (line, "Allocating common symbols") || g_str_has_prefix (line, "Linker script and memory map"))
        break;
      w = words (line);
      if (w[0] == NULL)
        continue;
      if (line[0] != ' ' && line[0] != '\t')
        {
          g_free (member);
          member = g_strdup (w[0]);
          if (w[1] != NULL)
            g_hash_table_insert (pulled_by, g_steal_pointer (&member), g_strdup (w[1]));
        }
      else if (member != NULL)
        g_hash_table_insert (pulled_by, g_steal_pointer (&member), g_strdup (w[0]));
    }
}

static void
add_input (EmCodegenReport *r, GHashTable *pulled_by, GHashTable *parts_cache,
           const char *section, guint64 size, const char *object, OutputSection *out)
{
  SectionKind kind = section_kind (section);
  EmCodegenPartSize *p;
  gpointer cached;
  EmCodegenPart part;

  if (kind == KIND_NONE || size == 0 || out->kind == KIND_NONE)
    return;
  out->inputs += size;
  if (g_hash_table_lookup_extended (parts_cache, object, NULL, &cached))
    part = GPOINTER_TO_INT (cached);
  else
    {
      part = resolve_part (pulled_by, object);
      g_hash_table_insert (parts_cache, g_strdup (object), GINT_TO_POINTER (part));
    }
  /* The generated ember_impulse.c owns the model's arena and the DSP
   * scratch; they are the NN's and the DSP's RAM (with -fdata-sections each
   * has its own section: .bss.em_arena, .bss.em_dsp_scratch). */
  if (part != EM_CODEGEN_PART_APP && kind == KIND_ARENA)
    part = EM_CODEGEN_PART_NN;
  else if (part != EM_CODEGEN_PART_APP && kind == KIND_BSS && strstr (section, "dsp_scratch") != NULL)
    part = EM_CODEGEN_PART_DSP;
  /* Its constant data is the model's and the blocks': the layers'
   * geometry and quantization descriptors (.rodata.em_model_g0,
   * em_model_q0, …) count with the weights, a block's parameters
   * (.rodata.em_dsp0_params) with the DSP's tables. */
  else if (part == EM_CODEGEN_PART_RUNTIME && kind == KIND_RODATA &&
           (g_str_has_prefix (section, ".rodata.em_model_") || g_str_has_prefix (section, ".rodata.em_anomaly_")))
    part = EM_CODEGEN_PART_WEIGHTS;
  else if (part == EM_CODEGEN_PART_RUNTIME && kind == KIND_RODATA && g_str_has_prefix (section, ".rodata.em_dsp") &&
           g_ascii_isdigit (section[strlen (".rodata.em_dsp")]))
    part = EM_CODEGEN_PART_DSP;
  /* The raw window buffer (.bss.em_window): none when the DSP streams it. */
  if (part != EM_CODEGEN_PART_APP && kind == KIND_BSS && strstr (section, "em_window") != NULL)
    r->window += size;
  p = &r->parts[part];
  switch (kind)
    {
    case KIND_TEXT: p->text += size; break;
    case KIND_RODATA: p->rodata += size; break;
    case KIND_DATA: p->data += size; break;
    case KIND_BSS: p->bss += size; break;
    case KIND_ARENA: p->arena += size; break;
    case KIND_NONE: default: break;
    }
}

/* An output section's padding: its size minus its input sections (the
 * *fill* lines and the ALIGN() gaps at its end, which have no line). */
static void
close_output (EmCodegenReport *r, OutputSection *out)
{
  guint64 pad = out->size > out->inputs ? out->size - out->inputs : 0;

  if (out->kind == KIND_TEXT || out->kind == KIND_RODATA)
    r->fill_flash += pad;
  else if (out->kind == KIND_DATA)
    r->fill_flash += pad, r->fill_ram += pad;
  else if (out->kind == KIND_BSS || out->kind == KIND_ARENA)
    r->fill_ram += pad;
  memset (out, 0, sizeof *out);
}

EmCodegenReport *
em_codegen_report_parse (const char *map_text, guint64 stack_bytes, GError **error)
{
  g_autoptr(EmCodegenReport) r = g_new0 (EmCodegenReport, 1);
  g_autoptr(GHashTable) pulled_by = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) parts_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) lines = NULL;
  g_autofree char *pending = NULL, *pending_out = NULL;
  OutputSection out = { 0 };
  gboolean in_map = FALSE;
  guint i;

  g_return_val_if_fail (map_text != NULL, NULL);
  lines = g_strsplit (map_text, "\n", -1);
  for (i = 0; lines[i] != NULL; i++)
    {
      char *line = lines[i];
      gsize n = strlen (line);

      if (n > 0 && line[n - 1] == '\r')
        line[n - 1] = '\0';
      if (!in_map)
        {
          if (g_str_has_prefix (line, "Archive member included"))
            {
              i++;
              parse_archive_list (lines, &i, pulled_by);
              if (lines[i] == NULL)
                break;
              line = lines[i];
            }
          if (g_str_has_prefix (line, "Linker script and memory map"))
            in_map = TRUE;
          continue;
        }
      if (line[0] != ' ')
        {
          /* An output section header (".text  ADDR SIZE", or its name alone
           * when long, ADDR SIZE on the next line), a LOAD/OUTPUT line or a
           * blank line. */
          g_auto(GStrv) w = words (line);
          guint64 addr, size;

          g_clear_pointer (&pending, g_free);
          g_clear_pointer (&pending_out, g_free);
          close_output (r, &out);
          if (line[0] == '.' && w[0] != NULL)
            {
              if (w[1] == NULL)
                pending_out = g_strdup (w[0]);
              else if (w[2] != NULL && parse_hex (w[1], &addr) && parse_hex (w[2], &size))
                out.kind = section_kind (w[0]), out.size = size;
            }
          continue;
        }
      {
        g_auto(GStrv) w = words (line);
        guint nw = g_strv_length (w);
        guint64 addr, size;

        if (pending_out != NULL)
          {
            if (nw >= 2 && parse_hex (w[0], &addr) && parse_hex (w[1], &size))
              out.kind = section_kind (pending_out), out.size = size;
            g_clear_pointer (&pending_out, g_free);
            continue;
          }

        if (pending != NULL)
          {
            /* Continuation of a long input section name: ADDR SIZE FILE. */
            if (nw >= 3 && parse_hex (w[0], &addr) && parse_hex (w[1], &size))
              {
                g_autofree char *object = g_strjoinv (" ", w + 2);
                add_input (r, pulled_by, parts_cache, pending, size, object, &out);
              }
            g_clear_pointer (&pending, g_free);
            continue;
          }
        if (line[1] == ' ' || nw == 0)
          continue;   /* symbol or assignment lines */
        if (w[0][0] == '*' || strchr (w[0], '(') != NULL)
          continue;   /* input section patterns such as *(.text*) or KEEP(...) */
        if (nw == 1)
          {
            pending = g_strdup (w[0]);
            continue;
          }
        if (nw >= 4 && parse_hex (w[1], &addr) && parse_hex (w[2], &size))
          {
            g_autofree char *object = g_strjoinv (" ", w + 3);
            add_input (r, pulled_by, parts_cache, w[0], size, object, &out);
          }
      }
    }
  close_output (r, &out);
  if (!in_map)
    {
      g_set_error (error, EM_CODEGEN_REPORT_ERROR, EM_CODEGEN_REPORT_ERROR_INVALID_MAP,
                   "not a GNU ld map file: no \"Linker script and memory map\" section");
      return NULL;
    }
  r->stack = stack_bytes;
  for (int p = 0; p < EM_CODEGEN_N_PARTS; p++)
    if (p != EM_CODEGEN_PART_APP)
      {
        r->flash += em_codegen_report_part_flash (r, p);
        r->ram += em_codegen_report_part_ram (r, p);
      }
  r->ram += stack_bytes;
  return g_steal_pointer (&r);
}

EmCodegenReport *
em_codegen_report_from_map (const char *map_path, guint64 stack_bytes, GError **error)
{
  g_autofree char *text = NULL;
  EmCodegenReport *r;

  g_return_val_if_fail (map_path != NULL, NULL);
  if (!g_file_get_contents (map_path, &text, NULL, error))
    return NULL;
  r = em_codegen_report_parse (text, stack_bytes, error);
  if (r == NULL)
    g_prefix_error (error, "%s: ", map_path);
  return r;
}

void
em_codegen_report_free (EmCodegenReport *report)
{
  g_free (report);
}

guint64
em_codegen_report_part_flash (const EmCodegenReport *r, EmCodegenPart part)
{
  g_return_val_if_fail (r != NULL && part < EM_CODEGEN_N_PARTS, 0);
  return r->parts[part].text + r->parts[part].rodata + r->parts[part].data;
}

guint64
em_codegen_report_part_ram (const EmCodegenReport *r, EmCodegenPart part)
{
  g_return_val_if_fail (r != NULL && part < EM_CODEGEN_N_PARTS, 0);
  return r->parts[part].data + r->parts[part].bss + r->parts[part].arena;
}

static void
text_row (GString *s, const char *title, const EmCodegenPartSize *p, guint64 flash, guint64 ram,
          const char *ram_note)
{
  g_string_append_printf (s, "%-14s %8" G_GUINT64_FORMAT " %8" G_GUINT64_FORMAT " %8" G_GUINT64_FORMAT
                          " %8" G_GUINT64_FORMAT " %8" G_GUINT64_FORMAT " | %9" G_GUINT64_FORMAT
                          " %9" G_GUINT64_FORMAT "%s\n",
                          title, p->text, p->rodata, p->data, p->bss, p->arena, flash, ram, ram_note);
}

char *
em_codegen_report_to_text (const EmCodegenReport *r)
{
  GString *s = g_string_new (NULL);
  EmCodegenPartSize total = { 0 };

  g_return_val_if_fail (r != NULL, NULL);
  g_string_append_printf (s, "%-14s %8s %8s %8s %8s %8s | %9s %9s\n",
                          "part", "text", "rodata", "data", "bss", "arena", "flash", "RAM");
  for (int p = 0; p < EM_CODEGEN_N_PARTS; p++)
    {
      if (p == EM_CODEGEN_PART_APP)
        continue;
      text_row (s, part_titles[p], &r->parts[p], em_codegen_report_part_flash (r, p),
                em_codegen_report_part_ram (r, p), "");
      total.text += r->parts[p].text;
      total.rodata += r->parts[p].rodata;
      total.data += r->parts[p].data;
      total.bss += r->parts[p].bss;
      total.arena += r->parts[p].arena;
    }
  if (r->stack > 0)
    g_string_append_printf (s, "%-14s %8s %8s %8s %8s %8s | %9s %9" G_GUINT64_FORMAT "\n",
                            "stack (peak)", "", "", "", "", "", "", r->stack);
  text_row (s, "library total", &total, r->flash, r->ram, r->stack > 0 ? "" : "  (stack not measured)");
  text_row (s, part_titles[EM_CODEGEN_PART_APP], &r->parts[EM_CODEGEN_PART_APP],
            em_codegen_report_part_flash (r, EM_CODEGEN_PART_APP),
            em_codegen_report_part_ram (r, EM_CODEGEN_PART_APP), "  (not in the total)");
  g_string_append_printf (s, "padding: %" G_GUINT64_FORMAT " bytes flash, %" G_GUINT64_FORMAT " bytes RAM\n",
                          r->fill_flash, r->fill_ram);
  if (r->window > 0)
    g_string_append_printf (s, "raw window: buffered whole, %" G_GUINT64_FORMAT " bytes of the runtime's RAM\n",
                            r->window);
  else
    g_string_append (s, "raw window: not in RAM (the DSP reads it through the signal callback)\n");
  return g_string_free (s, FALSE);
}

char *
em_codegen_report_to_json (const EmCodegenReport *r)
{
  GString *s = g_string_new ("{\"parts\":{");

  g_return_val_if_fail (r != NULL, NULL);
  for (int p = 0; p < EM_CODEGEN_N_PARTS; p++)
    {
      const EmCodegenPartSize *q = &r->parts[p];
      g_string_append_printf (s, "%s\"%s\":{\"text\":%" G_GUINT64_FORMAT ",\"rodata\":%" G_GUINT64_FORMAT
                              ",\"data\":%" G_GUINT64_FORMAT ",\"bss\":%" G_GUINT64_FORMAT
                              ",\"arena\":%" G_GUINT64_FORMAT ",\"flash\":%" G_GUINT64_FORMAT
                              ",\"ram\":%" G_GUINT64_FORMAT "}",
                              p ? "," : "", part_names[p], q->text, q->rodata, q->data, q->bss, q->arena,
                              em_codegen_report_part_flash (r, p), em_codegen_report_part_ram (r, p));
    }
  g_string_append_printf (s, "},\"fill_flash\":%" G_GUINT64_FORMAT ",\"fill_ram\":%" G_GUINT64_FORMAT
                          ",\"stack\":%" G_GUINT64_FORMAT ",\"flash\":%" G_GUINT64_FORMAT
                          ",\"ram\":%" G_GUINT64_FORMAT ",\"window\":%" G_GUINT64_FORMAT "}",
                          r->fill_flash, r->fill_ram, r->stack, r->flash, r->ram, r->window);
  return g_string_free (s, FALSE);
}
