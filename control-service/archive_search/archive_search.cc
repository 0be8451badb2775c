#include "control-service/archive_search/archive_search.h"

#include "absl/strings/str_cat.h"
#include "common/text/utf8.h"
#include "control-service/archive_search/story_timeline.h"

namespace mc::control {
namespace {

// The execution instances' limits: a longer value was never stored, so it is a mistake.
struct TextLimit {
  const char* field;
  const std::string* value;
  size_t max_chars;
};

absl::StatusOr<int> PageSize(int requested) {
  if (requested == 0) return ArchiveSearch::kDefaultPageSize;
  if (requested < 0 || requested > ArchiveSearch::kMaxPageSize) {
    return absl::InvalidArgumentError(absl::StrCat("page_size: 1 to ", ArchiveSearch::kMaxPageSize,
                                                   " (0: ", ArchiveSearch::kDefaultPageSize,
                                                   "), got ", requested));
  }
  return requested;
}

}  // namespace

absl::Status ValidateSearchFilter(const SearchFilter& f) {
  for (const std::string& a : f.accounts) {
    if (a.empty()) return absl::InvalidArgumentError("accounts: an empty account name");
  }
  for (const TextLimit& t :
       {TextLimit{"address", &f.address, 4096}, TextLimit{"external_id", &f.external_id, 255},
        TextLimit{"event_type", &f.event_type, 64}}) {
    if (text::CodePoints(*t.value) > t.max_chars) {
      return absl::InvalidArgumentError(
          absl::StrCat(t.field, ": longer than ", t.max_chars, " characters"));
    }
  }
  if (f.status && (*f.status < 2 || *f.status > 7)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "status: archived events are final (SENT, IGNORED_BY_DELIVERY, DELIVERY_FAILED, "
        "NOT_TAKEN_INTO_ACCOUNT, EXPIRED or CANCELLED), got ",
        *f.status));
  }
  if (f.received_after && f.received_before && *f.received_before <= *f.received_after) {
    return absl::InvalidArgumentError("received_before: must be after received_after");
  }
  if (f.address.empty() && f.external_id.empty() && f.event_type.empty() && !f.status &&
      !f.received_after && !f.received_before) {
    return absl::InvalidArgumentError(
        "filter: give at least one of address, external_id, event_type, status, received_after "
        "or received_before (accounts alone would list the whole archive)");
  }
  return absl::OkStatus();
}

absl::StatusOr<SearchPage> ArchiveSearch::Search(const SearchRequest& request) const {
  if (absl::Status s = ValidateSearchFilter(request.filter); !s.ok()) return s;
  absl::StatusOr<int> page_size = PageSize(request.page_size);
  if (!page_size.ok()) return page_size.status();
  absl::StatusOr<std::optional<StoryCursor>> after =
      tokens_.Decode(request.page_token, request.filter);
  if (!after.ok()) return after.status();
  absl::StatusOr<std::vector<ArchivedStory>> events =
      store_.Search(request.filter, *after, *page_size + 1);
  if (!events.ok()) return events.status();
  SearchPage page{.events = *std::move(events)};
  if (static_cast<int>(page.events.size()) > *page_size) {
    page.events.resize(*page_size);
    page.next_page_token = tokens_.Encode(page.events.back().cursor(), request.filter);
  }
  return page;
}

absl::StatusOr<ArchivedStory> ArchiveSearch::Get(const std::string& account,
                                                 int64_t event_id) const {
  if (account.empty()) return absl::InvalidArgumentError("account: required");
  if (event_id <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("event_id: must be positive, got ", event_id));
  }
  absl::StatusOr<std::optional<ArchivedStory>> story = store_.Get(account, event_id);
  if (!story.ok()) return story.status();
  if (!*story) {
    return absl::NotFoundError(
        absl::StrCat("account '", account, "' archived no event ", event_id));
  }
  (*story)->timeline = StoryTimeline(**story);
  return **std::move(story);
}

}  // namespace mc::control
