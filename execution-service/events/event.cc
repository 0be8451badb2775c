#include "execution-service/events/event.h"

namespace mc::execution {

absl::string_view StatusLabel(EventStatus s) {
  switch (s) {
    case EventStatus::kPending:
      return "Pending";
    case EventStatus::kPendingDelivery:
      return "Pending delivery";
    case EventStatus::kSent:
      return "Sent";
    case EventStatus::kIgnoredByDelivery:
      return "Ignored by the delivery";
    case EventStatus::kDeliveryFailed:
      return "Delivery failed";
    case EventStatus::kNotTakenIntoAccount:
      return "Event not taken into account";
    case EventStatus::kExpired:
      return "Expired";
    case EventStatus::kCancelled:
      return "Cancelled";
  }
  return "Unknown";
}

}  // namespace mc::execution
