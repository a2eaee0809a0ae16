// Prints every revision of the shop_migrations registry as
// "<id> <down revisions, comma separated or 'base'> <message>".
#include <cstdio>
#include <string>

#include "shop_migrations.hpp"

int main() {
  for (const retort::Migration& migration : shop_migrations::registry().migrations) {
    std::string downs;
    for (std::string_view down : migration.down_revisions) {
      if (!downs.empty()) downs += ',';
      downs += down;
    }
    std::printf("%.*s %s %.*s\n", static_cast<int>(migration.id.size()), migration.id.data(),
                downs.empty() ? "base" : downs.c_str(), static_cast<int>(migration.message.size()),
                migration.message.data());
  }
}
