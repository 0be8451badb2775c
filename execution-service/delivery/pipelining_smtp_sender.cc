#include "execution-service/delivery/pipelining_smtp_sender.h"

#include <fcntl.h>
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

bool Positive(int code) { return code >= 200 && code < 400; }

// `recipient`: the reply was to RCPT, so a 5xx rejects the address itself.
SendOutcome FromReply(int code, const std::string& text, bool recipient = false) {
  if (Positive(code)) return {SendOutcome::Kind::kSent, ""};
  std::string reason = code == 0 ? "SMTP connection lost: " + text : absl::StrCat("SMTP ", text);
  if (code >= 500) return {SendOutcome::Kind::kHardFailure, reason, recipient};
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
    fd_ = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK, a->ai_protocol);
    if (fd_ < 0) continue;
    // Connect within the timeout, then switch to blocking I/O bounded by SO_*TIMEO.
    if (connect(fd_, a->ai_addr, a->ai_addrlen) != 0) {
      pollfd p{fd_, POLLOUT, 0};
      int err = 0;
      socklen_t len = sizeof err;
      if (errno != EINPROGRESS || poll(&p, 1, options_.timeout_ms) <= 0 ||
          getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
        if (err != 0) errno = err;
        Close();
        continue;
      }
    }
    fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) & ~O_NONBLOCK);
    timeval tv{options_.timeout_ms / 1000, (options_.timeout_ms % 1000) * 1000};
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
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
  const std::string capabilities = absl::AsciiStrToUpper(ehlo.text);
  pipelining_ = absl::StrContains(capabilities, "PIPELINING");
  chunking_ = pipelining_ && absl::StrContains(capabilities, "CHUNKING");
  return true;
}

std::string PipeliningSmtpSender::Envelope(const OutgoingMessage& m) const {
  return absl::StrCat("MAIL FROM:<", EnvelopeFrom(m), ">\r\nRCPT TO:<", m.address, ">\r\nDATA\r\n");
}

std::string PipeliningSmtpSender::Body(const OutgoingMessage& m) const {
  return DotStuff(BuildMime(m, options_.from, absl::Now())) + ".\r\n";
}

size_t PipeliningSmtpSender::SendChunked(const std::vector<const OutgoingMessage*>& messages,
                                         size_t begin, bool reused, std::vector<SendOutcome>& out,
                                         bool* again) {
  constexpr size_t kMaxBytes = 1 << 20;
  *again = false;
  std::string group;
  size_t end = begin;
  while (end < messages.size() && end - begin < kMaxGroup && group.size() < kMaxBytes) {
    const OutgoingMessage& m = *messages[end++];
    std::string content = BuildMime(m, options_.from, absl::Now());
    if (!absl::EndsWith(content, "\r\n")) content += "\r\n";
    // RSET first: whatever a failed transaction before it left open, this one starts clean.
    absl::StrAppend(&group, "RSET\r\nMAIL FROM:<", EnvelopeFrom(m), ">\r\nRCPT TO:<", m.address,
                    ">\r\nBDAT ", content.size(), " LAST\r\n", content);
  }
  const bool written = Write(group);
  for (size_t k = begin; k < end; ++k) {
    Reply rset, mail, rcpt, bdat;
    if (written) rset = ReadReply();
    if (rset.code == 0 || rset.code == 421) {
      if (k == begin && reused) {
        Close();  // the relay dropped the idle connection: the group again, on a new one
        *again = true;
        return begin;
      }
      const std::string reason =
          rset.code == 0 ? "SMTP connection lost: " + rset.text : "SMTP " + rset.text;
      for (; k < end; ++k) out[k] = {SendOutcome::Kind::kSoftFailure, reason};
      Close();
      return end;
    }
    mail = ReadReply();
    if (mail.code != 0) rcpt = ReadReply();
    if (rcpt.code != 0) bdat = ReadReply();
    if (!Positive(mail.code)) {
      out[k] = FromReply(mail.code, mail.text);
    } else if (!Positive(rcpt.code)) {
      out[k] = FromReply(rcpt.code, rcpt.text, /*recipient=*/true);
    } else {
      out[k] = FromReply(bdat.code, bdat.text);
    }
    if (mail.code == 0 || rcpt.code == 0 || bdat.code == 0) {
      for (++k; k < end; ++k) out[k] = {SendOutcome::Kind::kSoftFailure, "SMTP connection lost"};
      Close();
      return end;
    }
  }
  return end;
}

SendOutcome PipeliningSmtpSender::Send(const OutgoingMessage& message) {
  return SendMany({&message}).front();
}

std::vector<SendOutcome> PipeliningSmtpSender::SendMany(
    const std::vector<const OutgoingMessage*>& messages) {
  std::vector<SendOutcome> out(messages.size());
  const SendOutcome lost{SendOutcome::Kind::kSoftFailure, "SMTP connection lost"};
  size_t i = 0;
  size_t retried = messages.size();  // the message already retried on a new connection
  // The envelope of messages[i] already went out, after the previous message's content.
  bool envelope_sent = false;
  auto drop_connection = [&] {
    Close();
    envelope_sent = false;
  };
  while (i < messages.size()) {
    std::string error;
    const bool reused = fd_ >= 0 && retried != i;
    if (fd_ < 0 && !Connect(&error)) {
      for (; i < messages.size(); ++i) out[i] = {SendOutcome::Kind::kSoftFailure, error};
      return out;
    }
    if (chunking_) {
      bool again = false;
      const size_t next = SendChunked(messages, i, reused, out, &again);
      if (again) retried = i;
      i = next;
      continue;
    }
    // Without PIPELINING, one command at a time; with it, the three in one write.
    Reply mail, rcpt, data;
    const OutgoingMessage& m = *messages[i];
    if (pipelining_) {
      if (envelope_sent || Write(Envelope(m))) {
        mail = ReadReply();
        if (mail.code != 0) rcpt = ReadReply();
        if (rcpt.code != 0) data = ReadReply();
      }
    } else if (Write(absl::StrCat("MAIL FROM:<", EnvelopeFrom(m), ">\r\n")) &&
               Positive((mail = ReadReply()).code) &&
               Write(absl::StrCat("RCPT TO:<", m.address, ">\r\n")) &&
               Positive((rcpt = ReadReply()).code) && Write("DATA\r\n")) {
      data = ReadReply();
    }
    envelope_sent = false;
    if (reused && (mail.code == 0 || mail.code == 421)) {
      // The relay dropped the connection before the message: again, on a new one.
      drop_connection();
      retried = i;
      continue;
    }
    if (data.code != 354) {
      if (!Positive(mail.code)) {
        out[i] = FromReply(mail.code, mail.text);
      } else if (!Positive(rcpt.code)) {
        out[i] = FromReply(rcpt.code, rcpt.text, /*recipient=*/true);
      } else {
        out[i] = FromReply(data.code == 354 ? 0 : data.code, data.text);
      }
      ++i;
      const bool unusable = mail.code == 0 || rcpt.code == 0 || data.code == 0;
      if (unusable || !Write("RSET\r\n") || ReadReply().code != 250) drop_connection();
      continue;
    }
    // The content, and the next message's envelope in the same write (RFC 2920 section 3.1).
    const bool group_next = pipelining_ && i + 1 < messages.size();
    std::string payload = Body(m);
    if (group_next) payload += Envelope(*messages[i + 1]);
    if (!Write(payload)) {
      drop_connection();
      out[i++] = lost;
      continue;
    }
    Reply done = ReadReply();
    out[i++] = FromReply(done.code, done.text);
    if (done.code == 0) {
      drop_connection();
    } else {
      envelope_sent = group_next;
    }
  }
  return out;
}

}  // namespace mc::execution
