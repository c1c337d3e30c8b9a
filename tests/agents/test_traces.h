// Small hand-made traces for tests.
#pragma once

#include <random>
#include <string>

#include "agents/mdp/trace.h"

namespace offloadsim::agents::testing {

// A trace of `n` frames; truth cycles through labels 0,0,1,1,2,2…; the robot is right on even
// frames with confidence 0.9 and wrong (label 99) on odd ones with confidence 0.3; the cloud is
// always right.
inline Trace simple_trace(int n, const std::string& id = "simple") {
  Trace t;
  t.id = id;
  t.feature_names = {"diff"};
  for (int i = 0; i < n; ++i) {
    Frame f;
    f.true_label = i / 2;
    const bool robot_right = i % 2 == 0;
    f.robot_prediction = robot_right ? f.true_label : 99;
    f.robot_confidence = robot_right ? 0.9 : 0.3;
    f.cloud_prediction = f.true_label;
    f.cloud_confidence = 1.0;
    f.features.push_back(static_cast<double>(i % 3));
    t.frames.push_back(f);
  }
  return t;
}

// A trace of `horizon` frames whose robot is always wrong (label + 10, confidence 0.2) and whose
// cloud is always right; the label changes every `label_every` frames.
inline Trace wrong_robot_trace(int horizon, int label_every = 1000) {
  Trace t;
  t.id = "t";
  for (int i = 0; i < horizon; ++i) {
    Frame f;
    f.true_label = i / label_every;
    f.robot_prediction = f.true_label + 10;
    f.robot_confidence = 0.2;
    f.cloud_prediction = f.true_label;
    t.frames.push_back(f);
  }
  return t;
}

// A random trace with few labels, so that reusing stored predictions often pays.
inline Trace random_trace(int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> label(0, 2);
  std::uniform_real_distribution<double> conf(0.0, 1.0);
  std::bernoulli_distribution robot_right(0.6), cloud_right(0.95), keep(0.7);
  Trace t;
  t.id = "random-" + std::to_string(seed);
  t.feature_names = {"diff"};
  int y = label(rng);
  for (int i = 0; i < n; ++i) {
    if (!keep(rng)) y = label(rng);
    Frame f;
    f.true_label = y;
    f.robot_prediction = robot_right(rng) ? y : (y + 1) % 3;
    f.robot_confidence = conf(rng);
    f.cloud_prediction = cloud_right(rng) ? y : (y + 2) % 3;
    f.cloud_confidence = conf(rng);
    f.features.push_back(conf(rng));
    t.frames.push_back(f);
  }
  return t;
}

}  // namespace offloadsim::agents::testing
