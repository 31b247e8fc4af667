// /metrics and the API documentation routes.
#include "api/api.hpp"
#include "api/openapi_document.hpp"

namespace lso::api {

using http::bhttp::verb;

std::string_view openapi_document() {
  return kOpenApiDocument;
}

void add_metrics_routes(http::Router& router, const http::HttpMetrics& metrics,
                        std::vector<std::function<void(std::string&)>> gauges) {
  router.add(
      verb::get, "/metrics",
      [&metrics, gauges = std::move(gauges)](http::Request&) -> http::asio::awaitable<http::Reply> {
        http::Reply r;
        auto& body = r.response.body();
        body.reserve(16 * 1024);
        metrics.render(body);
        for (const auto& g : gauges) g(body);
        r.response.result(http::bhttp::status::ok);
        r.response.set(http::bhttp::field::content_type,
                       "text/plain; version=0.0.4; charset=utf-8");
        co_return r;
      },
      http::RouteOptions{http::kNoLimit, true, false});
}

void add_docs_routes(http::Router& router) {
  router.add(verb::get, "/api/v1/openapi.json",
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

}  // namespace lso::api
