#!/usr/bin/env python3
"""bench/lfw_paired.py: two bench/lfw --save runs compared pair by pair.

    lfw_paired.py A.tsv B.tsv [--pairs PAIRS] [--threshold T]

Accuracy over 3000 pairs moves by a pair or two under any small change, so a run that
scores lower may only have had unlucky pairs near the threshold. This says how far each
pair's distance moved between A and B (cosine distance, as facecluster measures it),
how many pairs lie within that movement of the threshold, and which pairs A and B answer
differently at one threshold T (default: the mean of bench/lfw's, 0.089)."""
import os
import sys


def load(path):
    faces = {}
    with open(path) as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            name = os.path.basename(cols[0])
            faces[name] = None if cols[1] != "0" else [float(v) for v in cols[5].split()]
    return faces


def pairs_of(path):
    with open(path) as f:
        lines = f.read().split("\n")[1:]
    for line in lines:
        p = line.split()
        if len(p) == 3:
            yield f"{p[0]}_{int(p[1]):04d}.jpg", f"{p[0]}_{int(p[2]):04d}.jpg", True
        elif len(p) == 4:
            yield f"{p[0]}_{int(p[1]):04d}.jpg", f"{p[2]}_{int(p[3]):04d}.jpg", False


def distance(a, b):
    return 1.0 - sum(x * y for x, y in zip(a, b))


def main(argv):
    args, pairs, t = [], "../shared/data/lfw-dev/pairs.txt", 0.089
    i = 1
    while i < len(argv):
        if argv[i] == "--pairs":
            pairs, i = argv[i + 1], i + 2
        elif argv[i] == "--threshold":
            t, i = float(argv[i + 1]), i + 2
        else:
            args.append(argv[i])
            i += 1
    if len(args) != 2:
        sys.exit(__doc__)
    a, b = load(args[0]), load(args[1])
    moved, dist_a, wrong, flips = [], [], [0, 0], []
    for x, y, same in pairs_of(pairs):
        if not (a.get(x) and a.get(y) and b.get(x) and b.get(y)):
            continue
        da, db = distance(a[x], a[y]), distance(b[x], b[y])
        moved.append(abs(db - da))
        dist_a.append(da)
        for k, d in enumerate((da, db)):
            wrong[k] += (d <= t) != same
        if (da <= t) != (db <= t):
            flips.append((x, y, same, da, db))
    moved.sort()
    n = len(moved)
    p99 = moved[int(0.99 * (n - 1))]
    near = sum(abs(d - t) <= p99 for d in dist_a)
    print(f"{n} pairs with a face in both runs; distance moved: mean {sum(moved) / n:.5f}, "
          f"99th percentile {p99:.5f}, largest {moved[-1]:.5f}")
    print(f"{near} pairs lie within {p99:.5f} of the threshold {t}")
    print(f"at {t}: A wrong on {wrong[0]}, B wrong on {wrong[1]}; answered differently: {len(flips)}")
    for x, y, same, da, db in flips:
        print(f"  {'same' if same else 'different'} {x} {y}: {da:.4f} -> {db:.4f}")


if __name__ == "__main__":
    main(sys.argv)
