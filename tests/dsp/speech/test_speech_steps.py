# SPDX-License-Identifier: Apache-2.0
"""The shared steps of dsp/'s audio blocks (em-dsp-speech.h) one by one
against the numpy/scipy reference: framing, pre-emphasis, mel bins,
DCT-II, cmvnw (including numpy 'symmetric' padding when pad > rows), the
autotune helper and the frame-stride cap.

Usage: /usr/bin/python3 test_speech_steps.py PATH/TO/dsp-run-speech"""
import os
import sys

import numpy as np
import scipy.fftpack

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import speech_ref as ref  # noqa: E402
from speech_common import Report, run, run_ok, status_of, STATUS  # noqa: E402


def framing(rep):
    rng = np.random.default_rng(1)
    combos = [(16000, 16000, 0.02, 0.02), (16000, 16000, 0.02, 0.01), (44100, 44100, 0.025, 0.01),
              (62.5, 125, 0.5, 0.25), (8000, 8000, 0.0255, 0.0137), (11025, 11025, 0.02, 0.01),
              (16000, 16000, 0.0200000625, 0.02), (16000, 16000, 0.02000003, 0.02),
              (16000, 16000, 0.0200001, 0.0100001), (16000, 320, 0.02, 0.02),
              (16000, 319, 0.02, 0.02), (16000, 16000, 0.001, 0.002),
              (16000, 16000, 0.02, 0.001), (16000, 16000, 1.0, 0.5), (16000, 16000, 1.01, 0.5)]
    for _ in range(40):
        fs = float(rng.choice([8000, 11025, 16000, 22050, 44100, 48000, 100, 62.5]))
        n = int(rng.integers(1, 3 * int(fs) + 2))
        combos.append((fs, n, float(rng.uniform(0.001, 0.1)), float(rng.uniform(0.001, 0.05))))
    agree = 0
    for fs, n, fl, st in combos:
        try:
            want = ref.frame_params(fs, n, fl, st)
        except ref.RefError as e:
            want = e
        rc, out, err = run("frames", np.zeros(n), fs=repr(fs), frame_length=repr(fl),
                           frame_stride=repr(st))
        label = "frames fs=%g n=%d L=%r S=%r" % (fs, n, fl, st)
        if isinstance(want, ref.RefError):
            ok = rc == 1 and status_of(err) == STATUS["shape"]
            if "larger" in str(want):
                ok = ok and "Frame length is larger than your window size" in err
            rep.check(label, ok, "want %s, got rc %d %s" % (want, rc, err.strip()))
        else:
            rep.check(label, rc == 0 and list(out) == list(want), "got %s want %s" % (out, want))
        agree += 1
    rep.note("framing: %d (fs, n, frame, stride) combinations" % agree)


def preemphasis(rep):
    rng = np.random.default_rng(2)
    x = np.floor(rng.uniform(-32768, 32767, 1000))
    for shift in (1, 2, 7, 999, 1000, 1003):
        for cof in (0.98, 0.5, 0.0, -0.3):
            want = ref.preemphasis(x, shift, cof)
            got = run_ok("preemph", x, cof=cof, shift=shift)
            # float32 rounding of x[n] − cof·x[n−shift]: a few ulp of the
            # operands, however small the difference.
            tol = 4 * 2.0 ** -24 * (np.abs(x) + abs(cof) * np.abs(np.roll(x, shift)))
            rep.compare("preemph shift %d cof %g" % (shift, cof), got, want, tol=tol,
                        relative=False)
    xs = x / 32768
    want = xs - 0.98 * np.roll(xs, 1)
    tol = 4 * 2.0 ** -24 * (np.abs(xs) + np.abs(np.roll(xs, 1)))
    rep.compare("preemph with 1/32768", run_ok("preemph", x, scale=1 / 32768), want, tol=tol,
                relative=False)
    rc, _, err = run("preemph", x, shift=0)
    rep.check("preemph shift 0 refused", rc == 1)


def mel_points(rep):
    table = {(32, 256, 16000): [0, 0, 1, 2, 4, 5, 6, 7, 9, 11, 12, 14, 16, 19, 21, 24, 26, 29,
                                33, 36, 40, 44, 49, 53, 59, 64, 70, 77, 84, 91, 99, 108, 118,
                                128],
             (40, 256, 16000): [0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 15, 17, 18, 20, 22,
                                24, 27, 29, 32, 34, 37, 41, 44, 47, 51, 55, 59, 64, 69, 74, 79,
                                85, 91, 98, 104, 112, 120, 128]}
    for (nf, fft, fs), want in table.items():
        got = run_ok("points", fs=fs, num_filters=nf, fft_length=fft)
        rep.check("§1.1 bins %d filters" % nf, list(got.astype(int)) == want, str(got))
    rng = np.random.default_rng(3)
    configs = [(40, 128, 16000, 0, 0), (20, 128, 16000, 0, 0), (64, 512, 44100, 20, 20000),
               (24, 256, 8000, 300, 3400), (10, 64, 16000, 0, 0), (32, 64, 16000, 0, 0),
               (1, 4, 100, 0, 0), (128, 8192, 48000, 0, 0)]
    for _ in range(30):
        fs = float(rng.choice([8000, 16000, 22050, 44100, 48000]))
        fft = int(2 ** rng.integers(5, 12))
        lo = float(rng.choice([0, 20, 80, 300]))
        hi = float(rng.choice([0, fs / 2, fs / 2 - 500, 4000]))
        configs.append((int(rng.integers(1, 80)), fft, fs, lo, hi))
    for nf, fft, fs, lo, hi in configs:
        label = "points nf=%d fft=%d fs=%g low=%g high=%g" % (nf, fft, fs, lo, hi)
        try:
            ref.filterbank(nf, fft, fs, lo, hi)
            want = ref.mel_bins(nf, fft, fs, lo, hi)
        except ref.RefError as e:
            want = e
        rc, got, err = run("points", fs=fs, num_filters=nf, fft_length=fft, low_frequency=lo,
                           high_frequency=hi)
        if isinstance(want, ref.RefError):
            rep.check(label, rc == 1 and status_of(err) == STATUS[want.kind],
                      "want %s, got rc %d %s" % (want.kind, rc, err.strip()))
        else:
            rep.check(label, rc == 0 and list(got.astype(int)) == list(want), err)
    rep.note("mel bins: %d configurations (incl. empty-filter refusals)" % (len(configs) + 2))


def dct(rep):
    rng = np.random.default_rng(4)
    for n, n_out in ((32, 13), (40, 40), (8, 1), (13, 13), (64, 20), (5, 3)):
        m = rng.normal(0, 5, (6, n))
        want = scipy.fftpack.dct(m, type=2, axis=-1, norm="ortho")[:, :n_out]
        got = run_ok("dct", m, n=n, n_out=n_out).reshape(want.shape)
        rep.compare("dct n=%d n_out=%d" % (n, n_out), got, want, tol=1e-5)


def cmvnw(rep):
    rng = np.random.default_rng(5)
    shapes = [(50, 13, 101), (5, 3, 101), (1, 4, 3), (2, 2, 9), (7, 7, 7), (3, 5, 1),
              (4, 2, 13), (500, 13, 101), (10, 3, 21), (10, 3, 23), (12, 13, 301), (99, 40, 5)]
    for rows, cols, win in shapes:
        for var in (1, 0):
            m = rng.normal(20, 5, (rows, cols)).astype(np.float32)
            want = ref.cmvnw(m.astype(np.float64), win, bool(var))
            got = run_ok("cmvnw", m, cols=cols, win_size=win, variance=var).reshape(want.shape)
            rep.compare("cmvnw %dx%d win %d var %d" % (rows, cols, win, var), got, want, tol=1e-5)
    # A constant column must normalise to exactly 0, as in float64.
    m = np.tile(np.float32([-23.02585, 18.36484, 0.1]), (30, 1))
    got = run_ok("cmvnw", m, cols=3, win_size=101, variance=1)
    rep.check("cmvnw constant columns give 0", np.all(got == 0), str(got[:6]))
    # numpy's 'symmetric' padding bounces when pad > rows.
    for n, pad in ((3, 7), (1, 5), (2, 9), (4, 4), (5, 23)):
        want = np.pad(np.arange(float(n)), (pad, pad), "symmetric")
        period = [m if m < n else 2 * n - 1 - m for m in (j % (2 * n) for j in range(-pad, n + pad))]
        rep.check("np.pad symmetric with pad %d > rows %d is periodic x, reversed x" % (pad, n),
                  list(want) == period, str(want))
    m = rng.normal(0, 1, (3, 2)).astype(np.float32)
    want = ref.cmvnw(m.astype(np.float64), 17, True)
    got = run_ok("cmvnw", m, cols=2, win_size=17, variance=1).reshape(want.shape)
    rep.compare("cmvnw pad 8 > rows 3", got, want, tol=1e-5)
    rc, _, err = run("cmvnw", np.zeros(12), cols=3, win_size=4)
    rep.check("cmvnw even window refused", rc == 1 and status_of(err) == STATUS["param"], err)


def autotune(rep):
    rng = np.random.default_rng(6)
    combos = [(16000, 0.02), (16000, 0.032), (16000, 0.016), (8000, 0.02), (44100, 0.025),
              (48000, 0.05), (11025, 0.0232), (16000, 0.0159), (1000, 0.02), (16000, 0.0001)]
    combos += [(float(rng.choice([8000, 16000, 22050, 44100, 48000])), float(rng.uniform(0.005, 0.15)))
               for _ in range(30)]
    clamped = 0
    for fs, fl in combos:
        fft, nf = ref.audio_set_params(fl, fs)
        if fft < 4 or fft > 8192:
            # Studio would suggest a length our FFT cannot run: dsp/ clamps.
            fft = min(max(fft, 4), 8192)
            nf = int(40 + np.log2(fft / 256))
            clamped += 1
        got = run_ok("autotune", fs=repr(fs), frame_length=repr(fl))
        rep.check("autotune fs=%g frame=%r" % (fs, fl), list(got) == [fft, nf],
                  "got %s want %s" % (got, [fft, nf]))
    rep.note("autotune: %d combinations (%d clamped to 4 … 8192)" % (len(combos), clamped))
    rc, _, _ = run("autotune", fs=0, frame_length=0.02)
    rep.check("autotune fs 0 refused", rc == 1)


def cap_stride(rep):
    def cap(window_size_ms, frame_stride):
        if window_size_ms:
            if (window_size_ms / 1000) / frame_stride > 500:
                frame_stride = (window_size_ms / 1000) / 500
        return frame_stride
    for w, s in ((1000, 0.02), (10000, 0.01), (20000, 0.02), (0, 0.001), (5000, 0.01),
                 (5001, 0.01)):
        got = run_ok("cap_stride", window_size_ms=w, frame_stride=s)
        rep.compare("cap_frame_stride %g ms %g" % (w, s), got, [cap(w, s)], tol=1e-6)


def scratch(rep):
    """Too little or misaligned scratch is refused, not overrun."""
    x = np.floor(np.random.default_rng(7).normal(0, 3000, 16000))
    for block, kw in (("mfcc", {}), ("mfcc", {"win_size": 0}), ("mfe", {}),
                      ("spectrogram", {})):
        rc, out, _ = run(block, x, fs=16000, **kw)
        rep.check("%s %s runs with the queried scratch" % (block, kw), rc == 0 and out.size > 0)
        for bad in ({"scratch_minus": 1}, {"scratch_minus": 16}, {"scratch_offset": 4},
                    {"scratch_minus": 10 ** 9}):
            rc, out, err = run(block, x, fs=16000, **dict(kw, **bad))
            rep.check("%s %s %s refused" % (block, kw, bad),
                      rc == 1 and status_of(err) == STATUS["scratch"], err.strip())


def main():
    rep = Report("speech steps")
    scratch(rep)
    framing(rep)
    preemphasis(rep)
    mel_points(rep)
    dct(rep)
    cmvnw(rep)
    autotune(rep)
    cap_stride(rep)
    rep.finish()


if __name__ == "__main__":
    main()
