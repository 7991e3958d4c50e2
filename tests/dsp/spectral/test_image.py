# SPDX-License-Identifier: Apache-2.0
"""Image resize and features (dsp/em-dsp-image.c) against a numpy reference
written from the contract in dsp/em-dsp-image.h: bilinear with aligned pixel
centres in double, rounded to bytes; squash, fit-shortest (crop) and
fit-longest (letterbox) with the nine anchors; RGB/255 or 601-2 grayscale.

Usage: /usr/bin/python3 test_image.py PATH/TO/dsp-run-spectral"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spectral_common import Report, run, run_ok  # noqa: E402

ANCHORS = ["top_left", "top_center", "top_right", "middle_left", "center",
           "middle_right", "bottom_left", "bottom_center", "bottom_right"]


def bilinear(img, rw, rh):
    ch, cw = img.shape[:2]

    def axis(n_out, n_in):
        f = (np.arange(n_out) + 0.5) * n_in / n_out - 0.5
        f = np.clip(f, 0.0, n_in - 1)
        i0 = np.floor(f).astype(int)
        i1 = np.minimum(i0 + 1, n_in - 1)
        return i0, i1, f - i0

    y0, y1, wy = axis(rh, ch)
    x0, x1, wx = axis(rw, cw)
    p = img.astype(np.float64)
    wx3 = wx[None, :, None]
    top = p[y0][:, x0] * (1.0 - wx3) + p[y0][:, x1] * wx3
    bot = p[y1][:, x0] * (1.0 - wx3) + p[y1][:, x1] * wx3
    v = top * (1.0 - wy)[:, None, None] + bot * wy[:, None, None]
    return np.clip(np.floor(v + 0.5), 0, 255).astype(np.uint8)


def offset(total, keep, where):
    if keep >= total or where == 0:
        return 0
    return (total - keep) // 2 if where == 1 else total - keep


def ref_resize(img, dw, dh, mode, anchor):
    sh, sw = img.shape[:2]
    ax, ay = ANCHORS.index(anchor) % 3, ANCHORS.index(anchor) // 3
    wider = sw * dh > dw * sh
    if mode == "squash":
        return bilinear(img, dw, dh)
    if mode == "fit_shortest":
        cw, ch = sw, sh
        if wider:
            cw = min(max((sh * dw + dh // 2) // dh, 1), sw)
        else:
            ch = min(max((sw * dh + dw // 2) // dw, 1), sh)
        x, y = offset(sw, cw, ax), offset(sh, ch, ay)
        return bilinear(img[y:y + ch, x:x + cw], dw, dh)
    iw, ih = dw, dh
    if wider:
        ih = min(max((sh * dw + sw // 2) // sw, 1), dh)
    else:
        iw = min(max((sw * dh + sh // 2) // sh, 1), dw)
    out = np.zeros((dh, dw, 3), np.uint8)
    x, y = offset(dw, iw, ax), offset(dh, ih, ay)
    out[y:y + ih, x:x + iw] = bilinear(img, iw, ih)
    return out


def ref_features(img, dw, dh, mode, anchor, channels):
    r = ref_resize(img, dw, dh, mode, anchor).astype(np.float64) / 255.0
    if channels == "RGB":
        return r.ravel()
    return (0.299 * r[:, :, 0] + 0.587 * r[:, :, 1] + 0.114 * r[:, :, 2]).ravel()


def packed(img):
    h, w = img.shape[:2]
    p = img.astype(np.uint32)
    v = (p[:, :, 0] << 16) | (p[:, :, 1] << 8) | p[:, :, 2]
    return np.concatenate([[w, h], v.ravel()]).astype(np.float32)


def make_image(kind, w, h, rng):
    if kind == "noise":
        return rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    yy, xx = np.mgrid[0:h, 0:w]
    if kind == "gradient":
        return np.stack([xx * 255 // max(w - 1, 1), yy * 255 // max(h - 1, 1),
                         (xx + yy) % 256], 2).astype(np.uint8)
    if kind == "checker":
        c = ((xx // 3 + yy // 3) % 2) * 255
        return np.stack([c, 255 - c, c // 2], 2).astype(np.uint8)
    return np.full((h, w, 3), (255, 255, 255), np.uint8)  # "white"


CASES = [
    # kind, src w, h, dst w, h, mode, anchor, channels
    ("noise", 64, 48, 32, 32, "squash", "center", "RGB"),
    ("gradient", 64, 48, 96, 96, "squash", "center", "Grayscale"),
    ("noise", 64, 48, 32, 32, "fit_shortest", "center", "RGB"),
    ("gradient", 100, 30, 20, 20, "fit_shortest", "top_left", "RGB"),
    ("gradient", 100, 30, 20, 20, "fit_shortest", "bottom_right", "RGB"),
    ("checker", 30, 100, 20, 20, "fit_shortest", "top_center", "Grayscale"),
    ("checker", 30, 100, 20, 20, "fit_shortest", "bottom_center", "RGB"),
    ("noise", 50, 70, 40, 30, "fit_shortest", "middle_left", "RGB"),
    ("noise", 70, 50, 30, 40, "fit_shortest", "middle_right", "RGB"),
    ("gradient", 64, 48, 32, 32, "fit_longest", "center", "RGB"),
    ("gradient", 100, 30, 20, 20, "fit_longest", "top_left", "Grayscale"),
    ("checker", 30, 100, 20, 20, "fit_longest", "bottom_right", "RGB"),
    ("noise", 33, 17, 48, 48, "fit_longest", "bottom_left", "RGB"),
    ("noise", 17, 33, 48, 48, "fit_longest", "top_right", "RGB"),
    ("white", 10, 10, 10, 10, "squash", "center", "Grayscale"),
    ("noise", 1, 1, 4, 4, "squash", "center", "RGB"),
    ("noise", 5, 3, 1, 1, "fit_shortest", "center", "RGB"),
    ("gradient", 320, 240, 96, 96, "fit_shortest", "center", "Grayscale"),
    ("noise", 7, 5, 96, 64, "squash", "center", "RGB"),
    ("checker", 96, 96, 96, 96, "squash", "center", "RGB"),
    ("noise", 96, 96, 96, 96, "none", "center", "RGB"),
    ("gradient", 1000, 10, 50, 50, "fit_longest", "center", "RGB"),
]


def main():
    rep = Report("image")
    rng = np.random.default_rng(11)
    for i, (kind, sw, sh, dw, dh, mode, anchor, ch) in enumerate(CASES):
        img = make_image(kind, sw, sh, rng)
        got = run_ok("image", packed(img), width=dw, height=dh, resize_mode=mode,
                     crop_anchor=anchor, channels=ch)
        ref_mode = "squash" if mode == "none" else mode
        rep.compare("image %d %s %dx%d -> %dx%d %s %s %s" % (i, kind, sw, sh, dw, dh, mode,
                                                           anchor, ch),
                    got, ref_features(img, dw, dh, ref_mode, anchor, ch))
    # Every anchor on both kinds of crop.
    img = make_image("noise", 41, 23, rng)
    for anchor in ANCHORS:
        for mode, (dw, dh) in (("fit_shortest", (16, 16)), ("fit_longest", (16, 16)),
                               ("fit_shortest", (30, 10)), ("fit_longest", (10, 30))):
            got = run_ok("image", packed(img), width=dw, height=dh, resize_mode=mode,
                         crop_anchor=anchor)
            rep.compare("image anchor %s %s" % (anchor, mode), got,
                        ref_features(img, dw, dh, mode, anchor, "RGB"))
    bad = [(dict(width=0), "width and height"),
           (dict(resize_mode="none", width=10), "resize_mode none"),
           (dict(resize_mode="stretch"), "not a known value")]
    for params, words in bad:
        rc, _, err = run("image", packed(make_image("white", 4, 4, rng)), **params)
        rep.check("image error %s" % params, rc == 1 and words in err, err)
    rep.finish()


if __name__ == "__main__":
    main()
