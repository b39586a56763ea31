/* The one rule for placing and naming a photo's faces (core/cluster/placement.h): closest first,
 * one person per photo, "not this person", the threshold, faces already in a person;
 * and the nearest-face candidates it is given by `who`. */
#include "tests/harness.h"

#include "core/fc_error.h"
#include "core/cluster/placement.h"

#include <errno.h>

#define T 0.05f

static fc_place_candidate cand(int face, int64_t person, float distance)
{
    return (fc_place_candidate){.face = face, .person = person, .distance = distance};
}

static int place(int n_faces, const int64_t *in, fc_place_candidate *c, int n,
                 const fc_cluster_not *nots, int n_nots, fc_place_answer *out)
{
    const fc_place_input rule = {.n_faces = n_faces,
                                 .in = in,
                                 .candidates = c,
                                 .n_candidates = n,
                                 .nots = nots,
                                 .n_nots = n_nots,
                                 .threshold = T};
    return fc_place(&rule, out, NULL);
}

/* Two faces want person 7: the closer has them, wherever it is in the photo, and the
 * other its next nearest. */
static void test_closest_face_first(void)
{
    fc_place_candidate c[] = {cand(0, 7, 0.03f), cand(0, 8, 0.04f), cand(1, 7, 0.01f),
                              cand(1, 8, 0.045f)};
    fc_place_answer a[2];
    CHECK(place(2, NULL, c, 4, NULL, 0, a) == 0);
    CHECK(a[1].person == 7 && a[1].distance == 0.01f);
    CHECK(a[0].person == 8 && a[0].distance == 0.04f);
}

/* One person is never twice in a photo: the second face, with nobody else near, is in
 * none, and says whom it came closest to that it could still have had. */
static void test_one_person_per_photo(void)
{
    fc_place_candidate c[] = {cand(0, 7, 0.02f), cand(1, 7, 0.01f), cand(0, 9, 0.2f)};
    fc_place_answer a[2];
    CHECK(place(2, NULL, c, 3, NULL, 0, a) == 0);
    CHECK(a[1].person == 7);
    CHECK(a[0].person == 0 && a[0].nearest == 9 && a[0].nearest_distance == 0.2f);
}

/* A face already in a person keeps it, and takes that person from the photo's others. */
static void test_faces_in_a_person_stay(void)
{
    const int64_t in[] = {7, 0};
    fc_place_candidate c[] = {cand(1, 7, 0.001f), cand(1, 8, 0.03f)};
    fc_place_answer a[2];
    CHECK(place(2, in, c, 2, NULL, 0, a) == 0);
    CHECK(a[0].person == 7 && a[0].distance == 0);
    CHECK(a[1].person == 8);
}

/* "Not this person": never given, however close; and not given as the nearest either. */
static void test_not_this_person(void)
{
    fc_place_candidate c[] = {cand(0, 7, 0.001f), cand(0, 8, 0.03f), cand(1, 7, 0.001f)};
    const fc_cluster_not nots[] = {{0, 7}, {1, 7}};
    fc_place_answer a[2];
    CHECK(place(2, NULL, c, 3, nots, 2, a) == 0);
    CHECK(a[0].person == 8);
    CHECK(a[1].person == 0 && a[1].nearest == 0);
}

/* The threshold: at it, given; over it, none (the nearest said). Ties go by face then
 * person, so the same input always gives the same answer. */
static void test_threshold(void)
{
    fc_place_candidate c[] = {cand(0, 7, T), cand(1, 8, T + 1e-4f)};
    fc_place_answer a[2];
    CHECK(place(2, NULL, c, 2, NULL, 0, a) == 0);
    CHECK(a[0].person == 7);
    CHECK(a[1].person == 0 && a[1].nearest == 8 && a[1].distance == 2);
    fc_place_candidate tie[] = {cand(1, 7, 0.02f), cand(0, 7, 0.02f)};
    CHECK(place(2, NULL, tie, 2, NULL, 0, a) == 0);
    CHECK(a[0].person == 7 && a[1].person == 0);
}

static void test_bad_input(void)
{
    fc_place_candidate c[] = {cand(2, 7, 0.01f)};
    fc_place_answer a[2];
    char err[FC_ERR_MAX];
    const fc_place_input rule = {.n_faces = 2, .candidates = c, .n_candidates = 1, .threshold = T};
    CHECK(fc_place(&rule, a, err) == -EINVAL && strstr(err, "face 2"));
    c[0] = cand(0, 0, 0.01f);
    CHECK(fc_place(&rule, a, err) == -EINVAL);
    fc_place_answer none[1];
    const fc_place_input empty = {.threshold = T};
    CHECK(fc_place(&empty, none, err) == 0);
}

static void set_unit(float *v, int axis, float tilt)
{
    memset(v, 0, FC_EMBED_DIM * sizeof *v);
    v[axis] = sqrtf(1 - tilt * tilt), v[(axis + 1) % FC_EMBED_DIM] = tilt;
}

/* The nearest face, not the nearest mean: person 1 has a face right by the query and one
 * far away, person 2 two faces fairly near; the faces of no person are left out. */
static void test_nearest_faces(void)
{
    float lib[6][FC_EMBED_DIM], q[2][FC_EMBED_DIM];
    const int64_t person[6] = {1, 1, 2, 2, 0, 3};
    set_unit(lib[0], 0, 0.05f); /* by the query */
    set_unit(lib[1], 5, 0);     /* far */
    set_unit(lib[2], 0, 0.3f);
    set_unit(lib[3], 0, -0.3f);
    set_unit(lib[4], 0, 0); /* exactly the query's, in no person */
    set_unit(lib[5], 9, 0);
    set_unit(q[0], 0, 0);
    set_unit(q[1], 9, 0.01f);
    fc_place_candidate out[4];
    int count;
    CHECK(fc_place_nearest_faces((const float(*)[FC_EMBED_DIM])lib, person, 6,
                                 (const float(*)[FC_EMBED_DIM])q, 2, 2, out, &count, NULL) == 0);
    CHECK(count == 4);
    CHECK(out[0].face == 0 && out[0].person == 1 &&
          fabsf(out[0].distance - fc_embed_distance(q[0], lib[0])) < 1e-6f);
    CHECK(out[1].face == 0 && out[1].person == 2);
    CHECK(out[2].face == 1 && out[2].person == 3 && out[2].distance < 1e-3f);
    /* the centroid rule would call person 2 nearest; the mean of person 1 is far */
    CHECK(out[0].distance < out[1].distance);
    /* no library, no candidates; bad input refused */
    CHECK(fc_place_nearest_faces(NULL, NULL, 0, (const float(*)[FC_EMBED_DIM])q, 2, 2, out, &count,
                                 NULL) == 0 &&
          count == 0);
    CHECK(fc_place_nearest_faces((const float(*)[FC_EMBED_DIM])lib, person, 6,
                                 (const float(*)[FC_EMBED_DIM])q, 2, 0, out, &count,
                                 NULL) == -EINVAL);
}

/* The nearest face's distances are fc_embed_distance's exactly, however many rows (the
 * search takes four at a time): each person here has one face. */
static void test_nearest_faces_are_the_distance(void)
{
    enum { ROWS = 11 };
    static float lib[ROWS][FC_EMBED_DIM], q[1][FC_EMBED_DIM];
    int64_t person[ROWS];
    unsigned state = 7;
    for (int i = 0; i < ROWS; i++) {
        for (int k = 0; k < FC_EMBED_DIM; k++) lib[i][k] = harness_random(&state);
        fc_embed_normalize(lib[i], lib[i]);
        person[i] = 100 + i;
    }
    for (int k = 0; k < FC_EMBED_DIM; k++) q[0][k] = harness_random(&state);
    fc_embed_normalize(q[0], q[0]);
    fc_place_candidate out[ROWS];
    int count, same = 0;
    CHECK(fc_place_nearest_faces((const float(*)[FC_EMBED_DIM])lib, person, ROWS,
                                 (const float(*)[FC_EMBED_DIM])q, 1, ROWS, out, &count, NULL) == 0);
    CHECK(count == ROWS);
    for (int c = 0; c < count; c++)
        same += out[c].distance == fc_embed_distance(q[0], lib[out[c].person - 100]);
    CHECK_MSG(same == ROWS, "%d of %d equal", same, ROWS);
    for (int c = 1; c < count; c++) CHECK(out[c - 1].distance <= out[c].distance);
}

int main(void)
{
    RUN(test_closest_face_first);
    RUN(test_one_person_per_photo);
    RUN(test_faces_in_a_person_stay);
    RUN(test_not_this_person);
    RUN(test_threshold);
    RUN(test_bad_input);
    RUN(test_nearest_faces);
    RUN(test_nearest_faces_are_the_distance);
    return harness_exit();
}
