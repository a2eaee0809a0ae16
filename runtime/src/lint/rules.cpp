#include "lint/rules/rules.hpp"

namespace retort::lint {

std::span<const Rule* const> all_rules() {
  using namespace rules;
  static const Rule* const list[] = {
      &non_transactional_in_transaction,
      &add_index_non_concurrently,
      &drop_index_non_concurrently,
      &add_column_not_null_without_default,
      &add_column_volatile_default,
      &alter_column_type_rewrite,
      &set_not_null_without_check,
      &add_foreign_key_without_not_valid,
      &add_check_without_not_valid,
      &validate_in_the_adding_transaction,
      &add_unique_without_index,
      &drop_column,
      &drop_table,
      &rename_column,
      &rename_table,
      &update_without_where,
      &delete_without_where,
      &vacuum_full,
      &cluster,
      &reindex_non_concurrently,
      &lock_table,
      &sqlite_unsupported,
  };
  return list;
}

const Rule* find_rule(std::string_view id) {
  for (const Rule* rule : all_rules()) {
    if (rule->id == id) return rule;
  }
  return nullptr;
}

}  // namespace retort::lint
