// Levenshtein distance, for "did you mean" suggestions (revision ids, SQL
// header fields).
#pragma once

#include <cstddef>
#include <string>

namespace retort::compiler {

std::size_t edit_distance(const std::string& a, const std::string& b);

}  // namespace retort::compiler
