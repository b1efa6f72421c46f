// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QLoggingCategory>

namespace confab::server {

Q_DECLARE_LOGGING_CATEGORY(lcNet)      // confab.net: connections, transport
Q_DECLARE_LOGGING_CATEGORY(lcHub)      // confab.hub: subscriptions, fan-out
Q_DECLARE_LOGGING_CATEGORY(lcAuth)     // confab.auth: sign-in (never secrets)
Q_DECLARE_LOGGING_CATEGORY(lcPresence) // confab.presence: presence and typing
Q_DECLARE_LOGGING_CATEGORY(lcRouter)   // confab.router: requests and errors

} // namespace confab::server
