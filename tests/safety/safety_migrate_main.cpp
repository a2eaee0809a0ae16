// `safety-migrate`: <name>-migrate over the generated set. SAFETY_START_AT
// (milliseconds since the epoch) makes every process of a race wait for the
// same instant before it connects.
#include <retort/cli.hpp>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "generated_set.hpp"

int main(int argc, char** argv) {
  if (const char* start = std::getenv("SAFETY_START_AT")) {
    std::this_thread::sleep_until(std::chrono::system_clock::time_point(std::chrono::milliseconds(std::atoll(start))));
  }
  return retort::cli::main({retort::test::generated_set(), "/bin/false", "/safety/migrations"}, argc, argv);
}
