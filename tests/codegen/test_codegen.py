#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""ember-cli deploy --target c-library: the generated C library, compiled with
the system compiler (plain cc with -std=c99 -Wall -Werror -O2, its Makefile and
its CMakeLists.txt), gives Ember's own answers on every testing window.

Ember's per-window reference comes from 'deploy --test-vectors' (the raw
window the input block cut, the features, the outputs of the deployed
variant, computed by the learning plugin exactly as 'ember-cli test' does).

  features in (em_run_features): int8 outputs equal bit for bit (identical
    int8 dequantize to identical floats, printed with %.9g); float outputs and
    anomaly scores within 1e-5.
  raw window in (em_run_impulse): the device runs dsp/'s own FFT where the
    host may use FFTW (equal within 1e-5 relative), so features are compared
    within a tolerance, and the outputs too.

Then bad input: a folder that is not empty, a symbolic link out of the
folder, an untrained block, an unknown target."""
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'cli'))
from emcli import (EXIT_BAD_INPUT, EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE, CliTestCase,  # noqa: E402
                   main)

CFLAGS = ['-std=c99', '-Wall', '-Werror', '-O2']
FLOAT_TOL = 1e-5
# Host (FFTW) and device (dsp/'s radix-2) FFTs agree within 1e-5 relative;
# through MFCC's log and normalization that stays well under this.
FEATURE_TOL = 1e-4


def close(a, b, tol):
    return abs(a - b) <= tol * max(1.0, abs(b))


class Library:
    """A generated folder, built three ways."""

    def __init__(self, test, folder):
        self.test = test
        self.folder = folder
        self.cc_exe = os.path.join(folder, 'example-cc')
        sources = ['ember_impulse.c', 'ember_model_data.c']
        for sub in ('dsp', 'nn'):
            sources += [os.path.join(sub, f) for f in sorted(os.listdir(os.path.join(folder, sub)))
                        if f.endswith('.c')]
        self.sources = sources
        self.build_cc()

    def run_tool(self, args, **kw):
        r = subprocess.run(args, cwd=self.folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           encoding='utf-8', errors='replace', timeout=300, **kw)
        if r.returncode != 0:
            self.test.fail('%s failed (exit %d):\n%s' % (' '.join(args), r.returncode, r.stdout[-4000:]))
        return r.stdout

    def build_cc(self):
        self.run_tool(['cc'] + CFLAGS + ['-I.', '-Idsp', '-Inn'] + self.sources +
                      ['examples/main.c', '-o', self.cc_exe, '-lm'])

    def build_make(self):
        if shutil.which('make') is None:
            return None
        self.run_tool(['make', '-s', 'CFLAGS=' + ' '.join(CFLAGS)])
        return os.path.join(self.folder, 'ember-impulse-example')

    def build_cmake(self):
        if shutil.which('cmake') is None:
            return None
        build = os.path.join(self.folder, 'cmake-build')
        self.run_tool(['cmake', '-S', '.', '-B', build, '-DCMAKE_BUILD_TYPE=Release',
                       '-DCMAKE_C_FLAGS=' + ' '.join(CFLAGS)])
        self.run_tool(['cmake', '--build', build])
        return os.path.join(build, 'ember-impulse-example')

    def run(self, exe, *args):
        r = subprocess.run([exe] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           encoding='utf-8', timeout=300)
        if r.returncode != 0:
            self.test.fail('%s %s: exit %d\n%s' % (exe, ' '.join(args), r.returncode, r.stderr))
        return r.stdout


def parse_results(text):
    """'top anomaly out...' lines and 'features ...' lines."""
    results, features = [], []
    for line in text.splitlines():
        parts = line.split()
        if parts and parts[0] == 'features':
            features.append([float(v) for v in parts[1:]])
        elif parts:
            results.append((int(parts[0]), float(parts[1]), [float(v) for v in parts[2:]]))
    return results, features


class DeployEquivalence(CliTestCase):
    """One deploy: generate, build, run every testing window both ways."""

    def deploy(self, project, name, *args):
        out = self.path(name)
        vectors = self.path(name + '.jsonl')
        self.cli('deploy', project, '--target', 'c-library', '-o', out, '--test-vectors', vectors, *args)
        with open(vectors) as f:
            windows = [json.loads(line) for line in f]
        self.assertGreater(len(windows), 0)
        return out, windows

    def write_values(self, path, rows):
        with open(path, 'w') as f:
            for row in rows:
                f.write(' '.join(repr(v) for v in row) + '\n')
        return path

    def check(self, project, name, *args, int8=True, anomaly=False, all_builds=True):
        out, windows = self.deploy(project, name, *args)
        with open(os.path.join(out, 'ember_impulse.h')) as f:
            header = f.read()
        self.assertIn('#define EM_IMPULSE_INT8         %d' % (1 if int8 else 0), header)
        lib = Library(self, out)
        features = self.write_values(self.path(name + '-features.txt'), [w['features'] for w in windows])
        raw = self.write_values(self.path(name + '-windows.txt'), [w['window_values'] for w in windows])

        # Features in: the model alone.
        text = lib.run(lib.cc_exe, '--features', features)
        results, _ = parse_results(text)
        self.assertEqual(len(windows), len(results))
        max_diff = 0.0
        for w, (top, score, outputs) in zip(windows, results):
            self.assertEqual(len(w['outputs']), len(outputs))
            if int8:
                self.assertEqual(w['outputs'], outputs, 'sample %d window %d' % (w['sample'], w['window']))
            else:
                for a, b in zip(outputs, w['outputs']):
                    self.assertLessEqual(abs(a - b), FLOAT_TOL, 'sample %d window %d' % (w['sample'], w['window']))
            max_diff = max([max_diff] + [abs(a - b) for a, b in zip(outputs, w['outputs'])])
            if anomaly:
                self.assertTrue(close(score, w['anomaly'], FLOAT_TOL), (score, w['anomaly']))
                max_diff = max(max_diff, abs(score - w['anomaly']))
            if len(outputs) > 1:
                self.assertEqual(outputs.index(max(outputs)), top)

        # The same sources through the Makefile and CMake give the same bytes.
        if all_builds:
            for exe in (lib.build_make(), lib.build_cmake()):
                if exe is None:
                    print('  (make or cmake not installed: that build was not checked)')
                    continue
                self.assertEqual(text, lib.run(exe, '--features', features), exe)

        # Raw window in: DSP on the device, then the model.
        results, device_features = parse_results(lib.run(lib.cc_exe, '--window', '--print-features', raw))
        self.assertEqual(len(windows), len(results))
        self.assertEqual(len(windows), len(device_features))
        feature_diff, output_diff, same = 0.0, 0.0, 0
        for w, feats, (top, score, outputs) in zip(windows, device_features, results):
            self.assertEqual(len(w['features']), len(feats))
            for a, b in zip(feats, w['features']):
                self.assertTrue(close(a, b, FEATURE_TOL), 'sample %d window %d: feature %r, Ember %r'
                                % (w['sample'], w['window'], a, b))
                feature_diff = max(feature_diff, abs(a - b))
            output_diff = max([output_diff] + [abs(a - b) for a, b in zip(outputs, w['outputs'])])
            same += outputs == w['outputs']
        # A feature a hair apart can cross an int8 rounding edge; allow one
        # quantization step (1/256 of a softmax) and count exact matches.
        self.assertLessEqual(output_diff, 1 / 256 + 1e-6 if int8 else 1e-4)
        print('  %s: %d windows; features in: max |diff| %.3g (%s); raw window in: features max |diff| %.3g, '
              '%d/%d windows with identical outputs, max |diff| %.3g'
              % (name, len(windows), max_diff, 'bit-exact' if int8 else 'float', feature_diff, same, len(windows),
                 output_diff))
        return out, windows

    def test_motion_spectral(self):
        project = self.path('motion.ember')
        self.cli('demo', 'create', project, '--kind', 'motion', '--scale', '0.3')
        self.cli('impulse', 'create', project, '--block', 'spectral')
        self.cli('impulse', 'add', project, 'classification', '--inputs', 'spectral')
        self.cli('impulse', 'add', project, 'anomaly-kmeans', '--inputs', 'spectral')
        self.cli('impulse', 'set', project, 'anomaly-kmeans', 'clusters=8')
        self.cli('train', project, '--epochs', '8')
        self.cli('train', project, '--block', 'anomaly-kmeans')

        # int8 classifier with the K-means block riding along.
        out, _ = self.check(project, 'motion-int8', int8=True, anomaly=True)
        with open(os.path.join(out, 'ember_impulse_meta.h')) as f:
            meta = f.read()
        self.assertIn('#define EM_IMPULSE_LABELS { "idle", "snake", "updown", "wave" }', meta)
        self.assertIn('#define EM_IMPULSE_HAS_ANOMALY 1', meta)
        # Only what the impulse uses: the spectral DSP, the int8 kernels, K-means scoring.
        self.assertNotIn('em-dsp-mfcc.c', os.listdir(os.path.join(out, 'dsp')))
        self.assertEqual(['em-nn-anomaly-score.c', 'em-nn-anomaly.h', 'em-nn-kernels-s8-cmsis.c',
                          'em-nn-kernels-s8-dsp.c', 'em-nn-kernels-s8.c', 'em-nn-kernels.h', 'em-nn-quant-math.c'],
                         sorted(f for f in os.listdir(os.path.join(out, 'nn')) if f.endswith(('.c', '.h'))))
        self.check(project, 'motion-float', '--float', int8=False, anomaly=True, all_builds=False)
        # The anomaly block alone: its score is the output.
        self.check(project, 'motion-kmeans', '--block', 'anomaly-kmeans', int8=False, all_builds=False)

    def test_keywords_mfcc(self):
        project = self.path('keywords.ember')
        self.cli('demo', 'create', project, '--kind', 'keywords', '--scale', '0.5')
        self.cli('impulse', 'create', project, '--block', 'mfcc')
        self.cli('impulse', 'add', project, 'classification', '--inputs', 'mfcc')
        self.cli('train', project, '--epochs', '3')
        out, _ = self.check(project, 'keywords-int8', int8=True)
        with open(os.path.join(out, 'ember_impulse.c')) as f:
            source = f.read()
        # Straight-line calls of the conv1d model, no interpreter.
        self.assertIn('em_nn_conv2d_s8 (', source)
        self.assertNotIn('em_nn_program_run', source)
        self.check(project, 'keywords-float', '--float', int8=False, all_builds=False)
        # MFE and spectrogram blocks, each with a classifier of its own.
        for block in ('mfe', 'spectrogram'):
            self.cli('impulse', 'add', project, block)
            self.cli('impulse', 'add', project, 'classification', '--id', 'kw-' + block, '--inputs', block)
            self.cli('train', project, '--block', 'kw-' + block, '--epochs', '2')
            self.check(project, 'keywords-' + block, '--block', 'kw-' + block, int8=True, all_builds=False)


    def test_fusion_and_images(self):
        # Two blocks on one classifier (sensor fusion), one of them on a
        # subset of the axes in another order: the device gathers them.
        project = self.path('fusion.ember')
        self.cli('demo', 'create', project, '--kind', 'motion', '--scale', '0.2')
        self.cli('impulse', 'create', project, '--block', 'flatten')
        self.cli('impulse', 'add', project, 'raw', '--axes', 'accZ,accX')
        self.cli('impulse', 'add', project, 'classification', '--inputs', 'flatten,raw')
        self.cli('train', project, '--epochs', '3')
        out, _ = self.check(project, 'fusion-int8', int8=True, all_builds=False)
        with open(os.path.join(out, 'ember_impulse.c')) as f:
            self.assertIn('static const uint32_t axes[] = { 2u, 0u };', f.read())

        # Images: the image block and a conv2d network.
        project = self.path('images.ember')
        self.cli('demo', 'create', project, '--kind', 'images', '--scale', '0.2')
        self.cli('impulse', 'create', project, '--block', 'image', '--image-size', '12x12')
        self.cli('impulse', 'add', project, 'classification', '--inputs', 'image')
        self.cli('train', project, '--epochs', '2')
        self.check(project, 'images-int8', int8=True, all_builds=False)
        self.check(project, 'images-float', '--float', int8=False, all_builds=False)


class DeployBadInput(CliTestCase):
    def motion(self, train=True):
        project = self.path('m.ember')
        self.cli('demo', 'create', project, '--kind', 'motion', '--scale', '0.1')
        self.cli('impulse', 'create', project, '--block', 'spectral')
        self.cli('impulse', 'add', project, 'classification', '--inputs', 'spectral')
        if train:
            self.cli('train', project, '--epochs', '1')
        return project

    def test_list_targets(self):
        r = self.cli('deploy', '--list-targets')
        self.assertEqual('c-library', r.stdout.split('\t')[0])

    def test_unknown_target(self):
        project = self.motion(train=False)
        out = self.path('out')
        r = self.cli('deploy', project, '--target', 'z80-asm', '-o', out, expect=EXIT_USAGE)
        self.assertOneErrorLine(r.stderr, "'z80-asm'", r'unknown target')
        self.assertFalse(os.path.exists(out))

    def test_untrained_block(self):
        project = self.motion(train=False)
        out = self.path('out')
        r = self.cli('deploy', project, '--target', 'c-library', '-o', out, expect=EXIT_NOT_FOUND)
        self.assertOneErrorLine(r.stderr, 'classification', r'no trained model')
        self.assertFalse(os.path.exists(out))

    def test_folder_not_empty(self):
        project = self.motion()
        out = self.mkdir('out')
        keep = os.path.join(out, 'notes.txt')
        with open(keep, 'w') as f:
            f.write('mine\n')
        r = self.cli('deploy', project, '--target', 'c-library', '-o', out, expect=EXIT_BAD_INPUT)
        self.assertOneErrorLine(r.stderr, out, r'not empty.*--force')
        self.assertEqual(['notes.txt'], os.listdir(out))
        self.cli('deploy', project, '--target', 'c-library', '-o', out, '--force')
        self.assertIn('ember_impulse.c', os.listdir(out))
        with open(keep) as f:
            self.assertEqual('mine\n', f.read())

    def test_block_without_device_code(self):
        # The example plugin (plugins/example) has no device_code op.
        root = os.environ.get('EMBER_SOURCE_ROOT') or os.path.join(os.path.dirname(__file__), '..', '..')
        plugins = self.mkdir('plugins')
        subprocess.run(['cc', '-shared', '-fPIC', '-O2', '-I' + os.path.join(root, 'plugins'),
                        os.path.join(root, 'plugins', 'example', 'zero-crossings.c'),
                        '-o', os.path.join(plugins, 'libzero-crossings.so')], check=True)
        env = {'EMBER_PLUGIN_PATH': plugins}
        project = self.path('m.ember')
        self.cli('demo', 'create', project, '--kind', 'motion', '--scale', '0.1')
        self.cli('impulse', 'create', project, '--block', 'zero-crossings', env=env)
        self.cli('impulse', 'add', project, 'classification', '--inputs', 'zero-crossings', env=env)
        self.cli('train', project, '--epochs', '1', env=env)
        out = self.path('out')
        r = self.cli('deploy', project, '--target', 'c-library', '-o', out, expect=EXIT_BAD_INPUT, env=env)
        self.assertOneErrorLine(r.stderr, 'zero-crossings', r'cannot run on a device \(no device code\)')
        self.assertFalse(os.path.exists(out))

    def test_symlink_out_of_folder(self):
        project = self.motion()
        out = self.mkdir('out')
        outside = self.mkdir('outside')
        os.symlink(outside, os.path.join(out, 'dsp'))
        r = self.cli('deploy', project, '--target', 'c-library', '-o', out, '--force', expect=EXIT_BAD_INPUT)
        self.assertOneErrorLine(r.stderr, 'outside', r'refusing')
        self.assertEqual([], os.listdir(outside))


if __name__ == '__main__':
    main()
