/* SPDX-License-Identifier: Apache-2.0 */
/* Bounding-box labeling on a real display (Xvfb): the objects demo opened
 * in the window, the labeling queue opened from Data acquisition
 * (win.label-images), then in its box editor a box drawn, named through
 * the label picker, moved, resized by a handle, clamped at the border,
 * relabelled, duplicated, deleted, undone and redone, with zoom and pan.
 * The boxes the project stores are read back through a second connection
 * after every step. Then the queue: Save and Next, N / P, the count left,
 * and a burst frame whose boxes the tracker proposes (the frame before it
 * shifted by a known amount), accepted into real boxes.
 * g_test_init() plus g_log_set_always_fatal() make every GLib/GTK warning
 * fatal. PNGs, light and dark, land in EMBER_GUI_OUTPUT_DIR. */
#include <string.h>

#include "gui-util.h"
#include "em-window.h"
#include "em-labeling-page.h"
#include "em-image.h"

#define WAIT_MS 10000
#define BURST_DX 3
#define BURST_DY 2

static gboolean have_display;
static char *tmp_dir;
static char *project_path;
static gint64 burst_first_id, burst_next_id;

/* ---- helpers ------------------------------------------------------------------ */

/* The sample as stored, read through a connection of our own. */
static EmSample *
stored (gint64 id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = em_project_open (project_path, &error);
  EmSample *sample;

  g_assert_no_error (error);
  sample = em_project_get_sample (project, id, FALSE, &error);
  g_assert_no_error (error);
  return sample;
}

/* "label x y w h;" for each stored box, to compare states. */
static char *
stored_boxes (gint64 id)
{
  g_autoptr(EmSample) s = stored (id);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < em_sample_get_n_boxes (s); i++)
    {
      const EmBoundingBox *b = em_sample_get_box (s, i);
      g_string_append_printf (out, "%s %.3f %.3f %.3f %.3f;", b->label, b->x, b->y, b->width, b->height);
    }
  return g_string_free (out, FALSE);
}

static void
assert_box (gint64 id, guint index, const char *label, double x, double y, double w, double h)
{
  g_autoptr(EmSample) s = stored (id);
  const EmBoundingBox *b;

  g_assert_cmpuint (index, <, em_sample_get_n_boxes (s));
  b = em_sample_get_box (s, index);
  g_assert_cmpstr (b->label, ==, label);
  g_assert_cmpfloat_with_epsilon (b->x, x, 1e-6);
  g_assert_cmpfloat_with_epsilon (b->y, y, 1e-6);
  g_assert_cmpfloat_with_epsilon (b->width, w, 1e-6);
  g_assert_cmpfloat_with_epsilon (b->height, h, 1e-6);
}

static guint
stored_n_boxes (gint64 id)
{
  g_autoptr(EmSample) s = stored (id);
  return em_sample_get_n_boxes (s);
}

/* A drag from image point (ix, iy) by (dx, dy) image pixels, through the
 * functions the drag gesture calls, with one intermediate update. */
static void
drag_image (EmBoxEditor *editor, double ix, double iy, double dx, double dy)
{
  double x0, y0, x1, y1;

  em_box_editor_image_to_widget (editor, ix, iy, &x0, &y0);
  em_box_editor_image_to_widget (editor, ix + dx, iy + dy, &x1, &y1);
  em_box_editor_drag_begin (editor, x0, y0, FALSE);
  em_box_editor_drag_update (editor, (x1 - x0) / 2, (y1 - y0) / 2);
  em_box_editor_drag_end (editor, x1 - x0, y1 - y0);
}

static void
activate (gpointer widget, const char *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (widget), action, NULL));
}

static gboolean
popover_hidden (gpointer picker)
{
  return !gtk_widget_get_visible (picker);
}

static gboolean
popover_shown (gpointer picker)
{
  return gtk_widget_get_mapped (picker);
}

/* Type @label into the picker's entry and press Enter. */
static void
pick_label (EmBoxEditor *editor, const char *label)
{
  EmLabelPicker *picker = em_box_editor_get_label_picker (editor);
  GtkEntry *entry = em_label_picker_get_entry (picker);

  g_assert_true (gui_wait_for (popover_shown, picker, WAIT_MS));
  gtk_editable_set_text (GTK_EDITABLE (entry), label);
  /* Enter in the entry: GtkEntry emits "activate". */
  g_signal_emit_by_name (entry, "activate");
  g_assert_true (gui_wait_for (popover_hidden, picker, WAIT_MS));
}

static gboolean
page_shown (gpointer window)
{
  GtkWidget *page = em_window_get_page (window, "labeling");
  return page != NULL && gtk_widget_get_mapped (page) &&
         gtk_widget_get_width (GTK_WIDGET (em_labeling_page_get_editor (EM_LABELING_PAGE (page)))) > 0;
}

/* The window on the project, with the labeling queue opened the way the
 * Data acquisition page's "Label…" button does. */
static EmLabelingPage *
open_queue (EmWindow **out_window)
{
  EmWindow *window = gui_open_project_window (project_path, 1000, 700, WAIT_MS);

  g_assert_cmpstr (em_window_get_visible_page (window), ==, "data");
  activate (window, "win.label-images");
  g_assert_cmpstr (em_window_get_visible_page (window), ==, "labeling");
  g_assert_true (gui_wait_for (page_shown, window, WAIT_MS));
  gui_spin (100);
  *out_window = window;
  return EM_LABELING_PAGE (em_window_get_page (window, "labeling"));
}

static guint
count_unlabeled (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = em_project_open (project_path, &error);
  g_autoptr(GPtrArray) all = NULL;
  guint n = 0;

  g_assert_no_error (error);
  all = em_project_list_samples (project, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    n += em_sample_get_n_boxes (all->pdata[i]) == 0;
  return n;
}

static const char *
left_text (EmLabelingPage *page)
{
  /* The header's "n of m left" label: the last label of the top row. */
  GtkWidget *box = gtk_widget_get_first_child (gtk_widget_get_first_child (GTK_WIDGET (page)));
  return gtk_label_get_text (GTK_LABEL (gtk_widget_get_last_child (box)));
}

static GtkRevealer *
proposal_bar (EmLabelingPage *page)
{
  return GTK_REVEALER (gui_find_widget (GTK_WIDGET (page), GTK_TYPE_REVEALER));
}

/* ---- tests ---------------------------------------------------------------------- */

static void
test_edit (void)
{
  EmWindow *window;
  EmLabelingPage *page;
  EmBoxEditor *editor;
  g_autofree char *after_dup = NULL, *after_delete = NULL, *before_dup = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) check = NULL;
  g_autofree char *recent = NULL;
  double x0, y0, x1, y1;
  gint64 id;

  if (!have_display)
    {
      g_test_skip ("no display (run under xvfb-run)");
      return;
    }
  page = open_queue (&window);
  editor = em_labeling_page_get_editor (page);
  g_assert_cmpuint (em_labeling_page_get_n_queued (page), ==, count_unlabeled ());
  g_assert_cmpuint (em_labeling_page_get_n_queued (page), >=, 3);
  g_assert_cmpuint (em_labeling_page_get_position (page), ==, 0);
  id = em_labeling_page_get_current_id (page);
  g_assert_cmpint (id, >, 0);
  g_assert_cmpuint (stored_n_boxes (id), ==, 0);

  /* Draw on empty image: a new box with the default label, then the
   * picker opens to name it. */
  drag_image (editor, 20, 20, 30, 20);
  assert_box (id, 0, "object", 20, 20, 30, 20);
  g_assert_cmpint (em_box_editor_get_selected (editor), ==, 0);
  pick_label (editor, "circle");
  assert_box (id, 0, "circle", 20, 20, 30, 20);
  g_assert_cmpuint (em_label_picker_get_n_recent (em_box_editor_get_label_picker (editor)), ==, 1);
  g_assert_cmpstr (em_box_editor_get_default_label (editor), ==, "circle");
  check = em_project_open (project_path, &error);
  g_assert_no_error (error);
  recent = em_project_get_setting (check, "labeling-recent-labels");
  g_assert_cmpstr (recent, ==, "circle");

  /* A click that does not move draws nothing. */
  em_box_editor_image_to_widget (editor, 80, 80, &x0, &y0);
  em_box_editor_drag_begin (editor, x0, y0, FALSE);
  em_box_editor_drag_end (editor, 1, 1);
  g_assert_cmpuint (stored_n_boxes (id), ==, 1);
  em_box_editor_select (editor, 0);

  /* Move: drag inside the box. */
  drag_image (editor, 35, 30, 10, 5);
  assert_box (id, 0, "circle", 30, 25, 30, 20);
  /* Resize: the bottom-right handle, then the left edge's handle. */
  drag_image (editor, 60, 45, 6, 4);
  assert_box (id, 0, "circle", 30, 25, 36, 24);
  drag_image (editor, 30, 37, -10, 0);
  assert_box (id, 0, "circle", 20, 25, 46, 24);
  /* Clamped: moved far past the right and bottom edges it stops there. */
  drag_image (editor, 40, 35, 200, 200);
  assert_box (id, 0, "circle", 96 - 46, 96 - 24, 46, 24);
  /* A handle dragged out of the image stops at the border too. */
  drag_image (editor, 50, 72, -100, -100);
  assert_box (id, 0, "circle", 0, 0, 96, 96);
  activate (editor, "editor.undo");
  assert_box (id, 0, "circle", 96 - 46, 96 - 24, 46, 24);

  /* Relabel through the action (L) and the picker. */
  activate (editor, "editor.relabel");
  pick_label (editor, "square");
  assert_box (id, 0, "square", 50, 72, 46, 24);
  g_assert_cmpuint (em_label_picker_get_n_recent (em_box_editor_get_label_picker (editor)), ==, 2);

  /* Duplicate (Ctrl+D): beside the original, inside the image. */
  before_dup = stored_boxes (id);
  activate (editor, "editor.duplicate");
  g_assert_cmpuint (stored_n_boxes (id), ==, 2);
  assert_box (id, 1, "square", 50, 72, 46, 24); /* already at the corner: clamped in place */
  g_assert_cmpint (em_box_editor_get_selected (editor), ==, 1);
  after_dup = stored_boxes (id);
  /* Tab cycles the selection. */
  activate (editor, "editor.next-box");
  g_assert_cmpint (em_box_editor_get_selected (editor), ==, 0);
  activate (editor, "editor.next-box");
  g_assert_cmpint (em_box_editor_get_selected (editor), ==, 1);
  /* Move the copy away, then delete the original. */
  drag_image (editor, 60, 80, -40, -50);
  assert_box (id, 1, "square", 10, 22, 46, 24);
  activate (editor, "editor.previous-box");
  activate (editor, "editor.delete");
  g_assert_cmpuint (stored_n_boxes (id), ==, 1);
  assert_box (id, 0, "square", 10, 22, 46, 24);
  after_delete = stored_boxes (id);

  /* Undo walks back through every stored state, redo forward again. */
  activate (editor, "editor.undo");
  g_assert_cmpuint (stored_n_boxes (id), ==, 2);
  activate (editor, "editor.undo");
  {
    g_autofree char *now = stored_boxes (id);
    g_assert_cmpstr (now, ==, after_dup);
  }
  activate (editor, "editor.undo");
  {
    g_autofree char *now = stored_boxes (id);
    g_assert_cmpstr (now, ==, before_dup);
  }
  activate (editor, "editor.redo");
  activate (editor, "editor.redo");
  activate (editor, "editor.redo");
  {
    g_autofree char *now = stored_boxes (id);
    g_assert_cmpstr (now, ==, after_delete);
  }
  g_assert_false (em_box_editor_can_redo (editor));
  g_assert_true (em_box_editor_can_undo (editor));

  /* Zoom keeps the image point at the centre in place; pan moves it. */
  {
    double cx = gtk_widget_get_width (GTK_WIDGET (editor)) / 2.0;
    double cy = gtk_widget_get_height (GTK_WIDGET (editor)) / 2.0;
    double before_x, before_y, after_x, after_y;

    em_box_editor_widget_to_image (editor, cx, cy, &before_x, &before_y);
    activate (editor, "editor.zoom-in");
    g_assert_cmpfloat_with_epsilon (em_box_editor_get_zoom (editor), 1.25, 1e-9);
    em_box_editor_widget_to_image (editor, cx, cy, &after_x, &after_y);
    g_assert_cmpfloat_with_epsilon (before_x, after_x, 1e-6);
    g_assert_cmpfloat_with_epsilon (before_y, after_y, 1e-6);
    em_box_editor_image_to_widget (editor, 0, 0, &x0, &y0);
    em_box_editor_drag_begin (editor, 5, 5, TRUE);
    em_box_editor_drag_update (editor, 15, 5);
    em_box_editor_drag_end (editor, 30, 10);
    em_box_editor_image_to_widget (editor, 0, 0, &x1, &y1);
    g_assert_cmpfloat_with_epsilon (x1 - x0, 30, 1e-6);
    g_assert_cmpfloat_with_epsilon (y1 - y0, 10, 1e-6);
    /* Panning edits nothing. */
    {
      g_autofree char *now = stored_boxes (id);
      g_assert_cmpstr (now, ==, after_delete);
    }
    activate (editor, "editor.zoom-reset");
    g_assert_cmpfloat (em_box_editor_get_zoom (editor), ==, 1);
  }
  em_box_editor_select (editor, 0);
  gui_save_pngs (GTK_WIDGET (window), "labeling-edit", 200);

  /* Back to Data acquisition. */
  activate (page, "labeling.close");
  g_assert_cmpstr (em_window_get_visible_page (window), ==, "data");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_queue_and_tracker (void)
{
  EmWindow *window;
  EmLabelingPage *page;
  EmBoxEditor *editor;
  g_autoptr(EmSample) first = NULL;
  g_autofree char *text = NULL;
  guint queued, guard = 0;

  if (!have_display)
    {
      g_test_skip ("no display (run under xvfb-run)");
      return;
    }
  page = open_queue (&window);
  editor = em_labeling_page_get_editor (page);
  queued = em_labeling_page_get_n_queued (page);
  g_assert_cmpuint (queued, ==, count_unlabeled ());
  g_assert_cmpuint (em_labeling_page_get_n_left (page), ==, queued);
  text = g_strdup_printf ("%u of %u left", queued, queued);
  g_assert_cmpstr (left_text (page), ==, text);

  /* Save and Next on an image with no object: it counts as done. */
  activate (page, "labeling.save-next");
  g_assert_cmpuint (em_labeling_page_get_position (page), ==, 1);
  g_assert_cmpuint (em_labeling_page_get_n_left (page), ==, queued - 1);
  g_clear_pointer (&text, g_free);
  text = g_strdup_printf ("%u of %u left", queued - 1, queued);
  g_assert_cmpstr (left_text (page), ==, text);
  /* N and P step through the queue. */
  activate (page, "labeling.next");
  g_assert_cmpuint (em_labeling_page_get_position (page), ==, 2);
  activate (page, "labeling.previous");
  g_assert_cmpuint (em_labeling_page_get_position (page), ==, 1);

  /* On to the burst's second frame (last in name order). */
  while (em_labeling_page_get_current_id (page) != burst_next_id && guard++ < 200)
    activate (page, "labeling.next");
  g_assert_cmpint (em_labeling_page_get_current_id (page), ==, burst_next_id);
  first = stored (burst_first_id);
  g_assert_cmpuint (em_box_editor_get_n_proposals (editor), ==, em_sample_get_n_boxes (first));
  g_assert_cmpuint (em_box_editor_get_n_boxes (editor), ==, 0);
  for (guint i = 0; i < em_sample_get_n_boxes (first); i++)
    {
      const EmBoundingBox *b = em_sample_get_box (first, i);
      const EmBoxProposal *p = em_box_editor_get_proposal (editor, i);
      g_assert_cmpstr (p->label, ==, b->label);
      g_assert_cmpfloat_with_epsilon (p->x, MAX (0, b->x + BURST_DX), 1e-9);
      g_assert_cmpfloat_with_epsilon (p->y, MAX (0, b->y + BURST_DY), 1e-9);
    }
  /* Proposals are not labels until accepted. */
  g_assert_cmpuint (stored_n_boxes (burst_next_id), ==, 0);
  gui_save_pngs (GTK_WIDGET (window), "labeling-proposals", 200);

  /* Reject drops them, storing nothing; coming back proposes again. */
  g_assert_true (gtk_revealer_get_reveal_child (proposal_bar (page)));
  activate (page, "labeling.reject");
  g_assert_cmpuint (em_box_editor_get_n_proposals (editor), ==, 0);
  g_assert_false (gtk_revealer_get_reveal_child (proposal_bar (page)));
  g_assert_cmpuint (stored_n_boxes (burst_next_id), ==, 0);
  activate (page, "labeling.previous");
  activate (page, "labeling.next");
  g_assert_cmpint (em_labeling_page_get_current_id (page), ==, burst_next_id);
  g_assert_cmpuint (em_box_editor_get_n_proposals (editor), ==, em_sample_get_n_boxes (first));

  /* A click inside one proposal accepts that one. */
  {
    const EmBoxProposal *p = em_box_editor_get_proposal (editor, 0);
    double x, y;
    em_box_editor_image_to_widget (editor, p->x + p->width / 2, p->y + p->height / 2, &x, &y);
    em_box_editor_drag_begin (editor, x, y, FALSE);
    em_box_editor_drag_end (editor, 0, 0);
  }
  g_assert_cmpuint (stored_n_boxes (burst_next_id), ==, 1);
  g_assert_cmpuint (em_box_editor_get_n_proposals (editor), ==, em_sample_get_n_boxes (first) - 1);
  /* The bar's Accept button takes the rest. */
  activate (page, "labeling.accept");
  g_assert_false (gtk_revealer_get_reveal_child (proposal_bar (page)));
  g_assert_cmpuint (em_box_editor_get_n_proposals (editor), ==, 0);
  g_assert_cmpuint (stored_n_boxes (burst_next_id), ==, em_sample_get_n_boxes (first));
  for (guint i = 0; i < em_sample_get_n_boxes (first); i++)
    {
      const EmBoundingBox *b = em_sample_get_box (first, i);
      double x = MAX (0, b->x + BURST_DX), y = MAX (0, b->y + BURST_DY);
      assert_box (burst_next_id, i, b->label, x, y, MIN (96, b->x + b->width + BURST_DX) - x,
                  MIN (96, b->y + b->height + BURST_DY) - y);
    }
  g_assert_cmpuint (em_labeling_page_get_n_left (page), ==, queued - 2);
  /* Accepting is undoable like any edit. */
  activate (editor, "editor.undo");
  g_assert_cmpuint (stored_n_boxes (burst_next_id), ==, 1);
  activate (editor, "editor.undo");
  g_assert_cmpuint (stored_n_boxes (burst_next_id), ==, 0);
  activate (editor, "editor.redo");
  activate (editor, "editor.redo");
  g_assert_cmpuint (stored_n_boxes (burst_next_id), ==, em_sample_get_n_boxes (first));

  /* Save and Next until nothing is left: the queue says so. */
  guard = 0;
  while (em_labeling_page_get_n_left (page) > 0 && guard++ < 200)
    activate (page, "labeling.save-next");
  g_assert_cmpuint (em_labeling_page_get_n_left (page), ==, 0);
  g_assert_cmpuint (em_labeling_page_get_position (page), ==, queued);
  g_assert_cmpint (em_labeling_page_get_current_id (page), ==, 0);
  g_clear_pointer (&text, g_free);
  text = g_strdup_printf ("0 of %u left", queued);
  g_assert_cmpstr (left_text (page), ==, text);
  gui_save_pngs (GTK_WIDGET (window), "labeling-done", 200);
  /* The sidebar's Data acquisition row leads back too. */
  g_assert_true (em_window_show_page (window, "data"));
  g_assert_cmpstr (em_window_get_visible_page (window), ==, "data");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A project without images: the queue says there is nothing to label. */
static void
test_no_images (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "empty.ember", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  GtkWidget *window, *page;
  AdwStatusPage *status;

  if (!have_display)
    {
      g_test_skip ("no display (run under xvfb-run)");
      return;
    }
  project = em_project_create (path, "empty", &error);
  g_assert_no_error (error);
  page = em_labeling_page_new (project);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 400);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gui_wait_for (gui_window_drawn, window, WAIT_MS));
  g_assert_cmpuint (em_labeling_page_get_n_queued (EM_LABELING_PAGE (page)), ==, 0);
  g_assert_cmpint (em_labeling_page_get_current_id (EM_LABELING_PAGE (page)), ==, 0);
  status = ADW_STATUS_PAGE (gui_find_widget (page, ADW_TYPE_STATUS_PAGE));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (status)));
  g_assert_cmpstr (adw_status_page_get_title (status), ==, "No images");
  g_assert_cmpstr (left_text (EM_LABELING_PAGE (page)), ==, "0 of 0 left");
  /* Nothing to act on: stepping and saving do nothing. */
  gtk_widget_activate_action (page, "labeling.save-next", NULL);
  gtk_widget_activate_action (page, "labeling.next", NULL);
  gtk_widget_activate_action (page, "labeling.previous", NULL);
  g_assert_cmpuint (em_labeling_page_get_position (EM_LABELING_PAGE (page)), ==, 0);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (status)));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- setup ---------------------------------------------------------------------- */

/* The objects demo plus a two-frame burst at the end of the name order:
 * one frame with boxes, the next the same scene moved by (BURST_DX,
 * BURST_DY) with none. */
static void
make_project (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(EmSample) source = NULL, frame1 = NULL, frame2 = NULL;
  g_autofree guint8 *rgb = NULL, *moved = NULL;
  g_autoptr(GBytes) png = NULL;
  guint w, h;

  project_path = g_build_filename (tmp_dir, "objects.ember", NULL);
  project = em_demo_create (project_path, EM_DEMO_OBJECTS, 0.06, 3, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  all = em_project_list_samples (project, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < all->len && source == NULL; i++)
    if (em_sample_get_n_boxes (all->pdata[i]) >= 2)
      source = em_project_get_sample (project, em_sample_get_id (all->pdata[i]), TRUE, &error);
  g_assert_nonnull (source);

  frame1 = em_sample_copy (source, TRUE);
  em_sample_set_name (frame1, "zz-burst.0001");
  burst_first_id = em_project_add_sample (project, frame1, EM_ADD_FLAGS_ALLOW_DUPLICATE, &error);
  g_assert_no_error (error);

  rgb = em_image_decode_rgb (source, &w, &h, &error);
  g_assert_no_error (error);
  moved = g_malloc ((gsize) w * h * 3);
  for (int y = 0; y < (int) h; y++)
    for (int x = 0; x < (int) w; x++)
      {
        int sx = CLAMP (x - BURST_DX, 0, (int) w - 1), sy = CLAMP (y - BURST_DY, 0, (int) h - 1);
        memcpy (moved + 3 * (y * w + x), rgb + 3 * (sy * w + sx), 3);
      }
  png = em_image_encode_png (moved, w, h, &error);
  g_assert_no_error (error);
  frame2 = em_image_read (png, &error);
  g_assert_no_error (error);
  em_sample_set_name (frame2, "zz-burst.0002");
  em_sample_set_label (frame2, "objects");
  burst_next_id = em_project_add_sample (project, frame2, EM_ADD_FLAGS_NONE, &error);
  g_assert_no_error (error);
}

int
main (int argc, char *argv[])
{
  int status;

  have_display = gui_init (&argc, &argv);
  tmp_dir = gui_make_tmp_dir ("ember-labeling-XXXXXX");
  make_project ();

  g_test_add_func ("/gui/labeling/edit", test_edit);
  g_test_add_func ("/gui/labeling/queue-and-tracker", test_queue_and_tracker);
  g_test_add_func ("/gui/labeling/no-images", test_no_images);
  status = g_test_run ();

  gui_remove_tree (tmp_dir);
  g_free (tmp_dir);
  g_free (project_path);
  return status;
}
