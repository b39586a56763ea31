#include "people.h"

#include "../core/fc_error.h"
#include "log.h"

#include <errno.h>
#include <stdlib.h>
#include <uv.h>

int people_regroup(fc_store *store, float threshold)
{
    char err[FC_ERR_MAX];
    fc_store_faces faces;
    const double t0 = uv_hrtime() * 1e-9;
    int rc = fc_store_faces_load(store, &faces, err);
    if (rc) {
        log_msg(LOG_ERR, "cannot regroup: %s", err);
        return rc;
    }
    int *group = malloc((size_t)(faces.n > 0 ? faces.n : 1) * sizeof *group), n_groups = 0;
    int64_t *ids = malloc((size_t)(faces.n > 0 ? faces.n : 1) * sizeof *ids);
    fc_cluster_input in = {.n = faces.n,
                           .embedding = (const float(*)[FC_EMBED_DIM])faces.embedding,
                           .photo = faces.photo,
                           .fixed = faces.fixed,
                           .can_seed = faces.can_seed,
                           .nots = faces.nots,
                           .n_nots = faces.n_nots,
                           .apart = (const int(*)[2])faces.apart,
                           .n_apart = faces.n_apart,
                           .threshold = threshold};
    rc = group && ids ? 0 : fc_errorf(err, -ENOMEM, "out of memory");
    if (!rc) rc = fc_cluster_regroup(&in, group, &n_groups, err);
    if (!rc) rc = fc_cluster_map_ids(group, faces.person, faces.fixed, faces.n, n_groups, ids, err);
    if (!rc) rc = fc_store_apply_groups(store, &faces, group, n_groups, ids, err);
    if (rc < 0) {
        log_msg(LOG_ERR, "cannot regroup: %s", err);
    } else {
        int unassigned = 0;
        for (int i = 0; i < faces.n; i++) unassigned += group[i] < 0;
        log_msg(LOG_INFO, "regrouped %d faces into %d people (%d faces in no person) in %.1f s",
                faces.n, n_groups, unassigned, uv_hrtime() * 1e-9 - t0);
        rc = 0;
    }
    free(group), free(ids);
    fc_store_faces_free(&faces);
    return rc;
}
