/* SPDX-License-Identifier: Apache-2.0 */
#include <glib/gi18n.h>
#include <adwaita.h>

#include "em-samples-page.h"
#include "em-sample-list-model.h"

struct _EmSamplesPage
{
  GtkWidget          parent_instance;

  /* template children */
  GtkLabel          *summary_label;
  GtkLabel          *labels_label;
  GtkSearchEntry    *search_entry;
  GtkStack          *stack;
  GtkColumnView     *column_view;
  AdwStatusPage     *empty_page;

  EmProject         *project;
  EmSampleListModel *model;
};

G_DEFINE_FINAL_TYPE (EmSamplesPage, em_samples_page, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_PROJECT, N_PROPS };
static GParamSpec *properties[N_PROPS];

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

  /* Right-aligned tabular digits so lengths and dates line up down the column. */
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

static void
setup_enabled_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  GtkWidget *image = gtk_image_new ();

  gtk_widget_set_halign (image, GTK_ALIGN_START);
  gtk_widget_add_css_class (image, "sample-enabled");
  gtk_list_item_set_child (item, image);
}

/* The model may hand out NULL for a row whose page could not be read (it logs
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

  /* Names are often longer than the column; the tooltip shows the whole one. */
  set_cell_text (item, name, name);
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

static const char *
category_name (EmCategory category)
{
  return category == EM_CATEGORY_TESTING ? _("Testing") : _("Training");
}

static void
bind_category_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  EmSample *sample = item_sample (item);

  set_cell_text (item, sample != NULL ? category_name (em_sample_get_category (sample)) : NULL,
                 NULL);
}

static const char *
sensor_name (EmSensorKind kind)
{
  switch (kind)
    {
    case EM_SENSOR_AUDIO:
      return _("Audio");
    case EM_SENSOR_IMAGE:
      return _("Image");
    case EM_SENSOR_TIME_SERIES:
    default:
      return _("Time series");
    }
}

static void
bind_sensor_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  EmSample *sample = item_sample (item);
  g_autoptr(GString) axes = NULL;

  if (sample == NULL)
    {
      set_cell_text (item, NULL, NULL);
      return;
    }
  /* The axes (accX, accY, ...) say which sensor it was; too long for the cell. */
  axes = g_string_new (NULL);
  for (guint i = 0; i < em_sample_get_n_axes (sample); i++)
    {
      const EmAxis *axis = em_sample_get_axis (sample, i);

      if (axes->len > 0)
        g_string_append (axes, ", ");
      g_string_append (axes, axis->name);
      if (axis->units != NULL && *axis->units != '\0')
        g_string_append_printf (axes, " (%s)", axis->units);
    }
  set_cell_text (item, sensor_name (em_sample_get_kind (sample)),
                 axes->len > 0 ? axes->str : NULL);
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
bind_created_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  EmSample *sample = item_sample (item);
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *text = NULL;
  g_autofree char *full = NULL;

  if (sample != NULL && em_sample_get_created (sample) > 0)
    when = g_date_time_new_from_unix_local (em_sample_get_created (sample) / G_USEC_PER_SEC);
  if (when != NULL)
    {
      /* ISO order sorts and compares at a glance; the tooltip has the
       * locale's long form. */
      text = g_date_time_format (when, "%Y-%m-%d %H:%M");
      full = g_date_time_format (when, "%c");
    }
  set_cell_text (item, text, full);
}

static void
bind_enabled_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  EmSample *sample = item_sample (item);
  GtkWidget *image = gtk_list_item_get_child (item);
  gboolean enabled = sample != NULL && em_sample_get_enabled (sample);
  const char *what = enabled ? _("Enabled") : _("Disabled");

  /* A blank cell for disabled keeps the column quiet: most samples are enabled. */
  gtk_image_set_from_icon_name (GTK_IMAGE (image), enabled ? "object-select-symbolic" : NULL);
  gtk_widget_set_tooltip_text (image, sample != NULL ? what : NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL, what, -1);
}

/* ---- summary, search, empty state ---------------------------------------- */

static void
update_summary (EmSamplesPage *self)
{
  g_autoptr(GPtrArray) stats = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) labels = NULL;
  g_autoptr(GString) tooltip = NULL;
  g_autofree char *n_text = NULL;
  g_autofree char *train_text = NULL;
  g_autofree char *test_text = NULL;
  g_autofree char *summary = NULL;
  guint n_train = 0, n_test = 0;

  if (self->project == NULL)
    {
      gtk_label_set_text (self->summary_label, "");
      gtk_label_set_text (self->labels_label, "");
      return;
    }

  /* On failure the window stays usable and says what failed where the
   * numbers would be. */
  stats = em_project_label_stats (self->project, &error);
  if (stats == NULL)
    {
      gtk_label_set_text (self->summary_label, _("Could not count the samples"));
      gtk_label_set_text (self->labels_label, error->message);
      return;
    }

  labels = g_string_new (NULL);
  tooltip = g_string_new (NULL);
  for (guint i = 0; i < stats->len; i++)
    {
      const EmLabelStats *s = g_ptr_array_index (stats, i);
      const char *name = s->label != NULL && *s->label != '\0' ? s->label : _("unlabeled");

      n_train += s->count[EM_CATEGORY_TRAINING];
      n_test += s->count[EM_CATEGORY_TESTING];
      if (labels->len > 0)
        {
          g_string_append (labels, " · ");
          g_string_append_c (tooltip, '\n');
        }
      g_string_append_printf (labels, "%s %u", name,
                              s->count[EM_CATEGORY_TRAINING] + s->count[EM_CATEGORY_TESTING]);
      /* Translators: per-label counts in a tooltip, e.g. "yes: 20 training, 5 testing" */
      g_string_append_printf (tooltip, _("%s: %u training, %u testing"), name,
                              s->count[EM_CATEGORY_TRAINING], s->count[EM_CATEGORY_TESTING]);
    }

  n_text = g_strdup_printf (ngettext ("%u sample", "%u samples", n_train + n_test),
                            n_train + n_test);
  /* Translators: number of samples in the training set */
  train_text = g_strdup_printf (_("%u training"), n_train);
  /* Translators: number of samples in the testing set */
  test_text = g_strdup_printf (_("%u testing"), n_test);
  summary = g_strdup_printf ("%s · %s · %s", n_text, train_text, test_text);

  gtk_label_set_text (self->summary_label, summary);
  gtk_label_set_text (self->labels_label, labels->len > 0 ? labels->str : _("No labels yet"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->labels_label),
                               tooltip->len > 0 ? tooltip->str : NULL);
}

static void
update_empty_state (EmSamplesPage *self)
{
  const char *search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  gboolean searching = search != NULL && *search != '\0';
  guint n = self->model != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->model)) : 0;

  if (n > 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "list");
      return;
    }
  if (searching)
    {
      adw_status_page_set_icon_name (self->empty_page, "edit-find-symbolic");
      adw_status_page_set_title (self->empty_page, _("No Results Found"));
      adw_status_page_set_description (self->empty_page,
                                       _("No sample’s name or label contains this text"));
    }
  else
    {
      adw_status_page_set_icon_name (self->empty_page, "folder-documents-symbolic");
      adw_status_page_set_title (self->empty_page, _("No Samples"));
      adw_status_page_set_description (self->empty_page,
                                       _("Samples you collect or import will be listed here"));
    }
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

static void
search_changed_cb (EmSamplesPage *self, GtkSearchEntry *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  EmSampleFilter filter;

  if (self->model == NULL)
    return;
  em_sample_filter_init (&filter);
  filter.search = text != NULL && *text != '\0' ? text : NULL;
  /* The model copies the filter and re-reads the ids; items-changed then
   * updates the view and the empty state. */
  em_sample_list_model_set_filter (self->model, &filter);
}

static void
model_items_changed_cb (EmSamplesPage *self, guint position, guint removed, guint added,
                        GListModel *model)
{
  update_empty_state (self);
}

static gboolean
update_summary_idle (gpointer data)
{
  update_summary (data);
  return G_SOURCE_REMOVE;
}

static void
samples_changed_cb (EmSamplesPage *self, EmProject *project)
{
  /* The model reloads itself on the same signal; the counts are ours.
   * The project emits on the thread that made the change, and widgets may
   * only be touched on the main one: invoke runs at once when we are
   * there, else queues to the main loop. */
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, update_summary_idle,
                              g_object_ref (self), g_object_unref);
}

/* ---- GObject -------------------------------------------------------------- */

static void
em_samples_page_dispose (GObject *object)
{
  EmSamplesPage *self = EM_SAMPLES_PAGE (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), EM_TYPE_SAMPLES_PAGE);
  /* dispose_template() unparents only the bound children; the summary box
   * and the separator have no id. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->model);
  g_clear_object (&self->project);
  G_OBJECT_CLASS (em_samples_page_parent_class)->dispose (object);
}

static void
em_samples_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EmSamplesPage *self = EM_SAMPLES_PAGE (object);

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
em_samples_page_set_property (GObject *object, guint prop_id, const GValue *value,
                              GParamSpec *pspec)
{
  EmSamplesPage *self = EM_SAMPLES_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      em_samples_page_set_project (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_samples_page_class_init (EmSamplesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = em_samples_page_dispose;
  object_class->get_property = em_samples_page_get_property;
  object_class->set_property = em_samples_page_set_property;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, EM_TYPE_PROJECT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/emberstudio/Ember/ui/em-samples-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EmSamplesPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, EmSamplesPage, labels_label);
  gtk_widget_class_bind_template_child (widget_class, EmSamplesPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, EmSamplesPage, stack);
  gtk_widget_class_bind_template_child (widget_class, EmSamplesPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, EmSamplesPage, empty_page);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, setup_text_cb);
  gtk_widget_class_bind_template_callback (widget_class, setup_numeric_cb);
  gtk_widget_class_bind_template_callback (widget_class, setup_enabled_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_name_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_label_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_category_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_sensor_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_length_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_created_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_enabled_cb);
}

static void
em_samples_page_init (EmSamplesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Typing while the list has focus starts a search, as in Files. */
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self));
}

GtkWidget *
em_samples_page_new (void)
{
  return g_object_new (EM_TYPE_SAMPLES_PAGE, NULL);
}

EmProject *
em_samples_page_get_project (EmSamplesPage *self)
{
  g_return_val_if_fail (EM_IS_SAMPLES_PAGE (self), NULL);
  return self->project;
}

void
em_samples_page_set_project (EmSamplesPage *self, EmProject *project)
{
  g_return_if_fail (EM_IS_SAMPLES_PAGE (self));
  g_return_if_fail (project == NULL || EM_IS_PROJECT (project));

  if (self->project == project)
    return;

  if (self->project != NULL)
    g_signal_handlers_disconnect_by_func (self->project, samples_changed_cb, self);
  gtk_column_view_set_model (self->column_view, NULL);
  g_clear_object (&self->model);
  g_set_object (&self->project, project);

  /* Cleared before the new model exists so its search-changed is a no-op. */
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");

  if (project != NULL)
    {
      g_autoptr(GtkMultiSelection) selection = NULL;

      self->model = em_sample_list_model_new (project);
      g_signal_connect_object (self->model, "items-changed",
                               G_CALLBACK (model_items_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (project, "samples-changed",
                               G_CALLBACK (samples_changed_cb), self, G_CONNECT_SWAPPED);
      /* Multiple selection now so bulk relabel/move/delete can come without
       * changing the view. */
      selection = gtk_multi_selection_new (G_LIST_MODEL (g_object_ref (self->model)));
      gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (selection));
    }
  update_summary (self);
  update_empty_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT]);
}

void
em_samples_page_focus_search (EmSamplesPage *self)
{
  g_return_if_fail (EM_IS_SAMPLES_PAGE (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

const char *
em_samples_page_get_summary (EmSamplesPage *self)
{
  g_return_val_if_fail (EM_IS_SAMPLES_PAGE (self), NULL);
  return gtk_label_get_text (self->summary_label);
}

const char *
em_samples_page_get_label_summary (EmSamplesPage *self)
{
  g_return_val_if_fail (EM_IS_SAMPLES_PAGE (self), NULL);
  return gtk_label_get_text (self->labels_label);
}
