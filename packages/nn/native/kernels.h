/* The native backend's kernels over plain float pointers (mtrl_nn_native.c is the N-API glue).
   Each splits its work over the thread pool when large enough; see kernels.c. */
#ifndef MTRL_KERNELS_H
#define MTRL_KERNELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "blas_loader.h"

/* C = alpha op(A) op(B) + beta C, row-major; m, n, k >= 1 and leading dimensions legal. `split`:
   whether blocks may run on the pool (only for a BLAS pinned to one thread of its own). */
void nn_gemm(const blas_library *blas, bool split, bool trans_a, bool trans_b, int m, int n, int k,
             float alpha, const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);

void nn_add_bias_rows(const float *x, const float *bias, int rows, int cols, float *out);
void nn_add_bias_relu(const float *x, const float *bias, int rows, int cols, float *out);
void nn_relu_forward(const float *x, size_t length, float *out);
void nn_affine(const float *x, size_t length, double factor, double offset, float *out);
void nn_relu_backward(const float *y, const float *grad_out, size_t length, float *grad_in);
void nn_sum_rows(const float *x, int rows, int cols, float beta, float *out);
void nn_relu_backward_sum_rows(const float *y, const float *grad_out, int rows, int cols, float *grad_in,
                               float beta, float *bias_grad);
void nn_adam_update(float *param, const float *grad, float *m, float *v, size_t length, float beta1,
                    float one_minus_beta1, float beta2, float one_minus_beta2, float eps,
                    float weight_decay, float step_size, float sqrt_bc2);
void nn_polyak_update(float *target, const float *source, size_t length, float keep, float tau);
/* For every row b: out[:, b, :] = beta out[:, b, :] + M_b y[:, b, :], M_b = W_b (groups_out x
   groups_in, weights [rows, groups_out, groups_in]) or its transpose; y and out [groups, rows, features]. */
void nn_mix_rows(bool trans_w, int groups_out, int groups_in, int rows, int features, const float *weights,
                 const float *y, float beta, float *out);
/* For every row b: dW_b = beta dW_b + d_out[:, b, :] y[:, b, :]^T. */
void nn_mix_rows_weight_grad(int groups_out, int groups_in, int rows, int features, const float *d_out,
                             const float *y, float beta, float *d_weights);

/* FiLM: out = act((1 + gamma) x + beta), gamma and beta at columns [offset, offset + 2 features) of
   gamma_beta row row_index[r] (NULL: row r); act = relu or the identity. */
void nn_film_forward(int rows, int features, int width, int offset, bool relu, const float *x,
                     const float *gamma_beta, const int32_t *row_index, float *out);
/* FiLM's backward: grad_x = beta_x grad_x + d (1 + gamma) and grad_gamma_beta = beta_gb grad_gamma_beta
   + the rows' d x and d, with d = act'(out) grad_out (see Kernels.filmBackward); NULL gradients are
   skipped. */
void nn_film_backward(int rows, int features, int gamma_rows, int width, int offset, bool relu, const float *x,
                      const float *gamma_beta, bool indexed, const int32_t *row_index, const float *out, const float *grad_out,
                      float beta_x, float *grad_x, float beta_gb, float *grad_gamma_beta);

/* Convolution layout (Kernels.im2colBatch and after; see conv_layout.h): `window` holds the 11
   fields of a ConvWindow in order. Split over the pool by images (channels for the sums). */
void nn_im2col_batch(const int32_t *window, const float *images, int count, float *columns);
void nn_col2im_batch(const int32_t *window, const float *columns, int count, float *images);
void nn_channels_to_images(const float *source, const float *bias, int count, int channels, int positions, int beta, float *out);
void nn_images_to_channels(const float *images, int count, int channels, int positions, float *out);
void nn_grid_to_images(const float *source, const float *bias, int count, int channels, int grid_h, int grid_w, int height, int width,
                       int beta, float *out);
void nn_images_to_grid(const float *images, int count, int channels, int height, int width, int grid_h, int grid_w, float *out);
/* Stride-1 convolution with zero padding, computed directly (conv_direct.c): window as im2col's
   (stride fields ignored, must be 1), weight [out_channels, channels, kh, kw], out_channels a
   multiple of 4, bias or NULL, beta 0 or 1. Needs nn_conv_stride1_available(). */
int nn_conv_stride1_available(void);
void nn_conv_stride1(const int32_t *window, const float *input, const float *weight, const float *bias, int count, int out_channels,
                     int beta, float *out);
void nn_conv_stride1_weight_grad(const float *small, const float *big, int count, int small_channels, int big_channels, int small_h,
                                 int small_w, int kernel_h, int kernel_w, int beta, float *out);
void nn_sum_channels(const float *images, int count, int channels, int positions, int beta, float *out);
void nn_add_channel_bias(float *images, const float *bias, int count, int channels, int positions);

#endif
