// Test support for the Redis suites: environment, key prefixes, cleanup, a private redis-server.
#include "redis_fixture.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <thread>

extern char** environ;

namespace lso::redis::test {

std::optional<std::string> redis_url() {
  const char* v = std::getenv("LSO_TEST_REDIS_URL");
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

bool redis_required() {
  const char* v = std::getenv("LSO_REQUIRE_REDIS");
  return v != nullptr && std::string(v) == "1";
}

std::string unique_prefix() {
  std::string name = "test";
  if (const auto* info = ::testing::UnitTest::GetInstance()->current_test_info()) {
    name = std::string(info->test_suite_name()) + "." + info->name();
    for (auto& c : name)
      if (c == '/') c = '_';
  }
  static std::mt19937_64 rng{std::random_device{}()};
  return "lso-test:" + name + ":" + std::to_string(rng() % 1000000000) + ":";
}

namespace {

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

}  // namespace

std::string unreachable_url() {
  return "redis://127.0.0.1:" + std::to_string(free_port());
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

void delete_keys(Client& client, const std::string& prefix) {
  std::string cursor = "0";
  do {
    Reply r = client.call({"SCAN", cursor, "MATCH", prefix + "*", "COUNT", "1000"});
    const auto& a = r.as_array();
    cursor = a.at(0).as_string();
    for (const auto& key : a.at(1).as_array()) client.call({"DEL", key.as_string()});
  } while (cursor != "0");
}

int kill_connections(Client& admin, const std::string& name) {
  const std::string list = admin.call({"CLIENT", "LIST"}).as_string();
  int killed = 0;
  std::size_t start = 0;
  while (start < list.size()) {
    std::size_t end = list.find('\n', start);
    if (end == std::string::npos) end = list.size();
    const std::string line = list.substr(start, end - start);
    start = end + 1;
    if (line.find(" name=" + name + " ") == std::string::npos) continue;
    const std::size_t idAt = line.find("id=");
    if (idAt != 0) continue;
    const std::string id = line.substr(3, line.find(' ') - 3);
    killed += static_cast<int>(admin.call({"CLIENT", "KILL", "ID", id}).as_integer());
  }
  return killed;
}

ClientOptions RedisTest::options() const {
  ClientOptions o;
  o.url = *redis_url();
  o.poolSize = 16;
  o.connectTimeout = std::chrono::milliseconds(1000);
  o.commandTimeout = std::chrono::milliseconds(2000);
  o.clientName = connectionName_;
  return o;
}

void RedisTest::SetUp() {
  LSO_REQUIRE_REDIS_OR_SKIP();
  prefix_ = unique_prefix();
  connectionName_ = prefix_.substr(0, prefix_.size() - 1);
  client_ = std::make_unique<Client>(options());
}

void RedisTest::TearDown() {
  if (!client_) return;
  try {
    delete_keys(*client_, prefix_);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "cleaning up " << prefix_ << ": " << e.what();
  }
}

// ---- OwnRedisServer -------------------------------------------------------------------------

OwnRedisServer::OwnRedisServer(std::vector<std::string> extraArgs)
    : extraArgs_(std::move(extraArgs)) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "lso-redis-test-XXXXXX").string();
  if (mkdtemp(tmpl.data()) != nullptr) dir_ = tmpl;
  port_ = free_port();
}

OwnRedisServer::~OwnRedisServer() {
  stop();
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

std::string OwnRedisServer::url(const std::string& userinfo) const {
  return "redis://" + (userinfo.empty() ? "" : userinfo + "@") +
         "127.0.0.1:" + std::to_string(port_);
}

bool OwnRedisServer::start() {
  if (pid_ > 0) return true;
  if (dir_.empty() || port_ == 0) return false;
  std::vector<std::string> args = {
      "redis-server", "--bind",    "127.0.0.1",        "--port", std::to_string(port_),
      "--dir",        dir_,        "--save",           "",       "--appendonly",
      "no",           "--logfile", dir_ + "/redis.log"};
  args.insert(args.end(), extraArgs_.begin(), extraArgs_.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawnp(&pid, "redis-server", nullptr, nullptr, argv.data(), environ) != 0) return false;
  pid_ = pid;
  // Ready once a connection opens (AUTH may be required, so no PING here).
  const bool up = eventually(
      [&] {
        try {
          Connection c({"127.0.0.1", port_, "", "", 0}, std::chrono::milliseconds(200),
                       std::chrono::milliseconds(200));
          return true;
        } catch (const std::exception&) {
          int status = 0;
          return waitpid(pid_, &status, WNOHANG) == pid_ ? (pid_ = -1, true) : false;
        }
      },
      std::chrono::seconds(10));
  if (!up || pid_ < 0) {
    stop();
    return false;
  }
  return true;
}

void OwnRedisServer::stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

}  // namespace lso::redis::test
