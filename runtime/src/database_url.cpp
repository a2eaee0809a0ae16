#include "database_url.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "retort/error.hpp"

namespace retort::detail {

namespace {

constexpr std::string_view kMask = "***";

std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

void add_secret(DatabaseUrl& url, std::string_view raw) {
  if (raw.empty()) return;
  url.secrets.emplace_back(raw);
  std::string decoded = percent_decode(raw);
  if (decoded != raw) url.secrets.push_back(std::move(decoded));
}

// Replaces the value of every `password=` pair of a URI query string.
std::string redact_query(std::string_view query, DatabaseUrl& url) {
  std::string out;
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    std::string_view pair = query.substr(start, end - start);
    if (!out.empty()) out += '&';
    if (pair.starts_with("password=")) {
      add_secret(url, pair.substr(9));
      out += "password=";
      out += kMask;
    } else {
      out += pair;
    }
    start = end + 1;
  }
  return out;
}

// postgresql://user:pass@host:port/db?params (after the scheme).
DatabaseUrl parse_postgres_uri(std::string_view scheme, std::string_view rest) {
  DatabaseUrl url;
  url.dialect = Dialect::postgresql;
  url.target = "postgresql://" + std::string(rest);

  std::size_t authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view tail = authority_end == std::string_view::npos ? "" : rest.substr(authority_end);

  std::string shown_authority(authority);
  if (std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    if (std::size_t colon = userinfo.find(':'); colon != std::string_view::npos) {
      add_secret(url, userinfo.substr(colon + 1));
      shown_authority = fmt::format("{}:{}@{}", userinfo.substr(0, colon), kMask, authority.substr(at + 1));
    }
  }
  std::string shown_tail(tail);
  if (std::size_t q = tail.find('?'); q != std::string_view::npos) {
    shown_tail = std::string(tail.substr(0, q + 1)) + redact_query(tail.substr(q + 1), url);
  }
  url.display = fmt::format("{}://{}{}", scheme, shown_authority, shown_tail);
  return url;
}

// libpq keyword/value form: host=localhost dbname=app password='x y'.
DatabaseUrl parse_keyword_string(std::string_view text) {
  DatabaseUrl url;
  url.dialect = Dialect::postgresql;
  url.target = std::string(text);
  std::string shown;
  std::size_t i = 0;
  auto skip_spaces = [&] {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  };
  while (true) {
    skip_spaces();
    if (i >= text.size()) break;
    std::size_t key_start = i;
    while (i < text.size() && text[i] != '=' && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    std::string_view key = text.substr(key_start, i - key_start);
    skip_spaces();
    if (i >= text.size() || text[i] != '=') {
      throw UrlError(fmt::format(
          "invalid database URL: in the connection string, '{}' has no '=value'; write key=value pairs "
          "(host=... dbname=...) or a URL such as postgresql://user@host/db",
          key));
    }
    ++i;
    skip_spaces();
    std::size_t value_start = i;
    std::string value;
    if (i < text.size() && text[i] == '\'') {
      ++i;
      bool closed = false;
      while (i < text.size()) {
        if (text[i] == '\\' && i + 1 < text.size()) {
          value += text[i + 1];
          i += 2;
        } else if (text[i] == '\'') {
          ++i;
          closed = true;
          break;
        } else {
          value += text[i++];
        }
      }
      if (!closed) {
        throw UrlError(fmt::format(
            "invalid database URL: the quoted value of '{}' in the connection string is not closed; add the "
            "closing quote",
            key));
      }
    } else {
      while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) value += text[i++];
    }
    if (!shown.empty()) shown += ' ';
    if (key == "password") {
      add_secret(url, value);
      add_secret(url, text.substr(value_start, i - value_start));
      shown += fmt::format("password={}", kMask);
    } else {
      shown += fmt::format("{}={}", key, text.substr(value_start, i - value_start));
    }
  }
  url.display = shown;
  return url;
}

DatabaseUrl parse_sqlite(std::string_view scheme, std::string_view rest, std::string_view whole) {
  DatabaseUrl url;
  url.dialect = Dialect::sqlite;
  url.display = std::string(whole);
  // Errors show the URL as a PostgreSQL one would be shown: a mistyped
  // sqlite://user:password@host/... must not echo the password.
  const std::string shown = parse_postgres_uri(scheme, rest).display;
  if (rest.find('?') != std::string_view::npos) {
    throw UrlError(fmt::format(
        "invalid database URL '{}': SQLite URLs take no ?options here; remove the part from '?'", shown));
  }
  if (rest.empty()) {
    url.target = ":memory:";
    return url;
  }
  if (rest.front() != '/') {
    throw UrlError(fmt::format(
        "invalid database URL '{}': a SQLite URL has three slashes before a relative path "
        "({}:///relative/file.db) and four before an absolute one ({}:////absolute/file.db)",
        shown, scheme, scheme));
  }
  std::string_view path = rest.substr(1);  // "/rel.db" -> "rel.db", "//abs.db" -> "/abs.db"
  url.target = path.empty() || path == ":memory:" ? ":memory:" : percent_decode(path);
  return url;
}

// A URL too broken to parse ("postgresql//user:pw@host/db") may still hold a
// password: mask from the first ':' to the last '@' before showing it.
std::string without_credentials(std::string_view text) {
  const std::size_t at = text.rfind('@');
  const std::size_t colon = text.find(':');
  if (at == std::string_view::npos || colon == std::string_view::npos || colon > at) return std::string(text);
  return fmt::format("{}{}{}", text.substr(0, colon + 1), kMask, text.substr(at));
}

}  // namespace

DatabaseUrl DatabaseUrl::parse(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  if (text.empty()) {
    throw UrlError(
        "no database URL given: pass --url, set DATABASE_URL, or give one such as "
        "postgresql://user:password@host:5432/dbname or sqlite:///app.db");
  }
  std::size_t separator = text.find("://");
  if (separator == std::string_view::npos) {
    if (text.find('=') != std::string_view::npos) return parse_keyword_string(text);
    throw UrlError(fmt::format(
        "invalid database URL '{}': expected postgresql://user:password@host:port/dbname, a libpq "
        "connection string (host=... dbname=...), or sqlite:///path.db",
        without_credentials(text)));
  }
  std::string_view scheme = text.substr(0, separator);
  std::string_view rest = text.substr(separator + 3);
  std::string_view backend_name = scheme.substr(0, scheme.find('+'));  // "+psycopg2" names a Python driver
  std::string lowered(backend_name);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lowered == "postgresql" || lowered == "postgres") return parse_postgres_uri(scheme, rest);
  if (lowered == "sqlite") return parse_sqlite(scheme, rest, text);
  // Shown without its credentials: an unknown scheme may still carry a password.
  DatabaseUrl shown = parse_postgres_uri(scheme, rest);
  throw UrlError(fmt::format(
      "unsupported database URL '{}': Retort speaks PostgreSQL (postgresql://...) and SQLite "
      "(sqlite:///path.db)",
      shown.display));
}

std::string DatabaseUrl::redact(std::string_view text) const {
  // One pass over `text`: replacing secret by secret would re-scan the
  // masks, and a password such as "*" would grow the text exponentially.
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t longest = 0;  // so that a short secret never masks only part of a longer one
    for (const std::string& secret : secrets) {
      if (secret.size() > longest && text.substr(pos).starts_with(secret)) longest = secret.size();
    }
    if (longest > 0) {
      out += kMask;
      pos += longest;
    } else {
      out += text[pos++];
    }
  }
  return out;
}

}  // namespace retort::detail
