// Router: segment-wise matching (routes are few; a linear scan beats any trie at this size),
// and the small request helpers every handler uses.
#include "http/router.hpp"

#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>

namespace lso::http {

namespace {

// The non-empty segments of a path, as views into it ("/a//b/" → "a", "b").
template <class Out>
void for_each_segment(std::string_view path, Out&& out) {
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    auto j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out(path.substr(i, j - i));
    i = j;
  }
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int h = hex(text[i + 1]), l = hex(text[i + 2]);
      if (h < 0 || l < 0) return std::nullopt;
      out.push_back(static_cast<char>(h * 16 + l));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void Router::add(bhttp::verb method, std::string pattern, Handler handler,
                 std::uint8_t rateClasses) {
  add(method, std::move(pattern), std::move(handler), RouteOptions{rateClasses, false});
}

void Router::add(bhttp::verb method, std::string pattern, Handler handler, RouteOptions options) {
  Route r{method,
          std::move(pattern),
          std::move(handler),
          options.rateClasses,
          options.quiet,
          options.authenticate,
          {}};
  for_each_segment(r.pattern, [&](std::string_view seg) { r.segments.emplace_back(seg); });
  routes_.push_back(std::move(r));
}

Router::Match Router::match(bhttp::verb method, std::string_view path,
                            std::vector<std::pair<std::string_view, std::string>>& params) const {
  Match m;
  std::vector<std::string_view> segs;
  for_each_segment(path, [&](std::string_view seg) { segs.push_back(seg); });
  for (const auto& route : routes_) {
    if (route.segments.size() != segs.size()) continue;
    bool ok = true;
    for (std::size_t k = 0; k < segs.size() && ok; ++k) {
      const auto& s = route.segments[k];
      if (s[0] != ':' && s != segs[k]) ok = false;
    }
    if (!ok) continue;
    const bool same_method =
        route.method == method || (method == bhttp::verb::head && route.method == bhttp::verb::get);
    if (!same_method) {
      m.pathExists = true;
      if (!m.allow.empty()) m.allow += ", ";
      m.allow += std::string(bhttp::to_string(route.method));
      continue;
    }
    params.clear();
    for (std::size_t k = 0; k < segs.size(); ++k) {
      const auto& s = route.segments[k];
      if (s[0] != ':') continue;
      auto decoded = percent_decode(segs[k], false);
      params.emplace_back(std::string_view(s).substr(1),
                          decoded ? std::move(*decoded) : std::string(segs[k]));
    }
    m.route = &route;
    return m;
  }
  return m;
}

std::string_view Request::param(std::string_view name) const {
  for (const auto& [k, v] : params)
    if (k == name) return v;
  return {};
}

std::optional<std::string> Request::query_param(std::string_view name) const {
  std::string_view rest = query;
  while (!rest.empty()) {
    auto amp = rest.find('&');
    auto pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    auto eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq), true);
    if (!key || *key != name) continue;
    if (eq == std::string_view::npos) return std::string();
    auto value = percent_decode(pair.substr(eq + 1), true);
    return value ? *value : std::string(pair.substr(eq + 1));
  }
  return std::nullopt;
}

std::string_view Request::header(std::string_view name) const {
  auto it = raw.find(name);
  if (it == raw.end()) return {};
  return {it->value().data(), it->value().size()};
}

Reply json_reply(unsigned status, const boost::json::value& body) {
  Reply r;
  r.response.result(status);
  r.response.set(bhttp::field::content_type, "application/json; charset=utf-8");
  r.response.body() = boost::json::serialize(body);
  return r;
}

Reply error_reply(unsigned status, std::string_view error, std::string_view message) {
  boost::json::object o;
  o["success"] = false;
  o["error"] = error;
  o["message"] = message;
  o["statusCode"] = status;
  return json_reply(status, o);
}

unsigned status_of(TransportError kind) {
  switch (kind) {
    case TransportError::MethodNotAllowed: return 405;
    case TransportError::PayloadTooLarge: return 413;
    case TransportError::UnsupportedMediaType: return 415;
    case TransportError::RateLimit: return 429;
  }
  return 500;
}

std::string_view name_of(TransportError kind) {
  switch (kind) {
    case TransportError::MethodNotAllowed: return "MethodNotAllowedError";
    case TransportError::PayloadTooLarge: return "PayloadTooLargeError";
    case TransportError::UnsupportedMediaType: return "UnsupportedMediaTypeError";
    case TransportError::RateLimit: return "RateLimitError";
  }
  return "InternalServerError";
}

HttpError transport_error(TransportError kind, const std::string& message) {
  return HttpError(status_of(kind), std::string(name_of(kind)), message);
}

Reply error_reply(TransportError kind, std::string_view message) {
  return error_reply(status_of(kind), name_of(kind), message);
}

Reply data_reply(unsigned status, boost::json::value data) {
  boost::json::object o;
  o["success"] = true;
  o["data"] = std::move(data);
  return json_reply(status, o);
}

}  // namespace lso::http

namespace lso::http {

namespace {

Reply http_error_reply(const HttpError& e, std::string_view requestId) {
  const auto status = e.status();
  if (status == 500) spdlog::error("[{}] internal error: {}", requestId, e.what());
  if (e.code().empty() && e.retry_after_seconds() <= 0)
    return error_reply(status, e.name(), e.what());
  boost::json::object o;
  o["success"] = false;
  o["error"] = e.name();
  o["message"] = e.what();
  o["statusCode"] = status;
  if (!e.code().empty()) o["code"] = e.code();
  auto reply = json_reply(status, o);
  if (e.retry_after_seconds() > 0) {
    o["retryAfter"] = e.retry_after_seconds();
    reply = json_reply(status, o);
    reply.response.set(bhttp::field::retry_after, std::to_string(e.retry_after_seconds()));
  }
  return reply;
}

}  // namespace

Reply exception_reply(const std::exception_ptr& error, std::string_view requestId,
                      const ErrorMapper* mapper) {
  if (mapper && *mapper) {
    std::optional<HttpError> mapped;
    try {
      mapped = (*mapper)(error);
    } catch (...) {
      // A mapper that throws knows nothing useful: the exception is answered as unknown below.
    }
    if (mapped) return http_error_reply(*mapped, requestId);
  }
  try {
    std::rethrow_exception(error);
  } catch (const HttpError& e) {
    return http_error_reply(e, requestId);
  } catch (const std::exception& e) {
    spdlog::error("[{}] unhandled exception: {}", requestId, e.what());
  } catch (...) {
    spdlog::error("[{}] unhandled exception of unknown type", requestId);
  }
  return error_reply(500, "InternalServerError", "Internal server error");
}

}  // namespace lso::http
