// The footprint baseline: a C++ service that does nothing but start.
#include <iostream>

int main() {
  std::cout << "hello\n";
  return 0;
}
