/* The recognition network's convolutions, shared by the network (recog.c) and the
 * converter that folds face-api's weights into our model file (recog_convert.c). Names
 * are face-api's parameter prefixes; our model stores "recog/<name>" (weights, layout
 * FC_LAYOUT_CONV_P16) and "recog/<name>/bias". */
#ifndef FC_RECOG_LAYERS_H
#define FC_RECOG_LAYERS_H

typedef struct {
    const char *name;
    int k, stride, cin, cout; /* stride 2 convolutions are 'valid', stride 1 'same' */
} recog_conv_spec;

static const recog_conv_spec recog_conv_specs[] = {
    /* in forward order: name, k, stride, cin, cout */
    {"conv32_down", 7, 2, 3, 32},
    {"conv32_1/conv1", 3, 1, 32, 32},
    {"conv32_1/conv2", 3, 1, 32, 32},
    {"conv32_2/conv1", 3, 1, 32, 32},
    {"conv32_2/conv2", 3, 1, 32, 32},
    {"conv32_3/conv1", 3, 1, 32, 32},
    {"conv32_3/conv2", 3, 1, 32, 32},
    {"conv64_down/conv1", 3, 2, 32, 64},
    {"conv64_down/conv2", 3, 1, 64, 64},
    {"conv64_1/conv1", 3, 1, 64, 64},
    {"conv64_1/conv2", 3, 1, 64, 64},
    {"conv64_2/conv1", 3, 1, 64, 64},
    {"conv64_2/conv2", 3, 1, 64, 64},
    {"conv64_3/conv1", 3, 1, 64, 64},
    {"conv64_3/conv2", 3, 1, 64, 64},
    {"conv128_down/conv1", 3, 2, 64, 128},
    {"conv128_down/conv2", 3, 1, 128, 128},
    {"conv128_1/conv1", 3, 1, 128, 128},
    {"conv128_1/conv2", 3, 1, 128, 128},
    {"conv128_2/conv1", 3, 1, 128, 128},
    {"conv128_2/conv2", 3, 1, 128, 128},
    {"conv256_down/conv1", 3, 2, 128, 256},
    {"conv256_down/conv2", 3, 1, 256, 256},
    {"conv256_1/conv1", 3, 1, 256, 256},
    {"conv256_1/conv2", 3, 1, 256, 256},
    {"conv256_2/conv1", 3, 1, 256, 256},
    {"conv256_2/conv2", 3, 1, 256, 256},
    {"conv256_down_out/conv1", 3, 2, 256, 256},
    {"conv256_down_out/conv2", 3, 1, 256, 256},
};
#define RECOG_NUM_CONVS ((int)(sizeof recog_conv_specs / sizeof recog_conv_specs[0]))

/* The final fully connected layer, stored as a 1x1 convolution 256 -> 128 with zero bias. */
#define RECOG_FC_NAME "fc"
#define RECOG_FC_IN 256

#endif
