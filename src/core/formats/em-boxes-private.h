/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Shared by em-boxes.c (the index, EI and COCO), em-boxes-voc.c,
 * em-boxes-yolo.c and em-boxes-export.c. */

#include "em-error.h"
#include "em-boxes.h"

G_BEGIN_DECLS

#define EM_BOXES_EI_FILE "bounding_boxes.labels"

typedef struct {
  char *label;
  double a, b, c, d; /* x, y, width, height in pixels; YOLO: cx, cy, w, h in [0, 1] */
  guint number;      /* line (YOLO) or box number, for messages */
} EmBoxRecord;

/* The boxes one annotation file gives for one image. */
typedef struct {
  char *source;       /* the annotation file, as messages name it */
  gboolean normalised; /* YOLO: needs the image size to become pixels */
  GArray *boxes;      /* EmBoxRecord */
} EmBoxEntry;

struct _EmBoxIndex {
  GPtrArray *entries;      /* owns EmBoxEntry */
  GHashTable *by_name;     /* image basename -> EmBoxEntry (EI, COCO) */
  GHashTable *by_stem;     /* image basename without extension -> EmBoxEntry (VOC, YOLO) */
  /* VOC <filename> (basename) -> EmBoxEntry, used only when nothing above
   * matches: stale <filename>s are common, the XML's own name is not. */
  GHashTable *by_filename;
  GHashTable *ambiguous;   /* <filename> claimed twice -> the second claimant's path */
};

/* Sets "SOURCE: reason" as an EM_ERROR (one line) and returns FALSE. */
gboolean    em_boxes_error           (GError **error, EmError code, const char *source,
                                      const char *format, ...) G_GNUC_PRINTF (4, 5);
void        em_boxes_box_clear       (gpointer record);
/* A new entry owned by @index, not yet findable (see em_boxes_register()). */
EmBoxEntry *em_boxes_entry_new       (EmBoxIndex *index, const char *source, gboolean normalised);
void        em_boxes_entry_add       (EmBoxEntry *entry, const char *label, double a, double b,
                                      double c, double d, guint number);
/* Make @entry findable under @key; an error when another entry has it. */
gboolean    em_boxes_register        (GHashTable *table, const char *key, EmBoxEntry *entry,
                                      GError **error);
char       *em_boxes_strip_extension (const char *name);
gboolean    em_boxes_has_suffix_ci   (const char *name, const char *suffix);
/* Whole file, NUL-terminated; IO error naming @path. (transfer full) */
char       *em_boxes_read_text       (const char *path, gsize *length, GError **error);
/* Sorted entry names of @dir. (transfer full) */
GPtrArray  *em_boxes_list_dir        (const char *dir, GError **error);

/* TRUE without loading anything when @path is XML but not VOC. */
gboolean    em_boxes_load_voc        (EmBoxIndex *index, const char *path, GError **error);
/* @files: the sorted names in @dir. */
gboolean    em_boxes_load_yolo_dir   (EmBoxIndex *index, const char *dir, GPtrArray *files,
                                      GError **error);

G_END_DECLS
