/* SPDX-License-Identifier: Apache-2.0 */
/* ember-cli: everything the app does, for scripts and CI. Never links GTK. */
#include <locale.h>
#include "em-cli.h"

static const EmCliCommand groups[] = {
  { "project", "create a project or show what is in it", em_cli_project_main },
  { "data", "import, list, show, edit, split, export samples", em_cli_data_main },
  { "boxes", "propose bounding boxes or labels with the trained model", em_cli_boxes_main },
  { "blocks", "list processing, learning and deployment blocks", em_cli_blocks_main },
  { "impulse", "design the impulse: input, processing and learning blocks", em_cli_impulse_main },
  { "features", "generate and inspect features", em_cli_features_main },
  { "train", "train a learning block; the model is stored in the project", em_cli_train_main },
  { "test", "test the trained model on the testing set (float and int8)", em_cli_test_main },
  { "deploy", "generate code that runs the impulse on a device", em_cli_deploy_main },
  { "model", "bring your own model: import, show, profile TFLite / ONNX", em_cli_model_main },
  { "demo", "create a bundled demo project, offline", em_cli_demo_main },
  { "device", "serial boards: list ports, forward data", em_cli_device_main },
  { "board", "boards Ember knows and the ports that match them", em_cli_board_main },
  { "flash", "write a firmware image through a board's serial bootloader", em_cli_flash_main },
  { "live", "classify live on a board running Ember firmware", em_cli_live_main },
  { "capture", "record from the computer's microphone and camera", em_cli_capture_main },
  { "serve", "run the HTTP ingestion server for devices", em_cli_serve_main },
  { "version", "snapshots of the project: create, list, restore, delete", em_cli_version_main },
  { NULL, NULL, NULL },
};

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  /* Numbers in files and JSON output always use '.', whatever the locale. */
  setlocale (LC_NUMERIC, "C");
  g_set_prgname ("ember-cli");
  return em_cli_dispatch (NULL, groups, argc, argv);
}
