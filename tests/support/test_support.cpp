#include "test_support.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <pqxx/pqxx>
#include <random>

namespace retort::test {

std::string postgres_server_url() {
  const char* url = std::getenv("RETORT_TEST_POSTGRES_URL");
  return url ? url : "";
}

namespace {

std::string with_database(const std::string& url, const std::string& db) {
  auto slash = url.rfind('/');
  auto query = url.find('?', slash);
  return url.substr(0, slash + 1) + db + (query == std::string::npos ? "" : url.substr(query));
}

std::string database_of(const std::string& url) {
  auto slash = url.rfind('/');
  auto query = url.find('?', slash);
  return url.substr(slash + 1, query == std::string::npos ? std::string::npos : query - slash - 1);
}

std::string unique_name(const std::string& hint) {
  static std::atomic<unsigned> counter{0};
  std::string name = "t_";
  for (char c : hint) {
    if (name.size() >= 40) break;
    name += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_';
  }
  return name + "_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
}

}  // namespace

std::string create_postgres_database(const std::string& hint) {
  std::string server = postgres_server_url();
  std::string name = unique_name(hint);
  pqxx::connection c(server);
  pqxx::nontransaction tx(c);
  tx.exec0("DROP DATABASE IF EXISTS " + tx.quote_name(name));
  tx.exec0("CREATE DATABASE " + tx.quote_name(name));
  return with_database(server, name);
}

void drop_postgres_database(const std::string& url) {
  if (url.empty() || postgres_server_url().empty()) return;
  pqxx::connection c(postgres_server_url());
  pqxx::nontransaction tx(c);
  tx.exec0("DROP DATABASE IF EXISTS " + tx.quote_name(database_of(url)) + " WITH (FORCE)");
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "retort-test.XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

int run_command(const std::string& command, std::string& output) {
  output.clear();
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return -1;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int free_local_port() {
  std::minstd_rand random(std::random_device{}());
  for (int attempt = 0; attempt < 200; ++attempt) {
    int port = 20000 + static_cast<int>(random() % 12768);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    bool free = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    close(fd);
    if (free) return port;
  }
  throw std::runtime_error("no free port between 20000 and 32767");
}

}  // namespace retort::test
