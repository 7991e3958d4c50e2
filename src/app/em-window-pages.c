/* SPDX-License-Identifier: Apache-2.0 */
/* The workflow sidebar: a row per page, in the order the work is done.
 * Pages whose back-end has not landed say so (EmPlaceholderPage) instead
 * of showing anything made up. */
#include <string.h>
#include <glib/gi18n.h>

#include "em-window-private.h"
#include "em-placeholder-page.h"
#include "em-block-registry.h"
#include "em-block-page.h"
#include "em-deploy-page.h"
#include "em-live-page.h"
#include "em-dashboard-page.h"
#include "em-retrain-page.h"
#include "em-devices-page.h"
#include "em-versions-page.h"
#include "em-labeling-page.h"
#include "em-byom-page.h"
#ifdef HAVE_LEARN_PAGE
#include "em-learn-page.h"
#endif
#ifdef HAVE_TESTING_PAGE
#include "em-testing-page.h"
#endif

#define ROW_NAME    "em-page-name"
#define PAGE_PLUGIN "em-page-plugin"

typedef struct {
  const char *name;
  const char *title;
  const char *icon;
  const char *placeholder; /* NULL: a real page */
} FixedPage;

static const FixedPage first_pages[] = {
  { "dashboard", N_("Dashboard"), "user-home-symbolic",
    N_("A summary of the project — its data, impulse, models and their accuracy — will be here") },
  { "devices", N_("Devices"), "phone-symbolic",
    N_("Boards and phones connected to collect data or run models will be listed here") },
  { "data", N_("Data acquisition"), "view-list-symbolic", NULL },
  { "impulse", N_("Impulse design"), "network-workgroup-symbolic", NULL },
};

static const FixedPage last_pages[] = {
  { "retrain", N_("Retrain model"), "media-playlist-repeat-symbolic",
    N_("Generating features and training every block again on new data, in one go, will be here") },
  { "live", N_("Live classification"), "media-record-symbolic",
    N_("Classifying a connected device’s data as it arrives will be here") },
  { "testing", N_("Model testing"), "object-select-symbolic",
    N_("Classifying the testing samples, with a results table and confusion matrix, will be here") },
  { "deployment", N_("Deployment"), "package-x-generic-symbolic",
    N_("Building the impulse as a library for a board, Arduino or WebAssembly will be here") },
  { "versions", N_("Versions"), "document-open-recent-symbolic",
    N_("Snapshots of the project to compare and return to will be here") },
  { "byom", N_("Bring your own model"), "document-open-symbolic",
    N_("Importing a TensorFlow Lite or ONNX model into the impulse will be here") },
};

static GtkWidget *
make_row (const char *name, const char *title, const char *icon, gboolean indent)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *image = gtk_image_new_from_icon_name (icon);
  GtkWidget *label = gtk_label_new (title);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, TRUE);
  /* Block rows sit under "Impulse design", which they belong to. */
  if (indent)
    gtk_widget_set_margin_start (box, 18);
  gtk_box_append (GTK_BOX (box), image);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_set_tooltip_text (row, title);
  g_object_set_data_full (G_OBJECT (row), ROW_NAME, g_strdup (name), g_free);
  return row;
}

static const char *
row_name (GtkListBoxRow *row)
{
  return row != NULL ? g_object_get_data (G_OBJECT (row), ROW_NAME) : NULL;
}

static GtkListBoxRow *
find_row (EmWindow *self, const char *name)
{
  for (int i = 0;; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->sidebar, i);
      if (row == NULL)
        return NULL;
      if (g_strcmp0 (row_name (row), name) == 0)
        return row;
    }
}

static EmBlockRegistry *
registry (void)
{
  return em_block_registry_get_default ();
}

/* ---- pages -------------------------------------------------------------------- */

static void
add_page (EmWindow *self, GtkWidget *page, const char *name, const char *title)
{
  GtkStackPage *sp = gtk_stack_add_named (self->pages, page, name);
  gtk_stack_page_set_title (sp, title);
}

static void
remove_page (EmWindow *self, const char *name)
{
  GtkWidget *page = gtk_stack_get_child_by_name (self->pages, name);

  if (page != NULL)
    gtk_stack_remove (self->pages, page);
}

static char *
block_title (const char *id, const char *plugin)
{
  EmBlock *block = em_block_registry_lookup (registry (), plugin);
  const char *name = block != NULL ? em_block_get_name (block) : plugin;

  return g_strcmp0 (id, plugin) == 0 ? g_strdup (name) : g_strdup_printf ("%s (%s)", name, id);
}

static GtkWidget *
make_block_page (EmWindow *self, const char *id, const char *plugin, gboolean learning)
{
  g_autofree char *title = block_title (id, plugin);
  g_autofree char *text = NULL;

#ifdef HAVE_LEARN_PAGE
  if (learning)
    return GTK_WIDGET (em_learn_page_new (self->project, registry (), id));
#endif
  if (!learning)
    return em_block_page_new (self->project, registry (), id);
  text = g_strdup_printf (_("Training settings, live loss and accuracy curves and the "
                            "confusion matrix of %s will be here"), title);
  return em_placeholder_page_new (title, text, "applications-science-symbolic");
}

static void dashboard_show_page_cb (EmDashboardPage *page, const char *name, EmWindow *self);
static void retrain_finished_cb (EmRetrainPage *page, int state, EmWindow *self);
static void retrain_job_started_cb (EmRetrainPage *page, EmJob *job, EmWindow *self);
static void byom_imported_cb (EmByomPage *page, const char *block, EmWindow *self);

static GtkWidget *
make_fixed_page (EmWindow *self, const FixedPage *p)
{
  if (g_str_equal (p->name, "dashboard") && self->project != NULL)
    {
      GtkWidget *page = em_dashboard_page_new (self->project);
      g_signal_connect (page, "show-page", G_CALLBACK (dashboard_show_page_cb), self);
      return page;
    }
  if (g_str_equal (p->name, "devices") && self->project != NULL)
    return em_devices_page_new (self->project);
  if (g_str_equal (p->name, "retrain") && self->project != NULL)
    {
      GtkWidget *page = em_retrain_page_new (self->project, registry ());
      g_signal_connect (page, "job-started", G_CALLBACK (retrain_job_started_cb), self);
      g_signal_connect (page, "finished", G_CALLBACK (retrain_finished_cb), self);
      return page;
    }
#ifdef HAVE_TESTING_PAGE
  if (g_str_equal (p->name, "testing"))
    {
      if (self->project != NULL)
        return GTK_WIDGET (em_testing_page_new (self->project, registry ()));
    }
#endif
  if (g_str_equal (p->name, "deployment") && self->project != NULL)
    return em_deploy_page_new (self->project, registry ());
  if (g_str_equal (p->name, "live") && self->project != NULL)
    return em_live_page_new (self->project);
  if (g_str_equal (p->name, "byom") && self->project != NULL)
    {
      GtkWidget *page = em_byom_page_new (self->project);
      g_signal_connect (page, "job-started", G_CALLBACK (retrain_job_started_cb), self);
      g_signal_connect (page, "imported", G_CALLBACK (byom_imported_cb), self);
      return page;
    }
  if (g_str_equal (p->name, "versions") && self->project != NULL)
    {
      GtkWidget *page = em_versions_page_new (self->project);
      g_signal_connect (page, "job-started", G_CALLBACK (retrain_job_started_cb), self);
      return page;
    }
  return em_placeholder_page_new (_(p->title), _(p->placeholder), p->icon);
}

/* ---- sidebar ------------------------------------------------------------------- */

typedef struct {
  char    *name;
  char    *title;
  char    *plugin;
  gboolean learning;
} BlockEntry;

static void
block_entry_free (BlockEntry *e)
{
  g_free (e->name);
  g_free (e->title);
  g_free (e->plugin);
  g_free (e);
}

static GPtrArray *
block_entries (EmWindow *self)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) block_entry_free);
  const EmImpulse *imp = self->project != NULL ? em_impulse_page_get_impulse (self->impulse_page)
                                               : NULL;

  if (imp == NULL)
    return entries;
  for (guint i = 0; i < imp->blocks->len + imp->learn_blocks->len; i++)
    {
      gboolean learning = i >= imp->blocks->len;
      const char *id, *plugin;
      BlockEntry *e = g_new0 (BlockEntry, 1);

      if (learning)
        {
          EmImpulseLearnBlock *lb = g_ptr_array_index (imp->learn_blocks, i - imp->blocks->len);
          id = lb->id, plugin = lb->plugin;
        }
      else
        {
          EmImpulseBlock *b = g_ptr_array_index (imp->blocks, i);
          id = b->id, plugin = b->plugin;
        }
      e->name = g_strconcat ("block:", id, NULL);
      e->title = block_title (id, plugin);
      e->plugin = g_strdup (plugin);
      e->learning = learning;
      g_ptr_array_add (entries, e);
    }
  return entries;
}

static void
fill_sidebar (EmWindow *self, GPtrArray *blocks)
{
  GtkListBoxRow *selected = gtk_list_box_get_selected_row (self->sidebar);
  g_autofree char *keep = g_strdup (row_name (selected));
  GtkListBoxRow *row;

  self->filling_sidebar = TRUE;
  while ((row = gtk_list_box_get_row_at_index (self->sidebar, 0)) != NULL)
    gtk_list_box_remove (self->sidebar, GTK_WIDGET (row));
  for (guint i = 0; i < G_N_ELEMENTS (first_pages); i++)
    gtk_list_box_append (self->sidebar, make_row (first_pages[i].name, _(first_pages[i].title),
                                                  first_pages[i].icon, FALSE));
  for (guint i = 0; i < blocks->len; i++)
    {
      BlockEntry *e = g_ptr_array_index (blocks, i);
      gtk_list_box_append (self->sidebar,
                           make_row (e->name, e->title,
                                     e->learning ? "applications-science-symbolic"
                                                 : "preferences-system-symbolic",
                                     TRUE));
    }
  for (guint i = 0; i < G_N_ELEMENTS (last_pages); i++)
    gtk_list_box_append (self->sidebar, make_row (last_pages[i].name, _(last_pages[i].title),
                                                  last_pages[i].icon, FALSE));
  self->filling_sidebar = FALSE;

  /* The page shown stays shown; a block that went falls back to the editor. */
  row = keep != NULL ? find_row (self, keep) : NULL;
  if (row == NULL && keep != NULL)
    row = find_row (self, "impulse");
  if (row != NULL)
    gtk_list_box_select_row (self->sidebar, row);
}

void
em_window_pages_update (EmWindow *self)
{
  g_autoptr(GPtrArray) blocks = block_entries (self);
  g_autoptr(GPtrArray) stale = g_ptr_array_new_with_free_func (g_free);

  /* Drop pages of blocks that went (or whose plugin changed) and keep the
   * rest, so a training in progress on a learning page survives edits of
   * other blocks. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->pages)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *name = gtk_stack_page_get_name (gtk_stack_get_page (self->pages, child));
      gboolean wanted = FALSE;

      if (name == NULL || !g_str_has_prefix (name, "block:"))
        continue;
      for (guint i = 0; i < blocks->len; i++)
        {
          BlockEntry *e = g_ptr_array_index (blocks, i);
          wanted |= g_str_equal (e->name, name) &&
                    g_strcmp0 (g_object_get_data (G_OBJECT (child), PAGE_PLUGIN), e->plugin) == 0;
        }
      if (!wanted)
        g_ptr_array_add (stale, g_strdup (name));
    }
  for (guint i = 0; i < stale->len; i++)
    remove_page (self, g_ptr_array_index (stale, i));

  for (guint i = 0; i < blocks->len; i++)
    {
      BlockEntry *e = g_ptr_array_index (blocks, i);
      GtkWidget *page = gtk_stack_get_child_by_name (self->pages, e->name);

      if (page == NULL)
        {
          page = make_block_page (self, e->name + strlen ("block:"), e->plugin, e->learning);
          g_object_set_data_full (G_OBJECT (page), PAGE_PLUGIN, g_strdup (e->plugin), g_free);
          add_page (self, page, e->name, e->title);
        }
      else if (EM_IS_BLOCK_PAGE (page))
        em_block_page_reload (EM_BLOCK_PAGE (page));
#ifdef HAVE_LEARN_PAGE
      else if (EM_IS_LEARN_PAGE (page))
        em_learn_page_reload (EM_LEARN_PAGE (page));
#endif
    }
#ifdef HAVE_TESTING_PAGE
  {
    GtkWidget *testing = gtk_stack_get_child_by_name (self->pages, "testing");
    if (EM_IS_TESTING_PAGE (testing))
      em_testing_page_reload (EM_TESTING_PAGE (testing));
  }
#endif
  fill_sidebar (self, blocks);
}

static void
labeling_close_cb (EmLabelingPage *page, EmWindow *self)
{
  em_window_show_page (self, "data");
}

void
em_window_pages_set_project (EmWindow *self)
{
  GtkListBoxRow *row = NULL;
  g_autoptr(GPtrArray) stale = g_ptr_array_new_with_free_func (g_free);

  em_data_page_set_project (self->data_page, self->project);
  em_impulse_page_set_project (self->impulse_page, self->project, registry ());

  /* Pages made for the previous project go. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->pages)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *name = gtk_stack_page_get_name (gtk_stack_get_page (self->pages, child));
      if (name != NULL && g_str_has_prefix (name, "block:"))
        g_ptr_array_add (stale, g_strdup (name));
    }
  for (guint i = 0; i < stale->len; i++)
    remove_page (self, g_ptr_array_index (stale, i));
#ifdef HAVE_TESTING_PAGE
  remove_page (self, "testing");
  add_page (self, make_fixed_page (self, &last_pages[2]), "testing", _(last_pages[2].title));
#endif
  /* These pages belong to one project. */
  remove_page (self, "deployment");
  add_page (self, make_fixed_page (self, &last_pages[3]), "deployment", _(last_pages[3].title));
  remove_page (self, "versions");
  add_page (self, make_fixed_page (self, &last_pages[4]), "versions", _(last_pages[4].title));
  remove_page (self, "live");
  add_page (self, make_fixed_page (self, &last_pages[1]), "live", _(last_pages[1].title));
  remove_page (self, "retrain");
  add_page (self, make_fixed_page (self, &last_pages[0]), "retrain", _(last_pages[0].title));
  remove_page (self, "byom");
  add_page (self, make_fixed_page (self, &last_pages[5]), "byom", _(last_pages[5].title));
  remove_page (self, "devices");
  add_page (self, make_fixed_page (self, &first_pages[1]), "devices", _(first_pages[1].title));
  remove_page (self, "dashboard");
  add_page (self, make_fixed_page (self, &first_pages[0]), "dashboard", _(first_pages[0].title));
  /* The labeling queue opens from Data acquisition (win.label-images) and
   * has no sidebar row of its own. */
  remove_page (self, "labeling");
  if (self->project != NULL)
    {
      GtkWidget *page = em_labeling_page_new (self->project);
      g_signal_connect (page, "close", G_CALLBACK (labeling_close_cb), self);
      add_page (self, page, "labeling", _("Labeling queue"));
    }
  em_window_pages_update (self);

  if (self->project == NULL)
    return;
  if (self->settings != NULL)
    {
      g_autofree char *last = g_settings_get_string (self->settings, "last-page");
      row = find_row (self, last);
    }
  if (row == NULL)
    row = find_row (self, "data");
  gtk_list_box_select_row (self->sidebar, row);
}

/* ---- navigation ----------------------------------------------------------------- */

static void
row_selected_cb (GtkListBox *box, GtkListBoxRow *row, EmWindow *self)
{
  const char *name = row_name (row);

  if (name == NULL)
    return;
  gtk_stack_set_visible_child_name (self->pages, name);
  if (!self->filling_sidebar && self->settings != NULL && self->project != NULL)
    g_settings_set_string (self->settings, "last-page", name);
}

static void
impulse_changed_cb (EmImpulsePage *page, EmWindow *self)
{
  em_window_pages_update (self);
}

static void
job_started_cb (EmImpulsePage *page, EmJob *job, EmWindow *self)
{
  em_window_add_job (self, job);
}

static void
dashboard_show_page_cb (EmDashboardPage *page, const char *name, EmWindow *self)
{
  em_window_show_page (self, name);
}

static void
retrain_job_started_cb (EmRetrainPage *page, EmJob *job, EmWindow *self)
{
  em_window_add_job (self, job);
}

/* An imported model added a learning block: the impulse (and with it the
 * sidebar's block rows) is read again from the project. */
static void
byom_imported_cb (EmByomPage *page, const char *block, EmWindow *self)
{
  em_impulse_page_set_project (self->impulse_page, self->project, registry ());
  retrain_finished_cb (NULL, 0, self);
}

/* Models and test results changed under the pages that show them. */
static void
retrain_finished_cb (EmRetrainPage *page, int state, EmWindow *self)
{
  GtkWidget *dashboard = gtk_stack_get_child_by_name (self->pages, "dashboard");

  if (EM_IS_DASHBOARD_PAGE (dashboard))
    em_dashboard_page_reload (EM_DASHBOARD_PAGE (dashboard));
  em_window_pages_update (self);
}

static void
block_activated_cb (EmImpulsePage *page, const char *id, EmWindow *self)
{
  g_autofree char *name = g_strconcat ("block:", id, NULL);
  em_window_show_page (self, name);
}

static void
show_page_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EmWindow *self = EM_WINDOW (widget);
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->sidebar, g_variant_get_int32 (parameter));

  if (row != NULL && self->project != NULL)
    gtk_list_box_select_row (self->sidebar, row);
}

static void
label_images_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EmWindow *self = EM_WINDOW (widget);
  GtkWidget *page = gtk_stack_get_child_by_name (self->pages, "labeling");

  if (!EM_IS_LABELING_PAGE (page))
    return;
  em_labeling_page_reload (EM_LABELING_PAGE (page));
  gtk_stack_set_visible_child (self->pages, page);
  /* No row is this page's, and with none selected a click on "Data
   * acquisition" (or any row) leads back. */
  gtk_list_box_unselect_all (self->sidebar);
}

void
em_window_pages_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.show-page", "i", show_page_action);
  gtk_widget_class_install_action (widget_class, "win.label-images", NULL, label_images_action);
  /* Ctrl+1 … Ctrl+9: the first nine pages of the sidebar. */
  for (int i = 0; i < 9; i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_CONTROL_MASK,
                                         "win.show-page", "i", i);
}

void
em_window_pages_init (EmWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (first_pages); i++)
    if (first_pages[i].placeholder != NULL)
      add_page (self, make_fixed_page (self, &first_pages[i]), first_pages[i].name,
                _(first_pages[i].title));
  for (guint i = 0; i < G_N_ELEMENTS (last_pages); i++)
    add_page (self, make_fixed_page (self, &last_pages[i]), last_pages[i].name,
              _(last_pages[i].title));
  g_signal_connect (self->sidebar, "row-selected", G_CALLBACK (row_selected_cb), self);
  g_signal_connect (self->impulse_page, "impulse-changed", G_CALLBACK (impulse_changed_cb), self);
  g_signal_connect (self->impulse_page, "job-started", G_CALLBACK (job_started_cb), self);
  g_signal_connect (self->data_page, "job-started", G_CALLBACK (job_started_cb), self);
  g_signal_connect (self->impulse_page, "block-activated", G_CALLBACK (block_activated_cb), self);
  em_window_pages_update (self);
}

/* ---- public ----------------------------------------------------------------------- */

GStrv
em_window_list_pages (EmWindow *self)
{
  GStrvBuilder *builder;
  GStrv result;

  g_return_val_if_fail (EM_IS_WINDOW (self), NULL);
  builder = g_strv_builder_new ();
  for (int i = 0;; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->sidebar, i);
      if (row == NULL)
        break;
      g_strv_builder_add (builder, row_name (row));
    }
  result = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return result;
}

gboolean
em_window_show_page (EmWindow *self, const char *name)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (EM_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  row = find_row (self, name);
  if (row == NULL)
    return FALSE;
  gtk_list_box_select_row (self->sidebar, row);
  return TRUE;
}

const char *
em_window_get_visible_page (EmWindow *self)
{
  g_return_val_if_fail (EM_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->pages);
}

GtkWidget *
em_window_get_page (EmWindow *self, const char *name)
{
  g_return_val_if_fail (EM_IS_WINDOW (self), NULL);
  return gtk_stack_get_child_by_name (self->pages, name);
}
