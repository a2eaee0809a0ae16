// SHA-256 (OpenSSL) for migration checksums (checksum.hpp) and the parse cache.
#pragma once

#include <string>
#include <string_view>

namespace retort::compiler {

// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace retort::compiler
