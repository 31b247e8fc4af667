// describe_deployment; see deployment.hpp.
#include "config/deployment.hpp"

#include "util/database_url.hpp"

namespace lso::config {

std::string_view Deployment::name() const {
  switch (mode) {
    case Mode::Embedded: return "embedded";
    case Mode::SingleInstance: return "single-instance";
    case Mode::Production: return "production";
  }
  return "embedded";
}

Deployment describe_deployment(std::string databaseUrl, std::optional<std::string> redisUrl) {
  Deployment d;
  if (util::database_kind(databaseUrl) == util::DatabaseKind::Sqlite) {
    d.mode = Deployment::Mode::Embedded;
  } else if (redisUrl) {
    d.mode = Deployment::Mode::Production;
    d.redisUrl = std::move(redisUrl);
  } else {
    d.mode = Deployment::Mode::SingleInstance;
  }
  d.databaseUrl = std::move(databaseUrl);
  return d;
}

}  // namespace lso::config
