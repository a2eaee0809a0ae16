#include "sql_source.hpp"

#include "edit_distance.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

namespace retort::compiler {
namespace {

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n\f\v");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n\f\v");
  return text.substr(first, last - first + 1);
}

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
    auto split = sqltext::split(text, SqlDialect::postgresql, first_line);
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
