/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "em-board.h"
#include "em-job.h"
#include "em-project.h"
#include "em-sample.h"

G_BEGIN_DECLS

/* What the live session's worker thread hands the page: one result with
 * the raw window behind it, or (window NULL) the news that the board
 * answered, with the firmware image used. */
typedef struct {
  float        *window;        /* n_values raw values, as the windower cut them */
  guint         n_values;
  float        *scores;        /* one per label */
  guint         n_scores;
  char        **labels;        /* the firmware's, NULL-terminated */
  double        anomaly;       /* NAN without an anomaly block */
  double        dsp_ms, nn_ms; /* measured on the device */
  char         *sample_name;   /* the testing sample the window is from */
  guint         window_index, n_windows;
  /* To store the window as a sample: */
  EmSensorKind  kind;
  double        interval_ms;
  char        **axes;
  guint         n_frames;
  char         *firmware;      /* the "connected" message only */
} EmLiveShot;

void em_live_shot_free (EmLiveShot *shot);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmLiveShot, em_live_shot_free)

/* Carries shots from the worker to the main context the mailbox was made
 * in, newest only: a UI that falls behind skips results, never queues
 * them. After em_live_mailbox_detach() (the page is going) shots are
 * dropped. */
typedef struct _EmLiveMailbox EmLiveMailbox;
typedef void (*EmLiveShotFunc) (EmLiveShot *shot, gpointer page);   /* shot: transfer full */

EmLiveMailbox *em_live_mailbox_new    (EmLiveShotFunc deliver, gpointer page);
EmLiveMailbox *em_live_mailbox_ref    (EmLiveMailbox *box);
void           em_live_mailbox_unref  (EmLiveMailbox *box);
void           em_live_mailbox_detach (EmLiveMailbox *box);
/* Any thread; takes @shot. The "connected" message is never dropped. */
void           em_live_mailbox_post   (EmLiveMailbox *box, EmLiveShot *shot);

typedef struct {
  EmProject     *project;
  GPtrArray     *boards;        /* keeps @board alive */
  const EmBoard *board;
  char          *port;          /* nullable: by USB id */
  char          *firmware;      /* nullable: build one (the emulated board) */
  char          *firmware_dir;  /* where to build it */
  guint          pace_ms;       /* at least this long between windows */
  EmLiveMailbox *mailbox;
  gboolean       use_sensor;    /* the board's own sensor, not host-fed windows */
} EmLiveSession;

void     em_live_session_free   (EmLiveSession *session);
/* An EmJobFunc: open the board, stream the testing windows until cancelled
 * (round and round), post each result. Fails with the one-line reason. */
gpointer em_live_session_thread (EmJob *job, gpointer session, GCancellable *cancellable, GError **error);

G_END_DECLS
