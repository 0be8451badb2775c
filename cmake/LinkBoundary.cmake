# mc_forbid_links(TARGET FORBID REGEX TEST NAME [SOURCES DIR INCLUDES REGEX]): a service
# boundary kept by a test. At the end of the configure step, every target TARGET links (its
# LINK_LIBRARIES, and theirs transitively, PRIVATE ones of static libraries too) is written to
# <build>/<TARGET>.links, one "library <- the target linking it" a line. The ctest NAME then
# fails when a library matching REGEX is among them, naming the chain that pulls it in; with
# SOURCES, also when a file under DIR (.h, .cc) has an #include matching INCLUDES (a header-only
# use would not show in the link graph).
function(mc_forbid_links)
  cmake_parse_arguments(ARG "" "TARGET;FORBID;TEST;SOURCES;INCLUDES" "" ${ARGN})
  set(links "${CMAKE_BINARY_DIR}/${ARG_TARGET}.links")
  # Deferred: the targets of folders added later must exist when the graph is walked. (A
  # deferred call reads its variables when it runs: EVAL puts the values in now.)
  cmake_language(EVAL CODE "cmake_language(DEFER DIRECTORY [[${PROJECT_SOURCE_DIR}]] CALL
                            _mc_write_link_closure [[${ARG_TARGET}]] [[${links}]])")
  add_test(NAME ${ARG_TEST}
           COMMAND ${CMAKE_COMMAND} -DLINKS=${links} -DTARGET=${ARG_TARGET}
                   "-DFORBID=${ARG_FORBID}" -DSOURCES=${ARG_SOURCES}
                   "-DINCLUDES=${ARG_INCLUDES}" -P ${PROJECT_SOURCE_DIR}/cmake/CheckLinks.cmake)
endfunction()

# The direct link items of `target` that are targets (aliases resolved), in `out`.
function(_mc_linked_targets target out)
  get_target_property(type ${target} TYPE)
  set(items "")
  if(NOT type STREQUAL "INTERFACE_LIBRARY")
    get_target_property(direct ${target} LINK_LIBRARIES)
    if(direct)
      list(APPEND items ${direct})
    endif()
  endif()
  get_target_property(usage ${target} INTERFACE_LINK_LIBRARIES)
  if(usage)
    list(APPEND items ${usage})
  endif()
  set(result "")
  foreach(item IN LISTS items)
    # A static library's PRIVATE dependencies reach its users as $<LINK_ONLY:lib>.
    string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" item "${item}")
    if(item MATCHES "\\$<" OR NOT TARGET ${item})
      continue()
    endif()
    get_target_property(aliased ${item} ALIASED_TARGET)
    if(aliased)
      set(item ${aliased})
    endif()
    list(APPEND result ${item})
  endforeach()
  list(REMOVE_DUPLICATES result)
  set(${out} ${result} PARENT_SCOPE)
endfunction()

function(_mc_write_link_closure root file)
  set(seen ${root})
  set(queue ${root})
  set(lines "")
  while(queue)
    list(POP_FRONT queue target)
    get_target_property(imported ${target} IMPORTED)
    if(imported)
      continue()  # a system package's own dependencies are not the project's boundary
    endif()
    _mc_linked_targets(${target} linked)
    foreach(lib IN LISTS linked)
      if(NOT lib IN_LIST seen)
        list(APPEND seen ${lib})
        list(APPEND queue ${lib})
        string(APPEND lines "${lib} <- ${target}\n")
      endif()
    endforeach()
  endwhile()
  file(WRITE ${file} "${lines}")
endfunction()
