// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QLoggingCategory>

// The store's one logging category ("confab.store"). Messages never carry tokens or hashes.
namespace confab::store {
Q_DECLARE_LOGGING_CATEGORY(lcStore)
}
