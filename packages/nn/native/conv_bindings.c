/*
 * N-API bindings of the convolution kernels (conv_kernels.c, conv_direct.c): the layout kernels
 * and the direct stride-1 kernels, added to the addon's exports by nn_define_conv_bindings.
 */
#include "conv_bindings.h"

#include "kernels.h"
#include "napi_args.h"

/* im2colBatch(window: Int32Array(11), images, count, columns) */
static napi_value im2col_batch(napi_env env, napi_callback_info info) {
  ARGS(4);
  OPTIONAL_INTS(0, window);
  FLOATS(1, images);
  INT(2, count);
  FLOATS(3, columns);
  if (!window_given) THROW(env, "mtrl_nn_native: im2colBatch needs the window as an Int32Array");
  nn_im2col_batch(window, images, count, columns);
  return NULL;
}

/* col2imBatch(window: Int32Array(11), columns, count, images) */
static napi_value col2im_batch(napi_env env, napi_callback_info info) {
  ARGS(4);
  OPTIONAL_INTS(0, window);
  FLOATS(1, columns);
  INT(2, count);
  FLOATS(3, images);
  if (!window_given) THROW(env, "mtrl_nn_native: col2imBatch needs the window as an Int32Array");
  nn_col2im_batch(window, columns, count, images);
  return NULL;
}

/* channelsToImages(source, bias | null, count, channels, positions, beta, out) */
static napi_value channels_to_images(napi_env env, napi_callback_info info) {
  ARGS(7);
  FLOATS(0, source);
  OPTIONAL_FLOATS(1, bias);
  INT(2, count);
  INT(3, channels);
  INT(4, positions);
  INT(5, beta);
  FLOATS(6, out);
  nn_channels_to_images(source, bias, count, channels, positions, beta, out);
  return NULL;
}

/* gridToImages(source, bias | null, count, channels, gridHeight, gridWidth, height, width, beta, out) */
static napi_value grid_to_images(napi_env env, napi_callback_info info) {
  ARGS(10);
  FLOATS(0, source);
  OPTIONAL_FLOATS(1, bias);
  INT(2, count);
  INT(3, channels);
  INT(4, grid_h);
  INT(5, grid_w);
  INT(6, height);
  INT(7, width);
  INT(8, beta);
  FLOATS(9, out);
  nn_grid_to_images(source, bias, count, channels, grid_h, grid_w, height, width, beta, out);
  return NULL;
}

/* imagesToGrid(images, count, channels, height, width, gridHeight, gridWidth, out) */
static napi_value images_to_grid(napi_env env, napi_callback_info info) {
  ARGS(8);
  FLOATS(0, images);
  INT(1, count);
  INT(2, channels);
  INT(3, height);
  INT(4, width);
  INT(5, grid_h);
  INT(6, grid_w);
  FLOATS(7, out);
  nn_images_to_grid(images, count, channels, height, width, grid_h, grid_w, out);
  return NULL;
}

/* convStride1Available() → whether this CPU runs convStride1 (AVX2 and FMA) */
static napi_value conv_stride1_available(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  CHECK(env, napi_get_boolean(env, nn_conv_stride1_available() != 0, &result));
  return result;
}

/* convStride1(window Int32Array(11), input, weight, bias | null, count, outChannels, beta, out) */
static napi_value conv_stride1(napi_env env, napi_callback_info info) {
  ARGS(8);
  OPTIONAL_INTS(0, window);
  if (!window_given) THROW(env, "mtrl_nn_native: convStride1 needs the window as an Int32Array");
  FLOATS(1, input);
  FLOATS(2, weight);
  OPTIONAL_FLOATS(3, bias);
  INT(4, count);
  INT(5, out_channels);
  INT(6, beta);
  FLOATS(7, out);
  nn_conv_stride1(window, input, weight, bias, count, out_channels, beta, out);
  return NULL;
}

/* convStride1WeightGrad(small, big, count, smallChannels, bigChannels, smallHeight, smallWidth, kernelHeight, kernelWidth, beta, out) */
static napi_value conv_stride1_weight_grad(napi_env env, napi_callback_info info) {
  ARGS(11);
  FLOATS(0, small);
  FLOATS(1, big);
  INT(2, count);
  INT(3, small_channels);
  INT(4, big_channels);
  INT(5, small_h);
  INT(6, small_w);
  INT(7, kernel_h);
  INT(8, kernel_w);
  INT(9, beta);
  FLOATS(10, out);
  nn_conv_stride1_weight_grad(small, big, count, small_channels, big_channels, small_h, small_w, kernel_h, kernel_w, beta, out);
  return NULL;
}

/* imagesToChannels(images, count, channels, positions, out) */
static napi_value images_to_channels(napi_env env, napi_callback_info info) {
  ARGS(5);
  FLOATS(0, images);
  INT(1, count);
  INT(2, channels);
  INT(3, positions);
  FLOATS(4, out);
  nn_images_to_channels(images, count, channels, positions, out);
  return NULL;
}

/* sumChannels(images, count, channels, positions, beta, out) */
static napi_value sum_channels(napi_env env, napi_callback_info info) {
  ARGS(6);
  FLOATS(0, images);
  INT(1, count);
  INT(2, channels);
  INT(3, positions);
  INT(4, beta);
  FLOATS(5, out);
  nn_sum_channels(images, count, channels, positions, beta, out);
  return NULL;
}

/* addChannelBias(images, bias, count, channels, positions) */
static napi_value add_channel_bias(napi_env env, napi_callback_info info) {
  ARGS(5);
  FLOATS(0, images);
  FLOATS(1, bias);
  INT(2, count);
  INT(3, channels);
  INT(4, positions);
  nn_add_channel_bias(images, bias, count, channels, positions);
  return NULL;
}

napi_status nn_define_conv_bindings(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"im2colBatch", NULL, im2col_batch, NULL, NULL, NULL, napi_default, NULL},
      {"col2imBatch", NULL, col2im_batch, NULL, NULL, NULL, napi_default, NULL},
      {"channelsToImages", NULL, channels_to_images, NULL, NULL, NULL, napi_default, NULL},
      {"imagesToChannels", NULL, images_to_channels, NULL, NULL, NULL, napi_default, NULL},
      {"gridToImages", NULL, grid_to_images, NULL, NULL, NULL, napi_default, NULL},
      {"imagesToGrid", NULL, images_to_grid, NULL, NULL, NULL, napi_default, NULL},
      {"convStride1Available", NULL, conv_stride1_available, NULL, NULL, NULL, napi_default, NULL},
      {"convStride1", NULL, conv_stride1, NULL, NULL, NULL, napi_default, NULL},
      {"convStride1WeightGrad", NULL, conv_stride1_weight_grad, NULL, NULL, NULL, napi_default, NULL},
      {"sumChannels", NULL, sum_channels, NULL, NULL, NULL, napi_default, NULL},
      {"addChannelBias", NULL, add_channel_bias, NULL, NULL, NULL, napi_default, NULL},
  };
  return napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
}
