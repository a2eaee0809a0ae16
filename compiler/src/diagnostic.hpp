// Compiler-style diagnostics: `path:line:col: error: message`, followed by
// `note:` lines that point at the related place.
#pragma once

#include <string>
#include <vector>

namespace retort::compiler {

enum class Severity { error, warning, note };

struct Diagnostic {
  Severity severity = Severity::error;
  std::string path;
  unsigned line = 0;    // 1-based; 0 when the problem concerns the whole file
  unsigned column = 0;  // 1-based
  std::string message;
};

using Diagnostics = std::vector<Diagnostic>;

// "path:line:col: error: message" (line/col omitted when unknown).
std::string format_diagnostic(const Diagnostic& diagnostic);

inline const char* severity_name(Severity severity) {
  switch (severity) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::note: return "note";
  }
  return "error";
}

inline std::size_t count_errors(const Diagnostics& diagnostics) {
  std::size_t errors = 0;
  for (const auto& diagnostic : diagnostics)
    if (diagnostic.severity == Severity::error) ++errors;
  return errors;
}

}  // namespace retort::compiler
