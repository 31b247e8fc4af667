// The administration commands (`user create`, `api-key create|list|revoke`, `webhooks dead …`):
// run against the migrated database and exit, acting as a built-in admin ("cli" in the audit log).
#pragma once

#include "config/settings.hpp"
#include "domain/identity_service.hpp"
#include "domain/store.hpp"

namespace lso::app {

// Runs `settings.command` (not Serve, Migrate or Routes); returns the exit status.
int run_command(const config::Settings& settings, domain::IdentityService& identity,
                domain::Store& store);

}  // namespace lso::app
