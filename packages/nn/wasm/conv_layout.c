/*
 * The convolution layout kernels for the WebAssembly module: exports over native/conv_layout.h,
 * the loops the native addon runs too. Each takes a range [first, last) of images (channels for
 * the sums) so the JS side can hand one range to the worker thread; clang vectorises the
 * contiguous row copies and adds with SIMD128 (-msimd128).
 */
#include "../native/conv_layout.h"

#define EXPORT(name) __attribute__((export_name(#name)))

static conv_window window_of(int channels, int height, int width, int kernel_h, int kernel_w, int stride_h, int stride_w,
                             int pad_h, int pad_w, int out_h, int out_w) {
  conv_window w = {channels, height, width, kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, out_h, out_w};
  return w;
}

EXPORT(im2col_batch)
void im2col_batch(int channels, int height, int width, int kernel_h, int kernel_w, int stride_h, int stride_w, int pad_h,
                  int pad_w, int out_h, int out_w, const float *images, int count, int first, int last, float *columns) {
  conv_window w = window_of(channels, height, width, kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, out_h, out_w);
  conv_im2col_range(&w, images, count, first, last, columns);
}

EXPORT(col2im_batch)
void col2im_batch(int channels, int height, int width, int kernel_h, int kernel_w, int stride_h, int stride_w, int pad_h,
                  int pad_w, int out_h, int out_w, const float *columns, int count, int first, int last, float *images) {
  conv_window w = window_of(channels, height, width, kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, out_h, out_w);
  conv_col2im_range(&w, columns, count, first, last, images);
}

EXPORT(channels_to_images)
void channels_to_images(const float *source, const float *bias, int count, int channels, int positions, int beta, int first,
                        int last, float *out) {
  conv_channels_to_images_range(source, bias, count, channels, positions, beta, first, last, out);
}

EXPORT(images_to_channels)
void images_to_channels(const float *images, int count, int channels, int positions, int first, int last, float *out) {
  conv_images_to_channels_range(images, count, channels, positions, first, last, out);
}

EXPORT(grid_to_images)
void grid_to_images(const float *source, const float *bias, int count, int channels, int grid_h, int grid_w, int height, int width,
                    int beta, int first, int last, float *out) {
  conv_grid_to_images_range(source, bias, count, channels, grid_h, grid_w, height, width, beta, first, last, out);
}

EXPORT(images_to_grid)
void images_to_grid(const float *images, int count, int channels, int height, int width, int grid_h, int grid_w, int first, int last,
                    float *out) {
  conv_images_to_grid_range(images, count, channels, height, width, grid_h, grid_w, first, last, out);
}

EXPORT(sum_channels)
void sum_channels(const float *images, int count, int channels, int positions, int beta, int first, int last, float *out) {
  conv_sum_channels_range(images, count, channels, positions, beta, first, last, out);
}

EXPORT(add_channel_bias)
void add_channel_bias(float *images, const float *bias, int channels, int positions, int first, int last) {
  conv_add_channel_bias_range(images, bias, channels, positions, first, last);
}
