// The loopback webhook receiver, spoken to over raw sockets: keep-alive, what it records,
// the responder, Expect: 100-continue, refusals, and many requests on few connections.
#include "common/sinks/webhook_sink.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"

namespace mc::sinks {
namespace {

class Client {
 public:
  explicit Client(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    REQUIRE(connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    timeval tv{10, 0};  // an answer that never comes fails the test instead of hanging it
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~Client() { close(fd_); }
  void Send(const std::string& data) {
    REQUIRE(send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size()));
  }
  // Reads until `needle` has been seen `times` times; returns everything read.
  std::string ReadUntil(const std::string& needle, int times = 1) {
    for (;;) {
      int seen = 0;
      for (size_t at = got_.find(needle); at != std::string::npos;
           at = got_.find(needle, at + needle.size())) {
        ++seen;
      }
      if (seen >= times) return got_;
      char chunk[65536];
      ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
      REQUIRE(n > 0);
      got_.append(chunk, static_cast<size_t>(n));
    }
  }
  // True once the server closed the connection.
  bool Closed() {
    char c;
    return recv(fd_, &c, 1, 0) == 0;
  }

 private:
  int fd_ = -1;
  std::string got_;
};

std::string Post(const std::string& path, const std::string& body,
                 const std::string& extra_headers = "") {
  return absl::StrCat("POST ", path, " HTTP/1.1\r\nHost: 127.0.0.1\r\nWebhook-Id: wh_1\r\n",
                      "Content-Type:  application/json \r\n", extra_headers,
                      "Content-Length: ", body.size(), "\r\n\r\n", body);
}

TEST_CASE("requests on one keep-alive connection are recorded and answered in order") {
  auto sink = WebhookSink::Start();
  REQUIRE(sink.ok());
  (*sink)->SetResponder(
      [](const WebhookSink::Request& r) { return r.path == "/gone" ? 410 : 200; });
  (*sink)->SetReplyBody("thanks");
  Client c((*sink)->port());
  c.Send(Post("/hook", R"({"a":1})") + Post("/gone", "") + Post("/hook", "x"));
  const std::string got = c.ReadUntil("thanks", 3);
  CHECK(got.find("HTTP/1.1 200 OK\r\n") == 0);
  CHECK(got.find("HTTP/1.1 410 Gone\r\n") != std::string::npos);
  CHECK(got.find("Content-Length: 6\r\n") != std::string::npos);

  REQUIRE((*sink)->WaitForCount(3, absl::Seconds(10)));
  const std::vector<WebhookSink::Request> seen = (*sink)->Requests();
  REQUIRE(seen.size() == 3);
  CHECK(seen[0].method == "POST");
  CHECK(seen[0].path == "/hook");
  CHECK(seen[0].body == R"({"a":1})");
  CHECK(seen[0].Header("webhook-id") == "wh_1");
  CHECK(seen[0].Header("content-type") == "application/json");
  CHECK(seen[0].Header("absent").empty());
  CHECK(seen[0].headers.front().first == "host");
  CHECK(seen[1].path == "/gone");
  CHECK(seen[1].body.empty());
  CHECK(seen[2].body == "x");
  for (const auto& r : seen) CHECK(r.connection == 1);
  CHECK((*sink)->connections() == 1);
  CHECK((*sink)->request_count() == 3);
}

TEST_CASE("each TCP connection gets its number; Connection: close is honoured") {
  auto sink = WebhookSink::Start();
  REQUIRE(sink.ok());
  {
    Client a((*sink)->port());
    a.Send(Post("/a", "1"));
    a.ReadUntil("\r\n\r\n");
    REQUIRE((*sink)->WaitForCount(1, absl::Seconds(10)));  // so b is accepted second
    Client b((*sink)->port());
    b.Send(Post("/b", "2", "Connection: close\r\n"));
    CHECK(b.ReadUntil("\r\n\r\n").find("Connection: close\r\n") != std::string::npos);
    CHECK(b.Closed());
  }
  REQUIRE((*sink)->WaitFor([](const std::vector<WebhookSink::Request>& r) { return r.size() == 2; },
                           absl::Seconds(10)));
  const std::vector<WebhookSink::Request> seen = (*sink)->Requests();
  CHECK(seen[0].connection == 1);
  CHECK(seen[1].connection == 2);
  CHECK((*sink)->connections() == 2);
}

TEST_CASE("Expect: 100-continue is answered before the body; chunked bodies are refused") {
  auto sink = WebhookSink::Start();
  REQUIRE(sink.ok());
  Client c((*sink)->port());
  c.Send("POST /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
  CHECK(c.ReadUntil("\r\n\r\n") == "HTTP/1.1 100 Continue\r\n\r\n");
  c.Send("body");
  CHECK(c.ReadUntil("HTTP/1.1 200 OK").find("HTTP/1.1 200 OK") != std::string::npos);
  REQUIRE((*sink)->WaitForCount(1, absl::Seconds(10)));
  CHECK((*sink)->Requests()[0].body == "body");

  Client chunked((*sink)->port());
  chunked.Send(
      "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nbody\r\n0\r\n\r\n");
  CHECK(chunked.ReadUntil("\r\n\r\n").rfind("HTTP/1.1 501 Not Implemented\r\n", 0) == 0);
  CHECK(chunked.Closed());
  CHECK((*sink)->request_count() == 1);  // the refused one is not recorded
}

TEST_CASE("thousands of requests over a few connections: all recorded, none lost") {
  auto sink = WebhookSink::Start();
  REQUIRE(sink.ok());
  constexpr int kConnections = 4, kEach = 1000;
  std::vector<std::thread> clients;
  for (int t = 0; t < kConnections; ++t) {
    clients.emplace_back([&, t] {
      Client c((*sink)->port());
      // In pipelined groups of 50, as a busy client with several requests in flight would.
      for (int i = 0; i < kEach; i += 50) {
        std::string group;
        for (int j = i; j < i + 50; ++j) group += Post("/bulk", absl::StrCat(t, ":", j));
        c.Send(group);
        c.ReadUntil("HTTP/1.1 200 OK", i + 50);
      }
    });
  }
  for (auto& t : clients) t.join();
  REQUIRE((*sink)->WaitForCount(kConnections * kEach, absl::Seconds(30)));
  CHECK((*sink)->connections() == kConnections);
  const std::vector<WebhookSink::Request> seen = (*sink)->Requests();
  REQUIRE(seen.size() == static_cast<size_t>(kConnections * kEach));
  std::vector<int> next(kConnections + 1, 0);
  for (const auto& r : seen) {
    // Per connection, in order: each connection's bodies come as its client sent them.
    const size_t colon = r.body.find(':');
    CHECK(std::stoi(r.body.substr(colon + 1)) == next[r.connection]++);
  }
}

TEST_CASE("with keep_requests off, requests are only counted") {
  auto sink = WebhookSink::Start({.port = 0, .keep_requests = false});
  REQUIRE(sink.ok());
  Client c((*sink)->port());
  c.Send(Post("/a", "1") + Post("/a", "2"));
  c.ReadUntil("HTTP/1.1 200 OK", 2);
  REQUIRE((*sink)->WaitForCount(2, absl::Seconds(10)));
  CHECK((*sink)->Requests().empty());
  CHECK((*sink)->request_count() == 2);
}

}  // namespace
}  // namespace mc::sinks
