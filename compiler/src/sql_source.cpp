#include "sql_source.hpp"

#include "edit_distance.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

namespace retort::compiler {
namespace {

bool is_word_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool is_word_char(char c) {
  return is_word_start(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '$';
}

std::string upper(std::string_view word) {
  std::string result(word);
  for (auto& c : result) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return result;
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n\f\v");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n\f\v");
  return text.substr(first, last - first + 1);
}

// Walks the text once, tracking line/column, and cuts statements.
class Splitter {
 public:
  Splitter(std::string_view text, unsigned first_line) : text_(text), line_(first_line) {}

  SplitResult run() {
    while (pos_ < text_.size()) step();
    finish_statement(text_.size());
    return std::move(result_);
  }

 private:
  char at(std::size_t i) const { return i < text_.size() ? text_[i] : '\0'; }

  void advance(std::size_t count = 1) {
    for (std::size_t i = 0; i < count && pos_ < text_.size(); ++i, ++pos_) {
      if (text_[pos_] == '\n') {
        ++line_;
        column_ = 1;
      } else {
        ++column_;
      }
    }
  }

  void mark_significant() {
    if (!statement_start_) {
      statement_start_ = pos_;
      statement_line_ = line_;
    }
    last_significant_end_ = pos_ + 1;
  }

  void step() {
    const char c = text_[pos_];
    const std::size_t start = pos_;
    const bool after_word = pos_ > 0 && is_word_char(text_[pos_ - 1]);
    if (c == '-' && at(pos_ + 1) == '-') return skip_line_comment();
    if (c == '/' && at(pos_ + 1) == '*') return skip_block_comment();
    if (c == '\'') {
      skip_quoted('\'', /*backslash_escapes=*/previous_word_is_escape_prefix());
      return canonical_append(start);
    }
    if (c == '"') {
      skip_quoted('"', false);
      return canonical_append(start);
    }
    if (c == '$' && !after_word) {
      if (auto tag = dollar_tag()) {
        skip_dollar_quoted(*tag);
        return canonical_append(start);
      }
    }
    if (is_word_start(c) && !after_word) {
      read_word();
      return canonical_append(start);
    }
    if (c == ';' && body_depth_ == 0) {
      finish_statement(pos_);
      advance();
      return;
    }
    if (std::isspace(static_cast<unsigned char>(c))) {
      canonical_gap_ = true;
      advance();
      return;
    }
    mark_significant();
    advance();
    canonical_append(start);
  }

  // The statement as the checksum sees it: comments dropped, every run of
  // white space and comments folded to one space, and no space beside
  // ( ) , ; (where SQL never needs one). Literals, quoted names and
  // dollar-quoted bodies are kept byte for byte.
  void canonical_append(std::size_t start) {
    const std::string_view piece = text_.substr(start, pos_ - start);
    if (piece.empty()) return;
    auto tight = [](char c) { return c == '(' || c == ')' || c == ',' || c == ';'; };
    if (canonical_gap_ && !canonical_.empty() && !tight(canonical_.back()) && !tight(piece.front()))
      canonical_.push_back(' ');
    canonical_gap_ = false;
    canonical_.append(piece);
  }

  bool previous_word_is_escape_prefix() const {
    return pos_ > 0 && (text_[pos_ - 1] == 'E' || text_[pos_ - 1] == 'e') &&
           (pos_ < 2 || !is_word_char(text_[pos_ - 2]));
  }

  void skip_line_comment() {
    canonical_gap_ = true;
    while (pos_ < text_.size() && text_[pos_] != '\n') advance();
  }

  void skip_block_comment() {
    canonical_gap_ = true;
    const unsigned line = line_, column = column_;
    int depth = 0;
    while (pos_ < text_.size()) {
      if (text_[pos_] == '/' && at(pos_ + 1) == '*') {
        ++depth;
        advance(2);
      } else if (text_[pos_] == '*' && at(pos_ + 1) == '/') {
        advance(2);
        if (--depth == 0) return;
      } else {
        advance();
      }
    }
    problem(line, column, "unterminated /* comment */ starting here; close it with */");
  }

  void skip_quoted(char quote, bool backslash_escapes) {
    const unsigned line = line_, column = column_;
    mark_significant();
    advance();
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (backslash_escapes && c == '\\') {
        advance(2);
        continue;
      }
      if (c == quote) {
        if (at(pos_ + 1) == quote) {  // doubled quote escapes itself
          advance(2);
          continue;
        }
        mark_significant();
        advance();
        return;
      }
      advance();
    }
    problem(line, column,
            quote == '\'' ? "unterminated string literal starting here; close it with '"
                          : "unterminated quoted identifier starting here; close it with \"");
  }

  std::optional<std::string> dollar_tag() const {
    std::size_t end = pos_ + 1;
    if (end < text_.size() && is_word_start(text_[end]) && text_[end] != '$') {
      while (end < text_.size() && is_word_char(text_[end]) && text_[end] != '$') ++end;
    }
    if (at(end) != '$') return std::nullopt;
    return std::string(text_.substr(pos_, end - pos_ + 1));
  }

  void skip_dollar_quoted(const std::string& tag) {
    const unsigned line = line_, column = column_;
    mark_significant();
    advance(tag.size());
    const auto close = text_.find(tag, pos_);
    if (close == std::string_view::npos) {
      advance(text_.size() - pos_);
      problem(line, column, "unterminated dollar-quoted string " + tag + " starting here; close it with " + tag);
      return;
    }
    advance(close - pos_);
    mark_significant();
    advance(tag.size() - 1);
    mark_significant();
    advance();
  }

  void read_word() {
    const std::size_t start = pos_;
    mark_significant();
    while (pos_ < text_.size() && is_word_char(text_[pos_])) {
      mark_significant();
      advance();
    }
    const std::string word = upper(text_.substr(start, pos_ - start));
    on_word(word);
  }

  // Tracks just enough grammar to keep trigger / BEGIN ATOMIC bodies whole.
  void on_word(const std::string& word) {
    if (words_.size() < 6) words_.push_back(word);
    if (body_depth_ > 0) {
      if (word == "CASE") {
        ++case_depth_;
      } else if (word == "END") {
        if (case_depth_ > 0)
          --case_depth_;
        else
          body_depth_ = 0;
      }
    } else if (word == "BEGIN" && is_trigger_statement()) {
      body_depth_ = 1;
      body_line_ = line_;
      body_column_ = column_ - 5;
    } else if (word == "ATOMIC" && previous_word_ == "BEGIN" && !words_.empty() && words_[0] == "CREATE") {
      body_depth_ = 1;
      body_line_ = line_;
      body_column_ = column_ - 6;
    }
    previous_word_ = word;
  }

  bool is_trigger_statement() const {
    // CREATE [TEMP|TEMPORARY] TRIGGER ...
    if (words_.size() < 2 || words_[0] != "CREATE") return false;
    if (words_[1] == "TRIGGER") return true;
    return words_.size() >= 3 && (words_[1] == "TEMP" || words_[1] == "TEMPORARY") &&
           words_[2] == "TRIGGER";
  }

  void finish_statement(std::size_t terminator) {
    if (terminator >= text_.size() && body_depth_ > 0)
      problem(body_line_, body_column_,
              "trigger/function body opened here is never closed with END; add `END;`");
    if (statement_start_) {
      const std::size_t end = std::min(last_significant_end_, terminator);
      result_.statements.push_back({std::string(trim(text_.substr(*statement_start_, end - *statement_start_))),
                                    statement_line_, std::move(canonical_)});
    }
    canonical_.clear();
    canonical_gap_ = false;
    statement_start_.reset();
    last_significant_end_ = 0;
    words_.clear();
    previous_word_.clear();
    body_depth_ = 0;
    case_depth_ = 0;
  }

  void problem(unsigned line, unsigned column, std::string message) {
    result_.problems.push_back({line, column, std::move(message)});
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  unsigned line_;
  unsigned column_ = 1;
  std::optional<std::size_t> statement_start_;
  unsigned statement_line_ = 0;
  std::size_t last_significant_end_ = 0;
  std::vector<std::string> words_;  // first words of the current statement
  std::string previous_word_;
  int body_depth_ = 0;
  int case_depth_ = 0;
  std::string canonical_;
  bool canonical_gap_ = false;
  unsigned body_line_ = 0, body_column_ = 0;
  SplitResult result_;
};

struct HeaderField {
  const char* name;  // as written in the file
  bool required;
};
constexpr std::array<HeaderField, 6> header_fields{{
    {"Revision ID", true},
    {"Revises", true},
    {"Message", true},
    {"Branch Labels", false},
    {"Depends On", false},
    {"Transactional", false},
}};

// Written by `revision` (as Alembic does) and read by people only.
constexpr std::string_view informational_field = "Create Date";

// A comment shaped `-- Name: value`, Name one to three words of letters
// separated by single spaces and the colon followed by a space or the end:
// the shape of a header field. Returns Name, or empty for ordinary prose
// (`-- Adds the index concurrently: ...`, `-- https://...`, `-- 10:30`).
std::string_view field_name(std::string_view comment) {
  std::size_t i = 0, words = 0;
  while (i < comment.size() && std::isalpha(static_cast<unsigned char>(comment[i]))) {
    ++words;
    while (i < comment.size() && std::isalpha(static_cast<unsigned char>(comment[i]))) ++i;
    if (i < comment.size() && comment[i] == ' ' && i + 1 < comment.size() &&
        std::isalpha(static_cast<unsigned char>(comment[i + 1])))
      ++i;
  }
  std::size_t colon = i;
  while (colon < comment.size() && (comment[colon] == ' ' || comment[colon] == '\t')) ++colon;
  const bool colon_ends_name = colon < comment.size() && comment[colon] == ':' &&
                               (colon + 1 == comment.size() || comment[colon + 1] == ' ' || comment[colon + 1] == '\t');
  return words >= 1 && words <= 3 && colon_ends_name ? comment.substr(0, i) : std::string_view{};
}

std::string lower(std::string_view text) {
  std::string result(text);
  for (auto& c : result) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return result;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// `-- Transaction: false` would otherwise be ignored and the migration run
// inside a transaction: an unknown field is an error naming the nearest one.
std::string unknown_field_message(std::string_view name) {
  std::string best;
  std::size_t best_distance = static_cast<std::size_t>(-1);
  std::string all;
  auto consider = [&](std::string_view field) {
    const auto distance = edit_distance(lower(name), lower(field));
    if (distance < best_distance) best = std::string(field), best_distance = distance;
    all += (all.empty() ? "" : ", ") + std::string(field);
  };
  for (const auto& field : header_fields) consider(field.name);
  consider(informational_field);
  std::string message = "unknown header field `-- " + std::string(name) + ":`";
  message += best_distance <= std::max<std::size_t>(2, name.size() / 3) ? "; did you mean `-- " + best + ":`?" : ".";
  return message + " The header fields are " + all +
         "; a comment before `-- retort:upgrade` that is not one of them must not start with `Word:`";
}

struct FoundField {
  unsigned line = 0;
  unsigned value_column = 0;  // column of the first character of the value
  std::string value;          // trimmed
  std::string raw_line;
};

// Splits "a, b ,c" keeping the column of each item.
std::vector<LocatedText> split_list(const FoundField& field) {
  std::vector<LocatedText> items;
  std::size_t start = 0;
  const std::string& value = field.value;
  while (start <= value.size()) {
    auto comma = value.find(',', start);
    if (comma == std::string::npos) comma = value.size();
    const std::string_view piece(value.data() + start, comma - start);
    const auto item = trim(piece);
    if (!item.empty()) {
      const auto offset = static_cast<unsigned>(item.data() - value.data());
      items.push_back({std::string(item), field.line, field.value_column + offset});
    }
    start = comma + 1;
  }
  return items;
}

}  // namespace

SplitResult split_sql_statements(std::string_view text, unsigned first_line) {
  return Splitter(text, first_line).run();
}

std::string normalize_line_endings(std::string_view content) {
  std::string result;
  result.reserve(content.size());
  for (std::size_t i = 0; i < content.size(); ++i) {
    if (content[i] == '\r') {
      result.push_back('\n');
      if (i + 1 < content.size() && content[i + 1] == '\n') ++i;
    } else {
      result.push_back(content[i]);
    }
  }
  return result;
}

MigrationSource parse_sql_migration(std::string_view raw_content, const std::string& path) {
  MigrationSource source;
  source.kind = SourceKind::sql;
  source.path = path;
  // Editors on Windows may start the file with a UTF-8 byte order mark.
  if (raw_content.starts_with("\xEF\xBB\xBF")) raw_content.remove_prefix(3);
  const std::string content = normalize_line_endings(raw_content);

  auto error = [&](unsigned line, unsigned column, std::string message) {
    source.diagnostics.push_back({Severity::error, path, line, column, std::move(message)});
  };
  auto note = [&](unsigned line, unsigned column, std::string message) {
    source.diagnostics.push_back({Severity::note, path, line, column, std::move(message)});
  };

  std::array<std::optional<FoundField>, header_fields.size()> found;
  enum class Section { header, upgrade, downgrade } section = Section::header;
  unsigned upgrade_marker_line = 0, downgrade_marker_line = 0;
  std::string upgrade_text, downgrade_text;
  unsigned upgrade_first_line = 0, downgrade_first_line = 0;

  unsigned line_number = 0;
  std::size_t line_start = 0;
  while (line_start <= content.size()) {
    auto line_end = content.find('\n', line_start);
    if (line_end == std::string::npos) line_end = content.size();
    const std::string_view line(content.data() + line_start, line_end - line_start);
    ++line_number;
    const std::string_view trimmed = trim(line);
    const bool is_comment = trimmed.starts_with("--");
    const std::string_view comment = is_comment ? trim(trimmed.substr(2)) : std::string_view{};

    if (is_comment && (comment == "retort:upgrade" || comment == "retort:downgrade")) {
      const bool upgrade = comment == "retort:upgrade";
      unsigned& marker_line = upgrade ? upgrade_marker_line : downgrade_marker_line;
      if (marker_line != 0) {
        error(line_number, 1,
              std::string("`-- ") + std::string(comment) +
                  "` appears twice; keep one section per direction and move its statements there");
        note(marker_line, 1, "first `-- " + std::string(comment) + "` is here");
      } else {
        marker_line = line_number;
        section = upgrade ? Section::upgrade : Section::downgrade;
        (upgrade ? upgrade_first_line : downgrade_first_line) = line_number + 1;
      }
    } else if (section == Section::header) {
      if (is_comment) {
        const auto shaped = field_name(comment);
        if (!shaped.empty() && !equals_ignoring_case(shaped, informational_field) &&
            std::none_of(header_fields.begin(), header_fields.end(),
                         [&](const HeaderField& field) { return equals_ignoring_case(shaped, field.name); }))
          error(line_number, static_cast<unsigned>(shaped.data() - line.data()) + 1, unknown_field_message(shaped));
        const auto colon = comment.find(':');
        if (colon != std::string_view::npos) {
          const auto name = trim(comment.substr(0, colon));
          for (std::size_t f = 0; f < header_fields.size(); ++f) {
            if (!equals_ignoring_case(name, header_fields[f].name)) continue;
            const auto value = trim(comment.substr(colon + 1));
            // An empty value is located right after the colon.
            const unsigned value_column =
                value.empty() ? static_cast<unsigned>(comment.data() + colon - line.data()) + 2
                              : static_cast<unsigned>(value.data() - line.data()) + 1;
            if (found[f]) {
              error(line_number, static_cast<unsigned>(trimmed.data() - line.data()) + 1,
                    std::string("header field `-- ") + header_fields[f].name +
                        ":` is repeated; keep exactly one");
              note(found[f]->line, 1, std::string("first `-- ") + header_fields[f].name + ":` is here");
            } else {
              found[f] = FoundField{line_number, value_column, std::string(value), std::string(line)};
            }
          }
        }
      } else if (!trimmed.empty()) {
        error(line_number, static_cast<unsigned>(trimmed.data() - line.data()) + 1,
              "SQL before the `-- retort:upgrade` marker; put statements under `-- retort:upgrade` or "
              "`-- retort:downgrade`");
      }
    } else {
      std::string& target = section == Section::upgrade ? upgrade_text : downgrade_text;
      target.append(line);
      target.push_back('\n');
    }
    line_start = line_end + 1;
  }

  for (std::size_t f = 0; f < header_fields.size(); ++f) {
    if (header_fields[f].required && !found[f]) {
      std::string hint;
      if (f == 0) hint = "add `-- Revision ID: <12 hex digits>` at the top of the file";
      if (f == 1) hint = "add `-- Revises: <previous revision id>` (`-- Revises: base` for a first revision)";
      if (f == 2) hint = "add `-- Message: <what this migration does>`";
      error(1, 1, std::string("missing header field `-- ") + header_fields[f].name + ":`; " + hint);
    }
  }
  if (upgrade_marker_line == 0)
    error(1, 1,
          "missing `-- retort:upgrade` section; put the upgrade statements after a line `-- retort:upgrade`");

  if (found[0]) {
    source.has_revision = true;
    source.revision_line = found[0]->line;
    source.revision_column = 1;
    source.id = {found[0]->value, found[0]->line, found[0]->value_column};
  }
  if (found[1]) {
    source.down_revision_given = true;
    source.down_revision_field = {found[1]->value, found[1]->line, found[1]->value_column};
    if (!equals_ignoring_case(found[1]->value, "base")) source.down_revisions = split_list(*found[1]);
  }
  if (found[2]) source.message = {found[2]->value, found[2]->line, found[2]->value_column};
  if (found[3]) source.branch_labels = split_list(*found[3]);
  if (found[4]) source.depends_on = split_list(*found[4]);
  if (found[5]) {
    const auto& value = found[5]->value;
    if (equals_ignoring_case(value, "true")) {
      source.transactional = true;
    } else if (equals_ignoring_case(value, "false")) {
      source.transactional = false;
    } else {
      error(found[5]->line, found[5]->value_column,
            "`-- Transactional:` must be `true` or `false`, not `" + value + "`");
    }
  }

  auto split_section = [&](const std::string& text, unsigned first_line, std::vector<StatementText>& out) {
    auto split = split_sql_statements(text, first_line);
    out = std::move(split.statements);
    for (auto& problem : split.problems) error(problem.line, problem.column, std::move(problem.message));
  };
  if (upgrade_marker_line) split_section(upgrade_text, upgrade_first_line, source.upgrade_sql);
  if (downgrade_marker_line) split_section(downgrade_text, downgrade_first_line, source.downgrade_sql);

  if (upgrade_marker_line && source.upgrade_sql.empty())
    source.diagnostics.push_back({Severity::warning, path, upgrade_marker_line, 1,
                                  "the `-- retort:upgrade` section has no statements; this migration "
                                  "changes nothing"});
  if (source.downgrade_sql.empty()) {
    const unsigned line = downgrade_marker_line ? downgrade_marker_line : (upgrade_marker_line ? upgrade_marker_line : 1);
    source.diagnostics.push_back(
        {Severity::warning, path, line, 1,
         downgrade_marker_line ? "the `-- retort:downgrade` section has no statements; downgrading past this "
                                 "revision will not undo it"
                               : "no `-- retort:downgrade` section; downgrading past this revision will not "
                                 "undo it (add `-- retort:downgrade` with the reverse statements)"});
  }
  return source;
}

}  // namespace retort::compiler
