/*
 * Reading N-API arguments for the addon's bindings (mtrl_nn_native.c, conv_bindings.c): typed
 * array access and the ARGS/FLOATS/INT/... macros. Types are checked here; shapes and bounds were
 * checked in TypeScript before the call, so a wrong call fails with a JS exception, never a crash.
 */
#ifndef MTRL_NAPI_ARGS_H
#define MTRL_NAPI_ARGS_H

#include <node_api.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Throws a JS Error and makes the calling function return NULL. */
#define THROW(env, message)                     \
  do {                                          \
    napi_throw_error((env), NULL, (message));   \
    return NULL;                                \
  } while (0)

#define CHECK(env, call)                                          \
  do {                                                            \
    if ((call) != napi_ok) THROW((env), "mtrl_nn_native: " #call " failed"); \
  } while (0)

static inline bool get_floats(napi_env env, napi_value value, float **data, size_t *length) {
  bool is_typed_array = false;
  if (napi_is_typedarray(env, value, &is_typed_array) != napi_ok || !is_typed_array) return false;
  napi_typedarray_type type;
  void *raw = NULL;
  if (napi_get_typedarray_info(env, value, &type, length, &raw, NULL, NULL) != napi_ok) return false;
  if (type != napi_float32_array) return false;
  *data = (float *)raw;
  return true;
}

/* A Float32Array, or NULL for JS null (a gradient that is not wanted). */
static inline bool get_optional_floats(napi_env env, napi_value value, float **data) {
  napi_valuetype kind;
  if (napi_typeof(env, value, &kind) != napi_ok) return false;
  size_t length = 0;
  if (kind == napi_null) {
    *data = NULL;
    return true;
  }
  return get_floats(env, value, data, &length);
}

/* An Int32Array (given = true), or NULL for JS null (given = false). An empty array's data may be
   NULL too, so `given` is what tells them apart. */
static inline bool get_optional_ints(napi_env env, napi_value value, int32_t **data, bool *given) {
  napi_valuetype kind;
  if (napi_typeof(env, value, &kind) != napi_ok) return false;
  *given = kind != napi_null;
  if (!*given) {
    *data = NULL;
    return true;
  }
  bool is_typed_array = false;
  if (napi_is_typedarray(env, value, &is_typed_array) != napi_ok || !is_typed_array) return false;
  napi_typedarray_type type;
  size_t length = 0;
  void *raw = NULL;
  if (napi_get_typedarray_info(env, value, &type, &length, &raw, NULL, NULL) != napi_ok) return false;
  if (type != napi_int32_array) return false;
  *data = (int32_t *)raw;
  return true;
}

#define ARGS(count)                                                         \
  size_t argc = (count);                                                    \
  napi_value argv[(count)];                                                 \
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));         \
  if (argc < (count)) THROW(env, "mtrl_nn_native: expected " #count " arguments")

#define FLOATS(index, name)                                                 \
  float *name = NULL;                                                       \
  size_t name##_length = 0;                                                 \
  if (!get_floats(env, argv[(index)], &name, &name##_length))              \
    THROW(env, "mtrl_nn_native: argument " #index " (" #name ") must be a Float32Array"); \
  (void)name##_length

#define OPTIONAL_FLOATS(index, name)                                        \
  float *name = NULL;                                                       \
  if (!get_optional_floats(env, argv[(index)], &name))                      \
    THROW(env, "mtrl_nn_native: argument " #index " (" #name ") must be a Float32Array or null")

#define OPTIONAL_INTS(index, name)                                          \
  int32_t *name = NULL;                                                     \
  bool name##_given = false;                                                \
  if (!get_optional_ints(env, argv[(index)], &name, &name##_given))         \
    THROW(env, "mtrl_nn_native: argument " #index " (" #name ") must be an Int32Array or null")

#define INT(index, name)  \
  int32_t name = 0;       \
  CHECK(env, napi_get_value_int32(env, argv[(index)], &name))

#define NUMBER(index, name) \
  double name = 0;          \
  CHECK(env, napi_get_value_double(env, argv[(index)], &name))

#define BOOL(index, name) \
  bool name = false;      \
  CHECK(env, napi_get_value_bool(env, argv[(index)], &name))

#endif
