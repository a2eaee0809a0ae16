// Text arguments and SQL column types of C++ migrations: `StringRef` and the
// type constants and factories (`Integer`, `String(100)`, `Enum(...)`).
//
// Free of standard-library headers, like schema.hpp which includes it.
#ifndef RETORT_TYPES_HPP
#define RETORT_TYPES_HPP

namespace retort {

// A non-owning piece of text: a string literal, a `const char*`, or anything
// with data() and size() (std::string, std::string_view) without naming them.
class StringRef {
 public:
  constexpr StringRef() = default;
  constexpr StringRef(const char* s) : data_(s ? s : ""), size_(length(s)) {}
  constexpr StringRef(const char* s, unsigned long n) : data_(s), size_(n) {}
  template <class S>
    requires requires(const S& s) {
      static_cast<const char*>(s.data());
      static_cast<unsigned long>(s.size());
    }
  constexpr StringRef(const S& s) : data_(s.data()), size_(s.size()) {}

  constexpr const char* data() const { return data_; }
  constexpr unsigned long size() const { return size_; }
  constexpr bool empty() const { return size_ == 0; }
  // The text as any string type: `row.text("name").as<std::string>()`.
  template <class S>
  constexpr S as() const {
    return S(data_, size_);
  }
  constexpr bool operator==(StringRef other) const {
    if (size_ != other.size_) return false;
    for (unsigned long i = 0; i < size_; ++i) {
      if (data_[i] != other.data_[i]) return false;
    }
    return true;
  }

 private:
  static constexpr unsigned long length(const char* s) {
    unsigned long n = 0;
    while (s && s[n]) ++n;
    return n;
  }
  const char* data_ = "";
  unsigned long size_ = 0;
};


enum class TypeKind : unsigned char {
  integer, big_integer, small_integer, boolean, string, text, floating, numeric,
  date, date_time, time, interval, uuid, json, jsonb, large_binary, enumeration, raw,
  // PostgreSQL only
  inet, cidr, macaddr, tsvector, money, citext,
  int4range, int8range, numrange, daterange, tsrange, tstzrange,
};

enum Timezone : bool { without_timezone = false, with_timezone = true };

// A column type. Use the constants and factories below: `Integer`,
// `String(100)`, `Numeric(10, 2)`, `DateTime(with_timezone)`,
// `Enum("mood", {"happy", "sad"})`, `Array(Integer)`, `INET`, `Raw("ltree")`.
// Every constant can also be called with no arguments (`Integer()`), as in
// SQLAlchemy.
struct Type {
  TypeKind kind = TypeKind::integer;
  int length = -1;     // String(n), Float(precision)
  int precision = -1;  // Numeric(p, s)
  int scale = -1;
  bool timezone = false;               // DateTime, Time
  StringRef name = {};                      // Enum type name, Raw SQL type
  const StringRef* values = nullptr;   // Enum labels; none: an existing type
  unsigned long value_count = 0;
  unsigned char array_dimensions = 0;  // Array(Array(T)) has 2
  StringRef schema = {};               // an Enum's schema; empty: the default one
  bool constrained = false;            // create_constraint(): a CHECK where the type is not native

  constexpr Type operator()() const { return *this; }
  // An enum type in a schema: `Enum("mood", {"happy", "sad"}).in_schema("audit")`.
  // As SQLAlchemy's Enum, a type does not follow its table's schema.
  constexpr Type in_schema(StringRef name) const {
    Type t = *this;
    t.schema = name;
    return t;
  }
  // SQLAlchemy's create_constraint=True for Boolean and Enum: where the
  // database has no native type (SQLite) the column gets a CHECK that admits
  // only 0/1 or the enum's labels. PostgreSQL's native types need none.
  constexpr Type create_constraint(bool on = true) const {
    Type t = *this;
    t.constrained = on;
    return t;
  }
};

constexpr Type type_of_kind(TypeKind kind) {
  Type t;
  t.kind = kind;
  return t;
}

struct StringType : Type {
  constexpr Type operator()() const { return *this; }
  constexpr Type operator()(int length) const {
    Type t = *this;
    t.length = length;
    return t;
  }
};
struct FloatType : Type {
  constexpr Type operator()() const { return *this; }
  constexpr Type operator()(int precision) const {
    Type t = *this;
    t.length = precision;
    return t;
  }
};
struct NumericType : Type {
  constexpr Type operator()() const { return *this; }
  constexpr Type operator()(int precision, int scale = -1) const {
    Type t = *this;
    t.precision = precision;
    t.scale = scale;
    return t;
  }
};
struct TemporalType : Type {
  constexpr Type operator()() const { return *this; }
  constexpr Type operator()(Timezone timezone) const {
    Type t = *this;
    t.timezone = timezone;
    return t;
  }
};

inline constexpr Type Integer = type_of_kind(TypeKind::integer);
inline constexpr Type BigInteger = type_of_kind(TypeKind::big_integer);
inline constexpr Type SmallInteger = type_of_kind(TypeKind::small_integer);
inline constexpr Type Boolean = type_of_kind(TypeKind::boolean);
inline constexpr StringType String{type_of_kind(TypeKind::string)};  // VARCHAR, String(n): VARCHAR(n)
inline constexpr Type Text = type_of_kind(TypeKind::text);
inline constexpr FloatType Float{type_of_kind(TypeKind::floating)};
inline constexpr NumericType Numeric{type_of_kind(TypeKind::numeric)};
inline constexpr Type Date = type_of_kind(TypeKind::date);
inline constexpr TemporalType DateTime{type_of_kind(TypeKind::date_time)};  // DateTime(with_timezone)
inline constexpr TemporalType Time{type_of_kind(TypeKind::time)};
inline constexpr Type Interval = type_of_kind(TypeKind::interval);
inline constexpr Type UUID = type_of_kind(TypeKind::uuid);
inline constexpr Type JSON = type_of_kind(TypeKind::json);
inline constexpr Type JSONB = type_of_kind(TypeKind::jsonb);  // PostgreSQL only
inline constexpr Type LargeBinary = type_of_kind(TypeKind::large_binary);

// PostgreSQL's own types (SQLite refuses each, naming what to use there).
inline constexpr Type INET = type_of_kind(TypeKind::inet);
inline constexpr Type CIDR = type_of_kind(TypeKind::cidr);
inline constexpr Type MACADDR = type_of_kind(TypeKind::macaddr);
inline constexpr Type TSVECTOR = type_of_kind(TypeKind::tsvector);
inline constexpr Type MONEY = type_of_kind(TypeKind::money);
// The citext extension's type, named as is: run CREATE EXTENSION citext first.
inline constexpr Type CITEXT = type_of_kind(TypeKind::citext);
inline constexpr Type INT4RANGE = type_of_kind(TypeKind::int4range);
inline constexpr Type INT8RANGE = type_of_kind(TypeKind::int8range);
inline constexpr Type NUMRANGE = type_of_kind(TypeKind::numrange);
inline constexpr Type DATERANGE = type_of_kind(TypeKind::daterange);
inline constexpr Type TSRANGE = type_of_kind(TypeKind::tsrange);
inline constexpr Type TSTZRANGE = type_of_kind(TypeKind::tstzrange);

// A native PostgreSQL enum type (VARCHAR on SQLite). With labels, Retort
// creates the type before the table or column that uses it; with a name
// only it refers to a type that already exists.
template <unsigned long N>
constexpr Type Enum(StringRef name, const StringRef (&labels)[N]) {
  Type t = type_of_kind(TypeKind::enumeration);
  t.name = name;
  t.values = labels;
  t.value_count = N;
  return t;
}
constexpr Type Enum(StringRef name) {
  Type t = type_of_kind(TypeKind::enumeration);
  t.name = name;
  return t;
}

// A PostgreSQL array of `element` (refused on SQLite: use JSON there).
constexpr Type Array(Type element) {
  element.array_dimensions += 1;
  return element;
}

// Any SQL type, written verbatim: `Raw("tsvector")`, `Raw("citext")`.
constexpr Type Raw(StringRef sql_type) {
  Type t = type_of_kind(TypeKind::raw);
  t.name = sql_type;
  return t;
}

}  // namespace retort

#endif  // RETORT_TYPES_HPP
