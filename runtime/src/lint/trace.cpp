#include "lint/trace.hpp"

#include <fmt/format.h>

#include <chrono>

#include "lint/judge.hpp"
#include "retort/error.hpp"

namespace retort::lint {
namespace {

// The user's relations: not the catalogs, not TOAST, not temporary schemas.
constexpr const char* kRelations =
    "SELECT c.oid::text, CASE WHEN n.nspname = 'public' THEN c.relname::text "
    "ELSE n.nspname || '.' || c.relname END, c.relkind::text, c.relfilenode::text "
    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' "
    "AND n.nspname NOT LIKE 'pg\\_temp%'";
// This session's granted relation locks (held until commit in a transaction).
constexpr const char* kLocks =
    "SELECT relation::text, mode FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation' AND granted";

std::string kind_name(const std::string& relkind) {
  if (relkind == "r") return "table";
  if (relkind == "p") return "partitioned table";
  if (relkind == "i" || relkind == "I") return "index";
  if (relkind == "S") return "sequence";
  if (relkind == "v") return "view";
  if (relkind == "m") return "materialized view";
  return "relation";
}

bool is_table(const std::string& kind) {
  return kind == "table" || kind == "partitioned table" || kind == "materialized view";
}

}  // namespace

void LockSampler::sample() {
  const std::vector<detail::Value> params{static_cast<std::int64_t>(pid_)};
  for (const auto& row : observer_.query(
           "SELECT relation::text, mode FROM pg_locks WHERE pid = ? AND locktype = 'relation' AND granted", params)
           .rows) {
    seen_.emplace(fmt::format("{} {}", row[0].value_or(""), row[1].value_or("")), row[0].value_or(""));
  }
}

void LockSampler::start() {
  sample();  // before the statement is sent: a connection that cannot sample fails here, not silently
  seen_.clear();
  stopping_ = false;
  thread_ = std::thread([this] {
    try {
      while (!stopping_) {
        sample();
        // A short pause: the traced statement shares the machine.
        std::this_thread::sleep_for(std::chrono::microseconds(500));
      }
    } catch (const std::exception&) {
      // A sample that fails leaves the statement reported with what was seen.
    }
  });
}

LockSampler::Locks LockSampler::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  return std::move(seen_);
}

LockTrace::~LockTrace() = default;

LockTrace::Relations LockTrace::relations() {
  db_.flush();
  Relations out;
  for (const auto& row : db_.query(kRelations).rows) {
    out[row[0].value_or("")] = Relation{row[1].value_or(""), kind_name(row[2].value_or("")), row[3].value_or("")};
  }
  return out;
}

LockTrace::Locks LockTrace::locks() {
  db_.flush();
  Locks out;
  for (const auto& row : db_.query(kLocks).rows) {
    out.emplace(fmt::format("{} {}", row[0].value_or(""), row[1].value_or("")), row[0].value_or(""));
  }
  return out;
}

void LockTrace::step_started(const Migration& migration, std::string step) {
  migration_ = &migration;
  steps_.push_back(TracedStep{std::string(migration.id), std::move(step), std::string(migration.source_path), {}});
  at_step_start_ = relations();
}

void LockTrace::statement_started(std::string_view) {
  before_statement_ = relations();
  held_before_statement_ = locks();
  if (db_.in_transaction()) return;
  if (!observer_) observer_ = detail::connect(db_.url());
  sampler_ = std::make_unique<LockSampler>(*observer_, db_.session_pid());
  sampler_->start();
}

void LockTrace::statement_finished(std::string_view sql, unsigned line) {
  TracedStatement traced;
  traced.statement = excerpt(sql);
  traced.line = line ? line : migration_->source_line;
  traced.in_transaction = db_.in_transaction();
  Locks taken;  // granted since the statement began
  if (sampler_) {
    taken = sampler_->stop();
    sampler_.reset();
    traced.sampled = true;
  }
  const Relations after = relations();
  if (!traced.sampled) taken = locks();
  for (const auto& [key, oid] : taken) {
    if (held_before_statement_.count(key)) continue;
    const std::string mode = key.substr(key.find(' ') + 1);
    const Relation* relation = nullptr;
    if (auto now = after.find(oid); now != after.end()) {
      relation = &now->second;
    } else if (auto gone = before_statement_.find(oid); gone != before_statement_.end()) {
      relation = &gone->second;  // dropped by the statement
    }
    if (!relation) continue;  // a catalog's
    traced.locks.push_back(TracedLock{relation->name, relation->kind, mode, at_step_start_.count(oid) > 0});
  }
  for (const auto& [oid, relation] : before_statement_) {
    auto now = after.find(oid);
    if (now == after.end() || !at_step_start_.count(oid) || relation.filenode == "0") continue;
    if (now->second.filenode != relation.filenode) traced.rewritten.push_back({relation.name, relation.kind});
  }
  steps_.back().statements.push_back(std::move(traced));
}

std::vector<Finding> LockTrace::findings() {
  std::vector<Finding> out;
  for (const TracedStep& step : steps_) {
    for (const TracedStatement& statement : step.statements) {
      auto add = [&](std::string rule, std::string message) {
        Finding finding;
        finding.rule = std::move(rule);
        finding.path = step.path;
        finding.line = statement.line;
        finding.column = sources_.first_column(step.path, statement.line);
        finding.revision = step.revision;
        finding.statement = statement.statement;
        finding.message = std::move(message);
        out.push_back(std::move(finding));
      };
      for (const TracedLock& lock : statement.locks) {
        if (!lock.existing || !is_table(lock.kind) || lock.mode != "AccessExclusiveLock") continue;
        add("access-exclusive",
            fmt::format("this statement took ACCESS EXCLUSIVE on existing {} {}: every read and write of it waits "
                        "until the migration commits",
                        lock.kind, lock.relation));
      }
      for (const TracedRelation& relation : statement.rewritten) {
        if (!is_table(relation.kind)) continue;  // its indexes are rebuilt with it
        add("table-rewrite", fmt::format("this statement rewrote existing {} {} (it has a new relfilenode): it "
                                         "holds its lock for as long as copying every row takes",
                                         relation.kind, relation.relation));
      }
    }
  }
  return out;
}

}  // namespace retort::lint
