/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include "em-project.h"

G_BEGIN_DECLS

/* Exit codes are part of the CLI's interface: scripts test them. */
typedef enum {
  EM_EXIT_OK = 0,
  EM_EXIT_FAILURE = 1,       /* anything not below, e.g. a write that failed */
  EM_EXIT_USAGE = 2,         /* bad command line */
  EM_EXIT_BAD_INPUT = 3,     /* an input file was refused (nothing of it imported) */
  EM_EXIT_PROJECT = 4,       /* the project cannot be opened: missing, damaged, newer */
  EM_EXIT_NOT_FOUND = 5,     /* a sample id that does not exist */
  EM_EXIT_PARTIAL = 6,       /* some inputs imported, some refused */
  EM_EXIT_CANCELLED = 130,   /* Ctrl-C */
} EmExitCode;

typedef int (*EmCliCommandFunc) (int argc, char **argv);

typedef struct {
  const char       *name;
  const char       *summary;
  EmCliCommandFunc  run;
} EmCliCommand;

/* Run the sub-command argv[1] of @group from @commands. */
int          em_cli_dispatch          (const char *group, const EmCliCommand *commands,
                                       int argc, char **argv);

/* Parse options; prints the error / help and returns FALSE with *exit_code set. */
gboolean     em_cli_parse             (GOptionContext *context, int *argc, char ***argv,
                                       int *exit_code);
/* Print "ember-cli: MESSAGE" to stderr and return the exit code matching @error. */
int          em_cli_fail              (const GError *error);
int          em_cli_usage             (const char *fmt, ...) G_GNUC_PRINTF (1, 2);
int          em_cli_exit_code_for     (const GError *error);

EmProject   *em_cli_open_project      (const char *path, int *exit_code);

/* Ctrl-C: the first cancels this (checked by long work), the second kills. */
GCancellable *em_cli_cancellable      (void);

/* Progress with rate and ETA on stderr: a redrawn line on a terminal,
 * a line a second otherwise. */
typedef struct _EmCliProgress EmCliProgress;
EmCliProgress *em_cli_progress_new    (const char *what, const char *unit);
void           em_cli_progress_update (EmCliProgress *progress, guint64 done, guint64 total);
void           em_cli_progress_done   (EmCliProgress *progress);

/* Print @node as one JSON document on stdout. */
void         em_cli_print_json        (JsonNode *node);
JsonNode    *em_cli_sample_to_json    (EmSample *sample);

gboolean     em_cli_parse_ids         (char **args, int n, GArray **ids, int *exit_code);

int          em_cli_project_main      (int argc, char **argv);
int          em_cli_data_main         (int argc, char **argv);
int          em_cli_data_import       (int argc, char **argv);
int          em_cli_data_export       (int argc, char **argv);
int          em_cli_boxes_main        (int argc, char **argv);
int          em_cli_demo_main         (int argc, char **argv);
int          em_cli_blocks_main       (int argc, char **argv);
int          em_cli_impulse_main      (int argc, char **argv);
int          em_cli_features_main     (int argc, char **argv);
int          em_cli_train_main        (int argc, char **argv);
int          em_cli_test_main         (int argc, char **argv);
int          em_cli_deploy_main       (int argc, char **argv);
int          em_cli_deploy_board_main (int argc, char **argv);   /* deploy --board */
int          em_cli_live_main         (int argc, char **argv);
int          em_cli_model_main        (int argc, char **argv);
int          em_cli_device_main       (int argc, char **argv);
int          em_cli_board_main        (int argc, char **argv);
int          em_cli_flash_main        (int argc, char **argv);
int          em_cli_capture_main      (int argc, char **argv);
int          em_cli_serve_main        (int argc, char **argv);
int          em_cli_version_main      (int argc, char **argv);

G_END_DECLS
