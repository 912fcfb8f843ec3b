// Our own kernel with the structure of gct02/AHLS/hls/vitis_projects/rosetta/spam/solution1/.autopilot/db/sgd.pp.0.cpp (Vitis HLS 2023.2): Rosetta spam-filter logistic-regression SGD in float, 5 epochs x 80 samples x 1024 features, four helper functions (dot, sigmoid, gradient, update), no pragmas.
#include <math.h>

const int N_FEAT = 1024;
const int N_TRAIN = 80;
const int N_EPOCH = 5;
const int STEP = 60000;

static float dot_feat(float w[N_FEAT], float x[N_FEAT]) {
  float acc = 0;
DOT:
  for (int f = 0; f < N_FEAT; f++)
    acc += x[f] * w[f];
  return acc;
}

static float logistic(float z) { return 1.0f / (expf(-z) + 1.0f); }

static void make_grad(float g[N_FEAT], float x[N_FEAT], float k) {
GRAD:
  for (int f = 0; f < N_FEAT; f++)
    g[f] = x[f] * k;
}

static void apply_grad(float w[N_FEAT], float g[N_FEAT], float k) {
UPDATE:
  for (int f = 0; f < N_FEAT; f++)
    w[f] += g[f] * k;
}

void SgdLR(float samples[N_FEAT * N_TRAIN], unsigned char labels[N_TRAIN], float weights[N_FEAT]) {
  float grad[N_FEAT];
EPOCH:
  for (int e = 0; e < N_EPOCH; e++) {
  TRAINING_INST:
    for (int s = 0; s < N_TRAIN; s++) {
      float z = dot_feat(weights, &samples[s * N_FEAT]);
      float p = logistic(z);
      make_grad(grad, &samples[s * N_FEAT], p - labels[s]);
      apply_grad(weights, grad, -STEP);
    }
  }
}
