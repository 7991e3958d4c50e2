# SPDX-License-Identifier: Apache-2.0
"""Butterworth filters and decimation (dsp/em-dsp-filter.c) against scipy,
and the real FFT (dsp/em-dsp-fft.c, both kissfft and portable) against
numpy.fft.rfft.

The Butterworth reference is what Studio's Python runs:
scipy.signal.butter(order, 2·fc/fs, output='sos') cast to float32, then
sosfilt from a zero state. Ember uses the SDK's biquad formulas instead, so
the two differ by float32 coefficient rounding: below 1e-4 for cutoffs of
0.01·fs and up. Every case is also checked against the unrounded float64
design, which Ember follows to ~1e-6.

Usage: /usr/bin/python3 test_filter.py PATH/TO/dsp-run-spectral"""
import os
import sys

import numpy as np
import scipy.signal as sig

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spectral_common import Report, run, run_ok, signals  # noqa: E402

STEPS = {1: [], 3: [3], 10: [10], 30: [3, 10], 100: [10, 10], 1000: [10, 10, 10]}


def ref_butter(x, fs, ftype, fc, order, dtype):
    if order == 0 or ftype == "none":
        return x.astype(np.float64)
    sos = sig.butter(order, 2 * fc / fs, btype=ftype + "pass", output="sos").astype(dtype)
    return sig.sosfilt(sos, x.astype(np.float64), axis=0)


def ref_decimate(x, ratio):
    x = x.astype(np.float64)
    for r in STEPS[ratio]:
        sos = sig.cheby1(8, 0.05, 0.8 / r, output="sos")
        zi = sig.sosfilt_zi(sos)[:, :, None] * x[0][None, None, :]
        x, _ = sig.sosfilt(sos, x, axis=0, zi=zi)
        x = x[::r]
    return x


BUTTER = [
    # signal, frames, axes, fs, type, cutoff, order
    ("tones", 500, 3, 62.5, "low", 3, 6),
    ("tones", 500, 3, 62.5, "high", 3, 6),
    ("noise", 1000, 1, 100, "low", 1, 2),
    ("noise", 1000, 2, 100, "high", 1, 4),
    ("chirp", 800, 1, 100, "low", 10, 8),
    ("chirp", 800, 1, 100, "high", 10, 8),
    ("gravity", 600, 3, 50, "low", 0.5, 4),
    ("gravity", 600, 3, 50, "high", 0.5, 2),
    ("clipped", 300, 2, 100, "low", 45, 6),
    ("clipped", 300, 2, 100, "high", 45, 2),
    ("impulses", 400, 1, 1000, "low", 100, 8),
    ("impulses", 400, 1, 1000, "high", 300, 6),
    ("dc", 300, 2, 100, "low", 5, 6),
    ("dc", 300, 2, 100, "high", 5, 6),
    ("silence", 100, 1, 100, "low", 5, 8),
    ("uniform", 2000, 6, 16000, "low", 4000, 4),
    ("uniform", 2000, 6, 16000, "high", 100, 4),
    ("noise", 5000, 1, 1000, "low", 2, 2),
    ("tones", 50, 4, 100, "high", 20, 8),
    ("noise", 300, 1, 100, "low", 7, 0),
    ("tones", 1, 1, 100, "low", 7, 4),
]

DECIMATE = [
    ("tones", 900, 3, 300, 3),
    ("noise", 1000, 1, 1000, 10),
    ("chirp", 3000, 2, 3000, 30),
    ("gravity", 20000, 3, 10000, 100),
    ("noise", 16000, 1, 16000, 1000),
    ("dc", 100, 2, 100, 10),
    ("silence", 50, 1, 100, 3),
    ("uniform", 301, 2, 1000, 3),
    ("clipped", 1234, 1, 1000, 10),
    ("impulses", 999, 1, 1000, 30),
    ("tones", 1, 1, 100, 10),
    ("tones", 200, 1, 100, 1),
]


def check_butter(rep):
    for i, (name, n, axes, fs, ftype, fc, order) in enumerate(BUTTER):
        x = signals(n, axes, fs, seed=100 + i)[name]
        got = run_ok("filter", x, fs=fs, axes=axes, filter_type=ftype,
                     filter_cutoff=fc, filter_order=order).reshape(n, axes)
        label = "butter %d %s %s fc=%g fs=%g order %d" % (i, name, ftype, fc, fs, order)
        rep.compare(label + " vs exact design", got, ref_butter(x, fs, ftype, fc, order, np.float64))
        # Studio's float32 cast moves its own output by ~2e-4 at fc = 0.006·fs.
        if fc / fs >= 0.01:
            rep.compare(label + " vs Studio's float32 sos", got,
                        ref_butter(x, fs, ftype, fc, order, np.float32))
    for params, words in [(dict(filter_order=3), "out of range"),
                          (dict(filter_cutoff=50), "out of range"),
                          (dict(filter_cutoff=1e-6, filter_order=8, filter_type="high"),
                           "unstable")]:
        rc, _, err = run("filter", np.zeros(10), fs=100, axes=1, **params)
        rep.check("filter error %s" % params, rc == 1 and words in err, err)


def check_decimate(rep):
    for i, (name, n, axes, fs, ratio) in enumerate(DECIMATE):
        x = signals(n, axes, fs, seed=200 + i)[name]
        want = ref_decimate(x, ratio)
        got = run_ok("decimate", x, fs=fs, axes=axes, ratio=ratio).reshape(-1, axes)
        rep.compare("decimate %d %s n=%d ratio %d" % (i, name, n, ratio), got, want)


def check_fft(rep):
    rng = np.random.default_rng(5)
    n = 4
    while n <= 8192:
        x = rng.uniform(-1, 1, (3, n)).astype(np.float32)
        x[1] = np.sin(2 * np.pi * 3.3 * np.arange(n) / n) * 100
        want = np.fft.rfft(x.astype(np.float64), axis=1)
        want = np.stack([want.real, want.imag], axis=2).reshape(3, -1)
        # Relative to the largest bin: float32 FFT error grows with it.
        scale = np.abs(want).max()
        for portable in (0, 1):
            got = run_ok("fft", x.ravel(), fft_length=n, portable=portable).reshape(3, -1)
            rep.compare("fft n=%d portable=%d" % (n, portable), got / scale, want / scale, tol=1e-5)
        n *= 2
    rc, _, err = run("fft", np.zeros(12), fft_length=12)
    rep.check("fft 12 refused", rc == 1 and "power of two" in err, err)


def main():
    rep = Report("filter")
    check_butter(rep)
    check_decimate(rep)
    check_fft(rep)
    rep.finish()


if __name__ == "__main__":
    main()
