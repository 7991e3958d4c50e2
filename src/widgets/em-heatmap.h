/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A rows × cols float matrix as coloured cells — a spectrogram, MFCC or
 * filterbank features — with a colour scale bar on the right. Columns run
 * left to right (usually time frames), row 0 is at the bottom (the lowest
 * frequency / first coefficient). Colours come from em_plot_colormap()
 * over the value range (the data's finite min..max unless set). NaN cells
 * are left empty. Hovering shows the cell's row, column and value.
 *
 * Properties: "x-label", "y-label" (axis titles, nullable). */
#define EM_TYPE_HEATMAP (em_heatmap_get_type ())
G_DECLARE_FINAL_TYPE (EmHeatmap, em_heatmap, EM, HEATMAP, GtkWidget)

GtkWidget  *em_heatmap_new          (void);

/* Copies @values: @rows × @cols floats, row-major (values[r * cols + c]).
 * @rows or @cols of 0 (then @values may be NULL) clears the map. */
void        em_heatmap_set_data     (EmHeatmap   *self,
                                     guint        rows,
                                     guint        cols,
                                     const float *values);
guint       em_heatmap_get_rows     (EmHeatmap   *self);
guint       em_heatmap_get_cols     (EmHeatmap   *self);

/* Fixes the colour range to [@min, @max] (min < max), e.g. a dB floor;
 * NaN for both returns to the data's own range. */
void        em_heatmap_set_range    (EmHeatmap   *self,
                                     double       min,
                                     double       max);
/* The range in use; FALSE when there is no finite value. */
gboolean    em_heatmap_get_range    (EmHeatmap   *self,
                                     double      *min,
                                     double      *max);

const char *em_heatmap_get_x_label  (EmHeatmap   *self);
void        em_heatmap_set_x_label  (EmHeatmap   *self,
                                     const char  *label);
const char *em_heatmap_get_y_label  (EmHeatmap   *self);
void        em_heatmap_set_y_label  (EmHeatmap   *self,
                                     const char  *label);

G_END_DECLS
