"""Shared pieces of the fidelity guard (scripts/check_fidelity.sh): the row a checker yields and
the context it runs in. See scripts/fidelity/README.md for how to add a checker."""
import csv
import math
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Row:
    """One compared number.

    point      what is compared (e.g. "n8g8 edf: deadline ratio")
    ours, ref  the two values (numbers; None when ours could not be produced)
    tol        allowed difference: absolute, or relative to |ref| when rel=True
    reason     set only for a documented exception: a failing row with a reason is reported as
               KNOWN (with the reason) and does not fail the guard
    """

    def __init__(self, point, ours, ref, tol, rel=False, reason=None):
        self.figure = ""
        self.point, self.ours, self.ref, self.tol, self.rel, self.reason = point, ours, ref, tol, rel, reason

    def diff(self):
        if self.ours is None or self.ref is None:
            return math.nan
        d = self.ours - self.ref
        return d / abs(self.ref) if self.rel and self.ref else d

    def ok(self):
        d = self.diff()
        return not math.isnan(d) and abs(d) <= self.tol

    def status(self):
        if self.ok():
            return "PASS"
        return "KNOWN" if self.reason else "FAIL"


class Context:
    """What a checker gets: `full` (else the quick subset), the clustersim binary, the anchors
    folder, its own empty work folder (work(name)), parallel runs allowed (`jobs`)."""

    def __init__(self, full, binary, anchors, out, jobs):
        self.full, self.binary, self.anchors, self.out, self.jobs = full, binary, anchors, out, jobs
        self.python = sys.executable

    def anchor(self, *parts):
        path = os.path.join(self.anchors, *parts)
        if not os.path.exists(path):
            raise FileNotFoundError(f"anchor data missing: {path}")
        return path

    def work(self, name):
        path = os.path.join(self.out, name)
        os.makedirs(path, exist_ok=True)
        return path

    def script(self, name, *args):
        """Runs scripts/<name> (bash for .sh, this Python for .py) with `args`; raises on failure
        with the tail of its output."""
        path = os.path.join(ROOT, "scripts", name)
        cmd = (["bash", path] if name.endswith(".sh") else [self.python, path]) + [str(a) for a in args]
        env = dict(os.environ, CS_BUILD=os.path.dirname(self.binary))
        r = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if r.returncode != 0:
            tail = "\n".join((r.stderr + r.stdout).strip().splitlines()[-5:])
            raise RuntimeError(f"scripts/{name} failed (exit {r.returncode}):\n{tail}")
        return r.stdout


def read_csv(path, delimiter=","):
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


def num(text):
    return float(text) if text not in (None, "") else None
