# Finds the LLVM/Clang that retortc is built with: -DRETORT_LLVM_VERSION=N,
# or else the newest supported one installed under /usr/lib/llvm-N (Debian's
# and Ubuntu's layout; LLVM_DIR/Clang_DIR work for any other). Sets
# RETORT_CLANG_RESOURCE_DIR, the builtin headers of that same Clang, and
# RETORT_LLVM_VERSION_MAJOR.
include_guard(GLOBAL)

set(RETORT_LLVM_SUPPORTED 14 15 16 17 18 19)
set(RETORT_LLVM_VERSION "" CACHE STRING
  "LLVM/Clang major version retortc is built with (empty: the newest installed)")

function(retort_find_llvm)
  set(version "${RETORT_LLVM_VERSION}")
  if(version STREQUAL "" AND NOT LLVM_DIR)
    foreach(candidate IN LISTS RETORT_LLVM_SUPPORTED)
      if(EXISTS "/usr/lib/llvm-${candidate}/lib/cmake/llvm/LLVMConfig.cmake"
         AND EXISTS "/usr/lib/llvm-${candidate}/lib/cmake/clang/ClangConfig.cmake")
        set(version ${candidate})  # the list is ascending: the last one found wins
      endif()
    endforeach()
    if(version STREQUAL "")
      message(FATAL_ERROR "retortc needs LLVM and Clang ${RETORT_LLVM_SUPPORTED} development files; "
        "none found under /usr/lib/llvm-N. On Debian: apt-get install "
        "libclang-N-dev libclang-cppN-dev llvm-N-dev clang-N (scripts/install-deps does it), "
        "or pass -DLLVM_DIR=... -DClang_DIR=..., or -DRETORT_BUILD_COMPILER=OFF.")
    endif()
  endif()
  if(NOT version STREQUAL "" AND NOT version IN_LIST RETORT_LLVM_SUPPORTED)
    message(FATAL_ERROR "RETORT_LLVM_VERSION=${version}: retortc supports LLVM ${RETORT_LLVM_SUPPORTED}.")
  endif()

  if(version STREQUAL "")
    find_package(LLVM REQUIRED CONFIG)
  else()
    # No version argument: LLVM's version file wants major.minor to match
    # exactly, so "19" would reject 19.1.7. The major is checked below.
    find_package(LLVM REQUIRED CONFIG HINTS /usr/lib/llvm-${version}/lib/cmake/llvm)
    if(NOT LLVM_VERSION_MAJOR EQUAL version)
      message(FATAL_ERROR "Asked for LLVM ${version}, found ${LLVM_PACKAGE_VERSION} in ${LLVM_DIR}; "
        "clear LLVM_DIR and Clang_DIR from the cache (or use a fresh build directory).")
    endif()
  endif()
  find_package(Clang REQUIRED CONFIG HINTS "${LLVM_LIBRARY_DIR}/cmake/clang")
  if(NOT LLVM_VERSION_MAJOR IN_LIST RETORT_LLVM_SUPPORTED)
    message(FATAL_ERROR "LLVM ${LLVM_PACKAGE_VERSION} (${LLVM_DIR}): retortc supports ${RETORT_LLVM_SUPPORTED}.")
  endif()

  # The resource directory of this Clang: asked from its own driver when it
  # is installed, else where LLVM puts it (lib/clang/<full version> up to 15,
  # lib/clang/<major> from 16 on).
  set(resource_dir "")
  find_program(RETORT_CLANG_DRIVER_${LLVM_VERSION_MAJOR} clang PATHS "${LLVM_TOOLS_BINARY_DIR}" NO_DEFAULT_PATH)
  if(RETORT_CLANG_DRIVER_${LLVM_VERSION_MAJOR})
    execute_process(COMMAND "${RETORT_CLANG_DRIVER_${LLVM_VERSION_MAJOR}}" -print-resource-dir
      OUTPUT_VARIABLE resource_dir OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc ERROR_QUIET)
    if(NOT rc EQUAL 0)
      set(resource_dir "")
    endif()
  endif()
  if(resource_dir STREQUAL "")
    foreach(dir "${LLVM_LIBRARY_DIR}/clang/${LLVM_PACKAGE_VERSION}" "${LLVM_LIBRARY_DIR}/clang/${LLVM_VERSION_MAJOR}")
      if(EXISTS "${dir}/include/stddef.h")
        set(resource_dir "${dir}")
        break()
      endif()
    endforeach()
  endif()
  if(resource_dir STREQUAL "" OR NOT EXISTS "${resource_dir}/include/stddef.h")
    message(FATAL_ERROR "No Clang resource directory (builtin headers such as stddef.h) for LLVM "
      "${LLVM_PACKAGE_VERSION} under ${LLVM_LIBRARY_DIR}/clang; on Debian install libclang-common-${LLVM_VERSION_MAJOR}-dev.")
  endif()
  # Cached (recomputed at every configure) so tests/ sees it too.
  set(RETORT_CLANG_RESOURCE_DIR "${resource_dir}" CACHE INTERNAL "Clang resource directory retortc parses with" FORCE)
  set(RETORT_LLVM_VERSION_MAJOR "${LLVM_VERSION_MAJOR}" CACHE INTERNAL "The LLVM retortc links (the package's Depends)" FORCE)
  message(STATUS "retortc: LLVM/Clang ${LLVM_PACKAGE_VERSION} (${LLVM_DIR}), resource directory ${resource_dir}")

  foreach(var LLVM_INCLUDE_DIRS CLANG_INCLUDE_DIRS LLVM_DEFINITIONS LLVM_VERSION_MAJOR LLVM_PACKAGE_VERSION)
    set(${var} "${${var}}" PARENT_SCOPE)
  endforeach()
endfunction()
