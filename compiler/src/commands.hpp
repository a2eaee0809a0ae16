// retortc's commands: `compile` (build time) and the source-level commands
// that read a migration directory without a database, as Alembic's do.
// Each returns the process exit status: 0 ok, 1 failure.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "migration_set.hpp"

namespace retort::compiler {

struct CompileRequest {
  MigrationSetOptions set;
  std::string name;        // C identifier
  std::string output_dir;
  bool verbose = false;    // print parse/cache/write counts
};
int run_compile(const CompileRequest& request, std::ostream& out, std::ostream& err);

struct RevisionRequest {
  MigrationSetOptions set;
  std::string message;
  bool sql = false;
  std::string head;  // REV, label@head, base; empty: the single head
  std::vector<std::string> branch_labels;
  std::vector<std::string> depends_on;
  std::string rev_id;  // empty: a fresh random 12-hex id
  bool splice = false;
};
int run_revision(const RevisionRequest& request, std::ostream& out, std::ostream& err);

struct MergeRequest {
  MigrationSetOptions set;
  std::string message;
  std::vector<std::string> revisions;  // ids, labels, or "heads"
  std::vector<std::string> branch_labels;
  std::string rev_id;
  bool sql = false;
};
int run_merge(const MergeRequest& request, std::ostream& out, std::ostream& err);

// Records every revision's checksum in retort.lock (released.hpp).
int run_lock(const MigrationSetOptions& set, std::ostream& out, std::ostream& err);

int run_heads(const MigrationSetOptions& set, std::ostream& out, std::ostream& err);
int run_branches(const MigrationSetOptions& set, std::ostream& out, std::ostream& err);
// `range` is "[start]:[end]" as in `alembic history -r`; empty for all.
int run_history(const MigrationSetOptions& set, const std::string& range, std::ostream& out, std::ostream& err);

// "add webhook events!" -> "add_webhook_events", at most 40 characters.
std::string slug_of(const std::string& message);

}  // namespace retort::compiler
