/* Clustering on constructed embeddings: people as points on the sphere with faces
 * scattered around them (within-person cosine distance about 0.03, as real faces of one
 * person), each constraint on its own, and a larger set through the inverted file. */
#include "tests/harness.h"

#include "core/cluster/cluster.h"

#include <errno.h>

#define MAX_FACES 4000

static float emb[MAX_FACES][FC_EMBED_DIM];
static int64_t photo[MAX_FACES], fixed[MAX_FACES];
static uint8_t seed[MAX_FACES];
static int group[MAX_FACES], truth[MAX_FACES];
static unsigned rng = 12345;

static float gaussian(void)
{
    float s = 0;
    for (int i = 0; i < 12; i++) s += (harness_random(&rng) + 1.0f) / 2.0f;
    return s - 6.0f;
}

static void unit(float *v)
{
    float n = 0;
    for (int k = 0; k < FC_EMBED_DIM; k++) n += v[k] * v[k];
    n = sqrtf(n);
    for (int k = 0; k < FC_EMBED_DIM; k++) v[k] /= n;
}

static float centre[1000][FC_EMBED_DIM];

static void make_people(int people)
{
    for (int p = 0; p < people; p++) {
        for (int k = 0; k < FC_EMBED_DIM; k++) centre[p][k] = gaussian();
        unit(centre[p]);
    }
}

/* Face i of person p: the centre plus noise of size `spread` per unit length. */
static void make_face(int i, int p, float spread)
{
    for (int k = 0; k < FC_EMBED_DIM; k++) emb[i][k] = centre[p][k] + spread * gaussian();
    unit(emb[i]);
    truth[i] = p;
    photo[i] = 1000 + i; /* its own photo unless a test says otherwise */
    fixed[i] = 0;
    seed[i] = 1;
}

/* n faces, per_person each, people in order. */
static int make_faces(int people, int per_person)
{
    make_people(people);
    int n = 0;
    for (int p = 0; p < people; p++)
        for (int j = 0; j < per_person; j++) make_face(n++, p, 0.016f);
    return n;
}

static fc_cluster_input input(int n)
{
    return (fc_cluster_input){.n = n,
                              .embedding = (const float(*)[FC_EMBED_DIM])emb,
                              .photo = photo,
                              .fixed = fixed,
                              .can_seed = seed};
}

static int run(const fc_cluster_input *in)
{
    int groups = -1;
    char err[256];
    int rc = fc_cluster_regroup(in, group, &groups, err);
    CHECK_MSG(rc == 0, "%s", err);
    return groups;
}

/* Every group holds one person, and each person is one group. */
static int pure_and_whole(int n)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            if ((truth[i] == truth[j]) != (group[i] == group[j])) return 0;
    return 1;
}

static void test_linkage_is_mean_similarity(void)
{
    make_people(2);
    for (int i = 0; i < 7; i++) make_face(i, i < 3 ? 0 : 1, 0.05f);
    float sa[FC_EMBED_DIM] = {0}, sb[FC_EMBED_DIM] = {0}, mean = 0;
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < FC_EMBED_DIM; k++) sa[k] += emb[i][k];
    for (int i = 3; i < 7; i++)
        for (int k = 0; k < FC_EMBED_DIM; k++) sb[k] += emb[i][k];
    for (int i = 0; i < 3; i++)
        for (int j = 3; j < 7; j++) {
            float d = 0;
            for (int k = 0; k < FC_EMBED_DIM; k++) d += emb[i][k] * emb[j][k];
            mean += d / 12.0f;
        }
    CHECK(fabsf(fc_cluster_linkage(sa, 3, sb, 4) - mean) < 1e-5f);
}

/* Doubt: each face's mean cosine distance to the person's other faces, pair by pair; a
 * stranger's face among ten of one person (the tenth of eleven) is the most doubtful. */
static void test_doubt(void)
{
    make_people(2);
    for (int i = 0; i < 11; i++) make_face(i, i == 9 ? 1 : 0, 0.016f);
    float doubt[11];
    char err[256];
    CHECK(fc_cluster_doubt((const float(*)[FC_EMBED_DIM])emb, 11, doubt, err) == 0);
    int most = 0;
    for (int i = 0; i < 11; i++) {
        double mean = 0;
        for (int j = 0; j < 11; j++) {
            if (j == i) continue;
            float d = 0;
            for (int k = 0; k < FC_EMBED_DIM; k++) d += emb[i][k] * emb[j][k];
            mean += (1.0 - d) / 10.0;
        }
        CHECK_MSG(fabs(doubt[i] - mean) < 1e-5, "face %d: %f against %f", i, doubt[i], mean);
        if (doubt[i] > doubt[most]) most = i;
    }
    CHECK(most == 9);
    for (int i = 0; i < 11; i++) CHECK(i == 9 || doubt[9] > doubt[i] + 0.5f);
    /* one face: no other to doubt it by; none: nothing to do; bad input refused */
    CHECK(fc_cluster_doubt((const float(*)[FC_EMBED_DIM])emb, 1, doubt, err) == 0 && doubt[0] == 0);
    CHECK(fc_cluster_doubt(NULL, 0, NULL, err) == 0);
    CHECK(fc_cluster_doubt(NULL, 3, doubt, err) == -EINVAL);
}

static void test_people_found(void)
{
    const int n = make_faces(5, 8);
    fc_cluster_input in = input(n);
    CHECK(run(&in) == 5);
    CHECK(pure_and_whole(n));
    for (int i = 0; i < n; i++) CHECK(group[i] >= 0);
    /* too strict a threshold: nobody merges */
    in.threshold = 0.001f;
    CHECK(run(&in) == n);
}

static void test_two_faces_of_one_photo_are_two_people(void)
{
    const int n = make_faces(2, 6);
    photo[1] = photo[0]; /* the same person twice in one photo (a mirror, a poster) */
    fc_cluster_input in = input(n);
    run(&in);
    CHECK(group[0] != group[1]);
    for (int i = 2; i < 6; i++) CHECK(group[i] == group[0] || group[i] == group[1]);
    CHECK(group[6] != group[0] && group[6] != group[1]);
}

static void test_fixed_faces_stay(void)
{
    const int n = make_faces(2, 6);
    /* the user put face 0 (looking like person 0) in person 7 with two of person 1's */
    fixed[0] = 7, fixed[6] = 7, fixed[7] = 7;
    fc_cluster_input in = input(n);
    run(&in);
    CHECK(group[0] == group[6] && group[0] == group[7]);
    CHECK(group[0] == 0); /* anchored groups come first */
    for (int i = 1; i < 6; i++) CHECK(group[i] != group[0]);
    /* two persons of the user's, alike: never merged automatically */
    const int m = make_faces(1, 6);
    fixed[0] = 3, fixed[1] = 3, fixed[2] = 9;
    in = input(m);
    run(&in);
    CHECK(group[0] == group[1] && group[0] != group[2]);
    CHECK(group[0] == 0 && group[2] == 1); /* by person id */
    for (int i = 3; i < 6; i++) CHECK(group[i] == group[0] || group[i] == group[2]);
}

static void test_not_this_person(void)
{
    const int n = make_faces(1, 6);
    fixed[0] = 4;
    fc_cluster_not nots[] = {{3, 4}};
    fc_cluster_input in = input(n);
    in.nots = nots, in.n_nots = 1;
    run(&in);
    CHECK(group[3] != group[0]);
    for (int i = 1; i < 6; i++)
        if (i != 3) CHECK(group[i] == group[0]);
}

static void test_apart(void)
{
    const int n = make_faces(1, 6);
    int apart[][2] = {{1, 4}};
    fc_cluster_input in = input(n);
    in.apart = (const int(*)[2])apart, in.n_apart = 1;
    run(&in);
    CHECK(group[1] != group[4]);
}

static void test_small_faces_never_seed(void)
{
    const int n = make_faces(2, 4);
    for (int i = 4; i < 8; i++) seed[i] = 0; /* person 1: only small faces */
    seed[1] = 0;                             /* one small face of person 0 */
    fc_cluster_input in = input(n);
    CHECK(run(&in) == 1);
    for (int i = 0; i < 4; i++) CHECK(group[i] == 0); /* joins a seeded group */
    for (int i = 4; i < 8; i++) CHECK(group[i] == -1);
}

static void test_many_people(void)
{
    const int n = make_faces(200, 12); /* several cells of the inverted file */
    fc_cluster_input in = input(n);
    const int groups = run(&in);
    int wrong = 0;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) wrong += (truth[i] == truth[j]) != (group[i] == group[j]);
    CHECK_MSG(groups == 200 && wrong == 0, "%d groups, %d pairs wrong", groups, wrong);
}

/* Whether two labellings part the faces the same way. */
static int same_partition(const int *a, const int *b, int n)
{
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if ((a[i] == a[j]) != (b[i] == b[j])) return 0;
    return 1;
}

/* The incremental regroup (prior: the people of the last regroup) against a full one, on
 * a library that grew after its regroup: 300 people of 9 faces, then 3 more faces each,
 * and the user putting a face in a person of its own. Both must give the same people. */
static void test_incremental_equals_full(void)
{
    enum { PEOPLE = 300, OLD = 9, NEW = 3 };
    static int64_t prior[MAX_FACES];
    static int full[MAX_FACES];
    make_people(PEOPLE);
    int n = 0;
    for (int p = 0; p < PEOPLE; p++)
        for (int j = 0; j < OLD; j++) make_face(n++, p, 0.016f);
    const int n_old = n;
    fc_cluster_input in = input(n_old);
    run(&in);
    CHECK(pure_and_whole(n_old));
    for (int i = 0; i < n_old; i++) prior[i] = group[i] + 1; /* person g + 1 */
    for (int p = 0; p < PEOPLE; p++)
        for (int j = 0; j < NEW; j++) make_face(n++, p, 0.016f);
    for (int i = n_old; i < n; i++) prior[i] = 0; /* new since */
    photo[n_old + 1] = photo[n_old + 4];          /* two new faces in one photo */
    fixed[5 * OLD] = 999; /* the user put a face of person 5 in a new person, 999 */
    prior[5 * OLD] = 999; /* (its person now, as the store has it) */
    in = input(n);
    const int full_groups = run(&in);
    memcpy(full, group, (size_t)n * sizeof *full);
    in.prior = prior;
    const int incremental_groups = run(&in);
    CHECK_MSG(full_groups == incremental_groups && same_partition(full, group, n),
              "full: %d people, incremental: %d", full_groups, incremental_groups);
    CHECK(group[5 * OLD] == 0); /* person 999's anchor drew the rest of person 5 in */
    CHECK(pure_and_whole(n));   /* and both are the true people */
    /* the prior is what it starts from: two people the last regroup had as one stay
     * together (until a full regroup parts them) */
    for (int j = 0; j < OLD; j++) prior[21 * OLD + j] = prior[20 * OLD];
    run(&in);
    CHECK(group[20 * OLD] == group[21 * OLD]);
    in.prior = NULL;
    run(&in);
    CHECK(group[20 * OLD] != group[21 * OLD]);
}

/* Ids across regroups: a split keeps the id with the larger part, a merge the oldest id,
 * a group of fixed faces its person, new groups none. */
static void test_ids_do_not_churn(void)
{
    /* faces:            0  1  2  3  4  5  6  7  8  9 */
    const int grp[] = {0, 0, 0, 1, 1, 2, 2, 2, 3, -1};
    const int64_t old[] = {5, 5, 9, 5, 0, 7, 8, 8, 0, 5};
    const int64_t fix[] = {0, 0, 0, 0, 0, 0, 0, 0, 4, 0};
    int64_t id[4];
    char err[256];
    CHECK(fc_cluster_map_ids(grp, old, fix, 10, 4, id, err) == 0);
    CHECK(id[0] == 5); /* person 5 split over groups 0 (2 faces) and 1 (1): 0 keeps it */
    CHECK(id[1] == 0); /* the smaller part is a new person */
    CHECK(id[2] == 7); /* 7 and 8 merged: 8 had more faces there, 7 is older: 7 */
    CHECK(id[3] == 4); /* fixed faces: their person */
    /* a person whose fixed faces anchor a group is not given to another group too */
    const int grp2[] = {0, 1, 1};
    const int64_t old2[] = {3, 3, 3}, fix2[] = {3, 0, 0};
    CHECK(fc_cluster_map_ids(grp2, old2, fix2, 3, 2, id, err) == 0);
    CHECK(id[0] == 3 && id[1] == 0);
}

/* Between regroups: a new face finds the person it would join by the linkage rule (the
 * same answer as comparing it with every person's faces), skipping the people it is told
 * to; faces added move a person's mean. */
static void test_live_nearest(void)
{
    const int per = 3, people = 600, n = make_faces(people, per); /* two cells */
    int64_t person[MAX_FACES];
    for (int i = 0; i < n; i++) person[i] = 100 + truth[i];
    person[0] = 0; /* a face in no person is left out */
    fc_cluster_live *live;
    char err[256];
    CHECK(fc_cluster_live_new((const float(*)[FC_EMBED_DIM])emb, person, n, &live, err) == 0);
    CHECK(fc_cluster_live_people(live) == people);
    int agree = 0, right = 0;
    for (int p = 0; p < people; p++) {
        float face[FC_EMBED_DIM], sum[FC_EMBED_DIM] = {0}, best_sim = -2, distance;
        int64_t best = 0;
        for (int k = 0; k < FC_EMBED_DIM; k++) face[k] = centre[p][k] + 0.016f * gaussian();
        unit(face);
        for (int q = 0; q < people; q++) { /* every person, by its faces */
            int count = 0;
            memset(sum, 0, sizeof sum);
            for (int i = q * per; i < (q + 1) * per; i++)
                if (person[i]) {
                    for (int k = 0; k < FC_EMBED_DIM; k++) sum[k] += emb[i][k];
                    count++;
                }
            const float sim = fc_cluster_linkage(face, 1, sum, count);
            if (sim > best_sim) best_sim = sim, best = 100 + q;
        }
        const int64_t got = fc_cluster_live_nearest(live, face, NULL, 0, &distance);
        agree += got == best && fabsf(distance - (1 - best_sim)) < 1e-5f;
        right += got == 100 + p;
    }
    CHECK_MSG(agree == people && right == people, "%d of %d as exhaustive, %d right", agree, people,
              right);
    /* skipped: the next nearest */
    float distance, other;
    const int64_t first = fc_cluster_live_nearest(live, emb[4], NULL, 0, &distance);
    const int64_t second = fc_cluster_live_nearest(live, emb[4], &first, 1, &other);
    CHECK(first == 101 && second != 101 && second != 0 && other > distance);
    /* the k nearest: the same, in order */
    int64_t near[3];
    float far[3];
    CHECK(fc_cluster_live_nearest_k(live, emb[4], 3, near, far) == 3);
    CHECK(near[0] == first && near[1] == second && far[0] == distance && far[1] == other &&
          far[2] >= far[1]);
    /* added faces: a new person found next time; the mean moves */
    float stranger[FC_EMBED_DIM];
    for (int k = 0; k < FC_EMBED_DIM; k++) stranger[k] = gaussian();
    unit(stranger);
    fc_cluster_live_nearest(live, stranger, NULL, 0, &distance);
    CHECK(distance > 0.5f);
    CHECK(fc_cluster_live_add(live, stranger, 5000) == 0);
    CHECK(fc_cluster_live_nearest(live, stranger, NULL, 0, &distance) == 5000 && distance < 1e-5f);
    CHECK(fc_cluster_live_add(live, emb[1], 5000) == 0);
    fc_cluster_live_nearest(live, stranger, NULL, 0, &distance);
    CHECK(distance > 0.2f); /* the mean of two far apart faces */
    CHECK(fc_cluster_live_people(live) == people + 1);
    fc_cluster_live_free(live);
    /* nobody yet: nobody found */
    CHECK(fc_cluster_live_new((const float(*)[FC_EMBED_DIM])emb, person, 0, &live, err) == 0);
    CHECK(fc_cluster_live_nearest(live, stranger, NULL, 0, &distance) == 0 && distance == 2.0f);
    fc_cluster_live_free(live);
}

/* Another thread's request to stop: honoured (nothing labelled) and said so. */
static void test_cancelled(void)
{
    const int n = make_faces(200, 12);
    fc_cluster_input in = input(n);
    const int stop = 1;
    in.cancel = &stop;
    int groups;
    char err[256];
    CHECK(fc_cluster_regroup(&in, group, &groups, err) == -ECANCELED);
    CHECK(strstr(err, "stopped") != NULL);
}

static void test_bad_input(void)
{
    const int n = make_faces(1, 3);
    fc_cluster_not nots[] = {{5, 1}};
    fc_cluster_input in = input(n);
    in.nots = nots, in.n_nots = 1;
    int groups;
    char err[256];
    CHECK(fc_cluster_regroup(&in, group, &groups, err) == -EINVAL);
    in.n_nots = 0;
    in.n = 0;
    CHECK(fc_cluster_regroup(&in, group, &groups, err) == 0 && groups == 0);
}

/* The index grows past several doublings of its id table (moved a few buckets an add)
 * and several blocks of people: every person stays found by its id (a face added to it
 * joins it, no new person) and by its face. */
static void test_live_grows(void)
{
    const int first = 600, added = 20000;
    const int n = make_faces(first / 3, 3);
    int64_t person[MAX_FACES];
    for (int i = 0; i < n; i++) person[i] = 1 + truth[i];
    fc_cluster_live *live;
    char err[256];
    CHECK(fc_cluster_live_new((const float(*)[FC_EMBED_DIM])emb, person, n, &live, err) == 0);
    const int before = fc_cluster_live_people(live);
    float(*face)[FC_EMBED_DIM] = malloc((size_t)added * sizeof *face);
    CHECK(face != NULL);
    if (!face) return;
    for (int a = 0; a < added; a++) {
        for (int k = 0; k < FC_EMBED_DIM; k++) face[a][k] = gaussian();
        unit(face[a]);
        CHECK(fc_cluster_live_add(live, face[a], 100000 + a) == 0);
    }
    CHECK(fc_cluster_live_people(live) == before + added);
    int by_face = 0;
    for (int a = 0; a < added; a += 97) {
        float distance;
        by_face += fc_cluster_live_nearest(live, face[a], NULL, 0, &distance) == 100000 + a;
    }
    CHECK(by_face == (added + 96) / 97);
    for (int a = 0; a < added; a += 7) CHECK(fc_cluster_live_add(live, face[a], 100000 + a) == 0);
    CHECK(fc_cluster_live_people(live) == before + added); /* joined, none new */
    CHECK(fc_cluster_live_add(live, emb[0], person[0]) == 0);
    CHECK(fc_cluster_live_people(live) == before + added);
    fc_cluster_live_free(live);
    free(face);
}

int main(void)
{
    RUN(test_linkage_is_mean_similarity);
    RUN(test_doubt);
    RUN(test_people_found);
    RUN(test_two_faces_of_one_photo_are_two_people);
    RUN(test_fixed_faces_stay);
    RUN(test_not_this_person);
    RUN(test_apart);
    RUN(test_small_faces_never_seed);
    RUN(test_many_people);
    RUN(test_incremental_equals_full);
    RUN(test_ids_do_not_churn);
    RUN(test_live_nearest);
    RUN(test_live_grows);
    RUN(test_cancelled);
    RUN(test_bad_input);
    return harness_exit();
}
