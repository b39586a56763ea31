/* bench/embed: how fast the recognition network embeds faces on this machine.
 *
 *   embed [--model PATH] [--runs N] [--faces N] [--batch N]
 *
 * For batches of 1 face and of N faces (default 8), prints faces/s on one thread and on
 * two (one network handle per thread, sharing the mapped weights), each the median of
 * --runs runs of about --faces faces per thread, and where one thread's time goes by
 * layer type. The input is a fixed synthetic face-sized image: the network's cost does
 * not depend on pixel values. */
#include "bench/bench_util.h"
#include "core/fc_error.h"
#include "core/nn/model.h"
#include "core/nn/nn.h"
#include "core/nets/recog.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    fc_recog *net;
    int batch, batches;
    double seconds;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    float desc[FC_RECOG_MAX_BATCH][FC_RECOG_DIM];
    double t0 = now_s();
    for (int i = 0; i < w->batches; i++) fc_recog_forward(w->net, w->batch, desc);
    w->seconds = now_s() - t0;
    return NULL;
}

/* Faces per second over all threads for one run. */
static double run_once(worker *workers, int threads)
{
    pthread_t tid[2];
    double t0 = now_s();
    for (int t = 0; t < threads; t++) pthread_create(&tid[t], NULL, work, &workers[t]);
    int total = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(tid[t], NULL);
        total += workers[t].batches * workers[t].batch;
    }
    return total / (now_s() - t0);
}

/* Medians for one batch size, one and two threads. Returns 0 or -1. */
static int bench_batch(const fc_model *model, int batch, int runs, int faces, double *rate)
{
    static uint8_t face[FC_RECOG_INPUT * FC_RECOG_INPUT * 3];
    for (size_t i = 0; i < sizeof face; i++) face[i] = (uint8_t)(i * 2654435761u >> 24);
    worker workers[2] = {{0}, {0}};
    char err[FC_ERR_MAX];
    for (int t = 0; t < 2; t++) {
        if (fc_recog_new(model, batch, &workers[t].net, err) != 0) {
            fprintf(stderr, "embed: %s\n", err);
            return -1;
        }
        for (int slot = 0; slot < batch; slot++)
            fc_recog_set_input(workers[t].net, slot, face, FC_RECOG_INPUT, FC_RECOG_INPUT,
                               FC_RECOG_INPUT * 3);
        workers[t].batch = batch;
        workers[t].batches = (faces + batch - 1) / batch;
    }
    for (int threads = 1; threads <= 2; threads++) {
        run_once(workers, threads); /* warm caches and page in the weights */
        for (int r = 0; r < runs; r++) rate[r] = run_once(workers, threads);
        qsort(rate, (size_t)runs, sizeof *rate, cmp_double);
        printf("batch %2d, %d thread%s: %7.1f faces/s (median of %d runs of %d faces per "
               "thread; min %.1f, max %.1f)\n",
               batch, threads, threads == 1 ? " " : "s", rate[runs / 2], runs,
               workers[0].batches * batch, rate[0], rate[runs - 1]);
    }

    /* where one thread's time goes */
    double ns[FC_OP_COUNT], total = 0.0;
    fc_nn_profile_enable(1);
    fc_nn_profile_take(ns);
    work(&workers[0]);
    fc_nn_profile_take(ns);
    fc_nn_profile_enable(0);
    int done = workers[0].batches * batch;
    for (int op = 0; op < FC_OP_COUNT; op++) total += ns[op];
    double wall = workers[0].seconds * 1e9;
    printf("  time per face by layer type (one thread):");
    for (int op = 0; op < FC_OP_COUNT; op++)
        if (ns[op] > 0.0)
            printf("%s %s %.2f ms (%.0f%%)", op ? "," : "", fc_nn_op_name((enum fc_nn_op)op),
                   ns[op] / done / 1e6, 100.0 * ns[op] / wall);
    printf(", rest %.2f ms\n", (wall - total) / done / 1e6);
    for (int t = 0; t < 2; t++) fc_recog_free(workers[t].net);
    return 0;
}

int main(int argc, char **argv)
{
    const char *model_path = NULL;
    int runs = 7, faces = 96, batch = 8;
    char err[FC_ERR_MAX];
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--model") == 0 && i + 1 < argc)
            model_path = argv[++i];
        else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (strcmp(argv[i], "--faces") == 0 && i + 1 < argc)
            faces = atoi(argv[++i]);
        else if (strcmp(argv[i], "--batch") == 0 && i + 1 < argc)
            batch = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: embed [--model PATH] [--runs N] [--faces N] [--batch N]\n");
            return 2;
        }
    }
    if (runs < 1 || runs > 1000 || faces < 1 || batch < 1 || batch > FC_RECOG_MAX_BATCH) {
        fprintf(stderr, "embed: --runs 1..1000, --faces >= 1, --batch 1..%d\n", FC_RECOG_MAX_BATCH);
        return 2;
    }
    fc_model *model;
    if (fc_model_open_or_default(model_path, &model, err) != 0) {
        fprintf(stderr, "embed: %s\n", err);
        return 1;
    }
    printf("bench/embed: recognition network (ResNet-29, 150x150 -> 128), kernel %s\n",
           fc_nn_kernel_name());
    double *rate = calloc((size_t)runs, sizeof *rate);
    int rc = bench_batch(model, 1, runs, faces, rate);
    if (rc == 0 && batch > 1) rc = bench_batch(model, batch, runs, faces, rate);
    free(rate);
    fc_model_close(model);
    return rc ? 1 : 0;
}
