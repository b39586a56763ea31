#include "bench/lfw_data.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

static char *image_path(const char *dir, const char *name, int n)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s/%s_%04d.jpg", dir, name, name, n);
    return strdup(buf);
}

/* Reads pairs.txt: fills pairs (with image paths in *paths, duplicates allowed). */
static int read_pairs(const char *dir, int max_folds, lfw_pair **out_pairs, char ***out_paths,
                      int *out_count, int *out_folds)
{
    char path[4096], line[1024];
    snprintf(path, sizeof path, "%s/pairs.txt", dir);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "lfw: cannot open %s\n", path);
        return -1;
    }
    int folds = 0, per = 0;
    if (!fgets(line, sizeof line, f) || sscanf(line, "%d %d", &folds, &per) != 2 || folds < 2 ||
        per < 1 || folds > 100 || per > 100000) {
        fprintf(stderr, "lfw: %s: bad first line\n", path);
        fclose(f);
        return -1;
    }
    int total = folds * per * 2;
    lfw_pair *pairs = calloc((size_t)total, sizeof *pairs);
    char **paths = calloc((size_t)total * 2, sizeof *paths);
    int n = 0;
    while (n < total && fgets(line, sizeof line, f)) {
        char n1[256], n2[256];
        int i1, i2;
        lfw_pair *p = &pairs[n];
        p->fold = n / (2 * per);
        p->same = (n % (2 * per)) < per;
        int ok = p->same ? sscanf(line, "%255s %d %d", n1, &i1, &i2) == 3
                         : sscanf(line, "%255s %d %255s %d", n1, &i1, n2, &i2) == 4;
        if (!ok) {
            fprintf(stderr, "lfw: %s: bad line %d\n", path, n + 2);
            fclose(f);
            return -1;
        }
        paths[2 * n] = image_path(dir, n1, i1);
        paths[2 * n + 1] = image_path(dir, p->same ? n1 : n2, i2);
        n++;
    }
    fclose(f);
    if (n != total) {
        fprintf(stderr, "lfw: %s has %d pairs, expected %d\n", path, n, total);
        return -1;
    }
    if (max_folds > 1 && max_folds < folds) {
        /* the folds come one after the other */
        for (int i = max_folds * per * 2; i < total; i++)
            free(paths[2 * i]), free(paths[2 * i + 1]);
        folds = max_folds;
        total = folds * per * 2;
    }
    *out_pairs = pairs;
    *out_paths = paths;
    *out_count = total;
    *out_folds = folds;
    return 0;
}

int lfw_load(const char *dir, int max_folds, lfw_pair **out_pairs, int *out_npairs, int *out_folds,
             char ***out_paths, int *out_nphotos)
{
    lfw_pair *pairs;
    char **paths;
    int npairs, folds;
    if (read_pairs(dir, max_folds, &pairs, &paths, &npairs, &folds) != 0) return -1;
    /* unique photos, each embedded once */
    char **unique = malloc((size_t)npairs * 2 * sizeof *unique);
    memcpy(unique, paths, (size_t)npairs * 2 * sizeof *unique);
    qsort(unique, (size_t)npairs * 2, sizeof *unique, cmp_str);
    int count = 0;
    for (int i = 0; i < npairs * 2; i++) {
        if (count == 0 || strcmp(unique[count - 1], unique[i]) != 0)
            unique[count++] = strdup(unique[i]);
    }
    for (int i = 0; i < npairs; i++) {
        char **a = bsearch(&paths[2 * i], unique, (size_t)count, sizeof *paths, cmp_str);
        char **b = bsearch(&paths[2 * i + 1], unique, (size_t)count, sizeof *paths, cmp_str);
        pairs[i].a = (int)(a - unique);
        pairs[i].b = (int)(b - unique);
    }
    for (int i = 0; i < npairs * 2; i++) free(paths[i]);
    free(paths);
    *out_pairs = pairs;
    *out_npairs = npairs;
    *out_folds = folds;
    *out_paths = unique;
    *out_nphotos = count;
    return 0;
}

int lfw_distances(lfw_pair *pairs, int npairs, const float (*unit)[FC_EMBED_DIM],
                  const fc_qembed *q, const int *failed)
{
    int used = 0;
    for (int i = 0; i < npairs; i++) {
        lfw_pair *p = &pairs[i];
        if (failed[p->a] || failed[p->b]) {
            p->dist = p->qdist = p->same ? 2.0f : 0.0f;
            continue;
        }
        p->dist = fc_embed_distance(unit[p->a], unit[p->b]);
        p->qdist = fc_qembed_distance(&q[p->a], &q[p->b]);
        used++;
    }
    return used;
}

int lfw_centre_face(const fc_photo *photo)
{
    int best = -1;
    double best_d = 1e30;
    for (int f = 0; f < photo->count; f++) {
        const float *b = photo->faces[f].box;
        double dx = b[0] + b[2] / 2 - photo->width / 2.0,
               dy = b[1] + b[3] / 2 - photo->height / 2.0;
        if (dx * dx + dy * dy < best_d) best_d = dx * dx + dy * dy, best = f;
    }
    return best;
}

/* Accuracy of "same iff distance <= threshold" over pairs where in_fold(fold) matches. */
static double accuracy(const lfw_pair *pairs, int n, int fold, int in_fold, float threshold,
                       int quantized)
{
    int right = 0, all = 0;
    for (int i = 0; i < n; i++) {
        if ((pairs[i].fold == fold) != in_fold) continue;
        float d = quantized ? pairs[i].qdist : pairs[i].dist;
        right += (d <= threshold) == pairs[i].same;
        all++;
    }
    return all ? (double)right / all : 0.0;
}

/* The threshold maximising training accuracy: midpoints between sorted distances. */
static float best_threshold(const lfw_pair *pairs, int n, int fold, int quantized)
{
    float *d = malloc((size_t)n * sizeof *d);
    int m = 0;
    for (int i = 0; i < n; i++)
        if (pairs[i].fold != fold) d[m++] = quantized ? pairs[i].qdist : pairs[i].dist;
    qsort(d, (size_t)m, sizeof *d, cmp_float);
    float best = 0.0f;
    double best_acc = -1.0;
    for (int i = 0; i + 1 < m; i++) {
        if (d[i] == d[i + 1]) continue;
        float t = 0.5f * (d[i] + d[i + 1]);
        double acc = accuracy(pairs, n, fold, 0, t, quantized);
        if (acc > best_acc) {
            best_acc = acc;
            best = t;
        }
    }
    free(d);
    return best;
}

double lfw_report(const char *label, const lfw_pair *pairs, int n, int folds, int quantized)
{
    double sum = 0, sum2 = 0, tsum = 0;
    for (int f = 0; f < folds; f++) {
        float t = best_threshold(pairs, n, f, quantized);
        double acc = accuracy(pairs, n, f, 1, t, quantized);
        sum += acc;
        sum2 += acc * acc;
        tsum += t;
    }
    double mean = sum / folds, var = (sum2 - folds * mean * mean) / (folds - 1);
    double sd = var > 0 ? sqrt(var) : 0;
    /* two-sided 97.5% quantiles of Student's t for 1..10 degrees of freedom */
    static const double t975[] = {12.706, 4.303, 3.182, 2.776, 2.571,
                                  2.447,  2.365, 2.306, 2.262, 2.228};
    double t = folds - 1 <= 10 ? t975[folds - 2] : 1.96;
    double half = t * sd / sqrt(folds);
    printf("%-16s accuracy %.2f%% +- %.2f (std over %d folds), 95%% interval [%.2f, %.2f], "
           "threshold %.4f\n",
           label, 100 * mean, 100 * sd, folds, 100 * (mean - half), 100 * (mean + half),
           tsum / folds);
    return mean;
}
