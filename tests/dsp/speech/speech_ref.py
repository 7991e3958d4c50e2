# SPDX-License-Identifier: Apache-2.0
"""Independent numpy/scipy references for dsp/'s audio blocks, written from
DSP-REFERENCE §1.1–1.4 and §1.7 (speechpy maths as Edge Impulse ships it,
implementation version 4). Everything runs in float64, as Studio's Python
does; the C code is float32 and is compared with a tolerance."""
import math

import numpy as np
import scipy.fftpack

MAX_FRAMES = 500


class RefError(Exception):
    """What Studio raises for a bad configuration; .kind names the C status."""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


# ---- §1.1 framing ----

def ceil_unless_very_close_to_floor(v):
    if 0 < v - math.floor(v) < 0.001:
        return float(math.floor(v))
    return float(math.ceil(v))


def frame_params(fs, n, frame_length, frame_stride):
    """(L, S, numframes) for version >= 2, zero_padding=False."""
    length = int(ceil_unless_very_close_to_floor(fs * frame_length))
    stride = float(ceil_unless_very_close_to_floor(fs * frame_stride))
    numframes = int(np.floor((n - (length - stride)) / stride))
    if numframes < 1:
        raise RefError("shape", "Frame length is larger than your window size")
    if numframes > MAX_FRAMES:
        raise RefError("shape", "more than 500 frames")
    return length, int(stride), numframes


def stack_frames(x, fs, frame_length, frame_stride):
    length, stride, numframes = frame_params(fs, len(x), frame_length, frame_stride)
    idx = np.arange(length)[None, :] + (np.arange(numframes) * stride)[:, None]
    return x[idx]


def preemphasis(x, shift=1, cof=0.98):
    if shift <= 0:
        raise RefError("param", "shift must be positive")
    return x - cof * np.roll(x, shift)


def power_spectrum(frames, fft_length):
    # rfft(n=...) truncates longer frames and zero-pads shorter ones.
    return np.abs(np.fft.rfft(frames, n=fft_length, axis=-1)) ** 2 / fft_length


def zero_handling(x):
    return np.where(x == 0, 1e-10, x)


# ---- mel filterbank ----

def hz_to_mel(f):
    return 1127.0 * np.log(1 + np.asarray(f, dtype=np.float64) / 700.0)


def mel_to_hz(m):
    return 700.0 * (np.exp(np.asarray(m, dtype=np.float64) / 1127.0) - 1)


def check_fft_length(fft_length):
    if fft_length < 4 or fft_length > 8192 or fft_length & (fft_length - 1):
        raise RefError("fft", "fft_length must be a power of two")


def mel_bins(num_filters, fft_length, fs, low=0.0, high=0.0):
    check_fft_length(fft_length)
    high = high or fs / 2
    if high > fs / 2 or low < 0 or low >= high:
        raise RefError("param", "bad frequencies")
    mels = np.linspace(hz_to_mel(low), hz_to_mel(high), num_filters + 2)
    hz = mel_to_hz(mels)
    hz[-1] -= 0.001
    return np.floor((fft_length + 1) * hz / fs).astype(int)


def triangle(x, left, middle, right):
    out = np.zeros(x.shape)
    out[x <= left] = 0
    out[x >= right] = 0
    first = np.logical_and(left < x, x <= middle)
    out[first] = (x[first] - left) / (middle - left)
    second = np.logical_and(middle <= x, x < right)
    out[second] = (right - x[second]) / (right - middle)
    return out


def filterbank(num_filters, fft_length, fs, low=0.0, high=0.0):
    """Dense (num_filters x fft_length/2+1) matrix, as speechpy builds it."""
    bins = mel_bins(num_filters, fft_length, fs, low, high)
    fb = np.zeros((num_filters, fft_length // 2 + 1))
    for i in range(num_filters):
        left, mid, right = int(bins[i]), int(bins[i + 1]), int(bins[i + 2])
        z = np.linspace(left, right, num=right - left + 1)
        fb[i, z.astype(int)] = triangle(z, left, mid, right)
    if np.any(fb.sum(axis=1) == 0):
        raise RefError("filterbank", "lower the filter count or increase the FFT length")
    return fb


def mel_energies(signal, fs, frame_length, frame_stride, num_filters, fft_length,
                 low=0.0, high=0.0, window=0):
    """window: 0 none (Edge Impulse), 1 Hamming over each whole frame
    (np.hamming), before rfft cuts it to fft_length."""
    check_fft_length(fft_length)
    frames = stack_frames(signal, fs, frame_length, frame_stride)
    if window == 1:
        frames = frames * np.hamming(frames.shape[1])
    elif window != 0:
        raise RefError("param", "window must be none or hamming")
    fb = filterbank(num_filters, fft_length, fs, low, high)
    p = power_spectrum(frames, fft_length)
    energy = zero_handling(p.sum(axis=1))
    mel = zero_handling(p @ fb.T)
    return mel, energy


# ---- cmvnw ----

def cmvnw(vec, win_size=301, variance_normalization=False):
    if win_size % 2 != 1:
        raise RefError("param", "Windows size must be odd!")
    rows = vec.shape[0]
    pad = (win_size - 1) // 2
    padded = np.pad(vec, ((pad, pad), (0, 0)), "symmetric")
    mean_sub = np.zeros(vec.shape)
    for i in range(rows):
        mean_sub[i] = vec[i] - np.mean(padded[i:i + win_size], axis=0)
    if not variance_normalization:
        return mean_sub.astype(np.float32)
    padded = np.pad(mean_sub, ((pad, pad), (0, 0)), "symmetric")
    out = np.zeros(vec.shape)
    for i in range(rows):
        out[i] = mean_sub[i] / (np.std(padded[i:i + win_size], axis=0) + 1e-10)
    return out.astype(np.float32)


# ---- §1.2 MFCC ----

MFCC_DEFAULTS = dict(num_cepstral=13, frame_length=0.02, frame_stride=0.02, num_filters=32,
                     fft_length=256, win_size=101, low_frequency=0.0, high_frequency=0.0,
                     pre_cof=0.98, pre_shift=1, window=0)


def mfcc(x, fs, **kw):
    p = dict(MFCC_DEFAULTS, **kw)
    if p["win_size"] < 0 or (p["win_size"] > 0 and p["win_size"] % 2 == 0):
        raise RefError("param", "win_size must be odd")
    if not 1 <= p["num_cepstral"] <= p["num_filters"]:
        raise RefError("param", "num_cepstral")
    x = preemphasis(np.asarray(x, dtype=np.float64), p["pre_shift"], p["pre_cof"])
    mel, energy = mel_energies(x, fs, p["frame_length"], p["frame_stride"], p["num_filters"],
                               p["fft_length"], p["low_frequency"], p["high_frequency"],
                               p["window"])
    feat = scipy.fftpack.dct(np.log(mel), type=2, axis=-1, norm="ortho")[:, :p["num_cepstral"]]
    feat[:, 0] = np.log(energy)
    if p["win_size"] > 0:
        feat = cmvnw(feat, p["win_size"], variance_normalization=True)
    return feat.astype(np.float32)


# ---- §1.3 MFE ----

MFE_DEFAULTS = dict(frame_length=0.02, frame_stride=0.01, num_filters=40, fft_length=256,
                    low_frequency=0.0, high_frequency=0.0, noise_floor_db=-52.0)


def mfe(x, fs, quantize=True, **kw):
    """quantize: 'sdk' (roundf + clamp, what dsp/ does), 'python' (Studio's
    np.uint8 wrap), or False (the continuous values before step 8)."""
    p = dict(MFE_DEFAULTS, **kw)
    x = (np.asarray(x, dtype=np.float32) / 2 ** 15).astype(np.float32)
    x = preemphasis(x.astype(np.float64), 1, 0.98)
    mel, _ = mel_energies(x, fs, p["frame_length"], p["frame_stride"], p["num_filters"],
                          p["fft_length"], p["low_frequency"], p["high_frequency"])
    db = 10 * np.log10(np.clip(mel, 1e-30, None))
    nf = p["noise_floor_db"]
    y = np.clip((db - nf) / (-nf + 12), 0, 1)
    if quantize == "python":
        return np.uint8(np.around(y * 256)) / 256
    if quantize:
        # C's roundf rounds halves away from zero; y >= 0 here.
        return np.clip(np.floor(y * 256 + 0.5) / 256, 0, 1)
    return y


# ---- §1.4 Spectrogram ----

SPECTROGRAM_DEFAULTS = dict(frame_length=0.02, frame_stride=0.01, fft_length=128,
                            noise_floor_db=-52.0)


def spectrogram(x, fs, **kw):
    p = dict(SPECTROGRAM_DEFAULTS, **kw)
    check_fft_length(p["fft_length"])
    length, stride, _ = frame_params(fs, len(x), p["frame_length"], p["frame_stride"])
    if length < 4 or stride < 4:
        raise RefError("param", "frame and stride must be at least 4 samples")
    frames = stack_frames(np.asarray(x, dtype=np.float64), fs, p["frame_length"],
                          p["frame_stride"])
    power = np.clip(power_spectrum(frames, p["fft_length"]), 1e-30, None)
    nf = p["noise_floor_db"]
    return np.clip((10 * np.log10(power) - nf) / (-nf + 12), 0, None)


# ---- §1.7 autotune ----

def next_power_of_2(x):
    return 1 if x == 0 else 2 ** (x - 1).bit_length()


def audio_set_params(frame_length, fs):
    fft_length = next_power_of_2(int(frame_length * fs))
    num_filters = int(40 + np.log2(fft_length / 256))
    return fft_length, num_filters


def cmvnw_window_std(vec, win_size):
    """The population std that cmvnw's variance step divides row i by
    (before its 1e-10), for every row and column: how strongly it magnifies
    errors in its input."""
    rows = vec.shape[0]
    pad = (win_size - 1) // 2
    padded = np.pad(vec, ((pad, pad), (0, 0)), "symmetric")
    mean_sub = np.array([vec[i] - padded[i:i + win_size].mean(axis=0) for i in range(rows)])
    padded = np.pad(mean_sub, ((pad, pad), (0, 0)), "symmetric")
    return np.array([padded[i:i + win_size].std(axis=0) for i in range(rows)])


def mfcc_before_cmvn(x, fs, **kw):
    """MFCC features as cmvnw receives them (float64)."""
    p = dict(MFCC_DEFAULTS, **kw)
    p["win_size"] = 0
    x = preemphasis(np.asarray(x, dtype=np.float64), p["pre_shift"], p["pre_cof"])
    mel, energy = mel_energies(x, fs, p["frame_length"], p["frame_stride"], p["num_filters"],
                               p["fft_length"], p["low_frequency"], p["high_frequency"],
                               p["window"])
    feat = scipy.fftpack.dct(np.log(mel), type=2, axis=-1, norm="ortho")[:, :p["num_cepstral"]]
    feat[:, 0] = np.log(energy)
    return feat


# ---- how exact a float32 FFT can be ----
#
# An n-point FFT in float32 is off in every bin by about
# |ΔX| ≈ ε·sqrt(log2 n)·||x||₂ (ε = 2^-24), whatever the bin holds, and
# ||x||₂² ≈ 2·E where E = Σ_k P[k] is the frame energy. A power bin
# P = |X|²/n then moves by up to (2|X||ΔX| + |ΔX|²)/n: bins 80–100 dB under
# the frame's strongest are only known to 1e-3 … 1e-1, in any float32
# implementation (Edge Impulse's SDK included). The tests allow that much
# on top of their 1e-4, computed from the reference's own spectra, so they
# stay exact wherever float32 can be.

EPS32 = 2.0 ** -24


def fft_power_error(power, fft_length, k=4.0):
    """Bound on |ΔP| per bin for frames with reference power spectra
    `power` (frames x bins); k: safety factor over the typical error."""
    energy = power.sum(axis=1, keepdims=True)
    dx = k * EPS32 * np.sqrt(np.log2(fft_length) * 2.0 * energy)
    return (2.0 * np.sqrt(fft_length * power) * dx + dx * dx) / fft_length


def frame_power(x, fs, frame_length, frame_stride, fft_length):
    return power_spectrum(stack_frames(x, fs, frame_length, frame_stride), fft_length)


def log_band_error(x, fs, frame_length, frame_stride, num_filters, fft_length, low=0.0,
                   high=0.0):
    """Bound on |Δ ln mel| per frame and band from fft_power_error."""
    p = frame_power(x, fs, frame_length, frame_stride, fft_length)
    fb = filterbank(num_filters, fft_length, fs, low, high)
    mel = zero_handling(p @ fb.T)
    d = np.minimum((fft_power_error(p, fft_length) @ fb.T) / mel, 0.9)
    return -np.log1p(-d), mel


def mfe_fft_tolerance(x, fs, **kw):
    """Extra allowed error of each unquantized MFE value: the band error of
    log_band_error taken through dB, normalisation and the [0, 1] clip."""
    p = dict(MFE_DEFAULTS, **kw)
    xs = (np.asarray(x, dtype=np.float32) / 2 ** 15).astype(np.float32).astype(np.float64)
    xp = preemphasis(xs, 1, 0.98)
    dlog, mel = log_band_error(xp, fs, p["frame_length"], p["frame_stride"], p["num_filters"],
                               p["fft_length"], p["low_frequency"], p["high_frequency"])
    nf = p["noise_floor_db"]

    def y(m):
        return np.clip((10 * np.log10(np.clip(m, 1e-30, None)) - nf) / (-nf + 12), 0, 1)

    mid = y(mel)
    return np.maximum(y(mel * np.exp(dlog)) - mid, mid - y(mel * np.exp(-dlog)))


def spectrogram_fft_tolerance(x, fs, **kw):
    """Extra allowed error of each spectrogram value from fft_power_error."""
    p = dict(SPECTROGRAM_DEFAULTS, **kw)
    power = frame_power(np.asarray(x, dtype=np.float64), fs, p["frame_length"],
                        p["frame_stride"], p["fft_length"])
    dp = fft_power_error(power, p["fft_length"])
    nf = p["noise_floor_db"]

    def y(v):
        return np.clip((10 * np.log10(np.clip(v, 1e-30, None)) - nf) / (-nf + 12), 0, None)

    mid = y(power)
    return np.maximum(y(power + dp) - mid, mid - y(np.maximum(power - dp, 0)))
