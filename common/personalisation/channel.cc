#include "common/personalisation/channel.h"

namespace mc::personalisation {

bool IsKnownChannel(int value) { return value == 0 || value == 1 || value == 41 || value == 42; }

}  // namespace mc::personalisation
