#include "common/metrics/metrics.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/text_serializer.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "common/metrics/histogram_batch.h"
#include "common/periodic/periodic_task.h"

namespace mc::metrics {
namespace {

using periodic::PeriodicTask;

// GET http://127.0.0.1:<port><path>; the whole response, headers included ("" on failure).
std::string HttpGet(int port, const std::string& path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return "";
  }
  const std::string request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  (void)!write(fd, request.data(), request.size());
  std::string response;
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) response.append(buf, n);
  close(fd);
  return response;
}

TEST_CASE("metrics are served over HTTP on a free port, hooks run before each scrape") {
  Metrics metrics;
  auto& family =
      prometheus::BuildCounter().Name("mc_test_total").Help("t").Register(metrics.registry());
  prometheus::Counter& counter = family.Add({{"kind", "a"}});
  auto& gauge_family =
      prometheus::BuildGauge().Name("mc_test_hooked").Help("t").Register(metrics.registry());
  prometheus::Gauge& gauge = gauge_family.Add({});
  std::atomic<int> scrapes{0};
  metrics.OnScrape([&] { gauge.Set(++scrapes); });
  absl::StatusOr<int> port = metrics.Serve("127.0.0.1:0");
  REQUIRE(port.ok());
  CHECK(*port > 0);
  CHECK(metrics.port() == *port);

  counter.Increment(3);
  std::string body = HttpGet(*port, "/metrics");
  CHECK(body.find("200 OK") != std::string::npos);
  CHECK(body.find("mc_test_total{kind=\"a\"} 3") != std::string::npos);
  CHECK(body.find("mc_test_hooked 1") != std::string::npos);
  body = HttpGet(*port, "/metrics");
  CHECK(body.find("mc_test_hooked 2") != std::string::npos);
  CHECK(metrics.Render().find("mc_test_hooked 3") != std::string::npos);
  CHECK(metrics.Serve("127.0.0.1:0").status().code() == absl::StatusCode::kFailedPrecondition);

  SECTION("a taken port or a bad address is refused with the address") {
    Metrics other;
    absl::Status taken = other.Serve("127.0.0.1:" + std::to_string(*port)).status();
    CHECK(taken.code() == absl::StatusCode::kUnavailable);
    CHECK(taken.message().find("127.0.0.1:" + std::to_string(*port)) != std::string::npos);
    CHECK(other.port() == 0);
    CHECK(Metrics().Serve("nowhere").status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(Metrics().Serve("127.0.0.1:70000").status().code() == absl::StatusCode::kInvalidArgument);
  }
}

TEST_CASE("a histogram batch gives what one Observe per value gives") {
  const prometheus::Histogram::BucketBoundaries bounds = {0.1, 1, 10};
  prometheus::Histogram one_by_one(bounds), batched(bounds);
  HistogramBatch batch(bounds);
  for (double v : {0.0, 0.05, 0.1, 0.5, 1.0, 3.0, 10.0, 11.0, 1e9}) {
    one_by_one.Observe(v);
    batch.Add(v);
  }
  CHECK(batch.count() == 9);
  batch.FlushTo(batched);
  CHECK(batch.count() == 0);
  batch.FlushTo(batched);  // empty: no-op

  const prometheus::ClientMetric a = one_by_one.Collect(), b = batched.Collect();
  CHECK(b.histogram.sample_count == 9);
  CHECK(b.histogram.sample_sum == Approx(a.histogram.sample_sum));
  REQUIRE(a.histogram.bucket.size() == b.histogram.bucket.size());
  for (size_t i = 0; i < a.histogram.bucket.size(); ++i) {
    INFO("bucket le " << a.histogram.bucket[i].upper_bound);
    CHECK(a.histogram.bucket[i].cumulative_count == b.histogram.bucket[i].cumulative_count);
  }
  // Cumulative: le 0.1 holds 0, 0.05 and 0.1.
  CHECK(b.histogram.bucket[0].cumulative_count == 3);
  CHECK(b.histogram.bucket[3].cumulative_count == 9);

  batch.Add(2);
  batch.FlushTo(batched);
  CHECK(batched.Collect().histogram.sample_count == 10);
}

TEST_CASE("a periodic task runs at once, then every interval, and stops promptly") {
  std::atomic<int> runs{0};
  {
    PeriodicTask task(absl::Milliseconds(20), [&] { ++runs; });
    for (int i = 0; i < 200 && runs < 3; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    CHECK(runs >= 3);
  }
  const int after_stop = runs;
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  CHECK(runs == after_stop);

  const auto start = std::chrono::steady_clock::now();
  {
    PeriodicTask slow(absl::Hours(1), [&] { ++runs; });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  CHECK(runs == after_stop + 1);
}

}  // namespace
}  // namespace mc::metrics
