#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The Linux target: `ember-cli deploy --target linux --build` writes the
generated library plus runner.c and builds `runner`, which classifies window
files or stdin and answers JSON lines over stdio.

On the motion demo (small scale, 3 epochs), int8 and float:
  - runner --jsonl over every test window's features gives Ember's outputs
    (`deploy --test-vectors`): int8 bit for bit, float within 1e-5; top and
    label are the arg-max and its name;
  - over the raw windows (DSP + model) it stays close to Ember (dsp/'s FFT
    against FFTW) and agrees on the top class for nearly all windows;
  - bad lines get {"error": ...} and the runner goes on with the next line;
  - file mode (CSV and white space, stdin) gives the same answers, and a
    file of the wrong size fails with a message;
  - the generated Makefile builds the same runner with make (-Wall -Werror);
  - --build without --target linux is a usage error; --report without the
    ARM toolchain names the Debian packages in one line.
Prints a summary; exit 0 when every check passed.
"""
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

FAILURES = []


def check(cond, msg):
    if not cond:
        FAILURES.append(msg)
        print('FAIL: ' + msg, flush=True)
    return cond


def cli(*args, env=None, timeout=300):
    e = dict(os.environ, LC_ALL='C.UTF-8')
    if env:
        e.update(env)
    return subprocess.run([os.environ['EMBER_CLI']] + [str(a) for a in args], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, encoding='utf-8', errors='replace', timeout=timeout, env=e)


def cli_ok(*args, **kw):
    r = cli(*args, **kw)
    if r.returncode != 0:
        raise SystemExit('ember-cli %s exited %d: %s' % (' '.join(map(str, args[:3])), r.returncode,
                                                        r.stderr.strip()[-2000:]))
    return r


def f32(v):
    return struct.unpack('<f', struct.pack('<f', v))[0]


def jsonl(runner, lines, timeout=120):
    r = subprocess.run([runner, '--jsonl'], input=''.join(l + '\n' for l in lines), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, encoding='utf-8', timeout=timeout)
    check(r.returncode == 0, 'runner --jsonl exited %d: %s' % (r.returncode, r.stderr))
    return [json.loads(l) for l in r.stdout.splitlines()]


def check_variant(work, project, variant):
    out = os.path.join(work, variant)
    vectors = os.path.join(work, variant + '.jsonl')
    args = ['deploy', project, '--target', 'linux', '-o', out, '--build', '--test-vectors', vectors]
    r = cli_ok(*(args + (['--float'] if variant == 'float' else [])))
    runner = os.path.join(out, 'runner')
    check(os.access(runner, os.X_OK), '%s: --build made no runner (%s)' % (variant, r.stdout))
    check(os.path.exists(os.path.join(out, 'runner.c')), '%s: no runner.c written' % variant)
    int8 = variant == 'int8'
    vecs = [json.loads(l) for l in open(vectors)]
    check(len(vecs) >= 20, '%s: only %d test windows' % (variant, len(vecs)))
    labels = None

    # The model alone on Ember's features.
    res = jsonl(runner, [json.dumps({'features': v['features']}) for v in vecs])
    check(len(res) == len(vecs), '%s: %d answers for %d lines' % (variant, len(res), len(vecs)))
    worst = 0.0
    for i, (v, a) in enumerate(zip(vecs, res)):
        if not check('outputs' in a, '%s: window %d: %s' % (variant, i, a)):
            continue
        ember = [f32(x) for x in v['outputs']]
        mine = [f32(x) for x in a['outputs']]
        diff = max(abs(x - y) for x, y in zip(ember, mine))
        worst = max(worst, diff)
        if int8:
            check(mine == ember, 'int8 window %d: runner %s, Ember %s' % (i, mine, ember))
        else:
            check(diff <= 1e-5, 'float window %d: |diff| %.3g' % (i, diff))
        top = max(range(len(mine)), key=lambda k: mine[k])
        check(mine[a['top']] == mine[top], '%s window %d: top %d is not the arg-max' % (variant, i, a['top']))
        check(a['anomaly'] == 0, '%s window %d: anomaly %s without an anomaly block' % (variant, i, a['anomaly']))
    header = open(os.path.join(out, 'ember_impulse_meta.h')).read()
    labels = json.loads('[' + header.split('#define EM_IMPULSE_LABELS {')[1].split('}')[0] + ']')
    for a in res:
        if 'top' in a:
            check(a['label'] == labels[a['top']], '%s: label %r for top %d' % (variant, a['label'], a['top']))

    # The whole impulse on the raw windows.
    resw = jsonl(runner, [json.dumps({'window': v['window_values']}) for v in vecs])
    agree, worst_w = 0, 0.0
    for v, a, b in zip(vecs, resw, res):
        if 'outputs' in a:
            worst_w = max(worst_w, max(abs(f32(x) - f32(y)) for x, y in zip(a['outputs'], v['outputs'])))
            agree += a['top'] == b['top']
    check(len(resw) == len(vecs) and agree >= 0.95 * len(vecs),
          '%s: the whole impulse agrees with the model on Ember\'s features for %d of %d windows' % (
              variant, agree, len(vecs)))
    check(worst_w <= (0.05 if int8 else 1e-3), '%s: whole impulse differs from Ember by %.3g' % (variant, worst_w))

    # Bad lines: an error each, and the runner goes on.
    n_feat, n_raw = len(vecs[0]['features']), len(vecs[0]['window_values'])
    good = json.dumps({'features': vecs[0]['features']})
    bad = ['garbage', '[1, 2, 3]', '{}', '{"features": [1, 2]}', '{"window": [%s]}' % ', '.join(['1'] * (n_raw + 1)),
           '{"features": [%s]}' % ', '.join(['NaN'] * n_feat), '{"features": "abc"}',
           '{"features": [%s]} trailing' % ', '.join(['0'] * n_feat), '{"features": [1, 2', '{"nothing": 1}',
           '{"window": [1], "features": [2]}']
    lines = []
    for b in bad:
        lines += [b, good]
    ans = jsonl(runner, lines + [''])
    check(len(ans) == len(lines), '%s: %d answers to %d lines (a blank line is not a request)' % (
        variant, len(ans), len(lines)))
    for k, b in enumerate(bad):
        e, g = ans[2 * k] if 2 * k < len(ans) else {}, ans[2 * k + 1] if 2 * k + 1 < len(ans) else {}
        check(isinstance(e.get('error'), str) and e['error'], '%s: bad line %r answered %s' % (variant, b, e))
        check(g.get('outputs') == res[0].get('outputs'), '%s: the line after %r answered %s' % (variant, b, g))
    if ans:
        print('  e.g. %r -> %s' % (bad[3], json.dumps(ans[6])))

    # File mode: CSV, white space and stdin give the jsonl answers.
    csv = os.path.join(work, variant + '-w.csv')
    txt = os.path.join(work, variant + '-w.txt')
    with open(csv, 'w') as f:
        f.write(','.join('%.9g' % x for x in vecs[1]['window_values']) + '\n')
    with open(txt, 'w') as f:
        f.write('\n'.join('%.9g' % x for x in vecs[2]['window_values']))
    r = subprocess.run([runner, csv, txt], stdout=subprocess.PIPE, stderr=subprocess.PIPE, encoding='utf-8')
    got = [json.loads(l) for l in r.stdout.splitlines()]
    check(r.returncode == 0 and len(got) == 2 and got[0]['file'] == csv and
          got[0]['outputs'] == resw[1]['outputs'] and got[1]['outputs'] == resw[2]['outputs'],
          '%s: file mode gave %s (status %d, %s)' % (variant, r.stdout, r.returncode, r.stderr))
    with open(csv) as f:
        r = subprocess.run([runner, '-'], stdin=f, stdout=subprocess.PIPE, stderr=subprocess.PIPE, encoding='utf-8')
    check(r.returncode == 0 and json.loads(r.stdout)['outputs'] == resw[1]['outputs'],
          '%s: stdin gave %s' % (variant, r.stdout))
    feat = os.path.join(work, variant + '-f.txt')
    with open(feat, 'w') as f:
        f.write(' '.join('%.9g' % x for x in vecs[0]['features']))
    r = subprocess.run([runner, '--features', feat], stdout=subprocess.PIPE, encoding='utf-8')
    check(r.returncode == 0 and json.loads(r.stdout)['outputs'] == res[0]['outputs'],
          '%s: --features file gave %s' % (variant, r.stdout))
    r = subprocess.run([runner, feat], stdout=subprocess.PIPE, stderr=subprocess.PIPE, encoding='utf-8')
    check(r.returncode == 1 and r.stdout == '' and 'values, a window has %d' % n_raw in r.stderr,
          '%s: a features file read as a window: status %d, %r' % (variant, r.returncode, r.stderr))
    print('%-5s %4d windows: features max |diff| %.3g (%s); whole impulse max |diff| %.3g, same top %d/%d' % (
        variant, len(vecs), worst, 'bit-exact' if int8 and worst == 0 else 'float', worst_w, agree, len(vecs)),
        flush=True)
    return out


def main():
    if not os.environ.get('EMBER_CLI'):
        print('EMBER_CLI is not set: run this test with meson test', file=sys.stderr)
        return 1
    work = tempfile.mkdtemp(prefix='ember-linux-runner-')
    try:
        project = os.path.join(work, 'motion.ember')
        cli_ok('demo', 'create', project, '--kind', 'motion', '--scale', '0.3')
        cli_ok('impulse', 'create', project, '--block', 'spectral')
        cli_ok('impulse', 'add', project, 'classification', '--inputs', 'spectral')
        cli_ok('train', project, '--epochs', '3')
        out = check_variant(work, project, 'int8')
        check_variant(work, project, 'float')

        # The generated Makefile builds the same runner.
        if shutil.which('make'):
            copy = os.path.join(work, 'make-copy')
            shutil.copytree(out, copy)
            os.unlink(os.path.join(copy, 'runner'))
            r = subprocess.run(['make', '-C', copy, '-j2', 'CFLAGS=-std=c99 -O2 -Wall -Werror', 'runner'], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, encoding='utf-8')
            check(r.returncode == 0 and os.access(os.path.join(copy, 'runner'), os.X_OK),
                  'make runner failed: %s' % r.stdout[-2000:])

        # Command-line mistakes and a missing toolchain.
        r = cli('deploy', project, '--target', 'c-library', '-o', os.path.join(work, 'x'), '--build')
        check(r.returncode == 2 and '--build' in r.stderr, '--build with c-library: %d %r' % (r.returncode, r.stderr))
        check(not os.path.exists(os.path.join(work, 'x')), '--build with c-library wrote a folder')
        r = cli('deploy', project, '--report', '--target', 'avr')
        check(r.returncode == 2, '--report --target avr: status %d' % r.returncode)
        empty = os.path.join(work, 'empty-bin')
        os.makedirs(empty)
        r = cli('deploy', project, '--report', env={'PATH': empty})
        err = r.stderr.strip().splitlines()
        check(r.returncode != 0 and len(err) == 1 and 'gcc-arm-none-eabi' in err[0] and
              'libnewlib-arm-none-eabi' in err[0], '--report without the toolchain: %d %r' % (r.returncode, r.stderr))
        print('missing toolchain: %s' % (err[0] if err else ''))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if FAILURES:
        print('%d checks failed' % len(FAILURES), file=sys.stderr)
        return 1
    print('PASS')
    return 0


if __name__ == '__main__':
    sys.exit(main())
