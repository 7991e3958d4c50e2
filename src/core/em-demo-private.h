/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by em-demo.c, em-demo-keywords.c and em-demo-images.c. */
#pragma once

#include "em-demo.h"

G_BEGIN_DECLS

/* Samples per transaction: big enough that SQLite's commit cost vanishes,
 * small enough that a cancel rolls back little work. */
#define DEMO_BATCH 25
#define DEMO_TRAIN_FRACTION 0.8

#define KEYWORD_RATE 16000
#define KEYWORD_FRAMES 16000 /* exactly 1.000 s */
#define KEYWORDS_PER_CLASS 50
/* Clips synthesised ahead of the one being stored: keeps every worker busy
 * while bounding the memory held by finished, not yet stored clips. */
#define KEYWORD_AHEAD 16

#define MOTION_INTERVAL_MS 16.0 /* 62.5 Hz */
#define MOTION_FRAMES 625       /* 10 s */
#define MOTION_PER_CLASS 25

#define FASHION_DIR "/usr/share/datasets/fashion-mnist"
#define FASHION_TRAIN_PER_CLASS 30
#define FASHION_TEST_PER_CLASS 8
#define FASHION_SPARES 4 /* extra candidates per class in case of duplicate images */
#define FASHION_SIDE 28
#define FASHION_PIXELS (FASHION_SIDE * FASHION_SIDE)


typedef struct {
  EmProject *project;
  EmProgressFunc progress;
  gpointer user_data;
  GCancellable *cancellable;
  guint in_batch; /* samples added since the open begin, 0 = none open */
} Demo;

void em_demo_progress (Demo *d, double fraction, const char *what);
gboolean em_demo_check_cancel (Demo *d, GError **error);
gboolean em_demo_add (Demo *d, EmSample *sample, GError **error);
gboolean em_demo_flush (Demo *d, GError **error);
guint em_demo_scaled_count (guint base, double scale);
void em_demo_shuffle (gpointer *items, guint n, GRand *rand);
gboolean em_demo_find_tool (const char *name, char **path_out, GError **error);
void em_demo_delete_project_files (const char *path);
gboolean em_demo_create_keywords (Demo *d, double scale, GRand *rand, const char *espeak, const char *sox, GError **error);
gboolean em_demo_create_images (Demo *d, double scale, GRand *rand, GError **error);
gboolean em_demo_create_objects (Demo *d, double scale, GRand *rand, GError **error);
gboolean em_demo_fashion_present (GError **error);

G_END_DECLS
