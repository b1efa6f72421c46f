// SPDX-License-Identifier: Apache-2.0
// Hostile clients against the real confabd: session.

#include "daemonfixture.h"

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {} // namespace
