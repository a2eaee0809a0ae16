// An operation that was refused or could not be rendered. It carries the
// line of the migration that called it, so that the migrator reports
// `file:line` of the call rather than of the revision.
#pragma once

#include <string>

#include "retort/error.hpp"

namespace retort::detail {

class OperationError : public Error {
 public:
  OperationError(const std::string& message, unsigned line) : Error(message), line(line) {}
  unsigned line;
};

}  // namespace retort::detail
