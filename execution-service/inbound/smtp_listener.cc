#include "execution-service/inbound/smtp_listener.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace mc::execution {
namespace {

constexpr size_t kMaxLine = 64 << 10;

// "host:port" or "[v6]:port" into its parts; false when malformed.
bool SplitHostPort(const std::string& listen, std::string* host, std::string* port) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == listen.size()) return false;
  *host = listen.substr(0, colon);
  *port = listen.substr(colon + 1);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  int n = 0;
  return !host->empty() && absl::SimpleAtoi(*port, &n) && n >= 0 && n <= 65535;
}

bool SendAll(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

SmtpListener::SmtpListener(SmtpListenerOptions options, SmtpSession::Deliver deliver)
    : options_(std::move(options)), deliver_(std::move(deliver)) {}

SmtpListener::~SmtpListener() { Stop(); }

absl::StatusOr<std::unique_ptr<SmtpListener>> SmtpListener::Start(SmtpListenerOptions options,
                                                                  SmtpSession::Deliver deliver) {
  std::string host, port;
  if (!SplitHostPort(options.listen, &host, &port)) {
    return absl::InvalidArgumentError(
        absl::StrCat("bounce_listen: \"", options.listen, "\" is not host:port"));
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0 || found == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bounce_listen: \"", options.listen, "\" needs a numeric address (e.g. 0.0.0.0:2525)"));
  }
  std::unique_ptr<SmtpListener> listener(new SmtpListener(std::move(options), std::move(deliver)));
  const int fd = socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  const bool ok = fd >= 0 && bind(fd, found->ai_addr, found->ai_addrlen) == 0 &&
                  listen(fd, 128) == 0 &&
                  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len) == 0;
  freeaddrinfo(found);
  if (!ok) {
    const int error = errno;
    if (fd >= 0) close(fd);
    return absl::UnavailableError(absl::StrCat("bounce_listen: cannot listen on ",
                                               listener->options_.listen, ": ", strerror(error)));
  }
  listener->listen_fd_ = fd;
  listener->port_ =
      ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                        : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  listener->accept_thread_ = std::thread([l = listener.get()] { l->AcceptLoop(); });
  return listener;
}

void SmtpListener::AcceptLoop() {
  for (;;) {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (stopping_) return;
      if (errno == EMFILE || errno == ENFILE) usleep(100000);  // out of descriptors: back off
      continue;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const int64_t timeout_us = absl::ToInt64Microseconds(options_.idle_timeout);
    timeval tv{.tv_sec = static_cast<time_t>(timeout_us / 1000000),
               .tv_usec = static_cast<suseconds_t>(timeout_us % 1000000)};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    std::list<std::thread> done;
    {
      std::lock_guard<std::mutex> lock(mu_);
      done.swap(finished_);
      if (stopping_) {
        close(fd);
        break;
      }
      if (static_cast<int>(open_fds_.size()) >= options_.max_connections) {
        SendAll(fd, "421 4.7.0 too many connections, try again later\r\n");
        close(fd);
      } else {
        open_fds_.insert(fd);
        auto it = connections_.emplace(connections_.end());
        *it = std::thread([this, fd, it] {
          Serve(fd);
          std::lock_guard<std::mutex> l(mu_);
          if (open_fds_.erase(fd)) close(fd);
          if (!stopping_) finished_.splice(finished_.end(), connections_, it);
        });
      }
    }
    for (std::thread& t : done) t.join();
  }
}

void SmtpListener::Serve(int fd) {
  SmtpSession session(options_.session, deliver_);
  if (!SendAll(fd, session.Greeting())) return;
  std::string in, reply;
  size_t pos = 0;
  char chunk[16384];
  for (;;) {
    const size_t eol = in.find("\r\n", pos);
    if (eol == std::string::npos) {
      if (in.size() - pos > kMaxLine) {
        SendAll(fd, reply + "500 5.5.2 line too long\r\n");
        return;
      }
      // Answers go out before waiting for more input: a pipelining client gets them together.
      if (!reply.empty() && !SendAll(fd, reply)) return;
      reply.clear();
      in.erase(0, pos);
      pos = 0;
      ssize_t n;
      do {
        n = read(fd, chunk, sizeof chunk);
      } while (n < 0 && errno == EINTR);
      if (n <= 0) return;  // closed, timed out, or Stop()
      in.append(chunk, static_cast<size_t>(n));
      continue;
    }
    const bool keep = session.OnLine(absl::string_view(in).substr(pos, eol - pos), &reply);
    pos = eol + 2;
    if (!keep) {
      SendAll(fd, reply);
      return;
    }
  }
}

void SmtpListener::Stop() {
  if (stopping_.exchange(true)) return;
  if (listen_fd_ >= 0) {
    shutdown(listen_fd_, SHUT_RDWR);
    close(listen_fd_);
  }
  if (accept_thread_.joinable()) accept_thread_.join();
  std::list<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : open_fds_) shutdown(fd, SHUT_RDWR);
    threads.swap(connections_);
    threads.splice(threads.end(), finished_);
  }
  for (std::thread& t : threads) t.join();
}

}  // namespace mc::execution
