// The footprint baseline plus Retort at startup: either the read-only check
// (retort::status) or the self-migrating call (retort::upgrade). The URL is
// the only argument, so nothing else happens before the database is reached.
#include <cstdio>
#include <exception>
#include <iostream>

#include <retort/retort.hpp>

#include BENCH_REGISTRY_HEADER

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DATABASE_URL\n", argv[0]);
    return 2;
  }
  try {
#if BENCH_STARTUP_STATUS
    const retort::Status status = retort::status(BENCH_REGISTRY(), argv[1]);
    if (!status.at_head) {
      std::fprintf(stderr, "the database is not at head; run the migrations first\n");
      return 1;
    }
#else
    const retort::UpgradeResult result = retort::upgrade(BENCH_REGISTRY(), argv[1]);
    std::printf("applied %zu migrations\n", result.applied.size());
#endif
  } catch (const std::exception& error) {
    std::fprintf(stderr, "%s\n", error.what());
    return 1;
  }
  std::cout << "hello\n";
  return 0;
}
