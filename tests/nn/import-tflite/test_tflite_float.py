#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""float32 TensorFlow Lite import against numpy (issue 10).

make_float_tflite.py writes small float models with known weights (no
TensorFlow here) and computes what TFLite's float kernels compute.
test-tflite-float-run imports each with em_nn_import_tflite and runs the
float program, Ember's float network converted from it (what a project
stores) and that network quantized to int8 by Ember: float must match numpy
within 1e-5, int8 must agree on top-1 for most windows. CONCATENATION (no
float layer yet) and a PAD that is not TensorFlow's 'same' are shown and run
as a float program but refused for import with the reason;
unsupported operators are named in one line; truncated and garbage files
are refused with one line, never a crash. Then ember-cli: a project of CSV
windows imports the CNN as float + int8 quantized on its training windows,
`ember-cli test` classifies with both, `deploy --target c-library` (float
and int8) builds on the host under ASan/UBSan and gives numpy's outputs
(float) and top-1 (int8); without features the import is float only and
deploys with --float. Prints TAP."""
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

try:
    import numpy as np
except ImportError as e:
    print('1..0 # SKIP numpy missing (%s)' % e)
    sys.exit(77)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '..', '..', 'device'))
import make_float_tflite as mk  # noqa: E402

RUN = sys.argv[1] if len(sys.argv) > 1 else os.environ.get('EMBER_TFLITE_FLOAT_RUN', '')
tmp = tempfile.mkdtemp(prefix='ember-tflite-float-')
rng = np.random.default_rng(11)
n_test = 0
failed = 0


def ok(cond, what, detail=''):
    global n_test, failed
    n_test += 1
    print(('ok' if cond else 'not ok') + ' %d - %s' % (n_test, what))
    for line in str(detail).splitlines():
        print('# ' + line)
    if not cond:
        failed += 1
    sys.stdout.flush()


def run(*args):
    return subprocess.run([RUN, *map(str, args)], capture_output=True, text=True, errors='replace', timeout=120)


def write(name, data):
    path = os.path.join(tmp, name)
    with open(path, 'wb') as f:
        f.write(data)
    return path


def ember_run(path, kind, x, calib=None):
    inp = write('in.f32', x.astype(np.float32).tobytes())
    out = os.path.join(tmp, 'out.f32')
    args = [path, kind] + ([write('calib.f32', calib.astype(np.float32).tobytes())] if calib is not None else [])
    r = run(*args, inp, out)
    if r.returncode != 0:
        print('# %s %s: exit %d %s' % (os.path.basename(path), kind, r.returncode, r.stderr.strip()))
        return None
    return np.fromfile(out, np.float32).reshape(len(x), -1).astype(np.float64)


def max_rel_err(got, ref):
    return float(np.max(np.abs(got - ref) / np.maximum(1.0, np.abs(ref))))


def check_model(name):
    data, shape, ref = mk.build(name)
    path = write(name + '.tflite', data)
    r = run(path)
    ok(r.returncode == 0 and 'model {' in r.stdout, '%s: imported with Ember\'s float network' % name,
       r.stderr.strip() if r.returncode else '')
    x = rng.normal(0, 1, (64,) + shape)
    want = np.array([ref(w).reshape(-1) for w in x])
    for kind in ('program', 'float'):
        got = ember_run(path, kind, x)
        err = max_rel_err(got, want) if got is not None else float('inf')
        ok(err <= 1e-5, '%s: %s outputs equal numpy within 1e-5 (max %.3g)' % (name, kind, err))
    calib = rng.normal(0, 1, (200,) + shape)
    q = ember_run(path, 'int8', x, calib)
    if q is None:
        ok(False, '%s: int8 quantized by Ember runs' % name)
        return data
    top1 = float(np.mean(np.argmax(q, 1) == np.argmax(want, 1)))
    srt = np.sort(want, 1)
    clear = (srt[:, -1] - srt[:, -2]) > 0.1
    print('# %s: int8 top-1 agreement %.3f, max |int8 - float| %.3g' % (name, top1, np.max(np.abs(q - want))))
    ok(top1 >= 0.8 and bool(np.all(np.argmax(q[clear], 1) == np.argmax(want[clear], 1))),
       '%s: int8 (Ember\'s quantization) agrees on top-1 for %.0f %% of windows and all %d clear ones' % (
           name, 100 * top1, int(clear.sum())))
    return data


def check_bad(data):
    bad = os.path.join(tmp, 'bad.tflite')
    lengths = sorted(set([0, 3, 8, 9, 40, len(data) - 1] + [len(data) * k // 40 for k in range(1, 40)]))
    problems = []
    for n in lengths:
        with open(bad, 'wb') as f:
            f.write(data[:n])
        r = run(bad)
        if r.returncode != 2 or r.stderr.count('\n') != 1:
            problems.append('truncated to %d: exit %d %r' % (n, r.returncode, r.stderr[-300:]))
    ok(not problems, 'truncated at %d lengths: each refused with one line' % len(lengths), '\n'.join(problems))
    prng = random.Random(5)
    crashed = refused = 0
    for trial in range(150):
        b = bytearray(data)
        for _ in range(prng.choice([1, 2, 4, 8])):
            b[prng.randrange(len(b))] ^= 1 << prng.randrange(8)
        if trial % 10 == 0:
            b = b[:8] + bytes(prng.getrandbits(8) for _ in range(len(b) - 8))   # garbage after the header
        with open(bad, 'wb') as f:
            f.write(b)
        r = run(bad)
        if r.returncode == 2 and r.stderr.count('\n') == 1:
            refused += 1
        elif r.returncode != 0:
            crashed += 1
            print('# flip trial %d: exit %d %r' % (trial, r.returncode, r.stderr[-300:]))
    ok(crashed == 0 and refused > 0, '150 damaged files: none crashes, %d refused with one line' % refused)


# ---- ember-cli --------------------------------------------------------------

def cli(*args):
    return subprocess.run([os.environ['EMBER_CLI'], *map(str, args)], capture_output=True, text=True,
                          errors='replace', timeout=300, env=dict(os.environ, LC_ALL='C.UTF-8'))


def csv_sample(path, values):
    with open(path, 'w') as f:
        f.write('timestamp,x\n')
        for i, v in enumerate(values):
            f.write('%d,%.6f\n' % (i * 10, v))


def make_project(name, n_in, n_train, n_test, labels):
    proj = os.path.join(tmp, name + '.ember')
    d = os.path.join(tmp, name + '-data')
    for cat, n in (('training', n_train), ('testing', n_test)):
        os.makedirs(os.path.join(d, cat), exist_ok=True)
        for i in range(n):
            csv_sample(os.path.join(d, cat, '%s.%s%d.csv' % (labels[i % len(labels)], cat, i)),
                       rng.normal(0, 1, n_in))
    steps = [cli('project', 'create', proj)]
    if n_train + n_test:
        steps.append(cli('data', 'import', proj, d))
    bad = [s for s in steps if s.returncode != 0]
    if bad:
        raise RuntimeError('project set-up failed: %s' % bad[0].stderr[-500:])
    return proj


def host_outputs(proj, variant, work, n_windows):
    """Deploy the c-library (variant: 'int8' or 'float'), build it on the
    host with the device harness and run the test vectors' windows."""
    import test_cortex_m as cm
    libdir = os.path.join(work, 'lib-' + variant)
    vectors = os.path.join(work, 'vectors-%s.jsonl' % variant)
    r = cli('deploy', proj, '--target', 'c-library', '-o', libdir, '--test-vectors', vectors,
            *(['--float'] if variant == 'float' else []))
    if r.returncode != 0:
        raise cm.Failure('deploy %s: %s' % (variant, r.stderr.strip()[-500:]))
    windows = [json.loads(line) for line in open(vectors)][:n_windows]
    wins = [{'raw': v['window_values'], 'features': v['features'], 'ember': v['outputs']} for v in windows]
    d = cm.library_defines(libdir)
    wdir = os.path.join(work, 'win-' + variant)
    cm.write_windows(wdir, wins, d['EM_IMPULSE_INPUT_VALUES'], d['EM_IMPULSE_N_FEATURES'])
    exe = os.path.join(work, 'host-' + variant)
    cm.build_host(libdir, wdir, exe)
    res, _ = cm.parse_results(cm.run([exe]).stdout, variant + ' host')
    return d, wins, res


def check_cli():
    import test_cortex_m as cm
    data, shape, ref = mk.build('cnn')
    model = write('cnn.tflite', data)
    n_in = int(np.prod(shape))
    labels = ['a', 'b', 'c', 'd', 'e']
    proj = make_project('cnn', n_in, 40, 10, labels)
    r = cli('model', 'import', proj, model, '--labels', ','.join(labels))
    ok(r.returncode == 0 and 'float + int8 (quantized by Ember)' in r.stdout,
       'ember-cli model import: float TFLite into a project, quantized on its training windows',
       (r.stdout + r.stderr).strip())
    r = cli('model', 'show', proj)
    ok(r.returncode == 0 and 'DEPTHWISE_CONV_2D' in r.stdout and 'PAD' in r.stdout,
       'ember-cli model show PROJECT lists the TFLite operators', r.stderr.strip())
    r = cli('test', '--json', proj)
    try:
        m = json.loads(r.stdout)
        good = m['float']['n'] == m['int8']['n'] == 10
    except (ValueError, KeyError, TypeError):
        good = False
    ok(good, 'ember-cli test classifies the testing windows with the float and the int8 model',
       (r.stdout[-300:] + r.stderr[-300:]).strip())
    work = os.path.join(tmp, 'deploy')
    os.makedirs(work, exist_ok=True)
    try:
        d, wins, res = host_outputs(proj, 'float', work, 10)
        err, status_ok = 0.0, True
        for i, w in enumerate(wins):
            want = ref(np.array(w['features']).reshape(shape)).reshape(-1)
            for path in 'RF':
                got = res.get((path, i))
                if got is None or got['status'] != 0:
                    status_ok = False
                    continue
                err = max(err, max_rel_err(np.array(got['outputs']), want))
        ok(status_ok and len(wins) == 10 and d['EM_IMPULSE_INT8'] == 0 and err <= 1e-5,
           'deploy --float: the generated C library on the host gives numpy\'s outputs within 1e-5 (max %.3g)' % err)
        d, wins, res = host_outputs(proj, 'int8', work, 10)
        agree = 0
        for i, w in enumerate(wins):
            want = ref(np.array(w['features']).reshape(shape)).reshape(-1)
            got = res.get(('F', i))
            agree += got is not None and got['status'] == 0 and got['top'] == int(np.argmax(want))
        ok(d['EM_IMPULSE_INT8'] == 1 and agree >= 8,
           'deploy (int8): the generated C library on the host agrees with numpy\'s top-1 on %d of %d windows' % (
               agree, len(wins)))
    except cm.Failure as e:
        ok(False, 'deploy and host build', str(e))

    # No training windows to calibrate on: float only, deployable with --float.
    mdata, mshape, mref = mk.build('mlp')
    testonly = make_project('testonly', int(np.prod(mshape)), 0, 4, ['a'])
    r = cli('model', 'import', testonly, write('mlp.tflite', mdata))
    ok(r.returncode == 0 and 'No int8 version' in r.stdout and r.stdout.rstrip().endswith('float'),
       'a project without training windows imports the float model only, saying why', (r.stdout + r.stderr).strip())
    r = cli('deploy', testonly, '--target', 'c-library', '-o', os.path.join(tmp, 'testonly-lib'), '--float')
    ok(r.returncode == 0 and os.path.isfile(os.path.join(tmp, 'testonly-lib', 'ember_impulse.h')),
       'and deploys with --float', r.stderr.strip())

    r = cli('model', 'import', proj, write('concat.tflite', mk.build('concat')[0]))
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    ok(r.returncode == 3 and len(lines) == 1 and 'concat.tflite: cannot import this float32 model' in lines[0] and
       'CONCATENATION' in lines[0], 'a float model with CONCATENATION is refused with the reason', r.stderr.strip())
    bad = write('bad.tflite', data[:len(data) // 2])
    r = cli('model', 'import', proj, bad)
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    ok(r.returncode == 3 and len(lines) == 1 and lines[0].startswith('ember-cli: bad.tflite: '),
       'ember-cli refuses a truncated float model with one line', r.stderr.strip())


def main():
    if not RUN or not os.access(RUN, os.X_OK):
        print('1..0 # SKIP test-tflite-float-run not given')
        return 77
    try:
        cnn = None
        for name in ('cnn', 'cnn_f16', 'cnn_mean', 'mlp', 'mlp_i8w'):
            data = check_model(name)
            cnn = cnn or data
        # CONCATENATION: shown and run as a float program, not importable.
        data, shape, ref = mk.build('concat')
        path = write('concat.tflite', data)
        r = run(path)
        ok(r.returncode == 0 and r.stdout.count('no model:') == 1 and 'CONCATENATION' in r.stdout,
           'concat: read (for show / profile), no float network, with the reason', r.stdout + r.stderr)
        x = rng.normal(0, 1, (16,) + shape)
        got = ember_run(path, 'program', x)
        want = np.array([ref(w).reshape(-1) for w in x])
        err = max_rel_err(got, want) if got is not None else float('inf')
        ok(err <= 1e-5, 'concat: the float program equals numpy within 1e-5 (max %.3g)' % err)
        data, shape, ref = mk.build('cnn_pad_symmetric')
        path = write('cnn_pad_symmetric.tflite', data)
        r = run(path)
        ok(r.returncode == 0 and 'no model:' in r.stdout and "is not TensorFlow's 'same' padding" in r.stdout,
           'a PAD that is not \'same\' padding: no float network, with the reason', r.stdout + r.stderr)
        x = rng.normal(0, 1, (16,) + shape)
        got = ember_run(path, 'program', x)
        want = np.array([ref(w).reshape(-1) for w in x])
        err = max_rel_err(got, want) if got is not None else float('inf')
        ok(err <= 1e-5, 'cnn_pad_symmetric: the float program (with its PAD op) equals numpy (max %.3g)' % err)
        r = run(write('unsupported.tflite', mk.build('unsupported')[0]))
        ok(r.returncode == 2 and r.stderr == 'unsupported operators: FLOOR, GATHER\n',
           'unsupported float operators are listed by name in one line', r.stderr)
        check_bad(cnn)
        if os.environ.get('EMBER_CLI'):
            check_cli()
        else:
            print('# EMBER_CLI not set: ember-cli checks skipped')
    finally:
        if os.environ.get('EMBER_KEEP_TFLITE_FLOAT'):
            print('# kept %s' % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print('1..%d' % n_test)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
