# SPDX-License-Identifier: Apache-2.0
"""dsp/ MFCC (em_dsp_mfcc_f32) against the numpy/scipy reference of
speech_ref.py and the §1.8 golden vectors.

Tolerance: 1e-4 on every value of every case, with no allowance for
float32. Without normalisation (win_size 0) the features are log
energies, so that is relative: |err| <= 1e-4*max(1, |want|). With it
(values of order +-3) it is absolute. cmvnw divides each value by its
column's spread over win_size frames, which for steady sounds (the tone
cases, the golden two-tone signal) is 1e-1 ... 1e-3 and magnifies any
round-off before it as much; the host build therefore computes MFCC in
double (see em-dsp-mfcc.h). The report prints how many values had such a
small spread, to show the hard cases are really exercised.

Usage: /usr/bin/python3 test_mfcc.py PATH/TO/dsp-run-speech"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import speech_ref as ref  # noqa: E402
from speech_common import (Report, expect_error, golden_audio, run,  # noqa: E402
                           run_ok, signals, status_of, STATUS, TOL)

GOLDEN_101 = dict(n=650, sum=-0.334703,
                  first=[0.577389, 1.673491, 1.108583, 1.144920, 0.297814, -1.195547,
                         1.551444, -0.619151],
                  last=[1.152260, -0.645229, 1.020862, 0.811249, -0.556032])
GOLDEN_0 = dict(n=650, sum=1067.057410,
                first=[18.364839, 13.401726, -0.462727, 5.149047, -6.515635, -8.731694,
                       4.214232, -3.246685])

# (signal, fs, seconds, params): the varied cases.
CASES = [
    ("speech", 16000, 1.0, {}),
    ("tone", 16000, 1.0, {}),
    ("chirp", 16000, 1.0, {"win_size": 0}),
    ("noise", 16000, 1.0, {}),
    ("silence", 16000, 1.0, {}),
    ("silence", 16000, 1.0, {"win_size": 0}),
    ("clipped", 16000, 1.0, {}),
    ("speech", 8000, 1.0, {}),
    ("two_tones", 8000, 2.0, {"low_frequency": 300, "high_frequency": 3400, "num_filters": 24}),
    ("speech", 44100, 1.0, {"frame_length": 0.025, "frame_stride": 0.0125, "fft_length": 1024,
                            "num_filters": 40}),
    ("chirp", 44100, 0.5, {"frame_length": 0.02, "frame_stride": 0.01, "fft_length": 512,
                           "num_filters": 40, "win_size": 0}),
    ("speech", 16000, 1.0, {"frame_length": 0.0255, "frame_stride": 0.0137}),
    ("speech", 16000, 0.25, {}),                       # 12 frames, pad 50 > rows
    ("noise", 16000, 0.1, {"win_size": 7}),            # 5 frames, pad 3
    ("speech", 16000, 4.0, {"win_size": 301}),         # 200 frames
    ("speech", 16000, 1.0, {"fft_length": 512, "num_filters": 40, "num_cepstral": 20}),
    ("chirp", 16000, 1.0, {"fft_length": 128, "num_filters": 16}),
    ("speech", 16000, 1.0, {"win_size": 1}),
    ("speech", 16000, 1.0, {"win_size": 3}),
    ("speech", 16000, 1.0, {"win_size": 51}),
    ("speech", 16000, 1.0, {"pre_cof": 0.97, "pre_shift": 2}),
    ("noise", 16000, 1.0, {"pre_cof": 0.0}),
    ("impulses", 16000, 1.0, {"pre_shift": 5, "win_size": 0}),
    ("dc_noise", 16000, 1.0, {}),
    ("quiet", 16000, 1.0, {"win_size": 0}),
    ("square", 16000, 1.0, {"low_frequency": 80, "high_frequency": 7600, "num_filters": 40}),
    ("speech", 16000, 1.0, {"frame_length": 0.01, "frame_stride": 0.005}),  # 160 < fft: padded
    ("speech", 11025, 1.0, {"frame_length": 0.02, "frame_stride": 0.01}),   # 221/111 samples
    ("speech", 16000, 1.0, {"num_filters": 13, "num_cepstral": 13}),
    ("two_tones", 16000, 3.0, {"frame_stride": 0.01, "win_size": 101}),    # 299 frames
    ("clipped", 16000, 1.0, {"win_size": 1}),          # all exact zeros
    ("tone", 8000, 1.0, {"win_size": 11}),             # steady: tiny window spreads
    # Hamming window (the option; Edge Impulse's MFCC is rectangular).
    ("speech", 16000, 1.0, {"window": 1}),
    ("tone", 16000, 1.0, {"window": 1}),
    ("chirp", 16000, 1.0, {"window": 1, "win_size": 0}),
    ("speech", 16000, 1.0, {"window": 1, "frame_length": 0.01, "frame_stride": 0.005}),
]


def mfcc_c(x, fs, **params):
    return run_ok("mfcc", x, fs=fs, **params)


def compare_log(rep, label, got, want):
    """win_size-0 features (log energies): 1e-4 relative."""
    d = np.abs(got.reshape(want.shape) - want)
    STATS["values"] += d.size
    STATS["max_rel"] = max(STATS["max_rel"], float((d / np.maximum(1.0, np.abs(want))).max()))
    rep.compare(label, got, want, tol=TOL, relative=True)


def compare_cmvn(rep, label, got, want):
    """Normalised features: 1e-4 absolute."""
    got = got.reshape(want.shape)
    d = np.abs(got - want)
    STATS["cmvn_values"] += d.size
    STATS["cmvn_max_abs"] = max(STATS["cmvn_max_abs"], float(d.max()))
    rep.compare(label, got, want, tol=TOL, relative=False)


STATS = {"values": 0, "max_rel": 0.0, "cmvn_values": 0, "cmvn_max_abs": 0.0,
         "small_sigma": 0}


def count_small_sigma(x, fs, params, win):
    """Values whose cmvnw divisor (the reference's window std) is < 0.01:
    round-off before the normalisation is magnified > 100x there."""
    sigma = ref.cmvnw_window_std(ref.mfcc_before_cmvn(x, fs, **params), win)
    STATS["small_sigma"] += int((sigma < 0.01).sum())


def check_case(rep, label, x, fs, params):
    want = ref.mfcc(x, fs, **params)
    got = mfcc_c(x, fs, **params)
    win = params.get("win_size", ref.MFCC_DEFAULTS["win_size"])
    if win == 0:
        compare_log(rep, label, got, want)
        return
    # The same features before normalisation, checked too.
    p0 = dict(params, win_size=0)
    compare_log(rep, label + " (before cmvn)", mfcc_c(x, fs, **p0),
                ref.mfcc_before_cmvn(x, fs, **params))
    compare_cmvn(rep, label, got, want)
    count_small_sigma(x, fs, params, win)


def golden(rep):
    x = golden_audio()
    got0 = mfcc_c(x, 16000, win_size=0)
    got = mfcc_c(x, 16000)
    # The reference must reproduce Edge Impulse's numbers first.
    want0 = ref.mfcc(x, 16000, win_size=0)
    want = ref.mfcc(x, 16000)
    rep.compare("golden reference win 0 vs §1.8", want0.flat[:8], GOLDEN_0["first"], tol=2e-6)
    rep.compare("golden reference win 101 vs §1.8 first", want.flat[:8], GOLDEN_101["first"],
                tol=2e-6)
    rep.compare("golden reference win 101 vs §1.8 last", want.flat[-5:], GOLDEN_101["last"],
                tol=2e-6)

    rep.check("golden win 0 n", got0.size == GOLDEN_0["n"], str(got0.size))
    rep.compare("golden win 0 first values", got0[:8], GOLDEN_0["first"])
    rep.compare("golden win 0 sum", got0.astype(np.float64).sum(), GOLDEN_0["sum"])
    compare_log(rep, "golden win 0 all", got0, want0)

    rep.check("golden win 101 n", got.size == GOLDEN_101["n"], str(got.size))
    g = got.reshape(want.shape)
    rep.compare("golden win 101 first values", g.flat[:8], GOLDEN_101["first"], relative=False)
    rep.compare("golden win 101 last values", g.flat[-5:], GOLDEN_101["last"], relative=False)
    rep.compare("golden win 101 sum", got.astype(np.float64).sum(), GOLDEN_101["sum"],
                relative=False)
    compare_cmvn(rep, "golden win 101 all", got, want)
    count_small_sigma(x, 16000, {}, 101)
    d = np.abs(g - want)
    rep.note("golden win 101: n %d, sum %.6f (EI %.6f), max |err| %.3g (c0 %.3g), "
             "%d of 650 values off by more than 1e-4"
             % (got.size, got.astype(np.float64).sum(), GOLDEN_101["sum"], d.max(),
                d[:, 0].max(), int((d > 1e-4).sum())))
    rep.note("golden win 101 first values: " + " ".join("%.6f" % v for v in g.flat[:8]))
    rep.note("golden win 0: n %d, sum %.6f (EI %.6f), max rel err %.3g"
             % (got0.size, got0.astype(np.float64).sum(), GOLDEN_0["sum"],
                (np.abs(got0.reshape(want0.shape) - want0) / np.maximum(1, np.abs(want0))).max()))


def errors(rep):
    x = signals(16000, 16000)["speech"]
    expect_error(rep, "fft_length 200", "mfcc", x, "fft", fs=16000, fft_length=200)
    expect_error(rep, "fft_length 16384", "mfcc", x, "fft", fs=16000, fft_length=16384)
    expect_error(rep, "frame longer than the window", "mfcc", x[:300], "shape",
                 "Frame length is larger than your window size", fs=16000)
    expect_error(rep, "more than 500 frames", "mfcc", x, "shape", "500", fs=16000,
                 frame_stride=0.001)
    expect_error(rep, "empty filterbank", "mfcc", x, "filterbank", fs=16000, fft_length=64,
                 num_filters=32)
    expect_error(rep, "even win_size", "mfcc", x, "param", "win_size", fs=16000, win_size=100)
    expect_error(rep, "negative win_size", "mfcc", x, "param", fs=16000, win_size=-1)
    expect_error(rep, "pre_shift 0", "mfcc", x, "param", "pre_shift", fs=16000, pre_shift=0)
    expect_error(rep, "window 2", "mfcc", x, "param", "window", fs=16000, window=2)
    expect_error(rep, "num_cepstral > num_filters", "mfcc", x, "param", fs=16000,
                 num_cepstral=33)
    expect_error(rep, "high_frequency > fs/2", "mfcc", x, "param", fs=16000,
                 high_frequency=8001)
    expect_error(rep, "low >= high", "mfcc", x, "param", fs=16000, low_frequency=5000,
                 high_frequency=4000)
    expect_error(rep, "fs 0", "mfcc", x, "param", fs=0)
    bad = x.copy()
    bad[1234] = np.nan
    expect_error(rep, "NaN input", "mfcc", bad, "not_finite", fs=16000)
    bad[1234] = np.inf
    expect_error(rep, "Inf input", "mfcc", bad, "not_finite", fs=16000)
    # The reference agrees that these are errors.
    for kw, kind in (({"fft_length": 64, "num_filters": 32}, "filterbank"),
                     ({"frame_stride": 0.001}, "shape"), ({"win_size": 100}, "param")):
        try:
            ref.mfcc(x, 16000, **kw)
            rep.check("reference raises for %s" % kw, False)
        except ref.RefError as e:
            rep.check("reference raises %s for %s" % (kind, kw), e.kind == kind, e.kind)
    # Exactly 500 frames is allowed, 501 is not.
    rc, out, _ = run("mfcc", np.zeros(500 * 32), fs=16000, frame_length=0.002,
                     frame_stride=0.002, win_size=0, num_filters=4, fft_length=64,
                     num_cepstral=4)
    rep.check("500 frames accepted", rc == 0 and out.size == 500 * 4, "rc %d" % rc)
    rc, _, err = run("mfcc", np.zeros(501 * 32), fs=16000, frame_length=0.002,
                     frame_stride=0.002, win_size=0, num_filters=4, fft_length=64,
                     num_cepstral=4)
    rep.check("501 frames refused", rc == 1 and status_of(err) == STATUS["shape"], err)


def main():
    rep = Report("mfcc")
    for i, (name, fs, seconds, params) in enumerate(CASES):
        x = signals(fs, int(round(fs * seconds)), seed=i)[name]
        label = "%s @%d Hz %.3g s %s" % (name, fs, seconds, params)
        check_case(rep, label, x, fs, params)
    golden(rep)
    errors(rep)
    rep.note("%d varied cases; without normalisation %d values, max relative error %.3g "
             "(tolerance 1e-4)" % (len(CASES), STATS["values"], STATS["max_rel"]))
    rep.note("after cmvnw: %d values, max abs error %.3g (tolerance 1e-4); %d of them "
             "divided by a window std < 0.01" % (STATS["cmvn_values"], STATS["cmvn_max_abs"],
                                                  STATS["small_sigma"]))
    rep.finish()


if __name__ == "__main__":
    main()
