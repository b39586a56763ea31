#!/usr/bin/env python3
"""How FC_RECOGNIZE_THRESHOLD (core/cluster/cluster.h) was chosen: `who` names a face by the
nearest named person under the clustering's linkage rule (the mean cosine distance to that
person's named faces) when within the threshold, else says unknown.

The data: a store that faceclusterd indexed from a folder in the LFW layout (one folder per
person), e.g. the one bench/cluster-lfw keeps with --store. Each photo's face nearest its
centre is that person's; other faces are left out. People with two or more images have half
of their images (at least one) named, the other half asked; people with one image are
strangers, never named, always asked. A wrong name is a face named as someone it is not
(a stranger named at all included). Five random splits; the default is the largest
threshold whose wrong names stay at or under 1% of all names given, on average.

    build/bench/cluster-lfw --store /tmp/lfw-dev.db     # or faceclusterd --once --db ...
    python3 bench/who_threshold.py /tmp/lfw-dev.db      # needs python3-numpy
"""
import collections
import sqlite3
import sys

import numpy as np

SCALE = 320.0  # FC_QEMBED_SCALE (core/nets/embedding.h)


def load(path):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    rows = db.execute(
        "SELECT f.photo, f.x, f.y, f.w, f.h, f.embedding, p.width, p.height, "
        "(SELECT path FROM files WHERE photo = f.photo ORDER BY path LIMIT 1) "
        "FROM faces f JOIN photos p ON p.id = f.photo WHERE NOT f.rejected")
    best = {}
    for photo, x, y, w, h, blob, width, height, path in rows:
        off = (x + w / 2 - width / 2) ** 2 + (y + h / 2 - height / 2) ** 2
        if photo not in best or off < best[photo][0]:
            best[photo] = (off, blob, path)
    emb, who = [], []
    for _off, blob, path in best.values():
        v = np.frombuffer(blob, dtype=np.int8).astype(np.float64) / SCALE
        emb.append(v / np.linalg.norm(v))
        who.append(path.split("/")[-2])
    names = sorted(set(who))
    return np.array(emb), np.array([names.index(w) for w in who])


def split(truth, rng):
    by_person = collections.defaultdict(list)
    for i, t in enumerate(truth):
        by_person[t].append(i)
    named, asked = [], []
    for faces in by_person.values():
        faces = list(rng.permutation(faces))
        if len(faces) == 1:
            asked += faces  # a stranger
        else:
            half = max(1, len(faces) // 2)
            named += faces[:half]
            asked += faces[half:]
    return np.array(named), np.array(asked)


def answers(emb, truth, named, asked):
    """Per asked face: the nearest named person by mean similarity, and its distance."""
    people = sorted(set(truth[named]))
    sums = np.array([emb[named[truth[named] == p]].sum(0) for p in people])
    counts = np.array([(truth[named] == p).sum() for p in people])
    sim = emb[asked] @ sums.T / counts
    best = sim.argmax(1)
    return np.array(people)[best], 1 - sim[np.arange(len(asked)), best], set(people)


def main():
    emb, truth = load(sys.argv[1])
    thresholds = np.arange(0.03, 0.2001, 0.005)
    rows = np.zeros((5, len(thresholds), 3))
    for s in range(5):
        rng = np.random.default_rng(s)
        named, asked = split(truth, rng)
        person, dist, known = answers(emb, truth, named, asked)
        is_known = np.array([t in known for t in truth[asked]])
        for k, th in enumerate(thresholds):
            given = dist <= th
            wrong = given & (person != truth[asked])
            rows[s, k] = (wrong.sum() / max(1, given.sum()),
                          (given & ~wrong & is_known).sum() / max(1, is_known.sum()),
                          given[~is_known].mean())
    print(f"{len(truth)} faces, {len(set(truth))} people; asked per split: the other half "
          "of each person with >= 2 images, and every one-image person (a stranger)")
    print("threshold  wrong names (of names given)  known faces named right  strangers named")
    mean, std = rows.mean(0), rows.std(0)
    for k, th in enumerate(thresholds):
        print(f"  {th:.3f}    {100 * mean[k, 0]:6.2f}% ± {100 * std[k, 0]:.2f}"
              f"              {100 * mean[k, 1]:6.2f}% ± {100 * std[k, 1]:.2f}"
              f"          {100 * mean[k, 2]:6.2f}%")
    ok = [th for k, th in enumerate(thresholds) if mean[k, 0] <= 0.01]
    print(f"largest threshold with <= 1% wrong names: {max(ok):.3f}" if ok else "none")


if __name__ == "__main__":
    main()
