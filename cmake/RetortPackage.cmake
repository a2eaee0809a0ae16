# `cpack -G DEB` in a build tree: a Debian package of what `cmake --install`
# installs (retortc, the headers, the static libraries, the CMake package
# files), under /usr. scripts/package builds and optionally installs it.
include_guard(GLOBAL)

set(CPACK_PACKAGE_NAME "retort")
set(CPACK_PACKAGE_VENDOR "Retort")
# Debian wants a maintainer address; .invalid says there is no list yet.
set(CPACK_PACKAGE_CONTACT "Retort developers <retort@lists.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "build-time database migration compiler for C++")
set(CPACK_PACKAGE_DESCRIPTION
  "retortc compiles C++ and SQL migrations into a type-checked registry and fails the build on a broken revision graph; the runtime libraries apply them to PostgreSQL or SQLite. find_package(Retort) gives retort_add_migrations().")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
# Debug information is most of a RelWithDebInfo build: retortc is stripped,
# the static libraries lose only their debug sections.
set(CPACK_STRIP_FILES ON)
set(CPACK_STRIP_PROGRAM "${CMAKE_STRIP}")
set(CPACK_PRE_BUILD_SCRIPTS "${CMAKE_CURRENT_LIST_DIR}/RetortPackageStrip.cmake")
set(CPACK_DEBIAN_FILE_NAME "DEB-DEFAULT")
set(CPACK_DEBIAN_PACKAGE_SECTION "devel")

# Depends: the shared libraries retortc links (dpkg-shlibdeps finds them:
# libclang-cpp, libllvm, libssl), plus what the package's users build with.
# The static runtime libraries need these -dev packages at link time; the
# CMake package files find them (cmake/RetortConfig.cmake.in). retortc
# parses with its Clang's builtin headers, which libclang-common ships.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(retort_depends
  "cmake (>= 3.25)" pkg-config
  libfmt-dev libsqlite3-dev libpqxx-dev libpg-query-dev libcli11-dev nlohmann-json3-dev)
if(RETORT_BUILD_COMPILER)
  # dpkg-shlibdeps leaves libllvm out in some runs (libclang-cpp implies
  # it); retortc links it directly, so it is named here.
  list(APPEND retort_depends "libllvm${RETORT_LLVM_VERSION_MAJOR}" "libclang-common-${RETORT_LLVM_VERSION_MAJOR}-dev")
endif()
list(JOIN retort_depends ", " CPACK_DEBIAN_PACKAGE_DEPENDS)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "g++ (>= 4:12) | clang, ninja-build")

# Only what `cmake --install` installs: the tests' GoogleTest is not ours.
set(CPACK_INSTALL_CMAKE_PROJECTS "${PROJECT_BINARY_DIR};Retort;ALL;/")
include(CPack)
