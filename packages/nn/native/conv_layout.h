/*
 * The convolution layout loops (Kernels.im2colBatch and the ones after it), shared by the native
 * addon (conv_kernels.c) and the WebAssembly module (wasm/conv_layout.c includes this file), so
 * both run the same arithmetic. Plain C without libc; every function does a range of images (or
 * of channels for the sums) so a caller can hand ranges to threads: a range writes only its own
 * images' columns, pixels or channels, so no value depends on how the ranges are cut.
 *
 * Layouts: images [count, channels, height, width]; columns [channels·kh·kw, count·positions]
 * with image n's block starting at column n·positions; channel-major [channels, count·positions].
 */
#ifndef MTRL_NN_CONV_LAYOUT_H
#define MTRL_NN_CONV_LAYOUT_H

typedef struct {
  int channels, height, width, kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, out_h, out_w;
} conv_window;

/* The first output position ox >= 0 whose input column ox·stride + shift is >= 0. */
static inline int conv_first_inside(int shift, int stride) { return shift >= 0 ? 0 : (-shift + stride - 1) / stride; }

/* One past the last output position whose input column is < width (may exceed the output width). */
static inline int conv_end_inside(int shift, int stride, int width) {
  return width - shift <= 0 ? 0 : (width - shift + stride - 1) / stride;
}

/* Unfolds images [first, last) of a batch of `count` (images points at image 0). */
static void conv_im2col_range(const conv_window *g, const float *images, int count, int first, int last, float *columns) {
  long positions = (long)g->out_h * g->out_w;
  long row_stride = (long)count * positions;
  long image_size = (long)g->channels * g->height * g->width;
  for (int n = first; n < last; n++) {
    const float *image = images + n * image_size;
    for (int c = 0; c < g->channels; c++) {
      for (int ki = 0; ki < g->kernel_h; ki++) {
        for (int kj = 0; kj < g->kernel_w; kj++) {
          float *row = columns + (long)((c * g->kernel_h + ki) * g->kernel_w + kj) * row_stride + n * positions;
          int shift = kj - g->pad_w;
          int begin = conv_first_inside(shift, g->stride_w);
          int end = conv_end_inside(shift, g->stride_w, g->width);
          if (end > g->out_w) end = g->out_w;
          for (int oy = 0; oy < g->out_h; oy++) {
            float *dst = row + (long)oy * g->out_w;
            int iy = oy * g->stride_h - g->pad_h + ki;
            if (iy < 0 || iy >= g->height || begin >= end) {
              for (int ox = 0; ox < g->out_w; ox++) dst[ox] = 0.0f;
              continue;
            }
            const float *src = image + ((long)c * g->height + iy) * g->width + shift;
            for (int ox = 0; ox < begin; ox++) dst[ox] = 0.0f;
            if (g->stride_w == 1) {
              for (int ox = begin; ox < end; ox++) dst[ox] = src[ox];
            } else {
              int stride = g->stride_w;
              for (int ox = begin; ox < end; ox++) dst[ox] = src[ox * stride];
            }
            for (int ox = end; ox < g->out_w; ox++) dst[ox] = 0.0f;
          }
        }
      }
    }
  }
}

/* The adjoint: adds the columns of images [first, last) onto their pixels, in the order
   (channel, kernel row, kernel column, output row, output column) as the js reference. */
static void conv_col2im_range(const conv_window *g, const float *columns, int count, int first, int last, float *images) {
  long positions = (long)g->out_h * g->out_w;
  long row_stride = (long)count * positions;
  long image_size = (long)g->channels * g->height * g->width;
  for (int n = first; n < last; n++) {
    float *image = images + n * image_size;
    for (int c = 0; c < g->channels; c++) {
      for (int ki = 0; ki < g->kernel_h; ki++) {
        for (int kj = 0; kj < g->kernel_w; kj++) {
          const float *row = columns + (long)((c * g->kernel_h + ki) * g->kernel_w + kj) * row_stride + n * positions;
          int shift = kj - g->pad_w;
          int begin = conv_first_inside(shift, g->stride_w);
          int end = conv_end_inside(shift, g->stride_w, g->width);
          if (end > g->out_w) end = g->out_w;
          for (int oy = 0; oy < g->out_h; oy++) {
            int iy = oy * g->stride_h - g->pad_h + ki;
            if (iy < 0 || iy >= g->height) continue;
            const float *src = row + (long)oy * g->out_w;
            float *dst = image + ((long)c * g->height + iy) * g->width + shift;
            if (g->stride_w == 1) {
              for (int ox = begin; ox < end; ox++) dst[ox] += src[ox];
            } else {
              int stride = g->stride_w;
              for (int ox = begin; ox < end; ox++) dst[ox * stride] += src[ox];
            }
          }
        }
      }
    }
  }
}

/*
 * Grids: channel-major [channels, count·grid_h·grid_w] whose image n fills the top-left
 * height × width window of its grid_h × grid_w plane. A stride-1, unpadded convolution on a grid is
 * a sum of GEMMs on shifted views of it (ops/conv.ts), so nothing is unfolded.
 */

/* out[n, c, y, x] = (beta ? out : 0) + source[c, n·plane + y·grid_w + x] (+ bias[c]) for y < height,
   x < width, images [first, last): each image read from the top-left window of its grid plane. */
static void conv_grid_to_images_range(const float *source, const float *bias, int count, int channels, int grid_h, int grid_w,
                                      int height, int width, int beta, int first, int last, float *out) {
  long plane = (long)grid_h * grid_w;
  for (int n = first; n < last; n++) {
    for (int c = 0; c < channels; c++) {
      const float *from = source + ((long)c * count + n) * plane;
      float *to = out + ((long)n * channels + c) * height * width;
      for (int y = 0; y < height; y++, from += grid_w, to += width) {
        if (bias != 0) {
          float add = bias[c];
          if (beta) for (int x = 0; x < width; x++) to[x] += from[x] + add;
          else for (int x = 0; x < width; x++) to[x] = from[x] + add;
        } else {
          if (beta) for (int x = 0; x < width; x++) to[x] += from[x];
          else for (int x = 0; x < width; x++) to[x] = from[x];
        }
      }
    }
  }
}

/* out[c, n·plane + y·grid_w + x] = images[n, c, y, x] inside the height × width window, 0 in the
   rest of the plane, for images [first, last). */
static void conv_images_to_grid_range(const float *images, int count, int channels, int height, int width, int grid_h, int grid_w,
                                      int first, int last, float *out) {
  long plane = (long)grid_h * grid_w;
  for (int n = first; n < last; n++) {
    for (int c = 0; c < channels; c++) {
      const float *from = images + ((long)n * channels + c) * height * width;
      float *to = out + ((long)c * count + n) * plane;
      for (int y = 0; y < grid_h; y++, to += grid_w) {
        int copied = 0;
        if (y < height) {
          for (int x = 0; x < width; x++) to[x] = from[x];
          from += width;
          copied = width;
        }
        for (int x = copied; x < grid_w; x++) to[x] = 0.0f;
      }
    }
  }
}

/* out[n, c, p] = (beta ? out : 0) + source[c, n·positions + p] (+ bias[c]) for images [first, last):
   a grid whose planes are one row of `positions`, all of it the window. */
static void conv_channels_to_images_range(const float *source, const float *bias, int count, int channels, int positions,
                                          int beta, int first, int last, float *out) {
  conv_grid_to_images_range(source, bias, count, channels, 1, positions, 1, positions, beta, first, last, out);
}

/* out[c, n·positions + p] = images[n, c, p] for images [first, last). */
static void conv_images_to_channels_range(const float *images, int count, int channels, int positions, int first, int last, float *out) {
  conv_images_to_grid_range(images, count, channels, 1, positions, 1, positions, first, last, out);
}

/* out[c] = (beta ? out[c] : 0) + Σ_n Σ_p images[n, c, p] for channels [first, last), in float64:
   position p of every image adds into lane p mod 8 (images in order), the lanes are added pairwise
   ((0+1)+(2+3))+((4+5)+(6+7)), and the total is rounded once. Eight independent chains instead
   of one (a float64 add waits ~4 cycles for the previous one), and still one fixed order, the js
   reference's, on every backend and thread count. */
static void conv_sum_channels_range(const float *images, int count, int channels, int positions, int beta, int first, int last, float *out) {
  /* Eight scalars, not an array: in the WebAssembly module the worker thread shares the main
     thread's stack region, so these kernels must keep everything in locals (registers). */
  for (int c = first; c < last; c++) {
    double l0 = 0, l1 = 0, l2 = 0, l3 = 0, l4 = 0, l5 = 0, l6 = 0, l7 = 0;
    for (int n = 0; n < count; n++) {
      const float *plane = images + ((long)n * channels + c) * positions;
      int p = 0;
      for (; p + 8 <= positions; p += 8) {
        l0 += (double)plane[p];
        l1 += (double)plane[p + 1];
        l2 += (double)plane[p + 2];
        l3 += (double)plane[p + 3];
        l4 += (double)plane[p + 4];
        l5 += (double)plane[p + 5];
        l6 += (double)plane[p + 6];
        l7 += (double)plane[p + 7];
      }
      int left = positions - p;
      if (left > 0) l0 += (double)plane[p];
      if (left > 1) l1 += (double)plane[p + 1];
      if (left > 2) l2 += (double)plane[p + 2];
      if (left > 3) l3 += (double)plane[p + 3];
      if (left > 4) l4 += (double)plane[p + 4];
      if (left > 5) l5 += (double)plane[p + 5];
      if (left > 6) l6 += (double)plane[p + 6];
    }
    double total = ((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7));
    out[c] = beta ? (float)((double)out[c] + total) : (float)total;
  }
}

/* images[n, c, p] += bias[c] for images [first, last). */
static void conv_add_channel_bias_range(float *images, const float *bias, int channels, int positions, int first, int last) {
  for (int n = first; n < last; n++) {
    for (int c = 0; c < channels; c++) {
      float *plane = images + ((long)n * channels + c) * positions;
      float add = bias[c];
      for (int p = 0; p < positions; p++) plane[p] += add;
    }
  }
}

#endif
