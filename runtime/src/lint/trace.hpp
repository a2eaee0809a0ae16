// `lint --trace`: the locks a migration really takes, measured while it is
// applied to a scratch PostgreSQL. After each statement of a transactional
// step, pg_locks tells which relations the session holds in which mode (a
// lock lasts until commit, so what is new since the statement began is its
// own). Outside a transaction a statement's locks end with it, so a second
// connection samples them while it runs. pg_class's relfilenode tells which
// tables it rewrote. Static rules guess at both; this is what the server did.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
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
  bool in_transaction = false;
  // Outside a transaction: the locks were sampled while it ran (one that
  // lasted less than a sample may be missing), not read after it.
  bool sampled = false;
  std::vector<TracedLock> locks;
  std::vector<TracedRelation> rewritten;  // existing tables and indexes written anew
};

struct TracedStep {
  std::string revision, step, path;
  std::vector<TracedStatement> statements;
};

// Polls pg_locks for one session from a connection of its own, while one
// statement runs.
class LockSampler {
 public:
  using Locks = std::map<std::string, std::string>;  // "oid mode" -> oid
  LockSampler(detail::Backend& observer, int pid) : observer_(observer), pid_(pid) {}
  ~LockSampler() { stop(); }
  LockSampler(const LockSampler&) = delete;
  LockSampler& operator=(const LockSampler&) = delete;

  void start();   // after one sample on the calling thread, then polls on its own
  Locks stop();   // every lock seen

 private:
  void sample();
  detail::Backend& observer_;
  const int pid_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  Locks seen_;  // written by the thread until it is joined
};

class LockTrace final : public detail::StatementListener {
 public:
  explicit LockTrace(detail::Backend& db) : db_(db) {}
  ~LockTrace() override;

  void step_started(const Migration& migration, std::string step) override;
  void statement_started(std::string_view sql) override;
  void statement_finished(std::string_view sql, unsigned line) override;
  // A statement that failed never finished: its sampler stops here.
  void step_finished() override { sampler_.reset(); }

  const std::vector<TracedStep>& steps() const { return steps_; }
  // An ACCESS EXCLUSIVE lock on, or a rewrite of, a table that existed
  // before its migration: reads and writes of it wait for the migration.
  std::vector<Finding> findings();

 private:
  struct Relation {
    std::string name, kind, filenode;
  };
  using Relations = std::map<std::string, Relation>;  // by oid
  using Locks = LockSampler::Locks;
  Relations relations();
  Locks locks();

  detail::Backend& db_;
  std::unique_ptr<detail::Backend> observer_;  // the sampler's connection, opened when first needed
  std::unique_ptr<LockSampler> sampler_;       // while a statement outside a transaction runs
  const Migration* migration_ = nullptr;
  Relations at_step_start_, before_statement_;
  Locks held_before_statement_;
  std::vector<TracedStep> steps_;
  SourceFiles sources_;
};

}  // namespace retort::lint
