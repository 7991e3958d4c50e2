/* SPDX-License-Identifier: Apache-2.0 */
/* Assisted labeling on a real display (Xvfb): a small detector trained on
 * the objects demo, the boxes of two images it finds objects on taken
 * away, then the labeling queue opened from Data acquisition. Its
 * proposals for those images are the model's (compared with a source made
 * here on a second connection), shown as proposals, not stored; a click
 * accepts one, the bar's Accept the rest (undoable), Reject drops them.
 * Deleting the model and opening the queue again leaves its proposals
 * out; putting it back brings them back (the page takes a model trained
 * meanwhile when it opens). PNGs, light and dark, land in
 * EMBER_GUI_OUTPUT_DIR. */
#include <string.h>

#include "gui-util.h"
#include "em-window.h"
#include "em-labeling-page.h"
#include "em-box-proposal-model.h"
#include "em-learn.h"
#include "em-model-store.h"

#define WAIT_MS 10000
#define MODEL_TITLE "from the trained model"

static gboolean have_display;
static char *tmp_dir;
static char *project_path;
static gint64 target_id, other_id;

/* ---- helpers ------------------------------------------------------------------ */

static EmProject *
open_project (void)
{
  g_autoptr(GError) error = NULL;
  EmProject *project = em_project_open (project_path, &error);

  g_assert_no_error (error);
  return project;
}

/* The sample as stored, read through a connection of our own. */
static EmSample *
stored (gint64 id, gboolean with_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = open_project ();
  EmSample *sample = em_project_get_sample (project, id, with_data, &error);

  g_assert_no_error (error);
  return sample;
}

static guint
stored_n_boxes (gint64 id)
{
  g_autoptr(EmSample) s = stored (id, FALSE);
  return em_sample_get_n_boxes (s);
}

/* What the trained model proposes for @id, asked here directly. */
static GArray *
model_proposals (EmProject *project, gint64 id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmBoxProposalSource) source = NULL;
  g_autoptr(EmSample) sample = NULL;
  GArray *got;

  source = em_box_proposal_model_source_new (project, NULL, em_block_registry_get_default (), NULL,
                                             EM_BOX_PROPOSAL_MODEL_DEFAULT, &error);
  g_assert_no_error (error);
  sample = em_project_get_sample (project, id, TRUE, &error);
  g_assert_no_error (error);
  got = em_box_proposal_source_propose (source, sample, NULL, &error);
  g_assert_no_error (error);
  return got;
}

static void
activate (gpointer widget, const char *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (widget), action, NULL));
}

static gboolean
page_shown (gpointer window)
{
  GtkWidget *page = em_window_get_page (window, "labeling");
  return page != NULL && gtk_widget_get_mapped (page) &&
         gtk_widget_get_width (GTK_WIDGET (em_labeling_page_get_editor (EM_LABELING_PAGE (page)))) > 0;
}

static GtkRevealer *
proposal_bar (EmLabelingPage *page)
{
  return GTK_REVEALER (gui_find_widget (GTK_WIDGET (page), GTK_TYPE_REVEALER));
}

/* The bar's "n boxes proposed — from where" text. */
static const char *
proposal_text (EmLabelingPage *page)
{
  return gtk_label_get_text (GTK_LABEL (gui_find_widget (GTK_WIDGET (proposal_bar (page)), GTK_TYPE_LABEL)));
}

static gboolean
bar_closed (gpointer page)
{
  return !gtk_revealer_get_child_revealed (proposal_bar (page));
}

static gboolean
shows_model_proposals (EmLabelingPage *page)
{
  return gtk_revealer_get_reveal_child (proposal_bar (page)) && strstr (proposal_text (page), MODEL_TITLE) != NULL;
}

/* Step through the queue to sample @id. */
static void
go_to (EmLabelingPage *page, gint64 id)
{
  guint guard = 0;

  while (em_labeling_page_get_position (page) > 0 && guard++ < 500)
    activate (page, "labeling.previous");
  guard = 0;
  while (em_labeling_page_get_current_id (page) != id && guard++ < 500)
    activate (page, "labeling.next");
  g_assert_cmpint (em_labeling_page_get_current_id (page), ==, id);
}

/* The editor's first proposals are the model's (the page asks it first). */
static void
assert_model_proposals (EmBoxEditor *editor, GArray *expected)
{
  g_assert_cmpuint (em_box_editor_get_n_proposals (editor), >=, expected->len);
  for (guint i = 0; i < expected->len; i++)
    {
      const EmBoxProposal *e = &g_array_index (expected, EmBoxProposal, i);
      const EmBoxProposal *p = em_box_editor_get_proposal (editor, i);
      g_assert_cmpstr (p->label, ==, e->label);
      g_assert_cmpfloat_with_epsilon (p->x, e->x, 1e-9);
      g_assert_cmpfloat_with_epsilon (p->y, e->y, 1e-9);
      g_assert_cmpfloat_with_epsilon (p->width, e->width, 1e-9);
      g_assert_cmpfloat_with_epsilon (p->height, e->height, 1e-9);
      g_assert_cmpfloat_with_epsilon (p->score, e->score, 1e-9);
    }
}

/* ---- tests ---------------------------------------------------------------------- */

static void
test_model_proposals (void)
{
  g_autoptr(EmProject) project = open_project ();
  g_autoptr(GArray) expected = model_proposals (project, target_id);
  g_autoptr(GArray) expected_other = model_proposals (project, other_id);
  g_autoptr(GError) error = NULL;
  g_autoptr(EmModel) model = NULL;
  g_autoptr(EmSample) after = NULL;
  EmWindow *window;
  EmLabelingPage *page;
  EmBoxEditor *editor;
  guint n_all;

  if (!have_display)
    {
      g_test_skip ("no display (run under xvfb-run)");
      return;
    }
  g_assert_cmpuint (expected->len, >=, 2);
  g_assert_cmpuint (expected_other->len, >=, 1);

  window = gui_open_project_window (project_path, 1000, 700, WAIT_MS);
  activate (window, "win.label-images");
  g_assert_cmpstr (em_window_get_visible_page (window), ==, "labeling");
  g_assert_true (gui_wait_for (page_shown, window, WAIT_MS));
  page = EM_LABELING_PAGE (em_window_get_page (window, "labeling"));
  editor = em_labeling_page_get_editor (page);

  /* The model's boxes come as proposals: shown, not stored. */
  go_to (page, target_id);
  assert_model_proposals (editor, expected);
  n_all = em_box_editor_get_n_proposals (editor);
  g_assert_cmpuint (em_box_editor_get_n_boxes (editor), ==, 0);
  g_assert_cmpuint (stored_n_boxes (target_id), ==, 0);
  g_assert_true (shows_model_proposals (page));
  gui_spin (100);
  gui_save_pngs (GTK_WIDGET (window), "labeling-model-proposals", 200);

  /* A click inside one accepts that one, as a box like any other. */
  {
    const EmBoxProposal *p = em_box_editor_get_proposal (editor, 0);
    double x, y;
    em_box_editor_image_to_widget (editor, p->x + p->width / 2, p->y + p->height / 2, &x, &y);
    em_box_editor_drag_begin (editor, x, y, FALSE);
    em_box_editor_drag_end (editor, 0, 0);
  }
  g_assert_cmpuint (stored_n_boxes (target_id), ==, 1);
  g_assert_cmpuint (em_box_editor_get_n_proposals (editor), ==, n_all - 1);
  /* The bar's Accept takes the rest. */
  activate (page, "labeling.accept");
  g_assert_cmpuint (em_box_editor_get_n_proposals (editor), ==, 0);
  g_assert_false (gtk_revealer_get_reveal_child (proposal_bar (page)));
  after = stored (target_id, FALSE);
  g_assert_cmpuint (em_sample_get_n_boxes (after), ==, n_all);
  for (guint i = 0; i < expected->len; i++)
    {
      const EmBoxProposal *e = &g_array_index (expected, EmBoxProposal, i);
      const EmBoundingBox *b = em_sample_get_box (after, i);
      g_assert_cmpstr (b->label, ==, e->label);
      g_assert_cmpfloat_with_epsilon (b->x, e->x, 1e-6);
      g_assert_cmpfloat_with_epsilon (b->y, e->y, 1e-6);
      g_assert_cmpfloat_with_epsilon (b->width, e->width, 1e-6);
      g_assert_cmpfloat_with_epsilon (b->height, e->height, 1e-6);
    }
  g_assert_true (gui_wait_for (bar_closed, page, WAIT_MS));
  gui_save_pngs (GTK_WIDGET (window), "labeling-model-accepted", 200);
  /* Accepting is undoable. */
  activate (editor, "editor.undo");
  g_assert_cmpuint (stored_n_boxes (target_id), ==, 1);
  activate (editor, "editor.undo");
  g_assert_cmpuint (stored_n_boxes (target_id), ==, 0);
  activate (editor, "editor.redo");
  activate (editor, "editor.redo");
  g_assert_cmpuint (stored_n_boxes (target_id), ==, n_all);

  /* Reject drops them and stores nothing. */
  go_to (page, other_id);
  assert_model_proposals (editor, expected_other);
  g_assert_true (shows_model_proposals (page));
  activate (page, "labeling.reject");
  g_assert_cmpuint (em_box_editor_get_n_proposals (editor), ==, 0);
  g_assert_false (gtk_revealer_get_reveal_child (proposal_bar (page)));
  g_assert_cmpuint (stored_n_boxes (other_id), ==, 0);

  /* Without the model (deleted meanwhile), opening the queue again asks
   * only the tracker; with it back (as after training), the model again. */
  model = em_model_store_get (project, "object-detection", TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (em_model_store_delete (project, "object-detection", &error));
  g_assert_no_error (error);
  activate (window, "win.label-images");
  go_to (page, other_id);
  g_assert_false (shows_model_proposals (page));
  g_assert_true (em_model_store_put (project, model, &error));
  g_assert_no_error (error);
  activate (window, "win.label-images");
  go_to (page, other_id);
  assert_model_proposals (editor, expected_other);
  g_assert_true (shows_model_proposals (page));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- setup ---------------------------------------------------------------------- */

/* The objects demo (which comes with a detection impulse), a detector
 * trained briefly on it, and the boxes taken off two training images on
 * which the model proposes objects (two or more on the first). A low
 * detection threshold makes proposals certain; the test is about how they
 * are shown and accepted, tests/cli/test_cli_propose.py about where. */
static void
make_project (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(EmImpulse) impulse = NULL;
  g_autoptr(JsonObject) overrides = json_object_new ();
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(EmSample) none = em_sample_new ();
  EmSampleFilter filter;

  project_path = g_build_filename (tmp_dir, "objects.ember", NULL);
  project = em_demo_create (project_path, EM_DEMO_OBJECTS, 0.2, 3, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  impulse = em_impulse_load (project, &error);
  g_assert_no_error (error);
  /* Small batches (more steps in the same time) and a thin network: the
   * few images and epochs suffice. */
  json_object_set_int_member (overrides, "epochs", 5);
  json_object_set_int_member (overrides, "batch_size", 8);
  json_object_set_double_member (overrides, "alpha", 0.25);
  json_object_set_double_member (overrides, "threshold", 0.3);
  json_object_set_int_member (overrides, "seed", 1);
  g_assert_true (em_learn_train (project, impulse, em_block_registry_get_default (), NULL, overrides, NULL, NULL,
                                 NULL, &error));
  g_assert_no_error (error);

  em_sample_filter_init (&filter);
  filter.category = EM_CATEGORY_TRAINING;
  all = em_project_list_samples (project, &filter, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < all->len && other_id == 0; i++)
    {
      EmSample *s = g_ptr_array_index (all, i);
      g_autoptr(GArray) got = NULL;

      if (em_sample_get_n_boxes (s) == 0)
        continue;
      got = model_proposals (project, em_sample_get_id (s));
      if (target_id == 0 && got->len >= 2)
        target_id = em_sample_get_id (s);
      else if (target_id != 0 && got->len >= 1)
        other_id = em_sample_get_id (s);
    }
  g_assert_cmpint (target_id, >, 0);
  g_assert_cmpint (other_id, >, 0);
  g_assert_true (em_project_set_boxes (project, target_id, none, &error));
  g_assert_true (em_project_set_boxes (project, other_id, none, &error));
  g_assert_no_error (error);
}

int
main (int argc, char *argv[])
{
  int status;

  have_display = gui_init (&argc, &argv);
  tmp_dir = gui_make_tmp_dir ("ember-labeling-model-XXXXXX");
  if (have_display)
    make_project ();

  g_test_add_func ("/gui/labeling-model/proposals", test_model_proposals);
  status = g_test_run ();

  gui_remove_tree (tmp_dir);
  g_free (tmp_dir);
  g_free (project_path);
  return status;
}
