// Chooses and opens the SQL webhook queue for DATABASE_URL, beside the store: sqlite:… (embedded
// mode) or postgres(ql)://… (production mode without Redis).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "domain/webhook_queue.hpp"
#include "store/store_factory.hpp"

namespace lso::store {

// Opens the queue in the store's database (its own connections, its own tables). `lease` is how
// long a claimed job stays invisible before another worker may take it over; `owner` names the
// instance holding the leases (a restart under the same name retakes its claims at once). Throws
// like open_store: AppError(Validation) for an unknown scheme, AppError(Unavailable) when the
// database cannot be reached.
std::unique_ptr<domain::WebhookQueue> open_sql_webhook_queue(
    const StoreOptions& options, std::chrono::milliseconds lease = std::chrono::seconds(10),
    const std::string& owner = {});

// The SQLite queue's own file beside the database: "./data/x.db" → "./data/x-queue.db".
std::string queue_file_for(const std::string& databasePath);

}  // namespace lso::store
