/*
 * The native convolution layout kernels: conv_layout.h's loops split over the thread pool by
 * images (channels for the sums). Each image's columns, pixels or channel-major rows are written by
 * exactly one part, with the arithmetic of the single-threaded loop, so the thread count never
 * changes a result.
 */
#include "kernels.h"

#include "conv_layout.h"
#include "kernel_support.h"

typedef struct {
  conv_window window;
  const float *input, *bias;
  float *output;
  int count, channels, positions, beta;
  /* Grids: the plane and the window (grid_to_images, images_to_grid). */
  int grid_h, grid_w, height, width;
} conv_task;

/* [begin, end) of part `part` of `parts` over `length` images or channels, as even as can be. */
static void conv_part_range(int length, int part, int parts, int *begin, int *end) {
  *begin = (int)((long)length * part / parts);
  *end = (int)((long)length * (part + 1) / parts);
}

/* Parts worth making for `floats` of layout work over `items` images or channels. */
static int conv_parts(long floats, int items) {
  int parts = floats >= MIN_SPLIT_FLOATS ? pool_threads() : 1;
  return parts < items ? parts : (items > 0 ? items : 1);
}

static void im2col_part(const void *arguments, int part, int parts) {
  const conv_task *t = arguments;
  int begin, end;
  conv_part_range(t->count, part, parts, &begin, &end);
  conv_im2col_range(&t->window, t->input, t->count, begin, end, t->output);
}

static void col2im_part(const void *arguments, int part, int parts) {
  const conv_task *t = arguments;
  int begin, end;
  conv_part_range(t->count, part, parts, &begin, &end);
  conv_col2im_range(&t->window, t->input, t->count, begin, end, t->output);
}

static void channels_to_images_part(const void *arguments, int part, int parts) {
  const conv_task *t = arguments;
  int begin, end;
  conv_part_range(t->count, part, parts, &begin, &end);
  conv_channels_to_images_range(t->input, t->bias, t->count, t->channels, t->positions, t->beta, begin, end, t->output);
}

static void images_to_channels_part(const void *arguments, int part, int parts) {
  const conv_task *t = arguments;
  int begin, end;
  conv_part_range(t->count, part, parts, &begin, &end);
  conv_images_to_channels_range(t->input, t->count, t->channels, t->positions, begin, end, t->output);
}

static void grid_to_images_part(const void *arguments, int part, int parts) {
  const conv_task *t = arguments;
  int begin, end;
  conv_part_range(t->count, part, parts, &begin, &end);
  conv_grid_to_images_range(t->input, t->bias, t->count, t->channels, t->grid_h, t->grid_w, t->height, t->width, t->beta, begin, end,
                            t->output);
}

static void images_to_grid_part(const void *arguments, int part, int parts) {
  const conv_task *t = arguments;
  int begin, end;
  conv_part_range(t->count, part, parts, &begin, &end);
  conv_images_to_grid_range(t->input, t->count, t->channels, t->height, t->width, t->grid_h, t->grid_w, begin, end, t->output);
}

static void sum_channels_part(const void *arguments, int part, int parts) {
  const conv_task *t = arguments;
  int begin, end;
  conv_part_range(t->channels, part, parts, &begin, &end);
  conv_sum_channels_range(t->input, t->count, t->channels, t->positions, t->beta, begin, end, t->output);
}

static void add_channel_bias_part(const void *arguments, int part, int parts) {
  const conv_task *t = arguments;
  int begin, end;
  conv_part_range(t->count, part, parts, &begin, &end);
  conv_add_channel_bias_range(t->output, t->bias, t->channels, t->positions, begin, end);
}

static conv_window window_of(const int32_t *fields) {
  conv_window w = {fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], fields[6], fields[7], fields[8], fields[9], fields[10]};
  return w;
}

void nn_im2col_batch(const int32_t *window, const float *images, int count, float *columns) {
  conv_task t = {.window = window_of(window), .input = images, .output = columns, .count = count};
  long floats = (long)t.window.channels * t.window.kernel_h * t.window.kernel_w * t.window.out_h * t.window.out_w * count;
  pool_run(im2col_part, &t, conv_parts(floats, count));
}

void nn_col2im_batch(const int32_t *window, const float *columns, int count, float *images) {
  conv_task t = {.window = window_of(window), .input = columns, .output = images, .count = count};
  long floats = (long)t.window.channels * t.window.kernel_h * t.window.kernel_w * t.window.out_h * t.window.out_w * count;
  pool_run(col2im_part, &t, conv_parts(floats, count));
}

void nn_channels_to_images(const float *source, const float *bias, int count, int channels, int positions, int beta, float *out) {
  conv_task t = {.input = source, .bias = bias, .output = out, .count = count, .channels = channels, .positions = positions, .beta = beta};
  pool_run(channels_to_images_part, &t, conv_parts((long)count * channels * positions, count));
}

void nn_images_to_channels(const float *images, int count, int channels, int positions, float *out) {
  conv_task t = {.input = images, .output = out, .count = count, .channels = channels, .positions = positions};
  pool_run(images_to_channels_part, &t, conv_parts((long)count * channels * positions, count));
}

void nn_grid_to_images(const float *source, const float *bias, int count, int channels, int grid_h, int grid_w, int height, int width,
                       int beta, float *out) {
  conv_task t = {.input = source, .bias = bias, .output = out, .count = count, .channels = channels, .beta = beta,
                 .grid_h = grid_h, .grid_w = grid_w, .height = height, .width = width};
  pool_run(grid_to_images_part, &t, conv_parts((long)count * channels * grid_h * grid_w, count));
}

void nn_images_to_grid(const float *images, int count, int channels, int height, int width, int grid_h, int grid_w, float *out) {
  conv_task t = {.input = images, .output = out, .count = count, .channels = channels,
                 .grid_h = grid_h, .grid_w = grid_w, .height = height, .width = width};
  pool_run(images_to_grid_part, &t, conv_parts((long)count * channels * grid_h * grid_w, count));
}

void nn_sum_channels(const float *images, int count, int channels, int positions, int beta, float *out) {
  conv_task t = {.input = images, .output = out, .count = count, .channels = channels, .positions = positions, .beta = beta};
  pool_run(sum_channels_part, &t, conv_parts((long)count * channels * positions, channels));
}

void nn_add_channel_bias(float *images, const float *bias, int count, int channels, int positions) {
  conv_task t = {.bias = bias, .output = images, .count = count, .channels = channels, .positions = positions};
  pool_run(add_channel_bias_part, &t, conv_parts((long)count * channels * positions, count));
}
