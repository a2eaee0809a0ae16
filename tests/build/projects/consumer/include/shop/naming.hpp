// A header of the application's own that migrations include (given to
// retort_add_migrations with INCLUDE_DIRECTORIES).
#ifndef SHOP_NAMING_HPP
#define SHOP_NAMING_HPP

namespace shop {
inline constexpr const char* orders_customer_index = "ix_orders_customer_id";
}

#endif
