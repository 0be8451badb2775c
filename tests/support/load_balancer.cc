#include "tests/support/load_balancer.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/pgcluster/free_port.h"
#include "tests/support/e2e_cluster.h"

namespace mc::e2e {
namespace {

constexpr char kConfig[] = MC_SOURCE_DIR "/deploy/lb/haproxy.cfg";
constexpr char kShardMap[] = MC_SOURCE_DIR "/deploy/lb/shards.map";

bool Accepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

std::string Tail(const std::string& path, size_t bytes) {
  std::ifstream in(path);
  std::stringstream all;
  all << in.rdbuf();
  std::string text = all.str();
  return text.size() > bytes ? text.substr(text.size() - bytes) : text;
}

size_t Append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

int FreePort() {
  absl::StatusOr<int> port = pgcluster::FreeLoopbackPort();
  if (!port.ok()) FAIL("no free port: " << port.status().ToString());
  return *port;
}

}  // namespace

std::unique_ptr<LoadBalancer> LoadBalancer::Start(const std::string& exec_a,
                                                  const std::string& exec_b) {
  std::string last_log;
  for (int attempt = 0; attempt < 3; ++attempt) {
    const int port = FreePort(), metrics_port = FreePort();
    const std::string log = LogPath("haproxy");
    process::SpawnOptions options;
    options.argv = {MC_HAPROXY_BIN, "-f", kConfig, "-db"};
    options.env = {"MC_LB_BIND=127.0.0.1:" + std::to_string(port),
                   "MC_LB_METRICS_BIND=127.0.0.1:" + std::to_string(metrics_port),
                   "MC_LB_DIR=" MC_SOURCE_DIR "/deploy/lb", "MC_LB_EXEC_A=" + exec_a,
                   "MC_LB_EXEC_B=" + exec_b};
    options.stdout_path = log;
    options.stderr_path = log;
    absl::StatusOr<process::Subprocess> haproxy = process::Subprocess::Spawn(options);
    if (!haproxy.ok()) {
      FAIL("haproxy (" MC_HAPROXY_BIN ") did not start: "
           << haproxy.status().ToString() << " (scripts/install-deps.sh installs it)");
    }
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (absl::Now() < deadline && haproxy->Running()) {
      if (Accepts(port)) {
        return std::unique_ptr<LoadBalancer>(
            new LoadBalancer(std::move(*haproxy), port, metrics_port, log));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    last_log = Tail(log, 4000);
  }
  FAIL("haproxy did not listen; its log ends with:\n" << last_log);
  return nullptr;
}

std::string LoadBalancer::LogTail(size_t bytes) const { return Tail(log_path_, bytes); }

std::string LoadBalancer::RawReplyHeaders(const std::vector<std::string>& extra) const {
  CURL* c = curl_easy_init();
  REQUIRE(c != nullptr);
  curl_slist* headers = curl_slist_append(nullptr, "content-type: application/grpc");
  headers = curl_slist_append(headers, "te: trailers");
  headers = curl_slist_append(headers, (std::string("authorization: Bearer ") + kToken).c_str());
  for (const std::string& h : extra) headers = curl_slist_append(headers, h.c_str());
  const std::string url = "http://" + address() + "/messagecenter.v1.EventService/PushEvent";
  std::string reply, body;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE);
  static constexpr char kEmptyMessage[5] = {};  // uncompressed, length 0
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, kEmptyMessage);
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 5L);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &Append);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &Append);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &reply);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
  const CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(headers);
  curl_easy_cleanup(c);
  if (rc != CURLE_OK) FAIL("HTTP/2 call to " << url << ": " << curl_easy_strerror(rc));
  return reply;
}

std::map<std::string, std::string> ShardMap() {
  std::ifstream in(kShardMap);
  if (!in) FAIL("cannot read " << kShardMap);
  std::map<std::string, std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    absl::string_view text = absl::StripAsciiWhitespace(line);
    if (text.empty() || text.front() == '#') continue;
    std::vector<std::string> fields = absl::StrSplit(text, ' ', absl::SkipEmpty());
    if (fields.size() != 2) FAIL("bad line in " << kShardMap << ": " << line);
    out[fields[0]] = fields[1];
  }
  return out;
}

}  // namespace mc::e2e
