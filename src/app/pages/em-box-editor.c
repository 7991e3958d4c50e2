/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <glib/gi18n.h>

#include "em-box-editor-private.h"

#define RECENT_KEY   "labeling-recent-labels"
#define RECENT_MAX   12
#define ZOOM_MAX     32.0
#define DUP_OFFSET   8.0   /* image pixels */

typedef struct {
  GPtrArray *states; /* GArray of EmBoundingBox */
  guint      pos;
} History;

G_DEFINE_FINAL_TYPE (EmBoxEditor, em_box_editor, GTK_TYPE_WIDGET)

enum { BOXES_CHANGED, PROPOSALS_CHANGED, ERROR, N_SIGNALS };
static guint signals[N_SIGNALS];

/* ---- box lists ------------------------------------------------------------------ */

static void
box_clear (EmBoundingBox *box)
{
  g_clear_pointer (&box->label, g_free);
}

static GArray *
boxes_new (void)
{
  GArray *a = g_array_new (FALSE, TRUE, sizeof (EmBoundingBox));

  g_array_set_clear_func (a, (GDestroyNotify) box_clear);
  return a;
}

void
em_box_editor_append_box (GArray *a, const char *label, double x, double y, double w, double h)
{
  EmBoundingBox box = { g_strdup (label), x, y, w, h };

  g_array_append_val (a, box);
}

static GArray *
boxes_copy (GArray *src)
{
  GArray *a = boxes_new ();

  for (guint i = 0; i < src->len; i++)
    {
      const EmBoundingBox *b = &g_array_index (src, EmBoundingBox, i);
      em_box_editor_append_box (a, b->label, b->x, b->y, b->width, b->height);
    }
  return a;
}

static gboolean
boxes_equal (GArray *a, GArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    {
      const EmBoundingBox *p = &g_array_index (a, EmBoundingBox, i);
      const EmBoundingBox *q = &g_array_index (b, EmBoundingBox, i);
      if (g_strcmp0 (p->label, q->label) != 0 || p->x != q->x || p->y != q->y ||
          p->width != q->width || p->height != q->height)
        return FALSE;
    }
  return TRUE;
}

static void
history_free (History *h)
{
  g_ptr_array_unref (h->states);
  g_free (h);
}

static History *
current_history (EmBoxEditor *self)
{
  gint64 id = em_box_editor_get_sample_id (self);

  return id != 0 ? g_hash_table_lookup (self->histories, &id) : NULL;
}

/* ---- state ------------------------------------------------------------------------ */

static void
update_actions (EmBoxEditor *self)
{
  GtkWidget *w = GTK_WIDGET (self);
  gboolean has_sel = self->selected >= 0 && self->selected < (int) self->boxes->len;

  gtk_widget_action_set_enabled (w, "editor.undo", em_box_editor_can_undo (self));
  gtk_widget_action_set_enabled (w, "editor.redo", em_box_editor_can_redo (self));
  gtk_widget_action_set_enabled (w, "editor.delete", has_sel);
  gtk_widget_action_set_enabled (w, "editor.duplicate", has_sel);
  gtk_widget_action_set_enabled (w, "editor.relabel", has_sel);
  gtk_widget_action_set_enabled (w, "editor.next-box", self->boxes->len > 0);
  gtk_widget_action_set_enabled (w, "editor.previous-box", self->boxes->len > 0);
  gtk_widget_action_set_enabled (w, "editor.accept-proposals", self->proposals->len > 0);
  gtk_widget_action_set_enabled (w, "editor.zoom-in", self->image != NULL);
  gtk_widget_action_set_enabled (w, "editor.zoom-out", self->image != NULL);
  gtk_widget_action_set_enabled (w, "editor.zoom-reset", self->image != NULL);
}

void
em_box_editor_changed (EmBoxEditor *self)
{
  update_actions (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Write the current boxes to the project and the sample. */
static void
write_boxes (EmBoxEditor *self)
{
  g_autoptr(EmSample) carrier = em_sample_new ();
  g_autoptr(GError) error = NULL;

  em_sample_clear_boxes (self->sample);
  for (guint i = 0; i < self->boxes->len; i++)
    {
      const EmBoundingBox *b = &g_array_index (self->boxes, EmBoundingBox, i);
      em_sample_add_box (carrier, b->label, b->x, b->y, b->width, b->height);
      em_sample_add_box (self->sample, b->label, b->x, b->y, b->width, b->height);
    }
  if (self->project != NULL &&
      !em_project_set_boxes (self->project, em_sample_get_id (self->sample), carrier, &error))
    g_signal_emit (self, signals[ERROR], 0, error->message);
  else
    g_signal_emit (self, signals[BOXES_CHANGED], 0);
  em_box_editor_changed (self);
}

/* A change made: a new undo state (dropping the redo states), written. */
void
em_box_editor_commit (EmBoxEditor *self)
{
  History *h = current_history (self);

  if (h == NULL)
    return;
  if (boxes_equal (g_ptr_array_index (h->states, h->pos), self->boxes))
    {
      em_box_editor_changed (self);
      return;
    }
  g_ptr_array_set_size (h->states, h->pos + 1);
  g_ptr_array_add (h->states, boxes_copy (self->boxes));
  h->pos++;
  write_boxes (self);
}

static void
restore_state (EmBoxEditor *self, guint pos)
{
  History *h = current_history (self);

  h->pos = pos;
  g_array_unref (self->boxes);
  self->boxes = boxes_copy (g_ptr_array_index (h->states, pos));
  if (self->selected >= (int) self->boxes->len)
    self->selected = (int) self->boxes->len - 1;
  write_boxes (self);
}

static void
clamp_box (EmBoxEditor *self, EmBoundingBox *b)
{
  double r = CLAMP (b->x + b->width, 0, self->iw), bottom = CLAMP (b->y + b->height, 0, self->ih);

  b->x = CLAMP (b->x, 0, self->iw);
  b->y = CLAMP (b->y, 0, self->ih);
  b->width = MAX (0, r - b->x);
  b->height = MAX (0, bottom - b->y);
}

static void
remember_label (EmBoxEditor *self, const char *label)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *joined = NULL;
  guint n = 1;

  g_strv_builder_add (builder, label);
  for (guint i = 0; self->recent != NULL && self->recent[i] != NULL && n < RECENT_MAX; i++)
    if (g_strcmp0 (self->recent[i], label) != 0)
      {
        g_strv_builder_add (builder, self->recent[i]);
        n++;
      }
  g_strfreev (self->recent);
  self->recent = g_strv_builder_end (builder);
  em_label_picker_set_recent (self->picker, (const char * const *) self->recent);
  /* Labels contain no newline (the project refuses control characters). */
  joined = g_strjoinv ("\n", self->recent);
  if (self->project != NULL && !em_project_set_setting (self->project, RECENT_KEY, joined, &error))
    g_signal_emit (self, signals[ERROR], 0, error->message);
}

void
em_box_editor_open_picker (EmBoxEditor *self)
{
  const EmBoundingBox *b;
  double x0, y0, x1, y1;

  if (self->selected < 0 || self->selected >= (int) self->boxes->len)
    return;
  b = &g_array_index (self->boxes, EmBoundingBox, self->selected);
  em_box_editor_image_to_widget (self, b->x, b->y, &x0, &y0);
  em_box_editor_image_to_widget (self, b->x + b->width, b->y + b->height, &x1, &y1);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->picker),
                               &(GdkRectangle) { (int) x0, (int) y0, MAX (1, (int) (x1 - x0)),
                                                 MAX (1, (int) (y1 - y0)) });
  em_label_picker_set_text (self->picker, b->label);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_popover_popup (GTK_POPOVER (self->picker));
}

static void
label_chosen_cb (EmLabelPicker *picker, const char *label, EmBoxEditor *self)
{
  em_box_editor_set_selected_label (self, label);
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

/* ---- actions ------------------------------------------------------------------------ */

static gboolean
picking (EmBoxEditor *self)
{
  /* Keys typed into the label picker's entry are not editor commands. */
  return gtk_widget_get_visible (GTK_WIDGET (self->picker));
}

static void
cycle_action (GtkWidget *widget, const char *name, GVariant *param)
{
  EmBoxEditor *self = EM_BOX_EDITOR (widget);
  int n = (int) self->boxes->len, step = g_str_equal (name, "editor.next-box") ? 1 : -1;

  if (n == 0 || picking (self))
    return;
  self->selected = self->selected < 0 ? (step > 0 ? 0 : n - 1) : ((self->selected + step) % n + n) % n;
  em_box_editor_changed (self);
}

static void
relabel_action (GtkWidget *widget, const char *name, GVariant *param)
{
  em_box_editor_open_picker (EM_BOX_EDITOR (widget));
}

static void
delete_action (GtkWidget *widget, const char *name, GVariant *param)
{
  EmBoxEditor *self = EM_BOX_EDITOR (widget);

  if (picking (self) || self->selected < 0 || self->selected >= (int) self->boxes->len)
    return;
  g_array_remove_index (self->boxes, self->selected);
  self->selected = MIN (self->selected, (int) self->boxes->len - 1);
  em_box_editor_commit (self);
}

static void
duplicate_action (GtkWidget *widget, const char *name, GVariant *param)
{
  EmBoxEditor *self = EM_BOX_EDITOR (widget);
  EmBoundingBox copy;

  if (picking (self) || self->selected < 0 || self->selected >= (int) self->boxes->len)
    return;
  copy = g_array_index (self->boxes, EmBoundingBox, self->selected);
  /* Beside the original (not on it, where it could not be told apart),
   * inside the image. */
  copy.x = MIN (copy.x + DUP_OFFSET, self->iw - copy.width);
  copy.y = MIN (copy.y + DUP_OFFSET, self->ih - copy.height);
  clamp_box (self, &copy);
  em_box_editor_append_box (self->boxes, copy.label, copy.x, copy.y, copy.width, copy.height);
  self->selected = (int) self->boxes->len - 1;
  em_box_editor_commit (self);
}

static void
undo_action (GtkWidget *widget, const char *name, GVariant *param)
{
  EmBoxEditor *self = EM_BOX_EDITOR (widget);
  History *h = current_history (self);
  gboolean redo = g_str_equal (name, "editor.redo");

  if (h == NULL || picking (self))
    return;
  if (redo && h->pos + 1 < h->states->len)
    restore_state (self, h->pos + 1);
  else if (!redo && h->pos > 0)
    restore_state (self, h->pos - 1);
}

static void
zoom_action (GtkWidget *widget, const char *name, GVariant *param)
{
  EmBoxEditor *self = EM_BOX_EDITOR (widget);
  double cx = gtk_widget_get_width (widget) / 2.0, cy = gtk_widget_get_height (widget) / 2.0;

  if (g_str_equal (name, "editor.zoom-in"))
    em_box_editor_zoom_at (self, self->zoom * ZOOM_STEP, cx, cy);
  else if (g_str_equal (name, "editor.zoom-out"))
    em_box_editor_zoom_at (self, self->zoom / ZOOM_STEP, cx, cy);
  else
    em_box_editor_zoom_at (self, 1, cx, cy);
}

void
em_box_editor_accept_proposal (EmBoxEditor *self, guint index)
{
  const EmBoxProposal *p = &g_array_index (self->proposals, EmBoxProposal, index);
  EmBoundingBox b = { p->label, p->x, p->y, p->width, p->height };

  clamp_box (self, &b);
  em_box_editor_append_box (self->boxes, p->label, b.x, b.y, b.width, b.height);
  g_array_remove_index (self->proposals, index);
  g_signal_emit (self, signals[PROPOSALS_CHANGED], 0);
}

static void
proposals_action (GtkWidget *widget, const char *name, GVariant *param)
{
  EmBoxEditor *self = EM_BOX_EDITOR (widget);

  if (picking (self))
    return;
  if (g_str_equal (name, "editor.accept-proposals"))
    {
      while (self->proposals->len > 0)
        em_box_editor_accept_proposal (self, 0);
      em_box_editor_commit (self);
    }
  else if (self->proposals->len > 0)
    {
      g_array_set_size (self->proposals, 0);
      g_signal_emit (self, signals[PROPOSALS_CHANGED], 0);
      em_box_editor_changed (self);
    }
  else
    {
      self->selected = -1;
      em_box_editor_changed (self);
    }
}

/* ---- GObject ------------------------------------------------------------------------ */

static void
em_box_editor_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  EmBoxEditor *self = EM_BOX_EDITOR (widget);

  gtk_popover_present (GTK_POPOVER (self->picker));
}

static void
em_box_editor_measure (GtkWidget *widget, GtkOrientation o, int for_size, int *min, int *nat,
                       int *min_baseline, int *nat_baseline)
{
  *min = 120;
  *nat = 480;
}

static void
em_box_editor_dispose (GObject *object)
{
  EmBoxEditor *self = EM_BOX_EDITOR (object);

  if (self->picker != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->picker));
      self->picker = NULL;
    }
  g_clear_object (&self->project);
  g_clear_object (&self->sample);
  g_clear_pointer (&self->image, cairo_surface_destroy);
  g_clear_pointer (&self->histories, g_hash_table_unref);
  g_clear_pointer (&self->recent, g_strfreev);
  G_OBJECT_CLASS (em_box_editor_parent_class)->dispose (object);
}

static void
em_box_editor_finalize (GObject *object)
{
  EmBoxEditor *self = EM_BOX_EDITOR (object);

  g_array_unref (self->boxes);
  g_array_unref (self->proposals);
  G_OBJECT_CLASS (em_box_editor_parent_class)->finalize (object);
}

static void
em_box_editor_class_init (EmBoxEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const struct { const char *action; guint key; GdkModifierType mods; } keys[] = {
    { "editor.next-box", GDK_KEY_Tab, 0 },
    { "editor.previous-box", GDK_KEY_ISO_Left_Tab, GDK_SHIFT_MASK },
    { "editor.previous-box", GDK_KEY_Tab, GDK_SHIFT_MASK },
    { "editor.relabel", GDK_KEY_l, 0 },
    { "editor.delete", GDK_KEY_Delete, 0 },
    { "editor.delete", GDK_KEY_BackSpace, 0 },
    { "editor.duplicate", GDK_KEY_d, GDK_CONTROL_MASK },
    { "editor.undo", GDK_KEY_z, GDK_CONTROL_MASK },
    { "editor.redo", GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK },
    { "editor.redo", GDK_KEY_Z, GDK_CONTROL_MASK | GDK_SHIFT_MASK },
    { "editor.redo", GDK_KEY_y, GDK_CONTROL_MASK },
    { "editor.zoom-in", GDK_KEY_plus, 0 },
    { "editor.zoom-in", GDK_KEY_equal, 0 },
    { "editor.zoom-in", GDK_KEY_KP_Add, 0 },
    { "editor.zoom-out", GDK_KEY_minus, 0 },
    { "editor.zoom-out", GDK_KEY_KP_Subtract, 0 },
    { "editor.zoom-reset", GDK_KEY_0, 0 },
    { "editor.accept-proposals", GDK_KEY_Return, 0 },
    { "editor.accept-proposals", GDK_KEY_KP_Enter, 0 },
    { "editor.reject-proposals", GDK_KEY_Escape, 0 },
  };

  object_class->dispose = em_box_editor_dispose;
  object_class->finalize = em_box_editor_finalize;
  widget_class->snapshot = em_box_editor_snapshot;
  widget_class->size_allocate = em_box_editor_size_allocate;
  widget_class->measure = em_box_editor_measure;

  signals[BOXES_CHANGED] = g_signal_new ("boxes-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[PROPOSALS_CHANGED] = g_signal_new ("proposals-changed", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_install_action (widget_class, "editor.next-box", NULL, cycle_action);
  gtk_widget_class_install_action (widget_class, "editor.previous-box", NULL, cycle_action);
  gtk_widget_class_install_action (widget_class, "editor.relabel", NULL, relabel_action);
  gtk_widget_class_install_action (widget_class, "editor.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "editor.duplicate", NULL, duplicate_action);
  gtk_widget_class_install_action (widget_class, "editor.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "editor.redo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "editor.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "editor.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "editor.zoom-reset", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "editor.accept-proposals", NULL, proposals_action);
  gtk_widget_class_install_action (widget_class, "editor.reject-proposals", NULL, proposals_action);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_widget_class_add_binding_action (widget_class, keys[i].key, keys[i].mods, keys[i].action, NULL);
  gtk_widget_class_set_css_name (widget_class, "box-editor");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
em_box_editor_init (EmBoxEditor *self)
{
  self->boxes = boxes_new ();
  self->proposals = em_box_proposals_new ();
  self->selected = -1;
  self->zoom = 1;
  self->histories = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                           (GDestroyNotify) history_free);
  self->picker = EM_LABEL_PICKER (em_label_picker_new ());
  gtk_widget_set_parent (GTK_WIDGET (self->picker), GTK_WIDGET (self));
  g_signal_connect (self->picker, "label-chosen", G_CALLBACK (label_chosen_cb), self);

  em_box_editor_input_init (self);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Image with bounding boxes"), -1);
  update_actions (self);
}

/* ---- public ----------------------------------------------------------------------- */

GtkWidget *
em_box_editor_new (void)
{
  return g_object_new (EM_TYPE_BOX_EDITOR, NULL);
}

void
em_box_editor_set_project (EmBoxEditor *self, EmProject *project)
{
  g_autofree char *recent = NULL;

  g_return_if_fail (EM_IS_BOX_EDITOR (self));
  if (self->project == project)
    return;
  g_set_object (&self->project, project);
  em_box_editor_set_sample_id (self, 0, NULL);
  g_hash_table_remove_all (self->histories);
  g_clear_pointer (&self->recent, g_strfreev);
  recent = project != NULL ? em_project_get_setting (project, RECENT_KEY) : NULL;
  self->recent = recent != NULL && *recent != '\0' ? g_strsplit (recent, "\n", RECENT_MAX)
                                                   : g_new0 (char *, 1);
  em_label_picker_set_recent (self->picker, (const char * const *) self->recent);
}

gboolean
em_box_editor_set_sample_id (EmBoxEditor *self, gint64 id, GError **error)
{
  g_autoptr(EmSample) sample = NULL;
  cairo_surface_t *image = NULL;
  History *h;

  g_return_val_if_fail (EM_IS_BOX_EDITOR (self), FALSE);
  if (id != 0)
    {
      g_return_val_if_fail (self->project != NULL, FALSE);
      sample = em_project_get_sample (self->project, id, TRUE, error);
      if (sample == NULL)
        return FALSE;
      if (em_sample_get_kind (sample) != EM_SENSOR_IMAGE)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("Sample “%s” is not an image"), em_sample_get_name (sample));
          return FALSE;
        }
      image = em_box_editor_decode (sample, error);
      if (image == NULL)
        return FALSE;
    }
  if (gtk_widget_get_visible (GTK_WIDGET (self->picker)))
    gtk_popover_popdown (GTK_POPOVER (self->picker));
  g_set_object (&self->sample, sample);
  g_clear_pointer (&self->image, cairo_surface_destroy);
  self->image = image;
  self->iw = image != NULL ? cairo_image_surface_get_width (image) : 0;
  self->ih = image != NULL ? cairo_image_surface_get_height (image) : 0;
  g_array_set_size (self->boxes, 0);
  g_array_set_size (self->proposals, 0);
  self->selected = -1;
  self->drag_mode = DRAG_NONE;
  self->zoom = 1;
  self->pan_x = self->pan_y = 0;
  for (guint i = 0; sample != NULL && i < em_sample_get_n_boxes (sample); i++)
    {
      const EmBoundingBox *b = em_sample_get_box (sample, i);
      em_box_editor_append_box (self->boxes, b->label, b->x, b->y, b->width, b->height);
    }
  /* Keep an image's undo stack while it still matches what is stored;
   * changed elsewhere meanwhile, it starts again from the stored boxes. */
  h = sample != NULL ? g_hash_table_lookup (self->histories, &id) : NULL;
  if (sample != NULL && (h == NULL || !boxes_equal (g_ptr_array_index (h->states, h->pos), self->boxes)))
    {
      h = g_new0 (History, 1);
      h->states = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
      g_ptr_array_add (h->states, boxes_copy (self->boxes));
      g_hash_table_insert (self->histories, g_memdup2 (&id, sizeof id), h);
    }
  em_box_editor_changed (self);
  return TRUE;
}

gint64
em_box_editor_get_sample_id (EmBoxEditor *self)
{
  g_return_val_if_fail (EM_IS_BOX_EDITOR (self), 0);
  return self->sample != NULL ? em_sample_get_id (self->sample) : 0;
}

EmSample *
em_box_editor_get_sample (EmBoxEditor *self)
{
  g_return_val_if_fail (EM_IS_BOX_EDITOR (self), NULL);
  return self->sample;
}

guint
em_box_editor_get_n_boxes (EmBoxEditor *self)
{
  g_return_val_if_fail (EM_IS_BOX_EDITOR (self), 0);
  return self->boxes->len;
}

const EmBoundingBox *
em_box_editor_get_box (EmBoxEditor *self, guint index)
{
  g_return_val_if_fail (EM_IS_BOX_EDITOR (self), NULL);
  g_return_val_if_fail (index < self->boxes->len, NULL);
  return &g_array_index (self->boxes, EmBoundingBox, index);
}

int
em_box_editor_get_selected (EmBoxEditor *self)
{
  g_return_val_if_fail (EM_IS_BOX_EDITOR (self), -1);
  return self->selected;
}

void
em_box_editor_select (EmBoxEditor *self, int index)
{
  g_return_if_fail (EM_IS_BOX_EDITOR (self));
  g_return_if_fail (index >= -1 && index < (int) self->boxes->len);
  self->selected = index;
  em_box_editor_changed (self);
}

void
em_box_editor_set_selected_label (EmBoxEditor *self, const char *label)
{
  EmBoundingBox *b;

  g_return_if_fail (EM_IS_BOX_EDITOR (self));
  g_return_if_fail (label != NULL && *label != '\0');
  if (self->selected < 0 || self->selected >= (int) self->boxes->len)
    return;
  b = &g_array_index (self->boxes, EmBoundingBox, self->selected);
  g_free (b->label);
  b->label = g_strdup (label);
  remember_label (self, label);
  em_box_editor_commit (self);
}

const char *
em_box_editor_get_default_label (EmBoxEditor *self)
{
  g_return_val_if_fail (EM_IS_BOX_EDITOR (self), NULL);
  return self->recent != NULL && self->recent[0] != NULL ? self->recent[0] : "object";
}

EmLabelPicker *
em_box_editor_get_label_picker (EmBoxEditor *self)
{
  g_return_val_if_fail (EM_IS_BOX_EDITOR (self), NULL);
  return self->picker;
}

void
em_box_editor_set_proposals (EmBoxEditor *self, GArray *proposals)
{
  g_return_if_fail (EM_IS_BOX_EDITOR (self));
  g_array_set_size (self->proposals, 0);
  for (guint i = 0; proposals != NULL && i < proposals->len; i++)
    {
      EmBoxProposal p = g_array_index (proposals, EmBoxProposal, i);
      p.label = g_strdup (p.label);
      g_array_append_val (self->proposals, p);
    }
  g_signal_emit (self, signals[PROPOSALS_CHANGED], 0);
  em_box_editor_changed (self);
}

guint
em_box_editor_get_n_proposals (EmBoxEditor *self)
{
  g_return_val_if_fail (EM_IS_BOX_EDITOR (self), 0);
  return self->proposals->len;
}

const EmBoxProposal *
em_box_editor_get_proposal (EmBoxEditor *self, guint index)
{
  g_return_val_if_fail (EM_IS_BOX_EDITOR (self), NULL);
  g_return_val_if_fail (index < self->proposals->len, NULL);
  return &g_array_index (self->proposals, EmBoxProposal, index);
}

gboolean
em_box_editor_can_undo (EmBoxEditor *self)
{
  History *h = current_history (self);
  return h != NULL && h->pos > 0;
}

gboolean
em_box_editor_can_redo (EmBoxEditor *self)
{
  History *h = current_history (self);
  return h != NULL && h->pos + 1 < h->states->len;
}

double
em_box_editor_get_zoom (EmBoxEditor *self)
{
  g_return_val_if_fail (EM_IS_BOX_EDITOR (self), 1);
  return self->zoom;
}

void
em_box_editor_zoom_at (EmBoxEditor *self, double zoom, double x, double y)
{
  double ix, iy, scale, ox, oy;

  g_return_if_fail (EM_IS_BOX_EDITOR (self));
  zoom = CLAMP (zoom, 1, ZOOM_MAX);
  em_box_editor_widget_to_image (self, x, y, &ix, &iy);
  self->zoom = zoom;
  self->pan_x = self->pan_y = 0;
  if (zoom > 1)
    {
      /* The image point under (x, y) stays there. */
      em_box_editor_layout (self, &scale, &ox, &oy);
      self->pan_x = x - (ox + ix * scale);
      self->pan_y = y - (oy + iy * scale);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
em_box_editor_image_to_widget (EmBoxEditor *self, double ix, double iy, double *x, double *y)
{
  double scale, ox, oy;

  em_box_editor_layout (self, &scale, &ox, &oy);
  *x = ox + ix * scale;
  *y = oy + iy * scale;
}

void
em_box_editor_widget_to_image (EmBoxEditor *self, double x, double y, double *ix, double *iy)
{
  double scale, ox, oy;

  em_box_editor_layout (self, &scale, &ox, &oy);
  *ix = (x - ox) / scale;
  *iy = (y - oy) / scale;
}
