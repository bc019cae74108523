/* The convolution kernels' bindings (conv_bindings.c). */
#ifndef MTRL_CONV_BINDINGS_H
#define MTRL_CONV_BINDINGS_H

#include <node_api.h>

/* Adds im2colBatch, col2imBatch, channelsToImages, imagesToChannels, gridToImages, imagesToGrid,
   convStride1Available, convStride1, convStride1WeightGrad, sumChannels and addChannelBias. */
napi_status nn_define_conv_bindings(napi_env env, napi_value exports);

#endif
