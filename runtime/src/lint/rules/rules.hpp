// The rules, one per file in this folder; rules.cpp lists them.
#pragma once

#include "lint/rule.hpp"

namespace retort::lint::rules {

extern const Rule add_index_non_concurrently;
extern const Rule drop_index_non_concurrently;
extern const Rule non_transactional_in_transaction;
extern const Rule add_column_not_null_without_default;
extern const Rule add_column_volatile_default;
extern const Rule alter_column_type_rewrite;
extern const Rule set_not_null_without_check;
extern const Rule add_foreign_key_without_not_valid;
extern const Rule add_check_without_not_valid;
extern const Rule validate_in_the_adding_transaction;
extern const Rule add_unique_without_index;
extern const Rule drop_column;
extern const Rule drop_table;
extern const Rule rename_column;
extern const Rule rename_table;
extern const Rule update_without_where;
extern const Rule delete_without_where;
extern const Rule vacuum_full;
extern const Rule cluster;
extern const Rule reindex_non_concurrently;
extern const Rule lock_table;
extern const Rule sqlite_unsupported;

}  // namespace retort::lint::rules
