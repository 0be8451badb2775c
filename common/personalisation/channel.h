// Channel: the channels a message goes out by (DOMAIN.md sections 3 and 5), with their stable
// numbers (the API's messagecenter.v1.Channel). Both services share them: an event wishes one,
// a template is written for one. Plain values and a pure function: thread-safe.
#pragma once

namespace mc::personalisation {

enum class Channel { kEmail = 0, kSms = 1, kIos = 41, kAndroid = 42 };

// Whether `value` is one of Channel's numbers.
bool IsKnownChannel(int value);

}  // namespace mc::personalisation
