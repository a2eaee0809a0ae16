// SHA-256 (OpenSSL) for migration checksums and the parse cache.
#pragma once

#include <string>
#include <string_view>

namespace retort::compiler {

// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

// "sha256:<hex>" of the content with CRLF normalised to LF, so a checkout
// with Windows line endings yields the same checksum.
std::string migration_checksum(std::string_view content);

}  // namespace retort::compiler
