#include "cache.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "hashing.hpp"

namespace retort::sqltext {
// Beside the type, where the JSON library looks for it.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Statement, text, line)
}  // namespace retort::sqltext

namespace retort::compiler {

NLOHMANN_JSON_SERIALIZE_ENUM(Severity, {{Severity::error, "error"},
                                        {Severity::warning, "warning"},
                                        {Severity::note, "note"}})
NLOHMANN_JSON_SERIALIZE_ENUM(SourceKind, {{SourceKind::cpp, "cpp"}, {SourceKind::sql, "sql"}})
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Diagnostic, severity, path, line, column, message)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(LocatedText, value, line, column)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(IncludeDirective, spelled, angled, resolved)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(MigrationSource, kind, path, checksum, legacy_checksum, has_revision, revision_line,
                                   revision_column, id, down_revision_given, down_revision_field, down_revisions,
                                   message, branch_labels, depends_on, transactional, includes, dependencies, upgrade_sql,
                                   downgrade_sql, diagnostics)

namespace {

constexpr int cache_format = 3;  // 3: v2 checksums

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace

ParseCache::ParseCache(std::string file, std::string key) : file_(std::move(file)), key_(std::move(key)) {
  const auto content = read_file(file_);
  if (!content) return;
  try {
    const auto json = nlohmann::json::parse(*content);
    if (json.at("format").get<int>() != cache_format || json.at("key").get<std::string>() != key_) return;
    for (const auto& [path, entry] : json.at("files").items()) {
      entries_[path] = Entry{entry.at("content_hash").get<std::string>(),
                             entry.at("include_hashes").get<std::map<std::string, std::string>>(),
                             entry.at("source").get<MigrationSource>()};
    }
  } catch (const nlohmann::json::exception&) {
    entries_.clear();  // a damaged cache only costs a full parse
  }
}

std::optional<MigrationSource> ParseCache::find(const std::string& path, const std::string& content_hash) const {
  const auto it = entries_.find(path);
  if (it == entries_.end() || it->second.content_hash != content_hash) return std::nullopt;
  for (const auto& [header, hash] : it->second.include_hashes)
    if (current_hash(header) != hash) return std::nullopt;
  return it->second.source;
}

void ParseCache::store(const MigrationSource& source, const std::string& content_hash) {
  Entry entry{content_hash, {}, source};
  // A change in any header the parse read (the author's or the runtime's)
  // must re-parse the file; system headers change with the key.
  for (const auto& header : source.dependencies) entry.include_hashes[header] = current_hash(header);
  entries_[source.path] = std::move(entry);
}

std::string ParseCache::current_hash(const std::string& path) const {
  if (const auto known = header_hashes_.find(path); known != header_hashes_.end()) return known->second;
  const auto content = read_file(path);
  return header_hashes_[path] = content ? sha256_hex(*content) : "missing";
}

void ParseCache::retain_only(const std::set<std::string>& paths) {
  std::erase_if(entries_, [&](const auto& entry) { return !paths.contains(entry.first); });
}

void ParseCache::save() const {
  nlohmann::json files = nlohmann::json::object();
  for (const auto& [path, entry] : entries_)
    files[path] = {{"content_hash", entry.content_hash},
                   {"include_hashes", entry.include_hashes},
                   {"source", entry.source}};
  const nlohmann::json json{{"format", cache_format}, {"key", key_}, {"files", files}};
  const std::string text = json.dump();
  if (read_file(file_) == text) return;
  const auto parent = std::filesystem::path(file_).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  const std::string temporary = file_ + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error("cannot write the parse cache " + temporary + "; check the build directory is writable");
  }
  std::filesystem::rename(temporary, file_);
}

}  // namespace retort::compiler
