// The batch options that change the SQLite recreate's model of the table:
// copy_from (the model given, not read from the catalog) and
// naming_convention (names for the constraints the model has without one).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "operations/batch_table.hpp"
#include "operations/sqlite_text.hpp"

namespace retort::detail {

BatchTable table_from_definition(const BatchState& state) {
  const ListRef<TableItem>& items = state.options.copy_from.items;
  for (unsigned long i = 0; i < items.count; ++i) {
    const TableItem& item = items.items[i];
    if (item.kind == TableItem::Kind::type) {
      throw Error(fmt::format("copy_from describes the columns and constraints of {}; a bare Type does not belong "
                              "in it (put it in a Column)",
                              shown(state.table)));
    }
    // SQLite's own table options are part of the definition; a schema or a
    // PostgreSQL option is not (the batch's schema is BatchOptions.schema).
    if (item.kind == TableItem::Kind::options) {
      const auto& options = *static_cast<const TableOptions*>(item.item);
      if (!options.schema.empty() || options.postgresql_unlogged || !options.postgresql_partition_by.empty() ||
          !options.postgresql_partition_of.empty() || !options.postgresql_partition_bounds.empty()) {
        throw Error(fmt::format("copy_from of {} takes only SQLite's table options (.sqlite_autoincrement, "
                                ".sqlite_with_rowid, .sqlite_strict); its schema is BatchOptions.schema",
                                shown(state.table)));
      }
    }
  }
  TableDef def = to_table(StringRef(state.table.data(), state.table.size()), items);
  const DdlDialect& ddl = ddl_dialect(SqlDialect::sqlite);
  BatchTable table;
  for (auto& column : def.columns) {
    // The index create_table gave a column marked index().
    if (column.index) {
      table.indexes.push_back({column_index({{}, state.table}, column.name, column.unique).name, column.unique,
                               ddl.quote(column.name), {}});
    }
    BatchColumn copied{column, column.name, false};
    if (column.computed) copied.source.clear();  // computed again by the new table
    table.columns.push_back(std::move(copied));
  }
  table.primary_key = def.primary_key;
  table.uniques = std::move(def.uniques);
  table.foreign_keys = std::move(def.foreign_keys);
  table.checks = std::move(def.checks);
  for (const auto& exclude : def.excludes) ddl.exclude_clause(exclude);  // refuses: SQLite has none
  table.autoincrement = def.autoincrement;
  table.without_rowid = def.without_rowid;
  table.strict = def.strict;
  return table;
}

namespace {

struct ConventionInput {
  std::string_view option;  // "unique", "foreign_key", "check"
  std::string_view pattern;
  const std::vector<std::string>& columns;
  const std::string* referred_table;  // foreign keys only
  std::string_view constraint;        // how an error shows the constraint
};

std::string expand(const std::string& table, const ConventionInput& in) {
  std::string out;
  std::size_t i = 0;
  while (i < in.pattern.size()) {
    if (in.pattern[i] != '{') {
      out += in.pattern[i++];
      continue;
    }
    std::size_t close = in.pattern.find('}', i);
    std::string_view token = in.pattern.substr(i + 1, close == std::string_view::npos ? close : close - i - 1);
    auto refuse = [&](std::string_view why) {
      throw Error(fmt::format("naming_convention.{} = \"{}\": {}", in.option, in.pattern, why));
    };
    if (close == std::string_view::npos) refuse("a '{' without its '}'");
    if (token == "table") {
      out += table;
    } else if (token == "column_0" || token == "columns") {
      if (in.columns.empty()) {
        refuse(fmt::format("{} names no column of the table, so {{{}}} has no value; give it a name "
                           "(CONSTRAINT name) or use a convention without column tokens",
                           in.constraint, token));
      }
      if (token == "column_0") {
        out += in.columns[0];
      } else {
        for (std::size_t c = 0; c < in.columns.size(); ++c) out += (c ? "_" : "") + in.columns[c];
      }
    } else if (token == "referred_table") {
      if (!in.referred_table) refuse("{referred_table} is for foreign keys only");
      out += *in.referred_table;
    } else {
      refuse(fmt::format("unknown token {{{}}}; the tokens are {{table}}, {{column_0}}, {{columns}} and "
                         "{{referred_table}}",
                         token));
    }
    i = close + 1;
  }
  return out;
}

std::string_view view(StringRef text) { return {text.data(), text.size()}; }

}  // namespace

void name_unnamed_constraints(BatchTable& table, const BatchState& state) {
  const NamingConvention& convention = state.options.naming_convention;
  std::vector<std::string> taken;
  if (table.primary_key && !table.primary_key->name.empty()) taken.push_back(table.primary_key->name);
  for (const auto& u : table.uniques) taken.push_back(u.name);
  for (const auto& fk : table.foreign_keys) taken.push_back(fk.name);
  for (const auto& c : table.checks) taken.push_back(c.name);
  auto give = [&](std::string& name, const ConventionInput& in) {
    if (!name.empty() || in.pattern.empty()) return;
    name = expand(state.table, in);
    if (std::find(taken.begin(), taken.end(), name) != taken.end()) {
      throw Error(fmt::format("naming_convention.{} names {} {}, a name the table already has; make the convention "
                              "tell them apart (e.g. with {{columns}})",
                              in.option, in.constraint, shown(name)));
    }
    taken.push_back(name);
  };
  for (auto& u : table.uniques) {
    std::string what = fmt::format("the UNIQUE ({})", fmt::join(u.columns, ", "));
    give(u.name, {"unique", view(convention.unique), u.columns, nullptr, what});
  }
  for (auto& fk : table.foreign_keys) {
    std::string what = fmt::format("the FOREIGN KEY ({}) REFERENCES {}", fmt::join(fk.columns, ", "), fk.referent_table);
    give(fk.name, {"foreign_key", view(convention.foreign_key), fk.columns, &fk.referent_table, what});
  }
  for (auto& check : table.checks) {
    // SQLAlchemy's column_0 of a CHECK: the columns its condition reads.
    std::vector<std::string> columns;
    for (const auto& c : table.columns) {
      if (mentions(check.condition, c.def.name)) columns.push_back(c.def.name);
    }
    std::string what = fmt::format("the CHECK ({})", check.condition);
    give(check.name, {"check", view(convention.check), columns, nullptr, what});
  }
}

}  // namespace retort::detail
