// Fuzzes the database URL parser. Besides "no crash, only UrlError", it
// checks the property that matters: a password written in the URL never
// shows in the display form or an error message (they do not change when
// only the password does), and redaction removes every secret.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "database_url.hpp"
#include "fuzz_support.hpp"

namespace {

using retort::detail::DatabaseUrl;
using retort::fuzz::require;

// Where `keyword` starts a key=value pair of a connection string without
// quoting: at the start, or after a space that does not follow a '=' (then
// it would be a value, as libpq reads "key= value").
std::size_t keyword_position(std::string_view input, std::string_view keyword) {
  if (input.find_first_of("'\\") != std::string_view::npos) return std::string_view::npos;
  for (auto at = input.find(keyword); at != std::string_view::npos; at = input.find(keyword, at + 1)) {
    if (at == 0) return at;
    if (!std::isspace(static_cast<unsigned char>(input[at - 1]))) continue;
    auto before = input.substr(0, at).find_last_not_of(" \t\n\r\f\v");
    if (before == std::string_view::npos || input[before] != '=') return at;
  }
  return std::string_view::npos;
}

struct Span {
  std::size_t offset = 0;
  std::size_t size = 0;
};

// Where the password of `scheme://user:PASSWORD@host...` or of an unquoted
// `password=VALUE` pair is, found independently of the parser.
std::optional<Span> written_password(std::string_view input) {
  if (auto scheme_end = input.find("://"); scheme_end != std::string_view::npos) {
    // The documented rule: the user info runs to the last '@' when a ':' or
    // '@' comes before any '/', '?' or '#'; the password from its first ':'.
    const std::size_t rest = scheme_end + 3;
    const std::size_t first = input.find_first_of(":@/?#", rest);
    const std::size_t at = input.rfind('@');
    if (first == std::string_view::npos || at == std::string_view::npos || at < rest ||
        (input[first] != ':' && input[first] != '@'))
      return std::nullopt;
    const std::size_t colon = input.find(':', rest);
    if (colon >= at) return std::nullopt;
    return Span{colon + 1, at - colon - 1};
  }
  if (auto key = keyword_position(input, "password="); key != std::string_view::npos) {
    const std::size_t value = key + 9;
    const std::size_t end = std::min(input.find_first_of(" \t\n\r\f\v", value), input.size());
    return Span{value, end - value};
  }
  return std::nullopt;
}

struct Outcome {
  std::optional<DatabaseUrl> url;
  std::string error;  // the UrlError message
};

Outcome parse(std::string_view input) {
  Outcome outcome;
  try {
    outcome.url = DatabaseUrl::parse(input);
  } catch (const retort::UrlError& error) {
    outcome.error = error.what();
    require(outcome.error.size() > 20, "a URL rejection without a real message");
  } catch (const std::exception& error) {
    retort::fuzz::fail(std::string("DatabaseUrl::parse threw something other than UrlError: ") + error.what());
  }
  return outcome;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const Outcome outcome = parse(input);

  // What is shown must not depend on the password: the same URL with
  // another password of the same length gives the same message and display.
  if (const std::optional<Span> password = written_password(input); password && password->size > 0) {
    std::string other(input);
    other.replace(password->offset, password->size, std::string(password->size, 'Z'));
    const Outcome other_outcome = parse(other);
    require(outcome.error == other_outcome.error, "a URL error message shows the password");
    require(outcome.url.has_value() == other_outcome.url.has_value(), "the password decides whether a URL parses");
    if (outcome.url) require(outcome.url->display == other_outcome.url->display, "the display form shows the password");
  }
  if (!outcome.url) return 0;

  // A secret without '*' cannot survive redaction: the mask cannot rebuild it.
  const DatabaseUrl& url = *outcome.url;
  const std::string redacted = url.redact(url.target);
  for (const std::string& secret : url.secrets) {
    require(!secret.empty(), "an empty secret would redact nothing");
    if (secret.find('*') == std::string::npos)
      require(redacted.find(secret) == std::string::npos, "redact() leaves a secret in the connection string");
  }
  return 0;
}
