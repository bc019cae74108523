{
  "targets": [
    {
      "target_name": "mtrl_nn_native",
      "sources": ["mtrl_nn_native.c", "blas_loader.c", "kernels.c", "component_kernels.c", "conv_kernels.c", "conv_direct.c", "conv_bindings.c", "thread_pool.c"],
      "cflags_c": ["-std=c11", "-O3", "-ffp-contract=off", "-fno-math-errno", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "libraries": ["-ldl", "-lpthread"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
