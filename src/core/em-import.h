/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "em-project.h"

G_BEGIN_DECLS

typedef struct {
  const char *label;        /* NULL: from the file name ("yes.01.wav" -> "yes") */
  int         category;     /* EmCategory, or -1: a "training"/"testing" folder in the
                               path decides, else an 80/20 split by content hash */
  const char *hmac_key;     /* verify EI files signed with HS256; NULL: no check */
  gboolean    allow_duplicates;
} EmImportOptions;

void       em_import_options_init (EmImportOptions *options);

/* True when @path has an extension we import (.wav .csv .json .cbor .png .jpg .jpeg). */
gboolean   em_import_is_supported (const char *path);

/* Read one data file into samples ready for em_project_add_sample(): name
 * (basename without extension), label, category and data set. Bounding boxes
 * are applied from @boxes when non-NULL. Errors start with the file path.
 * (transfer full) (element-type EmSample) */
struct _EmBoxIndex;
GPtrArray *em_import_read_file    (const char *path, const EmImportOptions *options,
                                   struct _EmBoxIndex *boxes, GError **error);

/* Expand files and directories (recursively) into the sorted list of
 * importable files. (transfer full) (element-type utf8) */
GPtrArray *em_import_collect      (const char * const *paths, GError **error);

typedef struct {
  guint n_files;          /* files looked at */
  guint n_files_imported; /* files whose samples are committed */
  guint n_samples;        /* samples committed */
  guint n_refused;        /* files refused: bad data, duplicates */
} EmImportStats;

typedef struct {
  /* Just before a batch is committed, with its files' paths. */
  void (*pending)   (GPtrArray *paths, gpointer user_data);
  /* After the commit returned: these files' samples are on disk. */
  void (*committed) (GPtrArray *paths, gpointer user_data);
  /* A file that was not imported; @error names the file and the reason. */
  void (*refused)   (const char *path, const GError *error, gpointer user_data);
  void (*progress)  (guint done, guint total, gpointer user_data);
  gpointer user_data;
} EmImportCallbacks;

/* Import @files (paths) into @project in batches of up to @batch_size files
 * (or 0.5 s of work), each batch one transaction. A bad or duplicate file is
 * refused on its own (its samples all-or-nothing) and the rest go on.
 * Returns FALSE only when the project cannot be written or on cancel
 * (EM_ERROR_CANCELLED); the batch in progress is then rolled back and the
 * batches reported committed stay. */
gboolean   em_import_files        (EmProject *project, GPtrArray *files,
                                   const EmImportOptions *options, guint batch_size,
                                   const EmImportCallbacks *callbacks,
                                   GCancellable *cancellable, EmImportStats *stats,
                                   GError **error);

G_END_DECLS
