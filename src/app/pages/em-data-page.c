/* SPDX-License-Identifier: Apache-2.0 */
#include <glib/gi18n.h>

#include "em-data-page-private.h"
#include "em-record-panel.h"

G_DEFINE_FINAL_TYPE (EmDataPage, em_data_page, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_PROJECT, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { JOB_STARTED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* ---- cells ---------------------------------------------------------------- */

static void
setup_text_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
setup_numeric_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  /* Right-aligned tabular digits so lengths and dates line up. */
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

/* The model hands out NULL for a row whose page could not be read (it logs
 * why); the cell is then left blank rather than crashing the view. */
static EmSample *
item_sample (GtkListItem *item)
{
  gpointer obj = gtk_list_item_get_item (item);

  return EM_IS_SAMPLE (obj) ? EM_SAMPLE (obj) : NULL;
}

static void
set_cell_text (GtkListItem *item, const char *text, const char *tooltip)
{
  GtkWidget *label = gtk_list_item_get_child (item);

  gtk_label_set_text (GTK_LABEL (label), text != NULL ? text : "");
  gtk_widget_set_tooltip_text (label, tooltip);
}

static void
bind_name_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  EmSample *sample = item_sample (item);
  const char *name = sample != NULL ? em_sample_get_name (sample) : NULL;

  set_cell_text (item, name, name);
  /* Disabled samples stay listed (they can be re-enabled) but read as off. */
  gtk_widget_set_opacity (gtk_list_item_get_child (item),
                          sample != NULL && !em_sample_get_enabled (sample) ? 0.55 : 1.0);
}

static void
bind_label_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  EmSample *sample = item_sample (item);
  const char *label = sample != NULL ? em_sample_get_label (sample) : NULL;

  if (sample != NULL && (label == NULL || *label == '\0'))
    label = C_("sample label", "—");
  set_cell_text (item, label, NULL);
}

static void
bind_category_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  EmSample *sample = item_sample (item);
  const char *text = NULL;

  if (sample != NULL)
    text = em_sample_get_category (sample) == EM_CATEGORY_TESTING ? _("Testing") : _("Training");
  set_cell_text (item, text, NULL);
}

static char *
format_length (EmSample *sample)
{
  double ms;

  if (em_sample_get_kind (sample) == EM_SENSOR_IMAGE)
    /* Translators: image size in pixels, width × height */
    return g_strdup_printf (_("%u × %u"), em_sample_get_width (sample),
                            em_sample_get_height (sample));
  ms = em_sample_get_length_ms (sample);
  if (ms < 10)
    /* Translators: a length in milliseconds with two decimals */
    return g_strdup_printf (_("%.2f ms"), ms);
  /* Translators: a length in whole milliseconds */
  return g_strdup_printf (_("%.0f ms"), ms);
}

static void
bind_length_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  EmSample *sample = item_sample (item);
  g_autofree char *text = sample != NULL ? format_length (sample) : NULL;

  set_cell_text (item, text, NULL);
}

static void
bind_added_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  EmSample *sample = item_sample (item);
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *text = NULL;
  g_autofree char *full = NULL;

  if (sample != NULL && em_sample_get_created (sample) > 0)
    when = g_date_time_new_from_unix_local (em_sample_get_created (sample) / G_USEC_PER_SEC);
  if (when != NULL)
    {
      /* ISO order compares at a glance; the tooltip has the locale's form. */
      text = g_date_time_format (when, "%Y-%m-%d %H:%M");
      full = g_date_time_format (when, "%c");
    }
  set_cell_text (item, text, full);
}

/* ---- summary, split, label counts ------------------------------------------ */

static void
chip_clicked_cb (GtkButton *button, EmDataPage *self)
{
  const char *label = g_object_get_data (G_OBJECT (button), "em-label");

  em_data_page_set_filter (self, label, -1, NULL);
}

static void
clear_chips (EmDataPage *self)
{
  for (GList *l = self->chips; l != NULL; l = l->next)
    gtk_flow_box_remove (self->label_flow, l->data);
  g_clear_pointer (&self->chips, g_list_free);
}

static void
add_chip (EmDataPage *self, const EmLabelStats *s)
{
  const char *name = s->label != NULL && *s->label != '\0' ? s->label : _("unlabeled");
  g_autofree char *markup = NULL;
  g_autofree char *tooltip = NULL;
  GtkWidget *button, *label;

  /* Translators: a label chip: the label, then its training / testing counts */
  markup = g_markup_printf_escaped (_("<b>%s</b>  %u / %u"), name,
                                    s->count[EM_CATEGORY_TRAINING], s->count[EM_CATEGORY_TESTING]);
  /* Translators: per-label counts in a tooltip, e.g. "yes: 20 training, 5 testing" */
  tooltip = g_strdup_printf (_("%s: %u training, %u testing — click to show only these"), name,
                             s->count[EM_CATEGORY_TRAINING], s->count[EM_CATEGORY_TESTING]);
  label = gtk_label_new (NULL);
  gtk_label_set_markup (GTK_LABEL (label), markup);
  button = gtk_button_new ();
  gtk_button_set_child (GTK_BUTTON (button), label);
  gtk_widget_set_tooltip_text (button, tooltip);
  /* Natural width inside the flow box's cell: a tag, not a slab. */
  gtk_widget_set_halign (button, GTK_ALIGN_START);
  gtk_widget_add_css_class (label, "numeric");
  g_object_set_data_full (G_OBJECT (button), "em-label", g_strdup (s->label != NULL ? s->label : ""),
                          g_free);
  g_signal_connect (button, "clicked", G_CALLBACK (chip_clicked_cb), self);
  gtk_flow_box_append (self->label_flow, button);
  self->chips = g_list_prepend (self->chips, gtk_widget_get_parent (button));
}

static void
update_label_dropdown (EmDataPage *self, GPtrArray *stats)
{
  const char *current = NULL;
  guint selected = gtk_drop_down_get_selected (self->label_dropdown);
  g_autofree char *keep = NULL;
  g_autoptr(GPtrArray) shown = g_ptr_array_new_with_free_func (g_free);
  guint new_selected = 0;

  if (selected != GTK_INVALID_LIST_POSITION && selected > 0 && selected - 1 < self->labels->len)
    current = g_ptr_array_index (self->labels, selected - 1);
  keep = g_strdup (current);

  /* Rebuilding the list moves the selection; that is not the user's
   * filter change, and the filter is put back as it was below. */
  self->updating_labels = TRUE;
  g_ptr_array_set_size (self->labels, 0);
  g_ptr_array_add (shown, g_strdup (_("All labels")));
  for (guint i = 0; stats != NULL && i < stats->len; i++)
    {
      const EmLabelStats *s = g_ptr_array_index (stats, i);
      const char *label = s->label != NULL ? s->label : "";

      g_ptr_array_add (self->labels, g_strdup (label));
      g_ptr_array_add (shown, g_strdup (*label != '\0' ? label : _("(unlabeled)")));
      if (keep != NULL && g_str_equal (keep, label))
        new_selected = self->labels->len;
    }
  g_ptr_array_add (shown, NULL);
  gtk_string_list_splice (self->label_list, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->label_list)),
                          (const char * const *) shown->pdata);
  gtk_drop_down_set_selected (self->label_dropdown, new_selected);
  self->updating_labels = FALSE;
  /* A label that vanished (all its samples relabelled) drops the filter. */
  if (keep != NULL && new_selected == 0)
    gtk_widget_activate_action (GTK_WIDGET (self), "data.refilter", NULL);
}

static void
update_summary (EmDataPage *self)
{
  g_autoptr(GPtrArray) stats = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *n_text = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *split = NULL;
  g_autoptr(GString) labels = g_string_new (NULL);
  guint n_train = 0, n_test = 0, total;

  clear_chips (self);
  g_clear_pointer (&self->label_summary, g_free);
  if (self->project == NULL)
    {
      gtk_label_set_text (self->summary_label, "");
      gtk_label_set_text (self->split_label, "");
      gtk_level_bar_set_value (self->split_bar, 0);
      update_label_dropdown (self, NULL);
      return;
    }
  stats = em_project_label_stats (self->project, &error);
  if (stats == NULL)
    {
      /* The page stays usable and says what failed where the numbers were. */
      gtk_label_set_text (self->summary_label, _("Could not count the samples"));
      gtk_label_set_text (self->split_label, error->message);
      return;
    }
  for (guint i = 0; i < stats->len; i++)
    {
      const EmLabelStats *s = g_ptr_array_index (stats, i);

      n_train += s->count[EM_CATEGORY_TRAINING];
      n_test += s->count[EM_CATEGORY_TESTING];
      add_chip (self, s);
      g_string_append_printf (labels, "%s%s %u", labels->len > 0 ? " · " : "",
                              s->label != NULL && *s->label != '\0' ? s->label : _("unlabeled"),
                              s->count[EM_CATEGORY_TRAINING] + s->count[EM_CATEGORY_TESTING]);
    }
  self->label_summary = g_string_free (g_steal_pointer (&labels), FALSE);
  total = n_train + n_test;
  n_text = g_strdup_printf (ngettext ("%u sample", "%u samples", total), total);
  /* Translators: "200 samples · 160 training · 40 testing" */
  summary = g_strdup_printf (_("%s · %u training · %u testing"), n_text, n_train, n_test);
  gtk_label_set_text (self->summary_label, summary);
  if (total > 0)
    {
      guint train_pct = (guint) (100.0 * n_train / total + 0.5);
      /* Translators: the train/test split in percent, e.g. "80 % / 20 %" */
      split = g_strdup_printf (_("%u %% / %u %%"), train_pct, 100 - train_pct);
    }
  gtk_label_set_text (self->split_label, split != NULL ? split : "");
  gtk_level_bar_set_value (self->split_bar, total > 0 ? (double) n_train / total : 0);
  update_label_dropdown (self, stats);
}

static void
refresh_viewer (EmDataPage *self)
{
  gint64 id = em_sample_viewer_get_sample_id (self->viewer);
  g_autoptr(GPtrArray) still = NULL;

  /* The shown sample may have been relabelled, moved or deleted; a clip
   * that is playing is left alone until it ends. */
  if (id == 0 || self->project == NULL || em_sample_viewer_get_playing (self->viewer))
    return;
  still = em_project_get_samples (self->project, &id, 1, NULL);
  em_sample_viewer_set_sample_id (self->viewer, still != NULL && still->len == 1 ? id : 0);
}

static gboolean
update_summary_idle (gpointer data)
{
  update_summary (data);
  refresh_viewer (data);
  return G_SOURCE_REMOVE;
}

static void
samples_changed_cb (EmDataPage *self, EmProject *project)
{
  /* The project emits on the thread that made the change (an import runs
   * on a worker); widgets are only touched on the main one. */
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, update_summary_idle,
                              g_object_ref (self), g_object_unref);
}

/* ---- filters, empty state, selection --------------------------------------- */

static gboolean
filtering (EmDataPage *self)
{
  const char *search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  return gtk_drop_down_get_selected (self->label_dropdown) > 0 ||
         gtk_drop_down_get_selected (self->category_dropdown) > 0 ||
         (search != NULL && *search != '\0');
}

static void
update_empty_state (EmDataPage *self)
{
  if (em_data_page_get_n_rows (self) > 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "list");
      return;
    }
  if (filtering (self))
    {
      adw_status_page_set_icon_name (self->empty_page, "edit-find-symbolic");
      adw_status_page_set_title (self->empty_page, _("No Matching Samples"));
      adw_status_page_set_description (self->empty_page,
                                       _("No sample matches the label, category and search"));
    }
  else
    {
      adw_status_page_set_icon_name (self->empty_page, "folder-download-symbolic");
      adw_status_page_set_title (self->empty_page, _("No Samples Yet"));
      adw_status_page_set_description (self->empty_page,
                                       _("Drop WAV, CSV, JSON, CBOR, PNG or JPEG files or folders "
                                         "here to import them"));
    }
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

static void
apply_filter (EmDataPage *self)
{
  g_autofree char *key = NULL;
  guint label_pos = gtk_drop_down_get_selected (self->label_dropdown);
  guint category_pos = gtk_drop_down_get_selected (self->category_dropdown);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  EmSampleFilter filter;

  if (self->model == NULL)
    return;
  em_sample_filter_init (&filter);
  if (label_pos != GTK_INVALID_LIST_POSITION && label_pos > 0 && label_pos - 1 < self->labels->len)
    filter.label = g_ptr_array_index (self->labels, label_pos - 1);
  if (category_pos == 1 || category_pos == 2)
    filter.category = category_pos == 1 ? EM_CATEGORY_TRAINING : EM_CATEGORY_TESTING;
  filter.search = text != NULL && *text != '\0' ? text : NULL;
  /* The search entry reports its text again a moment after it was set;
   * re-reading the same ids would only drop the selection. */
  key = g_strdup_printf ("%s\x1f%d\x1f%s", filter.label != NULL ? filter.label : "\x1e",
                         filter.category, filter.search != NULL ? filter.search : "");
  if (g_strcmp0 (key, self->filter_key) == 0)
    return;
  g_free (self->filter_key);
  self->filter_key = g_steal_pointer (&key);
  /* The model copies the filter and re-reads the matching ids in SQL; the
   * view updates from items-changed. */
  em_sample_list_model_set_filter (self->model, &filter);
}

static void
filter_changed_cb (EmDataPage *self)
{
  if (self->updating_labels)
    return;
  apply_filter (self);
}

static void
refilter_action (GtkWidget *widget, const char *name, GVariant *param)
{
  apply_filter (EM_DATA_PAGE (widget));
}

static void
model_items_changed_cb (EmDataPage *self, guint position, guint removed, guint added,
                        GListModel *model)
{
  update_empty_state (self);
}

static void
show_position (EmDataPage *self, guint position)
{
  g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (EM_IS_SAMPLE (item) && em_sample_get_id (EM_SAMPLE (item)) !=
                             em_sample_viewer_get_sample_id (self->viewer))
    em_sample_viewer_set_sample_id (self->viewer, em_sample_get_id (EM_SAMPLE (item)));
}

static void
selection_changed_cb (EmDataPage *self, guint position, guint n_items, GtkSelectionModel *model);

static void
selection_items_changed_cb (EmDataPage *self, guint position, guint removed, guint added,
                            GtkSelectionModel *model)
{
  /* A reload replaces the rows, and GtkMultiSelection drops their selection
   * without emitting selection-changed: bring the bar up to date. */
  selection_changed_cb (self, position, added, model);
}

static void
selection_changed_cb (EmDataPage *self, guint position, guint n_items, GtkSelectionModel *model)
{
  g_autoptr(GtkBitset) set = gtk_selection_model_get_selection (model);
  guint64 n = gtk_bitset_get_size (set);
  g_autofree char *text = NULL;

  /* The viewer follows the first selected row, so a single click shows a
   * sample and extending the selection keeps it in view. */
  if (n > 0)
    show_position (self, gtk_bitset_get_minimum (set));
  text = g_strdup_printf (ngettext ("%" G_GUINT64_FORMAT " selected",
                                    "%" G_GUINT64_FORMAT " selected", n), n);
  gtk_label_set_text (self->selection_label, text);
  gtk_revealer_set_reveal_child (self->selection_revealer, n > 0);
  em_data_page_update_actions (self);
}

static void
row_activated_cb (EmDataPage *self, guint position, GtkColumnView *view)
{
  show_position (self, position);
}

/* ---- GObject -------------------------------------------------------------- */

static void
em_data_page_dispose (GObject *object)
{
  EmDataPage *self = EM_DATA_PAGE (object);

  em_data_page_clear_undo (self);
  if (self->import_job != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->import_job, self);
      g_clear_object (&self->import_job);
    }
  if (self->project != NULL)
    g_signal_handlers_disconnect_by_func (self->project, samples_changed_cb, self);
  g_clear_pointer (&self->chips, g_list_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), EM_TYPE_DATA_PAGE);
  g_clear_object (&self->selection);
  g_clear_object (&self->model);
  g_clear_object (&self->project);
  g_clear_pointer (&self->labels, g_ptr_array_unref);
  g_clear_pointer (&self->filter_key, g_free);
  g_clear_pointer (&self->label_summary, g_free);
  G_OBJECT_CLASS (em_data_page_parent_class)->dispose (object);
}

static void
em_data_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EmDataPage *self = EM_DATA_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_data_page_set_property (GObject *object, guint prop_id, const GValue *value,
                           GParamSpec *pspec)
{
  EmDataPage *self = EM_DATA_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      em_data_page_set_project (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_data_page_class_init (EmDataPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = em_data_page_dispose;
  object_class->get_property = em_data_page_get_property;
  object_class->set_property = em_data_page_set_property;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, EM_TYPE_PROJECT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[JOB_STARTED] = g_signal_new ("job-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, EM_TYPE_JOB);

  g_type_ensure (EM_TYPE_SAMPLE_VIEWER);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/emberstudio/Ember/ui/em-data-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EmDataPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, EmDataPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, EmDataPage, split_bar);
  gtk_widget_class_bind_template_child (widget_class, EmDataPage, split_label);
  gtk_widget_class_bind_template_child (widget_class, EmDataPage, label_flow);
  gtk_widget_class_bind_template_child (widget_class, EmDataPage, label_dropdown);
  gtk_widget_class_bind_template_child (widget_class, EmDataPage, label_list);
  gtk_widget_class_bind_template_child (widget_class, EmDataPage, category_dropdown);
  gtk_widget_class_bind_template_child (widget_class, EmDataPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, EmDataPage, record_popover);
  gtk_widget_class_bind_template_child (widget_class, EmDataPage, import_revealer);
  gtk_widget_class_bind_template_child (widget_class, EmDataPage, import_label);
  gtk_widget_class_bind_template_child (widget_class, EmDataPage, import_progress);
  gtk_widget_class_bind_template_child (widget_class, EmDataPage, stack);
  gtk_widget_class_bind_template_child (widget_class, EmDataPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, EmDataPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, EmDataPage, selection_revealer);
  gtk_widget_class_bind_template_child (widget_class, EmDataPage, selection_label);
  gtk_widget_class_bind_template_child (widget_class, EmDataPage, relabel_button);
  gtk_widget_class_bind_template_child (widget_class, EmDataPage, relabel_popover);
  gtk_widget_class_bind_template_child (widget_class, EmDataPage, relabel_entry);
  gtk_widget_class_bind_template_child (widget_class, EmDataPage, viewer);
  gtk_widget_class_bind_template_callback (widget_class, setup_text_cb);
  gtk_widget_class_bind_template_callback (widget_class, setup_numeric_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_name_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_label_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_category_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_length_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_added_cb);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback_full (widget_class, "relabel_apply_cb",
                                                G_CALLBACK (em_data_page_relabel_apply_cb));
  gtk_widget_class_bind_template_callback_full (widget_class, "import_cancel_cb",
                                                G_CALLBACK (em_data_page_import_cancel_cb));

  gtk_widget_class_install_action (widget_class, "data.refilter", NULL, refilter_action);
  em_data_page_actions_class_init (widget_class);
}

static void
em_data_page_init (EmDataPage *self)
{
  GtkDropTarget *drop;

  self->labels = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  update_label_dropdown (self, NULL);
  /* One colour for the split: the level bar's low/high/full offsets would
   * turn it another colour at 75 % and 100 %, which means nothing here. */
  gtk_level_bar_remove_offset_value (self->split_bar, GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (self->split_bar, GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (self->split_bar, GTK_LEVEL_BAR_OFFSET_FULL);
  /* Typing while the list has focus starts a search, as in Files. */
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self->column_view));

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (em_data_page_drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  update_empty_state (self);
  em_data_page_update_actions (self);
}

GtkWidget *
em_data_page_new (EmProject *project)
{
  return g_object_new (EM_TYPE_DATA_PAGE, "project", project, NULL);
}

EmProject *
em_data_page_get_project (EmDataPage *self)
{
  g_return_val_if_fail (EM_IS_DATA_PAGE (self), NULL);
  return self->project;
}

void
em_data_page_set_project (EmDataPage *self, EmProject *project)
{
  g_return_if_fail (EM_IS_DATA_PAGE (self));
  g_return_if_fail (project == NULL || EM_IS_PROJECT (project));

  if (self->project == project)
    return;

  em_data_page_clear_undo (self);
  if (self->project != NULL)
    g_signal_handlers_disconnect_by_func (self->project, samples_changed_cb, self);
  gtk_column_view_set_model (self->column_view, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->model);
  g_clear_pointer (&self->filter_key, g_free);
  g_set_object (&self->project, project);
  em_sample_viewer_set_project (self->viewer, project);
  /* The Record panel belongs to one project; it lists devices only while shown. */
  gtk_popover_set_child (self->record_popover, project != NULL ? em_record_panel_new (project) : NULL);

  /* Reset before the new model exists, so these changes filter nothing. */
  self->updating_labels = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_drop_down_set_selected (self->category_dropdown, 0);
  gtk_drop_down_set_selected (self->label_dropdown, 0);
  self->updating_labels = FALSE;

  if (project != NULL)
    {
      self->model = em_sample_list_model_new (project);
      g_signal_connect_object (self->model, "items-changed",
                               G_CALLBACK (model_items_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (project, "samples-changed",
                               G_CALLBACK (samples_changed_cb), self, G_CONNECT_SWAPPED);
      self->selection = gtk_multi_selection_new (G_LIST_MODEL (g_object_ref (self->model)));
      g_signal_connect_object (self->selection, "selection-changed",
                               G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->selection, "items-changed",
                               G_CALLBACK (selection_items_changed_cb), self, G_CONNECT_SWAPPED);
      gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
    }
  gtk_revealer_set_reveal_child (self->selection_revealer, FALSE);
  update_summary (self);
  update_empty_state (self);
  em_data_page_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT]);
}

guint
em_data_page_get_n_rows (EmDataPage *self)
{
  g_return_val_if_fail (EM_IS_DATA_PAGE (self), 0);
  return self->model != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->model)) : 0;
}

GtkSelectionModel *
em_data_page_get_selection (EmDataPage *self)
{
  g_return_val_if_fail (EM_IS_DATA_PAGE (self), NULL);
  return self->selection != NULL ? GTK_SELECTION_MODEL (self->selection) : NULL;
}

EmSampleViewer *
em_data_page_get_viewer (EmDataPage *self)
{
  g_return_val_if_fail (EM_IS_DATA_PAGE (self), NULL);
  return self->viewer;
}

void
em_data_page_focus_search (EmDataPage *self)
{
  g_return_if_fail (EM_IS_DATA_PAGE (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

void
em_data_page_set_filter (EmDataPage *self, const char *label, int category, const char *search)
{
  guint label_pos = 0;

  g_return_if_fail (EM_IS_DATA_PAGE (self));

  for (guint i = 0; label != NULL && i < self->labels->len; i++)
    if (g_str_equal (g_ptr_array_index (self->labels, i), label))
      label_pos = i + 1;
  /* One filter pass for the three changes, not three. */
  self->updating_labels = TRUE;
  gtk_drop_down_set_selected (self->label_dropdown, label_pos);
  gtk_drop_down_set_selected (self->category_dropdown,
                              category == EM_CATEGORY_TRAINING ? 1
                              : category == EM_CATEGORY_TESTING ? 2 : 0);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), search != NULL ? search : "");
  self->updating_labels = FALSE;
  apply_filter (self);
}

const char *
em_data_page_get_summary (EmDataPage *self)
{
  g_return_val_if_fail (EM_IS_DATA_PAGE (self), NULL);
  return gtk_label_get_text (self->summary_label);
}

const char *
em_data_page_get_label_summary (EmDataPage *self)
{
  g_return_val_if_fail (EM_IS_DATA_PAGE (self), NULL);
  return self->label_summary != NULL ? self->label_summary : "";
}

const char *
em_data_page_get_split_text (EmDataPage *self)
{
  g_return_val_if_fail (EM_IS_DATA_PAGE (self), NULL);
  return gtk_label_get_text (self->split_label);
}

void
em_data_page_emit_job_started (EmDataPage *self, EmJob *job)
{
  g_signal_emit (self, signals[JOB_STARTED], 0, job);
}
