// Entry point: reads the settings, wires the components together and runs until SIGTERM/SIGINT.
// Wiring only; every decision lives in the components.
#include <fmt/format.h>
#include <malloc.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "api/api.hpp"
#include "api/authentication.hpp"
#include "api/errors.hpp"
#include "api/reply_cache.hpp"
#include "api/webhook_intake.hpp"
#include "app/backends.hpp"
#include "app/logging.hpp"
#include "app/scheduler.hpp"
#include "config/settings.hpp"
#include "auth/argon2_hasher.hpp"
#include "auth/host_jwt.hpp"
#include "auth/secret_source.hpp"
#include "auth/stream_ticket.hpp"
#include "domain/clock.hpp"
#include "domain/identity_service.hpp"
#include "domain/events.hpp"
#include "domain/chat_service.hpp"
#include "domain/livestream_service.hpp"
#include "domain/media_service.hpp"
#include "domain/reconciler.hpp"
#include "domain/webhook_processor.hpp"
#include "events/livestream_broadcaster.hpp"
#include "http/metrics.hpp"
#include "http/offload.hpp"
#include "http/server.hpp"
#include "http/sse_hub.hpp"
#include "http/static_files.hpp"
#include "livekit/access_token.hpp"
#include "livekit/media_clients.hpp"
#include "livekit/twirp_client.hpp"
#include "livekit/webhook_event.hpp"
#include "livekit/webhook_verifier.hpp"
#include "runtime/webhook_workers.hpp"
#include "store/store_factory.hpp"
#include "util/time.hpp"

#include <boost/url/parse.hpp>
#include <iostream>

namespace {

constexpr const char* kVersion = "0.1.0";
// Webhook workers at most when the store writes one transaction at a time (see run()).
constexpr int kOneWriterWebhookWorkers = 2;

// Invalidates this instance's reply cache as soon as a livestream changes here (other instances
// learn it from the bus), then forwards to the broadcaster.
class InvalidatingEvents final : public lso::domain::LivestreamEvents {
 public:
  InvalidatingEvents(lso::domain::LivestreamEvents& next, lso::api::ReplyCache& cache)
      : next_(next), cache_(cache) {}
  void livestream_changed(const lso::domain::Livestream& l, bool created) override {
    cache_.invalidate_all();
    next_.livestream_changed(l, created);
  }
  void state_changed(const std::string& id, lso::domain::StateChange change) override {
    next_.state_changed(id, change);
  }
  void chat_message(const lso::domain::ChatMessage& m) override { next_.chat_message(m); }
  void chat_message_deleted(const std::string& id, const std::string& messageId) override {
    next_.chat_message_deleted(id, messageId);
  }
  void stage_changed(const std::string& id) override { next_.stage_changed(id); }

 private:
  lso::domain::LivestreamEvents& next_;
  lso::api::ReplyCache& cache_;
};

// `webhooks dead list|show|replay|drop`: the dead-letter list of the queue this configuration
// selects (the one the servers share), acting as `cli`; replays and drops are audited as the API's.
int run_dead_letter_command(const lso::config::Settings& settings,
                            lso::domain::IdentityService& identity, const lso::domain::Actor& cli) {
  using namespace lso;
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
    default:
      return 2;
  }
  queue.close();
  backends.shutdown();
  return 0;
}

// The administration commands (`user create`, `api-key create|list|revoke`, `webhooks dead …`):
// run against the migrated database and exit. They act as a built-in admin ("cli" in the audit
// log).
int run_command(const lso::config::Settings& settings, lso::domain::IdentityService& identity,
                lso::domain::Store& store) {
  using namespace lso;
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
                              a.displayName.empty() ? std::nullopt
                                                    : std::optional(a.displayName),
                              a.admin};
      const auto u = identity.create_user(cli, std::move(in));
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
                    domain::scopes_to_string(k.scopes).c_str(),
                    k.revokedAt ? "revoked" : "active");
      return 0;
    case Command::ApiKeyRevoke: {
      const auto k = identity.revoke_api_key(cli, a.keyId);
      std::printf("revoked %s (%s)\n", k.id.c_str(), k.prefix.c_str());
      return 0;
    }
    default:
      return 2;
  }
}

// The Content-Security-Policy's connect sources: this origin and LiveKit's (both schemes).
std::vector<std::string> livekit_sources(const std::string& url) {
  std::vector<std::string> out;
  auto u = boost::urls::parse_uri(url);
  if (!u) return out;
  const std::string host = std::string(u->encoded_authority());
  const bool tls = u->scheme() == "wss" || u->scheme() == "https";
  out.push_back((tls ? "wss://" : "ws://") + host);
  out.push_back((tls ? "https://" : "http://") + host);
  // LiveKit Cloud hands out regional hosts after the first connection.
  if (host.ends_with(".livekit.cloud")) {
    out.push_back("wss://*.livekit.cloud");
    out.push_back("https://*.livekit.cloud");
  }
  return out;
}

int run(const lso::config::Settings& settings) {
  using namespace lso;
  auto store =
      store::open_store({settings.databaseUrl, settings.dbPoolSize, std::chrono::milliseconds(5000),
                         std::chrono::milliseconds(5000)});
  store->migrate();
  if (settings.command == config::Settings::Command::Migrate) {
    spdlog::info("migrations applied ({})", store->backend());
    return 0;
  }

  domain::SystemTimeSource time;

  // Identity: accounts, sessions, API keys (domain/identity_service.hpp); who may do what is the
  // permission table (domain/permissions.cpp).
  const domain::PermissionPolicy permissions{settings.authGuests, settings.open_mode()};
  auth::Argon2idHasher hasher(static_cast<unsigned long long>(settings.argon2Iterations),
                              static_cast<std::size_t>(settings.argon2MemoryKib) * 1024);
  auth::SystemSecrets secrets;
  // Revocations reach this instance's credential cache at once and every other instance over
  // the bus (wired below, once both exist).
  std::function<void(const std::string&)> revoke;
  domain::IdentityService identity(
      *store, hasher, secrets, time,
      {settings.authMode == "accounts", settings.authSignupOpen, settings.sessionTtl,
       settings.sessionIdle, settings.auditRetention},
      permissions, [&revoke](const std::string& credential) {
        if (revoke) revoke(credential);
      });
  if (settings.command != config::Settings::Command::Serve &&
      settings.command != config::Settings::Command::Routes)
    return run_command(settings, identity, *store);

  livekit::AccessTokenIssuer tokens(settings.livekitApiKey, settings.livekitApiSecret,
                                    settings.livekitPublicUrl, settings.tokenTtl, time);
  livekit::HttpClientOptions lkOptions;
  lkOptions.timeout = settings.livekitTimeout;
  lkOptions.maxIdleConnections = static_cast<std::size_t>(settings.dbPoolSize) * 2;
  livekit::TwirpRoomService rooms(settings.livekitUrl, tokens, lkOptions);
  livekit::TwirpIngressService ingress(settings.livekitUrl, tokens, lkOptions);
  livekit::TwirpEgressService egress(settings.livekitUrl, tokens, lkOptions);
  livekit::WebhookVerifier verifier(settings.livekitApiKey, settings.livekitApiSecret, time);

  auto backends = app::make_backends(settings);

  // The blocking pool runs domain calls (database, LiveKit). Webhook enqueues go through the
  // intake's batcher threads instead (api/webhook_intake.hpp).
  // Two threads per connection: LiveKit calls (CreateRoom, DeleteRoom) hold a thread for a
  // network round trip without holding a connection the whole time.
  boost::asio::thread_pool pool(static_cast<std::size_t>(settings.dbPoolSize) * 2);

  http::ServerOptions options;
  options.host = settings.host;
  options.port = settings.port;
  options.ioThreads = settings.ioThreads > 0
                          ? settings.ioThreads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options.bodyLimit = settings.bodyLimitBytes;
  options.corsOrigins = settings.corsOrigins;
  options.trustProxyHops = settings.trustProxyHops;
  auto& limits = options.rateLimits;
  limits.enabled = settings.rateLimitEnabled;
  limits.api = {settings.rateLimitApi.max, settings.rateLimitApi.window};
  limits.write = {settings.rateLimitWrite.max, settings.rateLimitWrite.window};
  limits.create = {settings.rateLimitCreate.max, settings.rateLimitCreate.window};
  if (!settings.open_mode()) {
    // Per principal; signed-out clients per IP under one rule; creates count when they succeed.
    limits.anonymous = http::RateRule{settings.rateLimitAnonymous.max,
                                      settings.rateLimitAnonymous.window};
    limits.createCountsSuccessOnly = true;
  }
  options.contentSecurityPolicy =
      http::SecurityHeaders::policy_for(livekit_sources(settings.livekitPublicUrl),
                                        settings.recordingMediaOrigins);
  options.accessLog = settings.accessLog;
  http::Server server(options, http::Router{}, api::rate_counter(backends.limiter));
  if (!settings.embedded() && settings.redisUrl) server.set_limiter_pool(pool);

  http::SseHub::Options hubOptions;
  hubOptions.heartbeat = settings.sseHeartbeat;
  http::SseHub hub(server.io_contexts(), hubOptions);
  api::ReplyCache replyCache;

  // Host-app tokens (Authorization: Bearer <JWT>), when keys are configured.
  std::unique_ptr<auth::HostJwtVerifier> hostTokens;
  if (settings.host_tokens()) {
    auth::HostJwtOptions o;
    o.hmacSecret = settings.jwtSecret;
    o.publicKeyPem = settings.jwtPublicKeyPem;
    o.jwksUrl = settings.jwksUrl;
    o.algorithms = settings.jwtAlgorithms;
    o.issuer = settings.jwtIssuer;
    o.audience = settings.jwtAudience;
    o.leeway = settings.jwtLeeway;
    o.adminClaim = settings.jwtAdminClaim;
    hostTokens = std::make_unique<auth::HostJwtVerifier>(
        o,
        settings.jwksUrl.empty() ? auth::HostJwtVerifier::JwksFetch{}
                                 : auth::http_jwks_fetch(settings.jwksUrl, settings.livekitTimeout),
        [] { return std::chrono::system_clock::now(); });
  }
  // The key that signs SSE tickets, the same on every instance.
  const auto ticketSecret = store->write([&](domain::Queries& q) {
    return q.get_or_create_secret("stream-ticket-key", secrets.random_hex(32));
  });
  auth::StreamTickets tickets(ticketSecret, std::chrono::seconds(60));
  auto authentication = std::make_shared<api::Authentication>(
      api::AuthenticationOptions{settings.open_mode(),
                                 [&] {
                                   std::vector<std::string> trusted;
                                   for (const auto& o : settings.corsOrigins)
                                     if (o != "*") trusted.push_back(o);
                                   return trusted;
                                 }(),
                                 std::chrono::seconds(60), std::chrono::seconds(60),
                                 !settings.jwksUrl.empty()},
      identity, hostTokens.get(), tickets, pool);
  server.add_middleware(authentication);
  server.set_error_mapper(api::http_error_of);
  auto* bus = backends.bus.get();
  revoke = [authentication, bus](const std::string& credential) {
    authentication->cache().revoke(credential);
    bus->publish(std::string(api::kRevokePrefix) + credential);
  };
  api::connect_bus_to_hub(*backends.bus, hub, replyCache,
                          [authentication](std::string_view credential) {
                            authentication->cache().revoke(credential);
                          });
  api::PasswordPool passwords(static_cast<std::size_t>(settings.hashThreads));

  events::LivestreamBroadcaster::Options broadcastOptions;
  broadcastOptions.userIds = settings.open_mode();
  events::LivestreamBroadcaster broadcaster(*store, *backends.bus, *backends.ledger,
                                            broadcastOptions);
  InvalidatingEvents events(broadcaster, replyCache);
  domain::LivestreamService service(*store, rooms, tokens, time, events, permissions, &identity);
  // PostgreSQL applies runs of participant events in one round trip; SQLite has no such call.
  domain::WebhookProcessor processor(
      *store, time, events, dynamic_cast<domain::ParticipantEventBatchApplier*>(store.get()));
  domain::RecordingSettings recordingSettings;
  recordingSettings.mp4 = settings.recordingMp4;
  recordingSettings.hls = settings.recordingHls;
  recordingSettings.pathPrefix = settings.recordingPathPrefix;
  recordingSettings.s3 = {settings.recordingS3Bucket,    settings.recordingS3Region,
                          settings.recordingS3Endpoint,  settings.recordingS3AccessKey,
                          settings.recordingS3Secret,    settings.recordingS3ForcePathStyle};
  domain::MediaService media(*store, ingress, egress, time, events, permissions,
                             std::move(recordingSettings), &identity);
  service.on_ended([&media](const std::string& id) { media.livestream_ended(id); });
  processor.on_ended([&media](const std::string& id) { media.livestream_ended(id); });
  // A store writing one transaction at a time (SQLite): beyond two workers (one applying while
  // the next claims and parses) the rest only queue for the writer, ahead of API writes, and hold
  // more leased jobs for every claim to skip (docs/benchmarks.md run E: 2 workers gave ~15 %
  // more receiver throughput than 10).
  const int workerCount = store->writes_one_at_a_time()
                              ? std::min(settings.webhookQueueConcurrency, kOneWriterWebhookWorkers)
                              : settings.webhookQueueConcurrency;
  if (workerCount < settings.webhookQueueConcurrency)
    spdlog::info("webhook workers: {} (WEBHOOK_QUEUE_CONCURRENCY={} is capped on SQLite)",
                 workerCount, settings.webhookQueueConcurrency);
  runtime::WebhookWorkers::Options workerOptions;
  workerOptions.concurrency = workerCount;
  workerOptions.maxAttempts = settings.webhookMaxAttempts;
  workerOptions.renewEvery =
      std::chrono::duration_cast<std::chrono::milliseconds>(settings.webhookQueueLease) / 3;
  runtime::WebhookWorkers workers(
      *backends.queue,
      [&processor](const std::vector<domain::WebhookEvent>& events) {
        return processor.apply_batch(events);
      },
      [](std::string_view body) {
        auto e = livekit::parse_webhook_event(body);
        return domain::WebhookEvent{std::move(e.id),          std::move(e.event),
                                    e.createdAt,              std::move(e.room),
                                    std::move(e.participant), std::move(e.ingress),
                                    std::move(e.egress)};
      },
      workerOptions);

  api::HealthMonitor health(
      {backends.mode, settings.livekitUrl, settings.livekitSimulated, kVersion}, *store, rooms);
  auto* queue = backends.queue.get();
  health.add_section(
      "queue",
      [queue] {
        boost::json::object o;
        try {
          const auto c = queue->counts();
          o = {{"status", "up"},     {"backend", queue->backend()}, {"waiting", c.waiting},
               {"active", c.active}, {"completed", c.completed},    {"failed", c.failed},
               {"dead", c.dead}};
        } catch (const std::exception& e) {
          o = {{"status", "down"}, {"backend", queue->backend()}, {"error", e.what()}};
        }
        return boost::json::value(std::move(o));
      },
      // With a spool, webhooks are still accepted while the queue is down: degraded, not down.
      backends.spool == nullptr);
  if (auto* spool = backends.spool)
    health.add_section("spool", [spool] {
      return boost::json::value(boost::json::object{
          {"status", spool->spooling() ? "spooling" : "up"},
          {"webhooks", spool->spooled_now()},
          {"bytes", spool->spool_bytes()}});
    });
  // Paused workers are no outage of the instance (intake keeps accepting): degraded, not down.
  health.add_section("workers", [&workers] {
    boost::json::object o{{"status", workers.paused() ? "paused" : "up"}};
    for (const auto* outage : {&workers.database(), &workers.queue()})
      if (outage->down())
        o[outage == &workers.database() ? "databaseDownSeconds" : "queueDownSeconds"] =
            static_cast<double>(outage->down_for().count()) / 1000.0;
    return boost::json::value(std::move(o));
  });
  health.add_section("state", [&hub] {
    return boost::json::value(
        boost::json::object{{"status", "up"},
                            {"activeConnections", hub.connections()},
                            {"subscribedStreams", hub.subscribed_livestreams()}});
  });
  if (!settings.embedded() && settings.redisUrl)
    health.add_section("redis", backends.redisHealth, false);
  health.add_section("auth", [&settings] {
    return boost::json::value(boost::json::object{
        {"status", "up"},
        {"mode", settings.authMode},
        {"open", settings.open_mode()},
        {"signup", settings.authSignupOpen ? "open" : "closed"},
        {"guests", settings.authGuests},
        {"hostTokens", settings.host_tokens()}});
  });
  health.probe(true);

  http::HttpMetrics metrics;
  server.set_observer([&metrics](const http::RequestRecord& r) { metrics.observe(r); });
  std::vector<std::function<void(std::string&)>> gauges;
  gauges.push_back([&hub](std::string& out) {
    http::prometheus_metric(out, "lso_sse_connections", "gauge", "open Server-Sent Events streams");
    out += fmt::format("lso_sse_connections {}\n", hub.connections());
    http::prometheus_metric(out, "lso_sse_dropped_total", "counter",
                            "SSE clients dropped for falling behind");
    out += fmt::format("lso_sse_dropped_total {}\n", hub.dropped());
  });
  gauges.push_back([queue, &processor](std::string& out) {
    http::prometheus_metric(out, "lso_webhook_queue_jobs", "gauge", "webhook jobs by state");
    try {
      const auto c = queue->counts();
      out += fmt::format(
          "lso_webhook_queue_jobs{{state=\"waiting\"}} "
          "{}\nlso_webhook_queue_jobs{{state=\"active\"}} {}\n"
          "lso_webhook_queue_jobs{{state=\"dead\"}} {}\n",
          c.waiting, c.active, c.dead);
      http::prometheus_metric(out, "lso_webhook_jobs_total", "counter",
                              "webhook job outcomes on this instance");
      out += fmt::format(
          "lso_webhook_jobs_total{{outcome=\"completed\"}} "
          "{}\nlso_webhook_jobs_total{{outcome=\"failed\"}} {}\n",
          c.completed, c.failed);
    } catch (const std::exception&) {
    }
    const auto& w = processor.counters();
    http::prometheus_metric(out, "lso_webhooks_applied_total", "counter",
                            "webhook effects by outcome");
    out += fmt::format(
        "lso_webhooks_applied_total{{outcome=\"applied\"}} "
        "{}\nlso_webhooks_applied_total{{outcome=\"no_effect\"}} {}\n"
        "lso_webhooks_applied_total{{outcome=\"duplicate\"}} "
        "{}\nlso_webhooks_applied_total{{outcome=\"unknown\"}} {}\n",
        w.applied.load(), w.noEffect.load(), w.duplicate.load(), w.unknown.load());
  });
  if (auto* spool = backends.spool)
    gauges.push_back([spool](std::string& out) {
      http::prometheus_metric(out, "lso_webhook_spooling", "gauge",
                              "1 while accepted webhooks go to the local spool (queue unreachable)");
      out += fmt::format("lso_webhook_spooling {}\n", spool->spooling() ? 1 : 0);
      http::prometheus_metric(out, "lso_webhook_spool_webhooks", "gauge",
                              "webhooks in the local spool, waiting to be forwarded");
      out += fmt::format("lso_webhook_spool_webhooks {}\n", spool->spooled_now());
      http::prometheus_metric(out, "lso_webhook_spool_bytes", "gauge", "size of the local spool");
      out += fmt::format("lso_webhook_spool_bytes {}\n", spool->spool_bytes());
      http::prometheus_metric(out, "lso_webhook_spooled_total", "counter",
                              "webhooks accepted into the local spool");
      out += fmt::format("lso_webhook_spooled_total {}\n", spool->spooled_total());
      http::prometheus_metric(out, "lso_webhook_spool_forwarded_total", "counter",
                              "spooled webhooks forwarded to the queue");
      out += fmt::format("lso_webhook_spool_forwarded_total {}\n", spool->forwarded_total());
    });
  gauges.push_back([&workers](std::string& out) {
    const std::pair<const char*, const domain::Outage*> causes[] = {
        {"database", &workers.database()}, {"queue", &workers.queue()}};
    http::prometheus_metric(out, "lso_webhook_workers_paused", "gauge",
                            "1 while webhook workers wait for an unreachable dependency");
    for (const auto& [cause, outage] : causes)
      out += fmt::format("lso_webhook_workers_paused{{cause=\"{}\"}} {}\n", cause,
                         outage->down() ? 1 : 0);
    http::prometheus_metric(out, "lso_webhook_worker_pauses_total", "counter",
                            "webhook worker pauses since start, by cause");
    for (const auto& [cause, outage] : causes)
      out += fmt::format("lso_webhook_worker_pauses_total{{cause=\"{}\"}} {}\n", cause,
                         outage->outages());
  });
  gauges.push_back([&rooms, &ingress, &egress](std::string& out) {
    // RoomService, Ingress and Egress methods have distinct names: one label set serves all.
    const std::span<const livekit::TwirpCallStats> all[] = {rooms.stats(), ingress.stats(),
                                                            egress.stats()};
    http::prometheus_metric(out, "lso_livekit_requests_total", "counter",
                            "LiveKit server API calls by method");
    for (const auto& stats : all)
      for (const auto& st : stats)
        out += fmt::format("lso_livekit_requests_total{{method=\"{}\"}} {}\n", st.method,
                           st.calls.load());
    http::prometheus_metric(out, "lso_livekit_errors_total", "counter",
                            "failed LiveKit server API calls by method");
    for (const auto& stats : all)
      for (const auto& st : stats)
        out += fmt::format("lso_livekit_errors_total{{method=\"{}\"}} {}\n", st.method,
                           st.errors.load());
    http::prometheus_metric(out, "lso_livekit_request_seconds_total", "counter",
                            "time spent in LiveKit calls by method");
    for (const auto& stats : all)
      for (const auto& st : stats)
        out += fmt::format("lso_livekit_request_seconds_total{{method=\"{}\"}} {}\n",
                           st.method, static_cast<double>(st.totalMicros.load()) / 1e6);
  });
  gauges.push_back([&settings](std::string& out) {
    http::prometheus_metric(out, "lso_db_pool_connections", "gauge", "database pool size");
    out += fmt::format("lso_db_pool_connections {}\n", settings.dbPoolSize);
    http::prometheus_metric(out, "lso_db_pool_in_use", "gauge",
                            "blocking database/LiveKit tasks running now");
    out += fmt::format("lso_db_pool_in_use {}\n", http::g_blocking_in_flight.load());
  });

  // Every queue stores a whole batch in one write (SQL transaction, one Redis script): four
  // batchers keep one batch committing while the next fills. A queue writing one transaction at
  // a time (SQLite) gets a single batcher, so each batch grows while the previous one commits
  // (fewer, larger commits: ~10 % more receiver throughput, lower p99; docs/benchmarks.md run E).
  api::WebhookIntake intake(*backends.queue, backends.queue->writes_one_at_a_time() ? 1 : 4);
  api::WebhookRejections rejections;
  gauges.push_back([&rejections](std::string& out) {
    http::prometheus_metric(out, "lso_webhooks_rejected_total", "counter",
                            "webhooks refused before they were queued, by reason");
    out += fmt::format(
        "lso_webhooks_rejected_total{{reason=\"signature\"}} {}\n"
        "lso_webhooks_rejected_total{{reason=\"malformed\"}} {}\n",
        rejections.signature.load(), rejections.malformed.load());
  });

  auto& router = server.router();
  api::add_metrics_routes(router, metrics, std::move(gauges));
  api::add_docs_routes(router);
  api::add_health_routes(router, health);
  api::add_livestream_routes(router, service, media, pool, replyCache);
  api::add_media_routes(router, media, pool);
  domain::AnalyticsService analytics(*store, time, permissions);
  api::add_analytics_routes(router, analytics, pool);
  domain::ChatPolicy chatPolicy;
  chatPolicy.maxLength = static_cast<std::size_t>(settings.chatMaxLength);
  chatPolicy.rateLimit = settings.chatRateLimit;
  chatPolicy.rateWindow = settings.chatRateWindow;
  domain::ChatService chat(*store, rooms, time, events, permissions, &identity, chatPolicy);
  api::add_chat_routes(router, chat, pool);
  api::add_auth_routes(
      router,
      {identity, pool, passwords, backends.limiter,
       api::LoginThrottle{settings.loginMaxFailures, settings.loginWindow}, tickets,
       boost::json::object{{"authMode", settings.authMode},
                           {"accounts", settings.authMode == "accounts"},
                           {"signup", settings.authSignupOpen ? "open" : "closed"},
                           {"guests", settings.authGuests},
                           {"hostTokens", settings.host_tokens()}}});
  api::add_dead_letter_routes(router, *backends.queue, identity, pool);
  api::add_event_routes(router, service, hub, pool);
  api::add_webhook_routes(
      router,
      [&verifier](std::string_view auth, std::string_view body) { verifier.verify(auth, body); },
      intake, rejections);

  if (settings.command == config::Settings::Command::Routes) {
    // For the API documentation check: every registered route, one per line.
    for (const auto& r : router.routes())
      std::printf("%s %s\n", std::string(http::bhttp::to_string(r.method)).c_str(),
                  r.pattern.c_str());
    return 0;
  }

  std::string staticDir = settings.staticDir;
  if (staticDir.empty() && std::filesystem::is_regular_file("client/dist/index.html"))
    staticDir = "client/dist";
  if (!staticDir.empty()) {
    server.set_fallback(http::static_files(staticDir), {std::string(api::kApiPrefix)});
    spdlog::info("serving the web client from {}", staticDir);
  }

  domain::Reconciler reconciler(*store, rooms, service, *backends.lock, time, events,
                                {settings.reconciliationAbsences, settings.reconciliationGrace});
  reconciler.with_media(ingress, egress);
  app::Scheduler scheduler;
  // Health probes: the database every 2 s, LiveKit every 10 s; /health answers from their result.
  // On their own scheduler thread, so a long reconciliation pass never makes /health stale.
  app::Scheduler prober;
  prober.every("health-probe", std::chrono::seconds(2),
               [&health, round = 0]() mutable { health.probe(++round % 5 == 0); });
  scheduler.every("reconciliation", settings.reconciliationInterval, [&reconciler] {
    const auto r = reconciler.run_once();
    if (r.ran && (r.ended || r.participantsLeft || r.participantsJoined || r.recordingsSettled ||
                  r.ingestsSettled))
      spdlog::info(
          "reconciliation: {} checked, {} ended, {} participants left, {} sessions connected, "
          "{} recordings and {} ingests LiveKit lost settled",
          r.checked, r.ended, r.participantsLeft, r.participantsJoined, r.recordingsSettled,
          r.ingestsSettled);
  });
  scheduler.every("webhook-record-cleanup", std::chrono::hours(1), [&store, &time] {
    // In transactions of 5,000 rows: a day of busy webhooks is millions of records, and one
    // DELETE of them all would hold the database's writer (SQLite) away from webhooks and joins.
    constexpr std::int64_t kChunk = 5000;
    const auto now = time.now();
    std::int64_t n = 0;
    for (std::int64_t got = kChunk; got == kChunk;) {
      got =
          store->write([&](domain::Queries& q) { return q.delete_expired_webhooks(now, kChunk); });
      n += got;
    }
    if (n > 0) spdlog::info("deleted {} processed-webhook records older than 24 h", n);
  });
  scheduler.every("identity-cleanup", std::chrono::hours(1), [&identity] { identity.cleanup(); });
  scheduler.every("analytics-maintenance", std::chrono::hours(1), [&analytics, &settings] {
    const auto n =
        analytics.maintain(settings.analyticsDownsampleAfter, settings.analyticsRetention);
    if (n > 0) spdlog::info("analytics maintenance: {} viewer series/session rows merged or deleted", n);
  });

  server.start();
  prober.start();
  scheduler.start();
  spdlog::info(
      "Livestream Orchestrator {} listening on http://{}:{} ({} mode, {} database, {} queue, {} "
      "I/O threads)",
      kVersion, settings.host, server.port(), backends.mode, store->backend(),
      backends.queue->backend(), options.ioThreads);
  if (settings.open_mode())
    spdlog::warn(
        "AUTH_MODE=open: identity is whatever a request body says — anyone can act as anyone. "
        "For local experiments only.");
  if (settings.livekitSimulated)
    spdlog::warn(
        "LiveKit at {} is the LiveKit double: simulated media server — video will not play",
        settings.livekitUrl);

  boost::asio::io_context signals_ctx(1);
  boost::asio::signal_set signals(signals_ctx, SIGINT, SIGTERM);
  signals.async_wait([](const boost::system::error_code&, int sig) {
    spdlog::info("received signal {}, shutting down", sig);
  });
  signals_ctx.run();

  // Stop taking work, finish what is in flight, leave unclaimed jobs queued for another instance.
  reconciler.cancel();
  scheduler.stop();
  prober.stop();
  hub.shutdown();
  server.stop(settings.shutdownTimeout);
  workers.stop();
  backends.queue->close();
  broadcaster.stop();
  backends.shutdown();
  intake.stop();
  passwords.pool.join();
  pool.join();
  spdlog::info("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // glibc gives every thread that allocates its own arena (8 per core): with ~50 mostly idle
  // threads that is several MB of resident memory for nothing. One arena per core is plenty.
  mallopt(M_ARENA_MAX, static_cast<int>(std::max(2u, std::thread::hardware_concurrency())));
  // A peer closing a socket mid-write (hiredis writes with write(2)) must be an error, not death.
  std::signal(SIGPIPE, SIG_IGN);
  // Every SSE subscriber holds a socket: the soft open-files limit (often 1024) is raised to the
  // hard limit the operator allows, as nginx's worker_rlimit_nofile would.
  if (rlimit files{}; getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  std::optional<lso::config::Settings> settings;
  try {
    settings = lso::config::load_settings(argc, argv);
    if (!settings) return 0;  // --help
  } catch (const std::exception& e) {
    std::fprintf(stderr, "configuration error: %s\n", e.what());
    return 2;
  }
  lso::app::setup_logging(settings->logLevel, settings->logFormat);
  try {
    return run(*settings);
  } catch (const std::exception& e) {
    spdlog::critical("fatal: {}", e.what());
    return 1;
  }
}
