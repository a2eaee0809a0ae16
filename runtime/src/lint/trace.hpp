// `lint --trace`: the locks a migration really takes, measured while it is
// applied to a scratch PostgreSQL. After each statement of a transactional
// step, pg_locks tells which relations the session holds in which mode (a
// lock lasts until commit, so what is new since the statement began is its
// own); pg_class's relfilenode tells which tables it rewrote. Static rules
// guess at both; this is what the server did.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "backend.hpp"
#include "lint/lint.hpp"
#include "lint/suppression.hpp"
#include "statement_listener.hpp"

namespace retort::lint {

struct TracedLock {
  std::string relation;  // schema-qualified unless in public
  std::string kind;      // table, index, sequence, view, ...
  std::string mode;      // PostgreSQL's name: AccessExclusiveLock, ShareLock, ...
  bool existing;         // the relation existed before the migration began
};

struct TracedRelation {
  std::string relation, kind;
};

struct TracedStatement {
  std::string statement;  // one line, as findings show it
  unsigned line = 0;
  bool in_transaction = false;  // outside one, locks end with the statement and are not measured
  std::vector<TracedLock> locks;
  std::vector<TracedRelation> rewritten;  // existing tables and indexes written anew
};

struct TracedStep {
  std::string revision, step, path;
  std::vector<TracedStatement> statements;
};

class LockTrace final : public detail::StatementListener {
 public:
  explicit LockTrace(detail::Backend& db) : db_(db) {}

  void step_started(const Migration& migration, std::string step) override;
  void statement_started(std::string_view sql) override;
  void statement_finished(std::string_view sql, unsigned line) override;
  void step_finished() override {}

  const std::vector<TracedStep>& steps() const { return steps_; }
  // An ACCESS EXCLUSIVE lock on, or a rewrite of, a table that existed
  // before its migration: reads and writes of it wait for the migration.
  std::vector<Finding> findings();

 private:
  struct Relation {
    std::string name, kind, filenode;
  };
  using Relations = std::map<std::string, Relation>;  // by oid
  using Locks = std::map<std::string, std::string>;   // "oid mode" -> oid
  Relations relations();
  Locks locks();

  detail::Backend& db_;
  const Migration* migration_ = nullptr;
  Relations at_step_start_, before_statement_;
  Locks held_before_statement_;
  std::vector<TracedStep> steps_;
  SourceFiles sources_;
};

}  // namespace retort::lint
