// BlockGrpcService: the messagecenter.control.v1.BlockService handlers. Behind the call gate
// (token, role, parsing: common/grpc/gated_service.h), each converts proto <-> domain and
// calls BlockAuthoring. Thread-safe.
#pragma once

#include "common/grpc/gated_service.h"
#include "control-service/templates/block_authoring.h"
#include "messagecenter/control/v1/control.grpc.pb.h"

namespace mc::control {

class BlockGrpcService final
    : public grpcutil::GatedService<messagecenter::control::v1::BlockService> {
 public:
  BlockGrpcService(BlockAuthoring& authoring, grpcutil::CallGate& gate);

  using Ctx = grpc::ServerContext;
  grpc::Status CreateBlock(Ctx* ctx, const messagecenter::control::v1::CreateBlockRequest* req,
                           messagecenter::control::v1::Block* resp) override;
  grpc::Status UpdateBlock(Ctx* ctx, const messagecenter::control::v1::UpdateBlockRequest* req,
                           messagecenter::control::v1::Block* resp) override;
  grpc::Status GetBlock(Ctx* ctx, const messagecenter::control::v1::GetBlockRequest* req,
                        messagecenter::control::v1::Block* resp) override;
  grpc::Status ListBlocks(Ctx* ctx, const messagecenter::control::v1::ListBlocksRequest* req,
                          messagecenter::control::v1::ListBlocksResponse* resp) override;
  grpc::Status DeleteBlock(Ctx* ctx, const messagecenter::control::v1::DeleteBlockRequest* req,
                           messagecenter::control::v1::DeleteBlockResponse* resp) override;

 private:
  BlockAuthoring& authoring_;
};

}  // namespace mc::control
