/* Who is in each face of an LFW-like folder (lfw_truth.h). */
#include "bench/lfw_truth.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void truth_free(truth_set *t)
{
    for (int i = 0; i < t->people; i++) free(t->names[i]);
    free(t->names), free(t->truth), free(t->scored), free(t->scored2);
    memset(t, 0, sizeof *t);
}

int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The folder a photo is in: its person. Into buf; "" when the path has no folder. */
static void folder_of(const char *path, char *buf, size_t cap)
{
    const char *end = strrchr(path, '/'), *start = end;
    while (start && start > path && start[-1] != '/') start--;
    const size_t len = end && start ? (size_t)(end - start) : 0;
    snprintf(buf, cap, "%.*s", (int)(len < cap ? len : cap - 1), start ? start : "");
}

int person_index(const truth_set *t, const char *path)
{
    char name[1024], *key = name;
    folder_of(path, name, sizeof name);
    char **hit = bsearch(&key, t->names, (size_t)t->people, sizeof *t->names, by_string);
    return hit ? (int)(hit - t->names) : -1;
}

/* The people: every folder holding a photo. */
static int collect_names(const store_view *v, truth_set *t)
{
    t->names = calloc((size_t)(v->n_paths > 0 ? v->n_paths : 1), sizeof *t->names);
    if (!t->names) return -ENOMEM;
    for (int i = 0; i < v->n_paths; i++) {
        char name[1024];
        folder_of(v->paths[i].path, name, sizeof name);
        if (!(t->names[t->people++] = strdup(name))) return -ENOMEM;
    }
    qsort(t->names, (size_t)t->people, sizeof *t->names, by_string);
    int unique = 0;
    for (int i = 0; i < t->people; i++) {
        if (unique > 0 && strcmp(t->names[unique - 1], t->names[i]) == 0)
            free(t->names[i]);
        else
            t->names[unique++] = t->names[i];
    }
    t->people = unique;
    return 0;
}

float centre_distance(const float box[4], float cx, float cy)
{
    return hypotf(box[0] + box[2] / 2 - cx, box[1] + box[3] / 2 - cy);
}

/* The labelled face among a photo's faces (run[0..count)): the only one, or the one whose
 * box centre is nearest the photo's centre. Boxes are known only for faces in a person:
 * when some are unknown, the nearest known face counts only within CENTRE_RADIUS.
 * Returns its index, or -1. */
static int centre_face(const store_view *v, const int *run, int count)
{
    if (count == 1) return run[0];
    int best = -1, unknown = 0;
    float best_d = 1e30f;
    for (int k = 0; k < count; k++) {
        const int i = run[k];
        if (!v->has_box[i]) {
            unknown++;
            continue;
        }
        const float d = centre_distance(v->box[i], LFW_CENTRE, LFW_CENTRE);
        if (d < best_d) best_d = d, best = i;
    }
    return best >= 0 && (!unknown || best_d <= CENTRE_RADIUS) ? best : -1;
}

/* Faces of people with at least two labelled faces: the second set scored. */
int mark_multi(truth_set *t, int n)
{
    int *count = calloc((size_t)(t->people > 0 ? t->people : 1), sizeof *count);
    if (!count) return -ENOMEM;
    for (int i = 0; i < n; i++)
        if (t->scored[i]) count[t->truth[i]]++;
    for (int i = 0; i < n; i++) t->scored2[i] = t->scored[i] && count[t->truth[i]] >= 2;
    free(count);
    return 0;
}

int label_lfw(const store_view *v, truth_set *t)
{
    memset(t, 0, sizeof *t);
    const size_t n = (size_t)(v->f.n > 0 ? v->f.n : 1);
    t->truth = malloc(n * sizeof *t->truth);
    t->scored = calloc(n, 1), t->scored2 = calloc(n, 1);
    int *order = view_faces_by_photo(v);
    if (!t->truth || !t->scored || !t->scored2 || !order || collect_names(v, t) != 0) {
        free(order);
        return -ENOMEM;
    }
    for (int i = 0; i < v->f.n; i++) t->truth[i] = v->path[i] ? person_index(t, v->path[i]) : -1;
    int with_faces = 0;
    for (int a = 0, b; a < v->f.n; a = b) {
        for (b = a + 1; b < v->f.n && v->f.photo[order[b]] == v->f.photo[order[a]];) b++;
        if (!v->path[order[a]]) continue; /* a photo outside the folder */
        with_faces++;
        const int chosen = centre_face(v, order + a, b - a);
        t->multi += b - a > 1;
        t->multi_dropped += b - a > 1 && chosen < 0;
        if (chosen >= 0 && t->truth[chosen] >= 0) t->scored[chosen] = 1, t->labelled++;
    }
    free(order);
    /* photos: distinct photo ids among the files (copies share one) */
    for (int i = 0; i < v->n_paths; i++)
        t->photos += i == 0 || v->paths[i].photo != v->paths[i - 1].photo;
    t->faceless = t->photos - with_faces;
    return mark_multi(t, v->f.n);
}
