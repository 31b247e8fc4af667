// PostgresStore: transactions and retries around the shared queries, migrations under an
// advisory lock.
#include "store/postgres/postgres_store.hpp"

#include <set>
#include <thread>

#include "store/postgres/migrations.hpp"
#include "store/postgres/postgres_queries.hpp"

namespace lso::store::postgres {
namespace {

using domain::AppError;

// Ends whatever transaction fn left open; a failure here must not hide fn's own error, and a
// connection it breaks is re-established at its next checkout.
void rollback_quietly(Connection& connection) {
  if (connection.discard_unsent_snapshot() || !connection.ok()) {
    return;
  }
  try {
    if (connection.in_transaction()) connection.execute("ROLLBACK");
  } catch (const AppError&) {
  }
}

}  // namespace

PostgresStore::PostgresStore(const PostgresOptions& options)
    : pool_(ConnectSettings{options.url, options.connectTimeout, options.statementTimeout},
            options.poolSize, options.connectTimeout) {}

void PostgresStore::run(Access access, const std::function<void(domain::Queries&)>& fn) {
  int serializationRetries = 0;
  bool reconnected = false;
  for (;;) {
    auto connection = pool_.acquire();
    bool commitSent = false;
    try {
      PostgresQueries queries(*connection);
      if (access == Access::Write) {
        connection->execute("BEGIN");
        fn(queries);
        commitSent = true;
        connection->execute("COMMIT");
      } else {
        // One snapshot for every statement of the read: a state assembled from the livestream
        // row and its connected people must not see a join applied between the two statements
        // (autocommit showed two people with a viewer count of zero). Read-only repeatable read
        // takes no locks and never fails to serialize. Its BEGIN rides with the first statement
        // and its COMMIT is not waited for, so it adds no round trip.
        connection->begin_snapshot();
        fn(queries);
        connection->end_snapshot();
      }
      return;
    } catch (const SerializationFailure&) {
      rollback_quietly(*connection);
      if (++serializationRetries > kMaxSerializationRetries) {
        throw;
      }
      // Short growing pause so the transactions that collided do not collide again at once.
      std::this_thread::sleep_for(std::chrono::milliseconds(2 << serializationRetries));
    } catch (const ConnectionLost&) {
      // A lost COMMIT may or may not have been applied: only a run with nothing committed
      // is repeated, and only once (the next acquire() reconnects).
      if (reconnected || commitSent) {
        throw;
      }
      reconnected = true;
    } catch (...) {
      rollback_quietly(*connection);
      throw;
    }
  }
}

void PostgresStore::ping() {
  auto connection = pool_.acquire();
  try {
    connection->execute("SELECT 1");
  } catch (const ConnectionLost&) {
    // A pooled connection may have died while idle (server restart): one reconnect decides.
    connection->reset();
    connection->execute("SELECT 1");
  }
}

void PostgresStore::migrate() {
  auto connection = pool_.acquire();
  Connection& db = *connection;
  // Session-level lock: released explicitly below, or by the server if this connection dies.
  db.exec_text("SELECT pg_advisory_lock($1::bigint)", {kMigrationLockKey});
  try {
    db.execute(kCreateMigrationsTable);
    std::set<std::int64_t> applied;
    db.exec_text("SELECT version FROM schema_migrations", {},
                 [&](const sql::Row& row) { applied.insert(row.int64(0)); });
    for (const auto& m : kMigrations) {
      if (applied.count(m.version) != 0) {
        continue;
      }
      // Each migration commits together with its schema_migrations row (DDL is transactional).
      try {
        db.execute("BEGIN");
        db.execute(m.sql);
        db.exec_text("INSERT INTO schema_migrations (version, name) VALUES ($1::integer, $2)",
                     {std::int64_t{m.version}, m.name});
        db.execute("COMMIT");
      } catch (...) {
        rollback_quietly(db);
        throw;
      }
    }
  } catch (...) {
    if (db.ok()) {
      try {
        db.exec_text("SELECT pg_advisory_unlock($1::bigint)", {kMigrationLockKey});
      } catch (const AppError&) {
      }
    }
    throw;
  }
  db.exec_text("SELECT pg_advisory_unlock($1::bigint)", {kMigrationLockKey});
}

std::vector<domain::ParticipantEventResult> PostgresStore::apply_participant_events(
    domain::Queries& q, const std::vector<domain::ParticipantEvent>& events,
    domain::TimePoint processedAt, domain::TimePoint expiresAt) {
  // run() hands out nothing but PostgresQueries: `q` is this store's own transaction.
  return static_cast<PostgresQueries&>(q).apply_participant_events(events, processedAt, expiresAt);
}

}  // namespace lso::store::postgres
