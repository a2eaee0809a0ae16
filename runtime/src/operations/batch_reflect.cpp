// batch_alter_table on SQLite reads the table back from the catalog:
// columns and keys from the pragmas, constraint names, CHECKs, collations,
// computed expressions and the table options (AUTOINCREMENT, WITHOUT ROWID,
// STRICT) from the CREATE TABLE text SQLite keeps.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "operations/batch_table.hpp"
#include "operations/sqlite_text.hpp"

namespace retort::detail {

namespace {

class SqliteReflection {
 public:
  SqliteReflection(StatementSink& sink, const BatchState& state)
      : sink_(sink), state_(state), ddl_(ddl_dialect(SqlDialect::sqlite)) {}

  BatchTable reflect() {
    const std::string& name = state_.table;
    Rows master = read("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", {name});
    if (master.rows.empty() || !master.rows[0][0]) {
      fail(fmt::format("batch_alter_table({})", shown(name)), state_.line,
           fmt::format("SQLite has no table {}; check the name (it is case-sensitive here) and that an earlier "
                       "migration created it",
                       shown(name)));
    }
    const std::string create_sql = *master.rows[0][0];
    const std::string quoted = ddl_.quote(name);
    refuse_what_the_copy_cannot_keep(create_sql);
    for (const auto& row : read("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? "
                                "AND sql IS NOT NULL ORDER BY name", {name}).rows) {
      table_.triggers.push_back(*row[0]);
    }

    std::vector<std::pair<int, std::string>> key;
    // table_xinfo also lists computed columns (hidden 2: virtual, 3: stored).
    for (const auto& row : read("PRAGMA table_xinfo(" + quoted + ")").rows) {
      BatchColumn column;
      column.def.name = row[1].value_or("");
      column.def.type.kind = TypeKind::raw;
      column.def.type.name = row[2].value_or("");
      column.def.nullable = row[3].value_or("0") == "0";
      if (row[4]) column.def.server_default = ServerDefault{DefaultValue::Kind::expression, *row[4]};
      column.source = column.def.name;
      if (auto collation = collations_.find(column.def.name); collation != collations_.end()) {
        column.def.collation = collation->second;
      }
      int hidden = std::stoi(row.size() > 6 ? row[6].value_or("0") : "0");
      if (hidden == 2 || hidden == 3) {
        column.def.computed = computed_of(create_sql, column.def.name, hidden == 3);
        column.source.clear();  // the new table computes it again; it cannot be copied into
      }
      int key_position = std::stoi(row[5].value_or("0"));
      if (key_position > 0) key.emplace_back(key_position, column.def.name);
      table_.columns.push_back(std::move(column));
    }
    std::sort(key.begin(), key.end());
    if (!key.empty()) {
      table_.primary_key = PrimaryKeyDef{};
      for (auto& [position, column] : key) table_.primary_key->columns.push_back(column);
    }

    std::map<int, ForeignKeyDef> foreign_keys;
    for (const auto& row : read("PRAGMA foreign_key_list(" + quoted + ")").rows) {
      ForeignKeyDef& fk = foreign_keys[std::stoi(row[0].value_or("0"))];
      fk.referent_table = row[2].value_or("");
      fk.columns.push_back(row[3].value_or(""));
      if (row[4]) fk.referent_columns.push_back(*row[4]);
      std::string on_update = row[5].value_or("NO ACTION"), on_delete = row[6].value_or("NO ACTION");
      fk.onupdate = on_update == "NO ACTION" ? "" : on_update;
      fk.ondelete = on_delete == "NO ACTION" ? "" : on_delete;
    }
    for (auto& [id, fk] : foreign_keys) {
      if (fk.referent_columns.empty()) fk.referent_columns = primary_key_of(fk.referent_table);
      table_.foreign_keys.push_back(fk);
    }

    for (const auto& row : read("PRAGMA index_list(" + quoted + ")").rows) {
      std::string index = row[1].value_or("");
      std::string origin = row[3].value_or("c");
      if (origin == "u") {
        UniqueDef unique;
        for (const auto& column : read("PRAGMA index_info(" + ddl_.quote(index) + ")").rows) {
          unique.columns.push_back(column[2].value_or(""));
        }
        table_.uniques.push_back(unique);
      } else if (origin == "c") {
        Rows sql = read("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", {index});
        if (!sql.rows.empty() && sql.rows[0][0]) table_.indexes.push_back(parse_index(index, *sql.rows[0][0]));
      }
    }
    read_constraint_names_and_checks(create_sql);
    refuse_when_foreign_keys_would_fire();
    return std::move(table_);
  }

  void check_foreign_keys() { refuse_when_foreign_keys_would_fire(); }

 private:
  Rows read(const std::string& sql, std::vector<Value> params = {}) {
    return sink_.query(sql, params, state_.line);
  }

  // The copy is rebuilt from the catalog's model of the table; what that
  // model cannot express would be lost silently, so it is refused instead.
  // Reads the collations and table options on the way.
  void refuse_what_the_copy_cannot_keep(const std::string& create_sql) {
    auto refuse = [&](std::string_view what) {
      fail(fmt::format("batch_alter_table({})", shown(state_.table)), state_.line,
           fmt::format("the table has {}, which Retort's copy-and-move would not keep. Write this change as "
                       "op.execute() statements (CREATE TABLE new ..., INSERT INTO new SELECT ..., DROP TABLE, "
                       "ALTER TABLE new RENAME TO ...)",
                       what));
    };
    auto statement = tokens_of(create_sql);
    auto body = std::find_if(statement.begin(), statement.end(), [](const Token& t) { return t.group; });
    // The options after the definition: `WITHOUT ROWID`, `STRICT`, comma-separated.
    for (auto option = body == statement.end() ? body : body + 1; option != statement.end(); ++option) {
      if (option->text == ",") continue;
      if (is_keyword(*option, "STRICT")) {
        table_.strict = true;
      } else if (is_keyword(*option, "WITHOUT") && option + 1 != statement.end() && is_keyword(option[1], "ROWID")) {
        table_.without_rowid = true;
        ++option;
      } else {
        refuse(fmt::format("the table option `{}` after its definition", option->text));
      }
    }
    if (body != statement.end()) {
      for (const auto& item : split_top_level(std::string_view(body->text).substr(1, body->text.size() - 2))) {
        auto tokens = tokens_of(item);
        // A UNIQUE or PRIMARY KEY comes back from PRAGMA index_info as bare
        // column names: a COLLATE inside its column list would be lost.
        for (std::size_t i = 0; !tokens.empty() && is_table_constraint(tokens[0]) && i + 1 < tokens.size(); ++i) {
          if (!is_keyword(tokens[i], "UNIQUE") && !is_keyword(tokens[i], "KEY")) continue;
          if (!tokens[i + 1].group) continue;
          for (const auto& inner : tokens_of(tokens[i + 1].text.substr(1, tokens[i + 1].text.size() - 2))) {
            if (is_keyword(inner, "COLLATE")) refuse("a COLLATE clause in a UNIQUE or PRIMARY KEY column list");
          }
        }
        for (std::size_t i = 0; i < tokens.size(); ++i) {
          if (is_keyword(tokens[i], "AUTOINCREMENT")) table_.autoincrement = true;
          if (is_keyword(tokens[i], "CONFLICT")) refuse("an ON CONFLICT clause");
          // PRAGMA foreign_key_list, which the copy's keys come from, does not
          // say it; any other DEFERRABLE behaves as immediate in SQLite.
          if (is_keyword(tokens[i], "DEFERRABLE") && (i == 0 || !is_keyword(tokens[i - 1], "NOT")) &&
              i + 2 < tokens.size() && is_keyword(tokens[i + 1], "INITIALLY") && is_keyword(tokens[i + 2], "DEFERRED"))
            refuse("a DEFERRABLE INITIALLY DEFERRED foreign key");
          if (!is_keyword(tokens[i], "COLLATE")) continue;
          // A column's own collation is kept; one inside a table constraint is not.
          if (i == 0 || i + 1 >= tokens.size() || is_table_constraint(tokens[0])) refuse("a COLLATE clause in a constraint");
          collations_[tokens[0].text] = tokens[i + 1].text;
        }
      }
    }
  }

  // GENERATED ALWAYS AS (expression) of `column`, read from CREATE TABLE.
  static ComputedDef computed_of(const std::string& create_sql, const std::string& column, bool stored) {
    auto statement = tokens_of(create_sql);
    auto body = std::find_if(statement.begin(), statement.end(), [](const Token& t) { return t.group; });
    if (body != statement.end()) {
      for (const auto& item : split_top_level(std::string_view(body->text).substr(1, body->text.size() - 2))) {
        auto tokens = tokens_of(item);
        if (tokens.empty() || tokens[0].text != column) continue;
        for (std::size_t i = 1; i + 1 < tokens.size(); ++i) {
          if (is_keyword(tokens[i], "AS") && tokens[i + 1].group) {
            const std::string& group = tokens[i + 1].text;
            return {group.substr(1, group.size() - 2), stored ? Persisted::stored : Persisted::virtual_column};
          }
        }
      }
    }
    throw Error(fmt::format("cannot read the expression of the computed column {}", shown(column)));
  }

  // With PRAGMA foreign_keys on, dropping the old table deletes its rows
  // first, which fires the ON DELETE actions of tables that reference it
  // (cascading deletes, or a failure). SQLite ignores the pragma inside a
  // transaction, so Retort cannot switch it off for the copy.
  void refuse_when_foreign_keys_would_fire() {
    Rows enabled = read("PRAGMA foreign_keys");
    if (enabled.rows.empty() || enabled.rows[0][0].value_or("0") != "1") return;
    Rows referencing = read(
        "SELECT m.name FROM sqlite_master m, pragma_foreign_key_list(m.name) f "
        "WHERE m.type = 'table' AND f.\"table\" = ? AND m.name <> ?",
        {state_.table, state_.table});
    if (referencing.rows.empty()) return;
    fail(fmt::format("batch_alter_table({})", shown(state_.table)), state_.line,
         fmt::format("PRAGMA foreign_keys is on and table {} references {}, so dropping the old table during the "
                     "copy would fire its ON DELETE actions. Run the migration with foreign keys off (the default of "
                     "Retort's connection; remove the PRAGMA foreign_keys = ON that the migration or the "
                     "application ran)",
                     shown(referencing.rows[0][0].value_or("")), shown(state_.table)));
  }

  std::vector<std::string> primary_key_of(const std::string& table) {
    std::vector<std::pair<int, std::string>> key;
    for (const auto& row : read("PRAGMA table_info(" + ddl_.quote(table) + ")").rows) {
      int position = std::stoi(row[5].value_or("0"));
      if (position > 0) key.emplace_back(position, row[1].value_or(""));
    }
    std::sort(key.begin(), key.end());
    std::vector<std::string> columns;
    for (auto& [position, column] : key) columns.push_back(column);
    return columns;
  }

  // CREATE [UNIQUE] INDEX [IF NOT EXISTS] name ON table (columns) [WHERE condition]
  static BatchIndex parse_index(const std::string& name, const std::string& sql) {
    BatchIndex index;
    index.name = name;
    auto tokens = tokens_of(sql);
    index.unique = tokens.size() > 1 && is_keyword(tokens[1], "UNIQUE");
    auto on = std::find_if(tokens.begin(), tokens.end(), [](const Token& t) { return is_keyword(t, "ON"); });
    auto columns = std::find_if(on, tokens.end(), [](const Token& t) { return t.group; });
    if (columns == tokens.end()) {
      throw Error(fmt::format("cannot read the definition of index {}: {}; drop it before the batch and create it "
                              "again afterwards",
                              shown(name), sql));
    }
    index.columns_sql = columns->text.substr(1, columns->text.size() - 2);
    auto where = columns + 1;
    if (where != tokens.end() && is_keyword(*where, "WHERE")) index.where_sql = sql.substr(where->end);
    return index;
  }

  // The catalog pragmas give no constraint names and no CHECKs: read them
  // from the CREATE TABLE statement SQLite keeps.
  void read_constraint_names_and_checks(const std::string& create_sql) {
    auto statement = tokens_of(create_sql);
    auto body = std::find_if(statement.begin(), statement.end(), [](const Token& t) { return t.group; });
    if (body == statement.end()) return;
    for (const auto& item : split_top_level(std::string_view(body->text).substr(1, body->text.size() - 2))) {
      auto tokens = tokens_of(item);
      if (tokens.empty()) continue;
      bool table_level = is_keyword(tokens[0], "CONSTRAINT") || is_keyword(tokens[0], "PRIMARY") ||
                         is_keyword(tokens[0], "UNIQUE") || is_keyword(tokens[0], "CHECK") ||
                         is_keyword(tokens[0], "FOREIGN");
      for (std::size_t i = table_level ? 0 : 1; i < tokens.size(); ++i) {
        std::string name;
        if (is_keyword(tokens[i], "CONSTRAINT") && i + 1 < tokens.size()) {
          name = tokens[i + 1].text;
          i += 2;
          if (i >= tokens.size()) break;
        }
        const Token& kind = tokens[i];
        const Token* group = nullptr;
        for (std::size_t j = i + 1; j < tokens.size() && j <= i + 2; ++j) {
          if (tokens[j].group) {
            group = &tokens[j];
            break;
          }
        }
        if (is_keyword(kind, "CHECK") && group) {
          table_.checks.push_back({name, group->text.substr(1, group->text.size() - 2)});
        } else if (is_keyword(kind, "PRIMARY") && table_.primary_key && !name.empty()) {
          table_.primary_key->name = name;  // table-level, or a column's own (PRIMARY KEY AUTOINCREMENT)
        } else if (!table_level || !group || name.empty()) {
          continue;
        } else if (is_keyword(kind, "UNIQUE")) {
          for (auto& unique : table_.uniques) {
            if (unique.columns == names_in_group(*group)) unique.name = name;
          }
        } else if (is_keyword(kind, "FOREIGN")) {
          for (auto& fk : table_.foreign_keys) {
            if (fk.columns == names_in_group(*group)) fk.name = name;
          }
        }
      }
    }
  }

  StatementSink& sink_;
  const BatchState& state_;
  const DdlDialect& ddl_;
  BatchTable table_;
  std::map<std::string, std::string> collations_;  // column -> COLLATE name, from CREATE TABLE
};

}  // namespace

BatchTable reflect_sqlite_table(StatementSink& sink, const BatchState& state) {
  return SqliteReflection(sink, state).reflect();
}

void refuse_foreign_keys_that_would_fire(StatementSink& sink, const BatchState& state) {
  SqliteReflection(sink, state).check_foreign_keys();
}

}  // namespace retort::detail
