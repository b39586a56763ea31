/* Keeping person ids across regroups (cluster.h: fc_cluster_map_ids). */
#include "core/cluster/cluster.h"

#include "core/fc_error.h"

#include <errno.h>
#include <stdlib.h>

typedef struct {
    int64_t person;
    int group;
} vote;

static int by_person_then_group(const void *a, const void *b)
{
    const vote *x = a, *y = b;
    if (x->person != y->person) return x->person < y->person ? -1 : 1;
    return (x->group > y->group) - (x->group < y->group);
}

static int by_id(const void *a, const void *b)
{
    const int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int fc_cluster_map_ids(const int *group, const int64_t *old_person, const int64_t *fixed, int n,
                       int n_groups, int64_t *person_of_group, char *err)
{
    for (int g = 0; g < n_groups; g++) person_of_group[g] = 0;
    vote *votes = malloc((size_t)(n > 0 ? n : 1) * sizeof *votes);
    int64_t *anchors = malloc((size_t)(n_groups > 0 ? n_groups : 1) * sizeof *anchors);
    if (!votes || !anchors) {
        free(votes), free(anchors);
        return fc_errorf(err, -ENOMEM, "out of memory");
    }
    /* a group of fixed faces is their person's, whatever the overlap */
    for (int i = 0; fixed && i < n; i++)
        if (fixed[i] && group[i] >= 0) person_of_group[group[i]] = fixed[i];
    int n_anchors = 0;
    for (int g = 0; g < n_groups; g++)
        if (person_of_group[g]) anchors[n_anchors++] = person_of_group[g];
    qsort(anchors, (size_t)n_anchors, sizeof *anchors, by_id);
    /* (old person, new group) for every face that was in a person and is in a group */
    int count = 0;
    for (int i = 0; i < n; i++)
        if (old_person[i] && group[i] >= 0) votes[count++] = (vote){old_person[i], group[i]};
    qsort(votes, (size_t)count, sizeof *votes, by_person_then_group);
    /* persons in increasing id order, so that in a merge the oldest is served first */
    for (int i = 0, j; i < count; i = j) {
        const int64_t person = votes[i].person;
        int best_group = -1, best = 0;
        for (j = i; j < count && votes[j].person == person;) {
            int k = j + 1;
            while (k < count && votes[k].person == person && votes[k].group == votes[j].group) k++;
            if (k - j > best) best = k - j, best_group = votes[j].group; /* ties: lower group */
            j = k;
        }
        if (bsearch(&person, anchors, (size_t)n_anchors, sizeof *anchors, by_id)) continue;
        if (person_of_group[best_group] == 0) person_of_group[best_group] = person;
    }
    free(votes), free(anchors);
    return 0;
}
