/* SPDX-License-Identifier: Apache-2.0 */
/* EmGraphModel's rules, no display needed: links are type-checked, cycles,
 * duplicates, full ports and self-links refused with a readable reason, the
 * app's validator has the last word, and every edit is announced. */
#include <string.h>

#include "em-graph-model.h"

static const char *audio[] = { "audio", NULL };
static const char *image[] = { "image", NULL };
static const char *features[] = { "features", NULL };
static const char *audio_or_ts[] = { "audio", "time-series", NULL };

typedef struct {
  GPtrArray *events;  /* "signal:args" strings */
} Recorder;

static void
on_node_added (EmGraphModel *m, const char *id, Recorder *rec)
{
  g_ptr_array_add (rec->events, g_strdup_printf ("node-added:%s", id));
}

static void
on_node_removed (EmGraphModel *m, const char *id, Recorder *rec)
{
  /* Gone from the model by the time the signal runs. */
  g_assert_null (em_graph_model_get_node (m, id));
  g_ptr_array_add (rec->events, g_strdup_printf ("node-removed:%s", id));
}

static void
on_node_moved (EmGraphModel *m, const char *id, Recorder *rec)
{
  g_ptr_array_add (rec->events, g_strdup_printf ("node-moved:%s", id));
}

static void
on_link (EmGraphModel *m, const char *fn, const char *fp, const char *tn, const char *tp,
         Recorder *rec)
{
  const char *what = g_object_get_data (G_OBJECT (m), "link-signal");
  g_ptr_array_add (rec->events, g_strdup_printf ("%s:%s.%s>%s.%s", what, fn, fp, tn, tp));
}

static void
on_link_added (EmGraphModel *m, const char *fn, const char *fp, const char *tn, const char *tp,
               Recorder *rec)
{
  g_object_set_data (G_OBJECT (m), "link-signal", (gpointer) "link-added");
  on_link (m, fn, fp, tn, tp, rec);
}

static void
on_link_removed (EmGraphModel *m, const char *fn, const char *fp, const char *tn,
                 const char *tp, Recorder *rec)
{
  g_object_set_data (G_OBJECT (m), "link-signal", (gpointer) "link-removed");
  on_link (m, fn, fp, tn, tp, rec);
}

/* input (audio) -> mfcc (audio|time-series in, features out) -> classifier
 * (features in, many); camera gives images. */
static EmGraphModel *
make_model (void)
{
  EmGraphModel *model = em_graph_model_new ();
  GError *error = NULL;

  g_assert_true (em_graph_model_add_node (model, "mic", "Microphone", EM_GRAPH_NODE_KIND_INPUT,
                                          0, 0, "16 kHz audio", &error));
  g_assert_true (em_graph_model_add_port (model, "mic", EM_PORT_DIRECTION_OUTPUT, "out", "audio",
                                          audio, 0, &error));
  g_assert_true (em_graph_model_add_node (model, "camera", "Camera", EM_GRAPH_NODE_KIND_INPUT,
                                          0, 200, NULL, &error));
  g_assert_true (em_graph_model_add_port (model, "camera", EM_PORT_DIRECTION_OUTPUT, "out",
                                          "image", image, 0, &error));
  g_assert_true (em_graph_model_add_node (model, "mfcc", "MFCC", EM_GRAPH_NODE_KIND_PROCESSING,
                                          250, 0, NULL, &error));
  g_assert_true (em_graph_model_add_port (model, "mfcc", EM_PORT_DIRECTION_INPUT, "in", "signal",
                                          audio_or_ts, 1, &error));
  g_assert_true (em_graph_model_add_port (model, "mfcc", EM_PORT_DIRECTION_OUTPUT, "out",
                                          "features", features, 0, &error));
  g_assert_true (em_graph_model_add_node (model, "nn", "Classifier", EM_GRAPH_NODE_KIND_LEARNING,
                                          500, 0, NULL, &error));
  g_assert_true (em_graph_model_add_port (model, "nn", EM_PORT_DIRECTION_INPUT, "in", "features",
                                          features, 0, &error));
  g_assert_no_error (error);
  return model;
}

static void
test_types (void)
{
  g_autoptr(EmGraphModel) model = make_model ();
  g_autofree char *reason = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (em_graph_model_can_link (model, "mic", "out", "mfcc", "in", &reason));
  g_assert_null (reason);
  g_assert_false (em_graph_model_can_link (model, "camera", "out", "mfcc", "in", &reason));
  g_assert_cmpstr (reason, ==, "MFCC takes audio or time-series, not image");
  g_clear_pointer (&reason, g_free);
  /* Audio straight into the classifier: features only. */
  g_assert_false (em_graph_model_can_link (model, "mic", "out", "nn", "in", &reason));
  g_assert_cmpstr (reason, ==, "Classifier takes features, not audio");
  g_clear_pointer (&reason, g_free);
  /* Wrong way round and unknown ports are refused too, with a reason. */
  g_assert_false (em_graph_model_can_link (model, "mfcc", "in", "nn", "in", &reason));
  g_assert_nonnull (strstr (reason, "no output"));
  g_clear_pointer (&reason, g_free);
  g_assert_false (em_graph_model_can_link (model, "mic", "out", "ghost", "in", &reason));
  g_assert_nonnull (strstr (reason, "ghost"));

  g_assert_false (em_graph_model_add_link (model, "camera", "out", "mfcc", "in", &error));
  g_assert_error (error, EM_GRAPH_MODEL_ERROR, EM_GRAPH_MODEL_ERROR_REFUSED);
  g_assert_cmpstr (error->message, ==, "MFCC takes audio or time-series, not image");
  g_assert_cmpuint (em_graph_model_get_links (model)->len, ==, 0);
}

static void
test_cycle (void)
{
  g_autoptr(EmGraphModel) model = em_graph_model_new ();
  g_autofree char *reason = NULL;
  const char *ids[] = { "a", "b", "c" };

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *title = g_ascii_strup (ids[i], -1);
      g_assert_true (em_graph_model_add_node (model, ids[i], title, EM_GRAPH_NODE_KIND_PROCESSING,
                                              i * 200, 0, NULL, NULL));
      g_assert_true (em_graph_model_add_port (model, ids[i], EM_PORT_DIRECTION_INPUT, "in", NULL,
                                              features, 0, NULL));
      g_assert_true (em_graph_model_add_port (model, ids[i], EM_PORT_DIRECTION_OUTPUT, "out",
                                              NULL, features, 0, NULL));
    }
  g_assert_true (em_graph_model_add_link (model, "a", "out", "b", "in", NULL));
  g_assert_true (em_graph_model_add_link (model, "b", "out", "c", "in", NULL));
  g_assert_false (em_graph_model_can_link (model, "c", "out", "a", "in", &reason));
  g_assert_cmpstr (reason, ==, "Linking C to A would make a loop");
  g_clear_pointer (&reason, g_free);
  /* Two steps back is as much a loop as one. */
  g_assert_false (em_graph_model_can_link (model, "c", "out", "b", "in", &reason));
  g_assert_nonnull (strstr (reason, "loop"));
  /* A shortcut forward is not a loop. */
  g_assert_true (em_graph_model_can_link (model, "a", "out", "c", "in", NULL));
}

static void
test_capacity_duplicate_self (void)
{
  g_autoptr(EmGraphModel) model = make_model ();
  g_autofree char *reason = NULL;
  const char *ts[] = { "time-series", NULL };

  g_assert_true (em_graph_model_add_node (model, "acc", "Accelerometer", EM_GRAPH_NODE_KIND_INPUT,
                                          0, 400, NULL, NULL));
  g_assert_true (em_graph_model_add_port (model, "acc", EM_PORT_DIRECTION_OUTPUT, "out", NULL,
                                          ts, 0, NULL));
  g_assert_true (em_graph_model_add_link (model, "mic", "out", "mfcc", "in", NULL));

  /* Duplicate first: the same link again is not "port full". */
  g_assert_false (em_graph_model_can_link (model, "mic", "out", "mfcc", "in", &reason));
  g_assert_cmpstr (reason, ==, "Microphone is already linked to MFCC");
  g_clear_pointer (&reason, g_free);

  /* MFCC's input takes one link: a second source fits the type but not the port. */
  g_assert_true (em_graph_model_can_link (model, "acc", "out", "mfcc", "in", NULL) == FALSE);
  em_graph_model_can_link (model, "acc", "out", "mfcc", "in", &reason);
  g_assert_cmpstr (reason, ==, "MFCC’s input “signal” already has its link");
  g_clear_pointer (&reason, g_free);
  g_assert_cmpuint (em_graph_model_count_links (model, "mfcc", EM_PORT_DIRECTION_INPUT, "in"),
                    ==, 1);

  /* The classifier's input takes many; an output fans out. */
  g_assert_true (em_graph_model_add_link (model, "mfcc", "out", "nn", "in", NULL));
  g_assert_true (em_graph_model_add_node (model, "mfe", "MFE", EM_GRAPH_NODE_KIND_PROCESSING,
                                          250, 200, NULL, NULL));
  g_assert_true (em_graph_model_add_port (model, "mfe", EM_PORT_DIRECTION_INPUT, "in", NULL,
                                          audio, 1, NULL));
  g_assert_true (em_graph_model_add_port (model, "mfe", EM_PORT_DIRECTION_OUTPUT, "out", NULL,
                                          features, 0, NULL));
  g_assert_true (em_graph_model_add_link (model, "mic", "out", "mfe", "in", NULL));
  g_assert_true (em_graph_model_add_link (model, "mfe", "out", "nn", "in", NULL));
  g_assert_cmpuint (em_graph_model_count_links (model, "nn", EM_PORT_DIRECTION_INPUT, "in"),
                    ==, 2);
  g_assert_cmpuint (em_graph_model_count_links (model, "mic", EM_PORT_DIRECTION_OUTPUT, "out"),
                    ==, 2);

  /* A node onto itself: a features->features block. */
  g_assert_true (em_graph_model_add_node (model, "norm", "Normalise",
                                          EM_GRAPH_NODE_KIND_PROCESSING, 0, 0, NULL, NULL));
  g_assert_true (em_graph_model_add_port (model, "norm", EM_PORT_DIRECTION_INPUT, "in", NULL,
                                          features, 1, NULL));
  g_assert_true (em_graph_model_add_port (model, "norm", EM_PORT_DIRECTION_OUTPUT, "out", NULL,
                                          features, 0, NULL));
  g_assert_false (em_graph_model_can_link (model, "norm", "out", "norm", "in", &reason));
  g_assert_cmpstr (reason, ==, "Normalise cannot feed itself");
}

static gboolean
shape_validator (EmGraphModel *model,
                 const char   *from_node,
                 const char   *from_port,
                 const char   *to_node,
                 const char   *to_port,
                 char        **reason,
                 gpointer      user_data)
{
  int *calls = user_data;

  (*calls)++;
  if (g_str_equal (from_node, "mfcc") && g_str_equal (to_node, "nn"))
    {
      *reason = g_strdup ("Classifier needs 1-D features, MFCC gives 2-D");
      return FALSE;
    }
  return TRUE;
}

static void
count_destroy (gpointer data)
{
  int *calls = data;
  *calls += 1000;
}

static void
test_validator (void)
{
  g_autoptr(EmGraphModel) model = make_model ();
  g_autofree char *reason = NULL;
  int calls = 0;

  em_graph_model_set_validator (model, shape_validator, &calls, count_destroy);
  /* Built-in refusals come first and never reach the validator. */
  g_assert_false (em_graph_model_can_link (model, "camera", "out", "mfcc", "in", NULL));
  g_assert_cmpint (calls, ==, 0);
  g_assert_true (em_graph_model_can_link (model, "mic", "out", "mfcc", "in", NULL));
  g_assert_cmpint (calls, ==, 1);
  g_assert_false (em_graph_model_can_link (model, "mfcc", "out", "nn", "in", &reason));
  g_assert_cmpstr (reason, ==, "Classifier needs 1-D features, MFCC gives 2-D");
  g_assert_cmpint (calls, ==, 2);
  /* Replacing the validator releases the old one's data. */
  em_graph_model_set_validator (model, NULL, NULL, NULL);
  g_assert_cmpint (calls, ==, 1002);
  g_assert_true (em_graph_model_can_link (model, "mfcc", "out", "nn", "in", NULL));
}

static void
test_signals_and_removal (void)
{
  g_autoptr(EmGraphModel) model = em_graph_model_new ();
  Recorder rec = { g_ptr_array_new_with_free_func (g_free) };
  g_autoptr(GError) error = NULL;
  g_autofree char *joined = NULL;

  g_signal_connect (model, "node-added", G_CALLBACK (on_node_added), &rec);
  g_signal_connect (model, "node-removed", G_CALLBACK (on_node_removed), &rec);
  g_signal_connect (model, "node-moved", G_CALLBACK (on_node_moved), &rec);
  g_signal_connect (model, "link-added", G_CALLBACK (on_link_added), &rec);
  g_signal_connect (model, "link-removed", G_CALLBACK (on_link_removed), &rec);

  em_graph_model_add_node (model, "mic", "Microphone", EM_GRAPH_NODE_KIND_INPUT, 0, 0, NULL, NULL);
  em_graph_model_add_port (model, "mic", EM_PORT_DIRECTION_OUTPUT, "out", NULL, audio, 0, NULL);
  em_graph_model_add_node (model, "mfcc", "MFCC", EM_GRAPH_NODE_KIND_PROCESSING, 200, 0, NULL,
                           NULL);
  em_graph_model_add_port (model, "mfcc", EM_PORT_DIRECTION_INPUT, "in", NULL, audio, 1, NULL);
  em_graph_model_add_port (model, "mfcc", EM_PORT_DIRECTION_OUTPUT, "out", NULL, features, 0,
                           NULL);
  em_graph_model_add_node (model, "nn", "Classifier", EM_GRAPH_NODE_KIND_LEARNING, 400, 0, NULL,
                           NULL);
  em_graph_model_add_port (model, "nn", EM_PORT_DIRECTION_INPUT, "in", NULL, features, 0, NULL);

  /* Duplicate ids are errors, not silent replacements. */
  g_assert_false (em_graph_model_add_node (model, "mfcc", "Again", EM_GRAPH_NODE_KIND_OUTPUT, 0,
                                           0, NULL, &error));
  g_assert_error (error, EM_GRAPH_MODEL_ERROR, EM_GRAPH_MODEL_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (em_graph_model_add_port (model, "ghost", EM_PORT_DIRECTION_INPUT, "in", NULL,
                                           audio, 1, &error));
  g_assert_error (error, EM_GRAPH_MODEL_ERROR, EM_GRAPH_MODEL_ERROR_NOT_FOUND);

  g_assert_true (em_graph_model_add_link (model, "mic", "out", "mfcc", "in", NULL));
  g_assert_true (em_graph_model_add_link (model, "mfcc", "out", "nn", "in", NULL));
  em_graph_model_move_node (model, "mfcc", 220, 10);
  em_graph_model_move_node (model, "mfcc", 220, 10);  /* no change, no signal */
  g_assert_cmpfloat (em_graph_model_get_node (model, "mfcc")->x, ==, 220);

  /* Removing MFCC takes both its links with it, announced before the node. */
  g_assert_true (em_graph_model_remove_node (model, "mfcc"));
  g_assert_false (em_graph_model_remove_node (model, "mfcc"));
  g_assert_cmpuint (em_graph_model_get_links (model)->len, ==, 0);
  g_assert_cmpuint (em_graph_model_get_nodes (model)->len, ==, 2);
  g_assert_false (em_graph_model_remove_link (model, "mic", "out", "mfcc", "in"));

  g_ptr_array_add (rec.events, NULL);
  joined = g_strjoinv (" ", (char **) rec.events->pdata);
  g_assert_cmpstr (joined, ==,
                   "node-added:mic node-added:mfcc node-added:nn "
                   "link-added:mic.out>mfcc.in link-added:mfcc.out>nn.in "
                   "node-moved:mfcc "
                   "link-removed:mfcc.out>nn.in link-removed:mic.out>mfcc.in "
                   "node-removed:mfcc");
  g_ptr_array_unref (rec.events);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/graph/model/types", test_types);
  g_test_add_func ("/graph/model/cycle", test_cycle);
  g_test_add_func ("/graph/model/capacity-duplicate-self", test_capacity_duplicate_self);
  g_test_add_func ("/graph/model/validator", test_validator);
  g_test_add_func ("/graph/model/signals-and-removal", test_signals_and_removal);
  return g_test_run ();
}
