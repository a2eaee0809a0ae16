// retort::Op's index and constraint operations: create_index and drop_index,
// the named table constraints, validate_constraint and drop_constraint.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "operations/operations.hpp"

namespace retort {

namespace detail {

namespace {

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

bool all_of_chars(std::string_view text, bool (*allowed)(char)) {
  return !text.empty() && std::all_of(text.begin(), text.end(), allowed);
}

// "fillfactor = 70, deduplicate_items = off": names and plain values only,
// so the text cannot carry anything else into the statement.
std::vector<std::pair<std::string, std::string>> storage_parameters(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  if (trimmed(text).empty()) return out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = std::min(text.find(',', start), text.size());
    std::string_view item = text.substr(start, comma - start);
    std::size_t equals = item.find('=');
    std::string_view key = trimmed(item.substr(0, equals));
    std::string_view value = equals == std::string_view::npos ? std::string_view() : trimmed(item.substr(equals + 1));
    bool good_key = all_of_chars(key, [](char c) { return (c >= 'a' && c <= 'z') || c == '_' || (c >= '0' && c <= '9'); });
    bool good_value = all_of_chars(value, [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
    });
    if (!good_key || !good_value) {
      throw Error(fmt::format("the index storage parameters {} are not a list of name = value (e.g. \"fillfactor = "
                              "70, deduplicate_items = off\"); {} is not",
                              shown(text), shown(trimmed(item))));
    }
    out.emplace_back(key, value);
    start = comma + 1;
  }
  return out;
}

}  // namespace

namespace {

IndexColumnDef to_index_column(const IndexColumn& c) {
  return {owned(c.text), c.expression, c.descending, c.nulls, owned(c.op_class)};
}

}  // namespace

IndexDef to_index(StringRef name, const QualifiedName& table, ListRef<IndexColumn> columns,
                  const IndexOptions& options) {
  IndexDef index;
  index.name = qualified_name({}, name, "index", "{.schema = \"schema\"} (the index goes in its table's schema)").name;
  index.table = table.name;
  index.schema = table.schema;
  for (unsigned long i = 0; i < columns.count; ++i) index.columns.push_back(to_index_column(columns.items[i]));
  index.unique = options.unique;
  index.where = owned(options.where);
  index.concurrently = options.concurrently;
  index.if_not_exists = options.if_not_exists;
  index.method = owned(options.method);
  for (unsigned long i = 0; i < options.include.count; ++i) index.include.push_back(owned(options.include.names[i]));
  index.with = storage_parameters(std::string_view(options.with.data(), options.with.size()));
  index.tablespace = owned(options.tablespace);
  index.nulls_not_distinct = options.nulls_not_distinct;
  if (index.nulls_not_distinct && !index.unique) {
    throw Error("nulls_not_distinct applies to unique indexes only; add .unique = true");
  }
  return index;
}

ConstraintDef to_exclude(StringRef name, ListRef<ExcludeElement> elements, const ExcludeOptions& options) {
  ConstraintDef constraint{ConstraintDef::Kind::exclude, owned(name), {}, {}, {},
                           options.deferrable || options.initially_deferred, options.initially_deferred};
  if (!options.method.empty()) constraint.exclude.method = owned(options.method);
  constraint.exclude.where = owned(options.where);
  for (unsigned long i = 0; i < elements.count; ++i) {
    const ExcludeElement& e = elements.items[i];
    std::string op = owned(e.op);
    // PostgreSQL's operator characters: nothing else can reach the statement.
    bool operator_text = op.size() <= 63 && all_of_chars(op, [](char c) {
      return std::string_view("+-*/<>=~!@#%^&|`?").find(c) != std::string_view::npos;
    });
    if (!operator_text) {
      throw Error(fmt::format("{} is not an operator for the EXCLUDE element {}; write one such as =, && or <->",
                              shown(op), shown(owned(e.column.text))));
    }
    constraint.exclude.elements.push_back({to_index_column(e.column), op});
  }
  return constraint;
}

}  // namespace detail

using namespace detail;

void Op::create_index_with(StringRef name, StringRef table, ListRef<IndexColumn> columns, IndexOptions options,
                           Line line) {
  IndexDef index;
  try {
    index = to_index(name, qualified_name(options.schema, table, "table", schema_hint), columns, options);
  } catch (const Error& e) {
    fail(describe("create_index", {owned(name), owned(table)}), line.value, e.what());
  }
  detail::create_index(*sink_, index, line.value);
}

void Op::drop_index(StringRef name, DropIndexOptions options, Line line) {
  QualifiedName index;
  try {
    index = qualified_name(options.schema, name, "index", schema_hint);
  } catch (const Error& e) {
    fail(describe("drop_index", {owned(name)}), line.value, e.what());
  }
  detail::drop_index(*sink_, index, options.concurrently, options.if_exists, line.value);
}

void Op::drop_index(StringRef name, StringRef, DropIndexOptions options, Line line) {
  drop_index(name, options, line);
}

namespace {

void add_table_constraint(StatementSink& sink, StringRef schema, StringRef table, const char* operation,
                          StringRef name, unsigned line, const std::function<ConstraintDef()>& make) {
  ConstraintDef constraint;
  QualifiedName on;
  try {
    on = qualified_name(schema, table, "table", schema_hint);
    constraint = make();
  } catch (const Error& e) {
    fail(describe(operation, {owned(name), owned(table)}), line, e.what());
  }
  detail::add_constraint(sink, on, constraint, line);
}

}  // namespace

void Op::create_unique_constraint_with(StringRef name, StringRef table, ListRef<StringRef> columns,
                                       UniqueConstraintOptions options, Line line) {
  add_table_constraint(*sink_, options.schema, table, "create_unique_constraint", name, line.value, [&] {
    return ConstraintDef{ConstraintDef::Kind::unique, owned(name), owned(columns), {}, {},
                         options.deferrable || options.initially_deferred, options.initially_deferred};
  });
}

void Op::create_primary_key_with(StringRef name, StringRef table, ListRef<StringRef> columns, SchemaOptions options,
                                 Line line) {
  add_table_constraint(*sink_, options.schema, table, "create_primary_key", name, line.value, [&] {
    return ConstraintDef{ConstraintDef::Kind::primary_key, owned(name), owned(columns), {}, {}};
  });
}

void Op::create_foreign_key_with(StringRef name, StringRef source_table, StringRef referent_table,
                                 ListRef<StringRef> local_columns, ListRef<StringRef> remote_columns,
                                 ForeignKeyOptions options, Line line) {
  add_table_constraint(*sink_, options.source_schema, source_table, "create_foreign_key", name, line.value, [&] {
    ForeignKeyDef fk = to_foreign_key(owned(local_columns), referent_table, owned(remote_columns), name, options);
    return ConstraintDef{ConstraintDef::Kind::foreign_key, fk.name, {}, fk, {}};
  });
}

void Op::create_check_constraint(StringRef name, StringRef table, StringRef condition, SchemaOptions options,
                                 Line line) {
  add_table_constraint(*sink_, options.schema, table, "create_check_constraint", name, line.value, [&] {
    return ConstraintDef{ConstraintDef::Kind::check, owned(name), {}, {}, owned(condition)};
  });
}

void Op::create_exclude_constraint_with(StringRef name, StringRef table, ListRef<ExcludeElement> elements,
                                        ExcludeOptions options, Line line) {
  add_table_constraint(*sink_, options.schema, table, "create_exclude_constraint", name, line.value,
                       [&] { return to_exclude(name, elements, options); });
}

void Op::validate_constraint(StringRef name, StringRef table, SchemaOptions options, Line line) {
  perform(*sink_, describe("validate_constraint", {owned(name), owned(table)}), line.value, [&](const DdlDialect& ddl) {
    return ddl.validate_constraint(qualified_name(options.schema, table, "table", schema_hint), owned(name));
  });
}

void Op::drop_constraint(StringRef name, StringRef table, SchemaOptions options, Line line) {
  perform(*sink_, describe("drop_constraint", {owned(name), owned(table)}), line.value, [&](const DdlDialect& ddl) {
    return ddl.drop_constraint(qualified_name(options.schema, table, "table", schema_hint), owned(name));
  });
}

}  // namespace retort
