# CPack pre-build script (cmake/RetortPackage.cmake): CPACK_STRIP_FILES
# strips retortc but not static libraries, whose debug information is most
# of their size; strip only that, as Debian's -dev packages do.
file(GLOB_RECURSE archives "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*.a")
foreach(archive IN LISTS archives)
  execute_process(COMMAND "${CPACK_STRIP_PROGRAM}" --strip-debug "${archive}" RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "strip --strip-debug ${archive} failed")
  endif()
endforeach()
