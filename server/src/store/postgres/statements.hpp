// The PostgreSQL text of every named query (sql::Query), with $N placeholders in the documented
// order.
#pragma once

#include <string_view>

#include "store/sql/session.hpp"

namespace lso::store::postgres {

std::string_view statement_sql(sql::Query query);

}  // namespace lso::store::postgres
