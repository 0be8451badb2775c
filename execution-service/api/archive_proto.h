// Conversions between the messagecenter.v1 InstanceService messages and the archive domain
// types (execution-service/archive/archive.h). No validation here: the logic checks values.
// Pure functions, thread-safe.
#pragma once

#include "execution-service/archive/archive.h"
#include "messagecenter/v1/instance.pb.h"

namespace mc::execution {

ArchiveCursor ArchiveCursorFromProto(const messagecenter::v1::ArchiveCursor& proto);
void ArchiveCursorToProto(const ArchiveCursor& cursor, messagecenter::v1::ArchiveCursor* proto);

ArchiveExportRequest ArchiveExportRequestFromProto(
    const messagecenter::v1::ExportArchiveRequest& proto);
void ArchivedEventToProto(const ArchivedEvent& event, messagecenter::v1::ArchivedEvent* proto);
void ArchivePageToProto(const ArchivePage& page, messagecenter::v1::ExportArchivePage* proto);
void QuarantinePageToProto(const QuarantinePage& page,
                           messagecenter::v1::ExportQuarantinePage* proto);
void InstanceInfoToProto(const InstanceInfo& info, messagecenter::v1::InstanceInfo* proto);

}  // namespace mc::execution
