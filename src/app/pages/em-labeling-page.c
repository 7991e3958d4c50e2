/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <glib/gi18n.h>
#include <adwaita.h>

#include "em-labeling-page.h"
#include "em-box-track.h"
#include "em-box-proposal-model.h"
#include "em-error.h"

typedef struct {
  gint64 id;
  char  *sort_key;
  guint  n_boxes;
  gboolean saved;
} Item;

struct _EmLabelingPage
{
  GtkWidget       parent_instance;

  /* template children */
  GtkLabel       *name_label;
  GtkLabel       *left_label;
  GtkStack       *stack;
  EmBoxEditor    *editor;
  AdwStatusPage  *status_page;
  GtkRevealer    *proposal_revealer;
  GtkLabel       *proposal_label;

  EmProject      *project;
  GArray         *order;    /* Item: every image, in name order */
  GArray         *queue;    /* guint: indexes into order of the images queued */
  guint           pos;      /* into queue */
  GPtrArray      *sources;  /* EmBoxProposalSource */
  EmBoxProposalSource *model_source; /* the trained model's; NULL without one */
  const char     *proposals_from; /* title of the first source that proposed */
};

G_DEFINE_FINAL_TYPE (EmLabelingPage, em_labeling_page, GTK_TYPE_WIDGET)

enum { CLOSE, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
item_clear (Item *item)
{
  g_free (item->sort_key);
}

static int
item_compare (gconstpointer a, gconstpointer b)
{
  const Item *x = a, *y = b;
  int c = strcmp (x->sort_key, y->sort_key);

  return c != 0 ? c : (x->id > y->id) - (x->id < y->id);
}

static Item *
queue_item (EmLabelingPage *self, guint position)
{
  return &g_array_index (self->order, Item, g_array_index (self->queue, guint, position));
}

static gboolean
item_left (const Item *item)
{
  return !item->saved && item->n_boxes == 0;
}

/* ---- display ------------------------------------------------------------------ */

static void
update_header (EmLabelingPage *self)
{
  EmSample *sample = em_box_editor_get_sample (self->editor);
  guint left = em_labeling_page_get_n_left (self);
  g_autofree char *text = NULL;

  /* Translators: images of the labeling queue still to label, of all queued */
  text = g_strdup_printf (_("%u of %u left"), left, self->queue->len);
  gtk_label_set_text (self->left_label, text);
  gtk_label_set_text (self->name_label, sample != NULL ? em_sample_get_name (sample) : "");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "labeling.previous", self->pos > 0 &&
                                 self->pos <= self->queue->len);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "labeling.next", self->pos + 1 < self->queue->len);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "labeling.save-next", self->pos < self->queue->len);
}

static void
update_proposals (EmLabelingPage *self)
{
  guint n = em_box_editor_get_n_proposals (self->editor);

  if (n > 0)
    {
      g_autofree char *text = NULL;
      /* Translators: %u boxes proposed, then where they come from */
      text = g_strdup_printf (ngettext ("%u box proposed — %s", "%u boxes proposed — %s", n),
                              n, self->proposals_from != NULL ? self->proposals_from : "");
      gtk_label_set_text (self->proposal_label, text);
    }
  gtk_revealer_set_reveal_child (self->proposal_revealer, n > 0);
}

static const char *
source_title (EmBoxProposalSource *source)
{
  /* Sources are named in English in core; the known ones are shown translated. */
  if (g_strcmp0 (source->name, "Tracked from the previous image") == 0)
    return _("tracked from the previous image");
  if (g_strcmp0 (source->name, EM_BOX_PROPOSAL_MODEL_NAME) == 0)
    return _("from the trained model");
  return source->name;
}

/* Whether @p mostly covers a proposal of @all with its label (intersection
 * over union at least one half). */
static gboolean
proposed_already (GArray *all, const EmBoxProposal *p)
{
  for (guint i = 0; i < all->len; i++)
    {
      const EmBoxProposal *q = &g_array_index (all, EmBoxProposal, i);
      double w = MIN (p->x + p->width, q->x + q->width) - MAX (p->x, q->x);
      double h = MIN (p->y + p->height, q->y + q->height) - MAX (p->y, q->y);
      double inter = MAX (w, 0) * MAX (h, 0);

      if (g_strcmp0 (p->label, q->label) == 0 &&
          2 * inter >= p->width * p->height + q->width * q->height - inter)
        return TRUE;
    }
  return FALSE;
}

/* Ask every source for boxes for the image shown, the trained model
 * first; a box another source proposed already is left out. Only an image
 * without boxes gets proposals (on a labeled one they would just be in
 * the way). */
static void
propose (EmLabelingPage *self, guint order_index)
{
  EmSample *sample = em_box_editor_get_sample (self->editor);
  g_autoptr(EmSample) previous = NULL;
  g_autoptr(GArray) all = em_box_proposals_new ();
  const char *from = NULL;

  if (sample == NULL || em_sample_get_n_boxes (sample) > 0)
    {
      update_proposals (self);
      return;
    }
  if (order_index > 0)
    previous = em_project_get_sample (self->project,
                                      g_array_index (self->order, Item, order_index - 1).id, TRUE, NULL);
  /* The tracker works on a bounded patch per box (em-box-track.c), so this
   * runs here, between two images, without a thread. */
  for (guint i = 0; i <= self->sources->len; i++)
    {
      EmBoxProposalSource *source = i == 0 ? self->model_source : g_ptr_array_index (self->sources, i - 1);
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) got = NULL;

      if (source == NULL)
        continue;
      if ((got = em_box_proposal_source_propose (source, sample, previous, &error)) == NULL)
        {
          g_message ("labeling: %s: %s", source->name, error->message);
          continue;
        }
      if (got->len > 0 && from == NULL)
        from = source_title (source);
      for (guint k = 0; k < got->len; k++)
        {
          EmBoxProposal p = g_array_index (got, EmBoxProposal, k);
          if (proposed_already (all, &p))
            continue;
          p.label = g_strdup (p.label);
          g_array_append_val (all, p);
        }
    }
  em_box_editor_set_proposals (self->editor, all);
  self->proposals_from = from;
  update_proposals (self);
}

void
em_labeling_page_show (EmLabelingPage *self, guint position)
{
  g_autoptr(GError) error = NULL;
  guint order_index;

  g_return_if_fail (EM_IS_LABELING_PAGE (self));
  if (position >= self->queue->len)
    {
      self->pos = self->queue->len;
      em_box_editor_set_sample_id (self->editor, 0, NULL);
      if (self->order->len == 0)
        {
          adw_status_page_set_title (self->status_page, _("No images"));
          adw_status_page_set_description (self->status_page,
                                           _("Bounding boxes are drawn on image samples; this project has none"));
        }
      else if (self->queue->len > 0)
        {
          adw_status_page_set_title (self->status_page, _("Queue done"));
          adw_status_page_set_description (self->status_page,
                                           _("Every image of the queue is labeled or saved as it is"));
        }
      else
        {
          adw_status_page_set_title (self->status_page, _("Nothing left to label"));
          adw_status_page_set_description (self->status_page,
                                           _("Every image in the project has bounding boxes"));
        }
      gtk_stack_set_visible_child_name (self->stack, "done");
      update_proposals (self);
      update_header (self);
      return;
    }
  self->pos = position;
  order_index = g_array_index (self->queue, guint, position);
  if (!em_box_editor_set_sample_id (self->editor, queue_item (self, position)->id, &error))
    {
      adw_status_page_set_title (self->status_page, _("Cannot show this image"));
      adw_status_page_set_description (self->status_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "done");
    }
  else
    {
      gtk_stack_set_visible_child_name (self->stack, "editor");
      propose (self, order_index);
      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        gtk_widget_grab_focus (GTK_WIDGET (self->editor));
    }
  update_header (self);
}

/* The trained model's source, made again on every reload: the page is
 * reloaded each time it opens, so a model trained meanwhile is used. */
static void
load_model_source (EmLabelingPage *self)
{
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->model_source, em_box_proposal_source_free);
  if (self->project == NULL)
    return;
  self->model_source = em_box_proposal_model_source_new (self->project, NULL, em_block_registry_get_default (),
                                                         NULL, EM_BOX_PROPOSAL_MODEL_DEFAULT, &error);
  /* No impulse, detector or model yet is the usual case, not a problem. */
  if (self->model_source == NULL && !g_error_matches (error, EM_ERROR, EM_ERROR_NOT_FOUND))
    g_message ("labeling: no proposals from the trained model: %s", error->message);
}

void
em_labeling_page_reload (EmLabelingPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) samples = NULL;
  EmSampleFilter filter;

  g_return_if_fail (EM_IS_LABELING_PAGE (self));
  g_array_set_size (self->order, 0);
  g_array_set_size (self->queue, 0);
  load_model_source (self);
  em_sample_filter_init (&filter);
  filter.kind = EM_SENSOR_IMAGE;
  samples = self->project != NULL ? em_project_list_samples (self->project, &filter, &error) : NULL;
  if (samples == NULL && error != NULL)
    g_message ("labeling: %s", error->message);
  for (guint i = 0; samples != NULL && i < samples->len; i++)
    {
      EmSample *s = g_ptr_array_index (samples, i);
      Item item = { em_sample_get_id (s), g_utf8_collate_key_for_filename (em_sample_get_name (s), -1),
                    em_sample_get_n_boxes (s), FALSE };
      g_array_append_val (self->order, item);
    }
  g_array_sort (self->order, item_compare);
  for (guint i = 0; i < self->order->len; i++)
    if (g_array_index (self->order, Item, i).n_boxes == 0)
      g_array_append_val (self->queue, i);
  em_labeling_page_show (self, 0);
}

/* ---- signals and actions ------------------------------------------------------- */

static void
boxes_changed_cb (EmLabelingPage *self)
{
  EmSample *sample = em_box_editor_get_sample (self->editor);

  if (sample != NULL && self->pos < self->queue->len)
    queue_item (self, self->pos)->n_boxes = em_sample_get_n_boxes (sample);
  update_proposals (self);
  update_header (self);
}

static void
editor_error_cb (EmLabelingPage *self, const char *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *overlay = root != NULL ? gtk_widget_get_first_child (GTK_WIDGET (root)) : NULL;

  /* The window's toast overlay when there is one, else the log. */
  while (overlay != NULL && !ADW_IS_TOAST_OVERLAY (overlay))
    overlay = gtk_widget_get_first_child (overlay);
  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (message));
  else
    g_message ("labeling: %s", message);
}

static void
step_action (GtkWidget *widget, const char *name, GVariant *param)
{
  EmLabelingPage *self = EM_LABELING_PAGE (widget);

  if (g_str_equal (name, "labeling.next") && self->pos + 1 < self->queue->len)
    em_labeling_page_show (self, self->pos + 1);
  else if (g_str_equal (name, "labeling.previous") && self->pos > 0 && self->queue->len > 0)
    em_labeling_page_show (self, MIN (self->pos, self->queue->len) - 1);
}

static void
save_next_action (GtkWidget *widget, const char *name, GVariant *param)
{
  EmLabelingPage *self = EM_LABELING_PAGE (widget);
  guint n = self->queue->len;

  if (self->pos >= n)
    return;
  /* The boxes are in the project already; saving marks the image done (an
   * image may rightly have no object) and moves to the next one left,
   * going round to those skipped earlier. */
  queue_item (self, self->pos)->saved = TRUE;
  for (guint k = 1; k <= n; k++)
    {
      guint p = (self->pos + k) % n;
      if (item_left (queue_item (self, p)))
        {
          em_labeling_page_show (self, p);
          return;
        }
    }
  em_labeling_page_show (self, n);
}

/* The proposal bar's buttons sit beside the editor, out of reach of its
 * actions: these forward to them. */
static void
proposal_action (GtkWidget *widget, const char *name, GVariant *param)
{
  EmLabelingPage *self = EM_LABELING_PAGE (widget);

  gtk_widget_activate_action (GTK_WIDGET (self->editor), g_str_equal (name, "labeling.accept")
                              ? "editor.accept-proposals" : "editor.reject-proposals", NULL);
}

static void
close_action (GtkWidget *widget, const char *name, GVariant *param)
{
  g_signal_emit (widget, signals[CLOSE], 0);
}

/* ---- GObject ------------------------------------------------------------------ */

static void
em_labeling_page_dispose (GObject *object)
{
  EmLabelingPage *self = EM_LABELING_PAGE (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), EM_TYPE_LABELING_PAGE);
  /* The outer box has no id, so dispose_template() leaves it. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->project);
  g_clear_pointer (&self->sources, g_ptr_array_unref);
  g_clear_pointer (&self->model_source, em_box_proposal_source_free);
  G_OBJECT_CLASS (em_labeling_page_parent_class)->dispose (object);
}

static void
em_labeling_page_finalize (GObject *object)
{
  EmLabelingPage *self = EM_LABELING_PAGE (object);

  g_array_unref (self->order);
  g_array_unref (self->queue);
  G_OBJECT_CLASS (em_labeling_page_parent_class)->finalize (object);
}

static void
em_labeling_page_class_init (EmLabelingPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = em_labeling_page_dispose;
  object_class->finalize = em_labeling_page_finalize;

  signals[CLOSE] = g_signal_new ("close", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (EM_TYPE_BOX_EDITOR);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/emberstudio/Ember/ui/em-labeling-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EmLabelingPage, name_label);
  gtk_widget_class_bind_template_child (widget_class, EmLabelingPage, left_label);
  gtk_widget_class_bind_template_child (widget_class, EmLabelingPage, stack);
  gtk_widget_class_bind_template_child (widget_class, EmLabelingPage, editor);
  gtk_widget_class_bind_template_child (widget_class, EmLabelingPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, EmLabelingPage, proposal_revealer);
  gtk_widget_class_bind_template_child (widget_class, EmLabelingPage, proposal_label);
  gtk_widget_class_bind_template_callback (widget_class, boxes_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, editor_error_cb);
  gtk_widget_class_bind_template_callback (widget_class, update_proposals);

  gtk_widget_class_install_action (widget_class, "labeling.next", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "labeling.previous", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "labeling.save-next", NULL, save_next_action);
  gtk_widget_class_install_action (widget_class, "labeling.close", NULL, close_action);
  gtk_widget_class_install_action (widget_class, "labeling.accept", NULL, proposal_action);
  gtk_widget_class_install_action (widget_class, "labeling.reject", NULL, proposal_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, 0, "labeling.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, 0, "labeling.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, 0, "labeling.previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, 0, "labeling.previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "labeling.save-next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "labeling.save-next", NULL);
}

static void
em_labeling_page_init (EmLabelingPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->order = g_array_new (FALSE, TRUE, sizeof (Item));
  g_array_set_clear_func (self->order, (GDestroyNotify) item_clear);
  self->queue = g_array_new (FALSE, FALSE, sizeof (guint));
  self->sources = g_ptr_array_new_with_free_func ((GDestroyNotify) em_box_proposal_source_free);
  g_ptr_array_add (self->sources, em_box_track_source_new (EM_BOX_TRACK_DEFAULT_RADIUS));
}

GtkWidget *
em_labeling_page_new (EmProject *project)
{
  EmLabelingPage *self = g_object_new (EM_TYPE_LABELING_PAGE, NULL);

  g_return_val_if_fail (project == NULL || EM_IS_PROJECT (project), NULL);
  self->project = project != NULL ? g_object_ref (project) : NULL;
  em_box_editor_set_project (self->editor, project);
  em_labeling_page_reload (self);
  return GTK_WIDGET (self);
}

void
em_labeling_page_add_source (EmLabelingPage *self, EmBoxProposalSource *source)
{
  g_return_if_fail (EM_IS_LABELING_PAGE (self));
  g_return_if_fail (source != NULL);
  g_ptr_array_add (self->sources, source);
}

EmBoxEditor *
em_labeling_page_get_editor (EmLabelingPage *self)
{
  g_return_val_if_fail (EM_IS_LABELING_PAGE (self), NULL);
  return self->editor;
}

guint
em_labeling_page_get_n_queued (EmLabelingPage *self)
{
  g_return_val_if_fail (EM_IS_LABELING_PAGE (self), 0);
  return self->queue->len;
}

guint
em_labeling_page_get_n_left (EmLabelingPage *self)
{
  guint n = 0;

  g_return_val_if_fail (EM_IS_LABELING_PAGE (self), 0);
  for (guint i = 0; i < self->queue->len; i++)
    n += item_left (queue_item (self, i));
  return n;
}

guint
em_labeling_page_get_position (EmLabelingPage *self)
{
  g_return_val_if_fail (EM_IS_LABELING_PAGE (self), 0);
  return self->pos;
}

gint64
em_labeling_page_get_current_id (EmLabelingPage *self)
{
  g_return_val_if_fail (EM_IS_LABELING_PAGE (self), 0);
  return em_box_editor_get_sample_id (self->editor);
}
