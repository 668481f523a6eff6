"""--full only: the hidden Catch2 fidelity cases ([.fidelity-full]: the ElasticFlow checks too
slow for the default suite), run from the test binary next to clustersim (build/tests/)."""
import os
import re
import subprocess

from common import Row

FIGURE = "Catch2 [.fidelity-full]"


def rows(ctx):
    if not ctx.full:
        return
    binary = os.path.join(os.path.dirname(ctx.binary), "tests", "clustersim_tests")
    if not os.access(binary, os.X_OK):
        raise FileNotFoundError(f"{binary} (build the clustersim_tests target)")
    env = dict(os.environ, CLUSTERSIM_ANCHORS=ctx.anchors)
    r = subprocess.run([binary, "[.fidelity-full]"], capture_output=True, text=True, env=env)
    text = r.stdout + r.stderr
    m = re.search(r"All tests passed \(\d+ assertions? in (\d+) test cases?\)", text)
    if m and r.returncode == 0:
        total = passed = int(m.group(1))
    else:
        m = re.search(r"test cases:\s*(\d+)\s*\|\s*(\d+) passed", text)
        total, passed = (int(m.group(1)), int(m.group(2))) if m else (None, 0)
    yield Row("test cases passed", passed, total, 0)
