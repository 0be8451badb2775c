# mc_test(NAME SOURCES... LIBS ...): one Catch2 binary, registered as one ctest.
# Tests in a binary share one process (and, for *_pgtest, one throwaway PostgreSQL).
function(mc_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE mc_catch_main ${ARG_LIBS})
  add_test(NAME ${name} COMMAND ${name})
  if(ARG_LABELS)
    set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}")
  endif()
endfunction()
