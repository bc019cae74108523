/*
 * Stride-1 convolution with zero padding computed directly, without unfolding and without a GEMM
 * (Kernels.convStride1; ops/conv.ts takes it on native where the CPU has AVX2 and FMA).
 *
 * Why: the pixel layers are 32 × 32 channels, so a GEMM formulation multiplies every unfolded (or
 * shifted) input value into only 32 outputs, and BLAS's packing of that operand costs about as much
 * as the multiply-adds (the grid path's K = 32 GEMMs ran at ~70 GFLOP/s on 2 cores). Here each
 * image is copied once into a padded scratch plane per channel, and a 4-output-channel ×
 * 24-position register block accumulates over (channel, kernel row, kernel column) reading the
 * plane at shifted offsets: 3 vector loads and 4 broadcasts per 12 FMAs, no packing.
 *
 * Positions are computed on the padded plane's full width (the "wide" rows), the kw − 1 columns
 * past each output row included; they land in a per-part scratch and only the output's columns
 * are written out, with the bias and beta. Each output value is one fused multiply-add chain in
 * the order (channel, kernel row, kernel column), computed by one thread, so neither threads nor
 * chunking change a bit; other backends agree within float32 rounding.
 */
#include "kernels.h"

#include <stdlib.h>
#include <string.h>

#include "kernel_support.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CONV_DIRECT_X86 1
#endif

/* Output channels and positions (3 vectors of 8) of one register block. */
#define BLOCK_CHANNELS 4
#define BLOCK_POSITIONS 24
/* Floats of slack after the scratch plane: the last block's loads run past the wide rows. */
#define SLACK (BLOCK_POSITIONS + 8)

int nn_conv_stride1_available(void) {
#ifdef CONV_DIRECT_X86
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return 0;
#endif
}

typedef struct {
  const float *input, *weight, *bias;
  float *out;
  int count, channels, height, width, kernel_h, kernel_w, pad_h, pad_w, out_h, out_w, out_channels, beta;
} conv_direct_task;

#ifdef CONV_DIRECT_X86
/* wide[j, q] = Σ_c Σ_ki Σ_kj weight[o + j, c, ki, kj] · plane[c, q + ki·pitch + kj] for j < 4 and
   q in [0, positions). */
__attribute__((target("avx2,fma"))) static void block_rows(const conv_direct_task *t, const float *plane, long plane_size, int pitch,
                                                            int o, int positions, float *wide) {
  const int taps = t->kernel_h * t->kernel_w;
  const long weight_row = (long)t->channels * taps;
  for (int q0 = 0; q0 < positions; q0 += BLOCK_POSITIONS) {
    __m256 acc[BLOCK_CHANNELS][3];
    for (int j = 0; j < BLOCK_CHANNELS; j++) acc[j][0] = acc[j][1] = acc[j][2] = _mm256_setzero_ps();
    for (int c = 0; c < t->channels; c++) {
      const float *channel = plane + c * plane_size + q0;
      const float *w = t->weight + (long)o * weight_row + (long)c * taps;
      for (int ki = 0; ki < t->kernel_h; ki++) {
        for (int kj = 0; kj < t->kernel_w; kj++) {
          const float *src = channel + ki * pitch + kj;
          __m256 v0 = _mm256_loadu_ps(src), v1 = _mm256_loadu_ps(src + 8), v2 = _mm256_loadu_ps(src + 16);
          int tap = ki * t->kernel_w + kj;
          for (int j = 0; j < BLOCK_CHANNELS; j++) {
            __m256 wj = _mm256_broadcast_ss(w + j * weight_row + tap);
            acc[j][0] = _mm256_fmadd_ps(wj, v0, acc[j][0]);
            acc[j][1] = _mm256_fmadd_ps(wj, v1, acc[j][1]);
            acc[j][2] = _mm256_fmadd_ps(wj, v2, acc[j][2]);
          }
        }
      }
    }
    /* The wide rows have room for a whole block past `positions` (see the scratch size). */
    for (int j = 0; j < BLOCK_CHANNELS; j++) {
      float *row = wide + (long)j * (positions + BLOCK_POSITIONS) + q0;
      _mm256_storeu_ps(row, acc[j][0]);
      _mm256_storeu_ps(row + 8, acc[j][1]);
      _mm256_storeu_ps(row + 16, acc[j][2]);
    }
  }
}
#endif

/* Images [begin, end) of part `part`: padded copy per image, then every block of output channels. */
static void conv_direct_part(const void *arguments, int part, int parts) {
#ifdef CONV_DIRECT_X86
  const conv_direct_task *t = arguments;
  int begin = (int)((long)t->count * part / parts), end = (int)((long)t->count * (part + 1) / parts);
  if (begin >= end) return;
  const int pitch = t->width + 2 * t->pad_w;
  const int padded_h = t->height + 2 * t->pad_h;
  const long plane_size = (long)padded_h * pitch;
  /* Wide positions: every output row at the padded pitch, the last row cut at the output width. */
  const int positions = (t->out_h - 1) * pitch + t->out_w;
  float *plane = malloc(sizeof(float) * ((size_t)t->channels * plane_size + SLACK));
  float *wide = malloc(sizeof(float) * (size_t)BLOCK_CHANNELS * (positions + BLOCK_POSITIONS));
  if (plane == NULL || wide == NULL) abort(); /* a few hundred kB: out of memory is not recoverable here */
  memset(plane, 0, sizeof(float) * ((size_t)t->channels * plane_size + SLACK));
  const long in_image = (long)t->channels * t->height * t->width;
  const long out_plane = (long)t->out_h * t->out_w;
  for (int n = begin; n < end; n++) {
    const float *image = t->input + n * in_image;
    for (int c = 0; c < t->channels; c++) {
      for (int y = 0; y < t->height; y++) {
        memcpy(plane + c * plane_size + (long)(y + t->pad_h) * pitch + t->pad_w, image + ((long)c * t->height + y) * t->width,
               sizeof(float) * (size_t)t->width);
      }
    }
    for (int o = 0; o < t->out_channels; o += BLOCK_CHANNELS) {
      block_rows(t, plane, plane_size, pitch, o, positions, wide);
      for (int j = 0; j < BLOCK_CHANNELS; j++) {
        const float *from = wide + (long)j * (positions + BLOCK_POSITIONS);
        float *to = t->out + ((long)n * t->out_channels + o + j) * out_plane;
        float add = t->bias != NULL ? t->bias[o + j] : 0.0f;
        for (int y = 0; y < t->out_h; y++, from += pitch, to += t->out_w) {
          if (t->bias != NULL) {
            if (t->beta) for (int x = 0; x < t->out_w; x++) to[x] += from[x] + add;
            else for (int x = 0; x < t->out_w; x++) to[x] = from[x] + add;
          } else {
            if (t->beta) for (int x = 0; x < t->out_w; x++) to[x] += from[x];
            else for (int x = 0; x < t->out_w; x++) to[x] = from[x];
          }
        }
      }
    }
  }
  free(wide);
  free(plane);
#else
  (void)arguments, (void)part, (void)parts;
#endif
}

void nn_conv_stride1(const int32_t *window, const float *input, const float *weight, const float *bias, int count, int out_channels,
                     int beta, float *out) {
  conv_direct_task t = {
      .input = input, .weight = weight, .bias = bias, .out = out, .count = count,
      .channels = window[0], .height = window[1], .width = window[2], .kernel_h = window[3], .kernel_w = window[4],
      .pad_h = window[7], .pad_w = window[8], .out_h = window[9], .out_w = window[10], .out_channels = out_channels, .beta = beta,
  };
  /* A few parts per thread, so a descheduled worker's share is small; each part pads its own images. */
  int parts = pool_threads() * 4;
  if (parts > count) parts = count;
  if (parts < 1) parts = 1;
  pool_run(conv_direct_part, &t, parts);
}

/*
 * The weight gradient of a stride-1 unpadded layer, directly: out[a, b, ki, kj] = (beta ? out : 0)
 * + Σ_n Σ_y<h Σ_x<w small[n, a, y, x] · big[n, b, y + ki, x + kj], with big's maps H × W =
 * (h + kh − 1) × (w + kw − 1). For conv2d, small is the output gradient and big the input; for
 * convTranspose2d, small is the input and big the output gradient (the same sum).
 *
 * Each image's small maps are copied onto big's row pitch (zeros past column w), so positions run
 * flat; a block of 4 rows a × 3 kernel columns keeps 12 vector sums over the positions (4 + 3
 * loads per 12 FMAs). Threads own (a block, b) pairs and run every image in order; each image's
 * block sums are reduced lane by lane in a fixed order and added to the gradient image after
 * image, so the thread count changes no bit.
 */
typedef struct {
  const float *small, *big;
  float *out;
  int count, small_channels, big_channels, small_h, small_w, kernel_h, kernel_w, beta;
} weight_grad_task;

#ifdef CONV_DIRECT_X86
__attribute__((target("avx2,fma"))) static inline float lane_sum(__m256 v) {
  __m128 low = _mm256_castps256_ps128(v), high = _mm256_extractf128_ps(v, 1);
  __m128 four = _mm_add_ps(low, high);
  __m128 two = _mm_add_ps(four, _mm_movehl_ps(four, four));
  __m128 one = _mm_add_ss(two, _mm_shuffle_ps(two, two, 1));
  return _mm_cvtss_f32(one);
}

/* Adds image n's contribution for rows [a, a + 4) of small, channel b of big, kernel row ki, to out. */
__attribute__((target("avx2,fma"))) static void weight_grad_block(const weight_grad_task *t, const float *wide, const float *plane,
                                                                   int pitch, int positions, int a, int b, int ki, float *out) {
  const int taps = t->kernel_h * t->kernel_w;
  const long wide_row = positions + 8;
  const int vector_end = positions & ~7;
  for (int kj0 = 0; kj0 < t->kernel_w; kj0 += 3) {
    __m256 acc[BLOCK_CHANNELS][3];
    for (int j = 0; j < BLOCK_CHANNELS; j++) acc[j][0] = acc[j][1] = acc[j][2] = _mm256_setzero_ps();
    const float *src = plane + ki * pitch + kj0;
    int columns = t->kernel_w - kj0 < 3 ? t->kernel_w - kj0 : 3;
    for (int q = 0; q < vector_end; q += 8) {
      __m256 v0 = _mm256_loadu_ps(src + q);
      __m256 v1 = columns > 1 ? _mm256_loadu_ps(src + q + 1) : _mm256_setzero_ps();
      __m256 v2 = columns > 2 ? _mm256_loadu_ps(src + q + 2) : _mm256_setzero_ps();
      for (int j = 0; j < BLOCK_CHANNELS; j++) {
        __m256 s = _mm256_loadu_ps(wide + j * wide_row + q);
        acc[j][0] = _mm256_fmadd_ps(s, v0, acc[j][0]);
        acc[j][1] = _mm256_fmadd_ps(s, v1, acc[j][1]);
        acc[j][2] = _mm256_fmadd_ps(s, v2, acc[j][2]);
      }
    }
    for (int j = 0; j < BLOCK_CHANNELS; j++) {
      for (int k = 0; k < columns; k++) {
        float total = lane_sum(acc[j][k]);
        /* The last positions one at a time: a vector there would read past big's last map. */
        for (int q = vector_end; q < positions; q++) total = __builtin_fmaf(wide[j * wide_row + q], src[q + k], total);
        out[((long)(a + j) * t->big_channels + b) * taps + ki * t->kernel_w + kj0 + k] += total;
      }
    }
  }
}
#endif

/* Pairs (a block, b) [begin, end) of part `part`, over every image in order. */
static void weight_grad_part(const void *arguments, int part, int parts) {
#ifdef CONV_DIRECT_X86
  const weight_grad_task *t = arguments;
  const int blocks = t->small_channels / BLOCK_CHANNELS;
  const int pairs = blocks * t->big_channels;
  int begin = (int)((long)pairs * part / parts), end = (int)((long)pairs * (part + 1) / parts);
  if (begin >= end) return;
  const int taps = t->kernel_h * t->kernel_w;
  const int pitch = t->small_w + t->kernel_w - 1;
  const int big_h = t->small_h + t->kernel_h - 1;
  const long big_plane = (long)big_h * pitch;
  const long small_plane = (long)t->small_h * t->small_w;
  const int positions = (t->small_h - 1) * pitch + t->small_w;
  const long wide_row = positions + 8;
  float *wide = calloc((size_t)t->small_channels * wide_row, sizeof(float));
  if (wide == NULL) abort();
  for (int pair = begin; pair < end; pair++) {
    int a = (pair / t->big_channels) * BLOCK_CHANNELS, b = pair % t->big_channels;
    for (int j = 0; j < BLOCK_CHANNELS; j++) {
      float *row = t->out + ((long)(a + j) * t->big_channels + b) * taps;
      if (!t->beta) memset(row, 0, sizeof(float) * (size_t)taps);
    }
  }
  for (int n = 0; n < t->count; n++) {
    const float *small = t->small + (long)n * t->small_channels * small_plane;
    /* This part's rows of small on big's pitch (zeros past column w stay from calloc). */
    int first_block = begin / t->big_channels, last_block = (end - 1) / t->big_channels;
    for (int a = first_block * BLOCK_CHANNELS; a < (last_block + 1) * BLOCK_CHANNELS; a++) {
      for (int y = 0; y < t->small_h; y++) {
        memcpy(wide + (long)a * wide_row + (long)y * pitch, small + a * small_plane + (long)y * t->small_w, sizeof(float) * (size_t)t->small_w);
      }
    }
    for (int pair = begin; pair < end; pair++) {
      int a = (pair / t->big_channels) * BLOCK_CHANNELS, b = pair % t->big_channels;
      const float *plane = t->big + ((long)n * t->big_channels + b) * big_plane;
      for (int ki = 0; ki < t->kernel_h; ki++) weight_grad_block(t, wide + (long)a * wide_row, plane, pitch, positions, a, b, ki, t->out);
    }
  }
  free(wide);
#else
  (void)arguments, (void)part, (void)parts;
#endif
}

void nn_conv_stride1_weight_grad(const float *small, const float *big, int count, int small_channels, int big_channels, int small_h,
                                 int small_w, int kernel_h, int kernel_w, int beta, float *out) {
  weight_grad_task t = {
      .small = small, .big = big, .out = out, .count = count, .small_channels = small_channels, .big_channels = big_channels,
      .small_h = small_h, .small_w = small_w, .kernel_h = kernel_h, .kernel_w = kernel_w, .beta = beta,
  };
  int pairs = (small_channels / BLOCK_CHANNELS) * big_channels;
  int parts = pool_threads();
  if (parts > pairs) parts = pairs;
  if (parts < 1) parts = 1;
  pool_run(weight_grad_part, &t, parts);
}
