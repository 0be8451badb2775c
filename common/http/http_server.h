// HttpServer: the HTTP/1.1 listener of both services (--http_listen), over civetweb (Debian's
// libcivetweb, which prometheus-cpp already brings). Every request goes to one handler with an
// HttpExchange: its method, path (URL-decoded), query, headers, the body read on demand within
// a limit, and one reply.
//
// Limits on what a caller controls: the body is read only when the handler asks, and refused
// (413) past `max_body_bytes` by its Content-Length before a byte of it is read (a body without
// a Content-Length is 411); `request_timeout` bounds the reading of a request and the writing
// of its answer; keep-alive connections close after `keep_alive_timeout` idle; `threads`
// requests at most are served at once (more wait in the kernel's backlog).
// Plain HTTP only: Debian 12's civetweb 1.15 crashes on its first TLS connection against
// OpenSSL 3, so Start refuses TLS files (FAILED_PRECONDITION, saying to terminate TLS in front).
// Failure modes: Start returns INVALID_ARGUMENT naming the flag for an unusable address,
// FAILED_PRECONDITION for TLS, UNAVAILABLE when the address cannot be bound. Thread-safe: the
// handler runs on many threads at once; Stop (also the destructor) waits for requests in flight.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

struct mg_connection;
struct mg_context;

namespace mc::http {

struct HttpServerOptions {
  std::string listen = "127.0.0.1:0";  // host:port; port 0 picks a free one (port())
  std::string flag = "--http_listen";  // named in errors
  int threads = 16;
  size_t max_body_bytes = size_t{64} << 20;
  absl::Duration request_timeout = absl::Seconds(30);
  absl::Duration keep_alive_timeout = absl::Seconds(60);
  std::string tls_cert_file, tls_key_file;  // refused (above)
};

// One request and its answer. Used on the request's thread only.
class HttpExchange {
 public:
  explicit HttpExchange(mg_connection* conn, size_t max_body_bytes);

  const std::string& method() const { return method_; }
  const std::string& path() const { return path_; }    // URL-decoded, without the query
  const std::string& query() const { return query_; }  // raw, without '?'
  // The first value of the header (any case); "" when absent.
  std::string Header(absl::string_view name) const;

  // The whole body ("" when none), read at most once. Refused, unread, with RESOURCE_EXHAUSTED
  // past the limit, FAILED_PRECONDITION for a chunked body, INVALID_ARGUMENT for one shorter
  // than its Content-Length; BodyErrorStatus names the HTTP status of each.
  [[nodiscard]] absl::StatusOr<std::string> ReadBody();

  // Sends the answer with a Content-Length (keep-alive stays possible). Once.
  void Reply(int status, absl::string_view content_type, absl::string_view body,
             const std::vector<std::pair<std::string, std::string>>& headers = {});
  bool replied() const { return replied_; }

 private:
  mg_connection* conn_;
  size_t max_body_bytes_;
  std::string method_, path_, query_;
  bool replied_ = false;
};

// The HTTP status ReadBody's failure stands for: 413 (too large), 411 (no length), 400.
int BodyErrorStatus(const absl::Status& s);

class HttpServer {
 public:
  using Handler = std::function<void(HttpExchange&)>;

  [[nodiscard]] static absl::StatusOr<std::unique_ptr<HttpServer>> Start(HttpServerOptions options,
                                                                         Handler handler);
  ~HttpServer();  // Stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const { return port_; }
  void Stop();

 private:
  HttpServer(HttpServerOptions options, Handler handler)
      : options_(std::move(options)), handler_(std::move(handler)) {}
  static int OnRequest(mg_connection* conn, void* self);

  const HttpServerOptions options_;
  const Handler handler_;
  mg_context* ctx_ = nullptr;
  int port_ = 0;
};

}  // namespace mc::http
