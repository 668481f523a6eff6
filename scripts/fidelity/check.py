#!/usr/bin/python3
"""The fidelity guard: runs every reproduced figure and prints one table (figure, point, ours,
reference, difference, tolerance, status, reason). Run it as scripts/check_fidelity.sh.

Each module in scripts/fidelity/checks/ is one checker: FIGURE (its label) and rows(ctx), a
generator of common.Row. Expected values come from the anchors; documented exceptions carry their
reason. Exit 0 if every row passes or is a documented exception, 1 otherwise (or if a checker
fails to run), 2 on bad usage.
"""
import argparse
import importlib.util
import math
import os
import shutil
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from common import ROOT, Context  # noqa: E402


def checkers(only):
    folder = os.path.join(HERE, "checks")
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".py") or name.startswith("_"):
            continue
        stem = name[:-3]
        if only and not any(o in stem for o in only):
            continue
        spec = importlib.util.spec_from_file_location(f"fidelity_checks.{stem}", os.path.join(folder, name))
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        yield stem, mod


def fmt(x):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if isinstance(x, int) or (isinstance(x, float) and x.is_integer() and abs(x) < 1e15):
        return f"{int(x):,}"
    return f"{x:,.6g}" if abs(x) >= 1e-3 or x == 0 else f"{x:.3e}"


def fmt_diff(r):
    d = r.diff()
    if math.isnan(d):
        return "-"
    if r.rel:
        return f"{d:+.2e} rel"
    return fmt(d) if d == 0 else f"{d:+.6g}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--full", action="store_true", help="every point (the quick default is a subset)")
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "clustersim"), help="clustersim binary")
    ap.add_argument("--anchors", default=os.environ.get("CLUSTERSIM_ANCHORS",
                                                        os.path.join(ROOT, "..", "shared", "anchors")))
    ap.add_argument("--out", help="keep the runs in this folder (must be new or empty); default: a temporary one")
    ap.add_argument("--jobs", type=int, default=2, help="parallel runs (default 2)")
    ap.add_argument("--only", default="", help="comma-separated parts of checker names (e.g. elasticflow,muri_fig13)")
    ap.add_argument("--list", action="store_true", help="list the checkers and exit")
    a = ap.parse_args()
    only = [o for o in a.only.split(",") if o]
    found = list(checkers(only))
    if a.list:
        for stem, mod in found:
            print(f"{stem:24} {mod.FIGURE}")
        return 0
    if not found:
        print(f"check_fidelity: no checker matches --only {a.only}", file=sys.stderr)
        return 2
    if not os.access(a.binary, os.X_OK):
        print(f"check_fidelity: no clustersim binary at {a.binary} (build it, or pass --binary)", file=sys.stderr)
        return 2
    if not os.path.isdir(a.anchors):
        print(f"check_fidelity: no anchors folder at {a.anchors} (pass --anchors or set CLUSTERSIM_ANCHORS)",
              file=sys.stderr)
        return 2
    if a.out and os.path.isdir(a.out) and os.listdir(a.out):
        print(f"check_fidelity: --out {a.out} is not empty", file=sys.stderr)
        return 2
    out = a.out or tempfile.mkdtemp(prefix="clustersim-fidelity-")
    os.makedirs(out, exist_ok=True)
    ctx = Context(a.full, os.path.abspath(a.binary), os.path.abspath(a.anchors), os.path.abspath(out), a.jobs)
    rows, errors = [], []
    t0 = time.monotonic()
    for stem, mod in found:
        t1 = time.monotonic()
        try:
            for r in mod.rows(ctx):
                r.figure = mod.FIGURE
                rows.append(r)
        except Exception as e:  # a checker that cannot run is a failure of the guard
            errors.append((mod.FIGURE, f"{type(e).__name__}: {e}"))
            if os.environ.get("CHECK_FIDELITY_DEBUG"):
                traceback.print_exc()
        print(f"check_fidelity: {stem} done in {time.monotonic() - t1:.1f} s", file=sys.stderr)
    if not a.out:
        shutil.rmtree(out, ignore_errors=True)

    head = ["figure", "point", "ours", "reference", "difference", "tolerance", "status"]
    table = [[r.figure, r.point, fmt(r.ours), fmt(r.ref), fmt_diff(r),
              (f"{r.tol:.0e} rel" if r.rel else fmt(r.tol)), r.status()] for r in rows]
    widths = [max(len(h), *(len(t[k]) for t in table)) if table else len(h) for k, h in enumerate(head)]

    def line(cells):
        return "  ".join(c.ljust(w) if k < 2 or k == 6 else c.rjust(w) for k, (c, w) in enumerate(zip(cells, widths)))

    print(f"fidelity guard ({'full' if a.full else 'quick'}; {ctx.binary})")
    print(line(head))
    for r, t in zip(rows, table):
        print(line(t) + (f"  {r.reason}" if r.status() == "KNOWN" else ""))
    not_passing = [(r, t) for r, t in zip(rows, table) if r.status() != "PASS"]
    if not_passing or errors:
        print("\nnot passing:")
        for r, t in not_passing:
            print(line(t) + (f"  {r.reason}" if r.status() == "KNOWN" else ""))
    for fig, err in errors:
        print(f"{fig}: ERROR: {err}")
    n = {s: sum(r.status() == s for r in rows) for s in ("PASS", "KNOWN", "FAIL")}
    print(f"{len(rows)} points: {n['PASS']} pass, {n['KNOWN']} documented exceptions, {n['FAIL']} fail"
          f"{f', {len(errors)} checkers could not run' if errors else ''} ({time.monotonic() - t0:.0f} s)")
    return 1 if n["FAIL"] or errors else 0


if __name__ == "__main__":
    sys.exit(main())
