// `heads`, `branches`, `history` and `show` describe the registry compiled
// into this binary, not the files: say so when the files have moved on.
#pragma once

#include <string>

#include "retort/cli.hpp"

namespace retort::cli {

// A warning naming what changed in the migration directory since this
// binary was built (added, removed, or edited after it), or "" when nothing
// did or the directory is not here to compare with.
std::string stale_build_warning(const Settings& settings);

}  // namespace retort::cli
