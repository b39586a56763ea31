/* Fuzz target: opening an untrusted model file and building the recognition network on
 * it never crashes; every tensor it hands out lies inside the mapped file. */
#include "core/fc_error.h"
#include "core/nn/model.h"
#include "core/nets/recog.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[] = "/tmp/fc-fuzz-model-XXXXXX", err[FC_ERR_MAX];
    int fd = mkstemp(path);
    if (fd < 0) abort();
    if (size && write(fd, data, size) != (ssize_t)size) abort();
    close(fd);
    fc_model *model = NULL;
    if (fc_model_open(path, &model, err) == 0) {
        fc_recog *net = NULL;
        if (fc_recog_new(model, 1, &net, err) == 0) fc_recog_free(net);
        fc_model_close(model);
    } else if (model != NULL || err[0] == 0) {
        abort();
    }
    unlink(path);
    return 0;
}
