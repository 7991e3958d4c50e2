#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The Cortex-M proof for object detection (issue 8): a generated FOMO-style
library runs on the emulated Cortex-M4F (QEMU mps2-an386) and finds the
host's objects.

  1. ember-cli builds the objects demo small (scale 0.1, 6 short epochs,
     threshold 0.1 so the barely trained model finds many objects) and
     deploys the int8 model with --test-vectors (Ember's own raw window,
     features and objects per test window);
  2. the windows with the most objects are compiled into the firmware
     (firmware/main.c): em_run_impulse() on the raw image and
     em_run_features() on Ember's features;
  3. built natively (ASan/UBSan) and for the M4F (test_cortex_m.py's flags,
     codegen's startup and linker script), run under qemu-system-arm with the
     instruction-counting plugin;
  4. checks: device == host bit for bit (per-class outputs and every object's
     label, box, centroid and score, both paths); the objects equal Ember's
     own int8 objects exactly; prints instructions per frame, the stack
     high-water mark and the ELF's sizes.

Exit 77 (skip) only when the ARM toolchain or QEMU is missing. The helpers
here (deploy_vectors, pick_windows, run_library) also serve
tests/bench/bench-detect.py.
Usage: test_cortex_m_detect.py [--insncount LIB] [--keep DIR]
"""
import argparse
import json
import os
import re
import shutil
import struct
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import test_cortex_m as cm  # noqa: E402  (the classifier test's build and QEMU helpers)

MAIN = os.path.join(cm.FIRMWARE, 'main.c')  # prints objects for a detection library
SCALE = '0.1'
SETTINGS = ['epochs=6', 'batch_size=8', 'validation_pct=10', 'seed=1', 'threshold=0.1']
N_WINDOWS = 3
# A 96x96 int8 FOMO frame is some tens of millions of instructions; QEMU with
# the counting plugin on a loaded machine needs more than the classifiers' 60 s.
cm.QEMU_TIMEOUT = 400
log = cm.log
Failure = cm.Failure


def bits(v):
    return '%08x' % struct.unpack('<I', struct.pack('<f', v))[0]


def from_bits(h):
    return struct.unpack('<f', struct.pack('<I', int(h, 16)))[0]


def ember_objects(outputs):
    """Ember's run() output (count, then label 1..C, x, y, w, h, cx, cy, score
    per object) as the firmware prints objects: (label 0..C-1, [hex bits])."""
    out = []
    for k in range(int(outputs[0])):
        o = outputs[1 + 8 * k:9 + 8 * k]
        out.append((int(o[0]) - 1, [bits(v) for v in o[1:8]]))
    return out


def deploy_vectors(project, workdir, variant='int8'):
    libdir = os.path.join(workdir, 'lib-' + variant)
    vectors = os.path.join(workdir, 'vectors-%s.jsonl' % variant)
    cm.cli_ok(*(['deploy', project, '--target', 'c-library', '-o', libdir, '--test-vectors', vectors] +
                (['--float'] if variant == 'float' else [])), timeout=600)
    with open(vectors) as f:
        return libdir, [json.loads(l) for l in f]


def pick_windows(vectors, n):
    """The n test windows where Ember found the most objects (ties: first)."""
    order = sorted(range(len(vectors)), key=lambda i: (-int(vectors[i]['outputs'][0]), i))[:n]
    return [{'sample': vectors[i]['sample'], 'raw': vectors[i]['window_values'], 'features': vectors[i]['features'],
             'ember': vectors[i]['outputs']} for i in order]


def parse(text, what):
    res, stack, done = {}, None, False
    for line in text.splitlines():
        m = re.match(r'([RF]) (\d+) status=(-?\d+) top=(-?\d+) out=([0-9a-f,]+) n=(-?\d+) obj=(.*)$', line)
        if m:
            objs = []
            for part in filter(None, m.group(7).split(';')):
                label, vals = part.split(':')
                objs.append((int(label), vals.split(',')))
            res[(m.group(1), int(m.group(2)))] = {'status': int(m.group(3)), 'top': int(m.group(4)),
                                                  'out': m.group(5), 'n': int(m.group(6)), 'objects': objs}
        elif line.startswith('stack '):
            stack = int(line.split()[1])
        elif line.strip() == 'done':
            done = True
    if not done:
        raise Failure('%s: output has no final "done" line:\n%s' % (what, text[-2000:]))
    return res, stack


def build(cc, cflags, libdir, wdir, outdir, arm):
    os.makedirs(outdir, exist_ok=True)
    srcs = cm.library_sources(libdir) + [MAIN, os.path.join(wdir, 'dev-windows.c')]
    inc = cm.library_includes(libdir) + ['-I', wdir]
    if not arm:
        exe = os.path.join(outdir, 'host-run')
        cm.run([cc] + cflags + inc + ['-o', exe] + srcs + ['-lm'])
        return exe
    objs = []
    for src in srcs + [os.path.join(cm.TARGET_CM, 'startup.c')]:
        obj = os.path.join(outdir, os.path.basename(src)[:-2] + '.o')
        cm.run([cc] + cflags + ['-Wall'] + inc + ['-c', src, '-o', obj])
        objs.append(obj)
    elf = os.path.join(outdir, 'firmware.elf')
    cm.run([cc] + cflags + ['--specs=nano.specs', '--specs=rdimon.specs', '-T',
                            os.path.join(cm.TARGET_CM, 'mps2-an386.ld'), '-Wl,--gc-sections',
                            '-Wl,-Map=' + os.path.join(outdir, 'firmware.map'), '-o', elf] + objs + ['-lm'])
    return elf


def run_library(libdir, windows, workdir, insncount):
    """Host and device runs of @windows on the library; returns a dict with
    host / dev results, per-region instruction counts, stack and ELF sizes."""
    d = cm.library_defines(libdir)
    wdir = os.path.join(workdir, 'windows')
    cm.write_windows(wdir, windows, d['EM_IMPULSE_INPUT_VALUES'], d['EM_IMPULSE_N_FEATURES'])
    exe = build('cc', cm.HOST_CFLAGS, libdir, wdir, os.path.join(workdir, 'host'), False)
    host, _ = parse(cm.run([exe]).stdout, 'host')
    elf = build('arm-none-eabi-gcc', cm.ARM_CFLAGS, libdir, wdir, os.path.join(workdir, 'arm'), True)
    text, counts, secs = cm.run_qemu(elf, insncount)
    dev, stack = parse(text, 'device')
    return {'defines': d, 'host': host, 'dev': dev, 'regions': counts['regions'], 'stack': stack,
            'sizes': cm.arm_size(elf), 'qemu_s': secs, 'elf': elf}


def compare(r, windows, errors):
    """Device == host bit for bit, and both == Ember's objects exactly."""
    n = len(windows)
    for i, w in enumerate(windows):
        ember = ember_objects(w['ember'])
        for path in 'RF':
            dv, hv = r['dev'].get((path, i)), r['host'].get((path, i))
            where = 'window %d (%s)' % (i, 'impulse' if path == 'R' else 'features')
            if dv is None or hv is None or dv['status'] != 0 or hv['status'] != 0:
                errors.append('%s: missing or failed (device %s, host %s)' % (where, dv, hv))
                continue
            if dv != hv:
                errors.append('%s: device %s, host %s' % (where, dv, hv))
            if dv['objects'] != ember or dv['n'] != len(ember):
                errors.append('%s: device objects %s, Ember\'s %s' % (where, dv['objects'], ember))
    if len(r['regions']) != 2 * n:
        errors.append('%d counted inferences, expected %d' % (len(r['regions']), 2 * n))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--insncount', help='a built insncount plugin (default: build insncount.c with cc)')
    ap.add_argument('--keep', help='work in this folder and keep it')
    args = ap.parse_args()

    missing = cm.toolchain_missing()
    if missing:
        print('1..0 # SKIP Cortex-M toolchain missing: %s' % missing)
        return 77
    if not os.environ.get('EMBER_CLI'):
        print('EMBER_CLI is not set: run this test with meson test', file=sys.stderr)
        return 1
    work = args.keep or tempfile.mkdtemp(prefix='ember-device-detect-')
    os.makedirs(work, exist_ok=True)
    errors = []
    t0 = time.monotonic()
    try:
        if not args.insncount:
            # Built here: a sanitizer build would instrument it, and QEMU cannot load that.
            args.insncount = os.path.join(work, 'libinsncount.so')
            cm.run(['cc', '-shared', '-fPIC', '-O2', '-Wall', '-o', args.insncount,
                    os.path.join(HERE, 'insncount.c')])
        project = os.path.join(work, 'objects.ember')
        cm.cli_ok('demo', 'create', project, '--kind', 'objects', '--scale', SCALE)
        train = ['train', project]
        for s in SETTINGS:
            train += ['--set', s]
        cm.cli_ok(*train, timeout=600)
        libdir, vectors = deploy_vectors(project, work)
        windows = pick_windows(vectors, N_WINDOWS)
        n_obj = [int(w['ember'][0]) for w in windows]
        if sum(n_obj) < 2 * N_WINDOWS:
            errors.append('Ember found only %s objects in the picked windows: nothing to compare' % n_obj)
        r = run_library(libdir, windows, work, args.insncount)
        compare(r, windows, errors)
        regions = r['regions'] + [0] * max(0, 2 * N_WINDOWS - len(r['regions']))
        impulse = sum(regions[:N_WINDOWS]) / N_WINDOWS
        nn = sum(regions[N_WINDOWS:2 * N_WINDOWS]) / N_WINDOWS
        if r['stack'] is None or r['stack'] <= 0:
            errors.append('no stack measurement')
        log('objects per window (Ember): %s; QEMU run %.1f s' % (n_obj, r['qemu_s']))
        log('device vs host: %s; device vs Ember: %s' % (
            'bit-exact' if not any('host' in e for e in errors) else 'DIFFERENT',
            'exact' if not any('Ember' in e for e in errors) else 'DIFFERENT'))
        log('instructions per frame: impulse (image DSP + NN + post) %.0f, from features %.0f' % (impulse, nn))
        log('stack %s B, arena %d B, ELF flash %d (with the test windows), RAM %d' % (
            r['stack'], r['defines']['EM_IMPULSE_ARENA_BYTES'], r['sizes']['flash'], r['sizes']['ram']))
    except Failure as e:
        errors.append(str(e))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    log('(%.1f s)' % (time.monotonic() - t0))
    if errors:
        for e in errors:
            print('FAIL: ' + e[:3000], file=sys.stderr)
        return 1
    log('PASS')
    return 0


if __name__ == '__main__':
    sys.exit(main())
