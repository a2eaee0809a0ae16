#include "retort/op.hpp"

#include <string_view>

#include "statement_sink.hpp"

namespace retort {

void Op::execute(StringRef sql, Line line) {
  sink_->run(std::string_view(sql.data(), sql.size()), line.value);
}

}  // namespace retort
