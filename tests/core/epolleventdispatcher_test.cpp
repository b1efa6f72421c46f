// SPDX-License-Identifier: Apache-2.0
// confabd's epoll event dispatcher. This binary's main() installs it (as confabd's does),
// so QTimer, QSocketNotifier, posted events and QEventLoop below all run on it; the
// server's integration tests run on it as well.

#include "epolleventdispatcher.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QPointer>
#include <QSignalSpy>
#include <QSocketNotifier>
#include <QTest>
#include <QThread>
#include <QTimer>
#include <gtest/gtest.h>

#include <memory>
#include <sys/socket.h>
#include <unistd.h>

using confab::server::EpollEventDispatcher;

namespace {

/// A connected pair of Unix stream sockets, closed at the end of the test.
struct SocketPair
{
    int fds[2] = {-1, -1};
    SocketPair() { EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0); }
    ~SocketPair()
    {
        for (int fd : fds) {
            if (fd >= 0)
                ::close(fd);
        }
    }
    void send(int end = 1) { ASSERT_EQ(::write(fds[end], "x", 1), 1); }
    void drain(int end = 0)
    {
        char buffer[64];
        while (::read(fds[end], buffer, sizeof buffer) > 0) {
        }
    }
};

class EpollEventDispatcherTest : public testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(qobject_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance()))
            << "main() did not install the epoll dispatcher: these tests would test Qt's";
    }
};

TEST_F(EpollEventDispatcherTest, SingleShotTimerFiresOnceAndNotEarly)
{
    QTimer timer;
    timer.setSingleShot(true);
    timer.setTimerType(Qt::PreciseTimer);
    QSignalSpy fired(&timer, &QTimer::timeout);
    QElapsedTimer clock;
    clock.start();
    timer.start(30);
    ASSERT_TRUE(fired.wait(5000));
    EXPECT_GE(clock.elapsed(), 30);
    EXPECT_FALSE(timer.isActive());
    // A repeating timer started after it fires many times while this one stays quiet.
    QTimer ticker;
    QSignalSpy ticks(&ticker, &QTimer::timeout);
    ticker.start(5);
    ASSERT_TRUE(QTest::qWaitFor([&] { return ticks.size() >= 5; }, 5000));
    EXPECT_EQ(fired.size(), 1);
}

TEST_F(EpollEventDispatcherTest, TimersFireInDueOrder)
{
    QList<int> order;
    QTimer late, early, middle;
    for (auto [timer, ms, tag] : {std::tuple{&late, 60, 3}, {&early, 10, 1}, {&middle, 30, 2}}) {
        timer->setSingleShot(true);
        QObject::connect(timer, &QTimer::timeout, [&order, tag = tag] { order.append(tag); });
        timer->start(ms);
    }
    ASSERT_TRUE(QTest::qWaitFor([&] { return order.size() == 3; }, 5000));
    EXPECT_EQ(order, (QList<int>{1, 2, 3}));
}

TEST_F(EpollEventDispatcherTest, TimerKilledInItsOwnHandlerStops)
{
    QTimer timer;
    int count = 0;
    QObject::connect(&timer, &QTimer::timeout, [&] {
        if (++count == 3)
            timer.stop();
    });
    QTimer later; // proof that the loop went on long after the third tick
    later.setSingleShot(true);
    QSignalSpy laterFired(&later, &QTimer::timeout);
    timer.start(1);
    ASSERT_TRUE(QTest::qWaitFor([&] { return count == 3; }, 5000));
    later.start(30);
    ASSERT_TRUE(laterFired.wait(5000));
    EXPECT_EQ(count, 3);
}

TEST_F(EpollEventDispatcherTest, ObjectDeletedByItsOwnTimerEventIsSafe)
{
    auto *timer = new QTimer;
    QPointer<QTimer> guard(timer);
    QObject::connect(timer, &QTimer::timeout, [timer] { delete timer; });
    QTimer other; // due in the same turn as the deleted one
    QSignalSpy otherFired(&other, &QTimer::timeout);
    timer->start(10);
    other.start(10);
    ASSERT_TRUE(otherFired.wait(5000));
    ASSERT_TRUE(QTest::qWaitFor([&] { return guard.isNull(); }, 5000));
}

TEST_F(EpollEventDispatcherTest, RemainingTimeAndRegisteredTimers)
{
    QObject owner;
    const int id = owner.startTimer(10000);
    auto *dispatcher = QAbstractEventDispatcher::instance();
    const int left = dispatcher->remainingTime(id);
    EXPECT_GT(left, 9000);
    EXPECT_LE(left, 10000);
    const auto timers = dispatcher->registeredTimers(&owner);
    ASSERT_EQ(timers.size(), 1);
    EXPECT_EQ(timers[0].timerId, id);
    EXPECT_EQ(timers[0].interval, 10000);
    owner.killTimer(id);
    EXPECT_EQ(dispatcher->remainingTime(id), -1);
    EXPECT_TRUE(dispatcher->registeredTimers(&owner).isEmpty());
}

TEST_F(EpollEventDispatcherTest, ZeroTimerDoesNotStarveSockets)
{
    QTimer busy; // fires every turn
    int spins = 0;
    QObject::connect(&busy, &QTimer::timeout, [&] { ++spins; });
    busy.start(0);
    SocketPair pair;
    QSocketNotifier notifier(pair.fds[0], QSocketNotifier::Read);
    QSignalSpy readable(&notifier, &QSocketNotifier::activated);
    pair.send();
    ASSERT_TRUE(readable.wait(5000));
    EXPECT_GT(spins, 0);
}

TEST_F(EpollEventDispatcherTest, ReadNotifierFollowsDataAndEnabledState)
{
    SocketPair a, b;
    QSocketNotifier notifierA(a.fds[0], QSocketNotifier::Read);
    QSocketNotifier notifierB(b.fds[0], QSocketNotifier::Read);
    int activationsA = 0;
    QObject::connect(&notifierA, &QSocketNotifier::activated, [&] {
        ++activationsA;
        a.drain();
    });
    QSignalSpy readableB(&notifierB, &QSocketNotifier::activated);
    QObject::connect(&notifierB, &QSocketNotifier::activated, [&] { b.drain(); });

    a.send();
    ASSERT_TRUE(QTest::qWaitFor([&] { return activationsA == 1; }, 5000));
    // Drained: level-triggered, so no more activations until new data.
    notifierA.setEnabled(false);
    a.send();
    b.send();
    ASSERT_TRUE(readableB.wait(5000)); // both were ready in the same turn
    EXPECT_EQ(activationsA, 1);
    notifierA.setEnabled(true);
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return activationsA == 2; }, 5000)); // the data sent while disabled
}

TEST_F(EpollEventDispatcherTest, ReadAndWriteNotifiersShareADescriptor)
{
    SocketPair pair;
    QSocketNotifier reader(pair.fds[0], QSocketNotifier::Read);
    auto writer = std::make_unique<QSocketNotifier>(pair.fds[0], QSocketNotifier::Write);
    QSignalSpy writable(writer.get(), &QSocketNotifier::activated);
    ASSERT_TRUE(writable.wait(5000)); // an empty send buffer is writable at once
    writer.reset();                   // dropping one type keeps the other watched
    QSignalSpy readable(&reader, &QSocketNotifier::activated);
    pair.send();
    ASSERT_TRUE(readable.wait(5000));
}

TEST_F(EpollEventDispatcherTest, NotifierDeletedByAnotherInTheSameTurnIsNotActivated)
{
    SocketPair a, b;
    auto *notifierA = new QSocketNotifier(a.fds[0], QSocketNotifier::Read);
    auto *notifierB = new QSocketNotifier(b.fds[0], QSocketNotifier::Read);
    QPointer<QSocketNotifier> guardA(notifierA), guardB(notifierB);
    int activations = 0;
    // Whichever comes first deletes the other, so exactly one runs.
    QObject::connect(notifierA, &QSocketNotifier::activated, [&] {
        ++activations;
        delete guardB.data();
        a.drain();
    });
    QObject::connect(notifierB, &QSocketNotifier::activated, [&] {
        ++activations;
        delete guardA.data();
        b.drain();
    });
    a.send();
    b.send();
    ASSERT_TRUE(QTest::qWaitFor([&] { return activations == 1; }, 5000));
    QTimer later;
    later.setSingleShot(true);
    QSignalSpy laterFired(&later, &QTimer::timeout);
    later.start(20);
    ASSERT_TRUE(laterFired.wait(5000));
    EXPECT_EQ(activations, 1);
    EXPECT_NE(guardA.isNull(), guardB.isNull());
    delete guardA.data();
    delete guardB.data();
}

TEST_F(EpollEventDispatcherTest, HangUpWakesTheReadNotifier)
{
    SocketPair pair;
    QSocketNotifier reader(pair.fds[0], QSocketNotifier::Read);
    QSignalSpy readable(&reader, &QSocketNotifier::activated);
    ::close(pair.fds[1]);
    pair.fds[1] = -1;
    ASSERT_TRUE(readable.wait(5000));
    char byte;
    EXPECT_EQ(::read(pair.fds[0], &byte, 1), 0); // end of stream
}

TEST_F(EpollEventDispatcherTest, EventPostedFromAnotherThreadWakesTheLoop)
{
    QObject receiver;
    QEventLoop loop;
    bool delivered = false;
    std::unique_ptr<QThread> poster(QThread::create([&] {
        QMetaObject::invokeMethod(
            &receiver,
            [&] {
                delivered = true;
                loop.quit();
            },
            Qt::QueuedConnection);
    }));
    QTimer guard; // fails the test instead of hanging it
    guard.setSingleShot(true);
    QObject::connect(&guard, &QTimer::timeout, &loop, [&] { loop.exit(1); });
    guard.start(5000);
    poster->start();
    EXPECT_EQ(loop.exec(), 0); // blocked in epoll_wait with no timer due before the guard
    EXPECT_TRUE(delivered);
    poster->wait();
}

TEST_F(EpollEventDispatcherTest, NestedLoopExitsAndOuterTimerIsNotReentered)
{
    QTimer outer;
    int entered = 0;
    int maxDepth = 0;
    int depth = 0;
    QObject::connect(&outer, &QTimer::timeout, [&] {
        ++entered;
        ++depth;
        maxDepth = std::max(maxDepth, depth);
        if (entered == 1) {
            QEventLoop nested; // runs while `outer` is due again several times
            QTimer::singleShot(30, &nested, &QEventLoop::quit);
            nested.exec();
        }
        --depth;
    });
    outer.start(2);
    ASSERT_TRUE(QTest::qWaitFor([&] { return entered >= 3; }, 5000));
    EXPECT_EQ(maxDepth, 1);
}

} // namespace
