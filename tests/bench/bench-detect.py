#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Object-detection benchmark (issue 8): the objects demo's FOMO-style
detector at 96x96, int8, next to FOMO's published figure.

  1. the objects demo at full size, trained with the block's defaults (or
     --project P: an already trained one; --set k=v adds training settings);
  2. F1 on the testing set, float and int8 (`ember-cli test`: a detection
     counts when its centroid falls inside a box of its class);
  3. host ms per frame: the generated int8 library built with cc -O2, timed
     over the test windows (model + per-cell softmax + cell merge, and the
     whole impulse from the raw image);
  4. instructions per frame on the emulated Cortex-M4F (QEMU mps2-an386 with
     tests/device/insncount.c, helpers of tests/device/test_cortex_m_detect.py),
     checked bit for bit against the host and Ember; the fps that implies at
     480 MHz (at 1.25 cycles per instruction, test_cortex_m.py's Cortex-M4
     estimate, and at 1.0);
  5. peak RAM (arena + measured stack; and all RAM the library takes) and
     flash (text + rodata of the library) from `ember-cli deploy --report`.
Needs gcc-arm-none-eabi, libnewlib-arm-none-eabi and qemu-system-arm.
Usage: bench-detect.py [--project P] [--scale S] [--set k=v ...] [--keep DIR]
"""
import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'device'))
import test_cortex_m_detect as t  # noqa: E402
cm = t.cm

MHZ = 480
FOMO = {'fps': 30, 'ram_kb': 245}   # Edge Impulse's FOMO, 96x96, Cortex-M7 at 480 MHz
N_HOST = 50                         # test windows timed on the host
N_DEVICE = 3                        # test windows run under QEMU

TIMER = r'''
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ember_impulse.h"

static const float *raw_now;

static int
get_raw (size_t offset, size_t length, float *out, void *user)
{
  (void) user;
  memcpy (out, raw_now + offset, length * sizeof (float));
  return 0;
}

static double
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* bench-timer FILE N ROUNDS: FILE holds N raw windows then N feature vectors
 * (float32); prints "features MS impulse MS objects K". */
int
main (int argc, char **argv)
{
  size_t n = (size_t) atol (argv[2]), rounds = (size_t) atol (argv[3]), i, r;
  size_t per = EM_IMPULSE_INPUT_VALUES + EM_IMPULSE_N_FEATURES;
  float *all = malloc (n * per * sizeof (float));
  FILE *f = fopen (argv[1], "rb");
  em_impulse_result_t result;
  long objects = 0;
  double t0, t_feat, t_imp;

  if (all == NULL || f == NULL || fread (all, sizeof (float), n * per, f) != n * per)
    return 1;
  fclose (f);
  /* The fastest round of each: the machine may be busy with other work. */
  t_feat = t_imp = 1e30;
  for (r = 0; r < rounds; r++)
    {
      t0 = now_ms ();
      for (i = 0; i < n; i++)
        {
          if (em_run_features (all + n * EM_IMPULSE_INPUT_VALUES + i * EM_IMPULSE_N_FEATURES, &result) != 0)
            return 1;
          objects += result.n_objects;
        }
      if ((now_ms () - t0) / (double) n < t_feat)
        t_feat = (now_ms () - t0) / (double) n;
    }
  for (r = 0; r < rounds; r++)
    {
      t0 = now_ms ();
      for (i = 0; i < n; i++)
        {
          em_signal_t signal = { EM_IMPULSE_INPUT_VALUES, get_raw, NULL };
          raw_now = all + i * EM_IMPULSE_INPUT_VALUES;
          if (em_run_impulse (&signal, &result) != 0)
            return 1;
        }
      if ((now_ms () - t0) / (double) n < t_imp)
        t_imp = (now_ms () - t0) / (double) n;
    }
  printf ("features %.4f impulse %.4f objects %ld\n", t_feat, t_imp, objects / (long) rounds);
  free (all);
  return 0;
}
'''


def host_timing(libdir, vectors, work):
    windows = vectors[:N_HOST]
    data = os.path.join(work, 'timer-windows.bin')
    with open(data, 'wb') as f:
        for key in ('window_values', 'features'):
            for w in windows:
                f.write(struct.pack('<%df' % len(w[key]), *w[key]))
    src = os.path.join(work, 'bench-timer.c')
    with open(src, 'w') as f:
        f.write(TIMER)
    exe = os.path.join(work, 'bench-timer')
    cm.run(['cc', '-O2', '-std=c99'] + cm.library_includes(libdir) + ['-o', exe, src] +
           cm.library_sources(libdir) + ['-lm'])
    out = cm.run([exe, data, len(windows), 5], timeout=1200).stdout.split()
    ember_objects = sum(int(w['outputs'][0]) for w in windows)
    return float(out[1]), float(out[3]), int(out[5]), ember_objects, len(windows)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--project', help='an objects project with a trained detector (default: create and train one)')
    ap.add_argument('--scale', default='1', help='demo scale when creating the project (1 = full size)')
    ap.add_argument('--set', action='append', default=[], help='training setting k=v (repeatable)')
    ap.add_argument('--keep', help='work in this folder and keep it')
    ap.add_argument('--insncount', help='a built insncount plugin')
    args = ap.parse_args()

    missing = cm.toolchain_missing()
    if missing:
        print('SKIP: Cortex-M toolchain missing: %s' % missing)
        return 77
    if not os.environ.get('EMBER_CLI'):
        print('EMBER_CLI is not set: run this with meson test --benchmark', file=sys.stderr)
        return 1
    work = args.keep or tempfile.mkdtemp(prefix='ember-bench-detect-')
    os.makedirs(work, exist_ok=True)
    t0 = time.monotonic()
    try:
        project = args.project
        train_s = None
        if project is None:
            project = os.path.join(work, 'objects.ember')
            cm.cli_ok('demo', 'create', project, '--kind', 'objects', '--scale', args.scale)
            cmd = ['train', project, '--json']
            for s in args.set:
                cmd += ['--set', s]
            train_s = json.loads(cm.cli_ok(*cmd, timeout=7200).stdout)['seconds']
        test = json.loads(cm.cli_ok('test', project, '--json', timeout=1800).stdout)
        f1_float, f1_int8 = test['float']['f1_all'], (test['int8'] or {}).get('f1_all')
        libdir, vectors = t.deploy_vectors(project, work)
        host_feat_ms, host_imp_ms, n_obj, n_obj_ember, n_host = host_timing(libdir, vectors, work)

        if not args.insncount:
            args.insncount = os.path.join(work, 'libinsncount.so')
            cm.run(['cc', '-shared', '-fPIC', '-O2', '-Wall', '-o', args.insncount,
                    os.path.join(HERE, '..', 'device', 'insncount.c')])
        windows = t.pick_windows(vectors, N_DEVICE)
        dev = t.run_library(libdir, windows, os.path.join(work, 'qemu'), args.insncount)
        errors = []
        t.compare(dev, windows, errors)
        regions = dev['regions'] + [0] * max(0, 2 * N_DEVICE - len(dev['regions']))
        insn_imp = sum(regions[:N_DEVICE]) / N_DEVICE
        insn_nn = sum(regions[N_DEVICE:2 * N_DEVICE]) / N_DEVICE
        rep = json.loads(cm.cli_ok('deploy', project, '--report', '--json', timeout=600).stdout.strip().splitlines()[-1])
        lib_parts = [rep['parts'][p] for p in ('dsp', 'nn', 'weights', 'runtime')]
        flash = sum(p['text'] + p['rodata'] for p in lib_parts)
        ram_all = sum(p['data'] + p['bss'] + p['arena'] for p in lib_parts)
        arena, stack = rep['arena_bytes'], dev['stack'] or 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    def fps(insns, cpi):
        return MHZ * 1e6 / (insns * cpi) if insns > 0 else float('nan')

    print('\nObject detection (FOMO-style), objects demo, 96x96 RGB, int8%s' % (
        '' if train_s is None else ', trained in %.0f s' % train_s))
    print('  F1 on the testing set (%d images): float %.3f, int8 %s' % (
        test['float']['n_images'], f1_float, '%.3f' % f1_int8 if f1_int8 is not None else 'n/a'))
    print('  host (cc -O2, fastest of 5 rounds): %.2f ms/frame from features (model + post), %.2f ms/frame '
          'whole impulse (%d windows; objects %d, Ember %d)' % (host_feat_ms, host_imp_ms, n_host, n_obj, n_obj_ember))
    print('  Cortex-M4F under QEMU: device == host == Ember: %s' % ('yes, bit for bit' if not errors else
                                                                  'NO: ' + errors[0][:300]))
    print()
    print('%-38s %16s %16s' % ('', 'Ember (M4F, QEMU)', 'FOMO (published)'))
    print('%-38s %16.2f %16s' % ('instructions/frame, model + post (M)', insn_nn / 1e6, '-'))
    print('%-38s %16.2f %16s' % ('instructions/frame, with image DSP (M)', insn_imp / 1e6, '-'))
    print('%-38s %16.1f %16s' % ('fps at 480 MHz, 1.25 cycles/insn', fps(insn_nn, 1.25), '30 (M7)'))
    print('%-38s %16.1f %16s' % ('fps at 480 MHz, 1.0 cycle/insn', fps(insn_nn, 1.0), ''))
    print('%-38s %16.1f %16s' % ('fps at 480 MHz with DSP, 1.25 c/insn', fps(insn_imp, 1.25), ''))
    print('%-38s %16.1f %16s' % ('peak RAM, arena + stack (KB)', (arena + stack) / 1024, '245'))
    print('%-38s %16.1f %16s' % ('RAM, all of the library (KB)', (ram_all + stack) / 1024, ''))
    print('%-38s %16.1f %16s' % ('flash, text + rodata (KB)', flash / 1024, '-'))
    print('  (arena %d B, stack %d B, weights %d B; %.0f s)' % (arena, stack, rep['parts']['weights']['rodata'],
                                                                time.monotonic() - t0))
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
