// Every failure Retort reports is a retort::Error whose what() is a complete,
// human-readable message: what failed, where, and what to do next.
#pragma once

#include <stdexcept>
#include <string>

namespace retort {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A revision target or graph problem (unknown id, ambiguous prefix,
// several heads where one is needed, ...). Maps to exit status 1.
class RevisionError : public Error {
 public:
  using Error::Error;
};

}  // namespace retort
