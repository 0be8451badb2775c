// The loopback SMTP server, spoken to byte by byte: what a relay must do with pipelined
// commands, BDAT chunks and lines split across reads.
#include "common/sinks/smtp_sink.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <thread>

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
    timeval tv{5, 0};  // a reply that never comes fails the test instead of hanging it
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~Client() { close(fd_); }
  void Send(const std::string& data) {
    REQUIRE(send(fd_, data.data(), data.size(), 0) == static_cast<ssize_t>(data.size()));
  }
  // Reads until `lines` reply lines arrived; returns them as received.
  std::string Read(int lines) {
    std::string got;
    while (std::count(got.begin(), got.end(), '\n') < lines) {
      char chunk[4096];
      ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
      REQUIRE(n > 0);
      got.append(chunk, static_cast<size_t>(n));
    }
    return got;
  }

 private:
  int fd_ = -1;
};

TEST_CASE("BDAT chunks, a refused recipient and split lines keep the stream in step") {
  auto sink = SmtpSink::Start({});
  REQUIRE(sink.ok());
  Client c((*sink)->port());
  CHECK(c.Read(1).rfind("220 ", 0) == 0);
  // A command line cut in the middle of its CRLF.
  c.Send("EHLO test\r");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  c.Send("\n");
  const std::string ehlo = c.Read(5);
  CHECK(ehlo.find("250-PIPELINING") != std::string::npos);
  CHECK(ehlo.find("250-CHUNKING") != std::string::npos);
  // One pipelined group: a message in two chunks, then a refused recipient whose chunk must be
  // read and dropped, then a message in one chunk.
  c.Send(
      "MAIL FROM:<a@x>\r\nRCPT TO:<u@y>\r\nBDAT 7\r\nHello, BDAT 6 LAST\r\nworld\n"
      "RSET\r\nMAIL FROM:<a@x>\r\nRCPT TO:<bounce@y>\r\nBDAT 5 LAST\r\nlost!"
      "RSET\r\nMAIL FROM:<a@x>\r\nRCPT TO:<v@y>\r\nBDAT 4 LAST\r\nend\n");
  const std::string replies = c.Read(12);
  CHECK(replies ==
        "250 OK\r\n250 OK\r\n250 2.0.0 chunk received\r\n250 2.0.0 OK queued\r\n"
        "250 OK\r\n250 OK\r\n550 5.1.1 <bounce@y>: user unknown\r\n"
        "554 5.5.1 no valid recipients\r\n"
        "250 OK\r\n250 OK\r\n250 OK\r\n250 2.0.0 OK queued\r\n");
  c.Send("QUIT\r\n");
  CHECK(c.Read(1) == "221 bye\r\n");
  const std::vector<ReceivedMail> mails = (*sink)->Messages();
  REQUIRE(mails.size() == 2);
  CHECK(mails[0].data == "Hello, world\n");
  CHECK(mails[0].recipients == std::vector<std::string>{"u@y"});
  CHECK(mails[1].data == "end\n");
  CHECK((*sink)->refused() == 1);
}

TEST_CASE("a flaky<N> recipient is refused softly N times, then accepted; RCPTs are counted") {
  auto sink = SmtpSink::Start({});
  REQUIRE(sink.ok());
  Client c((*sink)->port());
  CHECK(c.Read(1).rfind("220 ", 0) == 0);
  c.Send("HELO test\r\n");
  CHECK(c.Read(1) == "250 OK\r\n");
  for (int i = 0; i < 2; ++i) {
    c.Send("MAIL FROM:<a@b.test>\r\nRCPT TO:<flaky2-x@b.test>\r\n");
    const std::string replies = c.Read(2);
    CHECK(replies.find("451 4.3.0 <flaky2-x@b.test>") != std::string::npos);
  }
  c.Send("MAIL FROM:<a@b.test>\r\nRCPT TO:<flaky2-x@b.test>\r\nRCPT TO:<bounce@b.test>\r\n");
  const std::string third = c.Read(3);
  CHECK(third == "250 OK\r\n250 OK\r\n550 5.1.1 <bounce@b.test>: user unknown\r\n");
  CHECK((*sink)->rcpt_count("flaky2-x@b.test") == 3);
  CHECK((*sink)->rcpt_count("bounce@b.test") == 1);
  CHECK((*sink)->rcpt_count("nobody@b.test") == 0);
  CHECK((*sink)->refused() == 3);
}

}  // namespace
}  // namespace mc::sinks
