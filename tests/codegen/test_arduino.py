#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""ember-cli deploy --target arduino: the Arduino library compiles for an
ATmega2560 (arduino:avr:mega, Debian's arduino-builder and avr-gcc) and,
run in simavr, gives Ember's own answers.

On the motion demo (spectral features, a small dense int8 model):
  - --list-targets shows the target; the folder has library.properties
    (name, version, category, architectures, includes), a flat src/ whose
    quoted includes all resolve inside src/ (Arduino puts only src/ on the
    include path), src/NAME.h and examples/ember_classify/; deploying
    again into it fails in one line naming the folder;
  - the generated example sketch compiles and links; avr-size's flash and
    RAM are printed, RAM leaves at least 1 kB of the 8 kB for the stack;
    in simavr it prints a top label and scores that match the host build of
    the c-library on the same window (the example's stored window) within
    one int8 step, with the same top label;
  - a check sketch with test windows in PROGMEM runs em_run_features on
    Ember's features: outputs bit for bit as Ember's int8 engine gives them
    (printed as float bit patterns), and em_run_impulse on raw windows: AVR's
    32-bit double DSP within 1e-3 of Ember's features, outputs within one
    int8 step.
Exits 77 (skip) naming the Debian package when a tool is missing."""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'cli'))
from emcli import EXIT_BAD_INPUT, CliTestCase, main  # noqa: E402

HARDWARE = '/usr/share/arduino/hardware'
TOOLS = (('arduino-builder', 'arduino-builder'), ('avr-gcc', 'gcc-avr'), ('avr-size', 'binutils-avr'),
         ('simavr', 'simavr'))
STEP = 1 / 256 + 1e-6
RAM_BYTES = 8192
FLASH_BYTES = 253952  # the Mega's flash less its bootloader

CHECK_SKETCH = r'''
#include <%(library)s.h>
#include <avr/pgmspace.h>
#include <avr/interrupt.h>
#include <avr/sleep.h>
#include <string.h>

#define N_FEATURE_SETS %(n_sets)d
#define N_WINDOWS %(n_windows)d
static const float features[N_FEATURE_SETS][EM_IMPULSE_N_FEATURES] PROGMEM = { %(features)s };
static const float windows[N_WINDOWS][EM_IMPULSE_INPUT_VALUES] PROGMEM = { %(windows)s };

static int
get_data (size_t offset, size_t length, float *out, void *user)
{
  memcpy_P (out, (const float *) user + offset, length * sizeof (float));
  return 0;
}

static void
print_bits (const float *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      uint32_t bits;
      memcpy (&bits, &v[i], sizeof bits);
      Serial.print (' ');
      Serial.print ((unsigned long) bits, HEX);
    }
}

void
setup ()
{
  static float f[EM_IMPULSE_N_FEATURES];
  em_impulse_result_t r;
  Serial.begin (115200);
  for (int i = 0; i < N_FEATURE_SETS; i++)
    {
      memcpy_P (f, features[i], sizeof f);
      int status = em_run_features (f, &r);
      Serial.print ("F ");
      Serial.print (i);
      Serial.print (' ');
      Serial.print (status);
      Serial.print (' ');
      Serial.print ((long) r.top);
      print_bits (r.outputs, EM_IMPULSE_N_OUTPUTS);
      Serial.println ();
    }
  for (int i = 0; i < N_WINDOWS; i++)
    {
      em_signal_t s = { EM_IMPULSE_INPUT_VALUES, get_data, (void *) windows[i] };
      int status = em_run_impulse (&s, &r);
      Serial.print ("W ");
      Serial.print (i);
      Serial.print (' ');
      Serial.print (status);
      Serial.print (' ');
      Serial.print ((long) r.top);
      print_bits (r.outputs, EM_IMPULSE_N_OUTPUTS);
      Serial.println ();
      /* simavr's UART splits long lines: the features 8 to a line. */
      for (size_t k = 0; k < EM_IMPULSE_N_FEATURES; k += 8)
        {
          Serial.print ("V");
          print_bits (em_impulse_features () + k, EM_IMPULSE_N_FEATURES - k < 8 ? EM_IMPULSE_N_FEATURES - k : 8);
          Serial.println ();
        }
    }
  Serial.println ("END");
  Serial.flush ();
  /* simavr ends the run when the CPU sleeps with interrupts off. */
  cli ();
  sleep_enable ();
  sleep_cpu ();
}

void
loop ()
{
}
'''


def bits_to_float(h):
    return struct.unpack('<f', struct.pack('<I', int(h, 16)))[0]


def f32_bits(v):
    return struct.unpack('<I', struct.pack('<f', v))[0]


def c_floats(values):
    return ', '.join(repr(float(struct.unpack('<f', struct.pack('<f', v))[0])) + 'f' for v in values)


def c_rows(rows):
    return ', '.join('{ %s }' % c_floats(r) for r in rows)


class ArduinoDeploy(CliTestCase):
    def builder(self, libraries, sketch, build):
        os.makedirs(build, exist_ok=True)
        # The Arduino core is compiled once for both sketches.
        cache = self.mkdir('core-cache') if not os.path.isdir(self.path('core-cache')) else self.path('core-cache')
        r = subprocess.run(['arduino-builder', '-compile', '-build-cache', cache, '-hardware', HARDWARE, '-hardware',
                            '/usr/share/arduino-builder', '-tools', '/usr/bin', '-libraries', libraries,
                            '-fqbn', 'arduino:avr:mega:cpu=atmega2560',
                            # Debian's arduino-core-avr 1.8.7 needs DECIMAL_DIG, which avr-gcc 5.4's
                            # float.h leaves out in C++11 (ArduinoCore-avr#633).
                            '-prefs=compiler.cpp.extra_flags=-DDECIMAL_DIG=__DECIMAL_DIG__',
                            '-build-path', build, sketch],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, encoding='utf-8', errors='replace',
                           timeout=240)
        self.assertEqual(0, r.returncode, r.stdout[-4000:])
        self.assertIn('Sketch uses', r.stdout)
        elf = os.path.join(build, os.path.basename(sketch) + '.elf')
        self.assertTrue(os.path.isfile(elf), r.stdout[-2000:])
        return elf

    def avr_size(self, elf):
        r = subprocess.run(['avr-size', '-C', '--mcu=atmega2560', elf], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, encoding='utf-8', timeout=60)
        self.assertEqual(0, r.returncode, r.stderr)
        program = int(re.search(r'Program:\s+(\d+) bytes', r.stdout).group(1))
        data = int(re.search(r'Data:\s+(\d+) bytes', r.stdout).group(1))
        return program, data

    def simavr(self, elf, timeout, stop=None):
        """The sketch's Serial output lines, without simavr's colour codes
        (it shows each line ending as ".."). With @stop, simavr is ended
        once a line matches it (a sketch that loops forever); without, the
        sketch must end the run itself."""
        proc = subprocess.Popen(['simavr', '-m', 'atmega2560', '-f', '16000000', elf], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        lines = []
        try:
            for raw in proc.stdout:
                line = re.sub(r'\x1b\[[0-9;]*m', '', raw.decode('utf-8', 'replace')).rstrip('\n')
                lines.append(line[:-2] if line.endswith('..') else line)
                if stop is not None and re.search(stop, lines[-1]):
                    proc.kill()
                    break
        finally:
            timer.cancel()
            proc.stdout.close()
            proc.wait()
        return lines

    def check_layout(self, project, out):
        r = self.cli('deploy', '--list-targets')
        self.assertRegex(r.stdout, r'(?m)^arduino\tAn Arduino library .*Serial')
        name = 'Motion_demo_ember'
        with open(os.path.join(out, 'library.properties')) as f:
            props = dict(line.rstrip('\n').split('=', 1) for line in f if '=' in line)
        self.assertEqual(name, props['name'])
        self.assertEqual('Data Processing', props['category'])
        self.assertEqual('*', props['architectures'])
        self.assertEqual(name + '.h', props['includes'])
        for key in ('version', 'author', 'maintainer', 'sentence', 'paragraph'):
            self.assertTrue(props.get(key), key)
        self.assertIn('Motion demo', props['sentence'])
        src = os.path.join(out, 'src')
        names = os.listdir(src)
        self.assertEqual([], [n for n in names if os.path.isdir(os.path.join(src, n))])
        for n in ('ember_impulse.c', 'ember_impulse.h', 'ember_model_data.c', name + '.h'):
            self.assertIn(n, names)
        for n in names:
            with open(os.path.join(src, n)) as f:
                for inc in re.findall(r'(?m)^\s*#\s*include\s+"([^"]+)"', f.read()):
                    # Vendor headers behind a define (CMSIS) are the user's.
                    if inc.startswith(('em', 'ember')):
                        self.assertIn(inc, names, '%s includes "%s"' % (n, inc))
        # The host build files stay out; the sketch is there.
        self.assertFalse(os.path.exists(os.path.join(out, 'Makefile')))
        self.assertFalse(os.path.exists(os.path.join(out, 'dsp')))
        sketch = os.path.join(out, 'examples', 'ember_classify', 'ember_classify.ino')
        with open(sketch) as f:
            text = f.read()
        self.assertIn('#include <%s.h>' % name, text)
        self.assertIn('Your sensor reading goes here', text)
        return name, sketch

    def example_window(self, out):
        with open(os.path.join(out, 'examples', 'ember_classify', 'ember_example_window.h')) as f:
            text = f.read()
        body = re.search(r'ember_example_window\[(\d+)\] EMBER_EXAMPLE_FLASH = \{(.*?)\};', text, re.S)
        self.assertIsNotNone(body, 'no stored window in ember_example_window.h')
        values = [float(v.strip().rstrip('f')) for v in body.group(2).split(',') if v.strip()]
        self.assertEqual(int(body.group(1)), len(values))
        return values

    def host_example(self, project, window):
        """The c-library built with cc: its outputs for @window."""
        lib = self.path('c-library')
        self.cli('deploy', project, '--target', 'c-library', '-o', lib)
        r = subprocess.run(['make', '-s', '-C', lib, 'ember-impulse-example'], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, encoding='utf-8', timeout=240)
        self.assertEqual(0, r.returncode, r.stdout[-3000:])
        path = self.path('window.txt')
        with open(path, 'w') as f:
            f.write(' '.join(repr(v) for v in window))
        r = subprocess.run([os.path.join(lib, 'ember-impulse-example'), '--window', path], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, encoding='utf-8', timeout=60)
        self.assertEqual(0, r.returncode, r.stderr)
        fields = r.stdout.split()
        return int(fields[0]), [float(v) for v in fields[2:]]

    def test_motion(self):
        project = self.path('motion.ember')
        self.cli('demo', 'create', project, '--kind', 'motion', '--scale', '0.1')
        self.cli('impulse', 'create', project, '--block', 'spectral')
        self.cli('impulse', 'add', project, 'classification', '--inputs', 'spectral')
        self.cli('train', project, '--epochs', '3')
        libraries = self.mkdir('libraries')
        out = os.path.join(libraries, 'Motion_demo_ember')
        vectors = self.path('vectors.jsonl')
        r = self.cli('deploy', project, '--target', 'arduino', '-o', out, '--test-vectors', vectors)
        self.assertIn('Wrote arduino', r.stdout)
        name, sketch = self.check_layout(project, out)
        # Bad input: the folder now holds the library.
        r = self.cli('deploy', project, '--target', 'arduino', '-o', out, expect=EXIT_BAD_INPUT)
        self.assertOneErrorLine(r.stderr, out, r'not empty.*--force')
        labels = ['idle', 'snake', 'updown', 'wave']

        # The example as generated: compiles, fits, runs.
        elf = self.builder(libraries, sketch, self.path('build-example'))
        program, data = self.avr_size(elf)
        print('  example sketch (arduino:avr:mega): flash %d bytes, RAM %d bytes (avr-size -C)' % (program, data))
        self.assertLess(program, FLASH_BYTES)
        self.assertLessEqual(data, RAM_BYTES - 1024)
        lines = self.simavr(elf, timeout=90, stop=r' us, model ')
        tops = [l for l in lines if l.startswith('top: ')]
        self.assertGreater(len(tops), 0, '\n'.join(lines[-20:]))
        scores = {}
        for l in lines[lines.index(tops[0]) + 1:]:
            m = re.match(r'^  (\w+): (-?[0-9.]+)$', l)
            if m is None:
                break
            scores[m.group(1)] = float(m.group(2))
        self.assertEqual(labels, list(scores))
        host_top, host_outputs = self.host_example(project, self.example_window(out))
        self.assertEqual('top: ' + labels[host_top], tops[0].replace(' (uncertain)', ''))
        for label, host in zip(labels, host_outputs):
            # Printed with 5 decimals; AVR's float DSP may move one int8 step.
            self.assertLessEqual(abs(scores[label] - host), STEP + 1e-5, (label, scores[label], host))
        print('  example in simavr: %s; host c-library: %s %s' % (tops[0], labels[host_top], host_outputs))

        # The check sketch: Ember's test windows through the library.
        with open(vectors) as f:
            vecs = [json.loads(line) for line in f]
        self.assertGreater(len(vecs), 10)
        # Every test window's features (in flash: 156 x 39 floats is 24 kB);
        # a rounding slip in the requantization shows in a few windows only.
        picks = list(range(len(vecs)))
        wpicks = [picks[0], picks[len(picks) // 2]]
        check_dir = self.mkdir('check')
        with open(os.path.join(check_dir, 'check.ino'), 'w') as f:
            f.write(CHECK_SKETCH % {'library': name, 'n_sets': len(picks), 'n_windows': len(wpicks),
                                    'features': c_rows(vecs[i]['features'] for i in picks),
                                    'windows': c_rows(vecs[i]['window_values'] for i in wpicks)})
        elf = self.builder(libraries, os.path.join(check_dir, 'check.ino'), self.path('build-check'))
        lines = self.simavr(elf, timeout=120)
        self.assertIn('END', lines, '\n'.join(lines[-20:]))
        frows = [l.split() for l in lines if l.startswith('F ')]
        wrows = []
        for l in lines:
            if l.startswith('W '):
                wrows.append([l, []])
            elif l.startswith('V ') and wrows:
                wrows[-1][1] += l.split()[1:]
        self.assertEqual(len(picks), len(frows))
        self.assertEqual(len(wpicks), len(wrows))
        differ = []
        for row, i in zip(frows, picks):
            where = 'test window %d' % i
            self.assertEqual('0', row[2], where)
            got = [int(h, 16) for h in row[4:]]
            # int8: the same bits as Ember's engine.
            if [f32_bits(v) for v in vecs[i]['outputs']] != got:
                differ.append('%s: AVR %s, Ember %s' % (where, [bits_to_float('%x' % g) for g in got],
                                                        vecs[i]['outputs']))
                continue
            outputs = vecs[i]['outputs']
            self.assertEqual(outputs.index(max(outputs)), int(row[3]), where)
        self.assertEqual([], differ, '%d of %d windows differ from Ember\'s int8 engine on AVR (16-bit int)'
                         % (len(differ), len(picks)))
        feature_diff, window_diff = 0.0, 0.0
        for (line, feats), i in zip(wrows, wpicks):
            where = 'raw test window %d' % i
            head = line.split()
            self.assertEqual('0', head[2], where)
            feats = [bits_to_float(h) for h in feats]
            self.assertEqual(len(vecs[i]['features']), len(feats))
            for a, b in zip(feats, vecs[i]['features']):
                self.assertLessEqual(abs(a - b), 1e-3 * max(1.0, abs(b)), '%s: feature %r, Ember %r' % (where, a, b))
                feature_diff = max(feature_diff, abs(a - b) / max(1.0, abs(b)))
            for a, b in zip([bits_to_float(h) for h in head[4:]], vecs[i]['outputs']):
                self.assertLessEqual(abs(a - b), STEP, where)
                window_diff = max(window_diff, abs(a - b))
        print('  check sketch in simavr: %d feature vectors bit-exact with Ember\'s int8 engine; %d raw windows: '
              'features max rel diff %.3g, outputs max |diff| %.3g' % (len(picks), len(wpicks), feature_diff,
                                                                      window_diff))


if __name__ == '__main__':
    absent = [package for tool, package in TOOLS if shutil.which(tool) is None]
    if not os.path.isdir(os.path.join(HARDWARE, 'arduino', 'avr')):
        absent.append('arduino-core-avr')
    if absent:
        print('1..0 # SKIP not installed: the Debian package%s %s' % ('s' if len(absent) > 1 else '',
                                                                       ', '.join(absent)))
        sys.exit(77)
    main()
