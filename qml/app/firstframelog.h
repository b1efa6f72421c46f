// SPDX-License-Identifier: Apache-2.0
#pragma once

// For the desktop benchmarks (tests/bench/app): when CONFAB_FIRST_FRAME_LOG is set, the app
// prints to standard error, once each, the CLOCK_MONOTONIC time in nanoseconds of the window's
// first frame and of its first frame whose message list shows messages:
//   confab-first-frame <ns>
//   confab-first-messages-frame <ns>
// A launcher on the same machine subtracts its own clock reading taken before it started the
// process. Nothing happens when the variable is unset. Like CONFAB_UI_STATE_LOG: a window for
// measurement, nothing more.

class QQuickWindow;

namespace confab::ui {

void installFirstFrameLogIfAsked(QQuickWindow *window);

} // namespace confab::ui
