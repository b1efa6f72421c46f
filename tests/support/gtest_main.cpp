// SPDX-License-Identifier: Apache-2.0
// The main() of every GoogleTest binary: Qt needs its application object before anything
// touches sockets, timers or the event loop. Built as confab_gtest_main_server, it first
// installs the event dispatcher confabd runs on, so in-process server tests run on it too.

#include <QCoreApplication>
#include <gtest/gtest.h>

#ifdef CONFAB_GTEST_SERVER_DISPATCHER
#include "epolleventdispatcher.h"
#endif

int main(int argc, char **argv)
{
#ifdef CONFAB_GTEST_SERVER_DISPATCHER
    if (QAbstractEventDispatcher *dispatcher =
            confab::server::EpollEventDispatcher::createForServer())
        QCoreApplication::setEventDispatcher(dispatcher);
#endif
    QCoreApplication app(argc, argv);
    testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
