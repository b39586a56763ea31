/* The faces as the clustering and recognition see them: loaded, and through the learned
 * head in use when one fits them. The daemon groups and places in this space and `who`
 * and `similar` search it: one loader, so that they never disagree about the space. */
#include "store_internal.h"

#include <stdio.h>
#include <string.h>

int fc_store_library_load(fc_store *s, const char *model, fc_store_library *out, char *err)
{
    memset(out, 0, sizeof *out);
    int rc = fc_store_faces_load(s, &out->faces, err);
    if (rc) return rc;
    fc_store_head h;
    char why[FC_ERR_MAX];
    rc = fc_store_head_in_use(s, model, &h, out->note, sizeof out->note, why);
    if (rc < 0) { /* the head refines the space, it is never a reason to have none */
        fc_errorf(out->note, rc, "the learned head is not used: %s", why);
        return 0;
    }
    if (rc == 1) {
        out->head = (fc_head){.dim = h.dim, .w = h.weights};
        out->cluster_threshold = h.cluster_threshold;
        out->recognize_threshold = h.recognize_threshold;
        fc_head_transform(&out->head, out->faces.embedding, out->faces.n);
    }
    return 0;
}

void fc_store_library_free(fc_store_library *l)
{
    fc_store_faces_free(&l->faces);
    fc_head_free(&l->head);
    memset(l, 0, sizeof *l);
}

float fc_store_library_threshold(const fc_store_library *l, float given, float raw_default,
                                 float head_default)
{
    if (l->head.w) return fc_head_threshold(given, raw_default, head_default);
    return given > 0 ? given : raw_default;
}
