// The control instance's versioned schema (files NNNN_name.sql in this folder).
#pragma once

#include <vector>

#include "common/pg/migrator.h"

namespace mc::control {
const std::vector<pg::Migration>& Migrations();
}  // namespace mc::control
