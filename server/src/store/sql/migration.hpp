// A versioned schema migration as each SQL backend lists them (store/*/migrations.hpp).
#pragma once

#include <string_view>

namespace lso::store::sql {

// Invariant: versions only ever grow and an applied migration's SQL never changes; a schema
// change is a new entry at the end of the list.
struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

}  // namespace lso::store::sql
