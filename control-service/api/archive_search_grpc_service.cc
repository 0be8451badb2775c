#include "control-service/api/archive_search_grpc_service.h"

#include "common/status/grpc_status.h"
#include "control-service/api/archive_search_proto.h"

namespace mc::control {
namespace pb = messagecenter::control::v1;
using status::ToGrpc;

ArchiveSearchGrpcService::ArchiveSearchGrpcService(const ArchiveSearch& search,
                                                   grpcutil::CallGate& gate)
    : GatedService(gate), search_(search) {
  ServeUnary("SearchEvents", &ArchiveSearchGrpcService::SearchEvents);
  ServeUnary("GetArchivedEvent", &ArchiveSearchGrpcService::GetArchivedEvent);
}

grpc::Status ArchiveSearchGrpcService::SearchEvents(Ctx* ctx, const pb::SearchEventsRequest* req,
                                                    pb::SearchEventsResponse* resp) {
  absl::StatusOr<SearchPage> page = search_.Search(SearchRequestFromProto(*req));
  if (!page.ok()) return ToGrpc(page.status());
  resp->mutable_events()->Reserve(static_cast<int>(page->events.size()));
  for (const ArchivedStory& s : page->events) StoryToProto(s, resp->add_events());
  resp->set_next_page_token(page->next_page_token);
  return grpc::Status::OK;
}

grpc::Status ArchiveSearchGrpcService::GetArchivedEvent(Ctx* ctx,
                                                        const pb::GetArchivedEventRequest* req,
                                                        pb::ArchivedEventStory* resp) {
  absl::StatusOr<ArchivedStory> story = search_.Get(req->account(), req->event_id());
  if (!story.ok()) return ToGrpc(story.status());
  StoryToProto(*story, resp);
  return grpc::Status::OK;
}

}  // namespace mc::control
