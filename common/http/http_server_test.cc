// HttpServer on loopback with a raw TCP client: a body the handler refuses unread is never
// taken for the next request on the connection (a request hidden in it is not served, the one
// after it is), nor is a body over the limit refused by its Content-Length, and a header the
// handler gives replaces the default of its name.
#include "common/http/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"

namespace mc::http {
namespace {

// One TCP connection to 127.0.0.1:port.
class Connection {
 public:
  explicit Connection(int port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    timeval tv{.tv_sec = 5, .tv_usec = 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~Connection() { close(fd_); }
  void Send(const std::string& bytes) {
    REQUIRE(send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(bytes.size()));
  }
  // The next whole answer (head and Content-Length bytes of body), or what came before the
  // peer closed or went quiet.
  std::string Receive(int answers = 1) {
    std::string out;
    for (int i = 0; i < answers; ++i) {
      size_t head_end;
      while ((head_end = pending_.find("\r\n\r\n")) == std::string::npos && Fill()) {
      }
      if (head_end == std::string::npos) return out + pending_;
      size_t length = 0;
      const size_t at = pending_.find("Content-Length: ");
      if (at != std::string::npos && at < head_end) {
        length = std::stoul(pending_.substr(at + 16, head_end - at - 16));
      }
      while (pending_.size() < head_end + 4 + length && Fill()) {
      }
      const size_t whole = std::min(pending_.size(), head_end + 4 + length);
      out += pending_.substr(0, whole);
      pending_.erase(0, whole);
    }
    return out;
  }
  bool Fill() {
    char buf[4096];
    const ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    pending_.append(buf, static_cast<size_t>(n));
    return true;
  }
  static int Count(const std::string& s, const std::string& what) {
    int n = 0;
    for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
    return n;
  }

 private:
  int fd_;
  std::string pending_;
};

struct Recorder {
  std::mutex mu;
  std::vector<std::string> paths;
};

std::unique_ptr<HttpServer> Serve(Recorder& seen) {
  auto server = HttpServer::Start({.max_body_bytes = 100}, [&seen](HttpExchange& ex) {
    {
      std::lock_guard<std::mutex> lock(seen.mu);
      seen.paths.push_back(ex.path());
    }
    if (ex.path() == "/refuse") {
      ex.Reply(403, "application/json", "{}", {{"Cache-Control", "private, max-age=60"}});
      return;
    }
    if (ex.path() == "/read") {
      absl::StatusOr<std::string> body = ex.ReadBody();
      ex.Reply(body.ok() ? 200 : BodyErrorStatus(body.status()), "text/plain",
               body.ok() ? *body : std::string(body.status().message()));
      return;
    }
    ex.Reply(200, "text/plain", "ok");
  });
  REQUIRE(server.ok());
  return *std::move(server);
}

// httplib reads each request through a new buffer, so bytes that came with the head are
// dropped with it: the body is sent once the head has had time to be read alone, as a slow
// client (or one that wants its body taken for a request) sends it.
void SendHeadThenBody(Connection& c, const std::string& head, const std::string& body) {
  c.Send(head);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  c.Send(body);
}

TEST_CASE("a body refused unread is not taken for the next request") {
  Recorder seen;
  auto server = Serve(seen);
  Connection c(server->port());
  const std::string hidden = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
  SendHeadThenBody(c,
                   absl::StrCat("POST /refuse HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n",
                                "Content-Length: ", hidden.size(), "\r\n\r\n"),
                   hidden);
  std::string got = c.Receive(1);
  INFO(got);
  CHECK(got.find("HTTP/1.1 403") == 0);
  c.Send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
  got = c.Receive(1);
  CHECK(got.find("HTTP/1.1 200") == 0);  // /after, on the same connection
  std::lock_guard<std::mutex> lock(seen.mu);
  CHECK(seen.paths == std::vector<std::string>{"/refuse", "/after"});
}

TEST_CASE("a header the handler gives replaces the default of that name") {
  Recorder seen;
  auto server = Serve(seen);
  Connection c(server->port());
  c.Send("GET /refuse HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string got = c.Receive(1);
  INFO(got);
  CHECK(Connection::Count(got, "Cache-Control:") == 1);
  CHECK(got.find("Cache-Control: private, max-age=60") != std::string::npos);
  CHECK(Connection::Count(got, "X-Content-Type-Options: nosniff") == 1);
}

// Sends `head` then `body` to /read, expects `status`, then that the connection serves the
// next request and that nothing hidden in the body was served.
void ExpectRefusedThenServed(const std::string& head, const std::string& body, int status) {
  Recorder seen;
  auto server = Serve(seen);
  Connection c(server->port());
  SendHeadThenBody(c, head, body);
  std::string got = c.Receive(1);
  INFO(got);
  CHECK(got.find(absl::StrCat("HTTP/1.1 ", status)) == 0);
  c.Send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
  got = c.Receive(1);
  CHECK(got.find("HTTP/1.1 200") == 0);
  std::lock_guard<std::mutex> lock(seen.mu);
  CHECK(seen.paths == std::vector<std::string>{"/read", "/after"});
}

TEST_CASE("a body over the limit is refused by its length; nothing of it is served") {
  std::string big(150, 'x');
  big.replace(0, 35, "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n");
  ExpectRefusedThenServed(
      absl::StrCat("POST /read HTTP/1.1\r\nHost: x\r\nContent-Length: ", big.size(), "\r\n\r\n"),
      big, 413);
}

TEST_CASE("a chunked body growing past the limit is refused, and none of it served") {
  const std::string filler(90, 'x');
  const std::string hidden = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
  ExpectRefusedThenServed("POST /read HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
                          absl::StrCat("5a\r\n", filler, "\r\n", absl::Hex(hidden.size()), "\r\n",
                                       hidden, "\r\n0\r\n\r\n"),
                          413);
}

TEST_CASE("a body within the limit is read whole") {
  Recorder seen;
  auto server = Serve(seen);
  Connection c(server->port());
  c.Send("POST /read HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
  const std::string got = c.Receive(1);
  CHECK(got.find("HTTP/1.1 200") == 0);
  CHECK(got.substr(got.size() - 5) == "hello");
}

}  // namespace
}  // namespace mc::http
