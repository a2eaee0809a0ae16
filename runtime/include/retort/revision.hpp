// The metadata a migration declares at file scope. Included by every migration
// file, so it stays free of standard-library headers (see migration.hpp).
#ifndef RETORT_REVISION_HPP
#define RETORT_REVISION_HPP

namespace retort {

// `.down_revision = retort::base` marks a first revision.
struct BaseTag {
  explicit constexpr BaseTag() = default;
};
inline constexpr BaseTag base{};

// A short list of revision ids or labels written as "a" or {"a", "b"}.
// Fixed capacity keeps it a literal type without <initializer_list>.
struct RevisionRefs {
  static constexpr int capacity = 16;
  const char* items[capacity] = {};
  int count = 0;
  bool given = false;  // distinguishes `retort::base` from "not written"

  constexpr RevisionRefs() = default;
  constexpr RevisionRefs(BaseTag) : given(true) {}
  template <class... Ids>
    requires(sizeof...(Ids) > 0)
  constexpr RevisionRefs(const Ids&... ids) : items{ids...}, count(sizeof...(Ids)), given(true) {
    static_assert(sizeof...(Ids) <= capacity, "at most 16 entries");
  }
};

// Every member has a default initializer, so that leaving fields out of the
// designated initializer does not warn under GCC's -Wextra
// (-Wmissing-field-initializers).
struct Revision {
  const char* id = nullptr;
  RevisionRefs down_revision = {};
  const char* message = nullptr;
  RevisionRefs branch_labels = {};
  RevisionRefs depends_on = {};
  bool transactional = true;
};

}  // namespace retort

#endif
