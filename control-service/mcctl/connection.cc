#include "control-service/mcctl/connection.h"

#include <chrono>

#include "absl/strings/str_cat.h"

namespace mc::mcctl {
namespace {

std::shared_ptr<grpc::ChannelCredentials> Credentials(const ClientSettings& s) {
  if (!s.tls) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = s.tls_root_pem;
  options.pem_cert_chain = s.tls_cert_pem;
  options.pem_private_key = s.tls_key_pem;
  return grpc::SslCredentials(options);
}

}  // namespace

Connection::Connection(const ClientSettings& settings, Target target)
    : target_(target),
      address_(target == Target::kControl ? settings.control : settings.execution),
      source_(target == Target::kControl ? settings.control_source : settings.execution_source),
      token_(settings.token),
      timeout_seconds_(settings.timeout_seconds) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  if (!settings.tls_server_name.empty()) {
    args.SetSslTargetNameOverride(settings.tls_server_name);
  }
  channel_ = grpc::CreateCustomChannel(address_, Credentials(settings), args);
}

std::unique_ptr<grpc::ClientContext> Connection::NewContext() const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  if (!token_.empty()) ctx->AddMetadata("authorization", "Bearer " + token_);
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(timeout_seconds_));
  return ctx;
}

std::string Connection::Describe() const {
  return absl::StrCat(
      target_ == Target::kControl ? "the control instance" : "the execution instance", " at ",
      address_);
}

std::string Connection::AddressSetting() const {
  const bool control = target_ == Target::kControl;
  return absl::StrCat(control ? "--control or MC_CONTROL" : "--execution or MC_EXECUTION",
                      " (now from ", source_, ")");
}

bool Connection::Reached() const {
  return channel_->GetState(/*try_to_connect=*/false) == GRPC_CHANNEL_READY;
}

}  // namespace mc::mcctl
