// `<name>-migrate` for a hand-written test registry, as retort_add_migrations()
// generates it. TEST_REGISTRY names the registry; `revision`/`merge` go to
// /bin/echo so that tests can read the arguments retortc would receive.
#include <retort/cli.hpp>

#include "test_registries.hpp"

int main(int argc, char** argv) {
  return retort::cli::main({retort::test::TEST_REGISTRY, "/bin/echo", "/src/migrations"}, argc, argv);
}
