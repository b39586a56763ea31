#!/usr/bin/env python3
"""How well doubt (core/cluster/cluster.h fc_cluster_doubt: a face's mean cosine distance to its
person's other faces) finds the faces the daemon put in the wrong person, on a store of
an LFW-like folder (one folder per identity) indexed and grouped by faceclusterd.

usage: bench/doubt.py STORE [ROOT]

STORE is read from a copy (the file and its -wal): the original is never opened. ROOT is
the photo folder the store indexed (the identity of a photo is its folder under it; by
default the folder above each photo). As bench/lfw_truth.c labels LFW: a photo's person is
its folder, and only the face nearest the photo's centre is that person (others are people
in the background, left out of the counts). A person's faces are the daemon's grouping;
its identity the majority of its labelled faces; a labelled face of another identity is
wrong. Raw embeddings only (a store of the bench has no learned head).

Prints, for each threshold, how many wrong and how many right faces are over it, and how
often the most doubtful face of a person with a wrong face is a wrong one."""
import math
import os
import shutil
import sqlite3
import sys
import tempfile
from collections import Counter, defaultdict

CENTRE, RADIUS = 125.0, 40.0
# DOUBT_RULE=median: a face counts only when above its person's median doubt (the rule
# facecluster does not use: it halves what is found, at the same precision)
MEDIAN = os.environ.get("DOUBT_RULE", "") == "median"  # bench/lfw_truth.h: LFW's labelled face is at the centre


def unit(blob):
    v = [b - 256 if b > 127 else b for b in blob]
    n = math.sqrt(sum(x * x for x in v))
    return [x / n for x in v] if n else [0.0] * len(v)


def doubts(embs):
    """fc_cluster_doubt: 1 - e_i . (sum - e_i) / (n - 1)."""
    n = len(embs)
    if n < 2:
        return [0.0] * n
    s = [sum(col) for col in zip(*embs)]
    out = []
    for e in embs:
        dot = sum(a * b for a, b in zip(e, s))
        self = sum(a * a for a in e)
        out.append(1.0 - (dot - self) / (n - 1))
    return out


def load(path):
    tmp = tempfile.mkdtemp(prefix="doubt-")
    try:
        for suffix in ("", "-wal"):
            if os.path.exists(path + suffix):
                shutil.copyfile(path + suffix, os.path.join(tmp, "faces.db" + suffix))
        db = sqlite3.connect(os.path.join(tmp, "faces.db"))
        rows = db.execute(
            "SELECT f.id, f.photo, f.x, f.y, f.w, f.h, f.embedding, a.person, "
            "(SELECT path FROM files WHERE photo = f.photo ORDER BY path LIMIT 1) "
            "FROM faces f JOIN photos p ON p.id = f.photo "
            "LEFT JOIN assignments a ON a.face = f.id "
            "WHERE p.missing_since IS NULL AND NOT f.rejected").fetchall()
        db.close()
        return rows
    finally:
        shutil.rmtree(tmp)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    rows = load(sys.argv[1])
    root = os.path.abspath(sys.argv[2]) if len(sys.argv) == 3 else None
    by_photo = defaultdict(list)
    for r in rows:
        by_photo[r[1]].append(r)
    truth = {}  # face id -> identity, for the labelled face of each photo
    for faces in by_photo.values():
        def off(r):
            return math.hypot(r[2] + r[4] / 2 - CENTRE, r[3] + r[5] / 2 - CENTRE)
        best = min(faces, key=off)
        if len(faces) == 1 or off(best) <= RADIUS:
            path = best[8] or ""
            ident = os.path.relpath(os.path.dirname(path), root).split(os.sep)[0] if root \
                else os.path.basename(os.path.dirname(path))
            truth[best[0]] = ident
    people = defaultdict(list)
    unplaced = 0
    for r in rows:
        if r[7] is None:
            unplaced += 1
        else:
            people[r[7]].append(r)
    # per face: (doubt, wrong) for the labelled faces of people of 2+ faces
    scored, top_hits, with_wrong, sizes = [], 0, 0, Counter()
    by_size = {band: [0, 0] for band in ("2", "3-5", "6+")}  # wrong, labelled
    for faces in people.values():
        if len(faces) < 2:
            sizes["alone"] += 1
            continue
        sizes["2+"] += 1
        d = doubts([unit(r[6]) for r in faces])
        idents = Counter(truth[r[0]] for r in faces if r[0] in truth)
        if not idents:
            continue
        major = idents.most_common(1)[0][0]
        med = sorted(d)[len(d) // 2] if MEDIAN else -1.0  # above it only: see doubtful()
        mine = [(dd if dd > med else 0.0, truth[r[0]] != major)
                for dd, r in zip(d, faces) if r[0] in truth]
        scored += mine
        band = "2" if len(faces) == 2 else "3-5" if len(faces) <= 5 else "6+"
        by_size[band][0] += sum(w for _, w in mine)
        by_size[band][1] += len(mine)
        if any(w for _, w in mine):
            with_wrong += 1
            top = max(range(len(faces)), key=lambda i: d[i])  # the most doubtful of all
            top_hits += faces[top][0] in truth and truth[faces[top][0]] != major
    wrong = sum(w for _, w in scored)
    right = len(scored) - wrong
    print(f"{len(rows)} faces, {len(truth)} labelled; {sizes['2+']} people of 2+ faces, "
          f"{sizes['alone']} alone, {unplaced} faces in no person")
    print(f"labelled faces in people of 2+: {len(scored)}, {wrong} wrong (not the person's "
          f"majority identity)")
    print("wrong faces by the size of their person: " + ", ".join(
        f"{b} faces: {w} of {n}" for b, (w, n) in by_size.items()))
    print(f"people with a wrong face: {with_wrong}; their most doubtful face is a wrong one in "
          f"{top_hits}")
    for what, flag in (("wrong", True), ("right", False)):
        ds = sorted(dd for dd, w in scored if w == flag)
        if ds:
            q = [ds[min(len(ds) - 1, int(f * len(ds)))] for f in (0.5, 0.9, 0.99)]
            print(f"doubt of the {what} faces: median {q[0]:.4f}, 90% {q[1]:.4f}, "
                  f"99% {q[2]:.4f}, largest {ds[-1]:.4f}")
    print("threshold  wrong flagged       right flagged       precision")
    for t in [0.02 + 0.005 * i for i in range(13)] + [0.10, 0.12, 0.15]:
        fw = sum(1 for dd, w in scored if w and dd > t)
        fr = sum(1 for dd, w in scored if not w and dd > t)
        print(f"  {t:.3f}    {fw:5d} of {wrong:<5d} {100 * fw / max(wrong, 1):5.1f}%   "
              f"{fr:5d} of {right:<5d} {100 * fr / max(right, 1):5.2f}%   "
              f"{100 * fw / max(fw + fr, 1):5.1f}%")


if __name__ == "__main__":
    main()
