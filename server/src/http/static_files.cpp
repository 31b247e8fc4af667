// Static files: path traversal refused by construction (the decoded path is normalised and must
// stay under the root), content types by extension, long caching for Vite's hashed assets only.
#include "http/static_files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "http/router.hpp"

namespace lso::http {

namespace fs = std::filesystem;

namespace {

std::string_view content_type(const fs::path& p) {
  const auto ext = p.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".webp") return "image/webp";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".woff") return "font/woff";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  if (ext == ".wasm") return "application/wasm";
  return "application/octet-stream";
}

bool read_file(const fs::path& p, std::string& out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = std::move(ss).str();
  return true;
}

}  // namespace

Handler static_files(const std::string& root_dir) {
  std::error_code ec;
  const fs::path root = fs::canonical(root_dir, ec);
  if (ec || !fs::is_directory(root))
    throw std::invalid_argument("STATIC_DIR: '" + root_dir + "' is not a directory");

  return [root](Request& req) -> asio::awaitable<Reply> {
    Reply reply;
    auto& res = reply.response;
    auto decoded = percent_decode(req.path, false);
    fs::path file;
    if (decoded && decoded->find('\0') == std::string::npos) {
      const fs::path rel = fs::path(*decoded).relative_path().lexically_normal();
      const auto first = rel.begin();
      if (!rel.empty() && (first == rel.end() || *first != "..")) file = root / rel;
    }
    std::error_code fec;
    const bool found = !file.empty() && fs::is_regular_file(file, fec);
    const bool looks_like_asset = decoded && fs::path(*decoded).has_extension();
    if (!found) {
      if (looks_like_asset) {
        co_return error_reply(404, "NotFoundError", "File not found");
      }
      file = root / "index.html";  // SPA fallback
    }
    if (!read_file(file, res.body())) co_return error_reply(404, "NotFoundError", "File not found");
    res.result(bhttp::status::ok);
    res.set(bhttp::field::content_type, content_type(file));
    const bool hashed = req.path.starts_with("/assets/");
    res.set(bhttp::field::cache_control,
            hashed ? "public, max-age=31536000, immutable" : "no-cache");
    res.set("X-Content-Type-Options", "nosniff");
    co_return reply;
  };
}

}  // namespace lso::http
