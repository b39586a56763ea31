/* Doubt: how far each of a person's faces is from the rest of that person, by the rule the
 * clustering groups them with (cluster.h). */
#include "core/cluster/cluster.h"

#include "core/fc_error.h"

#include <errno.h>
#include <stdlib.h>

int fc_cluster_doubt(const float (*embedding)[FC_EMBED_DIM], int n, float *doubt, char *err)
{
    if (n < 0 || (n > 0 && (!embedding || !doubt)))
        return fc_errorf(err, -EINVAL, "doubt: bad input");
    if (n == 1) doubt[0] = 0;
    if (n < 2) return 0;
    /* the sum of all: a face's mean similarity to the others is e . (sum - e) / (n - 1) */
    double sum[FC_EMBED_DIM] = {0};
    for (int i = 0; i < n; i++)
        for (int k = 0; k < FC_EMBED_DIM; k++) sum[k] += embedding[i][k];
    for (int i = 0; i < n; i++) {
        double dot = 0, self = 0;
        for (int k = 0; k < FC_EMBED_DIM; k++) {
            dot += embedding[i][k] * sum[k];
            self += (double)embedding[i][k] * embedding[i][k];
        }
        doubt[i] = (float)(1.0 - (dot - self) / (n - 1));
    }
    return 0;
}
