// Entry point: reads the settings, wires the components together and runs until SIGTERM/SIGINT.
// Wiring only; every decision lives in the components.
#include <malloc.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "api/api.hpp"
#include "api/authentication.hpp"
#include "api/errors.hpp"
#include "api/invalidating_events.hpp"
#include "api/reply_cache.hpp"
#include "api/webhook_intake.hpp"
#include "app/backends.hpp"
#include "app/commands.hpp"
#include "app/logging.hpp"
#include "app/maintenance_jobs.hpp"
#include "app/scheduler.hpp"
#include "app/server_options.hpp"
#include "app/status.hpp"
#include "app/webhook_record_cleanup.hpp"
#include "auth/argon2_hasher.hpp"
#include "auth/host_jwt.hpp"
#include "auth/secret_source.hpp"
#include "auth/stream_ticket.hpp"
#include "config/settings.hpp"
#include "domain/chat_service.hpp"
#include "domain/clock.hpp"
#include "domain/events.hpp"
#include "domain/identity_service.hpp"
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
#include "util/metrics_registry.hpp"

namespace {

constexpr const char* kVersion = "0.1.0";

int run(const lso::config::Settings& settings) {
  using namespace lso;
  auto store = app::open_store(settings);
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
    return app::run_command(settings, identity, *store);

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
  http::BlockingPool pool(static_cast<std::size_t>(settings.dbPoolSize) * 2);

  const auto options = app::server_options(settings);
  http::Server server(options, http::Router{}, api::rate_counter(backends.limiter));
  if (backends.limiterBlocks) server.set_limiter_pool(pool);

  http::SseHub::Options hubOptions;
  hubOptions.heartbeat = settings.sseHeartbeat;
  hubOptions.streamTopicPrefix = api::kLivestreamTopicPrefix;
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
  api::InvalidatingEvents events(broadcaster, replyCache);
  domain::LivestreamService service(*store, rooms, tokens, time, events, permissions, &identity);
  // PostgreSQL applies runs of participant events in one round trip; SQLite has no such call.
  domain::WebhookProcessor processor(
      *store, time, events, dynamic_cast<domain::ParticipantEventBatchApplier*>(store.get()));
  domain::RecordingSettings recordingSettings;
  recordingSettings.mp4 = settings.recordingMp4;
  recordingSettings.hls = settings.recordingHls;
  recordingSettings.pathPrefix = settings.recordingPathPrefix;
  recordingSettings.s3 = {settings.recordingS3Bucket,   settings.recordingS3Region,
                          settings.recordingS3Endpoint, settings.recordingS3AccessKey,
                          settings.recordingS3Secret,   settings.recordingS3ForcePathStyle};
  domain::MediaService media(*store, ingress, egress, time, events, permissions,
                             std::move(recordingSettings), &identity);
  service.on_ended([&media](const std::string& id) { media.livestream_ended(id); });
  processor.on_ended([&media](const std::string& id) { media.livestream_ended(id); });
  runtime::WebhookWorkers::Options workerOptions;
  workerOptions.concurrency = app::webhook_worker_count(*store, settings.webhookQueueConcurrency);
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
        return domain::WebhookEvent{
            std::move(e.id),          std::move(e.event),   e.createdAt,        std::move(e.room),
            std::move(e.participant), std::move(e.ingress), std::move(e.egress)};
      },
      workerOptions);

  // /health: each component contributes its section, in this order.
  api::HealthMonitor health(
      {backends.mode, settings.livekitUrl, settings.livekitSimulated, kVersion}, *store, rooms);
  // With a spool, webhooks are still accepted while the queue is down: degraded, not down.
  health.add_section(
      "queue", [&backends] { return backends.queue_health(); }, backends.spool == nullptr);
  if (auto* spool = backends.spool)
    health.add_section("spool", [spool] { return spool->health(); });
  health.add_section("workers", [&workers] { return app::workers_health(workers); });
  health.add_section("state", [&hub] { return hub.health(); });
  if (settings.deployment.shared()) health.add_section("redis", backends.redisHealth, false);
  health.add_section("auth", [&settings] { return app::auth_health(settings); });
  health.probe(true);

  api::WebhookIntake intake(*backends.queue, app::intake_batchers(*backends.queue));
  api::WebhookRejections rejections;

  // /metrics: each component registers its own families, rendered in this order.
  util::MetricsRegistry metricsRegistry;
  http::HttpMetrics requestMetrics;
  server.set_observer(
      [&requestMetrics](const http::RequestRecord& r) { requestMetrics.observe(r); });
  requestMetrics.register_metrics(metricsRegistry);
  hub.register_metrics(metricsRegistry);
  backends.register_queue_metrics(metricsRegistry);
  processor.register_metrics(metricsRegistry);
  if (auto* spool = backends.spool) spool->register_metrics(metricsRegistry);
  app::register_worker_metrics(metricsRegistry, workers);
  livekit::register_metrics(metricsRegistry, {rooms.stats(), ingress.stats(), egress.stats()});
  pool.register_metrics(metricsRegistry, settings.dbPoolSize);
  rejections.register_metrics(metricsRegistry);

  auto& router = server.router();
  api::add_metrics_routes(router, metricsRegistry);
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
      router, {identity, pool, passwords, backends.limiter,
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
  app::WebhookRecordCleanup webhookRecordCleanup(*store, time);
  app::Scheduler scheduler;
  // Health probes: the database every 2 s, LiveKit every 10 s; /health answers from their result.
  // On their own scheduler thread, so a long reconciliation pass never makes /health stale.
  app::Scheduler prober;
  prober.every("health-probe", std::chrono::seconds(2),
               [&health, round = 0]() mutable { health.probe(++round % 5 == 0); });
  webhookRecordCleanup.schedule(scheduler);
  app::schedule_maintenance(scheduler,
                            {reconciler, settings.reconciliationInterval, identity, analytics,
                             settings.analyticsDownsampleAfter, settings.analyticsRetention});

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
