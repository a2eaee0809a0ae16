// A migration set built at startup, as retortc would generate it, for the
// safety tests: revision sNNN creates table t_sNNN (id, prev -> t_s(NNN-1),
// note) in two statements and logs itself in applied_log, so both the
// catalog and a side-effect table show exactly which revisions ran.
//
// Environment (read once):
//   SAFETY_SET_SIZE      number of revisions (default 200)
//   SAFETY_MODIFIED      a revision whose checksum differs (its source "changed")
//   SAFETY_NONTX_FAIL    a revision made non-transactional that fails after its first statement
//   SAFETY_SLOW          a revision that sleeps first (PostgreSQL), SAFETY_SLOW_SECONDS (default 2)
//   SAFETY_CONCURRENT_INDEX  a revision made non-transactional that ends with
//                        CREATE INDEX CONCURRENTLY (PostgreSQL)
//   SAFETY_NONTX         a revision made non-transactional that records in
//                        seen_settings the lock_timeout and statement_timeout
//                        its statements ran with (PostgreSQL)
#pragma once

#include <retort/registry.hpp>

#include <string>

namespace retort::test {

const Registry& generated_set();

inline std::string generated_id(int index) {
  char id[8];
  std::snprintf(id, sizeof id, "s%03d", index);
  return id;
}

}  // namespace retort::test
