/* SPDX-License-Identifier: Apache-2.0 */
/* ember-insncount: the QEMU TCG plugin Ember measures generated code with
 * (em-codegen-measure.c; the device tests use the same counting). Installed
 * as $libdir/ember/ember-insncount.so and loaded with
 *   qemu-system-arm ... -plugin ember-insncount.so[,begin=ADDR,end=ADDR][,mark=ADDR][,out=PATH]
 *
 * Debian's QEMU 7.2 is built with plugin support but ships neither
 * qemu-plugin.h nor the contrib plugins, so the few entry points used here
 * are declared by hand (plugin API version 1). No GLib: it runs inside QEMU.
 *
 * It always reports the total of executed guest instructions. With
 * begin/end (addresses of two firmware functions, Thumb bit ignored) it
 * also reports the instructions from each entry into begin until the next
 * entry into end: one count per bracketed region. With mark it records the
 * running total at every entry into that function, so a caller can take
 * differences between calls of a function the measured code makes anyway
 * (the generated library calls em_port_time_us() around its DSP and its
 * model). A callback runs before its instruction's own count is added.
 * Output lines at exit, to PATH or else stderr:
 *   insncount total N
 *   insncount region I N          (one per region)
 *   insncount regions K sum N dropped D
 *   insncount mark I N            (one per entry into mark)
 *   insncount marks K dropped D */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t qemu_info_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
typedef void (*qemu_plugin_vcpu_udata_cb_t) (unsigned int vcpu_index, void *userdata);

void   qemu_plugin_register_vcpu_tb_trans_cb (qemu_plugin_id_t id,
                                              void (*cb) (qemu_plugin_id_t, struct qemu_plugin_tb *));
size_t qemu_plugin_tb_n_insns (const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn (const struct qemu_plugin_tb *tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr (const struct qemu_plugin_insn *insn);
void   qemu_plugin_register_vcpu_insn_exec_inline (struct qemu_plugin_insn *insn, enum qemu_plugin_op op,
                                                   void *ptr, uint64_t imm);
void   qemu_plugin_register_vcpu_insn_exec_cb (struct qemu_plugin_insn *insn, qemu_plugin_vcpu_udata_cb_t cb,
                                               enum qemu_plugin_cb_flags flags, void *userdata);
void   qemu_plugin_register_atexit_cb (qemu_plugin_id_t id, void (*cb) (qemu_plugin_id_t, void *), void *userdata);

/* The plugin must export exactly these two symbols; everything else is
 * static so that nothing clashes with QEMU's own. */
int qemu_plugin_version __attribute__ ((visibility ("default"))) = 1;
int qemu_plugin_install (qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
  __attribute__ ((visibility ("default")));

#define MAX_COUNTS 4096
#define NO_ADDR UINT64_MAX

static uint64_t total;
static uint64_t begin_addr = NO_ADDR, end_addr = NO_ADDR, mark_addr = NO_ADDR;
static uint64_t region_start;
static int in_region;
static uint64_t regions[MAX_COUNTS], marks[MAX_COUNTS];
static size_t n_regions, regions_dropped, n_marks, marks_dropped;
static char *out_path;

static void
on_begin (unsigned int vcpu, void *data)
{
  (void) vcpu;
  (void) data;
  region_start = total;
  in_region = 1;
}

static void
on_end (unsigned int vcpu, void *data)
{
  (void) vcpu;
  (void) data;
  if (!in_region)
    return;
  in_region = 0;
  if (n_regions < MAX_COUNTS)
    regions[n_regions++] = total - region_start;
  else
    regions_dropped++;
}

static void
on_mark (unsigned int vcpu, void *data)
{
  (void) vcpu;
  (void) data;
  if (n_marks < MAX_COUNTS)
    marks[n_marks++] = total;
  else
    marks_dropped++;
}

static void
tb_trans (qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
  (void) id;
  for (size_t i = 0, n = qemu_plugin_tb_n_insns (tb); i < n; i++)
    {
      struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn (tb, i);
      uint64_t pc = qemu_plugin_insn_vaddr (insn);

      if (pc == begin_addr)
        qemu_plugin_register_vcpu_insn_exec_cb (insn, on_begin, QEMU_PLUGIN_CB_NO_REGS, NULL);
      else if (pc == end_addr)
        qemu_plugin_register_vcpu_insn_exec_cb (insn, on_end, QEMU_PLUGIN_CB_NO_REGS, NULL);
      if (pc == mark_addr)
        qemu_plugin_register_vcpu_insn_exec_cb (insn, on_mark, QEMU_PLUGIN_CB_NO_REGS, NULL);
      qemu_plugin_register_vcpu_insn_exec_inline (insn, QEMU_PLUGIN_INLINE_ADD_U64, &total, 1);
    }
}

static void
at_exit (qemu_plugin_id_t id, void *data)
{
  FILE *f = out_path != NULL ? fopen (out_path, "w") : NULL;
  uint64_t sum = 0;

  (void) id;
  (void) data;
  if (f == NULL)
    {
      if (out_path != NULL)
        fprintf (stderr, "insncount: cannot write %s\n", out_path);
      f = stderr;
    }
  fprintf (f, "insncount total %llu\n", (unsigned long long) total);
  for (size_t i = 0; i < n_regions; i++)
    {
      fprintf (f, "insncount region %zu %llu\n", i, (unsigned long long) regions[i]);
      sum += regions[i];
    }
  fprintf (f, "insncount regions %zu sum %llu dropped %zu\n", n_regions, (unsigned long long) sum, regions_dropped);
  if (mark_addr != NO_ADDR)
    {
      for (size_t i = 0; i < n_marks; i++)
        fprintf (f, "insncount mark %zu %llu\n", i, (unsigned long long) marks[i]);
      fprintf (f, "insncount marks %zu dropped %zu\n", n_marks, marks_dropped);
    }
  if (f != stderr)
    fclose (f);
  free (out_path);
  out_path = NULL;
}

/* 1: @arg is key=ADDR and was parsed; 0: another key; -1: a bad address. */
static int
parse_addr (const char *arg, const char *key, uint64_t *out)
{
  size_t len = strlen (key);
  char *end;

  if (strncmp (arg, key, len) != 0 || arg[len] != '=')
    return 0;
  *out = strtoull (arg + len + 1, &end, 0) & ~(uint64_t) 1;   /* drop the Thumb bit */
  if (*end != '\0' || end == arg + len + 1)
    {
      fprintf (stderr, "insncount: bad address in '%s'\n", arg);
      return -1;
    }
  return 1;
}

int
qemu_plugin_install (qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
  (void) info;
  for (int i = 0; i < argc; i++)
    {
      int r;

      if (strncmp (argv[i], "out=", 4) == 0 && argv[i][4] != '\0')
        {
          free (out_path);
          out_path = strdup (argv[i] + 4);
          continue;
        }
      r = parse_addr (argv[i], "begin", &begin_addr);
      if (r == 0)
        r = parse_addr (argv[i], "end", &end_addr);
      if (r == 0)
        r = parse_addr (argv[i], "mark", &mark_addr);
      if (r <= 0)
        {
          if (r == 0)
            fprintf (stderr, "insncount: unknown argument '%s' (begin=ADDR, end=ADDR, mark=ADDR, out=PATH)\n",
                     argv[i]);
          return -1;
        }
    }
  qemu_plugin_register_vcpu_tb_trans_cb (id, tb_trans);
  qemu_plugin_register_atexit_cb (id, at_exit, NULL);
  return 0;
}
