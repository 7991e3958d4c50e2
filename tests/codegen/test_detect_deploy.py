#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Object detection (FOMO-style, issue 8) through codegen: the generated
library runs the per-cell softmax and the cell merge after the model and
gives Ember's objects.

On a small objects demo (scale 0.15, 6 short epochs; the detection threshold
is lowered to 0.1 so the barely trained model finds many objects, true and
false, which is what an equality test wants):
  - deploy --target linux --build --test-vectors: the runner over every test
    window's features gives Ember's own objects (`outputs` of the test
    vectors: count, then label, x, y, w, h, cx, cy, score per object) exactly
    for int8, and within 1e-5 for float; `outputs` per class is the class's
    highest cell probability and `top` its arg-max;
  - over the raw windows (image DSP + model) the int8 objects equal Ember's;
  - ember_impulse.h has the detection API and the meta header the task;
  - the generated Makefile builds the library and the example with -Werror;
  - the float and int8 libraries refuse nothing and the c-library target
    writes em-nn-fomo-post.c.
Prints TAP; exit 0 when every check passed.
"""
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

SCALE = '0.15'
SETTINGS = ['epochs=6', 'batch_size=8', 'validation_pct=10', 'seed=1', 'threshold=0.1']
LABELS = ['circle', 'square', 'triangle']
KEYS = ('x', 'y', 'w', 'h', 'cx', 'cy', 'score')

results = []


def check(cond, msg):
    results.append((bool(cond), msg))
    print('%s %d - %s' % ('ok' if cond else 'not ok', len(results), msg), flush=True)
    return cond


def cli(*args, timeout=300):
    env = dict(os.environ, LC_ALL='C.UTF-8')
    r = subprocess.run([os.environ['EMBER_CLI']] + [str(a) for a in args], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, encoding='utf-8', errors='replace', timeout=timeout, env=env)
    if r.returncode != 0:
        raise SystemExit('Bail out! ember-cli %s exited %d: %s' % (' '.join(map(str, args[:3])), r.returncode,
                                                                  r.stderr.strip()[-2000:]))
    return r


def f32(v):
    return struct.unpack('<f', struct.pack('<f', v))[0]


def ember_objects(outputs):
    """Ember's run() output: count, then 8 floats per object (label 1..C)."""
    n = int(outputs[0])
    out = []
    for k in range(n):
        o = [f32(v) for v in outputs[1 + 8 * k:9 + 8 * k]]
        out.append({'label': int(o[0]) - 1, 'x': o[1], 'y': o[2], 'w': o[3], 'h': o[4], 'cx': o[5], 'cy': o[6],
                    'score': o[7]})
    return out


def runner_answers(runner, requests):
    r = subprocess.run([runner, '--jsonl'], input=''.join(json.dumps(q) + '\n' for q in requests),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, encoding='utf-8', timeout=300)
    if r.returncode != 0:
        raise SystemExit('Bail out! runner exited %d: %s' % (r.returncode, r.stderr[-2000:]))
    return [json.loads(l) for l in r.stdout.splitlines()]


def same_objects(mine, ember, tol):
    if len(mine) != len(ember):
        return False
    for a, b in zip(mine, ember):
        if a['label'] != b['label'] or a['name'] != LABELS[b['label']]:
            return False
        for k in KEYS:
            if a[k] is None or abs(f32(a[k]) - b[k]) > tol:
                return False
    return True


def check_library(work, project, variant):
    lib = os.path.join(work, 'lib-' + variant)
    vectors = os.path.join(work, 'vectors-%s.jsonl' % variant)
    cli(*(['deploy', project, '--target', 'linux', '-o', lib, '--build', '--test-vectors', vectors] +
          (['--float'] if variant == 'float' else [])))
    int8 = variant == 'int8'
    tol = 0.0 if int8 else 1e-5
    with open(vectors) as f:
        windows = [json.loads(l) for l in f]
    check(len(windows) >= 20, '%s: %d test windows' % (variant, len(windows)))
    answers = runner_answers(os.path.join(lib, 'runner'), [{'features': w['features']} for w in windows])
    check(len(answers) == len(windows), '%s: one answer per window' % variant)
    n_objects = n_same = n_top = 0
    worst = None
    for w, a in zip(windows, answers):
        ember = ember_objects(w['outputs'])
        n_objects += len(ember)
        if same_objects(a.get('objects', []), ember, tol):
            n_same += 1
        elif worst is None:
            worst = (w['sample'], a.get('objects'), ember)
        outs = a['outputs']
        if len(outs) == 3 and all(0 <= v <= 1 for v in outs) and a['top'] == outs.index(max(outs)) and \
                a['label'] == LABELS[a['top']]:
            n_top += 1
    check(n_objects >= 2 * len(windows), '%s: Ember finds %d objects in %d windows (enough to compare)'
          % (variant, n_objects, len(windows)))
    check(n_same == len(windows), '%s: generated objects equal Ember\'s on %d of %d windows (%s)%s'
          % (variant, n_same, len(windows), 'exact' if int8 else 'within 1e-5',
             '' if worst is None else '; first difference, sample %s: %s vs Ember %s' % worst))
    check(n_top == len(windows), '%s: outputs are per-class peak probabilities, top their arg-max (%d of %d)'
          % (variant, n_top, len(windows)))
    if int8:
        # The whole impulse: the image block's device code, then the model.
        raw = runner_answers(os.path.join(lib, 'runner'), [{'window': w['window_values']} for w in windows])
        n_raw = sum(same_objects(a.get('objects', []), ember_objects(w['outputs']), 0.0)
                    for w, a in zip(windows, raw))
        check(n_raw == len(windows), 'int8: objects of the raw windows (DSP + model) equal Ember\'s on %d of %d'
              % (n_raw, len(windows)))
    return lib


def main():
    if not os.environ.get('EMBER_CLI'):
        print('EMBER_CLI is not set: run this test with meson test', file=sys.stderr)
        return 1
    work = tempfile.mkdtemp(prefix='ember-detect-deploy-')
    try:
        project = os.path.join(work, 'objects.ember')
        cli('demo', 'create', project, '--kind', 'objects', '--scale', SCALE)
        args = ['train', project]
        for s in SETTINGS:
            args += ['--set', s]
        cli(*args, timeout=600)

        lib = check_library(work, project, 'int8')
        header = open(os.path.join(lib, 'ember_impulse.h')).read()
        for name in ('#define EM_IMPULSE_OBJECT_DETECTION 1', '#define EM_IMPULSE_GRID_W        12u',
                     '#define EM_IMPULSE_MODEL_WIDTH   96u', 'em_impulse_object_t objects[EM_IMPULSE_MAX_OBJECTS]',
                     'const float *em_impulse_cell_probs (void);', '#define EM_IMPULSE_N_OUTPUTS    3u'):
            check(name in header, 'ember_impulse.h has %r' % name)
        meta = open(os.path.join(lib, 'ember_impulse_meta.h')).read()
        check('#define EM_IMPULSE_TASK "object-detection"' in meta, 'meta header names the task')
        check('0.100000001f, 8 }' in open(os.path.join(lib, 'ember_impulse.c')).read(),
              'the trained threshold (0.1) and 8-connectivity are compiled in')
        check(os.path.exists(os.path.join(lib, 'nn', 'em-nn-fomo-post.c')), 'em-nn-fomo-post.c is copied')
        # --threshold overrides the trained one; a bad one is refused before anything is written.
        chosen = os.path.join(work, 'lib-threshold')
        cli('deploy', project, '--target', 'c-library', '-o', chosen, '--threshold', '0.25')
        check('0.25f, 8 }' in open(os.path.join(chosen, 'ember_impulse.c')).read(),
              'deploy --threshold 0.25 compiles 0.25 in instead of the trained 0.1')
        bad = subprocess.run([os.environ['EMBER_CLI'], 'deploy', project, '--target', 'c-library', '-o',
                              os.path.join(work, 'lib-bad'), '--threshold', 'nan'],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, encoding='utf-8')
        check(bad.returncode != 0 and '--threshold must be in (0, 1]' in bad.stderr and
              not os.path.exists(os.path.join(work, 'lib-bad')), 'deploy --threshold nan is refused with one line')
        r = subprocess.run(['make', '-C', lib, 'CFLAGS=-std=c99 -O1 -Wall -Wextra -Werror -Wno-unused-parameter',
                            'all'], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, encoding='utf-8')
        check(r.returncode == 0, 'the generated Makefile builds with -Werror%s' % (
            '' if r.returncode == 0 else ': ' + r.stdout[-1500:]))
        check_library(work, project, 'float')
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print('1..%d' % len(results))
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == '__main__':
    sys.exit(main())
