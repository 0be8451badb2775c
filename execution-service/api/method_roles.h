// ExecutionMethodRoles: the one table of who may call what on an execution instance, every
// method of every service it serves -> the roles allowed (see common/grpc/call_gate.h). The
// call gate enforces it before any handler runs; a method missing here is not served. The
// README's Security table says the same in words. Pure.
#pragma once

#include "common/grpc/call_gate.h"

namespace mc::execution {

grpcutil::MethodRoles ExecutionMethodRoles();

}  // namespace mc::execution
