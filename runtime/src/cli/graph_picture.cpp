#include "cli/graph_picture.hpp"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <unordered_map>
#include <vector>

#include "retort/error.hpp"

namespace retort::cli {

namespace {

// One node of the picture: a revision, or a collapsed run of them.
struct PictureNode {
  std::string key;                 // node name in the output
  std::vector<std::string> ids;    // one revision, or the run in order
  std::vector<std::string> roles;  // base, head, branch point, merge, current, pending
};

struct Picture {
  std::vector<PictureNode> nodes;
  std::unordered_map<std::string, std::size_t> node_of;  // revision id -> index in nodes
};

bool has(const std::vector<std::string>& list, const std::string& value) {
  for (const std::string& item : list)
    if (item == value) return true;
  return false;
}

std::string state_of(const GraphMarks& marks, const std::string& id) {
  if (marks.current.count(id)) return "current";
  if (marks.pending.count(id)) return "pending";
  return "";
}

Picture build_picture(const RevisionMap& map, const GraphMarks& marks, bool expand) {
  std::set<std::string> depended;  // revisions some depends_on resolves to
  for (const RevisionNode& node : map.nodes())
    for (const std::string& target : node.depends_on)
      for (const std::string& id : map.resolve(target)) depended.insert(id);

  // A plain revision can hide inside a run: nothing about it is special.
  auto plain = [&](const RevisionNode& node) {
    return node.down_revisions.size() == 1 && map.next_revisions(node.id).size() == 1 &&
           node.branch_labels.empty() && node.depends_on.empty() && !depended.count(node.id) &&
           !marks.current.count(node.id);
  };

  Picture picture;
  std::set<std::string> placed;
  for (const RevisionNode& node : map.nodes()) {
    if (placed.count(node.id)) continue;
    std::vector<std::string> run{node.id};
    // map.nodes() lists parents first, so a run starts at its oldest member.
    if (!expand && plain(node)) {
      for (;;) {
        const std::string next = map.next_revisions(run.back())[0];
        const RevisionNode& child = map.get(next);
        if (!plain(child) || state_of(marks, next) != state_of(marks, node.id)) break;
        run.push_back(next);
      }
      if (run.size() < kCollapsedRunMin) run.resize(1);
    }
    PictureNode out;
    out.key = (run.size() > 1 ? "run_" : "r_") + node.id;
    out.ids = run;
    if (run.size() == 1) {
      if (map.is_base(node.id)) out.roles.push_back("base");
      if (map.is_head(node.id)) out.roles.push_back("head");
      if (map.is_branch_point(node.id)) out.roles.push_back("branch point");
      if (map.is_merge_point(node.id)) out.roles.push_back("merge");
    }
    if (std::string state = state_of(marks, node.id); !state.empty()) out.roles.push_back(state);
    for (const std::string& id : run) {
      placed.insert(id);
      picture.node_of[id] = picture.nodes.size();
    }
    picture.nodes.push_back(std::move(out));
  }
  return picture;
}

// The text lines of a node's label.
std::vector<std::string> label_lines(const RevisionMap& map, const PictureNode& node) {
  std::vector<std::string> lines;
  if (node.ids.size() > 1) {
    lines.push_back(fmt::format("{} revisions", node.ids.size()));
    lines.push_back(fmt::format("{} .. {}", node.ids.front(), node.ids.back()));
  } else {
    const RevisionNode& rev = map.get(node.ids[0]);
    lines.push_back(rev.id);
    if (!rev.message.empty()) lines.push_back(rev.message);
    if (!rev.branch_labels.empty()) lines.push_back("@" + fmt::format("{}", fmt::join(rev.branch_labels, ", @")));
  }
  if (!node.roles.empty()) lines.push_back(fmt::format("({})", fmt::join(node.roles, ", ")));
  return lines;
}

struct Edge {
  std::size_t from, to;
  bool depends;  // a depends_on edge: `from` depends on `to`
};

std::vector<Edge> edges_of(const RevisionMap& map, const Picture& picture) {
  std::vector<Edge> edges;
  auto add = [&](std::size_t from, std::size_t to, bool depends) {
    if (from == to) return;  // inside a collapsed run
    for (const Edge& e : edges)
      if (e.from == from && e.to == to && e.depends == depends) return;
    edges.push_back({from, to, depends});
  };
  for (const RevisionNode& node : map.nodes()) {
    const std::size_t self = picture.node_of.at(node.id);
    for (const std::string& down : node.down_revisions) add(picture.node_of.at(down), self, false);
    for (const std::string& target : node.depends_on)
      for (const std::string& id : map.resolve(target)) add(self, picture.node_of.at(id), true);
  }
  return edges;
}

std::string dot_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// Mermaid labels are quoted strings; quotes and markup become entities.
std::string mermaid_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '"': out += "#quot;"; break;
      case '<': out += "#lt;"; break;
      case '>': out += "#gt;"; break;
      case '#': out += "#35;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_dot(const RevisionMap& map, const Picture& picture) {
  std::string out = "digraph revisions {\n  rankdir=BT;\n  node [shape=box, fontname=\"Helvetica\"];\n";
  for (const PictureNode& node : picture.nodes) {
    std::vector<std::string> lines;
    for (const std::string& line : label_lines(map, node)) lines.push_back(dot_escape(line));
    std::vector<std::string> attributes{fmt::format("label=\"{}\"", fmt::join(lines, "\\n"))};
    std::vector<std::string> style;
    if (node.ids.size() > 1) attributes.push_back("shape=folder");
    if (has(node.roles, "merge")) attributes.push_back("shape=hexagon");
    if (has(node.roles, "base")) style.push_back("rounded");
    if (has(node.roles, "branch point")) style.push_back("diagonals");
    if (has(node.roles, "head")) attributes.push_back("peripheries=2");
    if (has(node.roles, "current")) {
      style.push_back("filled");
      attributes.push_back("fillcolor=\"palegreen\"");
    }
    if (has(node.roles, "pending")) {
      style.push_back("dashed");
      style.push_back("filled");
      attributes.push_back("fillcolor=\"lightyellow\"");
    }
    if (!style.empty()) attributes.push_back(fmt::format("style=\"{}\"", fmt::join(style, ",")));
    out += fmt::format("  \"{}\" [{}];\n", node.key, fmt::join(attributes, ", "));
  }
  for (const Edge& e : edges_of(map, picture)) {
    const std::string& from = picture.nodes[e.from].key;
    const std::string& to = picture.nodes[e.to].key;
    if (e.depends) {
      // constraint=false: a dependency must not bend the branches' layout.
      out += fmt::format("  \"{}\" -> \"{}\" [style=dashed, arrowhead=empty, color=\"gray40\", "
                         "label=\"depends on\", constraint=false];\n", from, to);
    } else {
      out += fmt::format("  \"{}\" -> \"{}\";\n", from, to);
    }
  }
  return out + "}\n";
}

std::string render_mermaid(const RevisionMap& map, const Picture& picture) {
  std::string out = "flowchart BT\n";
  std::vector<std::pair<std::string, std::string>> classes;  // class, node key
  for (const PictureNode& node : picture.nodes) {
    std::vector<std::string> lines;
    for (const std::string& line : label_lines(map, node)) lines.push_back(mermaid_escape(line));
    const std::string label = fmt::format("\"{}\"", fmt::join(lines, "<br/>"));
    if (node.ids.size() > 1) {
      out += fmt::format("  {}[[{}]]\n", node.key, label);
      classes.emplace_back("run", node.key);
    } else if (has(node.roles, "merge")) {
      out += fmt::format("  {}{{{{{}}}}}\n", node.key, label);
    } else if (has(node.roles, "base")) {
      out += fmt::format("  {}([{}])\n", node.key, label);
    } else {
      out += fmt::format("  {}[{}]\n", node.key, label);
    }
    for (const char* role : {"head", "branch point", "current", "pending"})
      if (has(node.roles, role)) classes.emplace_back(std::string(role) == "branch point" ? "branchpoint" : role, node.key);
  }
  for (const Edge& e : edges_of(map, picture)) {
    const std::string& from = picture.nodes[e.from].key;
    const std::string& to = picture.nodes[e.to].key;
    out += e.depends ? fmt::format("  {} -. depends on .-> {}\n", from, to) : fmt::format("  {} --> {}\n", from, to);
  }
  out += "  classDef head stroke-width:3px\n"
         "  classDef branchpoint stroke-dasharray:2 2\n"
         "  classDef run fill:#eeeeee\n"
         "  classDef current fill:#b8f0b8\n"
         "  classDef pending fill:#fff6c0,stroke-dasharray:6 3\n";
  for (const auto& [name, key] : classes) out += fmt::format("  class {} {}\n", key, name);
  return out;
}

}  // namespace

std::string render_graph(const RevisionMap& map, PictureFormat format, const GraphMarks& marks, bool expand) {
  Picture picture = build_picture(map, marks, expand);
  return format == PictureFormat::dot ? render_dot(map, picture) : render_mermaid(map, picture);
}

void write_svg(const std::string& dot) {
  // dot reads the graph from a temporary file and writes to our stdout.
  std::string path = (std::getenv("TMPDIR") ? std::string(std::getenv("TMPDIR")) : std::string("/tmp")) +
                     "/retort-graph-XXXXXX";
  int fd = mkstemp(path.data());
  if (fd < 0) throw Error(fmt::format("cannot create a temporary file in {}: {}", path, std::strerror(errno)));
  unlink(path.c_str());  // the open descriptor keeps it until dot is done
  if (write(fd, dot.data(), dot.size()) != static_cast<ssize_t>(dot.size()) || lseek(fd, 0, SEEK_SET) != 0) {
    close(fd);
    throw Error(fmt::format("cannot write the graph to a temporary file: {}", std::strerror(errno)));
  }
  std::cout.flush();
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fd, STDIN_FILENO);
    char* argv[] = {const_cast<char*>("dot"), const_cast<char*>("-Tsvg"), nullptr};
    execvp("dot", argv);
    _exit(errno == ENOENT ? 127 : 126);
  }
  close(fd);
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) < 0) throw Error(fmt::format("cannot run dot: {}", std::strerror(errno)));
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
    throw Error(
        "--format svg needs Graphviz's `dot` on PATH: install Graphviz (Debian/Ubuntu: apt-get install graphviz; "
        "Fedora: dnf install graphviz; macOS: brew install graphviz), or use --format dot or --format mermaid");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw Error("dot -Tsvg failed on the graph (its message is above)");
}

}  // namespace retort::cli
