/* SPDX-License-Identifier: Apache-2.0 */
#include <glib/gi18n.h>
#include <adwaita.h>

#include "em-board-list.h"
#include "em-codegen-chip.h"

#define ROW_INDEX "em-board-index"

/* ---- the verdict, no widgets ---------------------------------------------------- */

static const char *
core_name (const char *core)
{
  static const struct { const char *id, *name; } names[] = {
    { "cortex-m0plus", "Cortex-M0+" },
    { "cortex-m4f", "Cortex-M4F" },
    { "cortex-m7", "Cortex-M7" },
    { "avr", "AVR" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (core, names[i].id) == 0)
      return names[i].name;
  return core;
}

char *
em_board_describe (const EmBoard *board)
{
  g_autofree char *ram = g_format_size_full (board->ram, G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *flash = g_format_size_full (board->flash, G_FORMAT_SIZE_IEC_UNITS);

  /* TRANSLATORS: core · clock · RAM · flash, e.g. "Cortex-M4F · 16 MHz · 128.0 KiB RAM · 512.0 KiB flash" */
  return g_strdup_printf (_("%s · %g MHz · %s RAM · %s flash"), core_name (board->core),
                          (double) board->clock_hz / 1e6, ram, flash);
}

EmBoardFit
em_board_fit_check (const EmBoard *board, const EmCodegenReport *report, guint64 instructions, char **line)
{
  return em_board_fit_check_full (board, report, instructions, NULL, NULL, line);
}

EmBoardFit
em_board_fit_check_full (const EmBoard *board, const EmCodegenReport *report, guint64 instructions,
                         const char *latency_note, const char *too_big, char **line)
{
  /* The board as a part for the very check `deploy --part` makes. */
  EmCodegenChip chip = { board->name, (char *) core_name (board->core), board->flash, board->ram, NULL };
  gboolean estimate = g_strcmp0 (board->core, "avr") == 0;
  g_autoptr(GError) error = NULL;
  g_autofree char *latency = NULL;
  guint64 stack, ram;
  double ms;
  gboolean fits;

  if (report == NULL)
    {
      if (line != NULL)
        *line = NULL;
      return EM_BOARD_FIT_UNKNOWN;
    }
  fits = too_big == NULL && em_codegen_chip_check (&chip, report, NULL, &error);
  if (line == NULL)
    return fits ? EM_BOARD_FIT_FITS : EM_BOARD_FIT_DOES_NOT_FIT;
  stack = report->stack > 0 ? 0 : EM_CODEGEN_CHIP_STACK_RESERVE;
  ram = report->ram + stack;
  ms = em_board_latency_ms (board, instructions);
  if (latency_note != NULL)
    /* TRANSLATORS: " · " then a latency measured for this very board, e.g. "23.1 ms, measured in simavr" */
    latency = g_strdup_printf (_(" · %s"), latency_note);
  else if (ms >= 0)
    /* TRANSLATORS: an estimated inference time, e.g. " · ≈ 3.2 ms" */
    latency = g_strdup_printf (_(" · ≈ %.1f ms"), ms);
  else if (instructions > 0)
    /* The count is the emulated Cortex-M4F's; it does not carry over to this core (AVR). */
    latency = g_strdup (_(" · latency not estimated"));
  if (fits)
    /* TRANSLATORS: e.g. "Fits: flash 12 %, RAM 3 %"; the first %s is "" or "Estimate: " */
    *line = g_strdup_printf (_("%sFits: flash %.0f %%, RAM %.0f %%%s"), estimate ? _("Estimate: ") : "",
                             100.0 * (double) report->flash / (double) MAX (board->flash, 1),
                             100.0 * (double) ram / (double) MAX (board->ram, 1), latency != NULL ? latency : "");
  else if (too_big != NULL)
    /* TRANSLATORS: the reason is the build's, e.g. "RAM needs 9000 bytes, the atmega2560 has 8192" */
    *line = g_strdup_printf (_("Does not fit: %s"), too_big);
  else
    {
      g_autofree char *flash_over = NULL, *ram_over = NULL;

      if (report->flash > board->flash)
        flash_over = g_strdup_printf (_("flash %" G_GUINT64_FORMAT " bytes over"), report->flash - board->flash);
      if (ram > board->ram)
        ram_over = g_strdup_printf (_("RAM %" G_GUINT64_FORMAT " bytes over"), ram - board->ram);
      *line = g_strdup_printf (_("%sDoes not fit: %s%s%s%s"), estimate ? _("Estimate: ") : "",
                               flash_over != NULL ? flash_over : "",
                               flash_over != NULL && ram_over != NULL ? ", " : "",
                               ram_over != NULL ? ram_over : "", latency_note != NULL ? latency : "");
    }
  return fits ? EM_BOARD_FIT_FITS : EM_BOARD_FIT_DOES_NOT_FIT;
}

/* ---- the widget ------------------------------------------------------------------ */

typedef struct {
  EmBoardFit fit;
  char      *line;
  GtkLabel  *verdict;
} RowState;

struct _EmBoardList
{
  GtkWidget        parent_instance;

  GPtrArray       *boards;
  GArray          *rows;      /* (element-type RowState), one per board */
  EmCodegenReport *report;
  guint64          instructions;
  GHashTable      *latency_notes;  /* board id → a measured latency, or why there is none */
  GHashTable      *too_big;        /* board id → why its own firmware build does not fit it */
  GtkListBox      *list;
};

G_DEFINE_FINAL_TYPE (EmBoardList, em_board_list, GTK_TYPE_WIDGET)

enum {
  SELECTION_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void
row_state_clear (RowState *r)
{
  g_clear_pointer (&r->line, g_free);
}

static void
update_verdicts (EmBoardList *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      RowState *r = &g_array_index (self->rows, RowState, i);
      EmBoard *board = g_ptr_array_index (self->boards, i);
      GtkWidget *label = GTK_WIDGET (r->verdict);

      g_clear_pointer (&r->line, g_free);
      r->fit = em_board_fit_check_full (board, self->report, self->instructions,
                                        g_hash_table_lookup (self->latency_notes, board->id),
                                        g_hash_table_lookup (self->too_big, board->id), &r->line);
      gtk_widget_remove_css_class (label, "success");
      gtk_widget_remove_css_class (label, "error");
      gtk_widget_remove_css_class (label, "dim-label");
      switch (r->fit)
        {
        case EM_BOARD_FIT_FITS:
          gtk_label_set_text (r->verdict, r->line);
          gtk_widget_add_css_class (label, "success");
          break;
        case EM_BOARD_FIT_DOES_NOT_FIT:
          gtk_label_set_text (r->verdict, r->line);
          gtk_widget_add_css_class (label, "error");
          break;
        case EM_BOARD_FIT_UNKNOWN:
        default:
          gtk_label_set_text (r->verdict, _("Fit not checked"));
          gtk_widget_add_css_class (label, "dim-label");
          break;
        }
      gtk_widget_set_tooltip_text (label, r->line);
    }
}

static void
on_row_selected (EmBoardList *self)
{
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

void
em_board_list_set_boards (EmBoardList *self, GPtrArray *boards)
{
  GtkWidget *child;

  g_return_if_fail (EM_IS_BOARD_LIST (self));
  if (boards == self->boards)
    return;
  g_signal_handlers_block_by_func (self->list, on_row_selected, self);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  g_signal_handlers_unblock_by_func (self->list, on_row_selected, self);
  g_array_set_size (self->rows, 0);
  g_clear_pointer (&self->boards, g_ptr_array_unref);
  if (boards != NULL)
    self->boards = g_ptr_array_ref (boards);
  for (guint i = 0; boards != NULL && i < boards->len; i++)
    {
      EmBoard *board = g_ptr_array_index (boards, i);
      g_autofree char *subtitle = em_board_describe (board);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *verdict = gtk_label_new (NULL);
      RowState r = { EM_BOARD_FIT_UNKNOWN, NULL, GTK_LABEL (verdict) };

      /* Board names are data, not markup. */
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), board->name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      /* Room for "Fits: flash 12 %, RAM 3 %" on one line; an overflow
       * in bytes wraps. */
      gtk_label_set_wrap (GTK_LABEL (verdict), TRUE);
      gtk_label_set_width_chars (GTK_LABEL (verdict), 24);
      gtk_label_set_max_width_chars (GTK_LABEL (verdict), 34);
      gtk_label_set_xalign (GTK_LABEL (verdict), 1);
      gtk_widget_set_valign (verdict, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), verdict);
      g_object_set_data (G_OBJECT (row), ROW_INDEX, GUINT_TO_POINTER (i));
      gtk_list_box_append (self->list, row);
      g_array_append_val (self->rows, r);
    }
  update_verdicts (self);
  if (self->rows->len > 0)
    gtk_list_box_select_row (self->list, gtk_list_box_get_row_at_index (self->list, 0));
  else
    g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

GPtrArray *
em_board_list_get_boards (EmBoardList *self)
{
  g_return_val_if_fail (EM_IS_BOARD_LIST (self), NULL);
  return self->boards;
}

void
em_board_list_set_report (EmBoardList *self, const EmCodegenReport *report, guint64 instructions)
{
  g_return_if_fail (EM_IS_BOARD_LIST (self));
  g_clear_pointer (&self->report, em_codegen_report_free);
  if (report != NULL)
    self->report = g_memdup2 (report, sizeof *report);
  self->instructions = instructions;
  update_verdicts (self);
}

void
em_board_list_set_instructions (EmBoardList *self, guint64 instructions)
{
  g_return_if_fail (EM_IS_BOARD_LIST (self));
  if (self->instructions == instructions)
    return;
  self->instructions = instructions;
  update_verdicts (self);
}

void
em_board_list_set_latency_note (EmBoardList *self, const char *id, const char *note)
{
  g_return_if_fail (EM_IS_BOARD_LIST (self));
  g_return_if_fail (id != NULL);
  if (note != NULL)
    g_hash_table_replace (self->latency_notes, g_strdup (id), g_strdup (note));
  else
    g_hash_table_remove (self->latency_notes, id);
  update_verdicts (self);
}

void
em_board_list_set_too_big (EmBoardList *self, const char *id, const char *too_big)
{
  g_return_if_fail (EM_IS_BOARD_LIST (self));
  g_return_if_fail (id != NULL);
  if (too_big != NULL)
    g_hash_table_replace (self->too_big, g_strdup (id), g_strdup (too_big));
  else
    g_hash_table_remove (self->too_big, id);
  update_verdicts (self);
}

const EmBoard *
em_board_list_get_selected (EmBoardList *self)
{
  GtkListBoxRow *row;
  guint i;

  g_return_val_if_fail (EM_IS_BOARD_LIST (self), NULL);
  row = gtk_list_box_get_selected_row (self->list);
  if (row == NULL || self->boards == NULL)
    return NULL;
  i = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), ROW_INDEX));
  return i < self->boards->len ? g_ptr_array_index (self->boards, i) : NULL;
}

void
em_board_list_select (EmBoardList *self, const char *id)
{
  g_return_if_fail (EM_IS_BOARD_LIST (self));
  for (guint i = 0; self->boards != NULL && i < self->boards->len; i++)
    if (g_strcmp0 (((EmBoard *) g_ptr_array_index (self->boards, i))->id, id) == 0)
      gtk_list_box_select_row (self->list, gtk_list_box_get_row_at_index (self->list, (int) i));
}

EmBoardFit
em_board_list_get_fit (EmBoardList *self, const char *id, const char **line)
{
  g_return_val_if_fail (EM_IS_BOARD_LIST (self), EM_BOARD_FIT_UNKNOWN);
  if (line != NULL)
    *line = NULL;
  for (guint i = 0; self->boards != NULL && i < self->boards->len; i++)
    if (g_strcmp0 (((EmBoard *) g_ptr_array_index (self->boards, i))->id, id) == 0)
      {
        RowState *r = &g_array_index (self->rows, RowState, i);

        if (line != NULL)
          *line = r->line;
        return r->fit;
      }
  return EM_BOARD_FIT_UNKNOWN;
}

static void
em_board_list_dispose (GObject *object)
{
  EmBoardList *self = EM_BOARD_LIST (object);

  if (self->list != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->list, self);
      gtk_widget_unparent (GTK_WIDGET (self->list));
      self->list = NULL;
    }
  G_OBJECT_CLASS (em_board_list_parent_class)->dispose (object);
}

static void
em_board_list_finalize (GObject *object)
{
  EmBoardList *self = EM_BOARD_LIST (object);

  g_array_unref (self->rows);
  g_clear_pointer (&self->boards, g_ptr_array_unref);
  g_clear_pointer (&self->report, em_codegen_report_free);
  g_hash_table_unref (self->latency_notes);
  g_hash_table_unref (self->too_big);
  G_OBJECT_CLASS (em_board_list_parent_class)->finalize (object);
}

static void
em_board_list_class_init (EmBoardListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = em_board_list_dispose;
  object_class->finalize = em_board_list_finalize;
  signals[SELECTION_CHANGED] = g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                             NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
em_board_list_init (EmBoardList *self)
{
  self->rows = g_array_new (FALSE, TRUE, sizeof (RowState));
  self->latency_notes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->too_big = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_array_set_clear_func (self->rows, (GDestroyNotify) row_state_clear);
  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_SINGLE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  gtk_widget_set_parent (GTK_WIDGET (self->list), GTK_WIDGET (self));
  g_signal_connect_swapped (self->list, "selected-rows-changed", G_CALLBACK (on_row_selected), self);
}

GtkWidget *
em_board_list_new (void)
{
  return g_object_new (EM_TYPE_BOARD_LIST, NULL);
}
