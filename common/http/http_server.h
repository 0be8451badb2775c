// HttpServer: the HTTP/1.1 listener of both services (--http_listen), over cpp-httplib
// (Debian's libcpp-httplib, built with OpenSSL), plain or TLS. Every request goes to one
// handler with an HttpExchange: its method, path (URL-decoded), query, headers, the body read
// on demand within a limit, and one reply.
//
// Limits on what a caller controls: the body is read only when the handler asks, and refused
// (413) past `max_body_bytes`, by its Content-Length before a byte of it is read or, for a
// chunked body, as soon as it grows past the limit; a body refused, or not read by the
// handler, is still read and dropped (for at most `request_timeout`) once the answer is made:
// httplib keeps the connection whatever the answer says, and its bytes must never be taken
// for a next request; `request_timeout`
// bounds each read and write of a request and its answer; keep-alive connections close after
// `keep_alive_timeout` idle; `threads` requests at most are served at once (more wait).
// TLS: with `tls_cert_file` and `tls_key_file` (PEM, the gRPC listener's --tls_cert and
// --tls_key) every connection is HTTPS.
// Failure modes: Start returns INVALID_ARGUMENT naming the flag for an unusable address or half
// a TLS pair, FAILED_PRECONDITION when the certificate or key cannot be loaded, UNAVAILABLE
// when the address cannot be bound. Thread-safe: the handler runs on many threads at once;
// Stop (also the destructor) waits for requests in flight.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace httplib {
class ContentReader;
struct Request;
struct Response;
class Server;
}  // namespace httplib

namespace mc::http {

struct HttpServerOptions {
  std::string listen = "127.0.0.1:0";  // host:port; port 0 picks a free one (port())
  std::string flag = "--http_listen";  // named in errors
  int threads = 16;
  size_t max_body_bytes = size_t{64} << 20;
  absl::Duration request_timeout = absl::Seconds(30);
  absl::Duration keep_alive_timeout = absl::Seconds(60);
  std::string tls_cert_file, tls_key_file;  // both or neither
};

// One request and its answer. Used on the request's thread only.
class HttpExchange {
 public:
  // `reader` is null when the request carries no body.
  HttpExchange(const httplib::Request& request, httplib::Response& response,
               const httplib::ContentReader* reader, size_t max_body_bytes,
               absl::Duration drain_timeout);

  const std::string& method() const { return method_; }
  const std::string& path() const { return path_; }    // URL-decoded, without the query
  const std::string& query() const { return query_; }  // raw, without '?'
  // The first value of the header (any case); "" when absent.
  std::string Header(absl::string_view name) const;

  // The whole body ("" when none), read at most once. Refused with RESOURCE_EXHAUSTED past the
  // limit (unread when its Content-Length says so), INVALID_ARGUMENT for one cut short;
  // BodyErrorStatus names the HTTP status of each.
  [[nodiscard]] absl::StatusOr<std::string> ReadBody();

  // Sends the answer with a Content-Length (keep-alive stays possible). Once.
  void Reply(int status, absl::string_view content_type, absl::string_view body,
             const std::vector<std::pair<std::string, std::string>>& headers = {});
  bool replied() const { return replied_; }
  // Reads what is left of the body, and drops it (the server does, after the handler).
  void DiscardBody();

 private:
  const httplib::Request& request_;
  httplib::Response& response_;
  const httplib::ContentReader* reader_;
  size_t max_body_bytes_;
  absl::Duration drain_timeout_;
  std::string method_, path_, query_;
  bool body_read_ = false;
  bool replied_ = false;
};

// The HTTP status ReadBody's failure stands for: 413 (too large), 400.
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
  HttpServer(HttpServerOptions options, Handler handler);
  void Serve(const httplib::Request& request, httplib::Response& response,
             const httplib::ContentReader* reader);

  const HttpServerOptions options_;
  const Handler handler_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;  // runs the accept loop
  int port_ = 0;
};

}  // namespace mc::http
