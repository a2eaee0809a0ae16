// The one way log lines print how long something took.
#include <gtest/gtest.h>

#include "duration_text.hpp"

namespace retort::detail {
namespace {

using std::chrono::milliseconds;

TEST(DurationText, MillisecondsThenTenthsThenSecondsThenMinutes) {
  EXPECT_EQ(duration_text(milliseconds(0)), "0 ms");
  EXPECT_EQ(duration_text(milliseconds(999)), "999 ms");
  EXPECT_EQ(duration_text(milliseconds(1000)), "1.0 s");
  EXPECT_EQ(duration_text(milliseconds(4250)), "4.2 s");
  EXPECT_EQ(duration_text(milliseconds(9949)), "9.9 s");
  EXPECT_EQ(duration_text(milliseconds(10'000)), "10 s");
  EXPECT_EQ(duration_text(milliseconds(59'999)), "59 s");
  EXPECT_EQ(duration_text(milliseconds(60'000)), "1 min 00 s");
  EXPECT_EQ(duration_text(milliseconds(125'400)), "2 min 05 s");
}

}  // namespace
}  // namespace retort::detail
