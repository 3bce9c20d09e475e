"""scikit-learn side of the benchmark suite (run by bench/run.mjs as a child process).

Reads one JSON job from argv[1] (or stdin when there is no argument) and prints one JSON line.

Jobs ("task"):
  "info"       versions and the BLAS/OpenMP kernels threadpoolctl reports.
  "fit"        {data, n, d, bandwidth (null: MeanShift() estimates it inside fit), bin_seeding, reps,
                budget_sec, estimate? {quantile, n_samples, random_state}, labels_out?}
               -> times (s), median, n_clusters, n_iter, bandwidth_used, bandwidth_estimate (the
                  estimate rule recomputed here, untimed, to check it against fast-meanshift's),
                  centers (when few), peak_rss_bytes (getrusage ru_maxrss of this process).
               One fit per run, MeanShift(n_jobs=None): single process. Runs repeat until `reps`
               runs or `budget_sec` seconds of fitting, whichever comes first (slow fits run once).
               "threads": k limits the OpenMP and BLAS pools to k threads (threadpoolctl) during the
               fits; null leaves scikit-learn's defaults.
  "china"      {out}: sklearn.datasets.load_sample_image("china.jpg") as float64 RGB rows
               (273,280 x 3, values 0..255) -> the shape.
  "digits"     {out}: sklearn.datasets.load_digits().data (1797 x 64 float64) -> the shape.
  "blobs_equal" {data, n, d, blobs}: whether make_blobs(n_samples=n, **blobs) is bit-identical to
               the file (written by fast-meanshift's makeBlobs). A "fit" job may carry the same
               check as "check_blobs": {blobs} and reports "blobs_equal".

Data files are float64, row-major, no header. The parent removes OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE from this process's environment so NumPy runs its own kernel choice.
"""

import json
import resource
import sys
import time


def versions():
    import numpy
    import sklearn

    out = {
        "python": sys.version.split()[0],
        "sklearn": sklearn.__version__,
        "numpy": numpy.__version__,
    }
    try:
        import threadpoolctl

        out["threadpools"] = [
            {k: p.get(k) for k in ("user_api", "internal_api", "prefix", "version", "architecture", "num_threads")}
            for p in threadpoolctl.threadpool_info()
        ]
    except ImportError:
        out["threadpools"] = None
    return out


def load(path, n, d):
    import numpy as np

    x = np.fromfile(path, dtype="<f8")
    if x.size != n * d:
        raise ValueError(f"{path}: {x.size} values, expected {n} x {d}")
    return x.reshape(n, d)


def blobs_equal(X, n, blobs, float32=False):
    import numpy as np
    from sklearn.datasets import make_blobs

    Y, _ = make_blobs(n_samples=n, **blobs)
    if float32:
        Y = Y.astype(np.float32)
    return bool(np.array_equal(X, Y))


def fit(job):
    import numpy as np
    from sklearn.cluster import MeanShift, estimate_bandwidth

    X = load(job["data"], job["n"], job["d"])
    if job.get("float32"):
        # W6/W7: the data are float32 values; scikit-learn fits the float32 array.
        X = X.astype(np.float32)
    estimate = None
    if job.get("estimate"):
        e = job["estimate"]
        estimate = float(
            estimate_bandwidth(X, quantile=e["quantile"], n_samples=e.get("n_samples"), random_state=e.get("random_state", 0))
        )
    equal = blobs_equal(X, job["n"], job["check_blobs"]["blobs"], job.get("float32", False)) if job.get("check_blobs") else None
    limits = None
    if job.get("threads") is not None:
        from threadpoolctl import threadpool_limits

        limits = threadpool_limits(limits=job["threads"])
    times = []
    ms = None
    spent = 0.0
    while len(times) < job["reps"] and (not times or spent < job["budget_sec"]):
        ms = MeanShift(bandwidth=job["bandwidth"], bin_seeding=job["bin_seeding"], n_jobs=None)
        t0 = time.perf_counter()
        ms.fit(X)
        s = time.perf_counter() - t0
        times.append(s)
        spent += s
    if limits is not None:
        limits.restore_original_limits()
    if job.get("labels_out"):
        ms.labels_.astype("<i4").tofile(job["labels_out"])
    centers = ms.cluster_centers_
    bandwidth_used = job["bandwidth"]
    if bandwidth_used is None:
        # MeanShift() does not expose the estimate it used; recompute it (untimed, deterministic).
        bandwidth_used = float(estimate_bandwidth(X))
    return {
        "times": times,
        "median": float(np.median(times)),
        "n_clusters": int(len(centers)),
        "n_iter": int(ms.n_iter_),
        "bandwidth_used": bandwidth_used,
        "bandwidth_estimate": estimate,
        "centers": centers.tolist() if len(centers) <= 50 else None,
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "blobs_equal": equal,
    }


def main():
    raw = sys.argv[1] if len(sys.argv) > 1 else sys.stdin.read()
    job = json.loads(raw)
    task = job["task"]
    if task == "info":
        out = versions()
    elif task == "fit":
        out = fit(job)
    elif task == "china":
        import numpy as np
        from sklearn.datasets import load_sample_image

        img = load_sample_image("china.jpg")
        X = np.ascontiguousarray(img.reshape(-1, img.shape[-1]), dtype="<f8")
        X.tofile(job["out"])
        out = {"shape": list(X.shape)}
    elif task == "digits":
        import numpy as np
        from sklearn.datasets import load_digits

        X = np.ascontiguousarray(load_digits().data, dtype="<f8")
        X.tofile(job["out"])
        out = {"shape": list(X.shape)}
    elif task == "blobs_equal":
        out = {"equal": blobs_equal(load(job["data"], job["n"], job["d"]), job["n"], job["blobs"])}
    else:
        raise ValueError(f"unknown task {task!r}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
