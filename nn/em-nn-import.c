/* SPDX-License-Identifier: Apache-2.0 */
/* What the TFLite and ONNX importers share: the imported-model struct, its
 * layer table and format detection. */
#include <string.h>
#include "em-nn-import.h"

EmNnImported *
em_nn_imported_new (EmNnImportFormat format)
{
  EmNnImported *imported = g_new0 (EmNnImported, 1);

  imported->format = format;
  imported->producer = g_strdup ("");
  imported->layers = g_array_new (FALSE, TRUE, sizeof (EmNnImportedLayer));
  return imported;
}

void
em_nn_imported_free (EmNnImported *imported)
{
  if (imported == NULL)
    return;
  for (guint i = 0; imported->layers != NULL && i < imported->layers->len; i++)
    {
      EmNnImportedLayer *l = &g_array_index (imported->layers, EmNnImportedLayer, i);
      g_free (l->name);
      g_free (l->op);
    }
  g_clear_pointer (&imported->layers, g_array_unref);
  g_clear_pointer (&imported->model, em_nn_model_free);
  g_clear_pointer (&imported->compiled, em_nn_compiled_free);
  g_free (imported->no_model_reason);
  g_free (imported->producer);
  g_free (imported);
}

void
em_nn_imported_add_layer (EmNnImported *imported, const char *name, const char *op, EmNnDims out,
                          guint64 params, guint64 macs)
{
  EmNnImportedLayer l;

  l.name = g_strdup (name != NULL ? name : "");
  l.op = g_strdup (op != NULL ? op : "");
  l.out = out;
  l.params = params;
  l.macs = macs;
  g_array_append_val (imported->layers, l);
}

guint64
em_nn_imported_params (const EmNnImported *imported)
{
  guint64 n = 0;

  for (guint i = 0; i < imported->layers->len; i++)
    n += g_array_index (imported->layers, EmNnImportedLayer, i).params;
  return n;
}

guint64
em_nn_imported_macs (const EmNnImported *imported)
{
  guint64 n = 0;

  for (guint i = 0; i < imported->layers->len; i++)
    n += g_array_index (imported->layers, EmNnImportedLayer, i).macs;
  return n;
}

EmNnImportFormat
em_nn_import_detect (const guint8 *data, gsize len, const char *filename)
{
  /* A flatbuffer's file identifier sits right after the root offset. */
  if (data != NULL && len >= 8 && memcmp (data + 4, "TFL3", 4) == 0)
    return EM_NN_IMPORT_TFLITE;
  if (filename != NULL && g_str_has_suffix (filename, ".onnx"))
    return EM_NN_IMPORT_ONNX;
  return 0;
}
