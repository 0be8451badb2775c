#include "control-service/api/block_grpc_service.h"

#include "common/status/grpc_status.h"
#include "control-service/api/control_proto.h"

namespace mc::control {
namespace pb = messagecenter::control::v1;
using status::ToGrpc;

BlockGrpcService::BlockGrpcService(BlockAuthoring& authoring, grpcutil::CallGate& gate)
    : GatedService(gate), authoring_(authoring) {
  ServeUnary("CreateBlock", &BlockGrpcService::CreateBlock);
  ServeUnary("UpdateBlock", &BlockGrpcService::UpdateBlock);
  ServeUnary("GetBlock", &BlockGrpcService::GetBlock);
  ServeUnary("ListBlocks", &BlockGrpcService::ListBlocks);
  ServeUnary("DeleteBlock", &BlockGrpcService::DeleteBlock);
}

namespace {

grpc::Status Reply(const absl::StatusOr<Block>& b, pb::Block* resp) {
  if (!b.ok()) return ToGrpc(b.status());
  BlockToProto(*b, resp);
  return grpc::Status::OK;
}

}  // namespace

grpc::Status BlockGrpcService::CreateBlock(Ctx* ctx, const pb::CreateBlockRequest* req,
                                           pb::Block* resp) {
  return Reply(authoring_.Create(BlockFromProto(req->block())), resp);
}

grpc::Status BlockGrpcService::UpdateBlock(Ctx* ctx, const pb::UpdateBlockRequest* req,
                                           pb::Block* resp) {
  return Reply(authoring_.Update(BlockFromProto(req->block())), resp);
}

grpc::Status BlockGrpcService::GetBlock(Ctx* ctx, const pb::GetBlockRequest* req, pb::Block* resp) {
  return Reply(authoring_.Get(req->name()), resp);
}

grpc::Status BlockGrpcService::ListBlocks(Ctx* ctx, const pb::ListBlocksRequest* req,
                                          pb::ListBlocksResponse* resp) {
  absl::StatusOr<std::vector<Block>> list = authoring_.List();
  if (!list.ok()) return ToGrpc(list.status());
  for (const Block& b : *list) BlockToProto(b, resp->add_blocks());
  return grpc::Status::OK;
}

grpc::Status BlockGrpcService::DeleteBlock(Ctx* ctx, const pb::DeleteBlockRequest* req,
                                           pb::DeleteBlockResponse* resp) {
  return ToGrpc(authoring_.Delete(req->name()));
}

}  // namespace mc::control
