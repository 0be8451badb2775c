#include <prometheus/registry.h>

#include <catch2/catch.hpp>
#include <future>
#include <sstream>

#include "common/testing/shared_postgres.h"
#include "execution-service/delivery/sender_pool.h"
#include "execution-service/migrations/migrations.h"
#include "execution-service/processing/event_processor.h"
#include "execution-service/processing/processing_repository.h"
#include "execution-service/templates/template_catalog.h"

namespace mc::execution {
namespace {

// Never called: the test sends nothing.
class UnusedSender final : public MessageSender {
 public:
  SendOutcome Send(const OutgoingMessage&) override { return {}; }
};

TEST_CASE("without a listener (the batch lane) the poll's wait ends on Wake") {
  const std::string schema = testing::FreshSchema("processor", Migrations());
  pg::ConnectionPool pool{{.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 2}};
  ProcessingRepository processing(pool);
  TemplateRepository template_repository(pool);
  TemplateCatalog templates(template_repository);
  SenderPool email(1, [] { return std::make_unique<UnusedSender>(); });
  SenderPool sms(1, [] { return std::make_unique<UnusedSender>(); });
  prometheus::Registry registry;
  ExecutionMetrics metrics(registry);
  std::ostringstream log_sink;
  log::Logger logger("test", log::Level::kError, log_sink);
  EventProcessor processor(Queue::kBatch, processing, templates, email, sms, {}, nullptr, {},
                           metrics, logger);

  std::future<void> waited =
      std::async(std::launch::async, [&processor] { processor.WaitForWork(absl::Minutes(2)); });
  processor.Wake();
  // Bounded so that a wait Wake() cannot end fails the test instead of hanging it.
  CHECK(waited.wait_for(std::chrono::seconds(60)) == std::future_status::ready);
}

}  // namespace
}  // namespace mc::execution
