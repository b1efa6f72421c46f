// SPDX-License-Identifier: Apache-2.0
#include "logging.h"

namespace confab::server {

Q_LOGGING_CATEGORY(lcNet, "confab.net")
Q_LOGGING_CATEGORY(lcHub, "confab.hub")
Q_LOGGING_CATEGORY(lcAuth, "confab.auth")
Q_LOGGING_CATEGORY(lcPresence, "confab.presence")
Q_LOGGING_CATEGORY(lcRouter, "confab.router")

} // namespace confab::server
