# retort_add_migrations(<name> DIRECTORY <dir> [INCLUDE_DIRECTORIES <dir>...]
#                       [LINT error|warn|off] [DIALECTS postgresql sqlite]
#                       [LINT_SINCE <revision>] [LINT_DISABLE <rule-id>...])
#
# Compiles the migration set in <dir> (every *.cpp and *.sql file directly in
# it) with retortc at build time and defines:
#   <name>          static library: the registry and the C++ migrations;
#                   `#include <NAME.hpp>` declares NAME::registry(), where
#                   NAME is <name> made a C identifier;
#   <name>-migrate  the command line (`<name>-migrate upgrade head`, ...);
#   <name>-check    verifies the set without compiling it; the global target
#                   `migrate_check` depends on the check and the lint of
#                   every set (the lint compiles the set to render it);
#   <name>-lint     (part of `all` unless LINT off) runs `<name>-migrate lint`
#                   once the tool is built: zero-downtime findings print as
#                   `file:line:col: warning:` (LINT error: as errors, failing
#                   the build); a CONCURRENTLY statement in a transactional
#                   migration always fails it. DIALECTS (default both) picks
#                   the rule sets; LINT_SINCE leaves older revisions unjudged.
# A broken revision graph makes retortc fail, so every build that links
# <name> fails with `file:line:col: error:` diagnostics.
#
# retortc is the target Retort::retortc: built in-tree, imported by
# find_package(Retort), or imported from the cache variable RETORT_RETORTC
# (a prebuilt retortc for projects that add Retort with add_subdirectory and
# RETORT_BUILD_COMPILER=OFF).
include_guard(GLOBAL)

# Where retort/migration.hpp lives. RetortConfig.cmake sets the installed
# location before including this file; in a source tree it is runtime/include.
get_property(_retort_include_dir_set GLOBAL PROPERTY RETORT_INCLUDE_DIR SET)
if(NOT _retort_include_dir_set)
  get_filename_component(_retort_include_dir "${CMAKE_CURRENT_LIST_DIR}/../runtime/include" ABSOLUTE)
  set_property(GLOBAL PROPERTY RETORT_INCLUDE_DIR "${_retort_include_dir}")
  unset(_retort_include_dir)
endif()
unset(_retort_include_dir_set)

set(RETORT_RETORTC "" CACHE FILEPATH
  "A prebuilt retortc, used when this build does not build or import one")

function(_retort_require_retortc)
  if(TARGET Retort::retortc)
    return()
  endif()
  if(TARGET retortc)
    add_executable(Retort::retortc ALIAS retortc)
  elseif(RETORT_RETORTC)
    if(NOT EXISTS "${RETORT_RETORTC}")
      message(FATAL_ERROR "RETORT_RETORTC is set to '${RETORT_RETORTC}', which does not exist. "
        "Point it at a built retortc (e.g. <retort build>/compiler/retortc).")
    endif()
    add_executable(Retort::retortc IMPORTED GLOBAL)
    set_target_properties(Retort::retortc PROPERTIES IMPORTED_LOCATION "${RETORT_RETORTC}")
  else()
    message(FATAL_ERROR "retort_add_migrations needs retortc, and this build has none. "
      "Use find_package(Retort CONFIG REQUIRED) with an installed Retort, add Retort with "
      "add_subdirectory and RETORT_BUILD_COMPILER=ON, or set -DRETORT_RETORTC=<path to retortc>.")
  endif()
endfunction()

function(retort_add_migrations name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "DIRECTORY;LINT;LINT_SINCE" "INCLUDE_DIRECTORIES;DIALECTS;LINT_DISABLE")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "retort_add_migrations(${name}): unknown arguments: ${arg_UNPARSED_ARGUMENTS}. "
      "Usage: retort_add_migrations(<name> DIRECTORY <dir> [INCLUDE_DIRECTORIES <dir>...] "
      "[LINT error|warn|off] [DIALECTS postgresql sqlite] [LINT_SINCE <revision>] [LINT_DISABLE <rule-id>...])")
  endif()
  _retort_lint_arguments(${name})
  if(NOT arg_DIRECTORY)
    message(FATAL_ERROR "retort_add_migrations(${name}): DIRECTORY is required, "
      "e.g. retort_add_migrations(${name} DIRECTORY \${CMAKE_CURRENT_SOURCE_DIR}/migrations)")
  endif()
  get_filename_component(migrations_dir "${arg_DIRECTORY}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT IS_DIRECTORY "${migrations_dir}")
    message(FATAL_ERROR "retort_add_migrations(${name}): DIRECTORY '${migrations_dir}' is not a directory.")
  endif()
  _retort_require_retortc()

  # retortc names the generated namespace and files after a C identifier.
  string(MAKE_C_IDENTIFIER "${name}" registry_name)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${name}.retort")
  get_property(retort_include_dir GLOBAL PROPERTY RETORT_INCLUDE_DIR)

  # CONFIGURE_DEPENDS: adding or removing a migration re-runs the glob (and
  # regenerates the build) at the next build, without running cmake by hand.
  file(GLOB migration_files CONFIGURE_DEPENDS
    LIST_DIRECTORIES false "${migrations_dir}/*.cpp" "${migrations_dir}/*.sql")
  list(SORT migration_files)
  # retort.lock (the released revisions' checksums) re-runs retortc too.
  file(GLOB released_file CONFIGURE_DEPENDS LIST_DIRECTORIES false "${migrations_dir}/retort.lock")
  file(GLOB runtime_headers CONFIGURE_DEPENDS "${retort_include_dir}/retort/*.hpp")

  set(header "${out}/include/${registry_name}.hpp")
  set(registry_source "${out}/${registry_name}_registry.cpp")
  set(wrappers "")
  foreach(file IN LISTS migration_files)
    if(file MATCHES "\\.cpp$")
      get_filename_component(stem "${file}" NAME_WLE)
      list(APPEND wrappers "${out}/migrations/${stem}.cpp")
    endif()
  endforeach()

  # retortc parses the migrations with the same include path they compile with.
  set(include_dirs "")
  set(include_flags "-I${retort_include_dir}")
  # Their headers re-run retortc when they change, as the migrations do.
  set(user_headers "")
  foreach(dir IN LISTS arg_INCLUDE_DIRECTORIES)
    get_filename_component(dir "${dir}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND include_dirs "${dir}")
    list(APPEND include_flags "-I${dir}")
    file(GLOB_RECURSE headers CONFIGURE_DEPENDS LIST_DIRECTORIES false
      "${dir}/*.h" "${dir}/*.hh" "${dir}/*.hpp" "${dir}/*.hxx" "${dir}/*.inc")
    list(APPEND user_headers ${headers})
  endforeach()

  # Ninja re-runs a command when an input is newer than its outputs, not when
  # an input disappears: this list (rewritten only when it changes) makes a
  # removed migration re-run retortc too.
  list(JOIN migration_files "\n" file_list)
  file(CONFIGURE OUTPUT "${out}/migration-files.txt" CONTENT "${file_list}\n" @ONLY)

  list(LENGTH migration_files migration_count)
  add_custom_command(
    OUTPUT ${header} ${registry_source} ${wrappers}
    COMMAND Retort::retortc compile
      --name ${registry_name}
      --directory ${migrations_dir}
      --output-dir ${out}
      --cache ${out}/retortc-cache
      ${include_flags}
    DEPENDS ${migration_files} ${released_file} "${out}/migration-files.txt" ${runtime_headers} ${user_headers} Retort::retortc
    COMMENT "Compiling migration set ${name} (${migration_count} files in ${migrations_dir})"
    VERBATIM)

  add_custom_target(${name}-check DEPENDS ${header} ${registry_source} ${wrappers})
  if(NOT TARGET migrate_check)
    add_custom_target(migrate_check)
  endif()
  add_dependencies(migrate_check ${name}-check)

  add_library(${name} STATIC ${registry_source} ${wrappers} ${header})
  target_include_directories(${name} PUBLIC "${out}/include" ${include_dirs})
  target_link_libraries(${name} PUBLIC Retort::runtime)
  target_compile_features(${name} PUBLIC cxx_std_20)

  # The command line: a generated main that hands the registry to the CLI,
  # with retortc's path, the source directory and the include flags for
  # `revision`/`merge`.
  set(option_literals "")
  foreach(flag IN LISTS include_flags)
    string(APPEND option_literals "R\"retort(${flag})retort\", ")
  endforeach()
  set(main_source "${out}/${registry_name}_migrate_main.cpp")
  file(GENERATE OUTPUT "${main_source}" CONTENT
"// Generated by retort_add_migrations(${name}); do not edit.
#include <retort/cli.hpp>

#include \"${registry_name}.hpp\"

static constexpr std::string_view retortc_options[] = {${option_literals}};

int main(int argc, char** argv) {
  return retort::cli::main({${registry_name}::registry(), R\"retort($<TARGET_FILE:Retort::retortc>)retort\",
                            R\"retort(${migrations_dir})retort\", retortc_options},
                           argc, argv);
}
")
  add_executable(${name}-migrate "${main_source}")
  target_link_libraries(${name}-migrate PRIVATE ${name} Retort::cli)

  if(NOT lint_mode STREQUAL "off")
    # The stamp is written only when the lint passes: an error re-runs it
    # at the next build, as a failed compile would.
    add_custom_command(
      OUTPUT "${out}/lint.stamp"
      COMMAND ${name}-migrate lint ${lint_arguments}
      COMMAND ${CMAKE_COMMAND} -E touch "${out}/lint.stamp"
      DEPENDS ${name}-migrate ${migration_files}
      COMMENT "Linting migration set ${name} (zero-downtime rules)"
      VERBATIM)
    add_custom_target(${name}-lint ALL DEPENDS "${out}/lint.stamp")
    add_dependencies(migrate_check ${name}-lint)
  endif()
endfunction()

# Sets lint_mode and lint_arguments (for `<name>-migrate lint`) in the
# caller from LINT, DIALECTS, LINT_SINCE and LINT_DISABLE.
macro(_retort_lint_arguments name)
  set(lint_mode "${arg_LINT}")
  if(lint_mode STREQUAL "")  # not if(NOT ...): `off` is false in CMake
    set(lint_mode warn)
  endif()
  if(NOT lint_mode MATCHES "^(error|warn|off)$")
    message(FATAL_ERROR "retort_add_migrations(${name}): LINT must be error, warn or off, not '${lint_mode}'.")
  endif()
  set(lint_dialects ${arg_DIALECTS})
  if(NOT lint_dialects)
    set(lint_dialects postgresql sqlite)
  endif()
  foreach(dialect IN LISTS lint_dialects)
    if(NOT dialect MATCHES "^(postgresql|sqlite)$")
      message(FATAL_ERROR "retort_add_migrations(${name}): DIALECTS takes postgresql and/or sqlite, not '${dialect}'.")
    endif()
  endforeach()
  list(JOIN lint_dialects "," lint_dialect_list)
  set(lint_arguments --dialects "${lint_dialect_list}")
  if(arg_LINT_SINCE)
    list(APPEND lint_arguments --since "${arg_LINT_SINCE}")
  endif()
  if(arg_LINT_DISABLE)
    list(JOIN arg_LINT_DISABLE "," lint_disabled)
    list(APPEND lint_arguments --disable "${lint_disabled}")
  endif()
  if(lint_mode STREQUAL "error")
    list(APPEND lint_arguments --werror)
  endif()
endmacro()
