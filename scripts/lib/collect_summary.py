"""Merge run folders into one summary.csv.

usage: collect_summary.py OUT.csv TAGS_AND_DIRS.tsv
Each line of the TSV: `key=value;key=value<TAB>run_dir`. Columns of OUT.csv: the tag keys in
order of first appearance, then every top-level metric key of summary.json (in file order, the
`run` object excluded), then `wall_s`.
"""
import csv
import json
import os
import sys


def main():
    out_path, tsv = sys.argv[1], sys.argv[2]
    rows, tag_keys, metric_keys = [], [], []
    with open(tsv) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line:
                continue
            tags_text, run_dir = line.split("\t")
            tags = dict(kv.split("=", 1) for kv in tags_text.split(";") if kv)
            path = os.path.join(run_dir, "summary.json")
            try:
                with open(path) as s:
                    summary = json.load(s)
            except (OSError, ValueError) as e:
                sys.exit(f"{tsv}:{n}: cannot read {path}: {e}")
            for k in tags:
                if k not in tag_keys:
                    tag_keys.append(k)
            for k in summary:
                if k != "run" and k not in metric_keys:
                    metric_keys.append(k)
            rows.append((tags, summary))
    tmp = out_path + ".tmp"
    with open(tmp, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(tag_keys + metric_keys + ["wall_s"])
        for tags, s in rows:
            vals = [tags.get(k, "") for k in tag_keys]
            for k in metric_keys:
                v = s.get(k)
                vals.append("" if v is None else v)
            vals.append(s["run"]["wall_s"])
            w.writerow(vals)
    os.replace(tmp, out_path)


if __name__ == "__main__":
    main()
