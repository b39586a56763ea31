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

/* The daemon's reading of the named faces through one-byte copies (fc_place_named_within)
 * names exactly as fc_place_named does: 400 named faces of 40 people around random
 * centres, and photos of 3 faces near them (some just inside the threshold, some just
 * outside, some strangers), with a "not" and a face already in a person. */
static void test_named_within_is_named(void)
{
    enum { PEOPLE = 40, PER = 10, NAMED = PEOPLE * PER, PHOTOS = 300 };
    static float named[NAMED][FC_EMBED_DIM], centre[PEOPLE][FC_EMBED_DIM];
    static int64_t person[NAMED];
    unsigned seed = 99;
    fc_place_codes *codes = NULL;
    CHECK(fc_place_codes_new(&codes) == 0);
    for (int p = 0; p < PEOPLE; p++) {
        for (int k = 0; k < FC_EMBED_DIM; k++) centre[p][k] = harness_random(&seed);
        fc_embed_normalize(centre[p], centre[p]);
    }
    for (int j = 0; j < NAMED; j++) {
        float raw[FC_EMBED_DIM];
        for (int k = 0; k < FC_EMBED_DIM; k++)
            raw[k] = centre[j / PER][k] + 0.025f * harness_random(&seed);
        fc_embed_normalize(raw, named[j]);
        person[j] = j % 17 == 3 ? 0 : 1 + j / PER; /* some rows left out */
        CHECK(fc_place_codes_add(codes, named[j]) == 0);
    }
    CHECK(fc_place_codes_count(codes) == NAMED);
    int named_faces = 0, compared = 0, near_threshold = 0;
    for (int photo = 0; photo < PHOTOS; photo++) {
        float q[3][FC_EMBED_DIM];
        for (int i = 0; i < 3; i++) { /* near a named face, at random spreads; or a stranger */
            const int j = (int)((harness_random(&seed) + 1) * 0.5f * (NAMED - 1));
            const float spread = 0.006f + 0.02f * (harness_random(&seed) + 1);
            float raw[FC_EMBED_DIM];
            for (int k = 0; k < FC_EMBED_DIM; k++)
                raw[k] = (photo % 7 == 0 ? harness_random(&seed) : named[j][k]) +
                         spread * harness_random(&seed);
            fc_embed_normalize(raw, q[i]);
        }
        const int64_t in[3] = {0, photo % 5 == 0 ? 7 : 0, 0};
        const fc_cluster_not nots[1] = {{2, 1 + photo % PEOPLE}};
        fc_place_answer want[3], got[3];
        CHECK(fc_place_named((const float(*)[FC_EMBED_DIM])named, person, NAMED,
                             (const float(*)[FC_EMBED_DIM])q, 3, in, nots, 1, FC_NAME_THRESHOLD,
                             want, NULL) == 0);
        CHECK(fc_place_named_within(codes, (const float(*)[FC_EMBED_DIM])named, person,
                                    (const float(*)[FC_EMBED_DIM])q, 3, in, nots, 1,
                                    FC_NAME_THRESHOLD, got, NULL) == 0);
        for (int i = 0; i < 3; i++) {
            CHECK(got[i].person == want[i].person);
            if (want[i].person) CHECK(got[i].distance == want[i].distance);
            named_faces += want[i].person && !in[i];
            near_threshold += fabsf(want[i].nearest_distance - FC_NAME_THRESHOLD) < 0.003f;
            compared++;
        }
    }
    /* the data reach both sides of the threshold */
    CHECK_MSG(named_faces > compared / 5 && named_faces < compared * 4 / 5 && near_threshold > 0,
              "%d of %d faces named, %d just outside", named_faces, compared, near_threshold);
    fc_place_codes_free(codes);
    fc_place_codes_free(NULL);
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
    RUN(test_named_within_is_named);
    return harness_exit();
}
