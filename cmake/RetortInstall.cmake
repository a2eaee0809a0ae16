# `cmake --install` of Retort: retortc, the runtime headers and libraries,
# and the package files that make find_package(Retort CONFIG REQUIRED)
# provide Retort::core, Retort::runtime, Retort::cli, Retort::retortc and
# retort_add_migrations().
include_guard(GLOBAL)
include(CMakePackageConfigHelpers)

set(RETORT_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/Retort"
  CACHE STRING "Where the Retort package files are installed, relative to the prefix")

install(TARGETS retort_core retort_runtime retort_lint retort_cli
  EXPORT RetortTargets
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}"
  INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/runtime/include/retort"
  DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")

if(TARGET retortc)
  # compiler/ installs retortc into RetortTargets. It links Clang's shared
  # libraries: keep their directories in its RUNPATH so the installed tool
  # finds them wherever LLVM lives.
  set_target_properties(retortc PROPERTIES INSTALL_RPATH_USE_LINK_PATH ON)
endif()

install(EXPORT RetortTargets
  NAMESPACE Retort::
  FILE RetortTargets.cmake
  DESTINATION "${RETORT_INSTALL_CMAKEDIR}")

configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/RetortConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/RetortConfig.cmake"
  INSTALL_DESTINATION "${RETORT_INSTALL_CMAKEDIR}"
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR)
write_basic_package_version_file("${PROJECT_BINARY_DIR}/RetortConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}"
  COMPATIBILITY SameMinorVersion)
install(FILES
  "${PROJECT_BINARY_DIR}/RetortConfig.cmake"
  "${PROJECT_BINARY_DIR}/RetortConfigVersion.cmake"
  "${PROJECT_SOURCE_DIR}/cmake/RetortMigrations.cmake"
  DESTINATION "${RETORT_INSTALL_CMAKEDIR}")
