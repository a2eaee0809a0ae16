#include "database_url.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <variant>

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

// Percent-encodes every byte but the unreserved ones (RFC 3986), so that
// libpq reads the user and password back exactly.
std::string percent_encode(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += fmt::format("%{:02X}", static_cast<unsigned>(byte));
    }
  }
  return out;
}

// A URI after its scheme: [user[:password]@]hosts[/dbname][?params].
struct UriParts {
  bool has_userinfo = false;
  std::string_view user;
  std::optional<std::string_view> password;
  std::string_view hosts;  // host[:port][,host[:port]...]
  std::string_view tail;   // "/dbname?params", from the first '/' or '?' after the hosts
};

// Passwords are copied into URLs unencoded, with any of / ? # @ : in them
// (SQLAlchemy reads all but '@' so, libpq none): the user info ends at the
// LAST '@', unless a
// '/', '?' or '#' comes before any ':' or '@' (then there is no user info,
// and an '@' belongs to the database name or the query). So an '@' in the
// database name or the query of a URL with credentials must be written %40.
// Returns the reason when the rest is not hosts[/dbname][?params]; the
// reason never quotes the text.
std::variant<UriParts, std::string> split_uri(std::string_view rest) {
  UriParts parts;
  std::string_view after = rest;
  const std::size_t first_special = rest.find_first_of(":@/?#");
  const std::size_t at = rest.rfind('@');
  if (at != std::string_view::npos && first_special != std::string_view::npos &&
      (rest[first_special] == ':' || rest[first_special] == '@')) {
    parts.has_userinfo = true;
    const std::string_view userinfo = rest.substr(0, at);
    const std::size_t colon = userinfo.find(':');
    parts.user = userinfo.substr(0, colon);
    if (colon != std::string_view::npos) parts.password = userinfo.substr(colon + 1);
    after = rest.substr(at + 1);
  }
  const std::size_t hosts_end = std::min(after.find_first_of("/?"), after.size());
  parts.hosts = after.substr(0, hosts_end);
  parts.tail = after.substr(hosts_end);
  // Each host: [IPv6] or a name, then an optional :port; hosts separated by ','.
  const std::string_view hosts = parts.hosts;
  for (std::size_t i = 0;; ++i) {
    if (i < hosts.size() && hosts[i] == '[') {
      const std::size_t close = hosts.find(']', i);
      if (close == std::string_view::npos) return std::string("an IPv6 host address in [ ] is not closed with ]");
      i = close + 1;
    } else {
      for (; i < hosts.size() && hosts[i] != ':' && hosts[i] != ','; ++i) {
        if (std::string_view("[]# \t\n").find(hosts[i]) != std::string_view::npos)
          return std::string("a host name holds a character that no host name has (a space, '[', ']' or '#')");
      }
    }
    if (i < hosts.size() && hosts[i] == ':') {
      const std::size_t port = ++i;
      while (i < hosts.size() && std::isdigit(static_cast<unsigned char>(hosts[i]))) ++i;
      if (i == port || (i < hosts.size() && hosts[i] != ','))
        return std::string("the port after a host's ':' is not a number");
    }
    if (i >= hosts.size()) break;
    if (hosts[i] != ',') return std::string("an IPv6 host address in [ ] is followed by something other than :port");
  }
  return parts;
}

std::string reason_to_message(std::string_view scheme, std::string_view reason) {
  return fmt::format(
      "invalid database URL '{}://{}' (not shown: it could not be read, and may hold a password): {}. Expected "
      "{}://user:password@host:port/dbname (the user info ends at the last '@'; write an '@' in the database "
      "name or the query as %40)",
      scheme, kMask, reason, scheme);
}

// The URL as it may be shown: the password masked, or everything after the
// scheme when the URL cannot be read.
std::string shown_uri(std::string_view scheme, std::string_view rest, DatabaseUrl* url = nullptr) {
  const auto split = split_uri(rest);
  if (!std::holds_alternative<UriParts>(split)) return fmt::format("{}://{}", scheme, kMask);
  const UriParts& parts = std::get<UriParts>(split);
  std::string shown = fmt::format("{}://", scheme);
  if (parts.has_userinfo) shown += fmt::format("{}{}@", parts.user, parts.password ? ":" + std::string(kMask) : "");
  shown += parts.hosts;
  DatabaseUrl ignored;
  const std::size_t q = parts.tail.find('?');
  shown += parts.tail.substr(0, q);
  if (q != std::string_view::npos) shown += "?" + redact_query(parts.tail.substr(q + 1), url ? *url : ignored);
  return shown;
}

// postgresql://user:pass@host:port/db?params (after the scheme). libpq gets
// the URL with its user and password percent-encoded: libpq ends the user
// info at the first '@' or '/', and would read a raw password as a host or
// a port, and quote it back in its error.
DatabaseUrl parse_postgres_uri(std::string_view scheme, std::string_view rest) {
  const auto split = split_uri(rest);
  if (const auto* reason = std::get_if<std::string>(&split)) throw UrlError(reason_to_message(scheme, *reason));
  const UriParts& parts = std::get<UriParts>(split);
  DatabaseUrl url;
  url.dialect = SqlDialect::postgresql;
  url.target = "postgresql://";
  if (parts.has_userinfo) {
    // As SQLAlchemy does, %XX in the user info is decoded first.
    url.target += percent_encode(percent_decode(parts.user));
    if (parts.password) {
      const std::string decoded = percent_decode(*parts.password);
      add_secret(url, *parts.password);
      add_secret(url, percent_encode(decoded));
      url.target += ":" + percent_encode(decoded);
    }
    url.target += "@";
  }
  url.target += std::string(parts.hosts) + std::string(parts.tail);
  url.display = shown_uri(scheme, rest, &url);
  return url;
}

// libpq keyword/value form: host=localhost dbname=app password='x y'.
DatabaseUrl parse_keyword_string(std::string_view text) {
  DatabaseUrl url;
  url.dialect = SqlDialect::postgresql;
  url.target = std::string(text);
  std::string shown;
  std::string_view previous_key;
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
      // Not quoted: the word may be the rest of a password that holds a space.
      throw UrlError(fmt::format(
          "invalid database URL: in the connection string, {} is not a key=value pair (not shown: it may be part "
          "of a password); quote a value that holds spaces (password='...'), and write key=value pairs "
          "(host=... dbname=...) or a URL such as postgresql://user@host/db",
          previous_key.empty() ? std::string("the first word") : fmt::format("the word after {}=...", previous_key)));
    }
    previous_key = key;
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
  url.dialect = SqlDialect::sqlite;
  url.display = std::string(whole);
  // Errors show the URL as a PostgreSQL one would be shown: a mistyped
  // sqlite://user:password@host/... must not echo the password.
  const std::string shown = shown_uri(scheme, rest);
  if (rest.empty()) {
    url.target = ":memory:";
    return url;
  }
  // Before the '?' check: a '?' after `sqlite://user:` may be the password's.
  if (rest.front() != '/') {
    throw UrlError(fmt::format(
        "invalid database URL '{}': a SQLite URL has three slashes before a relative path "
        "({}:///relative/file.db) and four before an absolute one ({}:////absolute/file.db)",
        shown, scheme, scheme));
  }
  if (rest.find('?') != std::string_view::npos) {
    throw UrlError(fmt::format(
        "invalid database URL '{}': SQLite URLs take no ?options here; remove the part from '?'", shown));
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
  throw UrlError(fmt::format(
      "unsupported database URL '{}': Retort speaks PostgreSQL (postgresql://...) and SQLite "
      "(sqlite:///path.db)",
      shown_uri(scheme, rest)));
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
