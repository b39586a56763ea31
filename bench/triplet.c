/* bench/triplet: what a head trained with FaceNet's triplet loss (core/train/triplet.h) on a
 * user's named people buys, on real faces.
 *
 *   triplet [DATA_DIR] [--store PATH] [--daemon PATH] [--model PATH] [--threads N]
 *           [--splits N] [--part 1|2|5|6]   (2 also prints 3 and 4)
 *           [--epochs N] [--rate R] [--decay D] [--alpha A] [--people P] [--faces K]
 *           [--background B] [--momentum]
 *   (the last line: the head's training, to try other settings; defaults
 *   fc_train_default_opts())
 *
 * DATA_DIR (default ../shared/data/lfw-dev): one folder per person, pairs.txt in LFW's
 * format. `faceclusterd --once` indexes it into a store (--store PATH: kept and reused),
 * whose faces give the embeddings; each photo's labelled face is LFW's (lfw_truth.h).
 *
 *   1. Personalisation: the people with >= 10 faces are the user's; half of each one's
 *      faces are named, the rest asked about; the other people are strangers, half of
 *      them (at random) in the library unnamed, the others new and scored. `who` by the
 *      centroid rule without a head (`who` before issue 13), by the nearest named face
 *      without a head (at a threshold matched per split, and at FC_NAME_THRESHOLD: `who`
 *      now, through core/cluster/placement.h's own code), and with heads trained on the named
 *      half (fc_head_fit, as `facecluster train`, by either rule; with FaceNet's
 *      settings; with the library's unnamed people too): named right, named wrong,
 *      strangers named at each one's threshold, and named right at equal strangers
 *      named; then the closest a stranger or another person's face came to a named
 *      face (what FC_NAME_THRESHOLD and FC_NAME_HEAD_SHARE were chosen under). --splits
 *      random halves.
 *   2. No harm: a head trained on the people of the first 60% of pairs.txt's folds,
 *      verification on the other folds (other people), against no head.
 *   3. Table 5 of the paper as a size trade-off: heads of 32, 64 and 128 outputs.
 *   4. Mining: semi-hard, hardest and random negatives, loss and held-out accuracy every
 *      few epochs, with FaceNet's settings and with ours.
 *   5. Clustering the folder with the head of 2 against without, scored on the held-out
 *      people (and everyone).
 *   6. Training time on 10,000 faces. */
#include "bench/bench_daemon.h"
#include "bench/bench_util.h"
#include "bench/cluster_eval.h"
#include "bench/cluster_store.h"
#include "bench/lfw_data.h"
#include "bench/lfw_truth.h"
#include "core/cluster/cluster.h"
#include "core/fc_error.h"
#include "core/cluster/placement.h"
#include "core/train/triplet.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MIN_NAMED_FACES 10 /* the "people with >= 10 images" */
#define CHECKPOINT_EVERY 2 /* epochs between the mining comparison's rows */
#define SPEED_FACES 10000  /* the training-time goal: a head on 10,000 faces */
#define SPEED_PER_PERSON 20

typedef struct {
    bench_index in;
    char tmp[4096];
    int splits, epochs;
    float rate, decay, alpha;
    int momentum, part, people, faces,
        background; /* part: 0 all, else only 1, 2 (with 3 and 4), 5 or 6 */
} options;

/* The labelled faces, one per photo with a face: embedding, person, file name. */
typedef struct {
    int n, people;
    float (*x)[FC_EMBED_DIM];
    int *person;
    const char **file; /* the photo's base name: pairs.txt's key */
    int *count;        /* faces per person */
} faces_set;

static void faces_free(faces_set *s)
{
    free(s->x), free(s->person), free(s->file), free(s->count);
}

static int faces_from(const store_view *v, const truth_set *t, faces_set *s)
{
    memset(s, 0, sizeof *s);
    const size_t n = (size_t)(v->f.n > 0 ? v->f.n : 1);
    s->x = malloc(n * sizeof *s->x), s->person = malloc(n * sizeof *s->person);
    s->file = malloc(n * sizeof *s->file);
    s->count = calloc((size_t)(t->people > 0 ? t->people : 1), sizeof *s->count);
    if (!s->x || !s->person || !s->file || !s->count) return -ENOMEM;
    s->people = t->people;
    for (int i = 0; i < v->f.n; i++) {
        if (!t->scored[i] || t->truth[i] < 0) continue;
        memcpy(s->x[s->n], v->f.embedding[i], sizeof s->x[0]);
        s->person[s->n] = t->truth[i];
        const char *slash = strrchr(v->path[i], '/');
        s->file[s->n] = slash ? slash + 1 : v->path[i];
        s->count[t->truth[i]]++;
        s->n++;
    }
    return 0;
}

static int by_float(const void *a, const void *b)
{
    const float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

static float dotf(const float *a, const float *b)
{
    float s = 0;
    for (int k = 0; k < FC_EMBED_DIM; k++) s += a[k] * b[k];
    return s;
}

static void normalise(float *x)
{
    const float l = sqrtf(dotf(x, x));
    for (int k = 0; k < FC_EMBED_DIM; k++) x[k] /= l;
}

/* A copy of x (n rows) through the head (NULL: as is). NULL when out of memory. */
static float (*through(const fc_head *h, const float (*x)[FC_EMBED_DIM], int n))[FC_EMBED_DIM]
{
    float(*out)[FC_EMBED_DIM] = malloc((size_t)(n > 0 ? n : 1) * sizeof *out);
    if (!out) return NULL;
    memcpy(out, x, (size_t)n * sizeof *out);
    fc_head_transform(h, out, n);
    return out;
}

/* --- 1. personalisation ----------------------------------------------------------------- */

enum rule { CENTROID, NEAREST_FACE };

/* The nearest named face of each probe, through `who`'s own code (core/cluster/placement.h). */
static int nearest_face(const float (*named)[FC_EMBED_DIM], const int *label, int n,
                        const float (*probe)[FC_EMBED_DIM], int n_probe, float *dist, int *who)
{
    char err[FC_ERR_MAX];
    int64_t *person = malloc((size_t)(n > 0 ? n : 1) * sizeof *person);
    fc_place_candidate *cand = malloc((size_t)(n_probe > 0 ? n_probe : 1) * sizeof *cand);
    int count = 0, rc = person && cand ? 0 : -ENOMEM;
    for (int i = 0; !rc && i < n; i++) person[i] = label[i] + 1; /* -1, unnamed: 0, left out */
    if (!rc) rc = fc_place_nearest_faces(named, person, n, probe, n_probe, 1, cand, &count, err);
    for (int j = 0; !rc && j < n_probe; j++) who[j] = -1, dist[j] = 2;
    for (int c = 0; !rc && c < count; c++)
        who[cand[c].face] = (int)cand[c].person - 1, dist[cand[c].face] = cand[c].distance;
    free(person), free(cand);
    return rc;
}

/* `who` over probes: for each, the nearest named person (CENTROID: by the linkage rule,
 * 1 - x . mean, as `who` did; NEAREST_FACE: its nearest named face, as `who` does) and its
 * distance; what is named is then a matter of threshold. */
static int nearest_named(enum rule rule, const float (*named)[FC_EMBED_DIM], const int *label,
                         int n, int people, const float (*probe)[FC_EMBED_DIM], int n_probe,
                         float *dist, int *who)
{
    if (rule == NEAREST_FACE) return nearest_face(named, label, n, probe, n_probe, dist, who);
    float(*sum)[FC_EMBED_DIM] = calloc((size_t)people, sizeof *sum);
    int *count = calloc((size_t)people, sizeof *count);
    if (!sum || !count) {
        free(sum), free(count);
        return -ENOMEM;
    }
    for (int i = 0; i < n; i++) {
        count[label[i]]++;
        for (int k = 0; k < FC_EMBED_DIM; k++) sum[label[i]][k] += named[i][k];
    }
    for (int j = 0; j < n_probe; j++) {
        float best = -2;
        who[j] = -1;
        for (int q = 0; q < people; q++) {
            const float s = count[q] ? dotf(probe[j], sum[q]) / (float)count[q] : -2;
            if (s > best) best = s, who[j] = q;
        }
        dist[j] = 1.0f - best;
    }
    free(sum), free(count);
    return 0;
}

/* The nearest-face rule's threshold: the one accepting impostors as often, on the named
 * faces (each against every other named person: its nearest face there), as the centroid
 * rule at FC_RECOGNIZE_THRESHOLD does (each against the other people's means). */
static float nearest_face_threshold(const float (*x)[FC_EMBED_DIM], const int *label, int n,
                                    int people)
{
    float(*sum)[FC_EMBED_DIM] = calloc((size_t)people, sizeof *sum);
    int *count = calloc((size_t)people, sizeof *count);
    float *nearest = malloc((size_t)n * people * sizeof *nearest);
    float *row = malloc((size_t)people * sizeof *row);
    float threshold = FC_RECOGNIZE_THRESHOLD;
    if (!sum || !count || !nearest || !row) goto out;
    for (int i = 0; i < n; i++) {
        count[label[i]]++;
        for (int k = 0; k < FC_EMBED_DIM; k++) sum[label[i]][k] += x[i][k];
    }
    long accepted = 0, total = 0;
    for (int i = 0; i < n; i++) {
        for (int q = 0; q < people; q++) row[q] = 2;
        for (int j = 0; j < n; j++) {
            const float d = fc_embed_distance(x[i], x[j]);
            if (label[j] != label[i] && d < row[label[j]]) row[label[j]] = d;
        }
        for (int q = 0; q < people; q++) {
            if (q == label[i] || !count[q]) continue;
            accepted += 1.0f - dotf(x[i], sum[q]) / (float)count[q] <= FC_RECOGNIZE_THRESHOLD;
            nearest[total++] = row[q];
        }
    }
    qsort(nearest, (size_t)total, sizeof *nearest, by_float);
    if (total)
        threshold = accepted == 0       ? nearest[0] * 0.999f
                    : accepted >= total ? nearest[total - 1]
                                        : 0.5f * (nearest[accepted - 1] + nearest[accepted]);
out:
    free(sum), free(count), free(nearest), free(row);
    return threshold;
}

/* What a rule did on a split: at its own threshold, named right and named wrong (of the
 * asked faces), strangers named (of theirs), the threshold; then, to compare rules rather
 * than thresholds, named right at the threshold naming no more than 0.1% and 0.5% of the
 * strangers. */
#define COLUMNS 6
static const double stranger_rates[2] = {0.001, 0.005};

static int score_rule(const float *dist, const int *who, const int *truth, int asked, int strangers,
                      float threshold, double *col)
{
    int right = 0, wrong = 0, named = 0;
    for (int j = 0; j < asked; j++)
        if (dist[j] <= threshold) right += who[j] == truth[j], wrong += who[j] != truth[j];
    for (int j = asked; j < asked + strangers; j++) named += dist[j] <= threshold;
    col[0] = asked ? (double)right / asked : 0;
    col[1] = asked ? (double)wrong / asked : 0;
    col[2] = strangers ? (double)named / strangers : 0;
    col[3] = threshold;
    float *sorted = malloc((size_t)(strangers > 0 ? strangers : 1) * sizeof *sorted);
    if (!sorted) return -ENOMEM;
    memcpy(sorted, dist + asked, (size_t)strangers * sizeof *sorted);
    qsort(sorted, (size_t)strangers, sizeof *sorted, by_float);
    for (int r = 0; r < 2; r++) {
        const int allowed = (int)(stranger_rates[r] * strangers);     /* strangers named at most */
        const float t = allowed < strangers ? sorted[allowed] : 2.1f; /* strictly below */
        int ok = 0;
        for (int j = 0; j < asked; j++) ok += dist[j] < t && who[j] == truth[j];
        col[4 + r] = asked ? (double)ok / asked : 0;
    }
    free(sorted);
    return 0;
}

#define METHODS 8
static const char *const method_name[METHODS] = {
    "no head, centroid rule (who before)",  "no head, nearest face, matched",
    "no head, nearest face (who now)",      "trained head (facecluster train)",
    "trained head, nearest face (who now)", "head with FaceNet's settings",
    "head from the named faces alone",      "within-person whitening (no triplets)",
};

static void shuffle(int *v, int n, unsigned *rng)
{
    for (int i = n - 1; i > 0; i--) {
        *rng ^= *rng << 13, *rng ^= *rng >> 17, *rng ^= *rng << 5;
        const int j = (int)(*rng % (unsigned)(i + 1)), t = v[i];
        v[i] = v[j], v[j] = t;
    }
}

static fc_train_opts options_train(const options *o)
{
    fc_train_opts opts = fc_train_default_opts();
    opts.epochs = o->epochs, opts.rate = o->rate, opts.decay = o->decay, opts.alpha = o->alpha;
    if (o->people) opts.people = o->people;
    opts.background = o->background;
    if (o->faces) opts.faces = o->faces;
    if (o->momentum) opts.optimizer = FC_OPT_MOMENTUM;
    return opts;
}

#define WHITENING_SHRINK 0.01f

/* A head as `facecluster train` fits it with opts, or (opts NULL) the closed-form
 * within-person whitening, calibrated the same way. */
static int fit_head(fc_head *head, const fc_train_set *set, const fc_train_opts *opts,
                    const float *raw, float *calibrated, char *err)
{
    if (opts)
        return fc_head_fit(head, FC_EMBED_DIM, set, opts, raw, calibrated, 1, NULL, NULL, err);
    int rc = fc_head_whitened(head, set, WHITENING_SHRINK, err);
    if (!rc) rc = fc_head_calibrate(head, set, set->x, set->label, set->n, raw, calibrated, 1, err);
    if (rc) fc_head_free(head);
    return rc;
}

/* The split's probes through a head fitted on the named faces with opts (NULL: the
 * whitening), scored. */
static int head_rule(const float (*named)[FC_EMBED_DIM], const int *label, int n, int n_train,
                     int people, const float (*probe)[FC_EMBED_DIM], int asked, int strangers,
                     const int *truth, const fc_train_opts *opts, double *col, double *fit_s,
                     double *nearest_col, float *closest_share)
{
    char err[FC_ERR_MAX];
    const fc_train_set set = {&named[0][0], label, n_train, NULL, 0};
    const float raw = FC_RECOGNIZE_THRESHOLD;
    float calibrated;
    fc_head head;
    const double t0 = now_s();
    if (fit_head(&head, &set, opts, &raw, &calibrated, err) != 0) {
        fprintf(stderr, "triplet: %s\n", err);
        return -1;
    }
    *fit_s = now_s() - t0;
    const int n_probe = asked + strangers;
    float(*named_h)[FC_EMBED_DIM] = through(&head, named, n);
    float(*probe_h)[FC_EMBED_DIM] = through(&head, probe, n_probe);
    float *dist = malloc((size_t)n_probe * sizeof *dist);
    int *who = malloc((size_t)n_probe * sizeof *who);
    int rc = named_h && probe_h && dist && who ? 0 : -ENOMEM;
    if (!rc)
        rc = nearest_named(CENTROID, (const float(*)[FC_EMBED_DIM])named_h, label, n, people,
                           (const float(*)[FC_EMBED_DIM])probe_h, n_probe, dist, who);
    if (!rc) rc = score_rule(dist, who, truth, asked, strangers, calibrated, col);
    /* `who` with this head: the nearest face, at FC_NAME_HEAD_SHARE of the calibrated
     * threshold (store/library.c) */
    if (!rc && nearest_col)
        rc = nearest_named(NEAREST_FACE, (const float(*)[FC_EMBED_DIM])named_h, label, n, people,
                           (const float(*)[FC_EMBED_DIM])probe_h, n_probe, dist, who);
    if (!rc && nearest_col)
        rc = score_rule(dist, who, truth, asked, strangers, calibrated * FC_NAME_HEAD_SHARE,
                        nearest_col);
    /* the closest a stranger or another person's face came, over the calibrated threshold */
    for (int j = 0; !rc && nearest_col && j < n_probe; j++)
        if (who[j] != truth[j] && dist[j] / calibrated < *closest_share)
            *closest_share = dist[j] / calibrated;
    fc_head_free(&head);
    free(named_h), free(probe_h), free(dist), free(who);
    return rc;
}

/* One random split: the named half of each big person, the asked half and the strangers
 * (probes: asked first, then strangers). */
static int one_split(const faces_set *s, const options *o, unsigned seed, double (*out)[COLUMNS],
                     double *fit_s, int *library, float *closest_wrong, float *closest_share)
{
    const size_t n = (size_t)s->n;
    float(*named)[FC_EMBED_DIM] = malloc(n * sizeof *named);
    float(*probe)[FC_EMBED_DIM] = malloc(n * sizeof *probe);
    int *named_label = malloc(n * sizeof *named_label), *truth = malloc(n * sizeof *truth);
    int *who = malloc(n * sizeof *who), *order = malloc(n * sizeof *order);
    float *dist = malloc(n * sizeof *dist);
    int *label_of = malloc((size_t)s->people * sizeof *label_of);
    int *seen = calloc((size_t)s->people, sizeof *seen);
    int rc = named && probe && named_label && truth && who && order && dist && label_of && seen
                 ? 0
                 : -ENOMEM;
    int n_named = 0, asked = 0, strangers = 0, people = 0;
    unsigned rng = seed;
    for (int q = 0; !rc && q < s->people; q++)
        label_of[q] = s->count[q] >= MIN_NAMED_FACES ? people++ : -1;
    for (int i = 0; !rc && i < s->n; i++) order[i] = i;
    if (!rc) shuffle(order, s->n, &rng);
    /* the first half (rounded up) of each person's faces in the shuffled order is named */
    for (int k = 0; !rc && k < s->n; k++) {
        const int i = order[k], q = s->person[i];
        if (label_of[q] < 0) continue;
        if (seen[q]++ < (s->count[q] + 1) / 2) {
            memcpy(named[n_named], s->x[i], sizeof named[0]);
            named_label[n_named++] = label_of[q];
        } else {
            memcpy(probe[asked], s->x[i], sizeof probe[0]);
            truth[asked++] = label_of[q];
        }
    }
    /* the strangers: half of the other people (at random) are in the library, unnamed
     * (the daemon's people without a name: a head may learn from them), the others are
     * new, and scored */
    int n_library = 0;
    for (int i = 0; !rc && i < s->n; i++) {
        const int q = s->person[i];
        if (label_of[q] >= 0) continue;
        unsigned h = (unsigned)q * 2654435761u ^ seed;
        h ^= h >> 15, h *= 2246822519u, h ^= h >> 13;
        if (h & 1) {
            memcpy(named[n_named + n_library], s->x[i], sizeof named[0]);
            named_label[n_named + n_library++] = -1; /* in no named person */
        } else {
            memcpy(probe[asked + strangers], s->x[i], sizeof probe[0]);
            truth[asked + strangers++] = -1;
        }
    }
    *library = n_library;
    const float(*cnamed)[FC_EMBED_DIM] = (const float(*)[FC_EMBED_DIM])named;
    const float(*cprobe)[FC_EMBED_DIM] = (const float(*)[FC_EMBED_DIM])probe;
    if (!rc)
        rc = nearest_named(CENTROID, cnamed, named_label, n_named, people, cprobe,
                           asked + strangers, dist, who);
    if (!rc) rc = score_rule(dist, who, truth, asked, strangers, FC_RECOGNIZE_THRESHOLD, out[0]);
    if (!rc)
        rc = nearest_named(NEAREST_FACE, cnamed, named_label, n_named, people, cprobe,
                           asked + strangers, dist, who);
    if (!rc)
        rc = score_rule(dist, who, truth, asked, strangers,
                        nearest_face_threshold(cnamed, named_label, n_named, people), out[1]);
    if (!rc) rc = score_rule(dist, who, truth, asked, strangers, FC_NAME_THRESHOLD, out[2]);
    /* how far the nearest-face rule could go naming no stranger and nobody wrong */
    *closest_wrong = 2;
    for (int j = 0; !rc && j < asked + strangers; j++)
        if (who[j] != truth[j] && dist[j] < *closest_wrong) *closest_wrong = dist[j];
    fc_train_opts opts = options_train(o), paper = fc_train_paper_opts();
    opts.seed = paper.seed = seed;
    double unused;
    /* as `facecluster train`: the named faces, and the library's strangers as background */
    const int with_library = n_named + n_library;
    if (!rc)
        rc = head_rule(cnamed, named_label, n_named, with_library, people, cprobe, asked, strangers,
                       truth, &opts, out[3], fit_s, out[4], closest_share);
    if (!rc)
        rc = head_rule(cnamed, named_label, n_named, with_library, people, cprobe, asked, strangers,
                       truth, &paper, out[5], &unused, NULL, NULL);
    if (!rc)
        rc = head_rule(cnamed, named_label, n_named, n_named, people, cprobe, asked, strangers,
                       truth, &opts, out[6], &unused, NULL, NULL);
    if (!rc)
        rc = head_rule(cnamed, named_label, n_named, n_named, people, cprobe, asked, strangers,
                       truth, NULL, out[7], &unused, NULL, NULL);
    free(named), free(probe), free(named_label), free(truth), free(who), free(order);
    free(dist), free(label_of), free(seen);
    return rc;
}

static void mean_std(const double *v, int n, double *mean, double *std)
{
    double s = 0, s2 = 0;
    for (int i = 0; i < n; i++) s += v[i], s2 += v[i] * v[i];
    *mean = n ? s / n : 0;
    const double var = n > 1 ? (s2 - n * *mean * *mean) / (n - 1) : 0;
    *std = var > 0 ? sqrt(var) : 0;
}

static int run_personalisation(const faces_set *s, const options *o)
{
    int people = 0, faces = 0, strangers = 0;
    for (int q = 0; q < s->people; q++) {
        if (s->count[q] >= MIN_NAMED_FACES)
            people++, faces += s->count[q];
        else
            strangers += s->count[q];
    }
    printf("\n1. personalisation: %d people with >= %d faces (%d faces), half of each one's named, "
           "the other half asked about; %d faces of %d other people are strangers (never "
           "named; half of those people at random are in the library, unnamed, and a head may "
           "draw them as negatives as `facecluster train` draws unnamed people's faces; the "
           "others are new: only they are scored); %d random splits, mean +- std. Each rule at its "
           "threshold (a head's "
           "calibrated by fc_head_fit; the nearest face's accepting impostors among the named "
           "as often as the centroid rule's), then named right at the threshold naming at most "
           "0.1%% / 0.5%% of the strangers (the rules compared at equal strangers)\n",
           people, MIN_NAMED_FACES, faces, strangers, s->people - people, o->splits);
    double(*v)[METHODS][COLUMNS] = calloc((size_t)o->splits, sizeof *v);
    if (!v) return -ENOMEM;
    double fit_s = 0;
    int library = 0;
    float closest_wrong = 2, closest_share = 100;
    for (int k = 0; k < o->splits; k++) {
        double seconds;
        float closest;
        if (one_split(s, o, 1000u + (unsigned)k * 7919u, v[k], &seconds, &library, &closest,
                      &closest_share) != 0) {
            free(v);
            return -1;
        }
        fit_s += seconds;
        if (closest < closest_wrong) closest_wrong = closest;
    }
    printf("%-36s %-17s %-17s %-17s %-17s %-17s %s\n", "", "named right %", "named wrong %",
           "strangers named %", "threshold", "right @0.1% str.", "right @0.5% str.");
    for (int m = 0; m < METHODS; m++) {
        printf("%-36s", method_name[m]);
        for (int c = 0; c < COLUMNS; c++) {
            double col[64], mean, std;
            for (int k = 0; k < o->splits; k++) col[k] = v[k][m][c];
            mean_std(col, o->splits, &mean, &std);
            if (c == 3)
                printf(" %.4f +- %.4f  ", mean, std);
            else
                printf(" %6.2f +- %-6.2f  ", 100 * mean, 100 * std);
        }
        printf("\n");
    }
    printf("(fc_head_fit per split, training and calibration: %.1f s on average; the last split's "
           "library had %d faces of unnamed people, the others are the strangers scored)\n",
           fit_s / o->splits, library);
    printf("who now: the nearest named face at FC_NAME_THRESHOLD %.4f (with a head: %.2f x its "
           "calibrated "
           "threshold); no head, the closest a stranger or another person's face "
           "came to a named face in any split: %.4f (with the trained head: %.4f x its "
           "calibrated threshold)\n",
           FC_NAME_THRESHOLD, FC_NAME_HEAD_SHARE, closest_wrong, closest_share);
    free(v);
    return 0;
}

/* --- 2-5. held-out people -------------------------------------------------------------- */

/* The people of the first folds (training) and the pairs of the others (testing). */
typedef struct {
    lfw_pair *pairs; /* the test folds' pairs, folds renumbered from 0 */
    int npairs, folds, train_folds;
    int *photo_face; /* per photo of pairs.txt: its labelled face in faces_set, -1 none */
    char **paths;
    int nphotos;
    uint8_t *train; /* per faces_set face: its person is a training person */
    int train_faces, train_people, excluded;
} heldout;

static void heldout_free(heldout *h)
{
    for (int i = 0; i < h->nphotos; i++) free(h->paths[i]);
    free(h->paths), free(h->pairs), free(h->photo_face), free(h->train);
}

typedef struct {
    const char *file;
    int face;
} file_face;

static int by_file(const void *a, const void *b)
{
    return strcmp(((const file_face *)a)->file, ((const file_face *)b)->file);
}

static int heldout_make(const faces_set *s, const char *dir, heldout *h)
{
    memset(h, 0, sizeof *h);
    lfw_pair *all;
    int nall, folds;
    if (lfw_load(dir, 0, &all, &nall, &folds, &h->paths, &h->nphotos) != 0) return -1;
    h->train_folds = (folds * 3 + 4) / 5; /* the first 60% */
    if (h->train_folds >= folds) h->train_folds = folds - 1;
    h->folds = folds - h->train_folds;
    file_face *index = malloc((size_t)(s->n > 0 ? s->n : 1) * sizeof *index);
    h->photo_face = malloc((size_t)(h->nphotos > 0 ? h->nphotos : 1) * sizeof *h->photo_face);
    h->train = calloc((size_t)(s->n > 0 ? s->n : 1), 1);
    h->pairs = malloc((size_t)(nall > 0 ? nall : 1) * sizeof *h->pairs);
    uint8_t *person_train = calloc((size_t)s->people + 1, 1);
    uint8_t *person_test = calloc((size_t)s->people + 1, 1);
    int rc =
        index && h->photo_face && h->train && h->pairs && person_train && person_test ? 0 : -ENOMEM;
    for (int i = 0; !rc && i < s->n; i++) index[i] = (file_face){s->file[i], i};
    if (!rc) qsort(index, (size_t)s->n, sizeof *index, by_file);
    for (int p = 0; !rc && p < h->nphotos; p++) {
        const char *slash = strrchr(h->paths[p], '/');
        const file_face key = {slash ? slash + 1 : h->paths[p], -1};
        const file_face *hit = bsearch(&key, index, (size_t)s->n, sizeof *index, by_file);
        h->photo_face[p] = hit ? hit->face : -1;
    }
    /* a person of a training fold trains, unless a test fold has them too */
    for (int i = 0; !rc && i < nall; i++) {
        const int fa = h->photo_face[all[i].a], fb = h->photo_face[all[i].b];
        uint8_t *mark = all[i].fold < h->train_folds ? person_train : person_test;
        if (fa >= 0) mark[s->person[fa]] = 1;
        if (fb >= 0) mark[s->person[fb]] = 1;
        if (all[i].fold >= h->train_folds) {
            h->pairs[h->npairs] = all[i];
            h->pairs[h->npairs++].fold -= h->train_folds;
        }
    }
    for (int q = 0; !rc && q < s->people; q++) {
        h->excluded += person_train[q] && person_test[q];
        h->train_people += person_train[q] && !person_test[q];
    }
    for (int i = 0; !rc && i < s->n; i++) {
        const int q = s->person[i];
        h->train[i] = person_train[q] && !person_test[q];
        h->train_faces += h->train[i];
    }
    free(all), free(index), free(person_train), free(person_test);
    return rc;
}

/* Verification accuracy on the test folds with the embeddings x (as the head left them):
 * float, and int8 at `scale` (the head's D bytes per face). */
static double verify(const faces_set *s, const heldout *h, const float (*x)[FC_EMBED_DIM],
                     float scale, const char *label, double *quantized)
{
    const size_t np = (size_t)(h->nphotos > 0 ? h->nphotos : 1);
    float(*unit)[FC_EMBED_DIM] = calloc(np, sizeof *unit);
    fc_qembed *q = calloc(np, sizeof *q);
    int *failed = calloc(np, sizeof *failed);
    double acc = -1;
    if (!unit || !q || !failed) goto out;
    for (int p = 0; p < h->nphotos; p++) {
        const int f = h->photo_face[p];
        failed[p] = f < 0;
        if (f < 0) continue;
        memcpy(unit[p], x[f], sizeof unit[p]);
        for (int k = 0; k < FC_EMBED_DIM; k++) {
            const float v = roundf(x[f][k] * scale);
            q[p].v[k] = (int8_t)(v > 127 ? 127 : v < -127 ? -127 : v);
        }
    }
    (void)s;
    lfw_distances(h->pairs, h->npairs, (const float(*)[FC_EMBED_DIM])unit, q, failed);
    char l[128];
    snprintf(l, sizeof l, "%s", label);
    acc = lfw_report(l, h->pairs, h->npairs, h->folds, 0);
    snprintf(l, sizeof l, "%s, int8", label);
    if (quantized) *quantized = lfw_report(l, h->pairs, h->npairs, h->folds, 1);
out:
    free(unit), free(q), free(failed);
    return acc;
}

/* The training set of the held-out split: the training people's faces. */
typedef struct {
    float (*x)[FC_EMBED_DIM];
    int *label, n;
} train_data;

static int train_data_of(const faces_set *s, const heldout *h, train_data *t)
{
    t->x = malloc((size_t)(h->train_faces > 0 ? h->train_faces : 1) * sizeof *t->x);
    t->label = malloc((size_t)(h->train_faces > 0 ? h->train_faces : 1) * sizeof *t->label);
    t->n = 0;
    if (!t->x || !t->label) return -ENOMEM;
    for (int i = 0; i < s->n; i++)
        if (h->train[i])
            memcpy(t->x[t->n], s->x[i], sizeof t->x[0]), t->label[t->n++] = s->person[i];
    return 0;
}

/* The int8 scale for a head's outputs: its largest component on the training faces, with
 * 2% headroom, at 127 (the stored form's rule, embedding.h). */
static float int8_scale(const float (*x)[FC_EMBED_DIM], int n)
{
    float largest = 1e-6f;
    for (int i = 0; i < n; i++)
        for (int k = 0; k < FC_EMBED_DIM; k++) largest = fmaxf(largest, fabsf(x[i][k]));
    return 127.0f / (largest * 1.02f);
}

/* Accuracy with head h over the test folds (through() the faces first). */
static double verify_head(const faces_set *s, const heldout *h, const fc_head *head,
                          const char *label, double *quantized)
{
    float(*x)[FC_EMBED_DIM] = through(head, (const float(*)[FC_EMBED_DIM])s->x, s->n);
    if (!x) return -1;
    const double acc = verify(s, h, (const float(*)[FC_EMBED_DIM])x,
                              int8_scale((const float(*)[FC_EMBED_DIM])x, s->n), label, quantized);
    free(x);
    return acc;
}

typedef struct {
    const faces_set *s;
    const heldout *h;
    const fc_head *head;
    double loss[64], share[64], acc[64];
    int rows;
} curve;

static void on_epoch(void *ctx, int epoch, float loss, float active_share)
{
    curve *c = ctx;
    if ((epoch + 1) % CHECKPOINT_EVERY || c->rows >= 64) return;
    c->loss[c->rows] = loss, c->share[c->rows] = active_share;
    /* lfw_report prints: quiet it by sending stdout nowhere for this one */
    fflush(stdout);
    FILE *saved = stdout, *null = fopen("/dev/null", "w");
    if (null) stdout = null;
    c->acc[c->rows] = verify_head(c->s, c->h, c->head, "checkpoint", NULL);
    if (null) stdout = saved, fclose(null);
    c->rows++;
}

/* 4: the same training with each rule for the negatives, from the identity. */
static int run_mining(const faces_set *s, const heldout *h, const fc_train_set *set,
                      const fc_train_opts *base, const char *what, double acc_raw)
{
    static const enum fc_mining how[] = {FC_MINE_SEMIHARD, FC_MINE_HARDEST, FC_MINE_RANDOM};
    static const char *const how_name[] = {"semi-hard", "hardest", "random violator"};
    char err[FC_ERR_MAX];
    curve c[3];
    for (int m = 0; m < 3; m++) {
        fc_head head;
        memset(&c[m], 0, sizeof c[m]);
        c[m].s = s, c[m].h = h, c[m].head = &head;
        fc_train_opts mo = *base;
        mo.mining = how[m];
        if (fc_head_init(&head, FC_EMBED_DIM, 1, err) != 0 ||
            fc_triplet_train(&head, set, &mo, on_epoch, &c[m], err) != 0) {
            fprintf(stderr, "triplet: %s\n", err);
            return -1;
        }
        fc_head_free(&head);
    }
    printf("\n4. mining, %s (margin %.2f, %s %.3f, decay %.2f, %d epochs): each rule for the "
           "negatives; every %d epochs, mean mined loss / share of anchor-positive pairs active / "
           "held-out accuracy (no head: %.2f%%)\n",
           what, base->alpha, base->optimizer == FC_OPT_ADAGRAD ? "AdaGrad" : "momentum",
           base->rate, base->decay, base->epochs, CHECKPOINT_EVERY, 100 * acc_raw);
    printf("%-8s", "epoch");
    for (int m = 0; m < 3; m++) printf(" %-30s", how_name[m]);
    printf("\n");
    for (int r = 0; r < c[0].rows; r++) {
        printf("%-8d", (r + 1) * CHECKPOINT_EVERY);
        for (int m = 0; m < 3; m++)
            printf(" %.4f / %5.1f%% / %6.2f%%      ", c[m].loss[r], 100 * c[m].share[r],
                   100 * c[m].acc[r]);
        printf("\n");
    }
    return 0;
}

/* Every face less the training faces' mean, at unit length: a new array, NULL when out of
 * memory. */
static float (*centred(const faces_set *s, const train_data *t))[FC_EMBED_DIM]
{
    float mean[FC_EMBED_DIM] = {0};
    for (int i = 0; i < t->n; i++)
        for (int k = 0; k < FC_EMBED_DIM; k++) mean[k] += t->x[i][k] / (float)t->n;
    float(*c)[FC_EMBED_DIM] = malloc((size_t)(s->n > 0 ? s->n : 1) * sizeof *c);
    for (int i = 0; c && i < s->n; i++) {
        for (int k = 0; k < FC_EMBED_DIM; k++) c[i][k] = s->x[i][k] - mean[k];
        normalise(c[i]);
    }
    return c;
}

static int run_heldout(const faces_set *s, const options *o, fc_head *kept, float *kept_threshold,
                       uint8_t *trained)
{
    heldout h;
    train_data t = {0};
    char err[FC_ERR_MAX];
    if (heldout_make(s, o->in.data_dir, &h) != 0) {
        fprintf(stderr, "triplet: cannot read %s/pairs.txt\n", o->in.data_dir);
        return -1;
    }
    int rc = train_data_of(s, &h, &t);
    for (int i = 0; i < s->n; i++)
        if (h.train[i]) trained[s->person[i]] = 1;
    printf("\n2. no harm in general: a head trained on the people of folds 1-%d of pairs.txt (%d "
           "people, %d faces; %d people in both a training and a test fold left out), "
           "verification on folds %d-%d (%d pairs of other people; threshold chosen on the other "
           "test folds)\n",
           h.train_folds, h.train_people, h.train_faces, h.excluded, h.train_folds + 1,
           h.train_folds + h.folds, h.npairs);
    const fc_train_set set = {&t.x[0][0], t.label, t.n, NULL, 0};
    const fc_train_opts opts = options_train(o), paper = fc_train_paper_opts();
    const float raw = FC_CLUSTER_THRESHOLD;
    double acc_raw = 0, q_raw = 0;
    if (!rc)
        acc_raw =
            verify(s, &h, (const float(*)[FC_EMBED_DIM])s->x, FC_QEMBED_SCALE, "no head", &q_raw);
    double acc_centred = 0, acc_paper = 0, acc_whitened = 0;
    if (!rc) { /* what stretching the cap alone does: the faces less their mean */
        float(*c)[FC_EMBED_DIM] = centred(s, &t);
        if (!c) rc = -ENOMEM;
        if (!rc) acc_centred = verify(s, &h, (const float(*)[FC_EMBED_DIM])c, 1, "centred", NULL);
        free(c);
    }
    if (!rc) {
        fc_head head;
        float calibrated;
        if (fc_head_fit(&head, FC_EMBED_DIM, &set, &paper, &raw, &calibrated, 1, NULL, NULL, err)) {
            fprintf(stderr, "triplet: %s\n", err);
            rc = -1;
        } else {
            acc_paper = verify_head(s, &h, &head, "FaceNet's settings", NULL);
            fc_head_free(&head);
        }
    }
    if (!rc) {
        fc_head head;
        float calibrated;
        if (fit_head(&head, &set, NULL, &raw, &calibrated, err) != 0) {
            fprintf(stderr, "triplet: %s\n", err);
            rc = -1;
        } else {
            acc_whitened = verify_head(s, &h, &head, "whitened", NULL);
            fc_head_free(&head);
        }
    }
    /* 3. Table 5: the same training at each size */
    static const int dims[] = {128, 64, 32};
    double acc[3] = {0}, q[3] = {0}, fit_s[3] = {0};
    for (int d = 0; !rc && d < 3; d++) {
        fc_head head;
        float calibrated;
        const double t0 = now_s();
        if (fc_head_fit(&head, dims[d], &set, &opts, &raw, &calibrated, 1, NULL, NULL, err) != 0) {
            fprintf(stderr, "triplet: %s\n", err);
            rc = -1;
            break;
        }
        fit_s[d] = now_s() - t0;
        char label[64];
        snprintf(label, sizeof label, "head D=%d", dims[d]);
        acc[d] = verify_head(s, &h, &head, label, &q[d]);
        if (d == 0)
            *kept = head, *kept_threshold = calibrated;
        else
            fc_head_free(&head);
    }
    if (!rc) {
        printf("no head %.2f%%, trained head (D = 128) %.2f%%: %+.2f points (goal: within 0.2 or "
               "better); with FaceNet's settings (margin 0.2, no pull back) %.2f%% (%+.2f); the "
               "faces less their mean, untrained, %.2f%% (%+.2f); within-person whitening (no "
               "triplets) %.2f%% (%+.2f)\n",
               100 * acc_raw, 100 * acc[0], 100 * (acc[0] - acc_raw), 100 * acc_paper,
               100 * (acc_paper - acc_raw), 100 * acc_centred, 100 * (acc_centred - acc_raw),
               100 * acc_whitened, 100 * (acc_whitened - acc_raw));
        printf("\n3. the paper's Table 5 as a size trade-off (the same training at each size; "
               "int8: one byte per output, scaled to the largest on the training faces)\n");
        printf("%-18s %-14s %-14s %s\n", "outputs (D)", "bytes/face", "accuracy %",
               "int8 accuracy %");
        printf("%-18s %-14d %-14.2f %.2f\n", "128, no head", FC_EMBED_DIM, 100 * acc_raw,
               100 * q_raw);
        for (int d = 0; d < 3; d++)
            printf("%-18d %-14d %-14.2f %.2f   (trained and calibrated in %.1f s)\n", dims[d],
                   dims[d], 100 * acc[d], 100 * q[d], fit_s[d]);
    }
    /* 4. mining */
    if (!rc) rc = run_mining(s, &h, &set, &paper, "FaceNet's settings", acc_raw);
    if (!rc) rc = run_mining(s, &h, &set, &opts, "ours", acc_raw);
    free(t.x), free(t.label);
    heldout_free(&h);
    return rc;
}

/* --- 5. clustering with the head ------------------------------------------------------ */

static int regroup(const store_view *v, const float (*x)[FC_EMBED_DIM], float threshold, int *group)
{
    char err[FC_ERR_MAX];
    int n_groups;
    fc_cluster_input in = {.n = v->f.n,
                           .embedding = x,
                           .photo = v->f.photo,
                           .can_seed = v->f.can_seed,
                           .threshold = threshold};
    const int rc = fc_cluster_regroup(&in, group, &n_groups, err);
    if (rc) fprintf(stderr, "triplet: %s\n", err);
    return rc;
}

static int run_clustering(const store_view *v, const truth_set *t, const fc_head *head,
                          float head_threshold, const uint8_t *trained)
{
    const size_t n = (size_t)(v->f.n > 0 ? v->f.n : 1);
    int *group = malloc(n * sizeof *group);
    uint8_t *unseen = calloc(n, 1);
    float(*x)[FC_EMBED_DIM] = through(head, (const float(*)[FC_EMBED_DIM])v->f.embedding, v->f.n);
    int rc = group && unseen && x ? 0 : -ENOMEM;
    for (int i = 0; !rc && i < v->f.n; i++)
        unseen[i] = t->scored2[i] && t->truth[i] >= 0 && !trained[t->truth[i]];
    printf("\n5. clustering every face of the folder with the head of 2 (as the daemon regroups "
           "them), BCubed on the people with >= 2 labelled faces: all of them, and those the "
           "head never saw\n");
    printf("%-32s %-10s %-28s %s\n", "", "threshold", "all: P / R / F", "unseen: P / R / F");
    for (int with = 0; !rc && with < 2; with++) {
        const float threshold = with ? head_threshold : FC_CLUSTER_THRESHOLD;
        rc = regroup(v,
                     with ? (const float(*)[FC_EMBED_DIM])x
                          : (const float(*)[FC_EMBED_DIM])v->f.embedding,
                     threshold, group);
        eval_scores all, other;
        if (!rc) rc = eval_score(group, t->truth, v->f.n, t->scored2, &all);
        if (!rc) rc = eval_score(group, t->truth, v->f.n, unseen, &other);
        if (!rc)
            printf("%-32s %-10.4f %.4f / %.4f / %.4f     %.4f / %.4f / %.4f\n",
                   with ? "trained head (calibrated)" : "no head (FC_CLUSTER_THRESHOLD)", threshold,
                   all.bp, all.br, all.bf, other.bp, other.br, other.bf);
    }
    free(group), free(unseen), free(x);
    return rc;
}

/* --- 6. training time ------------------------------------------------------------------ */

/* 10,000 faces of 500 people: each person a random direction, each face it plus noise
 * (a face about as close to its person's others as real ones: cosine ~0.9). */
static int run_speed(const options *o)
{
    /* the named faces, then as many faces of unnamed people (the background) */
    const int n = SPEED_FACES, people = n / SPEED_PER_PERSON, all = 2 * n;
    float(*x)[FC_EMBED_DIM] = malloc((size_t)all * sizeof *x);
    float(*centre)[FC_EMBED_DIM] = malloc((size_t)people * sizeof *centre);
    int *label = malloc((size_t)all * sizeof *label);
    if (!x || !centre || !label) {
        free(x), free(centre), free(label);
        return -ENOMEM;
    }
    for (int q = 0; q < people; q++) {
        for (int k = 0; k < FC_EMBED_DIM; k++) centre[q][k] = gaussian();
        normalise(centre[q]);
    }
    for (int i = 0; i < all; i++) {
        label[i] = i < n ? i % people : -1;
        for (int k = 0; k < FC_EMBED_DIM; k++)
            x[i][k] = i < n ? centre[label[i]][k] + 0.03f * gaussian() : gaussian();
        normalise(x[i]);
    }
    const fc_train_set set = {&x[0][0], label, all, NULL, 0};
    const fc_train_opts opts = options_train(o);
    char err[FC_ERR_MAX];
    fc_head head;
    const double t0 = now_s();
    int rc = fc_head_init(&head, FC_EMBED_DIM, 1, err);
    if (!rc) rc = fc_triplet_train(&head, &set, &opts, NULL, NULL, err);
    const double train_s = now_s() - t0;
    fc_head_free(&head);
    const float raw[2] = {FC_CLUSTER_THRESHOLD, FC_RECOGNIZE_THRESHOLD};
    float calibrated[2];
    const double t1 = now_s();
    if (!rc)
        rc = fc_head_fit(&head, FC_EMBED_DIM, &set, &opts, raw, calibrated, 2, NULL, NULL, err);
    const double fit_s = now_s() - t1;
    if (!rc) fc_head_free(&head);
    if (rc)
        fprintf(stderr, "triplet: %s\n", err);
    else
        printf("\n6. training time, %d faces of %d named people and %d of unnamed ones "
               "(synthetic), %d epochs of %d x %d and %d background faces: training %.1f s; as "
               "`facecluster train` does it (training and calibration, fc_head_fit) %.1f s "
               "(goal: under a minute)\n",
               n, people, all - n, opts.epochs, opts.people, opts.faces, opts.background, train_s,
               fit_s);
    free(x), free(centre), free(label);
    return rc;
}

/* --- main ------------------------------------------------------------------------------- */

static int parse_args(int argc, char **argv, options *o)
{
    for (int i = 1; i < argc; i++) {
        const int more = i + 1 < argc;
        if (bench_index_arg(argc, argv, &i, &o->in)) continue;
        if (strcmp(argv[i], "--splits") == 0 && more)
            o->splits = atoi(argv[++i]);
        else if (strcmp(argv[i], "--epochs") == 0 && more)
            o->epochs = atoi(argv[++i]);
        else if (strcmp(argv[i], "--rate") == 0 && more)
            o->rate = (float)atof(argv[++i]);
        else if (strcmp(argv[i], "--alpha") == 0 && more)
            o->alpha = (float)atof(argv[++i]);
        else if (strcmp(argv[i], "--background") == 0 && more)
            o->background = atoi(argv[++i]);
        else if (strcmp(argv[i], "--people") == 0 && more)
            o->people = atoi(argv[++i]);
        else if (strcmp(argv[i], "--faces") == 0 && more)
            o->faces = atoi(argv[++i]);
        else if (strcmp(argv[i], "--part") == 0 && more)
            o->part = atoi(argv[++i]);
        else if (strcmp(argv[i], "--momentum") == 0)
            o->momentum = 1;
        else if (strcmp(argv[i], "--decay") == 0 && more)
            o->decay = (float)atof(argv[++i]);
        else
            return -1;
    }
    return o->in.threads >= 1 && o->splits >= 2 && o->splits <= 64 && o->epochs >= 1 ? 0 : -1;
}

int main(int argc, char **argv)
{
    char db[4300], real[4096], err[FC_ERR_MAX];
    options o = {.in.threads = 2,
                 .splits = 5,
                 .epochs = fc_train_default_opts().epochs,
                 .rate = fc_train_default_opts().rate,
                 .decay = fc_train_default_opts().decay,
                 .alpha = fc_train_default_opts().alpha,
                 .background = fc_train_default_opts().background};
    if (parse_args(argc, argv, &o) != 0) {
        fprintf(stderr,
                "usage: triplet [DATA_DIR] [--store PATH] [--daemon PATH] [--model PATH] "
                "[--threads N] [--splits N (2-64)] [--part 1|2|5|6] [--epochs N] "
                "[--rate R] [--decay D] [--alpha A] [--people P] [--faces K] [--background B] "
                "[--momentum]\n");
        return 2;
    }
    bench_index_defaults(&o.in, argv[0]);
    const double start = now_s();
    bench_print_machine();
    if (!realpath(o.in.data_dir, real)) {
        fprintf(stderr, "triplet: %s: %s\n", o.in.data_dir, strerror(errno));
        return 1;
    }
    snprintf(o.tmp, sizeof o.tmp, "/tmp/facecluster-triplet-XXXXXX");
    if (!mkdtemp(o.tmp)) {
        fprintf(stderr, "triplet: cannot make a temporary folder: %s\n", strerror(errno));
        return 1;
    }
    snprintf(db, sizeof db, "%s", o.in.store ? o.in.store : "");
    if (!o.in.store) snprintf(db, sizeof db, "%s/lfw.db", o.tmp);
    char log[4200];
    snprintf(log, sizeof log, "%s/index.log", o.tmp);
    daemon_run run;
    store_view v = {0};
    truth_set t = {0};
    faces_set s = {0};
    fc_head head = {0};
    float head_threshold = 0;
    uint8_t *trained = NULL;
    int rc = 1;
    if (bench_run_daemon(o.in.exe, o.in.model, real, db, o.in.threads, log, &run) != 0) goto out;
    printf("index: faceclusterd --once, %d workers: %.1f s, %ld photos indexed (%ld faces), %ld "
           "unchanged\n",
           o.in.threads, run.seconds, run.indexed, run.faces, run.unchanged);
    if (view_load(db, real, &v, err) != 0) {
        fprintf(stderr, "triplet: %s\n", err);
        goto out;
    }
    if (label_lfw(&v, &t) != 0 || faces_from(&v, &t, &s) != 0) {
        fprintf(stderr, "triplet: out of memory\n");
        goto out;
    }
    printf("%s: %d faces, %d labelled (one per photo), %d people\n", o.in.data_dir, v.f.n, s.n,
           s.people);
    if ((!o.part || o.part == 1) && run_personalisation(&s, &o) != 0) goto out;
    trained = calloc((size_t)s.people + 1, 1);
    if (!trained || ((!o.part || o.part == 2 || o.part == 5) &&
                     run_heldout(&s, &o, &head, &head_threshold, trained) != 0))
        goto out;
    if ((!o.part || o.part == 5) && run_clustering(&v, &t, &head, head_threshold, trained) != 0)
        goto out;
    if ((!o.part || o.part == 6) && run_speed(&o) != 0) goto out;
    printf("\nwhole run: %.1f s (indexing included)\n", now_s() - start);
    rc = 0;
out:
    fc_head_free(&head);
    free(trained);
    faces_free(&s);
    truth_free(&t);
    view_free(&v);
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", o.tmp);
    if (system(cmd) != 0) fprintf(stderr, "triplet: could not remove %s\n", o.tmp);
    return rc;
}
