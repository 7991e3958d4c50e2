/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <glib/gi18n.h>
#include <adwaita.h>

#include "em-testing-page-private.h"
#include "em-error.h"
#include "em-impulse.h"
#include "em-learn.h"
#include "em-model-store.h"
#include "em-model-test.h"

struct _EmTestingPage
{
  GtkWidget        parent_instance;

  /* template children */
  GtkStack        *stack;
  AdwStatusPage   *none_page;
  GtkDropDown     *block_dropdown;
  GtkSpinButton   *threshold_spin;
  GtkWidget       *threshold_box;
  GtkLabel        *status_label;
  GtkProgressBar  *progress_bar;
  GtkStack        *result_stack;
  AdwStatusPage   *untrained_page;
  GtkLabel        *summary_label;
  GtkBox          *float_box;
  GtkBox          *int8_box;

  EmProject       *project;
  EmBlockRegistry *registry;
  GStrv            block_ids;      /* the impulse's learning blocks, in order */
  char            *block_id;       /* the one shown */
  GCancellable    *cancellable;
  EmLearnTask      task;           /* the shown block's */
  gboolean         testing;
  gboolean         filling;        /* the dropdown is being filled: not a choice */
  gint             run;
  GtkLabel        *accuracy[2];    /* float, int8; NULL when not shown */
  gboolean         disposed;
};

G_DEFINE_FINAL_TYPE (EmTestingPage, em_testing_page, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_PROJECT, PROP_REGISTRY, PROP_TESTING, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
update_actions (EmTestingPage *self)
{
  g_autoptr(EmModel) model = NULL;

  if (self->block_id != NULL && !self->testing)
    model = em_model_store_get (self->project, self->block_id, FALSE, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "testing.classify-all", model != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "testing.cancel", self->testing);
  gtk_widget_set_sensitive (GTK_WIDGET (self->block_dropdown), !self->testing);
  gtk_widget_set_sensitive (self->threshold_box, model != NULL);
  /* Only a classifier has a confidence to compare with the threshold. */
  gtk_widget_set_visible (self->threshold_box, self->task == EM_TASK_CLASSIFICATION);
}

static void
set_status (EmTestingPage *self, const char *text, gboolean error)
{
  gtk_label_set_text (self->status_label, text != NULL ? text : "");
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

/* Shows @json (em_model_test_load()'s form). */
static void
show_results (EmTestingPage *self, const char *json)
{
  g_autoptr(JsonNode) root = json_from_string (json, NULL);
  JsonObject *r = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonObject *f = em_testing_json_object (r, "float");
  JsonObject *q = em_testing_json_object (r, "int8");
  const char *task = r != NULL ? json_object_get_string_member_with_default (r, "task", "classification") : NULL;
  const char *unavailable = r != NULL ? json_object_get_string_member_with_default (r, "int8_unavailable", NULL) : NULL;
  double tested = em_testing_json_number (r, "tested_us");
  double threshold = em_testing_json_number (f, "threshold");
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *when_text = NULL, *summary = NULL;

  if (f == NULL)
    {
      gtk_stack_set_visible_child_name (self->result_stack, "untested");
      return;
    }
  if (isfinite (threshold) && threshold > 0)
    gtk_spin_button_set_value (self->threshold_spin, threshold);
  if (isfinite (tested))
    when = g_date_time_new_from_unix_local ((gint64) tested / G_USEC_PER_SEC);
  when_text = when != NULL ? g_date_time_format (when, "%Y-%m-%d %H:%M") : g_strdup ("?");
  /* Translators: "Tested 2024-05-01 10:20 on 80 windows of 20 testing samples" */
  summary = g_strdup_printf (_("Tested %s on %.0f windows of %.0f testing samples"), when_text,
                             em_testing_json_number (f, "n"), em_testing_json_number (f, "test_samples"));
  if (em_testing_json_number (f, "skipped_samples") > 0)
    {
      /* Translators: appended to the line above */
      g_autofree char *more = g_strdup_printf (_("%s (%.0f left out: their label is not one the model knows)"),
                                               summary, em_testing_json_number (f, "skipped_samples"));
      g_free (summary);
      summary = g_steal_pointer (&more);
    }
  gtk_label_set_text (self->summary_label, summary);
  self->accuracy[0] = em_testing_results_fill (self->float_box, FALSE, f, task, NULL);
  self->accuracy[1] = em_testing_results_fill (self->int8_box, TRUE, q, task, unavailable);
  gtk_stack_set_visible_child_name (self->result_stack, "results");
}

/* The stored results of the block shown, or why there are none. */
static void
show_stored (EmTestingPage *self)
{
  g_autoptr(EmImpulse) impulse = self->block_id != NULL ? em_impulse_load (self->project, NULL) : NULL;
  EmImpulseLearnBlock *lb = impulse != NULL ? em_impulse_find_learn_block (impulse, self->block_id) : NULL;
  EmBlock *block = lb != NULL ? em_block_registry_lookup (self->registry, lb->plugin) : NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EmModel) model = NULL;
  g_autofree char *json = NULL;

  self->accuracy[0] = self->accuracy[1] = NULL;
  self->task = block != NULL && em_block_get_kind (block) == EM_BLOCK_LEARNING ? em_learn_task_for_block (block)
                                                                               : EM_TASK_CLASSIFICATION;
  if (self->block_id == NULL)
    return;
  model = em_model_store_get (self->project, self->block_id, FALSE, &error);
  if (model == NULL)
    {
      g_autofree char *text = NULL;
      if (!g_error_matches (error, EM_ERROR, EM_ERROR_NOT_FOUND))
        set_status (self, error->message, TRUE);
      /* Translators: %s is a learning block's id */
      text = g_strdup_printf (_("Block “%s” has no model yet. Train the model on its page first."), self->block_id);
      adw_status_page_set_description (self->untrained_page, text);
      gtk_stack_set_visible_child_name (self->result_stack, "untrained");
      return;
    }
  json = em_model_test_load (self->project, self->block_id, &error);
  if (json == NULL)
    {
      if (!g_error_matches (error, EM_ERROR, EM_ERROR_NOT_FOUND))
        set_status (self, error->message, TRUE);
      gtk_stack_set_visible_child_name (self->result_stack, "untested");
      return;
    }
  show_results (self, json);
}

/* ---- loading -------------------------------------------------------------- */

static void
block_selected_cb (EmTestingPage *self, GParamSpec *pspec, GtkDropDown *dropdown)
{
  guint i = gtk_drop_down_get_selected (dropdown);

  if (self->filling || self->block_ids == NULL || i >= g_strv_length (self->block_ids))
    return;
  em_testing_page_set_block_id (self, self->block_ids[i]);
}

void
em_testing_page_reload (EmTestingPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmImpulse) impulse = NULL;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  guint selected = 0, n = 0;

  g_return_if_fail (EM_IS_TESTING_PAGE (self));
  if (self->testing || self->project == NULL)
    return;

  impulse = em_impulse_load (self->project, &error);
  for (guint i = 0; impulse != NULL && i < impulse->learn_blocks->len; i++)
    {
      EmImpulseLearnBlock *lb = g_ptr_array_index (impulse->learn_blocks, i);
      EmBlock *block = em_block_registry_lookup (self->registry, lb->plugin);
      g_autofree char *name = NULL;

      /* Translators: a learning block in the chooser: its id, then its kind */
      name = g_strdup_printf (_("%s (%s)"), lb->id, block != NULL ? em_block_get_name (block) : lb->plugin);
      gtk_string_list_append (names, name);
      g_strv_builder_add (ids, lb->id);
      if (g_strcmp0 (lb->id, self->block_id) == 0)
        selected = n;
      n++;
    }
  g_strfreev (self->block_ids);
  self->block_ids = g_strv_builder_end (ids);

  if (n == 0)
    {
      g_clear_pointer (&self->block_id, g_free);
      adw_status_page_set_description (self->none_page,
                                       impulse == NULL && !g_error_matches (error, EM_ERROR, EM_ERROR_NOT_FOUND)
                                         ? error->message
                                         : _("Add a learning block to the impulse on the Impulse design page, then train it"));
      gtk_stack_set_visible_child_name (self->stack, "none");
      update_actions (self);
      return;
    }
  self->filling = TRUE;
  gtk_drop_down_set_model (self->block_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->block_dropdown, selected);
  self->filling = FALSE;
  /* One block needs no chooser. */
  gtk_widget_set_visible (GTK_WIDGET (self->block_dropdown), n > 1);
  g_free (self->block_id);
  self->block_id = g_strdup (self->block_ids[selected]);
  gtk_stack_set_visible_child_name (self->stack, "main");
  show_stored (self);
  update_actions (self);
}

/* ---- testing ------------------------------------------------------------------ */

typedef struct {
  EmTestingPage *self; /* a reference */
  gint           run;
  double         fraction;
  char          *what;
} Update;

static void
update_free (gpointer data)
{
  Update *u = data;

  g_object_unref (u->self);
  g_free (u->what);
  g_free (u);
}

static gboolean
apply_update (gpointer data)
{
  Update *u = data;
  EmTestingPage *self = u->self;
  g_autofree char *text = NULL;

  if (self->disposed || !self->testing || u->run != self->run)
    return G_SOURCE_REMOVE;
  gtk_progress_bar_set_fraction (self->progress_bar, u->fraction);
  if (g_strcmp0 (u->what, "float") == 0)
    text = g_strdup (_("Classifying with the float32 model…"));
  else if (g_strcmp0 (u->what, "int8") == 0)
    text = g_strdup (_("Classifying with the int8 model…"));
  else
    /* Translators: features are made for the testing samples first */
    text = g_strdup_printf (_("Generating features: %s"), u->what != NULL ? u->what : "");
  set_status (self, text, FALSE);
  return G_SOURCE_REMOVE;
}

/* On the testing thread. */
static void
progress_cb (double fraction, const char *what, gpointer user_data)
{
  EmTestingPage *self = user_data;
  Update *u = g_new0 (Update, 1);

  u->self = g_object_ref (self);
  u->run = g_atomic_int_get (&self->run);
  u->fraction = fraction;
  u->what = g_strdup (what);
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, apply_update, u, update_free);
}

static void
set_testing (EmTestingPage *self, gboolean testing)
{
  self->testing = testing;
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), testing);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TESTING]);
}

static void
test_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(EmTestingPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = em_model_test_finish (EM_PROJECT (source), result, &error);

  g_clear_object (&self->cancellable);
  if (self->disposed)
    return;
  set_testing (self, FALSE);
  if (json == NULL)
    {
      if (g_error_matches (error, EM_ERROR, EM_ERROR_CANCELLED) ||
          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_status (self, _("Testing cancelled; the last results are kept"), FALSE);
      else
        set_status (self, error->message, TRUE);
      show_stored (self);
      return;
    }
  set_status (self, _("Testing finished"), FALSE);
  show_results (self, json);
}

static void
classify_all_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EmTestingPage *self = EM_TESTING_PAGE (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(EmImpulse) impulse = NULL;
  EmModelTestOptions options = { 0 };

  if (self->testing || self->block_id == NULL)
    return;
  if ((impulse = em_impulse_load (self->project, &error)) == NULL)
    {
      set_status (self, error->message, TRUE);
      return;
    }
  options.threshold = (float) gtk_spin_button_get_value (self->threshold_spin);
  g_atomic_int_inc (&self->run);
  self->cancellable = g_cancellable_new ();
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  set_status (self, _("Starting…"), FALSE);
  set_testing (self, TRUE);
  /* The task holds the page until done: the progress pointer stays valid. */
  em_model_test_async (self->project, impulse, self->registry, self->block_id, &options, progress_cb, self,
                       self->cancellable, test_done_cb, g_object_ref (self));
}

static void
cancel_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EmTestingPage *self = EM_TESTING_PAGE (widget);

  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      set_status (self, _("Cancelling…"), FALSE);
    }
}

/* ---- GObject ------------------------------------------------------------------ */

static void
em_testing_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (em_testing_page_parent_class)->map (widget);
  /* A model may have been trained on its page since we last looked. */
  em_testing_page_reload (EM_TESTING_PAGE (widget));
}

static void
em_testing_page_constructed (GObject *object)
{
  G_OBJECT_CLASS (em_testing_page_parent_class)->constructed (object);
  em_testing_page_reload (EM_TESTING_PAGE (object));
}

static void
em_testing_page_dispose (GObject *object)
{
  EmTestingPage *self = EM_TESTING_PAGE (object);
  GtkWidget *child;

  self->disposed = TRUE;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  self->accuracy[0] = self->accuracy[1] = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), EM_TYPE_TESTING_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->project);
  g_clear_object (&self->registry);
  G_OBJECT_CLASS (em_testing_page_parent_class)->dispose (object);
}

static void
em_testing_page_finalize (GObject *object)
{
  EmTestingPage *self = EM_TESTING_PAGE (object);

  g_strfreev (self->block_ids);
  g_free (self->block_id);
  G_OBJECT_CLASS (em_testing_page_parent_class)->finalize (object);
}

static void
em_testing_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EmTestingPage *self = EM_TESTING_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;
    case PROP_REGISTRY:
      g_value_set_object (value, self->registry);
      break;
    case PROP_TESTING:
      g_value_set_boolean (value, self->testing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_testing_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  EmTestingPage *self = EM_TESTING_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      self->project = g_value_dup_object (value);
      break;
    case PROP_REGISTRY:
      self->registry = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_testing_page_class_init (EmTestingPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = em_testing_page_constructed;
  object_class->dispose = em_testing_page_dispose;
  object_class->finalize = em_testing_page_finalize;
  object_class->get_property = em_testing_page_get_property;
  object_class->set_property = em_testing_page_set_property;
  widget_class->map = em_testing_page_map;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, EM_TYPE_PROJECT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REGISTRY] =
    g_param_spec_object ("registry", NULL, NULL, EM_TYPE_BLOCK_REGISTRY,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TESTING] =
    g_param_spec_boolean ("testing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "testing.classify-all", NULL, classify_all_action);
  gtk_widget_class_install_action (widget_class, "testing.cancel", NULL, cancel_action);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/emberstudio/Ember/ui/em-testing-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EmTestingPage, stack);
  gtk_widget_class_bind_template_child (widget_class, EmTestingPage, none_page);
  gtk_widget_class_bind_template_child (widget_class, EmTestingPage, block_dropdown);
  gtk_widget_class_bind_template_child (widget_class, EmTestingPage, threshold_spin);
  gtk_widget_class_bind_template_child (widget_class, EmTestingPage, threshold_box);
  gtk_widget_class_bind_template_child (widget_class, EmTestingPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, EmTestingPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, EmTestingPage, result_stack);
  gtk_widget_class_bind_template_child (widget_class, EmTestingPage, untrained_page);
  gtk_widget_class_bind_template_child (widget_class, EmTestingPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, EmTestingPage, float_box);
  gtk_widget_class_bind_template_child (widget_class, EmTestingPage, int8_box);
  gtk_widget_class_bind_template_callback (widget_class, block_selected_cb);
}

static void
em_testing_page_init (EmTestingPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
em_testing_page_new (EmProject *project, EmBlockRegistry *registry)
{
  g_return_val_if_fail (EM_IS_PROJECT (project), NULL);
  g_return_val_if_fail (EM_IS_BLOCK_REGISTRY (registry), NULL);

  return g_object_new (EM_TYPE_TESTING_PAGE, "project", project, "registry", registry, NULL);
}

const char *
em_testing_page_get_block_id (EmTestingPage *self)
{
  g_return_val_if_fail (EM_IS_TESTING_PAGE (self), NULL);
  return self->block_id;
}

void
em_testing_page_set_block_id (EmTestingPage *self, const char *block_id)
{
  g_return_if_fail (EM_IS_TESTING_PAGE (self));

  if (self->testing || g_strcmp0 (self->block_id, block_id) == 0)
    return;
  for (guint i = 0; self->block_ids != NULL && self->block_ids[i] != NULL; i++)
    if (g_strcmp0 (self->block_ids[i], block_id) == 0)
      {
        g_free (self->block_id);
        self->block_id = g_strdup (block_id);
        self->filling = TRUE;
        gtk_drop_down_set_selected (self->block_dropdown, i);
        self->filling = FALSE;
        set_status (self, NULL, FALSE);
        show_stored (self);
        update_actions (self);
        return;
      }
}

gboolean
em_testing_page_get_testing (EmTestingPage *self)
{
  g_return_val_if_fail (EM_IS_TESTING_PAGE (self), FALSE);
  return self->testing;
}

const char *
em_testing_page_get_accuracy_text (EmTestingPage *self, const char *variant)
{
  GtkLabel *label;

  g_return_val_if_fail (EM_IS_TESTING_PAGE (self), NULL);
  label = self->accuracy[g_strcmp0 (variant, "int8") == 0 ? 1 : 0];
  return label != NULL ? gtk_label_get_text (label) : "";
}

const char *
em_testing_page_get_status (EmTestingPage *self)
{
  g_return_val_if_fail (EM_IS_TESTING_PAGE (self), NULL);
  return gtk_label_get_text (self->status_label);
}
