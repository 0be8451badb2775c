#include "common/http/http_server.h"

#include <httplib.h>

#include <algorithm>
#include <limits>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace mc::http {
namespace {

// host:port with a port of digits; the host may be [v6].
bool SplitListen(const std::string& listen, std::string* host, int* port) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  *host = listen.substr(0, colon);
  if (host->size() > 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  return absl::SimpleAtoi(listen.substr(colon + 1), port) && *port >= 0 && *port < 65536;
}

}  // namespace

HttpExchange::HttpExchange(const httplib::Request& request, httplib::Response& response,
                           const httplib::ContentReader* reader, size_t max_body_bytes,
                           absl::Duration drain_timeout)
    : request_(request),
      response_(response),
      reader_(reader),
      max_body_bytes_(max_body_bytes),
      drain_timeout_(drain_timeout),
      method_(request.method),
      path_(request.path.empty() ? "/" : request.path) {
  const size_t q = request.target.find('?');
  if (q != std::string::npos) query_ = request.target.substr(q + 1);
}

std::string HttpExchange::Header(absl::string_view name) const {
  return request_.get_header_value(std::string(name));
}

absl::StatusOr<std::string> HttpExchange::ReadBody() {
  if (reader_ == nullptr || body_read_) return std::string();
  size_t declared = 0;
  const std::string length = request_.get_header_value("Content-Length");
  if (!length.empty() && absl::SimpleAtoi(length, &declared) && declared > max_body_bytes_) {
    // Refused before a byte is kept; the server drops it after the answer (DiscardBody).
    return absl::ResourceExhaustedError(absl::StrCat("body: ", declared, " bytes, more than the ",
                                                     max_body_bytes_, " this server reads"));
  }
  body_read_ = true;
  std::string body;
  body.reserve(declared);
  bool too_large = false;
  absl::Time drain_until;
  // Past the limit the rest is still read, and dropped, so that it is never taken for a next
  // request (see DiscardBody).
  const bool complete = (*reader_)([&](const char* data, size_t n) {
    if (too_large) return absl::Now() < drain_until;
    if (body.size() + n > max_body_bytes_) {
      too_large = true;
      drain_until = absl::Now() + drain_timeout_;
      std::string().swap(body);
      return true;
    }
    body.append(data, n);
    return true;
  });
  if (too_large) {
    return absl::ResourceExhaustedError(
        absl::StrCat("body: more than the ", max_body_bytes_, " bytes this server reads"));
  }
  if (!complete) return absl::InvalidArgumentError("body: cut short");
  return body;
}

int BodyErrorStatus(const absl::Status& s) {
  return s.code() == absl::StatusCode::kResourceExhausted ? 413 : 400;
}

void HttpExchange::Reply(int status, absl::string_view content_type, absl::string_view body,
                         const std::vector<std::pair<std::string, std::string>>& headers) {
  if (replied_) return;
  replied_ = true;
  response_.status = status;
  // httplib's set_header adds a line: a header given replaces the default of the same name.
  response_.set_header("X-Content-Type-Options", "nosniff");
  response_.set_header("Cache-Control", "no-store");
  for (const auto& [name, value] : headers) {
    response_.headers.erase(name);
    response_.set_header(name, value);
  }
  response_.set_content(std::string(body), std::string(content_type));
}

void HttpExchange::DiscardBody() {
  if (reader_ == nullptr || body_read_) return;
  body_read_ = true;
  // All of it, however long its Content-Length says, for at most the drain timeout: bytes left
  // unread would be taken for the next request on the connection.
  const absl::Time until = absl::Now() + drain_timeout_;
  (void)(*reader_)([until](const char*, size_t) { return absl::Now() < until; });
}

HttpServer::HttpServer(HttpServerOptions options, Handler handler)
    : options_(std::move(options)), handler_(std::move(handler)) {}

void HttpServer::Serve(const httplib::Request& request, httplib::Response& response,
                       const httplib::ContentReader* reader) {
  HttpExchange exchange(request, response, reader, options_.max_body_bytes,
                        options_.request_timeout);
  handler_(exchange);
  if (!exchange.replied()) exchange.Reply(500, "application/json", "{}");
  // httplib keeps the connection for the next request whatever the answer says, and would read
  // a body left unread as that request: it is read and dropped first.
  exchange.DiscardBody();
}

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(HttpServerOptions options,
                                                              Handler handler) {
  std::string host;
  int port = 0;
  if (!SplitListen(options.listen, &host, &port)) {
    return absl::InvalidArgumentError(
        absl::StrCat(options.flag, ": expected host:port, got '", options.listen, "'"));
  }
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(options.flag, ": TLS needs both --tls_cert and --tls_key"));
  }
  std::unique_ptr<HttpServer> self(new HttpServer(std::move(options), std::move(handler)));
  const HttpServerOptions& o = self->options_;
  if (o.tls_cert_file.empty()) {
    self->server_ = std::make_unique<httplib::Server>();
  } else {
    auto tls =
        std::make_unique<httplib::SSLServer>(o.tls_cert_file.c_str(), o.tls_key_file.c_str());
    if (!tls->is_valid()) {
      return absl::FailedPreconditionError(
          absl::StrCat(o.flag, ": cannot load the TLS certificate ", o.tls_cert_file,
                       " and its key (PEM, --tls_cert and --tls_key)"));
    }
    self->server_ = std::move(tls);
  }
  httplib::Server& s = *self->server_;
  const int threads = std::max(1, o.threads);
  s.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  s.set_tcp_nodelay(true);
  s.set_keep_alive_max_count(std::numeric_limits<size_t>::max() / 2);
  s.set_keep_alive_timeout(std::max<time_t>(1, absl::ToInt64Seconds(o.keep_alive_timeout)));
  const auto timeout = absl::ToChronoMicroseconds(o.request_timeout);
  s.set_read_timeout(timeout);
  s.set_write_timeout(timeout);
  HttpServer* raw = self.get();
  const httplib::Server::Handler plain =
      [raw](const httplib::Request& req, httplib::Response& res) { raw->Serve(req, res, nullptr); };
  const httplib::Server::HandlerWithContentReader with_body =
      [raw](const httplib::Request& req, httplib::Response& res,
            const httplib::ContentReader& reader) { raw->Serve(req, res, &reader); };
  constexpr char kAny[] = "/.*";
  s.Get(kAny, plain);
  s.Post(kAny, plain);
  s.Post(kAny, with_body);
  s.Put(kAny, plain);
  s.Put(kAny, with_body);
  s.Patch(kAny, plain);
  s.Patch(kAny, with_body);
  s.Delete(kAny, plain);
  s.Delete(kAny, with_body);
  s.Options(kAny, plain);
  s.set_logger([](const httplib::Request&, const httplib::Response&) {});  // logs: the handler's
  const int bound = port == 0 ? s.bind_to_any_port(host) : (s.bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    return absl::UnavailableError(absl::StrCat(o.flag, ": cannot listen on ", o.listen));
  }
  self->port_ = bound;
  self->thread_ = std::thread([raw] { raw->server_->listen_after_bind(); });
  return self;
}

void HttpServer::Stop() {
  if (server_ != nullptr) {
    server_->stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
  }
}

HttpServer::~HttpServer() { Stop(); }

}  // namespace mc::http
