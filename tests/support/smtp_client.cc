#include "tests/support/smtp_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"

namespace mc::e2e {
namespace {

class Connection {
 public:
  explicit Connection(int fd) : fd_(fd) {}
  ~Connection() { close(fd_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool Write(const std::string& text) {
    size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = send(fd_, text.data() + done, text.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }

  // One reply (its continuation lines "250-..." included); code 0 when the connection failed.
  SmtpReply Read() {
    SmtpReply reply;
    for (;;) {
      std::string line;
      if (!ReadLine(&line) || line.size() < 3) return {};
      int code = 0;
      if (!absl::SimpleAtoi(line.substr(0, 3), &code)) return {};
      absl::StrAppend(&reply.text, reply.text.empty() ? "" : "\n", line);
      if (line.size() == 3 || line[3] != '-') {
        reply.code = code;
        return reply;
      }
    }
  }

 private:
  bool ReadLine(std::string* line) {
    for (;;) {
      const size_t eol = buffer_.find("\r\n");
      if (eol != std::string::npos) {
        *line = buffer_.substr(0, eol);
        buffer_.erase(0, eol + 2);
        return true;
      }
      char chunk[4096];
      const ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
      if (n <= 0) return false;
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

  int fd_;
  std::string buffer_;
};

// CRLF line ends and dot-stuffing (RFC 5321 4.5.2), then the final ".".
std::string DataBlock(const std::string& data) {
  std::string crlf = absl::StrReplaceAll(data, {{"\r\n", "\n"}});
  crlf = absl::StrReplaceAll(crlf, {{"\n", "\r\n"}});
  std::string out;
  for (absl::string_view line : absl::StrSplit(crlf, "\r\n")) {
    absl::StrAppend(&out, absl::StartsWith(line, ".") ? "." : "", line, "\r\n");
  }
  if (absl::EndsWith(crlf, "\r\n")) out.resize(out.size() - 2);  // the split's empty last line
  absl::StrAppend(&out, ".\r\n");
  return out;
}

}  // namespace

absl::StatusOr<SmtpReply> SendMail(int port, const std::string& mail_from,
                                   const std::vector<std::string>& recipients,
                                   const std::string& data) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::UnavailableError("socket");
  Connection c(fd);
  timeval tv{.tv_sec = 10, .tv_usec = 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    return absl::UnavailableError(absl::StrCat("connect to port ", port));
  }
  // Sends one command (none for the greeting) and reads its reply.
  auto step = [&](const std::string& command) -> absl::StatusOr<SmtpReply> {
    if (!command.empty() && !c.Write(command)) return absl::UnavailableError("write");
    SmtpReply reply = c.Read();
    if (reply.code == 0) return absl::UnavailableError("connection closed");
    return reply;
  };
  absl::StatusOr<SmtpReply> r = step("");
  if (!r.ok() || r->code / 100 != 2) return r;
  r = step("EHLO mta.example.test\r\n");
  if (!r.ok() || r->code / 100 != 2) return r;
  r = step(absl::StrCat("MAIL FROM:<", mail_from, ">\r\n"));
  if (!r.ok() || r->code / 100 != 2) return r;
  for (const std::string& rcpt : recipients) {
    r = step(absl::StrCat("RCPT TO:<", rcpt, ">\r\n"));
    if (!r.ok() || r->code / 100 != 2) return r;
  }
  r = step("DATA\r\n");
  if (!r.ok() || r->code != 354) return r;
  absl::StatusOr<SmtpReply> end = step(DataBlock(data));
  if (!end.ok()) return end;
  (void)step("QUIT\r\n");
  return end;
}

}  // namespace mc::e2e
