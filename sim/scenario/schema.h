// The scenario schema: every field of every experiment kind (schema version 1).
#pragma once

#include <string>
#include <vector>

#include "sim/scenario/field_spec.h"

namespace offloadsim::sim {

inline constexpr int kSchemaVersion = 1;

// The experiment kinds (the `kind` field's choices) come from experiment_kinds() in
// sim/runners/experiment.h, where each is registered with its checks and its runner.

const std::vector<FieldSpec>& scenario_schema();
const FieldSpec* find_field(const std::string& path);

// Markdown reference of every field (docs/scenarios.md is this text).
std::string schema_markdown();

// Where default data files live ("${data}" in a default path).
std::string data_dir();

}  // namespace offloadsim::sim
