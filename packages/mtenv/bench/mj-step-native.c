/*
 * Raw mj_step throughput of one MJCF file with the system MuJoCo (Debian's libmujoco-dev), for
 * comparison with the WebAssembly build. Built and run by physics.ts; prints one JSON line.
 * Usage: mj-step-native model.xml warmupSteps timedSteps
 */
#include <mujoco/mujoco.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double seconds(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec + 1e-9 * (double)now.tv_nsec;
}

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s model.xml warmupSteps timedSteps\n", argv[0]);
    return 2;
  }
  char error[1000] = "";
  mjModel* model = mj_loadXML(argv[1], NULL, error, sizeof(error));
  if (model == NULL) {
    fprintf(stderr, "MuJoCo could not load %s: %s\n", argv[1], error);
    return 1;
  }
  mjData* data = mj_makeData(model);
  long warmup = atol(argv[2]);
  long timed = atol(argv[3]);
  for (long i = 0; i < warmup; i++) mj_step(model, data);
  double started = seconds();
  for (long i = 0; i < timed; i++) mj_step(model, data);
  double elapsed = seconds() - started;
  printf("{\"version\":\"%s\",\"stepsPerSecond\":%.1f}\n", mj_versionString(), (double)timed / elapsed);
  mj_deleteData(data);
  mj_deleteModel(model);
  return 0;
}
