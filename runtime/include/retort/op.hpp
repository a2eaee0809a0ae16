// The operations a C++ migration's upgrade()/downgrade() call: `retort::Op`.
// Free of standard-library headers, like migration.hpp.
#ifndef RETORT_OP_HPP
#define RETORT_OP_HPP

namespace retort {

namespace detail {
class StatementSink;
}

// A non-owning piece of text: a string literal, a `const char*`, or anything
// with data() and size() (std::string, std::string_view) without naming them.
class Text {
 public:
  constexpr Text() = default;
  constexpr Text(const char* s) : data_(s), size_(length(s)) {}
  constexpr Text(const char* s, unsigned long n) : data_(s), size_(n) {}
  template <class S>
    requires requires(const S& s) {
      static_cast<const char*>(s.data());
      static_cast<unsigned long>(s.size());
    }
  constexpr Text(const S& s) : data_(s.data()), size_(s.size()) {}

  constexpr const char* data() const { return data_; }
  constexpr unsigned long size() const { return size_; }
  constexpr bool empty() const { return size_ == 0; }

 private:
  static constexpr unsigned long length(const char* s) {
    unsigned long n = 0;
    while (s && s[n]) ++n;
    return n;
  }
  const char* data_ = "";
  unsigned long size_ = 0;
};

// The caller's line, captured by default arguments so that a failing
// operation can name `file:line` of the migration that issued it.
struct Line {
  unsigned value;
  constexpr Line(unsigned v = __builtin_LINE()) : value(v) {}
};

class Op {
 public:
  explicit Op(detail::StatementSink& sink) : sink_(&sink) {}

  // Runs one SQL statement as written (or prints it in offline mode).
  void execute(Text sql, Line line = {});

 private:
  detail::StatementSink* sink_;
};

}  // namespace retort

#endif
