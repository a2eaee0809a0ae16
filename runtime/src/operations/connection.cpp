// Connection, QueryResult and ResultRow: data migrations reading rows through
// the statement sink (online only; offline the sink refuses query()).
#include <fmt/format.h>

#include <charconv>
#include <cstdlib>

#include "operations/operations.hpp"

namespace retort {

namespace detail {

struct QueryRows {
  Rows rows;
  std::string sql;
};

}  // namespace detail

using namespace detail;

namespace {

std::vector<Value> values_of(ListRef<Param> params) {
  std::vector<Value> values;
  for (unsigned long i = 0; i < params.count; ++i) values.push_back(to_value(params.items[i]));
  return values;
}

const std::optional<std::string>& cell(const QueryRows* rows, unsigned long row, unsigned long column) {
  if (row >= rows->rows.rows.size() || column >= rows->rows.columns.size()) {
    throw Error(fmt::format("row {} column {} is out of range: the query returned {} rows of {} columns ({})", row,
                            column, rows->rows.rows.size(), rows->rows.columns.size(), rows->sql));
  }
  return rows->rows.rows[row][column];
}

}  // namespace

QueryResult Connection::query(StringRef sql, Line line) { return query_with(sql, {}, line); }

QueryResult Connection::query_with(StringRef sql, ListRef<Param> params, Line line) {
  auto rows = std::make_unique<QueryRows>();
  rows->sql = owned(sql);
  rows->rows = sink_->query(rows->sql, values_of(params), line.value);
  return QueryResult(rows.release());
}

void Connection::execute(StringRef sql, Line line) { sink_->run(owned(sql), line.value); }

void Connection::execute_with(StringRef sql, ListRef<Param> params, Line line) {
  sink_->run(owned(sql), values_of(params), line.value);
}

QueryResult::~QueryResult() { delete rows_; }

unsigned long QueryResult::size() const { return rows_ ? rows_->rows.rows.size() : 0; }
unsigned long QueryResult::column_count() const { return rows_ ? rows_->rows.columns.size() : 0; }

StringRef QueryResult::column_name(unsigned long column) const {
  if (!rows_ || column >= rows_->rows.columns.size()) {
    throw Error(fmt::format("column {} is out of range: the query returned {} columns", column, column_count()));
  }
  return rows_->rows.columns[column];
}

unsigned long ResultRow::column_index(StringRef name) const {
  const auto& columns = rows_->rows.columns;
  for (unsigned long i = 0; i < columns.size(); ++i) {
    if (columns[i] == std::string_view(name.data(), name.size())) return i;
  }
  std::string names;
  for (const auto& c : columns) names += (names.empty() ? "" : ", ") + c;
  throw Error(fmt::format("the query has no column {} (it has: {}): {}", shown(owned(name)), names, rows_->sql));
}

bool ResultRow::is_null(unsigned long column) const { return !cell(rows_, index_, column).has_value(); }
bool ResultRow::is_null(StringRef column) const { return is_null(column_index(column)); }

StringRef ResultRow::text(unsigned long column) const {
  const auto& value = cell(rows_, index_, column);
  return value ? StringRef(value->data(), value->size()) : StringRef();
}
StringRef ResultRow::text(StringRef column) const { return text(column_index(column)); }

long long ResultRow::integer(unsigned long column) const {
  const auto& value = cell(rows_, index_, column);
  if (!value) return 0;
  long long out = 0;
  auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), out);
  if (error != std::errc() || end != value->data() + value->size()) {
    throw Error(fmt::format("column {} (\"{}\") of row {} is not an integer: {}", column, rows_->rows.columns[column],
                            index_, shown(*value)));
  }
  return out;
}
long long ResultRow::integer(StringRef column) const { return integer(column_index(column)); }

double ResultRow::real(unsigned long column) const {
  const auto& value = cell(rows_, index_, column);
  if (!value) return 0;
  char* end = nullptr;
  double out = std::strtod(value->c_str(), &end);
  if (value->empty() || end != value->c_str() + value->size()) {
    throw Error(fmt::format("column {} (\"{}\") of row {} is not a number: {}", column, rows_->rows.columns[column],
                            index_, shown(*value)));
  }
  return out;
}
double ResultRow::real(StringRef column) const { return real(column_index(column)); }

}  // namespace retort
