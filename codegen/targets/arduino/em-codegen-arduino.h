/* SPDX-License-Identifier: Apache-2.0 */
/* em-codegen-arduino.h — the arduino target: the c-library's sources as an
 * Arduino library folder (library.properties, src/, examples/). */
#pragma once

#include "em-codegen.h"

G_BEGIN_DECLS

/* The Arduino library's name for @impulse: the project's name with every
 * character other than a letter, digit or '_' made '_', plus "_ember"
 * ("Motion demo" → "Motion_demo_ember"). It names the folder-independent
 * parts: library.properties' name, src/NAME.h and the include in the sketch. */
char    *em_codegen_arduino_library_name (const EmCodegenImpulse *impulse);

/* Turn the c-library layout into an Arduino library: every runtime file of
 * @runtime ("dsp/NAME", "nn/NAME") and the generated library sources move
 * flat into src/ (Arduino adds only src/ to the include path, and the
 * sources include each other by bare name), the host build files and the
 * host example are dropped, and library.properties, src/NAME.h and
 * examples/ember_classify/ are added. On return @generated holds every file
 * to write and @runtime is empty. */
gboolean em_codegen_arduino_layout (const EmCodegenImpulse *impulse, GPtrArray *runtime, GPtrArray *generated,
                                    GError **error);

G_END_DECLS
