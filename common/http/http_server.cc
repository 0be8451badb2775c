#include "common/http/http_server.h"

#include <civetweb.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace mc::http {
namespace {

const char* Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Payload Too Large";
    case 429:
      return "Too Many Requests";
    case 499:
      return "Client Closed Request";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Status";
  }
}

// host:port with a port of digits; the host may be [v6].
bool SplitListen(const std::string& listen, std::string* host, int* port) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  *host = listen.substr(0, colon);
  return absl::SimpleAtoi(listen.substr(colon + 1), port) && *port >= 0 && *port < 65536;
}

}  // namespace

HttpExchange::HttpExchange(mg_connection* conn, size_t max_body_bytes)
    : conn_(conn), max_body_bytes_(max_body_bytes) {
  const mg_request_info* info = mg_get_request_info(conn);
  method_ = info->request_method ? info->request_method : "";
  path_ = info->local_uri ? info->local_uri : "/";
  query_ = info->query_string ? info->query_string : "";
}

std::string HttpExchange::Header(absl::string_view name) const {
  const mg_request_info* info = mg_get_request_info(conn_);
  for (int i = 0; i < info->num_headers; ++i) {
    if (absl::EqualsIgnoreCase(info->http_headers[i].name, name)) {
      return info->http_headers[i].value ? info->http_headers[i].value : "";
    }
  }
  return "";
}

absl::StatusOr<std::string> HttpExchange::ReadBody() {
  const mg_request_info* info = mg_get_request_info(conn_);
  if (info->content_length < 0) {
    if (!Header("Transfer-Encoding").empty()) {
      return absl::FailedPreconditionError("body: send it with a Content-Length (not chunked)");
    }
    return std::string();
  }
  if (static_cast<unsigned long long>(info->content_length) > max_body_bytes_) {
    return absl::ResourceExhaustedError(absl::StrCat("body: ", info->content_length,
                                                     " bytes, more than the ", max_body_bytes_,
                                                     " this server reads"));
  }
  std::string body(static_cast<size_t>(info->content_length), '\0');
  size_t at = 0;
  while (at < body.size()) {
    const int n = mg_read(conn_, body.data() + at, body.size() - at);
    if (n <= 0) return absl::InvalidArgumentError("body: shorter than its Content-Length");
    at += static_cast<size_t>(n);
  }
  return body;
}

int BodyErrorStatus(const absl::Status& s) {
  if (s.code() == absl::StatusCode::kResourceExhausted) return 413;
  if (s.code() == absl::StatusCode::kFailedPrecondition) return 411;
  return 400;
}

void HttpExchange::Reply(int status, absl::string_view content_type, absl::string_view body,
                         const std::vector<std::pair<std::string, std::string>>& headers) {
  if (replied_) return;
  replied_ = true;
  std::string head =
      absl::StrCat("HTTP/1.1 ", status, " ", Reason(status), "\r\n", "Content-Type: ", content_type,
                   "\r\n", "Content-Length: ", body.size(), "\r\n",
                   "X-Content-Type-Options: nosniff\r\n", "Cache-Control: no-store\r\n");
  for (const auto& [name, value] : headers) absl::StrAppend(&head, name, ": ", value, "\r\n");
  head += "\r\n";
  // One write: the head and body in two would wait on the peer's delayed ACK.
  if (method_ != "HEAD") head.append(body.data(), body.size());
  mg_write(conn_, head.data(), head.size());
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
  if (!options.tls_cert_file.empty()) {
    // Debian 12's civetweb 1.15 loads OpenSSL's functions by name and calls one that OpenSSL 3
    // no longer has (a null pointer, on the first TLS connection): refused here, not a crash.
    return absl::FailedPreconditionError(absl::StrCat(
        options.flag,
        ": TLS is not available on the HTTP listener (Debian's civetweb 1.15 cannot use "
        "OpenSSL 3); terminate TLS in front of it (a load balancer, an ingress) and set "
        "--http_plaintext to serve HTTP/JSON without TLS beside gRPC over TLS"));
  }
  std::unique_ptr<HttpServer> server(new HttpServer(std::move(options), std::move(handler)));
  const HttpServerOptions& o = server->options_;
  mg_init_library(0);
  const std::string& ports = o.listen;
  const std::string threads = absl::StrCat(o.threads);
  const std::string request_ms = absl::StrCat(absl::ToInt64Milliseconds(o.request_timeout));
  const std::string keep_ms = absl::StrCat(absl::ToInt64Milliseconds(o.keep_alive_timeout));
  std::vector<const char*> config = {
      "listening_ports",       ports.c_str(),      "num_threads",       threads.c_str(),
      "request_timeout_ms",    request_ms.c_str(), "enable_keep_alive", "yes",
      "keep_alive_timeout_ms", keep_ms.c_str(),    "tcp_nodelay",       "1"};
  config.push_back(nullptr);
  mg_callbacks callbacks{};
  callbacks.log_message = [](const mg_connection*, const char*) { return 1; };  // no stderr
  server->ctx_ = mg_start(&callbacks, server.get(), config.data());
  if (server->ctx_ == nullptr) {
    mg_exit_library();
    return absl::UnavailableError(absl::StrCat(o.flag, ": cannot listen on ", o.listen));
  }
  mg_set_request_handler(server->ctx_, "/", &HttpServer::OnRequest, server.get());
  mg_server_port bound[4];
  const int n = mg_get_server_ports(server->ctx_, 4, bound);
  if (n < 1) return absl::InternalError(absl::StrCat(o.flag, ": no port bound"));
  server->port_ = bound[0].port;
  return server;
}

int HttpServer::OnRequest(mg_connection* conn, void* self) {
  auto* server = static_cast<HttpServer*>(self);
  HttpExchange exchange(conn, server->options_.max_body_bytes);
  server->handler_(exchange);
  if (!exchange.replied()) exchange.Reply(500, "application/json", "{}");
  return 200;  // handled: civetweb answers nothing more
}

void HttpServer::Stop() {
  if (ctx_ != nullptr) {
    mg_stop(ctx_);
    ctx_ = nullptr;
    mg_exit_library();
  }
}

HttpServer::~HttpServer() { Stop(); }

}  // namespace mc::http
