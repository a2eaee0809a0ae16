// batch_alter_table. PostgreSQL replays the steps as plain ALTERs. SQLite
// runs them in place when each one can (add a plain column, rename a column,
// create or drop an index); otherwise it does Alembic's copy-and-move: read
// the table from the catalog, apply the steps to that model, create the new
// table under a temporary name, copy the rows, drop the old table, rename,
// and recreate the indexes (reading the table back: batch_reflect.cpp; the
// copy_from and naming_convention options: batch_options.cpp).
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "operations/batch_table.hpp"
#include "operations/sqlite_text.hpp"
#include "sql_text.hpp"

namespace retort {

using namespace detail;

void BatchOp::add_column(const Column& column, BatchColumnOptions options, Line line) {
  const std::string description = describe("add_column", {state_->table, owned(column.spec.name)});
  BatchStep::AddColumn add;
  try {
    add.column = to_column(column.spec);
  } catch (const Error& e) {
    fail(description, line.value, e.what());
  }
  add.insert_before = owned(options.insert_before);
  add.insert_after = owned(options.insert_after);
  if (!add.insert_before.empty() && !add.insert_after.empty()) {
    fail(description, line.value, "give insert_before or insert_after, not both");
  }
  // Alembic refuses them too whenever the batch does not recreate the table.
  if (add.positioned() && state_->sink->dialect() == SqlDialect::postgresql) {
    fail(description, line.value,
         fmt::format("PostgreSQL cannot place a column: ALTER TABLE ... ADD COLUMN always adds it at the end. Drop "
                     "{{.{} = {}}} (the column then goes last), or give it only when op.dialect() is "
                     "SqlDialect::sqlite",
                     add.insert_before.empty() ? "insert_after" : "insert_before",
                     shown(add.insert_before.empty() ? add.insert_after : add.insert_before)));
  }
  state_->steps.push_back({std::move(add), line.value});
}

void BatchOp::drop_column(StringRef column, Line line) {
  state_->steps.push_back({BatchStep::DropColumn{owned(column)}, line.value});
}

void BatchOp::alter_column(StringRef column, AlterColumnOptions options, Line line) {
  AlterColumnDef change = to_alter_column(state_->table, column, options);
  change.schema = state_->schema;
  state_->steps.push_back({std::move(change), line.value});
}

void BatchOp::create_index_with(StringRef name, ListRef<IndexColumn> columns, IndexOptions options, Line line) {
  IndexDef index;
  try {
    index = to_index(name, {state_->schema, state_->table}, columns, options);
  } catch (const Error& e) {
    fail(describe("create_index", {owned(name), state_->table}), line.value, e.what());
  }
  state_->steps.push_back({std::move(index), line.value});
}

void BatchOp::drop_index(StringRef name, Line line) {
  state_->steps.push_back({BatchStep::DropIndex{owned(name)}, line.value});
}

void BatchOp::create_unique_constraint_with(StringRef name, ListRef<StringRef> columns, Line line) {
  state_->steps.push_back({ConstraintDef{ConstraintDef::Kind::unique, owned(name), owned(columns), {}, {}}, line.value});
}

void BatchOp::create_primary_key_with(StringRef name, ListRef<StringRef> columns, Line line) {
  state_->steps.push_back(
      {ConstraintDef{ConstraintDef::Kind::primary_key, owned(name), owned(columns), {}, {}}, line.value});
}

void BatchOp::create_foreign_key_with(StringRef name, StringRef referent_table, ListRef<StringRef> local_columns,
                                      ListRef<StringRef> remote_columns, ForeignKeyOptions options, Line line) {
  ForeignKeyDef fk;
  try {
    fk = to_foreign_key(owned(local_columns), referent_table, owned(remote_columns), name, options);
  } catch (const Error& e) {
    fail(describe("create_foreign_key", {owned(name), state_->table}), line.value, e.what());
  }
  state_->steps.push_back({ConstraintDef{ConstraintDef::Kind::foreign_key, fk.name, {}, fk, {}}, line.value});
}

void BatchOp::create_check_constraint(StringRef name, StringRef condition, Line line) {
  state_->steps.push_back(
      {ConstraintDef{ConstraintDef::Kind::check, owned(name), {}, {}, owned(condition)}, line.value});
}

void BatchOp::drop_constraint(StringRef name, Line line) {
  state_->steps.push_back({BatchStep::DropConstraint{owned(name)}, line.value});
}

namespace detail {

namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

void run_in_place(StatementSink& sink, const QualifiedName& table, const BatchStep& step) {
  std::visit(Overloaded{
                 [&](const BatchStep::AddColumn& s) { add_column(sink, table, s.column, step.line); },
                 [&](const BatchStep::DropColumn& s) { drop_column(sink, table, s.name, step.line); },
                 [&](const AlterColumnDef& s) { alter_column(sink, s, step.line); },
                 [&](const IndexDef& s) { create_index(sink, s, step.line); },
                 [&](const BatchStep::DropIndex& s) {
                   drop_index(sink, {table.schema, s.name}, false, false, step.line);
                 },
                 [&](const ConstraintDef& s) { add_constraint(sink, table, s, step.line); },
                 [&](const BatchStep::DropConstraint& s) { drop_constraint(sink, table, s.name, step.line); },
             },
             step.action);
}

// The steps SQLite's ALTER TABLE can do itself (a positioned add_column
// also needs positioned_columns_land_last).
bool runs_in_place_on_sqlite(const BatchStep& step) {
  if (const auto* add = std::get_if<BatchStep::AddColumn>(&step.action)) {
    const ColumnDef& c = add->column;
    bool expression_default = c.server_default && c.server_default->kind == DefaultValue::Kind::expression;
    // A unique column gets a unique index (see add_column), which SQLite adds in place.
    bool stored = c.computed && c.computed->persisted == Persisted::stored;  // SQLite adds VIRTUAL ones only
    return !c.primary_key && !expression_default && !stored && (c.nullable || c.server_default);
  }
  if (const auto* alter = std::get_if<AlterColumnDef>(&step.action)) return alter->only_renames();
  return std::holds_alternative<IndexDef>(step.action) || std::holds_alternative<BatchStep::DropIndex>(step.action);
}

class SqliteRecreate {
 public:
  SqliteRecreate(StatementSink& sink, BatchState& state)
      : sink_(sink), state_(state), ddl_(ddl_dialect(SqlDialect::sqlite)) {}

  void run() {
    try {
      if (state_.options.copy_from.items.count == 0) {
        table_ = reflect_sqlite_table(sink_, state_);
      } else {
        // As Alembic: copy_from replaces the reflection (and works offline).
        table_ = table_from_definition(state_);
        if (!sink_.offline()) refuse_foreign_keys_that_would_fire(sink_, state_);
      }
      name_unnamed_constraints(table_, state_);
    } catch (const OperationError&) {
      throw;
    } catch (const Error& e) {
      fail(fmt::format("batch_alter_table({})", shown(state_.table)), state_.line, e.what());
    }
    for (const auto& step : state_.steps) {
      try {
        apply(step);
        name_unnamed_constraints(table_, state_);  // what the step added without a name
      } catch (const Error& e) {
        fail(fmt::format("batch_alter_table({})", shown(state_.table)), step.line, e.what());
      }
    }
    perform(sink_, fmt::format("batch_alter_table({})", shown(state_.table)), state_.line,
            [&](const DdlDialect&) { return statements(); });
  }

 private:
  BatchColumn& column(const std::string& name) {
    for (auto& c : table_.columns) {
      if (c.def.name == name) return c;
    }
    std::string columns;
    for (const auto& c : table_.columns) columns += (columns.empty() ? "" : ", ") + c.def.name;
    throw Error(fmt::format("table {} has no column {} (its columns: {}); check the name", shown(state_.table),
                            shown(name), columns));
  }

  void apply(const BatchStep& step) {
    std::visit(Overloaded{
                   [&](const BatchStep::AddColumn& s) { add(s); },
                   [&](const BatchStep::DropColumn& s) { drop(s.name); },
                   [&](const AlterColumnDef& s) { alter(s); },
                   [&](const IndexDef& s) { new_indexes_.push_back(s); },
                   [&](const BatchStep::DropIndex& s) { drop_index(s.name); },
                   [&](const ConstraintDef& s) { add_constraint(s); },
                   [&](const BatchStep::DropConstraint& s) { drop_constraint(s.name); },
               },
               step.action);
  }

  void add(const BatchStep::AddColumn& step) {
    const ColumnDef& def = step.column;
    for (const auto& c : table_.columns) {
      if (c.def.name == def.name) throw Error(fmt::format("table {} already has a column {}", shown(state_.table), shown(def.name)));
    }
    auto at = table_.columns.end();
    if (step.positioned()) {
      const std::string& next_to = step.insert_before.empty() ? step.insert_after : step.insert_before;
      at = table_.columns.begin() + (&column(next_to) - table_.columns.data()) + (step.insert_before.empty() ? 1 : 0);
    }
    table_.columns.insert(at, {def, {}, false});
    if (def.references) table_.foreign_keys.push_back(*def.references);
    if (def.primary_key) add_constraint({ConstraintDef::Kind::primary_key, {}, {def.name}, {}, {}});
    // The unique index the same column gets in place (add_column), whether
    // or not the batch recreates the table.
    if (def.index) {
      new_indexes_.push_back(column_index({{}, state_.table}, def.name, def.unique));
    } else if (def.unique) {
      new_indexes_.push_back(column_index({{}, state_.table}, def.name, true));
      new_indexes_.back().name = "uq_" + state_.table + "_" + def.name;
    }
  }

  void drop(const std::string& name) {
    column(name);
    std::erase_if(table_.columns, [&](const BatchColumn& c) { return c.def.name == name; });
    auto holds = [&](const std::vector<std::string>& columns) {
      return std::find(columns.begin(), columns.end(), name) != columns.end();
    };
    if (table_.primary_key && holds(table_.primary_key->columns)) table_.primary_key.reset();
    std::erase_if(table_.uniques, [&](const UniqueDef& u) { return holds(u.columns); });
    std::erase_if(table_.foreign_keys, [&](const ForeignKeyDef& fk) { return holds(fk.columns); });
    std::erase_if(table_.checks, [&](const CheckDef& c) { return mentions(c.condition, name); });
    std::erase_if(table_.indexes, [&](const BatchIndex& i) {
      return mentions(i.columns_sql, name) || mentions(i.where_sql, name);
    });
  }

  void alter(const AlterColumnDef& change) {
    BatchColumn& c = column(change.column);
    if (change.type) {
      c.type_changed = c.def.type != *change.type;
      c.def.type = *change.type;
      // The CHECK that the old type's create_constraint() wrote admits the
      // old values only; the new type brings its own, if any.
      if (change.existing_type) {
        std::string old_check = ddl_.type_check(change.column, *change.existing_type);
        std::erase_if(table_.checks, [&](const CheckDef& c) { return !old_check.empty() && c.condition == old_check; });
      }
    }
    if (change.nullable) c.def.nullable = *change.nullable;
    if (change.server_default) c.def.server_default = *change.server_default;
    if (change.new_name && *change.new_name != change.column) {
      const std::string& to = *change.new_name;
      for (const auto& other : table_.columns) {
        if (other.def.name == to) throw Error(fmt::format("table {} already has a column {}", shown(state_.table), shown(to)));
      }
      c.def.name = to;
      auto rename_in = [&](std::vector<std::string>& columns) { std::replace(columns.begin(), columns.end(), change.column, to); };
      if (table_.primary_key) rename_in(table_.primary_key->columns);
      for (auto& u : table_.uniques) rename_in(u.columns);
      for (auto& fk : table_.foreign_keys) rename_in(fk.columns);
      std::string to_sql = ddl_.quote(to);
      for (auto& check : table_.checks) check.condition = rename_identifier(check.condition, change.column, to_sql);
      for (auto& other : table_.columns) {
        if (other.def.computed) {
          other.def.computed->expression = rename_identifier(other.def.computed->expression, change.column, to_sql);
        }
      }
      for (auto& index : table_.indexes) {
        index.columns_sql = rename_identifier(index.columns_sql, change.column, to_sql);
        index.where_sql = rename_identifier(index.where_sql, change.column, to_sql);
      }
    }
  }

  void drop_index(const std::string& name) {
    auto before = table_.indexes.size() + new_indexes_.size();
    std::erase_if(table_.indexes, [&](const BatchIndex& i) { return i.name == name; });
    std::erase_if(new_indexes_, [&](const IndexDef& i) { return i.name == name; });
    if (before == table_.indexes.size() + new_indexes_.size()) {
      throw Error(fmt::format("table {} has no index {}", shown(state_.table), shown(name)));
    }
  }

  void add_constraint(const ConstraintDef& constraint) {
    switch (constraint.kind) {
      case ConstraintDef::Kind::unique:
        table_.uniques.push_back(
            {constraint.name, constraint.columns, constraint.deferrable, constraint.initially_deferred});
        break;
      case ConstraintDef::Kind::foreign_key: table_.foreign_keys.push_back(constraint.foreign_key); break;
      case ConstraintDef::Kind::check: table_.checks.push_back({constraint.name, constraint.condition}); break;
      case ConstraintDef::Kind::exclude: sqlite_ddl().exclude_clause(constraint); break;  // refuses: SQLite has none
      case ConstraintDef::Kind::primary_key:
        if (table_.primary_key) {
          throw Error(fmt::format("table {} already has a primary key; drop it first (batch.drop_constraint)",
                                  shown(state_.table)));
        }
        table_.primary_key = PrimaryKeyDef{constraint.name, constraint.columns};
        break;
    }
    for (const auto& name : constraint.columns) column(name);
  }

  void drop_constraint(const std::string& name) {
    std::size_t before = table_.uniques.size() + table_.foreign_keys.size() + table_.checks.size();
    std::erase_if(table_.uniques, [&](const UniqueDef& u) { return u.name == name; });
    std::erase_if(table_.foreign_keys, [&](const ForeignKeyDef& fk) { return fk.name == name; });
    std::erase_if(table_.checks, [&](const CheckDef& c) { return c.name == name; });
    bool dropped = before != table_.uniques.size() + table_.foreign_keys.size() + table_.checks.size();
    if (table_.primary_key && table_.primary_key->name == name) {
      table_.primary_key.reset();
      dropped = true;
    }
    if (!dropped) {
      throw Error(fmt::format(
          "table {} has no constraint named {}. SQLite only keeps the names written as `CONSTRAINT name ...` in "
          "CREATE TABLE; to drop an unnamed one, name them with the batch's naming_convention "
          "({{.naming_convention = {{.unique = \"uq_{{table}}_{{columns}}\"}}}}) and drop it by that name",
          shown(state_.table), shown(name)));
    }
  }

  std::vector<std::string> statements() const {
    const std::string temporary = ("_retort_tmp_" + state_.table).substr(0, 60);
    TableDef def;
    def.name = state_.table;
    for (const auto& c : table_.columns) def.columns.push_back(c.def);
    def.primary_key = table_.primary_key;
    def.uniques = table_.uniques;
    def.foreign_keys = table_.foreign_keys;
    def.checks = table_.checks;
    def.autoincrement = table_.autoincrement;
    def.without_rowid = table_.without_rowid;
    def.strict = table_.strict;
    if (def.columns.empty()) throw Error(fmt::format("batch_alter_table({}) would leave the table without columns", shown(state_.table)));
    // Options the changed table can no longer have are refused under its own name.
    ddl_.check_table_options(def);
    def.name = temporary;

    std::vector<std::string> out = ddl_.create_table(def);
    std::vector<std::string> targets, sources;
    for (const auto& c : table_.columns) {
      if (c.source.empty()) continue;
      targets.push_back(c.def.name);
      std::string source = ddl_.quote(c.source);
      if (c.type_changed) source = "CAST(" + source + " AS " + ddl_.type_sql(c.def.type) + ")";
      sources.push_back(source);
    }
    if (!targets.empty()) {
      std::string select;
      for (const auto& s : sources) select += (select.empty() ? "" : ", ") + s;
      out.push_back(fmt::format("INSERT INTO {} ({}) SELECT {} FROM {}", ddl_.quote(temporary),
                                ddl_.column_list(targets), select, ddl_.quote(state_.table)));
    }
    // The copy set the new counter to max(id); the old one may be higher
    // (rows deleted at the end), and ids must not be handed out again.
    if (table_.autoincrement) {
      out.push_back("DELETE FROM sqlite_sequence WHERE name = " + ddl_.literal(temporary));
      out.push_back(fmt::format("INSERT INTO sqlite_sequence (name, seq) SELECT {}, seq FROM sqlite_sequence WHERE "
                                "name = {}",
                                ddl_.literal(temporary), ddl_.literal(state_.table)));
    }
    out.push_back("DROP TABLE " + ddl_.quote(state_.table));
    out.push_back("ALTER TABLE " + ddl_.quote(temporary) + " RENAME TO " + ddl_.quote(state_.table));
    for (const auto& index : table_.indexes) {
      std::string sql = fmt::format("CREATE {}INDEX {} ON {} ({})", index.unique ? "UNIQUE " : "",
                                    ddl_.quote(index.name), ddl_.quote(state_.table), index.columns_sql);
      if (!index.where_sql.empty()) sql += " WHERE" + index.where_sql;
      out.push_back(std::move(sql));
    }
    for (const auto& index : new_indexes_) out.push_back(ddl_.index_sql(index, false));
    // DROP TABLE took the triggers with it; they come back as written.
    for (const auto& trigger : table_.triggers) out.push_back(trigger);
    return out;
  }

  StatementSink& sink_;
  BatchState& state_;
  const DdlDialect& ddl_;
  BatchTable table_;
  std::vector<IndexDef> new_indexes_;
};

// Whether each positioned add_column puts its column last anyway (after the
// last column as the earlier steps leave it), so that SQLite's ADD COLUMN
// does it. Needs the column order: copy_from's, or the catalog's online.
bool positioned_columns_land_last(StatementSink& sink, const BatchState& state) {
  std::vector<std::string> columns;
  if (state.options.copy_from.items.count != 0) {
    try {
      for (const auto& c : table_from_definition(state).columns) columns.push_back(c.def.name);
    } catch (const Error& e) {
      fail(fmt::format("batch_alter_table({})", shown(state.table)), state.line, e.what());
    }
  } else if (sink.offline()) {
    return false;
  } else {
    const std::vector<Value> table{state.table, state.schema.empty() ? "main" : state.schema};
    for (const auto& row : sink.query("SELECT name FROM pragma_table_xinfo(?, ?)", table, state.line).rows) {
      columns.push_back(row[0].value_or(""));
    }
  }
  for (const auto& step : state.steps) {
    if (const auto* add = std::get_if<BatchStep::AddColumn>(&step.action)) {
      bool last = add->insert_before.empty() &&
                  (add->insert_after.empty() || (!columns.empty() && columns.back() == add->insert_after));
      if (!last) return false;
      columns.push_back(add->column.name);
    } else if (const auto* alter = std::get_if<AlterColumnDef>(&step.action); alter && alter->new_name) {
      std::replace(columns.begin(), columns.end(), alter->column, *alter->new_name);
    }
  }
  return true;
}

bool positioned(const BatchStep& step) {
  const auto* add = std::get_if<BatchStep::AddColumn>(&step.action);
  return add && add->positioned();
}

}  // namespace

void run_batch(BatchState& state) {
  StatementSink& sink = *state.sink;
  bool in_place = sink.dialect() == SqlDialect::postgresql ||
                  (state.options.recreate != Recreate::always &&
                   std::all_of(state.steps.begin(), state.steps.end(), runs_in_place_on_sqlite) &&
                   (std::none_of(state.steps.begin(), state.steps.end(), positioned) ||
                    positioned_columns_land_last(sink, state)));
  if (in_place) {
    for (const auto& step : state.steps) run_in_place(sink, {state.schema, state.table}, step);
    return;
  }
  if (state.options.recreate == Recreate::never) {
    auto step = std::find_if_not(state.steps.begin(), state.steps.end(), runs_in_place_on_sqlite);
    if (step == state.steps.end()) {
      fail(fmt::format("batch_alter_table({})", shown(state.table)),
           std::find_if(state.steps.begin(), state.steps.end(), positioned)->line,
           "this add_column places its column before the table's last one (insert_before/insert_after), which "
           "needs SQLite to recreate the table, but the batch says recreate = Recreate::never. Allow it "
           "(Recreate::automatic) or add the column at the end");
    }
    fail(fmt::format("batch_alter_table({})", shown(state.table)), step->line,
         "this step needs SQLite to recreate the table, but the batch says recreate = Recreate::never. Allow it "
         "(Recreate::automatic) or drop the step");
  }
  if (!state.schema.empty() && state.schema != "main") {
    fail(fmt::format("batch_alter_table({})", shown(state.table)), state.line,
         fmt::format("this batch needs SQLite to recreate the table, and the copy-and-move reads and writes the main "
                     "database only, not the attached database {}. Keep batches on attached databases to what "
                     "SQLite does in place (add a plain column, rename a column, create or drop an index)",
                     shown(state.schema)));
  }
  if (sink.offline() && state.options.copy_from.items.count == 0) {
    fail(fmt::format("batch_alter_table({})", shown(state.table)), state.line,
         "on SQLite this batch recreates the table, which needs the table's current definition read from the "
         "database, and offline (--sql) there is no database. Give the definition as "
         "{.copy_from = TableDefinition(Column(...), ...)}, run this migration online, or keep offline batches "
         "to what SQLite does in place (add a plain column, rename a column, create or drop an index)");
  }
  SqliteRecreate(sink, state).run();
}

}  // namespace detail

}  // namespace retort
