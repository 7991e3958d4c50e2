#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Bring your own model, end to end (issue 10): the two int8 reference models
of ../shared/models (TFLite Micro's micro_speech and person_detect) are
imported into a project with `ember-cli model import`, deployed with
`deploy --target c-library`, built on the host (under ASan/UBSan) and for a
Cortex-M4F run under QEMU (mps2-an386, tests/device's harness and
instruction-counting plugin), and fed TFLite Micro's four test inputs. The
int8 outputs must be exactly TFLM's (listed in ../shared/models/README.md),
on the host and on the device; instructions per inference are printed next
to TFLM's. `model show` and `model profile`, and refusals of damaged files,
are checked too.

The generated library takes float features: a raw int8 input q becomes the
feature scale × (q − zero point), which the library quantizes back to q
exactly; the dequantized outputs are turned back into int8 the same way.

Models: $EMBER_MODELS_DIR, else $EMBER_SOURCE_ROOT/../shared/models; exit 77
(skip) without them. The QEMU part is skipped without the ARM toolchain.
Prints TAP."""
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import wave

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'device'))
import test_cortex_m as cm  # noqa: E402
import tflite_writer as tw  # noqa: E402

cm.QEMU_TIMEOUT = 600

CASES = {
    'micro_speech_quantized.tflite': {
        'labels': 'silence,unknown,yes,no',
        'inputs': [('micro_speech_input_yes_49x40.raw', [-128, -128, 127, -128]),
                   ('micro_speech_input_no_49x40.raw', [-128, -114, -128, 114])],
        'macs': 336000,
        # TFLM on the same emulated M4F (README): reference -Os, reference -O2, CMSIS-NN.
        'tflm': (17775566, 9310031, 1496438), 'tflm_arena': 6796,
    },
    'person_detect.tflite': {
        'labels': 'no_person,person',
        'inputs': [('person_detect_input_person_96x96.raw', [-113, 113]),
                   ('person_detect_input_no_person_96x96.raw', [57, -57])],
        'macs': 7157888,
        'tflm': (353790336, 95596531, 22932943), 'tflm_arena': 82292,
    },
}

n_test = 0
failures = 0


def tap(ok, what, detail=''):
    global n_test, failures
    n_test += 1
    if not ok:
        failures += 1
    print('%s %d - %s' % ('ok' if ok else 'not ok', n_test, what))
    for line in detail.splitlines():
        print('# ' + line)
    sys.stdout.flush()


def cli(*args, expect=0):
    r = cm.cli(*args)
    if expect is not None and r.returncode != expect:
        raise cm.Failure('ember-cli %s exited %d (expected %d): %s' % (
            ' '.join(map(str, args[:3])), r.returncode, expect, r.stderr.strip()[-2000:]))
    return r


def models_dir():
    d = os.environ.get('EMBER_MODELS_DIR')
    if not d and os.environ.get('EMBER_SOURCE_ROOT'):
        d = os.path.join(os.environ['EMBER_SOURCE_ROOT'], '..', 'shared', 'models')
    if d and all(os.path.isfile(os.path.join(d, m)) for m in CASES):
        return d
    return None


def write_wav(path, n):
    with wave.open(path, 'wb') as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b'\0\0' * n)


def int8_of(value, scale, zp):
    """The library's dequantized output back to int8 (exact: v = scale × (q − zp))."""
    q = round(value / scale) + zp
    return max(-128, min(127, q))


def deploy(work, mdir, model, case):
    project = os.path.join(work, model + '.ember')
    cli('project', 'create', project)
    show = json.loads(cli('model', 'show', os.path.join(mdir, model), '--json').stdout)
    n_in = show['input_shape'][0] * show['input_shape'][1] * show['input_shape'][2]
    # One sample so that deploy has a window to take the input's shape from.
    wav = os.path.join(work, model + '.wav')
    write_wav(wav, n_in)
    cli('data', 'import', project, wav, '--label', 'x')
    cli('model', 'import', project, os.path.join(mdir, model), *(['--labels', case['labels']] if case.get('labels') else []))
    stored = json.loads(cli('model', 'show', project, '--json').stdout)
    tap(stored['macs'] == case['macs'] and stored['layers'] == show['layers'],
        '%s: imported; the project shows its layer table (%d MACs)' % (model, stored['macs']))
    libdir = os.path.join(work, model + '-lib')
    cli('deploy', project, '--target', 'c-library', '-o', libdir)
    return show, libdir


def windows_for(mdir, case, show):
    scale, zp = show['input_scale'], show['input_zero_point']
    out = []
    for name, expect in case['inputs']:
        raw = open(os.path.join(mdir, name), 'rb').read()
        feats = [struct.unpack('<f', struct.pack('<f', scale * (b - zp)))[0]
                 for b in struct.unpack('%db' % len(raw), raw)]
        out.append({'raw': feats, 'features': feats, 'name': name, 'expect': expect})
    return out


def check_outputs(model, where, results, windows, show):
    for i, w in enumerate(windows):
        for path in 'RF':
            r = results.get((path, i))
            got = None if r is None or r['status'] != 0 else [
                int8_of(v, show['output_scale'], show['output_zero_point']) for v in r['outputs']]
            tap(got == w['expect'], '%s %s %s (%s): int8 outputs %s, expected %s' % (
                model, where, w['name'], 'em_run_impulse' if path == 'R' else 'em_run_features', got, w['expect']))


def check_bad_files(work, mdir):
    data = open(os.path.join(mdir, 'micro_speech_quantized.tflite'), 'rb').read()
    rnd = random.Random(7)
    bad = []
    for n in (0, 3, 8, 64, 200, len(data) // 2, len(data) - 1):
        bad.append(('truncated to %d bytes' % n, data[:n]))
    for k in range(20):
        b = bytearray(data)
        for _ in range(4):
            b[rnd.randrange(0, 600)] ^= rnd.randrange(1, 256)
        bad.append(('header bytes flipped (%d)' % k, bytes(b)))
    problems = []
    for what, content in bad:
        path = os.path.join(work, 'bad.tflite')
        with open(path, 'wb') as f:
            f.write(content)
        r = cli('model', 'show', path, expect=None)
        lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
        if r.returncode == 0:
            continue   # a flip that only touched unused bytes
        if r.returncode != 3:
            problems.append('%s: exit %d' % (what, r.returncode))
        elif len(lines) != 1 or not lines[0].startswith('ember-cli: bad.tflite: '):
            problems.append('%s: stderr %r' % (what, r.stderr))
    tap(not problems, 'damaged model files are refused with one line naming the file', '\n'.join(problems))


def layout_models(work):
    """PAD and CONCATENATION (written by tflite_writer) through import,
    deploy and the host build; a model with unsupported operators names
    them all in one line."""
    pad_code, concat_code, gather_code, lstm_code = 34, 2, 36, 16
    tensors = [tw.tensor([1, 2, 3, 2], 0, 'in', scale=0.5, zero_point=3),
               tw.tensor([4, 2], 1, 'paddings', type_=tw.INT32),
               tw.tensor([1, 3, 4, 2], 0, 'padded', scale=0.5, zero_point=3),
               tw.tensor([1, 3, 4, 4], 0, 'out', scale=0.5, zero_point=3)]
    pads = struct.pack('<8i', 0, 0, 1, 0, 0, 1, 0, 0)
    ops = [tw.op(0, [0, 1], [2], 22), tw.op(1, [2, 2], [3], 10, tw.Table([('i', 3), ('b', 0)]))]
    with open(os.path.join(work, 'pad_concat.tflite'), 'wb') as f:
        f.write(tw.model([pad_code, concat_code], tensors, ops, [0], [3], [b'', pads]))
    with open(os.path.join(work, 'unsupported.tflite'), 'wb') as f:
        f.write(tw.model([gather_code, lstm_code], tensors, [tw.op(0, [0, 1], [2]), tw.op(1, [2, 2], [3]),
                                                             tw.op(0, [0, 1], [2])], [0], [3], [b'', pads]))
    r = cli('model', 'show', os.path.join(work, 'unsupported.tflite'), expect=None)
    tap(r.returncode == 3 and r.stderr.strip() == 'ember-cli: unsupported.tflite: unsupported operators: GATHER, LSTM',
        'unsupported operators are listed by name in one error', r.stderr)
    q = list(range(-6, 6))
    with open(os.path.join(work, 'pad_concat_input.raw'), 'wb') as f:
        f.write(struct.pack('12b', *q))
    padded = [[[3, 3] if y == 0 or x == 3 else q[((y - 1) * 3 + x) * 2:((y - 1) * 3 + x) * 2 + 2]
               for x in range(4)] for y in range(3)]
    expect = [v for row in padded for px in row for v in px + px]
    case = {'macs': 0, 'inputs': [('pad_concat_input.raw', expect)]}
    show, libdir = deploy(work, work, 'pad_concat.tflite', case)
    windows = windows_for(work, case, show)
    d = cm.library_defines(libdir)
    wdir = os.path.join(work, 'pad_concat-windows')
    cm.write_windows(wdir, windows, d['EM_IMPULSE_INPUT_VALUES'], d['EM_IMPULSE_N_FEATURES'])
    exe = os.path.join(work, 'pad_concat-host')
    cm.build_host(libdir, wdir, exe)
    host, _ = cm.parse_results(cm.run([exe]).stdout, 'pad_concat host')
    check_outputs('pad_concat.tflite', 'host', host, windows, show)


def tflm_activation_models(work):
    """int8 LOGISTIC, TANH and a two-row SOFTMAX (beta 0.7) written by
    tflite_writer, through import, deploy and the host build: the bytes
    must be those of TFLite Micro's fixed-point kernels, as the independent
    reference of tests/nn/kernels/ref_tflm_act.py computes them."""
    sys.path.insert(0, os.path.join(HERE, '..', 'nn', 'kernels'))
    import ref_tflm_act as ref  # noqa: E402
    logistic_code, tanh_code, softmax_code = 14, 28, 25
    in_scale, in_zp, beta = ref.f32(0.07), 5, ref.f32(0.7)
    tensors = [tw.tensor([1, 2, 8], 0, 'in', scale=in_scale, zero_point=in_zp),
               tw.tensor([1, 2, 8], 0, 'sig', scale=1.0 / 256, zero_point=-128),
               tw.tensor([1, 2, 8], 0, 'th', scale=1.0 / 128, zero_point=0),
               tw.tensor([1, 2, 8], 0, 'out', scale=1.0 / 256, zero_point=-128)]
    ops = [tw.op(0, [0], [1]), tw.op(1, [1], [2]), tw.op(2, [2], [3], 9, tw.Table([('f', beta)]))]
    with open(os.path.join(work, 'tflm_act.tflite'), 'wb') as f:
        f.write(tw.model([logistic_code, tanh_code, softmax_code], tensors, ops, [0], [3], [b'']))
    q = [-128, -100, -60, -20, 0, 5, 30, 127, 127, 127, 10, 10, -128, 50, 90, 126]
    with open(os.path.join(work, 'tflm_act_input.raw'), 'wb') as f:
        f.write(struct.pack('16b', *q))
    sig = ref.q4_table_ref(in_scale, in_zp, False)
    th = ref.q4_table_ref(1.0 / 256, -128, True)
    expect = ref.softmax_ref(beta, 1.0 / 128, 2, 8, [th[sig[v + 128] + 128] for v in q])[3]
    case = {'macs': 0, 'inputs': [('tflm_act_input.raw', expect)]}
    show, libdir = deploy(work, work, 'tflm_act.tflite', case)
    with open(os.path.join(libdir, 'ember_model_data.c')) as f:
        data = f.read()
    tap('TFLite Micro fixed point' in data and os.path.exists(os.path.join(libdir, 'nn', 'em-nn-kernels-s8-softmax.c')),
        'tflm_act.tflite: the library carries the TFLM softmax kernel and its exp table')
    windows = windows_for(work, case, show)
    d = cm.library_defines(libdir)
    wdir = os.path.join(work, 'tflm_act-windows')
    cm.write_windows(wdir, windows, d['EM_IMPULSE_INPUT_VALUES'], d['EM_IMPULSE_N_FEATURES'])
    exe = os.path.join(work, 'tflm_act-host')
    cm.build_host(libdir, wdir, exe)
    host, _ = cm.parse_results(cm.run([exe]).stdout, 'tflm_act host')
    check_outputs('tflm_act.tflite', 'host', host, windows, show)


def main():
    mdir = models_dir()
    if mdir is None:
        print('1..0 # SKIP reference models not found (set EMBER_MODELS_DIR)')
        return 77
    work = tempfile.mkdtemp(prefix='ember-byom-')
    missing = cm.toolchain_missing()
    table = []
    try:
        check_bad_files(work, mdir)
        junk = os.path.join(work, 'junk.tflite')
        shutil.copy(os.path.join(HERE, 'emcli.py'), junk)
        r = cli('model', 'show', junk, expect=None)
        tap(r.returncode == 3 and 'junk.tflite: not a TensorFlow Lite model' in r.stderr,
            'a file that is no model is refused', r.stderr)
        r = cli('model', 'import', os.path.join(work, 'none.ember'), os.path.join(mdir, 'person_detect.tflite'),
                '--labels', 'a,b,c', expect=None)
        tap(r.returncode == 2 and '3 labels for a model with 2 outputs' in r.stderr, 'wrong --labels count refused',
            r.stderr)
        layout_models(work)
        tflm_activation_models(work)
        if not missing:
            plugin = os.path.join(work, 'libinsncount.so')
            cm.run(['cc', '-shared', '-fPIC', '-O2', '-Wall', '-o', plugin,
                    os.path.join(HERE, '..', 'device', 'insncount.c')])
        for model, case in CASES.items():
            show, libdir = deploy(work, mdir, model, case)
            windows = windows_for(mdir, case, show)
            d = cm.library_defines(libdir)
            wdir = os.path.join(work, model + '-windows')
            cm.write_windows(wdir, windows, d['EM_IMPULSE_INPUT_VALUES'], d['EM_IMPULSE_N_FEATURES'])
            exe = os.path.join(work, model + '-host')
            cm.build_host(libdir, wdir, exe)
            host, _ = cm.parse_results(cm.run([exe], timeout=600).stdout, model + ' host')
            check_outputs(model, 'host', host, windows, show)
            if missing:
                print('# SKIP QEMU part: %s' % missing)
                continue
            rep = cm.run([os.environ['EMBER_CLI'], 'model', 'profile', os.path.join(mdir, model), '--json'])
            prof = json.loads(rep.stdout)
            base_flags = list(cm.ARM_CFLAGS)
            # Ember's portable C kernels, then the Cortex-M DSP-extension ones
            # the library selects by itself on a Cortex-M4.
            for variant, flags in (('portable', ['-DEM_NN_NO_DSP_EXT']), ('DSP extension', [])):
                cm.ARM_CFLAGS = base_flags + flags
                try:
                    elf = cm.build_arm(libdir, wdir, os.path.join(work, '%s-arm-%s' % (model, flags and 'p' or 'd')))
                finally:
                    cm.ARM_CFLAGS = base_flags
                text, counts, secs = cm.run_qemu(elf, plugin)
                dev, stack = cm.parse_results(text, model + ' device')
                check_outputs(model, 'Cortex-M4F ' + variant, dev, windows, show)
                n = len(windows)
                regions = counts['regions']
                tap(len(regions) == 2 * n, '%s %s: %d inferences counted' % (model, variant, len(regions)))
                insns = sum(regions[n:2 * n]) // max(1, n)
                table.append((model, variant, case, insns, stack, prof, d['EM_IMPULSE_ARENA_BYTES']))
        for model, variant, case, insns, stack, prof, arena in table:
            ref_os, ref_o2, cmsis = case['tflm']
            print('# %s (%d MACs): Ember %s int8 %d instructions per inference (%.3f MAC/instr); '
                  'TFLM reference -Os %d (%.1fx), -O2 %d (%.1fx), CMSIS-NN %d (%.2fx)' % (
                      model, case['macs'], variant, insns, case['macs'] / max(1, insns), ref_os, ref_os / max(1, insns),
                      ref_o2, ref_o2 / max(1, insns), cmsis, cmsis / max(1, insns)))
            print('#   arena %d bytes (TFLM arena_used %d); library code %d bytes, flash %d, weights %d; '
                  'stack %s bytes; profile estimate %d instructions' % (
                      arena, case['tflm_arena'], prof['code_bytes'], prof['flash_bytes'],
                      prof['flash_bytes'] - prof['code_bytes'], stack, prof['instructions_estimate']))
    except cm.Failure as e:
        tap(False, 'run', str(e))
    finally:
        if os.environ.get('EMBER_KEEP_BYOM'):
            print('# kept %s' % work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print('1..%d' % n_test)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
