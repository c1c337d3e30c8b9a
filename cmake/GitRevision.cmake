# Generates git_revision.cc at every build (not only at configure time), so that
# provenance.json names the revision the binary was really built from. The file
# is rewritten only when the revision changes, so it does not force relinks.
set(OFFLOADSIM_GIT_REVISION_CC "${CMAKE_BINARY_DIR}/generated/git_revision.cc")
add_custom_target(offloadsim_git_revision
  COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${CMAKE_SOURCE_DIR} -DOUTPUT=${OFFLOADSIM_GIT_REVISION_CC}
          -P ${CMAKE_SOURCE_DIR}/cmake/WriteGitRevision.cmake
  BYPRODUCTS ${OFFLOADSIM_GIT_REVISION_CC}
  COMMENT "Recording git revision"
  VERBATIM)
