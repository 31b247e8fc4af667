// Static files: loaded into memory at start-up, content types by extension, long caching for
// Vite's hashed assets only.
#include "http/static_files.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
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

  // The build is loaded once, here: requests are then answered from memory on the I/O thread,
  // with no disk access, and a URL can only name a file that was found under the root (no path
  // traversal by construction). A rebuilt client is picked up at the next start.
  struct File {
    std::string body;
    std::string_view type;
  };
  auto files = std::make_shared<std::map<std::string, File, std::less<>>>();
  for (const auto& entry :
       fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec)) {
    std::error_code fec;
    if (!entry.is_regular_file(fec)) continue;
    File f;
    if (!read_file(entry.path(), f.body)) continue;
    f.type = content_type(entry.path());
    files->emplace("/" + fs::relative(entry.path(), root, fec).generic_string(), std::move(f));
  }

  return [files](Request& req) -> asio::awaitable<Reply> {
    auto decoded = percent_decode(req.path, false);
    const File* file = nullptr;
    if (decoded) {
      auto normal = fs::path(*decoded).lexically_normal().generic_string();
      if (!normal.empty() && normal.back() == '/') normal += "index.html";  // a directory's page
      if (auto it = files->find(normal); it != files->end()) file = &it->second;
    }
    if (!file) {
      const bool looks_like_asset = decoded && fs::path(*decoded).has_extension();
      auto index = files->find(std::string_view("/index.html"));
      if (looks_like_asset || index == files->end())
        co_return error_reply(404, "NotFoundError", "File not found");
      file = &index->second;  // SPA fallback
    }
    Reply reply;
    auto& res = reply.response;
    res.result(bhttp::status::ok);
    res.set(bhttp::field::content_type, file->type);
    res.body() = file->body;
    const bool hashed = req.path.starts_with("/assets/");
    res.set(bhttp::field::cache_control,
            hashed ? "public, max-age=31536000, immutable" : "no-cache");
    res.set("X-Content-Type-Options", "nosniff");
    co_return reply;
  };
}

}  // namespace lso::http
