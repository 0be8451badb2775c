// The execution instance's versioned schema (files NNNN_name.sql in this folder).
#pragma once

#include <vector>

#include "common/pg/migrator.h"

namespace mc::execution {
const std::vector<pg::Migration>& Migrations();
}  // namespace mc::execution
