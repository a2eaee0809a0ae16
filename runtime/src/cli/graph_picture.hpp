// `<name>-migrate graph`: the revision graph as Graphviz DOT or Mermaid,
// with heads, bases, branch points, merges, branch labels and depends_on
// drawn differently, the database's state marked when one was given, and
// long linear runs collapsed into one node unless `expand` is set.
#pragma once

#include <set>
#include <string>

#include "retort/revision_map.hpp"

namespace retort::cli {

enum class PictureFormat { dot, mermaid };

struct GraphMarks {
  bool database = false;           // a database was read: current and pending mean something
  std::set<std::string> current;   // the version table's rows
  std::set<std::string> pending;   // what `upgrade heads` would apply
};

// Runs of at least this many plain revisions (one parent, one child, no
// labels, no depends_on, same database state) become one node.
inline constexpr std::size_t kCollapsedRunMin = 3;

std::string render_graph(const RevisionMap& map, PictureFormat format, const GraphMarks& marks, bool expand);

// Pipes DOT through Graphviz's `dot -Tsvg` to stdout; throws an Error that
// says how to install Graphviz when `dot` is not on PATH.
void write_svg(const std::string& dot);

}  // namespace retort::cli
