// The one header a C++ migration includes.
//
// Deliberately free of standard-library headers: retortc parses every
// migration with Clang at build time, and <string>/<vector> would multiply
// that cost by about a hundred.
#ifndef RETORT_MIGRATION_HPP
#define RETORT_MIGRATION_HPP

#include "retort/op.hpp"
#include "retort/revision.hpp"

#endif
