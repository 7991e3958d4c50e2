#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Benchmark: Ember's generated C against TensorFlow Lite Micro on TFLM's own
int8 models (micro_speech, person_detect), measured the way TFLM's figures in
../shared/models/README.md were: QEMU mps2-an386 (Cortex-M4F), the
instruction-counting plugin (tests/device/insncount.c), arm-none-eabi-gcc +
newlib-nano, -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard.

For each model:
  1. `ember-cli project create` + `ember-cli model import` (a passthrough
     impulse feeding the imported model) + `deploy --target c-library`;
  2. the library + tests/device/firmware/main.c is built for the M4F with the
     portable kernels (-DEM_NN_NO_DSP_EXT) and with the DSP-extension kernels
     (the default there), the nn/ files at -O2 and the rest at -Os (TFLM's
     "kernels -O2" builds), and with the DSP kernels all at -Os (the
     generated Makefile's suggestion), and run under QEMU on TFLM's inputs;
  3. prints instructions per inference (em_run_features: quantizing the
     float input + the model + dequantizing the outputs), the ratios against
     TFLM's reference kernels (-Os) and TFLM + CMSIS-NN, code in flash
     without weights (the size report's flash − weights; it includes newlib
     parts as TFLM's figure does), Ember's NN code alone, the arena and the
     stack high-water mark; and checks that both builds give the same int8
     outputs, and TFLM's expected ones.

Usage: bench-tflm.py --size-report EXE [--models DIR] [--keep DIR] [--only micro_speech]
EMBER_CLI must name ember-cli (meson sets it). Exit 77 when the toolchain,
QEMU or the models are missing."""
import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..'))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'device'))
import test_cortex_m as cm  # noqa: E402  (firmware, QEMU and size-report plumbing)

# TFLM on the same emulated core (../shared/models/README.md):
# (instructions per inference, code in flash B, arena_used B, stack peak B)
TFLM = {
    'micro_speech': {'reference -Os': (17775566, 22191, 6796, 736),
                     'reference -O2': (9310031, 25617, 6796, 756),
                     'CMSIS-NN -O2': (1496438, 36569, 6828, 1036)},
    'person_detect': {'reference -Os': (353790336, 24669, 82292, 776),
                      'reference -O2': (95596531, 29339, 82292, 816),
                      'CMSIS-NN -O2': (22932943, 36007, 82308, 1036)},
}
MODELS = {
    # model file, inputs (file, expected int8 outputs from TFLM), labels
    'micro_speech': ('micro_speech_quantized.tflite',
                     [('micro_speech_input_yes_49x40.raw', [-128, -128, 127, -128]),
                      ('micro_speech_input_no_49x40.raw', [-128, -114, -128, 114])],
                     'silence,unknown,yes,no'),
    'person_detect': ('person_detect.tflite',
                      [('person_detect_input_person_96x96.raw', [-113, 113]),
                       ('person_detect_input_no_person_96x96.raw', [57, -57])],
                      'no_person,person'),
}
QEMU_TIMEOUT = 900
ARM = ['-mcpu=cortex-m4', '-mthumb', '-mfpu=fpv4-sp-d16', '-mfloat-abi=hard', '-ffunction-sections',
       '-fdata-sections', '-std=c99', '-g0']


def log(msg):
    print(msg, flush=True)


def model_quant(libdir):
    """Input and output (scale, zero point) as the generated model code uses
    them: the em_nn_quantize_s8 / em_nn_dequantize_s8 calls."""
    import re
    text = open(os.path.join(libdir, 'ember_impulse.c')).read()
    for name in os.listdir(libdir):
        if name.endswith('.c') and name != 'ember_impulse.c':
            text += open(os.path.join(libdir, name)).read()
    qi = re.search(r'em_nn_quantize_s8 \(\d+u?, ([-0-9.e]+)f, (-?\d+),', text)
    qo = re.search(r'em_nn_dequantize_s8 \(\d+u?, ([-0-9.e]+)f, (-?\d+),', text)
    if not qi or not qo:
        raise cm.Failure('%s: no em_nn_quantize_s8 / em_nn_dequantize_s8 call found' % libdir)
    f32 = lambda v: struct.unpack('<f', struct.pack('<f', float(v)))[0]  # noqa: E731
    return (f32(qi.group(1)), int(qi.group(2))), (f32(qo.group(1)), int(qo.group(2)))


def build(libdir, wdir, out, extra, nn_opt='-O2'):
    """The library's nn/ files at -O2 (TFLM's kernels -O2), the rest -Os."""
    objdir = os.path.join(out, 'obj')
    os.makedirs(objdir, exist_ok=True)
    objs = []
    for src in cm.library_sources(libdir) + [os.path.join(cm.FIRMWARE, 'main.c'),
                                              os.path.join(cm.TARGET_CM, 'startup.c'),
                                              os.path.join(wdir, 'dev-windows.c')]:
        opt = nn_opt if os.path.basename(os.path.dirname(src)) == 'nn' else '-Os'
        obj = os.path.join(objdir, os.path.basename(src)[:-2] + '.o')
        cm.run(['arm-none-eabi-gcc'] + ARM + [opt] + extra + cm.library_includes(libdir) +
               ['-I', wdir, '-c', src, '-o', obj])
        objs.append(obj)
    elf = os.path.join(out, 'firmware.elf')
    cm.run(['arm-none-eabi-gcc'] + ARM + ['-Os', '--specs=nano.specs', '--specs=rdimon.specs',
                                          '-T', os.path.join(cm.TARGET_CM, 'mps2-an386.ld'), '-Wl,--gc-sections',
                                          '-Wl,-Map=' + os.path.join(out, 'firmware.map'), '-o', elf] + objs + ['-lm'])
    return elf


def bench_model(args, work, name, plugin):
    model_file, inputs, labels = MODELS[name]
    project = os.path.join(work, name + '.ember')
    libdir = os.path.join(work, name + '-lib')
    cm.cli_ok('project', 'create', project)
    # One sample of the input's length, so that deploy has a window to take
    # the input's shape from (a passthrough impulse over a 16 kHz WAV).
    n_in = len(open(os.path.join(args.models, inputs[0][0]), 'rb').read())
    wav = os.path.join(work, name + '.wav')
    with open(wav, 'wb') as f:
        f.write(b'RIFF' + struct.pack('<I', 36 + 2 * n_in) + b'WAVEfmt ' +
                struct.pack('<IHHIIHH', 16, 1, 1, 16000, 32000, 2, 16) + b'data' + struct.pack('<I', 2 * n_in) +
                bytes(2 * n_in))
    cm.cli_ok('data', 'import', project, wav, '--label', 'x')
    cm.cli_ok('model', 'import', project, os.path.join(args.models, model_file), '--labels', labels)
    cm.cli_ok('deploy', project, '--target', 'c-library', '-o', libdir)
    d = cm.library_defines(libdir)
    (si, zi), (so, zo) = model_quant(libdir)
    windows = []
    for raw, expected in inputs:
        q = struct.unpack('%db' % d['EM_IMPULSE_N_FEATURES'], open(os.path.join(args.models, raw), 'rb').read())
        feats = [(v - zi) * si for v in q]   # quantizes back to exactly v
        windows.append({'raw': feats, 'features': feats, 'ember': None, 'expected': expected, 'file': raw})
    wdir = os.path.join(work, name + '-windows')
    cm.write_windows(wdir, windows, d['EM_IMPULSE_INPUT_VALUES'], d['EM_IMPULSE_N_FEATURES'])

    rows, outs, errors = {}, {}, []
    # The last one is the generated Makefile's suggestion (all -Os): smaller.
    for variant, extra, opt in (('portable', ['-DEM_NN_NO_DSP_EXT'], '-O2'), ('DSP ext', [], '-O2'),
                                ('DSP ext, all -Os', [], '-Os')):
        out = os.path.join(work, '%s-%s' % (name, variant.replace(' ', '-').replace(',', '')))
        elf = build(libdir, wdir, out, extra, opt)
        text, counts, secs = cm.run_qemu(elf, plugin)
        res, stack = cm.parse_results(text, '%s %s' % (name, variant))
        n = len(windows)
        regions = counts['regions']
        if len(regions) != 2 * n:
            errors.append('%s %s: %d counted inferences, expected %d' % (name, variant, len(regions), 2 * n))
            regions += [0] * (2 * n)
        insns = sum(regions[n:2 * n]) / n
        rep = cm.size_report(args.size_report, os.path.join(out, 'firmware.map'), stack, cm.arm_size(elf), errors,
                             name)[1]
        parts = rep['parts']
        weights = parts['weights']['text'] + parts['weights']['rodata'] + parts['weights']['data']
        flash = sum(p['text'] + p['rodata'] + p['data'] for k, p in parts.items() if k != 'app')
        nn_code = parts['nn']['text'] + parts['nn']['rodata']
        got = []
        for i, w in enumerate(windows):
            r = res.get(('F', i))
            qv = [int(round(v / so)) + zo for v in r['outputs']] if r and r['status'] == 0 else None
            got.append(qv)
            if qv != w['expected']:
                errors.append('%s %s on %s: int8 outputs %s, TFLM %s' % (name, variant, w['file'], qv, w['expected']))
        outs[variant] = got
        rows[variant] = (insns, flash - weights, nn_code, d['EM_IMPULSE_ARENA_BYTES'], stack, secs)
    for variant in outs:
        if outs[variant] != outs['portable']:
            errors.append('%s: portable outputs %s, %s %s' % (name, outs['portable'], variant, outs[variant]))

    macs = {'micro_speech': 336000, 'person_detect': 7157888}[name]
    log('\n== %s (%d MACs; int8 outputs %s: %s)' % (name, macs, '/'.join(w['file'].split('_input_')[1].split('_')[0]
                                                                    for w in windows),
                                                 'TFLM\'s, every build' if not errors else 'see errors'))
    log('%-26s %14s %8s %9s %9s %10s %8s %8s' % ('', 'instr/infer', 'MAC/ins', 'vs ref-Os', 'vs CMSIS',
                                                'flash-wts', 'arena', 'stack'))
    ref_os, cmsis = TFLM[name]['reference -Os'][0], TFLM[name]['CMSIS-NN -O2'][0]
    for label, (insns, code, arena, stack) in TFLM[name].items():
        log('%-26s %14d %8.3f %8.2fx %8.2fx %10d %8d %8d' % ('TFLM ' + label, insns, macs / insns, ref_os / insns,
                                                           cmsis / insns, code, arena, stack))
    for variant, (insns, code, nn_code, arena, stack, secs) in rows.items():
        log('%-26s %14.0f %8.3f %8.2fx %8.2fx %10d %8d %8s   (NN code %d B)' % (
            'Ember ' + variant, insns, macs / max(insns, 1), ref_os / max(insns, 1), cmsis / max(insns, 1), code,
            arena, stack, nn_code))
    return errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--size-report', required=True)
    ap.add_argument('--models', default=os.environ.get('EMBER_MODELS_DIR',
                                                     os.path.join(ROOT, 'tests', 'data', 'tflm-models')))
    ap.add_argument('--keep')
    ap.add_argument('--only', help='one model: micro_speech or person_detect')
    args = ap.parse_args()

    missing = cm.toolchain_missing()
    if missing:
        print('1..0 # SKIP %s' % missing)
        return 77
    if not os.path.isdir(args.models):
        print('1..0 # SKIP no TFLM models in %s (--models DIR)' % args.models)
        return 77
    if not os.environ.get('EMBER_CLI'):
        print('EMBER_CLI is not set: run with meson test --benchmark tflm', file=sys.stderr)
        return 1
    # Portable kernels on person_detect run for minutes under a loaded QEMU.
    cm.QEMU_TIMEOUT = QEMU_TIMEOUT
    work = args.keep or tempfile.mkdtemp(prefix='ember-tflm-')
    os.makedirs(work, exist_ok=True)
    errors = []
    try:
        plugin = os.path.join(work, 'libinsncount.so')
        cm.run(['cc', '-shared', '-fPIC', '-O2', '-o', plugin, os.path.join(ROOT, 'tests', 'device', 'insncount.c')])
        for name in MODELS:
            if args.only in (None, name):
                try:
                    errors += bench_model(args, work, name, plugin)
                except cm.Failure as e:
                    errors.append('%s: %s' % (name, e))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    for e in errors:
        print('FAIL: ' + e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
