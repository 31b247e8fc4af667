// One dialect's SQL text for every named query: the backends list {query, text} pairs in any
// order, and the table indexed by sql::Query is built and checked complete at compile time.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include "store/sql/session.hpp"

namespace lso::store::sql {

struct StatementText {
  Query query;
  std::string_view text;
};

class StatementTable {
 public:
  // consteval: a missing, repeated or empty entry stops the build at the throw below (a throw is
  // not a constant expression), so a new Query cannot ship without text in every dialect.
  template <std::size_t N>
  consteval explicit StatementTable(const StatementText (&entries)[N]) {
    static_assert(N == kQueryCount, "every named query needs exactly one text in each dialect");
    for (const auto& e : entries) {
      const auto i = static_cast<std::size_t>(e.query);
      if (i >= kQueryCount || e.text.empty() || !texts_[i].empty()) {
        throw "a named query has no text, or two";
      }
      texts_[i] = e.text;
    }
  }

  constexpr std::string_view operator[](Query query) const {
    return texts_[static_cast<std::size_t>(query)];
  }

 private:
  std::array<std::string_view, kQueryCount> texts_{};
};

}  // namespace lso::store::sql
