/* The one small test harness: CHECK records a failure and goes on; a test file's main
 * calls its cases through RUN and returns harness_exit(). Exit 77 (skip) is used when a
 * fixture is missing, except under CI=true, where a missing fixture is a failure. */
#ifndef FC_TEST_HARNESS_H
#define FC_TEST_HARNESS_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int harness_failures, harness_checks;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        harness_checks++;                                                                          \
        if (!(cond)) {                                                                             \
            harness_failures++;                                                                    \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
        }                                                                                          \
    } while (0)

#define CHECK_MSG(cond, ...)                                                                       \
    do {                                                                                           \
        harness_checks++;                                                                          \
        if (!(cond)) {                                                                             \
            harness_failures++;                                                                    \
            fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond);               \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

#define RUN(test)                                                                                  \
    do {                                                                                           \
        int before = harness_failures;                                                             \
        test();                                                                                    \
        fprintf(stderr, "%s %s\n", harness_failures == before ? "ok  " : "FAIL", #test);           \
    } while (0)

static inline int harness_exit(void)
{
    fprintf(stderr, "%d checks, %d failed\n", harness_checks, harness_failures);
    if (harness_checks == 0) return 1; /* a test that checked nothing proves nothing */
    return harness_failures ? 1 : 0;
}

/* A fixture (model, sample photos) is missing: skip, or fail under CI=true. */
static inline int harness_missing(const char *what)
{
    const char *ci = getenv("CI");
    int in_ci = ci && strcmp(ci, "true") == 0;
    fprintf(stderr, "%s: %s\n", in_ci ? "FAIL (CI=true)" : "SKIP", what);
    return in_ci ? 1 : 77;
}

/* Deterministic pseudo-random floats in [-1, 1) for kernel tests. */
static inline float harness_random(unsigned *state)
{
    *state = *state * 1664525u + 1013904223u;
    return (float)(*state >> 8) / (float)(1u << 23) - 1.0f;
}

#endif
