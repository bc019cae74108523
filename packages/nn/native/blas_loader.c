#define _GNU_SOURCE
#include "blas_loader.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

int blas_load(const char *const *names, int count, blas_library *out, char *error, int error_size) {
  int used = snprintf(error, (size_t)error_size, "no CBLAS found:");
  for (int i = 0; i < count; i++) {
    /* RTLD_LOCAL keeps this BLAS's symbols from interposing on anything else in the process. */
    void *handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    const char *why = NULL;
    if (handle == NULL) {
      why = dlerror();
    } else {
      void *sgemm = dlsym(handle, "cblas_sgemm");
      if (sgemm == NULL) {
        why = "has no cblas_sgemm";
        dlclose(handle);
      } else {
        memset(out, 0, sizeof *out);
        /* POSIX sanctions converting dlsym's void* to a function pointer through a cast. */
        *(void **)&out->sgemm = sgemm;
        *(void **)&out->set_num_threads = dlsym(handle, "openblas_set_num_threads");
        *(void **)&out->get_num_threads = dlsym(handle, "openblas_get_num_threads");
        *(void **)&out->get_corename = dlsym(handle, "openblas_get_corename");
        out->library = names[i];
        return 0;
      }
    }
    if (used < error_size) {
      used += snprintf(error + used, (size_t)(error_size - used), " %s (%s);", names[i],
                       why != NULL ? why : "unknown error");
    }
  }
  return -1;
}
