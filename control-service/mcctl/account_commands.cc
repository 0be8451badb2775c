// mcctl accounts: the control instance's external accounts, one per execution instance.
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

std::unique_ptr<pb::AccountService::Stub> Stub(const Invocation& inv) {
  return pb::AccountService::NewStub(inv.conn().channel());
}

std::string Method(pb::ConnectionMethod m) {
  return m == pb::CONNECTION_METHOD_TLS ? "tls" : "insecure";
}

void PrintAccount(const pb::Account& a, std::ostream& out) {
  FieldList()
      .Add("name", a.internal_name())
      .Add("label", a.label())
      .Add("enabled", YesNo(a.enabled()))
      .Add("endpoint", a.endpoint())
      .Add("connection", Method(a.connection_method()))
      .Add("credential", a.has_credential() ? "set" : "none")
      .Add("instance id", a.instance_id().empty()
                              ? "- (not initialized: mcctl accounts init " + a.internal_name() + ")"
                              : a.instance_id())
      .Add("created", FormatTimestamp(a.created()))
      .Add("updated", FormatTimestamp(a.updated()))
      .Print(out);
}

// The account as returned, or printed as JSON.
int Respond(Invocation& inv, const grpc::Status& s, const pb::Account& a, const std::string& done) {
  if (auto code = inv.Finish(s, a)) return *code;
  if (!done.empty()) inv.out() << done << "\n";
  PrintAccount(a, inv.out());
  return kExitOk;
}

// Reads --credential-file into the account; INVALID_ARGUMENT naming the flag when it cannot.
absl::Status ReadCredential(const Invocation& inv, pb::Account* a) {
  if (!inv.flags().Has("credential-file")) return absl::OkStatus();
  absl::StatusOr<std::string> token = ReadTokenFile(inv.flags().Get("credential-file"));
  if (!token.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--credential-file: ", token.status().message()));
  }
  a->set_credential(*token);
  return absl::OkStatus();
}

int Create(Invocation& inv) {
  pb::CreateAccountRequest req;
  pb::Account* a = req.mutable_account();
  a->set_internal_name(inv.arg(0));
  a->set_label(inv.flags().Get("label"));
  a->set_enabled(true);
  a->set_endpoint(inv.flags().Get("endpoint"));
  a->set_connection_method(inv.flags().Get("tls") == "true" ? pb::CONNECTION_METHOD_TLS
                                                            : pb::CONNECTION_METHOD_INSECURE);
  if (absl::Status s = ReadCredential(inv, a); !s.ok()) return inv.UsageError(s);
  pb::Account resp;
  grpc::Status s = Stub(inv)->CreateAccount(inv.Context().get(), req, &resp);
  return Respond(inv, s, resp, "Created account " + inv.arg(0) + ".");
}

int Update(Invocation& inv) {
  const ParsedFlags& f = inv.flags();
  if (f.Has("tls") && f.Has("insecure")) {
    return inv.UsageError(absl::InvalidArgumentError("--tls and --insecure exclude each other"));
  }
  auto stub = Stub(inv);
  pb::GetAccountRequest get;
  get.set_internal_name(inv.arg(0));
  pb::UpdateAccountRequest req;
  pb::Account* a = req.mutable_account();
  if (grpc::Status s = stub->GetAccount(inv.Context().get(), get, a); !s.ok()) return inv.Fail(s);
  if (f.Has("label")) a->set_label(f.Get("label"));
  if (f.Has("endpoint")) a->set_endpoint(f.Get("endpoint"));
  if (f.Has("enable")) a->set_enabled(true);
  if (f.Has("tls")) a->set_connection_method(pb::CONNECTION_METHOD_TLS);
  if (f.Has("insecure")) a->set_connection_method(pb::CONNECTION_METHOD_INSECURE);
  a->clear_credential();
  if (absl::Status s = ReadCredential(inv, a); !s.ok()) return inv.UsageError(s);
  pb::Account resp;
  grpc::Status s = stub->UpdateAccount(inv.Context().get(), req, &resp);
  return Respond(inv, s, resp, "Updated account " + inv.arg(0) + ".");
}

int List(Invocation& inv) {
  pb::ListAccountsResponse resp;
  grpc::Status s = Stub(inv)->ListAccounts(inv.Context().get(), {}, &resp);
  if (auto code = inv.Finish(s, resp)) return *code;
  Table t({{"NAME"},
           {"LABEL"},
           {"ENABLED"},
           {"ENDPOINT"},
           {"CONNECTION"},
           {"CREDENTIAL"},
           {"INSTANCE ID"}});
  for (const pb::Account& a : resp.accounts()) {
    t.AddRow({a.internal_name(), a.label(), YesNo(a.enabled()), a.endpoint(),
              Method(a.connection_method()), a.has_credential() ? "set" : "none",
              a.instance_id().empty() ? "-" : a.instance_id()});
  }
  t.Print(inv.out(), "No accounts: add one with mcctl accounts create.");
  return kExitOk;
}

int Get(Invocation& inv) {
  pb::GetAccountRequest req;
  req.set_internal_name(inv.arg(0));
  pb::Account resp;
  grpc::Status s = Stub(inv)->GetAccount(inv.Context().get(), req, &resp);
  return Respond(inv, s, resp, "");
}

int Test(Invocation& inv) {
  pb::TestConnectionRequest req;
  req.set_internal_name(inv.arg(0));
  pb::TestConnectionResponse resp;
  grpc::Status s = Stub(inv)->TestConnection(inv.Context().get(), req, &resp);
  if (auto code = inv.Finish(s, resp)) return *code;
  inv.out() << "Reached " << inv.arg(0) << " at " << resp.endpoint() << " in "
            << resp.round_trip_ms() << " ms.\n";
  FieldList()
      .Add("version", resp.version())
      .Add("instance id", resp.instance_id().empty() ? "- (not initialized)" : resp.instance_id())
      .Add("workflows started", YesNo(resp.workflows_started()))
      .Print(inv.out());
  Table t({{"WORKFLOW"}, {"STATE"}});
  for (const pb::WorkflowStatus& w : resp.workflows()) t.AddRow({w.internal_name(), w.state()});
  t.Print(inv.out());
  return kExitOk;
}

int Init(Invocation& inv) {
  pb::InitializeConnectionRequest req;
  req.set_internal_name(inv.arg(0));
  req.set_instance_id(inv.flags().Get("instance-id"));
  req.set_force(inv.flags().Get("force") == "true");
  pb::Account resp;
  grpc::Status s = Stub(inv)->InitializeConnection(inv.Context().get(), req, &resp);
  return Respond(inv, s, resp, "Initialized " + inv.arg(0) + ": " + resp.instance_id() + ".");
}

int Disable(Invocation& inv) {
  pb::DisableAccountRequest req;
  req.set_internal_name(inv.arg(0));
  pb::Account resp;
  grpc::Status s = Stub(inv)->DisableAccount(inv.Context().get(), req, &resp);
  return Respond(inv, s, resp, "Disabled account " + inv.arg(0) + ".");
}

int Delete(Invocation& inv) {
  pb::DeleteAccountRequest req;
  req.set_internal_name(inv.arg(0));
  pb::DeleteAccountResponse resp;
  grpc::Status s = Stub(inv)->DeleteAccount(inv.Context().get(), req, &resp);
  if (auto code = inv.Finish(s, resp)) return *code;
  inv.out() << "Deleted account " << inv.arg(0) << " and its archiving workflow.\n";
  return kExitOk;
}

}  // namespace

std::vector<CommandSpec> AccountCommands() {
  const FlagSpec label{"label", "LABEL", "a label for people"};
  const FlagSpec credential{"credential-file", "FILE",
                            "the bearer token the control presents to the instance"};
  return {
      {"accounts",
       "create",
       "NAME",
       "Register an execution instance (an external account).",
       {{"endpoint", "HOST:PORT", "the execution instance's gRPC address", false, true},
        {credential.name, credential.value_name, credential.help, false, true},
        label,
        {"tls", "", "the control reaches the instance over TLS"}},
       1,
       1,
       Target::kControl,
       Create},
      {"accounts",
       "update",
       "NAME",
       "Change an account's label, endpoint, credential or connection; re-enable it.",
       {label,
        {"endpoint", "HOST:PORT", "the execution instance's gRPC address"},
        credential,
        {"tls", "", "reach the instance over TLS"},
        {"insecure", "", "reach the instance over plain gRPC"},
        {"enable", "", "enable the account again"}},
       1,
       1,
       Target::kControl,
       Update},
      {"accounts", "list", "", "List the accounts.", {}, 0, 0, Target::kControl, List},
      {"accounts", "get", "NAME", "Show one account.", {}, 1, 1, Target::kControl, Get},
      {"accounts",
       "test",
       "NAME",
       "Test the connection: the instance's version, identifier, workflows.",
       {},
       1,
       1,
       Target::kControl,
       Test},
      {"accounts",
       "init",
       "NAME",
       "Assign the instance identifier and stamp it on the instance.",
       {{"instance-id", "ID", "the identifier (default: NAME-<8 hex digits>)"},
        {"force", "", "replace an identifier the instance already carries"}},
       1,
       1,
       Target::kControl,
       Init},
      {"accounts",
       "disable",
       "NAME",
       "Disable an account (publication skips it).",
       {},
       1,
       1,
       Target::kControl,
       Disable},
      {"accounts",
       "delete",
       "NAME",
       "Delete an account and its archiving workflow.",
       {},
       1,
       1,
       Target::kControl,
       Delete},
  };
}

}  // namespace mc::mcctl
