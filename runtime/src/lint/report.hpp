// The linter's output: compiler-format text, JSON, SARIF 2.1.0.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "lint/lint.hpp"

namespace retort::lint {

// `file:line:col: warning: ... [retort-lint: id]` and a `note:` with the
// safe alternative, then a one-line summary.
std::string to_text(const Result& result);
nlohmann::json to_json(const Result& result);
nlohmann::json to_sarif(const Result& result);
// One finding as the JSON report lists it.
nlohmann::json finding_json(const Finding& finding);

}  // namespace retort::lint
