/* SPDX-License-Identifier: Apache-2.0 */
/* The device tests count instructions with Ember's own QEMU plugin
 * (codegen/measure/ember-insncount.c, installed with Ember and used by
 * deploy --report), so the tests and the product count the same way. The
 * test scripts and benchmarks build this file with
 *   cc -shared -fPIC -O2 insncount.c -o libinsncount.so
 * and load it with -plugin ./libinsncount.so[,begin=ADDR,end=ADDR]. */
#include "../../codegen/measure/ember-insncount.c"
