// Which database engine: one enum for migrations (`op.dialect()`), the
// runtime and retortc. Free of standard-library headers.
#ifndef RETORT_SQL_DIALECT_HPP
#define RETORT_SQL_DIALECT_HPP

namespace retort {

enum class SqlDialect : unsigned char { postgresql, sqlite };

}  // namespace retort

#endif  // RETORT_SQL_DIALECT_HPP
