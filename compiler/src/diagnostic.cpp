#include "diagnostic.hpp"

namespace retort::compiler {

std::string format_diagnostic(const Diagnostic& diagnostic) {
  std::string text = diagnostic.path;
  if (diagnostic.line != 0) {
    text += ":" + std::to_string(diagnostic.line);
    if (diagnostic.column != 0) text += ":" + std::to_string(diagnostic.column);
  }
  text += ": ";
  text += severity_name(diagnostic.severity);
  text += ": ";
  text += diagnostic.message;
  return text;
}

}  // namespace retort::compiler
