// Behind PgBouncer in transaction pooling mode a session advisory lock does
// not hold (consecutive statements of one client may run on different server
// sessions, and one server session serves many clients). The lease lock is a
// row written in ordinary transactions, so it does: 16 processes race through
// a real PgBouncer started here in front of the test server.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "generated_set.hpp"
#include "safety_support.hpp"
#include "test_support.hpp"

namespace retort::test {
namespace {

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t size = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  close(fd);
  return ntohs(address.sin_port);
}

class PgBouncer {
 public:
  // Pools `server_url`'s server in transaction mode with a few server
  // connections, so that clients share them.
  explicit PgBouncer(const std::string& server_url) {
    std::smatch parts;
    std::regex url("postgresql://([^:]+):([^@]+)@([^:/]+):([0-9]+)/.*");
    if (!std::regex_match(server_url, parts, url)) throw std::runtime_error("unexpected test server URL form");
    port_ = free_port();
    std::filesystem::permissions(dir_.path(), std::filesystem::perms(0755));
    std::ofstream(dir_ / "pgbouncer.ini") << fmt::format(
        "[databases]\n* = host={} port={} user={} password={}\n"
        "[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {}\nunix_socket_dir =\nauth_type = any\n"
        "pool_mode = transaction\ndefault_pool_size = 3\nmax_client_conn = 200\n"
        "ignore_startup_parameters = extra_float_digits\n",
        parts[3].str(), parts[4].str(), parts[1].str(), parts[2].str(), port_);
    std::filesystem::permissions(dir_ / "pgbouncer.ini", std::filesystem::perms(0644));
    std::string log = (dir_ / "pgbouncer.log").string();
    pid_ = fork();
    if (pid_ == 0) {
      FILE* out = freopen(log.c_str(), "w", stderr);
      (void)out;
      std::string config = (dir_ / "pgbouncer.ini").string();
      // PgBouncer refuses to run as root.
      if (geteuid() == 0) {
        execl("/usr/sbin/runuser", "runuser", "-u", "postgres", "--", PGBOUNCER, config.c_str(), nullptr);
      } else {
        execl(PGBOUNCER, "pgbouncer", config.c_str(), nullptr);
      }
      _exit(127);
    }
    url_ = fmt::format("postgresql://{}:{}@127.0.0.1:{}/", parts[1].str(), parts[2].str(), port_);
  }
  ~PgBouncer() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }

  // The database `name` through PgBouncer, once it accepts connections.
  std::string url_for(const std::string& database_url) const {
    std::string name = database_url.substr(database_url.rfind('/') + 1);
    std::string through = url_ + name;
    for (int attempt = 0; attempt < 100; ++attempt) {
      try {
        open_database(through)->query("SELECT 1");
        return through;
      } catch (const std::exception&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
    throw std::runtime_error("PgBouncer did not start: see " + (dir_ / "pgbouncer.log").string());
  }

 private:
  TempDir dir_;
  int port_ = 0;
  pid_t pid_ = -1;
  std::string url_;
};

TEST(PgBouncer, LeaseLockHoldsUnderTransactionPooling) {
  RETORT_REQUIRE_POSTGRES_OR_SKIP();
  PgBouncer bouncer(postgres_server_url());
  TempDir dir;
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE(fmt::format("round {}", round));
    std::string direct = create_postgres_database(fmt::format("bouncer_{}", round));
    std::string url = bouncer.url_for(direct);
    Env env{{"SAFETY_SET_SIZE", "12"}};
    auto start = std::chrono::system_clock::now() + std::chrono::milliseconds(400);
    env["SAFETY_START_AT"] =
        std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(start.time_since_epoch()).count());
    std::vector<std::pair<pid_t, std::filesystem::path>> processes;
    for (int i = 0; i < 16; ++i) {
      auto log = dir / fmt::format("bouncer-{}-{}.log", round, i);
      processes.emplace_back(
          spawn_migrate({"--url", url, "--lock-mode", "lease", "--lock-wait", "60s", "upgrade", "head"}, env, log),
          log);
    }
    for (auto& [pid, log] : processes) {
      Outcome out = wait_for(pid, log);
      EXPECT_EQ(out.exit_code, 0) << out.output;
    }
    auto db = open_database(direct);
    EXPECT_EQ(version_rows(*db), std::vector<std::string>{"s011"});
    std::map<std::string, int> applied = applied_log(*db);
    EXPECT_EQ(applied.size(), 12u);
    for (const auto& [revision, times] : applied) EXPECT_EQ(times, 1) << revision;
    EXPECT_EQ(generated_tables(*db), expected_tables(11));
    EXPECT_EQ(count(*db, "SELECT COUNT(*) FROM retort_lock"), 0);  // every lease released
    db.reset();
    drop_postgres_database(direct);
  }
}

}  // namespace
}  // namespace retort::test
