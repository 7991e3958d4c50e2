/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>
#include "em-demo.h" /* EmProgressFunc */
#include "em-project.h"

G_BEGIN_DECLS

/* Versions: snapshots of a whole project (samples, impulse, features,
 * models, test results) to return to, as Edge Impulse Studio's "Versions".
 *
 * Layout. Next to PROJECT.ember sits a folder PROJECT.ember-versions/ with
 * one file per version, v0001.ember, v0002.ember, ... (the number zero-padded
 * to at least 4 digits). Each is a complete Ember project file of the schema
 * the project had, copied page by page with SQLite's online backup API, so
 * it is a consistent state even while the project is being written to. It
 * is stored in rollback-journal mode, so reading it never creates -wal or
 * -shm files, and it is never written again after it appeared.
 *
 * Metadata lives inside the snapshot, in its settings table:
 *   version.number       the number, as in the file name
 *   version.description  what the user typed (may be empty)
 *   version.created      µs since the epoch
 * Everything else a list shows (sample counts, labels, impulse, accuracy)
 * is read from the snapshot's own tables, so there is no index that can be
 * lost or disagree with the files. The folder's optional ".last-number"
 * file only keeps numbers of deleted versions from being given again.
 *
 * A snapshot is written to a hidden ".new-XXXXXX.partial" file in the
 * folder and appears under its final name (a hard link, which never
 * replaces a file) only when complete and synced; a failure or a cancel
 * removes the partial file. The project itself is only read. */

typedef struct {
  guint    number;
  char    *path;             /* the version's file */
  char    *description;      /* never NULL */
  gint64   created;          /* µs since the epoch; 0 when unknown */
  char    *project_name;     /* the project's name when it was taken */
  gint64   n_training;       /* samples, enabled or not */
  gint64   n_testing;
  GStrv    labels;           /* distinct sample labels, sorted; never NULL */
  char    *impulse;          /* "spectral → classification"; NULL: no impulse */
  double   accuracy;         /* latest model's, 0..1; NAN when none */
  char    *accuracy_kind;    /* "test" (testing set) or "validation"; NULL with NAN */
  gint64   size;             /* bytes on disk */
  char    *problem;          /* NULL when readable; else why not (one line) */
} EmVersion;

void        em_version_free               (EmVersion *version);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmVersion, em_version_free)

/* "PROJECT.ember-versions" next to @project_path. (transfer full) */
char       *em_project_versions_dir       (const char *project_path);
/* The file version @number of @project_path has or would have. (transfer full) */
char       *em_project_version_path       (const char *project_path, guint number);

/* Snapshot @project as a new version with @description (nullable). The
 * backup runs in steps of EM_PROJECT_VERSION_STEP_PAGES pages; @progress
 * (nullable) is called on the calling thread after each with 0..1, and
 * @cancellable checked (EM_ERROR_CANCELLED). Must not be called inside
 * em_project_begin(). A full disk, a cancel or any error leaves no new
 * file and the project unchanged. Test hook: EMBER_TEST_MAX_PAGE_COUNT caps
 * the snapshot's size, as it does the project's. (transfer full) */
#define EM_PROJECT_VERSION_STEP_PAGES 64
EmVersion  *em_project_version_create     (EmProject *project, const char *description,
                                           EmProgressFunc progress, gpointer user_data,
                                           GCancellable *cancellable, GError **error);
/* The same on a worker thread; @progress is called there. */
void        em_project_version_create_async  (EmProject *project, const char *description,
                                              EmProgressFunc progress, gpointer user_data,
                                              GCancellable *cancellable, GAsyncReadyCallback callback,
                                              gpointer callback_data);
EmVersion  *em_project_version_create_finish (EmProject *project, GAsyncResult *result, GError **error);

/* Every vNNNN.ember in the project's versions folder, by number. A file
 * that cannot be read is listed with its `problem` set. A missing folder is
 * an empty list. (transfer full) (element-type EmVersion) */
GPtrArray  *em_project_versions_list      (const char *project_path, GError **error);
/* One version file's facts; NULL and a one-line error naming the file when
 * it is not an Ember project, is damaged or made by a newer Ember
 * (EM_ERROR_CORRUPT, EM_ERROR_SCHEMA_TOO_NEW). (transfer full) */
EmVersion  *em_project_version_read       (const char *version_path, GError **error);

/* Restore the version in @version_path into a NEW project file
 * @target_path named @name (nullable: "PROJECT (vN)"). An existing
 * @target_path is refused (EM_ERROR_INVALID_ARGUMENT) and never touched;
 * so is a version that is damaged or newer. The result is checked
 * (integrity), migrated to this build's schema and carries no version.*
 * settings. Progress and cancel as for create; a failure leaves no file. */
gboolean    em_project_version_restore    (const char *version_path, const char *target_path,
                                           const char *name, EmProgressFunc progress,
                                           gpointer user_data, GCancellable *cancellable,
                                           GError **error);
void        em_project_version_restore_async  (const char *version_path, const char *target_path,
                                               const char *name, EmProgressFunc progress,
                                               gpointer user_data, GCancellable *cancellable,
                                               GAsyncReadyCallback callback, gpointer callback_data);
gboolean    em_project_version_restore_finish (GAsyncResult *result, GError **error);

/* Remove version @number of @project_path; EM_ERROR_NOT_FOUND when none. */
gboolean    em_project_version_delete     (const char *project_path, guint number, GError **error);

G_END_DECLS
