#include "execution-service/delivery/pipelining_smtp_sender.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "execution-service/delivery/mime.h"

namespace mc::execution {
namespace {

SendOutcome FromReply(int code, const std::string& text) {
  if (code >= 200 && code < 400) return {SendOutcome::Kind::kSent, ""};
  std::string reason = code == 0 ? "SMTP connection lost: " + text : absl::StrCat("SMTP ", text);
  if (code >= 500) return {SendOutcome::Kind::kHardFailure, reason};
  return {SendOutcome::Kind::kSoftFailure, reason};
}

// SMTP transparency: a line starting with '.' gets one more; CRLF line ends.
std::string DotStuff(const std::string& mime) {
  std::string out;
  out.reserve(mime.size() + 16);
  bool line_start = true;
  for (char c : mime) {
    if (line_start && c == '.') out.push_back('.');
    out.push_back(c);
    line_start = c == '\n';
  }
  if (!absl::EndsWith(out, "\r\n")) out += "\r\n";
  return out;
}

}  // namespace

bool CanPipeline(const SmtpOptions& o) {
  return absl::StartsWith(o.url, "smtp://") && !o.starttls && o.username.empty();
}

PipeliningSmtpSender::PipeliningSmtpSender(SmtpOptions options)
    : options_(std::move(options)), envelope_from_(EnvelopeAddress(options_.from)) {
  std::string hostport = options_.url.substr(7);
  hostport = hostport.substr(0, hostport.find('/'));
  size_t colon = hostport.rfind(':');
  host_ = hostport.substr(0, colon);
  if (colon != std::string::npos) (void)absl::SimpleAtoi(hostport.substr(colon + 1), &port_);
}

PipeliningSmtpSender::~PipeliningSmtpSender() {
  if (fd_ >= 0) {
    Write("QUIT\r\n");
    Close();
  }
}

void PipeliningSmtpSender::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  buffer_.clear();
}

bool PipeliningSmtpSender::Write(const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      return false;
    }
    off += static_cast<size_t>(n);
  }
  return true;
}

PipeliningSmtpSender::Reply PipeliningSmtpSender::ReadReply() {
  Reply reply;
  const absl::Time deadline = absl::Now() + absl::Milliseconds(options_.timeout_ms);
  for (;;) {
    size_t eol;
    while ((eol = buffer_.find("\r\n")) == std::string::npos) {
      int wait_ms = static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()));
      pollfd p{fd_, POLLIN, 0};
      if (wait_ms <= 0 || poll(&p, 1, wait_ms) <= 0) {
        reply.code = 0;
        reply.text = "timed out waiting for the server";
        return reply;
      }
      char chunk[4096];
      ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) {
        reply.code = 0;
        reply.text = "closed by the server";
        return reply;
      }
      buffer_.append(chunk, static_cast<size_t>(n));
    }
    std::string line = buffer_.substr(0, eol);
    buffer_.erase(0, eol + 2);
    if (line.size() < 3 || !absl::SimpleAtoi(line.substr(0, 3), &reply.code)) {
      reply.code = 0;
      reply.text = "malformed reply: " + line;
      return reply;
    }
    if (!reply.text.empty()) reply.text += " / ";
    reply.text += line;
    if (line.size() == 3 || line[3] != '-') return reply;
  }
}

bool PipeliningSmtpSender::Connect(std::string* error) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host_.c_str(), std::to_string(port_).c_str(), &hints, &res) != 0) {
    *error = "cannot resolve " + host_;
    return false;
  }
  for (addrinfo* a = res; a != nullptr && fd_ < 0; a = a->ai_next) {
    fd_ = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd_ >= 0 && connect(fd_, a->ai_addr, a->ai_addrlen) != 0) Close();
  }
  freeaddrinfo(res);
  if (fd_ < 0) {
    *error = absl::StrCat("cannot connect to ", host_, ":", port_, ": ", std::strerror(errno));
    return false;
  }
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  Reply greeting = ReadReply();
  if (greeting.code != 220) {
    *error = "no SMTP greeting: " + greeting.text;
    Close();
    return false;
  }
  Reply ehlo;
  if (!Write("EHLO mc-execution\r\n") || (ehlo = ReadReply()).code != 250) {
    *error = "EHLO refused: " + ehlo.text;
    Close();
    return false;
  }
  pipelining_ = absl::StrContains(absl::AsciiStrToUpper(ehlo.text), "PIPELINING");
  return true;
}

std::string PipeliningSmtpSender::Envelope(const OutgoingMessage& m) const {
  return absl::StrCat("MAIL FROM:<", envelope_from_, ">\r\nRCPT TO:<", m.address, ">\r\nDATA\r\n");
}

std::string PipeliningSmtpSender::Body(const OutgoingMessage& m) const {
  return DotStuff(BuildMime(m, options_.from, absl::Now())) + ".\r\n";
}

SendOutcome PipeliningSmtpSender::Send(const OutgoingMessage& message) {
  return SendMany({&message}).front();
}

std::vector<SendOutcome> PipeliningSmtpSender::SendMany(
    const std::vector<const OutgoingMessage*>& messages) {
  std::vector<SendOutcome> out(messages.size());
  const SendOutcome lost{SendOutcome::Kind::kSoftFailure, "SMTP connection lost"};
  size_t i = 0;
  while (i < messages.size()) {
    std::string error;
    if (fd_ < 0 && !Connect(&error)) {
      for (; i < messages.size(); ++i) out[i] = {SendOutcome::Kind::kSoftFailure, error};
      return out;
    }
    if (!Write(Envelope(*messages[i]))) {
      Close();
      out[i++] = lost;
      continue;
    }
    // Message i's envelope is on the wire; each body carries the next message's envelope.
    for (;;) {
      Reply mail = ReadReply();
      Reply rcpt = mail.code != 0 ? ReadReply() : mail;
      Reply data = rcpt.code != 0 ? ReadReply() : rcpt;
      if (data.code != 354) {
        const Reply& why = mail.code != 250 ? mail : rcpt.code != 250 ? rcpt : data;
        out[i++] = FromReply(why.code, why.text);
        if (data.code == 0 || !Write("RSET\r\n") || ReadReply().code != 250) Close();
        break;  // the next message starts afresh (on a new connection if this one broke)
      }
      const bool chain = pipelining_ && i + 1 < messages.size();
      std::string payload = Body(*messages[i]);
      if (chain) payload += Envelope(*messages[i + 1]);
      if (!Write(payload)) {
        Close();
        out[i++] = lost;
        break;
      }
      Reply done = ReadReply();
      out[i++] = FromReply(done.code, done.text);
      if (done.code == 0) {
        Close();  // a chained envelope went down with it: the outer loop sends it again
        break;
      }
      if (!chain) break;
    }
  }
  return out;
}

}  // namespace mc::execution
