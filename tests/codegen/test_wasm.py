#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""ember-cli deploy --target wasm --build: the generated library compiled by
emscripten (Debian's emcc) into ember-impulse.js + .wasm gives Ember's own
answers, in node and in headless Chromium.

Ember's per-window reference comes from 'deploy --test-vectors' (see
test_codegen.py). In node, through ember-classifier.js (plain `node`: the
wrapper hands the module its bytes, so Node 20's fetch() is not involved):

  classify(features): int8 outputs print the same with %.9g as Ember's (bit
    for bit); float outputs and anomaly scores within 1e-5.
  classifyWindow(raw window): dsp/'s own FFT against the host's, so features
    within 1e-4 relative and outputs within one int8 step, as for the C build.

In Chromium (--headless=new --dump-dom, the folder served by a local HTTP
server): a page runs the same classifier on a few embedded windows and must
give node's outputs exactly; index.html?csv=... classifies a CSV file with a
header and a timestamp column and shows the right label.

Bad input: --build without emcc on PATH fails before writing anything, in one
line naming the Debian package. Exits 77 (skip) when emcc, node or chromium
is not installed, naming the package."""
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'cli'))
from emcli import EXIT_BAD_INPUT, EXIT_USAGE, CliTestCase, main  # noqa: E402

FLOAT_TOL = 1e-5
FEATURE_TOL = 1e-4
TOOLS = (('emcc', 'emscripten'), ('node', 'nodejs'), ('chromium', 'chromium'))

NODE_SCRIPT = r'''
const { load } = require(process.argv[2]);
const fs = require('fs');
const windows = fs.readFileSync(process.argv[3], 'utf8').trim().split('\n').map(JSON.parse);
load().then(function (c) {
  const out = { info: c.info, results: [] };
  for (const w of windows) {
    const f = c.classify(w.features);
    const r = c.classifyWindow(w.window_values);
    out.results.push({ features: f, window: r, dsp: c.features() });
  }
  try { c.classify([1, 2, 3]); out.bad = 'accepted'; } catch (e) { out.bad = e.name + ': ' + e.message; }
  process.stdout.write(JSON.stringify(out));
}).catch(function (e) { console.error(e); process.exit(1); });
'''

PAGE = '''<!DOCTYPE html>
<html><body><pre id="out">pending</pre>
<script src="ember-impulse.js"></script>
<script src="ember-classifier.js"></script>
<script>
const windows = %s;
EmberClassifier.load().then(function (c) {
  const r = windows.map(function (w) {
    return { features: c.classify(w.features), window: c.classifyWindow(w.window_values) };
  });
  document.getElementById('out').textContent = 'RESULT ' + JSON.stringify(r) + ' END';
}).catch(function (e) { document.getElementById('out').textContent = 'FAILED ' + e; });
</script></body></html>
'''


def close(a, b, tol):
    return abs(a - b) <= tol * max(1.0, abs(b))


def g9(v):
    return '%.9g' % v


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class Server:
    """The generated wasm/ folder over HTTP on a free local port."""

    def __init__(self, folder):
        handler = functools.partial(QuietHandler, directory=folder)
        self.httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
        self.url = 'http://127.0.0.1:%d/' % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class WasmDeploy(CliTestCase):
    def deploy(self, project, name, *args):
        out = self.path(name)
        vectors = self.path(name + '.jsonl')
        r = self.cli('deploy', project, '--target', 'wasm', '-o', out, '--build', '--test-vectors', vectors, *args)
        self.assertIn('Built ' + os.path.join(out, 'wasm', 'ember-impulse.js'), r.stdout)
        for f in ('ember-impulse.js', 'ember-impulse.wasm', 'ember-classifier.js', 'index.html', 'em_wasm.c',
                  'build.sh'):
            self.assertTrue(os.path.isfile(os.path.join(out, 'wasm', f)), f)
        with open(os.path.join(out, 'wasm', 'ember-impulse.wasm'), 'rb') as f:
            self.assertEqual(b'\0asm', f.read(4))
        # The c-library is all there too.
        self.assertTrue(os.path.isfile(os.path.join(out, 'ember_impulse.h')))
        with open(vectors) as f:
            windows = [json.loads(line) for line in f]
        self.assertGreater(len(windows), 0)
        return out, windows

    def node(self, out, vectors_path):
        script = self.path('run.js')
        with open(script, 'w') as f:
            f.write(NODE_SCRIPT)
        r = subprocess.run(['node', script, os.path.join(out, 'wasm', 'ember-classifier.js'), vectors_path],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, encoding='utf-8', timeout=120)
        self.assertEqual(0, r.returncode, r.stderr)
        return json.loads(r.stdout)

    def check_node(self, name, out, windows, int8):
        result = self.node(out, self.path(name + '.jsonl'))
        info = result['info']
        self.assertEqual(['idle', 'snake', 'updown', 'wave'], info['labels'])
        self.assertEqual(['accX', 'accY', 'accZ'], info['axes'])
        self.assertEqual(int8, info['int8'])
        self.assertTrue(info['hasAnomaly'])
        self.assertEqual(len(windows[0]['features']), info['nFeatures'])
        self.assertEqual(len(windows[0]['window_values']), info['inputValues'])
        self.assertRegex(result['bad'], r'^RangeError: features: expected %d values, got 3$' % info['nFeatures'])
        self.assertEqual(len(windows), len(result['results']))
        max_diff, feature_diff, window_diff, same = 0.0, 0.0, 0.0, 0
        for w, r in zip(windows, result['results']):
            where = 'sample %d window %d' % (w['sample'], w['window'])
            f = r['features']
            self.assertEqual(len(w['outputs']), len(f['outputs']), where)
            if int8:
                self.assertEqual([g9(v) for v in w['outputs']], [g9(v) for v in f['outputs']], where)
            for a, b in zip(f['outputs'], w['outputs']):
                self.assertLessEqual(abs(a - b), FLOAT_TOL, where)
                max_diff = max(max_diff, abs(a - b))
            self.assertTrue(close(f['anomaly'], w['anomaly'], FLOAT_TOL), (where, f['anomaly'], w['anomaly']))
            self.assertEqual(f['outputs'].index(max(f['outputs'])), f['top'], where)
            self.assertEqual(info['labels'][f['top']], f['label'])
            # Raw window in: DSP in wasm, then the model.
            for a, b in zip(r['dsp'], w['features']):
                self.assertTrue(close(a, b, FEATURE_TOL), '%s: feature %r, Ember %r' % (where, a, b))
                feature_diff = max(feature_diff, abs(a - b))
            self.assertEqual(len(w['features']), len(r['dsp']))
            for a, b in zip(r['window']['outputs'], w['outputs']):
                window_diff = max(window_diff, abs(a - b))
            same += [g9(v) for v in r['window']['outputs']] == [g9(v) for v in w['outputs']]
        self.assertLessEqual(window_diff, 1 / 256 + 1e-6 if int8 else 1e-4)
        print('  %s in node: %d windows; features in: max |diff| %.3g (%s); raw window in: features max |diff| %.3g, '
              '%d/%d windows with identical outputs, max |diff| %.3g'
              % (name, len(windows), max_diff, 'bit-exact' if int8 else 'float', feature_diff, same, len(windows),
                 window_diff))
        return result

    def chromium(self, url):
        profile = self.mkdir('chromium-profile')
        r = subprocess.run(['chromium', '--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run',
                            '--user-data-dir=' + profile, '--virtual-time-budget=20000', '--dump-dom', url],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, encoding='utf-8', timeout=120)
        self.assertEqual(0, r.returncode, url)
        return r.stdout

    def check_chromium(self, out, windows, node_result):
        folder = os.path.join(out, 'wasm')
        picks = [0, len(windows) // 3, 2 * len(windows) // 3, len(windows) - 1]
        with open(os.path.join(folder, 'check.html'), 'w') as f:
            f.write(PAGE % json.dumps([{'features': windows[i]['features'],
                                        'window_values': windows[i]['window_values']} for i in picks]))
        # One window as a CSV file the way Ember exports samples: a header and
        # a timestamp column, which index.html must leave out.
        w = windows[picks[1]]
        n_axes = 3
        with open(os.path.join(folder, 'window.csv'), 'w') as f:
            f.write('timestamp,accX,accY,accZ\n')
            v = w['window_values']
            for i in range(len(v) // n_axes):
                f.write('%d,%s\n' % (i * 16, ','.join(repr(x) for x in v[i * n_axes:(i + 1) * n_axes])))
        server = Server(folder)
        try:
            dom = self.chromium(server.url + 'check.html')
            m = re.search(r'RESULT (.*) END', dom)
            self.assertIsNotNone(m, dom[-2000:])
            page = json.loads(m.group(1))
            self.assertEqual(len(picks), len(page))
            for i, r in zip(picks, page):
                expect = node_result['results'][i]
                # The same wasm in another engine: the same numbers.
                self.assertEqual(expect['features']['outputs'], r['features']['outputs'])
                self.assertEqual(expect['window']['outputs'], r['window']['outputs'])
                self.assertEqual(expect['features']['label'], r['features']['label'])
                self.assertEqual(expect['window']['top'], r['window']['top'])

            dom = self.chromium(server.url + 'index.html?csv=window.csv')
            self.assertRegex(dom, r'<p id="status" data-state="ready">Ready: classification into idle, snake, '
                                  r'updown, wave</p>')
            self.assertRegex(dom, r'<p id="error" role="alert"></p>')
            expect = node_result['results'][picks[1]]['window']
            m = re.search(r'<div id="label"[^>]*data-top="(\d+)"[^>]*>([^<]*)</div>', dom)
            self.assertIsNotNone(m, dom[-3000:])
            self.assertEqual(expect['top'], int(m.group(1)))
            self.assertIn(expect['label'], m.group(2))
            self.assertIn('<small id="source">window.csv: first window</small>', dom)
            self.assertIn('Anomaly score: ', dom)
        finally:
            server.close()
        print('  chromium: %d windows as in node; index.html classified window.csv as %s'
              % (len(picks), expect['label']))

    def test_motion(self):
        project = self.path('motion.ember')
        self.cli('demo', 'create', project, '--kind', 'motion', '--scale', '0.2')
        self.cli('impulse', 'create', project, '--block', 'spectral')
        self.cli('impulse', 'add', project, 'classification', '--inputs', 'spectral')
        self.cli('impulse', 'add', project, 'anomaly-kmeans', '--inputs', 'spectral')
        self.cli('impulse', 'set', project, 'anomaly-kmeans', 'clusters=6')
        self.cli('train', project, '--epochs', '5')
        self.cli('train', project, '--block', 'anomaly-kmeans')

        out, windows = self.deploy(project, 'motion-int8')
        node_result = self.check_node('motion-int8', out, windows, int8=True)
        self.check_chromium(out, windows, node_result)

        out, windows = self.deploy(project, 'motion-float', '--float')
        self.check_node('motion-float', out, windows, int8=False)

        # Bad input: no emcc on PATH names the package, before writing.
        missing = self.path('no-emcc')
        r = self.cli('deploy', project, '--target', 'wasm', '-o', missing, '--build', expect=EXIT_BAD_INPUT,
                     env={'PATH': self.mkdir('empty-bin'), 'EMCC': ''})
        self.assertOneErrorLine(r.stderr, 'emcc', r'not found.*emscripten')
        self.assertFalse(os.path.exists(missing))
        # --build needs a target that builds.
        r = self.cli('deploy', project, '--target', 'c-library', '-o', missing, '--build', expect=EXIT_USAGE)
        self.assertOneErrorLine(r.stderr, '--build', r'wasm')
        self.assertFalse(os.path.exists(missing))


if __name__ == '__main__':
    absent = [package for tool, package in TOOLS if shutil.which(tool) is None]
    if absent:
        print('1..0 # SKIP not installed: the Debian package%s %s' % ('s' if len(absent) > 1 else '',
                                                                       ', '.join(absent)))
        sys.exit(77)
    main()
