# SPDX-License-Identifier: Apache-2.0
"""Shared helpers for the speech-group tests: run dsp-run-speech, make audio
test signals, compare with tolerances, report.

Usage of every test: /usr/bin/python3 test_X.py PATH/TO/dsp-run-speech"""
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import scipy.signal

TOL = 1e-4

# The runner prints "error: BLOCK: <status text> (<code>): <reason>".
STATUS = {"param": -1, "fft": -2, "shape": -3, "scratch": -4, "filterbank": -5,
          "not_finite": -7}


def runner_path():
    if len(sys.argv) > 1:
        return sys.argv[1]
    return os.environ["DSP_RUN_SPEECH"]


def run(block, data=None, **params):
    """Run BLOCK on data (1-D or a matrix; None: no file).
    Returns (rc, float32 output, stderr)."""
    args = [runner_path(), block] + ["%s=%s" % (k, v) for k, v in params.items()]
    path = None
    if data is not None:
        with tempfile.NamedTemporaryFile(suffix=".f32", delete=False) as f:
            np.ascontiguousarray(data, dtype=np.float32).tofile(f)
            path = f.name
        args.append(path)
    try:
        r = subprocess.run(args, capture_output=True, timeout=120)
    finally:
        if path:
            os.unlink(path)
    return r.returncode, np.frombuffer(r.stdout, dtype=np.float32), r.stderr.decode()


def run_ok(block, data=None, **params):
    rc, out, err = run(block, data, **params)
    if rc != 0:
        raise AssertionError("%s %s failed: %s" % (block, params, err.strip()))
    return out


def status_of(stderr):
    m = re.search(r"\((-?\d+)\)", stderr)
    return int(m.group(1)) if m else None


# ---- signals ----

def _formant_voice(t, fs, rng):
    """A vowel-like sound: a glottal pulse train with a wandering pitch,
    through three formant resonators, with a syllable envelope and breath
    noise."""
    f0 = 120 + 20 * np.sin(2 * np.pi * 1.3 * t)
    phase = np.cumsum(f0 / fs)
    pulses = (np.diff(np.floor(phase), prepend=0) > 0).astype(float)
    y = pulses
    for fc, bw in ((700, 90), (1220, 110), (2600, 160)):
        if fc < fs / 2:
            r = np.exp(-np.pi * bw / fs)
            a = [1, -2 * r * np.cos(2 * np.pi * fc / fs), r * r]
            y = y + scipy.signal.lfilter([1 - r], a, pulses) * 3
    env = 0.2 + 0.8 * np.abs(np.sin(2 * np.pi * 2.7 * t))
    y = y * env + 0.02 * rng.standard_normal(len(t))
    return y / np.max(np.abs(y)) * 12000


def signals(fs, n, seed=0):
    """Named int16-range test signals (float64, whole numbers like a real
    recording). No pure tone sits exactly on an FFT bin: without leakage
    the other bins would hold only int16 rounding noise ~100 dB down, below
    what a float32 FFT resolves, and log features of such bins differ
    between any float32 and float64 implementation."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / fs
    f1 = 0.45 * fs
    s = {
        "tone": 3000 * np.sin(2 * np.pi * 440 * t),
        "two_tones": 3000 * np.sin(2 * np.pi * 1234.5 * t) + 900 * np.sin(2 * np.pi * 0.19 * fs * t),
        "chirp": 8000 * np.sin(2 * np.pi * (100 * t + (f1 - 100) * t * t / (2 * t[-1]))),
        "noise": 2000 * rng.standard_normal(n),
        "silence": np.zeros(n),
        "clipped": np.clip(60000 * np.sin(2 * np.pi * 303 * t), -32768, 32767),
        "speech": _formant_voice(t, fs, rng),
        "impulses": 20000.0 * ((np.arange(n) % max(1, int(0.1 * fs))) == 17) + rng.standard_normal(n) * 4,
        "quiet": 3 * rng.standard_normal(n),
        "dc_noise": 500 + 50 * rng.standard_normal(n),
        "square": 5000 * np.sign(np.sin(2 * np.pi * 233 * t + 0.1)),
    }
    return {k: np.floor(v + 0.5) for k, v in s.items()}


def golden_audio():
    """§1.8: 16 kHz, 16000 samples of two tones, floor(… + 0.5)."""
    n = np.arange(16000)
    return np.floor(3000 * np.sin(2 * np.pi * 440 * n / 16000)
                    + 1000 * np.sin(2 * np.pi * 3000 * n / 16000) + 0.5)


# ---- comparison ----

class Report:
    """Collects per-case errors; fails at the end if any is out of bounds."""

    def __init__(self, name):
        self.name = name
        self.cases = 0
        self.max_abs = 0.0
        self.max_rel = 0.0      # |err| / max(1, |want|)
        self.max_ratio = 0.0    # |err| / allowed
        self.failures = []
        self.notes = []

    def compare(self, label, got, want, tol=TOL, relative=True):
        """tol: a scalar or an array like want. relative: scale the scalar
        tolerance by max(1, |want|) (log-domain outputs)."""
        want = np.asarray(want, dtype=np.float64)
        got = np.asarray(got, dtype=np.float64)
        self.cases += 1
        if got.size != want.size:
            self.failures.append("%s: %d values, want %d" % (label, got.size, want.size))
            return
        got = got.reshape(want.shape)
        if got.size == 0:
            return
        diff = np.abs(got - want)
        allowed = np.broadcast_to(np.asarray(tol, dtype=np.float64), want.shape)
        if relative:
            allowed = allowed * np.maximum(1.0, np.abs(want))
        ratio = diff / allowed
        self.max_abs = max(self.max_abs, float(diff.max()))
        self.max_rel = max(self.max_rel, float((diff / np.maximum(1.0, np.abs(want))).max()))
        self.max_ratio = max(self.max_ratio, float(ratio.max()))
        if not np.all(np.isfinite(got)) or ratio.max() > 1.0:
            i = int(np.argmax(ratio))
            self.failures.append("%s: index %d got %.7g want %.7g (err %.3g, allowed %.3g)"
                                 % (label, i, got.flat[i], want.flat[i], diff.flat[i],
                                    allowed.flat[i]))

    def check(self, label, ok, detail=""):
        self.cases += 1
        if not ok:
            self.failures.append("%s %s" % (label, detail))

    def note(self, text):
        self.notes.append(text)

    def finish(self):
        print("%s: %d checks, max abs error %.3g, max relative error %.3g, "
              "max error/allowed %.3g" % (self.name, self.cases, self.max_abs, self.max_rel,
                                          self.max_ratio))
        for n in self.notes:
            print("  " + n)
        for f in self.failures:
            print("FAIL " + f)
        sys.exit(1 if self.failures else 0)


def expect_error(report, label, block, data, kind, message=None, **params):
    """The runner must fail with status `kind` (and stderr containing
    `message`, if given)."""
    rc, out, err = run(block, data, **params)
    ok = rc == 1 and status_of(err) == STATUS[kind] and out.size == 0
    if message is not None:
        ok = ok and message in err
    report.check(label, ok, "rc=%d stderr=%r (want %s%s)" % (rc, err.strip(), kind,
                                                               ", " + message if message else ""))
