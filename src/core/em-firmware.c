/* SPDX-License-Identifier: Apache-2.0 */
/* Building Ember firmware for a board: the generated impulse library plus
 * codegen/targets/firmware (the host-fed protocol loop and the board
 * family's port), compiled with the board's cross toolchain. The runtime
 * files come from codegen's resources, so they are the ones this Ember was
 * built from, as for every other target. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>
#include "em-block-registry.h"
#include "em-codegen.h"
#include "em-deploy-gather.h"
#include "em-error.h"
#include "em-firmware.h"
#include "em-impulse.h"

/* Stack and heap headroom the RAM check keeps free. */
#define STACK_RESERVE_ARM 4096u
#define STACK_RESERVE_AVR 256u

typedef enum { FAMILY_ARM, FAMILY_AVR } Family;

typedef struct {
  Family      family;
  const char *port;       /* firmware/port-*.c */
  const char *mcu;        /* avr-gcc -mmcu */
  const char *cc, *size, *objcopy;
  const char *packages;   /* Debian packages of the toolchain */
} Recipe;

static const char *const arm_m4f_flags[] = {
  "-mcpu=cortex-m4", "-mthumb", "-mfpu=fpv4-sp-d16", "-mfloat-abi=hard", "-Os",
  "-ffunction-sections", "-fdata-sections", "-std=c99", "-g", NULL
};

static gboolean
pick_recipe (const EmBoard *board, Recipe *r, GError **error)
{
  memset (r, 0, sizeof *r);
  if (g_strcmp0 (board->core, "avr") == 0)
    {
      r->family = FAMILY_AVR;
      r->port = "port-avr.c";
      r->cc = "avr-gcc";
      r->size = "avr-size";
      r->objcopy = "avr-objcopy";
      r->packages = "gcc-avr and avr-libc";
      if (board->chip_id == 0x1E950F)
        r->mcu = "atmega328p";
      else if (board->chip_id == 0x1E9801)
        r->mcu = "atmega2560";
      else
        {
          g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED, "%s: no firmware for AVR signature 0x%06X yet",
                       board->name, board->chip_id);
          return FALSE;
        }
      return TRUE;
    }
  if (g_strcmp0 (board->core, "cortex-m4f") != 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED, "%s: no Ember firmware for the core %s yet", board->name,
                   board->core);
      return FALSE;
    }
  r->family = FAMILY_ARM;
  r->cc = "arm-none-eabi-gcc";
  r->size = "arm-none-eabi-size";
  r->objcopy = "arm-none-eabi-objcopy";
  r->packages = "gcc-arm-none-eabi and libnewlib-arm-none-eabi";
  if (board->protocol == EM_BOARD_PROTOCOL_QEMU && g_strcmp0 (board->qemu_machine, "mps2-an386") == 0)
    r->port = "port-mps2.c";
  else if (board->protocol == EM_BOARD_PROTOCOL_STM32_UART)
    r->port = "port-stm32f4.c";
  else
    {
      g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED, "%s: no Ember firmware port for this board yet",
                   board->name);
      return FALSE;
    }
  return TRUE;
}

/* NULL when the toolchain is there, else what to install. */
static char *
toolchain_missing (const Recipe *r)
{
  g_autofree char *cc = g_find_program_in_path (r->cc);

  if (cc == NULL)
    return g_strdup_printf ("%s not found: install the Debian packages %s", r->cc, r->packages);
  if (r->family == FAMILY_ARM)
    {
      g_autofree char *out = NULL;
      const char *argv[] = { r->cc, "-print-file-name=nano.specs", NULL };

      if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                         &out, NULL, NULL, NULL) ||
          !g_path_is_absolute (g_strstrip (out)))
        return g_strdup ("newlib for arm-none-eabi not found: install the Debian package libnewlib-arm-none-eabi");
    }
  return NULL;
}

/* Runs @argv to the end (or until cancelled); a failure becomes one error
 * naming the board and the program, with the tail of what it printed. */
static gboolean
run_tool (const EmBoard *board, GPtrArray *argv, char **out, GCancellable *cancellable, GError **error)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *stdout_text = NULL, *stderr_text = NULL;
  g_autoptr(GError) local = NULL;

  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char *const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &local);
  g_ptr_array_remove_index (argv, argv->len - 1);
  if (proc == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "%s: %s: %s", board->name, (char *) argv->pdata[0],
                   local->message);
      return FALSE;
    }
  if (!g_subprocess_communicate_utf8 (proc, NULL, cancellable, &stdout_text, &stderr_text, &local))
    {
      g_subprocess_force_exit (proc);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (!g_subprocess_get_successful (proc))
    {
      gsize n = strlen (stderr_text);
      const char *tail = n > 1500 ? stderr_text + n - 1500 : stderr_text;

      g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "%s: %s failed: %s", board->name, (char *) argv->pdata[0],
                   g_strstrip ((char *) tail));
      return FALSE;
    }
  if (out != NULL)
    *out = g_steal_pointer (&stdout_text);
  return TRUE;
}

static gboolean
write_runtime_file (const char *name, const char *dir, char **path, GError **error)
{
  g_autofree char *res = g_strconcat ("firmware/", name, NULL);
  g_autoptr(GBytes) bytes = em_codegen_target_file (res);
  gsize len;
  const char *data;

  if (bytes == NULL && (bytes = em_codegen_target_file (name)) == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "codegen has no firmware file %s", name);
      return FALSE;
    }
  data = g_bytes_get_data (bytes, &len);
  *path = g_build_filename (dir, strchr (name, '/') != NULL ? strrchr (name, '/') + 1 : name, NULL);
  return g_file_set_contents (*path, data, (gssize) len, error);
}

/* The board file's linker script: next to the board file, embedded in
 * codegen (cortex-m/), or in the source tree the board folder sits in. */
static char *
find_linker_script (const EmBoard *board, const char *dir, GError **error)
{
  g_autofree char *base = NULL, *board_dir = NULL, *cand = NULL, *emb = NULL, *root = NULL;

  if (board->linker_script == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s: the board file names no linker script", board->name);
      return NULL;
    }
  base = g_path_get_basename (board->linker_script);
  board_dir = g_path_get_dirname (board->path != NULL ? board->path : em_board_default_dir ());
  cand = g_build_filename (board_dir, base, NULL);
  if (g_file_test (cand, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&cand);
  emb = g_strconcat ("cortex-m/", base, NULL);
  {
    g_autofree char *path = NULL;
    g_autoptr(GBytes) embedded = em_codegen_target_file (emb);
    if (embedded != NULL && write_runtime_file (emb, dir, &path, NULL))
      return g_steal_pointer (&path);
  }
  /* codegen/boards → the source root. */
  root = g_path_get_dirname (board_dir);
  g_free (cand);
  cand = g_build_filename (root, "..", board->linker_script, NULL);
  if (g_file_test (cand, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&cand);
  g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "%s: linker script %s not found", board->name,
               board->linker_script);
  return NULL;
}

static GPtrArray *
c_files (const char *dir)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  const char *subs[] = { "", "dsp", "nn" };

  for (guint s = 0; s < G_N_ELEMENTS (subs); s++)
    {
      g_autofree char *sub = g_build_filename (dir, subs[s], NULL);
      g_autoptr(GDir) d = g_dir_open (sub, 0, NULL);
      const char *name;

      while (d != NULL && (name = g_dir_read_name (d)) != NULL)
        if (g_str_has_suffix (name, ".c"))
          g_ptr_array_add (out, g_build_filename (sub, name, NULL));
    }
  return out;
}

static void
report (EmProgressFunc progress, gpointer user_data, double fraction, const char *what)
{
  if (progress != NULL)
    progress (fraction, what, user_data);
}

static gboolean
parse_size (const char *text, EmFirmwareSizes *sizes)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  unsigned long long t, d, b;

  /* Berkeley format: a header, then "text data bss dec hex filename". */
  if (g_strv_length (lines) < 2 || sscanf (lines[1], "%llu %llu %llu", &t, &d, &b) != 3)
    return FALSE;
  sizes->text = t;
  sizes->data = d;
  sizes->bss = b;
  sizes->flash_used = t + d;
  sizes->ram_used = d + b;
  return TRUE;
}

char *
em_firmware_build_full (EmProject *project, const EmBoard *board, const char *out_dir, const char *block_id,
                        EmFirmwareSizes *sizes_out, EmProgressFunc progress, gpointer user_data,
                        GCancellable *cancellable, GError **error)
{
  g_autoptr(EmImpulse) impulse = NULL;
  g_autoptr(EmDeployGather) gather = NULL;
  g_autofree char *missing = NULL, *lib = NULL, *fw = NULL, *objdir = NULL, *elf = NULL, *ld = NULL;
  g_autofree char *size_text = NULL, *image = NULL;
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(GPtrArray) objs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) link = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local = NULL;
  EmCodegenSummary summary = { 0 };
  EmFirmwareSizes sizes = { 0 };
  Recipe r;
  guint64 flash_avail, ram_avail, reserve;
  const char *fw_files[] = { "ember_firmware.c", "ember_firmware_port.h", "port-systick.h",
                             "startup-cortex-m.c", NULL, NULL };

  if (!pick_recipe (board, &r, error))
    return NULL;
  if ((missing = toolchain_missing (&r)) != NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "%s: cannot build the firmware: %s", board->name, missing);
      return NULL;
    }
  report (progress, user_data, 0.0, "Generating the impulse library");
  if ((impulse = em_impulse_load (project, error)) == NULL ||
      (gather = em_deploy_gather (project, impulse, em_block_registry_get_default (), block_id, TRUE, 0.6f,
                                  error)) == NULL)
    return NULL;
  if (gather->cg->task == EM_TASK_OBJECT_DETECTION)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED,
                   "block %s: object detection cannot run in Ember's firmware yet (it answers one score per "
                   "label, not boxes)", gather->cg->learn_id);
      return NULL;
    }
  if (g_mkdir_with_parents (out_dir, 0755) != 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_IO, "%s: %s", out_dir, g_strerror (errno));
      return NULL;
    }
  lib = g_build_filename (out_dir, "impulse", NULL);
  fw = g_build_filename (out_dir, "firmware", NULL);
  objdir = g_build_filename (out_dir, "obj", NULL);
  elf = g_build_filename (out_dir, "firmware.elf", NULL);
  if (!em_codegen_generate (gather->cg, "c-library", lib, TRUE, &summary, error))
    return NULL;
  if (g_mkdir_with_parents (fw, 0755) != 0 || g_mkdir_with_parents (objdir, 0755) != 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_IO, "%s: %s", out_dir, g_strerror (errno));
      return NULL;
    }
  fw_files[4] = r.port;
  for (guint i = 0; i < G_N_ELEMENTS (fw_files) && fw_files[i] != NULL; i++)
    {
      g_autofree char *path = NULL;
      if (r.family == FAMILY_AVR && g_str_has_suffix (fw_files[i], "cortex-m.c"))
        continue;
      if (!write_runtime_file (fw_files[i], fw, &path, error))
        return NULL;
    }
  if (r.family == FAMILY_ARM && (ld = find_linker_script (board, fw, error)) == NULL)
    return NULL;

  sources = c_files (lib);
  {
    g_autoptr(GPtrArray) mine = c_files (fw);
    for (guint i = 0; i < mine->len; i++)
      g_ptr_array_add (sources, g_strdup (mine->pdata[i]));
  }
  for (guint i = 0; i < sources->len; i++)
    {
      const char *src = sources->pdata[i];
      g_autofree char *base = g_path_get_basename (src);
      g_autofree char *what = g_strdup_printf ("Compiling %s", base);
      g_autoptr(GPtrArray) cc = g_ptr_array_new_with_free_func (g_free);
      char *obj;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      report (progress, user_data, 0.05 + 0.85 * i / sources->len, what);
      base[strlen (base) - 1] = 'o';
      obj = g_build_filename (objdir, base, NULL);
      g_ptr_array_add (objs, obj);
      g_ptr_array_add (cc, g_strdup (r.cc));
      if (r.family == FAMILY_ARM)
        for (guint k = 0; arm_m4f_flags[k] != NULL; k++)
          g_ptr_array_add (cc, g_strdup (arm_m4f_flags[k]));
      else
        {
          g_ptr_array_add (cc, g_strconcat ("-mmcu=", r.mcu, NULL));
          g_ptr_array_add (cc, g_strdup ("-Os"));
          g_ptr_array_add (cc, g_strdup ("-std=gnu99"));
          g_ptr_array_add (cc, g_strdup ("-ffunction-sections"));
          g_ptr_array_add (cc, g_strdup ("-fdata-sections"));
        }
      g_ptr_array_add (cc, g_strdup_printf ("-DEM_FW_CLOCK_HZ=%" G_GUINT64_FORMAT "u", board->clock_hz));
      g_ptr_array_add (cc, g_strdup_printf ("-DEM_FW_BAUD=%uu", board->baud > 0 ? board->baud : 115200u));
      g_ptr_array_add (cc, g_strconcat ("-I", lib, NULL));
      g_ptr_array_add (cc, g_strconcat ("-I", lib, "/dsp", NULL));
      g_ptr_array_add (cc, g_strconcat ("-I", lib, "/nn", NULL));
      g_ptr_array_add (cc, g_strconcat ("-I", fw, NULL));
      g_ptr_array_add (cc, g_strdup ("-c"));
      g_ptr_array_add (cc, g_strdup ("-o"));
      g_ptr_array_add (cc, g_strdup (obj));
      g_ptr_array_add (cc, g_strdup (src));
      if (!run_tool (board, cc, NULL, cancellable, error))
        return NULL;
    }

  report (progress, user_data, 0.92, "Linking");
  g_ptr_array_add (link, g_strdup (r.cc));
  if (r.family == FAMILY_ARM)
    {
      for (guint k = 0; arm_m4f_flags[k] != NULL; k++)
        g_ptr_array_add (link, g_strdup (arm_m4f_flags[k]));
      g_ptr_array_add (link, g_strdup ("-nostartfiles"));
      g_ptr_array_add (link, g_strdup ("--specs=nano.specs"));
      g_ptr_array_add (link, g_strdup ("--specs=nosys.specs"));
      g_ptr_array_add (link, g_strconcat ("-T", ld, NULL));
      /* Measure first, judge after: an overflowing region still links. */
      g_ptr_array_add (link, g_strdup ("-Wl,--no-check-sections"));
    }
  else
    {
      g_ptr_array_add (link, g_strconcat ("-mmcu=", r.mcu, NULL));
      g_ptr_array_add (link, g_strdup ("-Os"));
    }
  g_ptr_array_add (link, g_strdup ("-Wl,--gc-sections"));
  g_ptr_array_add (link, g_strdup ("-o"));
  g_ptr_array_add (link, g_strdup (elf));
  for (guint i = 0; i < objs->len; i++)
    g_ptr_array_add (link, g_strdup (objs->pdata[i]));
  g_ptr_array_add (link, g_strdup ("-lm"));
  if (!run_tool (board, link, NULL, cancellable, &local))
    {
      /* The linker's own overflow message is long and names sections: turn
       * it into the sizes, from a link that does not check regions. */
      if (strstr (local->message, "overflow") == NULL && strstr (local->message, "will not fit") == NULL &&
          strstr (local->message, "not within region") == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      g_clear_error (&local);
      g_ptr_array_add (link, g_strdup ("-Wl,--noinhibit-exec"));
      if (!run_tool (board, link, NULL, cancellable, error))
        return NULL;
    }
  {
    g_autoptr(GPtrArray) sz = g_ptr_array_new_with_free_func (g_free);
    g_ptr_array_add (sz, g_strdup (r.size));
    g_ptr_array_add (sz, g_strdup (elf));
    if (!run_tool (board, sz, &size_text, cancellable, error))
      return NULL;
  }
  if (!parse_size (size_text, &sizes))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "%s: cannot read the sizes %s printed", board->name, r.size);
      return NULL;
    }
  if (sizes_out != NULL)
    *sizes_out = sizes;
  flash_avail = board->flash - board->bootloader_size;
  reserve = r.family == FAMILY_AVR ? STACK_RESERVE_AVR : STACK_RESERVE_ARM;
  ram_avail = board->ram;
  if (sizes.flash_used > flash_avail || sizes.ram_used + reserve > ram_avail)
    {
      gboolean flash_over = sizes.flash_used > flash_avail;

      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                   "%s: the impulse does not fit: %s needs %" G_GUINT64_FORMAT " bytes, the board has %"
                   G_GUINT64_FORMAT " (firmware text %" G_GUINT64_FORMAT " + data %" G_GUINT64_FORMAT " + bss %"
                   G_GUINT64_FORMAT "%s; window %u values, arena %u, DSP scratch %" G_GUINT64_FORMAT ")",
                   board->name, flash_over ? "flash" : "RAM",
                   flash_over ? sizes.flash_used : sizes.ram_used + reserve, flash_over ? flash_avail : ram_avail,
                   sizes.text, sizes.data, sizes.bss,
                   flash_over ? "" : r.family == FAMILY_AVR ? " + 256 stack" : " + 4096 stack",
                   gather->cg->input.input_kind == EM_INPUT_IMAGE
                     ? gather->cg->input.width * gather->cg->input.height * 3
                     : gather->cg->input.n_frames * gather->cg->input.n_axes,
                   summary.arena_bytes, summary.dsp_scratch_bytes);
      return NULL;
    }
  if (board->protocol == EM_BOARD_PROTOCOL_QEMU)
    {
      report (progress, user_data, 1.0, "Built");
      return g_steal_pointer (&elf);
    }
  report (progress, user_data, 0.97, "Writing the image");
  image = g_build_filename (out_dir, r.family == FAMILY_AVR ? "firmware.hex" : "firmware.bin", NULL);
  {
    g_autoptr(GPtrArray) oc = g_ptr_array_new_with_free_func (g_free);
    g_ptr_array_add (oc, g_strdup (r.objcopy));
    g_ptr_array_add (oc, g_strdup ("-O"));
    g_ptr_array_add (oc, g_strdup (r.family == FAMILY_AVR ? "ihex" : "binary"));
    if (r.family == FAMILY_AVR)
      {
        g_ptr_array_add (oc, g_strdup ("-R"));
        g_ptr_array_add (oc, g_strdup (".eeprom"));
      }
    g_ptr_array_add (oc, g_strdup (elf));
    g_ptr_array_add (oc, g_strdup (image));
    if (!run_tool (board, oc, NULL, cancellable, error))
      return NULL;
  }
  report (progress, user_data, 1.0, "Built");
  return g_steal_pointer (&image);
}

char *
em_firmware_build (EmProject *project, const EmBoard *board, const char *out_dir, EmProgressFunc progress,
                   gpointer user_data, GCancellable *cancellable, GError **error)
{
  return em_firmware_build_full (project, board, out_dir, NULL, NULL, progress, user_data, cancellable, error);
}
