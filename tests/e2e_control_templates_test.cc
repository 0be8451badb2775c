// End to end, control (ctest e2e_control_test, fixture tests/control_e2e_fixture.h): templates
// authored and previewed on the control, publication refused until each instance is ready
// (workflows started, archiving workflow created), then published everywhere.
#include <catch2/catch.hpp>
#include <string>

#include "tests/control_e2e_fixture.h"
#include "tests/support/e2e_cluster.h"

namespace mc::e2e::control_e2e {
namespace {
namespace v1 = messagecenter::v1;
namespace pb = messagecenter::control::v1;

TEST_CASE("templates: authored, previewed, refused where an instance is not ready, published") {
  Cluster& c = TheCluster();
  ControlClient& control = *c.client;
  pb::CreateTemplateRequest create;
  *create.mutable_template_() = OrderShipped();
  pb::Template created;
  REQUIRE(control.templates().CreateTemplate(Context().get(), create, &created).ok());
  CHECK(created.status() == pb::TEMPLATE_STATUS_EDITING);
  *create.mutable_template_() = OrderShippedSms();
  REQUIRE(control.templates().CreateTemplate(Context().get(), create, &created).ok());
  pb::CreateTemplateRequest broken;
  *broken.mutable_template_() = OrderShipped();
  broken.mutable_template_()->set_internal_name("broken");
  broken.mutable_template_()->set_html_body("<p>\n<%= rtEvent.ctx.name");
  grpc::Status bad = control.templates().CreateTemplate(Context().get(), broken, &created);
  CHECK(bad.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(bad.error_message().rfind("html_body: line 2, column 1", 0) == 0);

  pb::PreviewTemplateRequest preview;
  preview.set_internal_name("orderShipped");
  pb::PreviewTemplateResponse previewed;
  REQUIRE(control.templates().PreviewTemplate(Context().get(), preview, &previewed).ok());
  CHECK(previewed.subject() == "Order S-1 shipped");
  CHECK(previewed.html_body() == "<p>Hello &lt;Zoé&gt;</p>");
  CHECK(previewed.text_body() == "Hello <Zoé>");

  // Neither instance is ready: refused, naming each instance and everything missing.
  pb::PublishTemplateResponse published;
  grpc::Status early = Publish("orderShipped", &published);
  CHECK(early.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  for (const std::string name : {"exec_a", "exec_b"}) {
    CHECK(early.error_message().find("execution instance '" + name + "'") != std::string::npos);
    CHECK(early.error_message().find("no archiving workflow (create mcSynch_" + name + ")") !=
          std::string::npos);
  }
  CHECK(early.error_message().find("technical workflows not started: batchEventsProcessing "
                                   "(stopped), rtEventsProcessing (stopped), updateEventStatus "
                                   "(stopped)") != std::string::npos);

  // exec_a ready, exec_b without its archiving workflow: published on one, refused on the other.
  REQUIRE(c.a.client->StartAllWorkflows().ok());
  REQUIRE(c.b.client->StartAllWorkflows().ok());
  REQUIRE(control.CreateArchivingWorkflow("exec_a").ok());
  REQUIRE(Publish("orderShipped", &published).ok());
  CHECK(published.version() == 1);
  REQUIRE(published.outcomes_size() == 2);
  CHECK(published.outcomes(0).account() == "exec_a");
  CHECK(published.outcomes(0).code() == 0);
  CHECK(published.outcomes(1).account() == "exec_b");
  CHECK(published.outcomes(1).code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(published.outcomes(1).message().find("no archiving workflow") != std::string::npos);

  REQUIRE(control.CreateArchivingWorkflow("exec_b").ok());
  CHECK(control.CreateArchivingWorkflow("exec_b").error_code() == grpc::StatusCode::ALREADY_EXISTS);
  REQUIRE(Publish("orderShipped", &published).ok());
  CHECK(published.version() == 2);
  for (const auto& o : published.outcomes()) CHECK(o.code() == 0);
  CHECK(published.template_().status() == pb::TEMPLATE_STATUS_PUBLISHED);
  REQUIRE(Publish("orderShippedSms", &published).ok());

  pb::DeleteTemplateRequest del;
  del.set_internal_name("orderShipped");
  pb::DeleteTemplateResponse deleted;
  CHECK(control.templates().DeleteTemplate(Context().get(), del, &deleted).error_code() ==
        grpc::StatusCode::FAILED_PRECONDITION);

  pb::ListArchivingWorkflowsResponse workflows;
  REQUIRE(control.archiving().ListArchivingWorkflows(Context().get(), {}, &workflows).ok());
  REQUIRE(workflows.workflows_size() == 2);
  CHECK(workflows.workflows(0).internal_name() == "mcSynch_exec_a");
  CHECK(workflows.workflows(0).label() == "Message Center Instance exec_a");
  CHECK(workflows.workflows(0).folder() == "Administration > Production > Message Center");
  CHECK(workflows.workflows(0).state() == pb::ARCHIVING_STATE_STARTED);
  CHECK(workflows.workflows(0).schedule_seconds() == 3600);
}

}  // namespace
}  // namespace mc::e2e::control_e2e
