// The administration commands; see commands.hpp.
#include "app/commands.hpp"

#include <algorithm>
#include <boost/json/object.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>

#include "app/backends.hpp"
#include "domain/errors.hpp"
#include "util/time.hpp"

namespace lso::app {

namespace {

// `webhooks dead list|show|replay|drop`: the dead-letter list of the queue this configuration
// selects (the one the servers share), acting as `cli`; replays and drops are audited as the API's.
int run_dead_letter_command(const config::Settings& settings, domain::IdentityService& identity,
                            const domain::Actor& cli) {
  using Command = config::Settings::Command;
  auto backends = app::make_backends(settings);
  auto& queue = *backends.queue;
  const auto& id = settings.args.deadId;
  const auto not_found = [&id] {
    return domain::AppError(domain::ErrorKind::NotFound, "no dead letter with id " + id);
  };
  switch (settings.command) {
    case Command::DeadLetterList: {
      // Tab-separated, the error last (it may hold spaces; line breaks in it become spaces).
      std::optional<std::string> after;
      for (;;) {
        constexpr std::size_t kPage = 500;
        const auto page = queue.list_dead(kPage, after);
        for (const auto& d : page) {
          std::string error = d.lastError;
          std::replace_if(
              error.begin(), error.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
          std::printf("%s\t%s\t%d\t%s\t%lld\t%s\n", d.id.c_str(), d.webhookId.c_str(), d.attempts,
                      util::to_iso8601(d.diedAt).c_str(), static_cast<long long>(d.bodySize),
                      error.c_str());
        }
        if (page.size() < kPage) break;
        after = page.back().id;
      }
      break;
    }
    case Command::DeadLetterShow: {
      const auto d = queue.find_dead(id);
      if (!d) throw not_found();
      identity.audit(cli, "webhook.show", id, "ok",
                     boost::json::object{{"webhookId", d->webhookId}});
      std::fwrite(d->body.data(), 1, d->body.size(), stdout);
      std::fputc('\n', stdout);
      break;
    }
    case Command::DeadLetterReplay:
      if (settings.args.replayAll) {
        const auto n = queue.replay_all_dead();
        identity.audit(cli, "webhook.replay_all", "", "ok",
                       boost::json::object{{"replayed", static_cast<std::int64_t>(n)}});
        std::printf("replayed %zu dead letter(s)\n", n);
      } else {
        const bool ok = queue.replay_dead(id);
        identity.audit(cli, "webhook.replay", id, ok ? "ok" : "not_found");
        if (!ok) throw not_found();
        std::printf("replayed %s\n", id.c_str());
      }
      break;
    case Command::DeadLetterDrop: {
      const bool ok = queue.drop_dead(id);
      identity.audit(cli, "webhook.drop", id, ok ? "ok" : "not_found");
      if (!ok) throw not_found();
      std::printf("dropped %s\n", id.c_str());
      break;
    }
    default: return 2;
  }
  queue.close();
  backends.shutdown();
  return 0;
}

}  // namespace

int run_command(const config::Settings& settings, domain::IdentityService& identity,
                domain::Store& store) {
  using Command = config::Settings::Command;
  domain::Actor cli;
  cli.kind = domain::PrincipalKind::User;
  cli.admin = true;
  cli.scopes = domain::kAllScopes;
  cli.principalName = "cli";
  if (settings.dead_letter_command()) return run_dead_letter_command(settings, identity, cli);
  const auto& a = settings.args;
  switch (settings.command) {
    case Command::UserCreate: {
      std::string password;
      if (const char* env = std::getenv("LSO_PASSWORD")) {
        password = env;
      } else {
        std::fprintf(stderr, "password for %s: ", a.username.c_str());
        std::getline(std::cin, password);
      }
      domain::AccountInput in{a.username, password,
                              a.displayName.empty() ? std::nullopt : std::optional(a.displayName),
                              a.admin};
      const auto u = identity.create_user(cli, in);
      std::printf("created %s%s\n", u.id.c_str(), u.admin ? " (admin)" : "");
      return 0;
    }
    case Command::ApiKeyCreate: {
      const auto scopes = domain::parse_scopes(a.scopes);
      if (!scopes || !*scopes)
        throw domain::AppError(domain::ErrorKind::Validation,
                               "--scopes must list read, write, admin or act-as");
      const auto owner = store.read([&](domain::Queries& q) { return q.find_user(a.owner); });
      if (!owner || !owner->admin || owner->disabled)
        throw domain::AppError(domain::ErrorKind::Validation,
                               "--owner must name an enabled admin account");
      cli.userId = owner->id;
      cli.principalName = "cli:" + owner->id;
      const auto k = identity.create_api_key(cli, a.keyName, *scopes);
      std::printf("id:     %s\nscopes: %s\nkey:    %s\n(shown once: store it now)\n",
                  k.key.id.c_str(), domain::scopes_to_string(k.key.scopes).c_str(),
                  k.secret.c_str());
      return 0;
    }
    case Command::ApiKeyList:
      for (const auto& k : identity.list_api_keys(cli))
        std::printf("%s  %-14s %-24s %-22s %s\n", k.id.c_str(), k.prefix.c_str(), k.name.c_str(),
                    domain::scopes_to_string(k.scopes).c_str(), k.revokedAt ? "revoked" : "active");
      return 0;
    case Command::ApiKeyRevoke: {
      const auto k = identity.revoke_api_key(cli, a.keyId);
      std::printf("revoked %s (%s)\n", k.id.c_str(), k.prefix.c_str());
      return 0;
    }
    default: return 2;
  }
}

}  // namespace lso::app
