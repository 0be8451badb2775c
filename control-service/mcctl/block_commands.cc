// mcctl blocks: the personalisation blocks templates include by name (<%@ include view='NAME'
// %>): create and update from a file (each update the next version; published templates keep
// what they were published with until published again), get, list, delete (refused while a
// template or a block includes it).
#include "absl/strings/str_cat.h"
#include "control-service/mcctl/commands.h"
#include "control-service/mcctl/exit_codes.h"
#include "control-service/mcctl/input_files.h"
#include "control-service/mcctl/names.h"
#include "control-service/mcctl/table.h"
#include "messagecenter/control/v1/control.grpc.pb.h"

namespace mc::mcctl {
namespace {

namespace pb = messagecenter::control::v1;

std::unique_ptr<pb::BlockService::Stub> Stub(const Invocation& inv) {
  return pb::BlockService::NewStub(inv.conn().channel());
}

absl::Status ApplyFlags(const ParsedFlags& f, pb::Block* b) {
  if (f.Has("label")) b->set_label(f.Get("label"));
  if (f.Has("file")) {
    absl::StatusOr<std::string> content = ReadTextFile(f.Get("file"));
    if (!content.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--file: ", content.status().message()));
    }
    b->set_content(*std::move(content));
  }
  return absl::OkStatus();
}

int Respond(Invocation& inv, const grpc::Status& s, const pb::Block& b, const std::string& done) {
  if (auto code = inv.Finish(s, b)) return *code;
  if (!done.empty()) inv.out() << done << "\n";
  FieldList()
      .Add("name", b.name())
      .Add("label", b.label())
      .Add("version", absl::StrCat(b.version()))
      .Add("updated", FormatTimestamp(b.updated()))
      .Add("content", b.content())
      .Print(inv.out());
  return kExitOk;
}

int Create(Invocation& inv) {
  pb::CreateBlockRequest req;
  req.mutable_block()->set_name(inv.arg(0));
  if (absl::Status s = ApplyFlags(inv.flags(), req.mutable_block()); !s.ok()) {
    return inv.UsageError(s);
  }
  pb::Block resp;
  grpc::Status s = Stub(inv)->CreateBlock(inv.Context().get(), req, &resp);
  return Respond(inv, s, resp, "Created block " + inv.arg(0) + ".");
}

int Update(Invocation& inv) {
  auto stub = Stub(inv);
  pb::GetBlockRequest get;
  get.set_name(inv.arg(0));
  pb::UpdateBlockRequest req;
  if (grpc::Status s = stub->GetBlock(inv.Context().get(), get, req.mutable_block()); !s.ok()) {
    return inv.Fail(s);
  }
  if (absl::Status s = ApplyFlags(inv.flags(), req.mutable_block()); !s.ok()) {
    return inv.UsageError(s);
  }
  pb::Block resp;
  grpc::Status s = stub->UpdateBlock(inv.Context().get(), req, &resp);
  return Respond(inv, s, resp,
                 absl::StrCat("Updated block ", inv.arg(0), " to version ", resp.version(),
                              " (published templates change when published again)."));
}

int Get(Invocation& inv) {
  pb::GetBlockRequest req;
  req.set_name(inv.arg(0));
  pb::Block resp;
  grpc::Status s = Stub(inv)->GetBlock(inv.Context().get(), req, &resp);
  return Respond(inv, s, resp, "");
}

int List(Invocation& inv) {
  pb::ListBlocksResponse resp;
  grpc::Status s = Stub(inv)->ListBlocks(inv.Context().get(), {}, &resp);
  if (auto code = inv.Finish(s, resp)) return *code;
  Table t({{"NAME"},
           {"LABEL"},
           {"VERSION", Table::Align::kRight},
           {"UPDATED"},
           {"CHARACTERS", Table::Align::kRight}});
  for (const pb::Block& b : resp.blocks()) {
    t.AddRow({b.name(), b.label(), absl::StrCat(b.version()), FormatTimestamp(b.updated()),
              absl::StrCat(DisplayWidth(b.content()))});
  }
  t.Print(inv.out(), "No blocks: create one with mcctl blocks create.");
  return kExitOk;
}

int Delete(Invocation& inv) {
  pb::DeleteBlockRequest req;
  req.set_name(inv.arg(0));
  pb::DeleteBlockResponse resp;
  grpc::Status s = Stub(inv)->DeleteBlock(inv.Context().get(), req, &resp);
  if (auto code = inv.Finish(s, resp)) return *code;
  inv.out() << "Deleted block " << inv.arg(0) << ".\n";
  return kExitOk;
}

}  // namespace

std::vector<CommandSpec> BlockCommands() {
  const Target c = Target::kControl;
  return {
      {"blocks",
       "create",
       "NAME",
       "Create a personalisation block; templates include it with <%@ include view='NAME' %>.",
       {{"file", "FILE", "its content (personalisation and includes allowed)", false, true},
        {"label", "LABEL", "a label for people"}},
       1,
       1,
       c,
       Create},
      {"blocks",
       "update",
       "NAME",
       "Change a block (its next version); templates take it when published again.",
       {{"file", "FILE", "its new content"}, {"label", "LABEL", "a label for people"}},
       1,
       1,
       c,
       Update},
      {"blocks", "list", "", "List the blocks.", {}, 0, 0, c, List},
      {"blocks", "get", "NAME", "Show a block with its content.", {}, 1, 1, c, Get},
      {"blocks",
       "delete",
       "NAME",
       "Delete a block no template or block includes.",
       {},
       1,
       1,
       c,
       Delete},
  };
}

}  // namespace mc::mcctl
