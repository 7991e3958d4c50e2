# SPDX-License-Identifier: Apache-2.0
"""Checks Ember's GMM anomaly scores against scipy.

gmm-ref-helper fits a GMM (diagonal or full) on seeded blobs and prints the
training data, the model JSON and em_nn_anomaly_score() of probe windows.
Here, from the exported parameters alone:
  - the negative log-likelihood of every probe, with
    scipy.stats.multivariate_normal and scipy.special.logsumexp, must match
    the C score to 1e-4 (relative, absolute below 1);
  - log_norm must equal -dim/2 log 2π - 1/2 log|Σ| of the exported precision;
  - the parameters must be a fixed point of one EM step on the training data
    (so EM actually converged), and close to the blobs that made the data.
Prints TAP. Usage: gmm_reference.py PATH/TO/gmm-ref-helper
"""
import json
import subprocess
import sys

import numpy as np
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

TRUE_MEANS = np.array([[0, 0, 0], [6, 1, -2], [-4, 5, 3]], dtype=float)
TRUE_WEIGHTS = np.array([150, 90, 60]) / 300.0
REG = 1e-6

results = []


def check(ok, what):
    results.append((bool(ok), what))


def run(helper, mode, seed):
    out = subprocess.run([helper, mode, str(seed)], check=True, capture_output=True, text=True).stdout
    doc = json.loads(out)
    m = doc["model"]
    k, dim = m["k"], m["dim"]
    axes = m["axes"]
    tag = f"{mode} seed {seed}"
    check(m["type"] == "gmm" and m["covariance"] == mode and axes == doc["axes"], f"{tag}: model header")

    train = np.array(doc["train"], dtype=np.float64).reshape(-1, 4)[:, axes]
    probe = np.array(doc["probe"], dtype=np.float64).reshape(-1, 4)[:, axes]
    scores = np.array(doc["scores"], dtype=np.float64)
    log_w = np.array(m["log_weights"], dtype=np.float64)
    means = np.array(m["means"], dtype=np.float64).reshape(k, dim)
    log_norm = np.array(m["log_norm"], dtype=np.float64)
    if mode == "full":
        L = np.array(m["precision"], dtype=np.float64).reshape(k, dim, dim)
        check(all(np.allclose(np.triu(L[c], 1), 0) for c in range(k)), f"{tag}: L is lower triangular")
        covs = [np.linalg.inv(L[c] @ L[c].T) for c in range(k)]
    else:
        iv = np.array(m["precision"], dtype=np.float64).reshape(k, dim)
        covs = [np.diag(1.0 / iv[c]) for c in range(k)]

    # Densities by scipy.
    logp = np.stack([log_w[c] + multivariate_normal(means[c], covs[c]).logpdf(probe) for c in range(k)], axis=1)
    ref = -logsumexp(logp, axis=1)
    err = np.abs(scores - ref) / np.maximum(1.0, np.abs(ref))
    print(f"# {tag}: NLL range [{ref.min():.3f}, {ref.max():.1f}], worst relative error {err.max():.2e}")
    check(err.max() < 1e-4, f"{tag}: C scores match scipy logpdf/logsumexp ({err.max():.2e})")

    expect_norm = np.array([-0.5 * dim * np.log(2 * np.pi) - 0.5 * np.linalg.slogdet(covs[c])[1] for c in range(k)])
    check(np.max(np.abs(expect_norm - log_norm)) < 1e-5, f"{tag}: log_norm = -dim/2 log 2pi - 1/2 log|S|")
    check(abs(np.exp(log_w).sum() - 1.0) < 1e-5, f"{tag}: weights sum to 1")

    # One EM step from the exported parameters changes (almost) nothing.
    lp = np.stack([log_w[c] + multivariate_normal(means[c], covs[c]).logpdf(train) for c in range(k)], axis=1)
    r = np.exp(lp - logsumexp(lp, axis=1, keepdims=True))
    nk = r.sum(axis=0)
    mu2 = (r.T @ train) / nk[:, None]
    drift_mu = np.abs(mu2 - means).max()
    drift_w = np.abs(nk / len(train) - np.exp(log_w)).max()
    drift_cov = 0.0
    for c in range(k):
        d = train - mu2[c]
        cov2 = (r[:, c, None] * d).T @ d / nk[c]
        cov2 = cov2 + REG * np.eye(dim) if mode == "full" else np.diag(np.diag(cov2) + REG)
        drift_cov = max(drift_cov, np.abs(cov2 - covs[c]).max() / np.abs(covs[c]).max())
    print(f"# {tag}: one more EM step moves means {drift_mu:.2e}, weights {drift_w:.2e}, covariances {drift_cov:.2e}")
    check(drift_mu < 1e-3 and drift_w < 1e-3 and drift_cov < 1e-2, f"{tag}: parameters are an EM fixed point")

    # Close to the truth (the blobs are far apart, so EM finds them).
    order = [int(np.argmin(np.linalg.norm(means - t, axis=1))) for t in TRUE_MEANS]
    off = max(np.linalg.norm(means[order[b]] - TRUE_MEANS[b]) for b in range(3))
    woff = max(abs(np.exp(log_w[order[b]]) - TRUE_WEIGHTS[b]) for b in range(3))
    print(f"# {tag}: means within {off:.3f} of the truth, weights within {woff:.4f}")
    check(sorted(order) == [0, 1, 2] and off < 0.35 and woff < 0.03, f"{tag}: means and weights near the truth")


def main():
    helper = sys.argv[1]
    for mode in ("diagonal", "full"):
        for seed in (1, 2):
            try:
                run(helper, mode, seed)
            except Exception as e:  # a crash is a failure, not a skipped check
                check(False, f"{mode} seed {seed}: {type(e).__name__}: {e}")
    print(f"1..{len(results)}")
    for i, (ok, what) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {what}")
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
