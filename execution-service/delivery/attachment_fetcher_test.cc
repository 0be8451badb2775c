// CurlAttachmentFetcher against real HTTP servers on loopback: WebhookSink
// (common/sinks/webhook_sink.h) for ordinary answers, and a raw one written here for those it
// does not give (no Content-Type, redirects, a body streaming on without a Content-Length).
#include "execution-service/delivery/attachment_fetcher.h"

#include <sys/socket.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/sinks/line_connection.h"
#include "common/sinks/tcp_listener.h"
#include "common/sinks/webhook_sink.h"
#include "execution-service/delivery/attachment_cache.h"

namespace mc::execution {
namespace {

using sinks::WebhookSink;

// A gate the responder waits at until the test opens it (at most 10 s).
class Gate {
 public:
  void Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(10), [&] { return open_; });
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

bool SendAll(int fd, absl::string_view data) {
  while (!data.empty()) {
    const ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// One request per connection: reads the request head, then `respond(fd, path)` writes the
// whole answer, and the connection closes.
class RawServer {
 public:
  using Respond = std::function<void(int fd, const std::string& path)>;
  explicit RawServer(Respond respond) : respond_(std::move(respond)) {
    REQUIRE(listener_.Start(0, [this](int fd) { Serve(fd); }).ok());
  }
  ~RawServer() { listener_.Stop(); }
  std::string url(absl::string_view path) const {
    return absl::StrCat("http://127.0.0.1:", listener_.port(), path);
  }
  int requests() const { return requests_.load(); }

 private:
  void Serve(int fd) {
    sinks::LineConnection conn(fd);
    std::string line;
    if (!conn.ReadLine(&line)) return;
    const size_t sp1 = line.find(' ');
    const size_t sp2 = line.find(' ', sp1 + 1);
    const std::string path = line.substr(sp1 + 1, sp2 - sp1 - 1);
    std::string header;
    while (conn.ReadLine(&header) && !header.empty()) {
    }
    ++requests_;
    respond_(fd, path);
  }

  Respond respond_;
  std::atomic<int> requests_{0};
  sinks::TcpListener listener_;
};

void Answer(int fd, absl::string_view status_and_headers, absl::string_view body) {
  SendAll(fd, absl::StrCat("HTTP/1.1 ", status_and_headers, "\r\nContent-Length: ", body.size(),
                           "\r\nConnection: close\r\n\r\n", body));
}

AttachmentFetcherOptions Loopback() {
  AttachmentFetcherOptions o;
  o.guard.allow_http = true;
  o.guard.allow_private_networks = true;
  o.timeout = absl::Seconds(20);
  return o;
}

std::unique_ptr<WebhookSink> StartSink() {
  absl::StatusOr<std::unique_ptr<WebhookSink>> sink = WebhookSink::Start();
  REQUIRE(sink.ok());
  return *std::move(sink);
}

TEST_CASE("fetcher: a 200's bytes, its content type, the URL's file name") {
  std::unique_ptr<WebhookSink> sink = StartSink();
  const std::string bytes("\x00\x01\xff binary \r\n\x80", 14);
  sink->SetReplyBody(bytes);
  CurlAttachmentFetcher fetcher(Loopback());
  absl::StatusOr<Attachment> a = fetcher.Fetch(sink->url("/files/Price%20list.txt?sig=s3cr3t"), {});
  INFO(a.status());
  REQUIRE(a.ok());
  CHECK(a->content == bytes);
  CHECK(a->content_type == "text/plain");  // what WebhookSink answers
  CHECK(a->filename == "Price list.txt");
  const std::vector<WebhookSink::Request> requests = sink->Requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].method == "GET");
  CHECK(requests[0].path == "/files/Price%20list.txt?sig=s3cr3t");
  CHECK(requests[0].Header("user-agent") == "MessageCenter-Attachments");
  CHECK(requests[0].Header("accept-encoding").empty());

  // The request's own name and type win.
  a = fetcher.Fetch(sink->url("/files/x"), {.filename = "Tarifs.txt", .content_type = "a/b"});
  REQUIRE(a.ok());
  CHECK(a->filename == "Tarifs.txt");
  CHECK(a->content_type == "a/b");

  // Exactly the limit is accepted.
  AttachmentFetcherOptions exact = Loopback();
  exact.max_bytes = bytes.size();
  CHECK(CurlAttachmentFetcher(exact).Fetch(sink->url("/x"), {}).ok());
}

TEST_CASE("fetcher: no content type or a bad one is octet-stream; no path segment, a name") {
  RawServer server([](int fd, const std::string& path) {
    if (path == "/none") {
      Answer(fd, "200 OK", "data");
    } else {
      Answer(fd, "200 OK\r\nContent-Type: not a type", "data");
    }
  });
  CurlAttachmentFetcher fetcher(Loopback());
  absl::StatusOr<Attachment> a = fetcher.Fetch(server.url("/none"), {});
  REQUIRE(a.ok());
  CHECK(a->content_type == "application/octet-stream");
  CHECK(a->filename == "none");
  a = fetcher.Fetch(server.url("/"), {});
  REQUIRE(a.ok());
  CHECK(a->content_type == "application/octet-stream");
  CHECK(a->filename == "attachment");
}

TEST_CASE("fetcher: an answer over the limit is refused") {
  std::unique_ptr<WebhookSink> sink = StartSink();
  sink->SetReplyBody(std::string(2000, 'x'));
  AttachmentFetcherOptions options = Loopback();
  options.max_bytes = 1000;
  absl::StatusOr<Attachment> a = CurlAttachmentFetcher(options).Fetch(sink->url("/big.bin"), {});
  CHECK(a.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(a.status().message() == absl::StrCat("attachment ", sink->url("/big.bin"),
                                             ": larger than the limit of 1000 bytes"));
}

TEST_CASE("fetcher: a body without a length is refused as it streams, not read to its end") {
  constexpr size_t kOffered = size_t{256} << 20;
  std::atomic<size_t> sent{0};
  std::atomic<bool> done{false};
  RawServer server([&](int fd, const std::string&) {
    SendAll(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nConnection: close\r\n\r\n");
    const std::string chunk(64 << 10, 'x');
    while (sent < kOffered && SendAll(fd, chunk)) sent += chunk.size();
    done = true;
  });
  AttachmentFetcherOptions options = Loopback();
  options.max_bytes = 100000;
  absl::StatusOr<Attachment> a = CurlAttachmentFetcher(options).Fetch(server.url("/a.pdf"), {});
  CHECK(a.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(absl::EndsWith(a.status().message(), ": larger than the limit of 100000 bytes"));
  for (int i = 0; i < 1000 && !done; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(done);
  CHECK(sent < kOffered);  // the client closed the connection long before
}

TEST_CASE("fetcher: 4xx is permanent, 5xx, 408 and 429 are retried, as is no answer") {
  std::unique_ptr<WebhookSink> sink = StartSink();
  std::atomic<int> status{404};
  sink->SetResponder([&](const WebhookSink::Request&) { return status.load(); });
  CurlAttachmentFetcher fetcher(Loopback());
  const std::map<int, absl::StatusCode> expected = {
      {404, absl::StatusCode::kFailedPrecondition}, {403, absl::StatusCode::kFailedPrecondition},
      {410, absl::StatusCode::kFailedPrecondition}, {204, absl::StatusCode::kFailedPrecondition},
      {503, absl::StatusCode::kUnavailable},        {500, absl::StatusCode::kUnavailable},
      {408, absl::StatusCode::kUnavailable},        {429, absl::StatusCode::kUnavailable}};
  for (const auto& [code, want] : expected) {
    INFO(code);
    status = code;
    absl::StatusOr<Attachment> a = fetcher.Fetch(sink->url("/a.pdf?token=s3cr3t"), {});
    CHECK(a.status().code() == want);
    CHECK(a.status().message() ==
          absl::StrCat("attachment ", sink->url("/a.pdf"), ": the server answered ", code));
  }

  // Nothing listening: no connection.
  const std::string gone = sink->url("/a.pdf");
  sink.reset();
  absl::StatusOr<Attachment> a = fetcher.Fetch(gone, {});
  CHECK(a.status().code() == absl::StatusCode::kUnavailable);
  CHECK(absl::StartsWith(a.status().message(), absl::StrCat("attachment ", gone, ": ")));
}

TEST_CASE("fetcher: a server slower than the timeout") {
  Gate gate;
  std::unique_ptr<WebhookSink> sink = StartSink();
  sink->SetResponder([&](const WebhookSink::Request&) {
    gate.Wait();
    return 200;
  });
  AttachmentFetcherOptions options = Loopback();
  options.timeout = absl::Milliseconds(300);
  absl::StatusOr<Attachment> a = CurlAttachmentFetcher(options).Fetch(sink->url("/slow"), {});
  gate.Open();
  CHECK(a.status().code() == absl::StatusCode::kUnavailable);
  CHECK(absl::StrContains(a.status().message(), "timed out"));
}

TEST_CASE("fetcher: behind the cache, one request for a publication's attachment") {
  std::unique_ptr<WebhookSink> sink = StartSink();
  sink->SetReplyBody("PDF");
  AttachmentCache cache(std::make_unique<CurlAttachmentFetcher>(Loopback()), 1 << 20);
  for (int i = 0; i < 2; ++i) {
    absl::StatusOr<Attachment> a = cache.Fetch(sink->url("/cgv.pdf"), {.cache_key = "tpl-9/2"});
    REQUIRE(a.ok());
    CHECK(a->content == "PDF");
    CHECK(a->filename == "cgv.pdf");
  }
  CHECK(sink->request_count() == 1);
  REQUIRE(cache.Fetch(sink->url("/cgv.pdf"), {.cache_key = "tpl-9/3"}).ok());
  CHECK(sink->request_count() == 2);
}

TEST_CASE("fetcher: URLs the guard refuses are never requested") {
  std::unique_ptr<WebhookSink> sink = StartSink();
  AttachmentFetcherOptions https_only = Loopback();
  https_only.guard.allow_http = false;
  absl::StatusOr<Attachment> a =
      CurlAttachmentFetcher(https_only).Fetch(sink->url("/a.pdf?sig=s3cr3t"), {});
  CHECK(a.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(a.status().message() ==
        absl::StrCat("attachment ", sink->url("/a.pdf"),
                     ": url: http is not allowed: https only (allow http with "
                     "--attachment_allow_http)"));

  AttachmentFetcherOptions public_only = Loopback();
  public_only.guard.allow_private_networks = false;
  a = CurlAttachmentFetcher(public_only).Fetch(sink->url("/a.pdf"), {});
  CHECK(a.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(a.status().message() ==
        absl::StrCat("attachment ", sink->url("/a.pdf"),
                     ": url: host 127.0.0.1 is a loopback address (allow with "
                     "--attachment_allow_private_networks)"));

  public_only.resolve = [](const std::string&) -> absl::StatusOr<std::vector<IpAddress>> {
    return std::vector<IpAddress>{*ParseIpAddress("93.184.215.14"), *ParseIpAddress("10.1.2.3")};
  };
  a = CurlAttachmentFetcher(public_only).Fetch("http://files.test/a.pdf", {});
  CHECK(a.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(absl::StrContains(a.status().message(),
                          "host files.test resolves to 10.1.2.3, a private address"));

  public_only.resolve = [](const std::string& host) -> absl::StatusOr<std::vector<IpAddress>> {
    return absl::UnavailableError("url: cannot resolve host " + host + " (try again)");
  };
  a = CurlAttachmentFetcher(public_only).Fetch("http://files.test/a.pdf", {});
  CHECK(a.status().code() == absl::StatusCode::kUnavailable);

  for (const char* url : {"ftp://127.0.0.1/a.pdf", "file:///etc/passwd",
                          "http://user:pw@127.0.0.1/a.pdf", "not a url"}) {
    INFO(url);
    a = CurlAttachmentFetcher(Loopback()).Fetch(url, {});
    CHECK(a.status().code() == absl::StatusCode::kFailedPrecondition);
    CHECK(!absl::StrContains(a.status().message(), "pw@"));
  }
  CHECK(sink->request_count() == 0);
}

TEST_CASE("fetcher: the guard's addresses are the ones connected to (pinned)") {
  std::unique_ptr<WebhookSink> sink = StartSink();
  sink->SetReplyBody("pinned");
  AttachmentFetcherOptions options = Loopback();
  std::atomic<int> resolutions{0};
  options.resolve = [&](const std::string& host) -> absl::StatusOr<std::vector<IpAddress>> {
    ++resolutions;
    if (host != "files.mc.invalid") return absl::UnavailableError("unexpected host " + host);
    return std::vector<IpAddress>{*ParseIpAddress("127.0.0.1")};
  };
  absl::StatusOr<Attachment> a = CurlAttachmentFetcher(options).Fetch(
      absl::StrCat("http://files.mc.invalid:", sink->port(), "/doc.txt"), {});
  INFO(a.status());
  REQUIRE(a.ok());  // .invalid never resolves (RFC 6761): libcurl used the pinned address
  CHECK(a->content == "pinned");
  CHECK(resolutions == 1);
  REQUIRE(sink->Requests().size() == 1);
  CHECK(sink->Requests()[0].Header("host") == absl::StrCat("files.mc.invalid:", sink->port()));
}

TEST_CASE("fetcher: redirects followed up to the limit, each target checked again") {
  RawServer server([](int fd, const std::string& path) {
    if (path == "/r1") {
      Answer(fd, "302 Found\r\nLocation: /r2", "");
    } else if (path == "/r2") {
      Answer(fd, "301 Moved Permanently\r\nLocation: /files/final.pdf", "moved");
    } else if (path == "/files/final.pdf") {
      Answer(fd, "200 OK\r\nContent-Type: application/pdf", "%PDF");
    } else if (path == "/loop") {
      Answer(fd, "307 Temporary Redirect\r\nLocation: /loop", "");
    } else if (path == "/away") {
      Answer(fd, "302 Found\r\nLocation: ftp://127.0.0.1/x?sig=s3cr3t", "");
    } else if (path == "/nowhere") {
      Answer(fd, "302 Found", "");
    } else {
      Answer(fd, "404 Not Found", "");
    }
  });
  CurlAttachmentFetcher fetcher(Loopback());
  absl::StatusOr<Attachment> a = fetcher.Fetch(server.url("/r1"), {});
  INFO(a.status());
  REQUIRE(a.ok());
  CHECK(a->content == "%PDF");
  CHECK(a->content_type == "application/pdf");
  CHECK(a->filename == "r1");  // the URL the template gave
  CHECK(server.requests() == 3);

  a = fetcher.Fetch(server.url("/loop"), {});
  CHECK(a.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(a.status().message() ==
        absl::StrCat("attachment ", server.url("/loop"), ": more than 3 redirects"));
  CHECK(server.requests() == 3 + 4);

  a = fetcher.Fetch(server.url("/away"), {});
  CHECK(a.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(a.status().message() ==
        absl::StrCat("attachment ", server.url("/away"),
                     ": redirected to ftp://127.0.0.1/x: url: scheme \"ftp\" is not allowed: "
                     "https only (http with --attachment_allow_http)"));

  a = fetcher.Fetch(server.url("/nowhere"), {});
  CHECK(a.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(absl::EndsWith(a.status().message(), ": the server answered 302"));

  AttachmentFetcherOptions none = Loopback();
  none.max_redirects = 0;
  a = CurlAttachmentFetcher(none).Fetch(server.url("/r1"), {});
  CHECK(a.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(absl::EndsWith(a.status().message(), ": more than 0 redirects"));
}

TEST_CASE("RedactedUrl and FilenameFromUrl") {
  CHECK(RedactedUrl("https://cdn.test/a/b.pdf?X-Amz-Signature=abc#p=2") ==
        "https://cdn.test/a/b.pdf");
  CHECK(RedactedUrl("https://user:pw@cdn.test/a.pdf") == "https://cdn.test/a.pdf");
  CHECK(RedactedUrl("https://cdn.test?x@y") == "https://cdn.test");
  CHECK(RedactedUrl("not a url") == "not a url");
  CHECK(FilenameFromUrl("https://cdn.test/a/Facture%20n%C2%B07.pdf?sig=1") == "Facture n°7.pdf");
  CHECK(FilenameFromUrl("https://cdn.test/a/%2E%2E%2Fetc%5Cx%0D%0A") == ".._etc_x");
  CHECK(FilenameFromUrl("https://cdn.test/a/") == "");
  CHECK(FilenameFromUrl("https://cdn.test") == "");
  CHECK(FilenameFromUrl("https://cdn.test/100%") == "100%");
}

}  // namespace
}  // namespace mc::execution
