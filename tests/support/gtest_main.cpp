// SPDX-License-Identifier: Apache-2.0
// The main() of every GoogleTest binary: Qt needs its application object before anything
// touches sockets, timers or the event loop.

#include <QCoreApplication>
#include <gtest/gtest.h>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
