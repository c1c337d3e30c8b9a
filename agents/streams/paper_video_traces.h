// The paper's own per-frame traces of its hardware experiment (real videos, every 5th frame;
// scenarios/data/paper-video-traces/README.md): tab-separated robot-model outputs, frame
// differences and hand annotations, turned into MDP frames.
//
// A file has one row per face detected in a processed frame; each processed frame becomes one
// MDP step carrying its most confident face (the first of equals). Mapping: robot prediction = numeric_prediction (−1:
// "unknown"), robot confidence = SVM_confidence / 100, φ = (frame_diff_val, embedding_distance, face_confidence). The
// truth is known only relative to the robot (the `correct` annotation): on a correct frame it is the robot's
// prediction; a run of consecutive frames the robot gets wrong is taken to show one person it did not name, labelled
// −2, −3, … (a new label per run). The cloud model is taken as correct, as in the paper.
#pragma once

#include <string>
#include <vector>

#include "agents/mdp/trace.h"

namespace offloadsim::agents {

// Reads one file as one trace (id: the file's stem). Throws base::InputError naming file, line, column.
Trace read_paper_video_trace(const std::string& path);

// Cuts a trace into consecutive segments of `length` frames (a shorter tail is dropped when it
// is under half a segment, else kept); ids "<id>-s<k>".
std::vector<Trace> segment_trace(const Trace& trace, int length);

}  // namespace offloadsim::agents
