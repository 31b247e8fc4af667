// DATABASE_URL and REDIS_URL interpreted once: which mode this instance runs in and where its
// database and Redis are. Backend selection, the factories and /health read this description;
// none of them looks at the URLs' schemes again.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lso::config {

struct Deployment {
  enum class Mode {
    Embedded,        // sqlite:…: one process, everything local
    SingleInstance,  // PostgreSQL without Redis: one instance, the SQL queue on PostgreSQL
    Production,      // PostgreSQL + Redis: any number of instances sharing Redis
  };
  Mode mode = Mode::Embedded;
  std::string databaseUrl;
  std::optional<std::string> redisUrl;  // set in production mode only

  bool embedded() const { return mode == Mode::Embedded; }
  // Instances share coordination (bus, ledger, locks, rate limits) through Redis.
  bool shared() const { return mode == Mode::Production; }
  // "embedded" | "single-instance" | "production" (the log line and /health's `mode`).
  std::string_view name() const;
};

// The mode follows from the database's scheme, then from whether Redis is configured (REDIS_URL
// with SQLite is ignored: the embedded mode coordinates in the process).
Deployment describe_deployment(std::string databaseUrl, std::optional<std::string> redisUrl);

}  // namespace lso::config
