// /metrics and the API documentation routes.
#include "api/api.hpp"
#include "api/openapi_document.hpp"

namespace lso::api {

using http::bhttp::verb;

std::string_view openapi_document() {
  return kOpenApiDocument;
}

void add_metrics_routes(http::Router& router, const util::MetricsRegistry& metrics) {
  router.add(
      verb::get, "/metrics",
      [&metrics](http::Request&) -> http::asio::awaitable<http::Reply> {
        http::Reply r;
        r.response.body() = metrics.render();
        r.response.result(http::bhttp::status::ok);
        r.response.set(http::bhttp::field::content_type,
                       "text/plain; version=0.0.4; charset=utf-8");
        co_return r;
      },
      http::RouteOptions{http::kNoLimit, true, false});
}

void add_docs_routes(http::Router& router) {
  router.add(
      verb::get, "/api/v1/openapi.json",
      [](http::Request&) -> http::asio::awaitable<http::Reply> {
        http::Reply r;
        r.response.result(http::bhttp::status::ok);
        r.response.set(http::bhttp::field::content_type, "application/json; charset=utf-8");
        r.response.body() = std::string(openapi_document());
        co_return r;
      },
      http::RouteOptions{http::kNoLimit, false, false});
  router.add(verb::get, "/api/docs", [](http::Request&) -> http::asio::awaitable<http::Reply> {
    http::Reply r;
    r.response.result(http::bhttp::status::found);
    r.response.set(http::bhttp::field::location, "/api-docs/");
    co_return r;
  });
}

void WebhookRejections::register_metrics(util::MetricsRegistry& registry) const {
  registry.add([this](util::MetricsWriter& w) {
    w.family("lso_webhooks_rejected_total", util::MetricType::Counter,
             "webhooks refused before they were queued, by reason");
    w.sample(signature.value(), {{"reason", "signature"}});
    w.sample(malformed.value(), {{"reason", "malformed"}});
  });
}

}  // namespace lso::api
