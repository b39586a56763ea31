/* The tiny face detector's layer table, shared by the network (tiny.c) and its converter. */
#ifndef FC_TINY_LAYERS_H
#define FC_TINY_LAYERS_H

#define TINY_SEPARABLE 5 /* conv1 .. conv5: depthwise 3x3 then pointwise, each then pooled */

/* Channels out of conv0 .. conv5. */
static const int tiny_channels[TINY_SEPARABLE + 1] = {16, 32, 64, 128, 256, 512};

#endif
