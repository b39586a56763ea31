/* The SSD detector's layer table, shared by the network (ssd.c) and its converter. */
#ifndef FC_SSD_LAYERS_H
#define FC_SSD_LAYERS_H

#define SSD_TRUNK_LAYERS 13 /* MobileNet conv_1 .. conv_13: depthwise then pointwise */
#define SSD_EXTRA_LAYERS 8
#define SSD_HEADS 6
#define SSD_BN_EPSILON 0.0010000000474974513f

/* Output channels of conv_1 .. conv_13; the depthwise stride is 2 at conv_2, 4, 6, 12. */
static const int ssd_trunk_channels[SSD_TRUNK_LAYERS] = {64,  128, 128, 256, 256,  512, 512,
                                                         512, 512, 512, 512, 1024, 1024};
static inline int ssd_trunk_stride(int i)
{
    return i == 2 || i == 4 || i == 6 || i == 12 ? 2 : 1;
}

typedef struct {
    int k, stride, cin, cout;
} ssd_extra_spec;

/* Prediction/Conv2d_0..7 after the trunk, all relu6 */
static const ssd_extra_spec ssd_extra_specs[SSD_EXTRA_LAYERS] = {
    {1, 1, 1024, 256}, {3, 2, 256, 512}, {1, 1, 512, 128}, {3, 2, 128, 256},
    {1, 1, 256, 128},  {3, 2, 128, 256}, {1, 1, 256, 64},  {3, 2, 64, 128},
};

typedef struct {
    int channels, anchors, first_anchor;
} ssd_head_spec;

/* Box predictors on: trunk conv_11 (32x32), conv_13 (16x16), extra conv_1, 3, 5, 7 */
static const ssd_head_spec ssd_head_specs[SSD_HEADS] = {
    {512, 3, 0}, {1024, 6, 3072}, {512, 6, 4608}, {256, 6, 4992}, {256, 6, 5088}, {128, 6, 5112},
};

#endif
