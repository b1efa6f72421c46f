// SPDX-License-Identifier: Apache-2.0
#include "avahiqtpoll.h"

#include <QSocketNotifier>
#include <QTimer>

#include <avahi-common/timeval.h>

#include <algorithm>
#include <memory>
#include <type_traits>

// The opaque types avahi-common/watch.h declares: ours to define.
struct AvahiWatch
{
    int fd = -1;
    AvahiWatchEvent lastEvent = AvahiWatchEvent(0);
    AvahiWatchCallback callback = nullptr;
    void *userdata = nullptr;
    std::unique_ptr<QSocketNotifier> reader;
    std::unique_ptr<QSocketNotifier> writer;
};

struct AvahiTimeout
{
    AvahiTimeoutCallback callback = nullptr;
    void *userdata = nullptr;
    std::unique_ptr<QTimer> timer;
};

namespace confab::client {
namespace {

/// A notifier or timer may be freed by the very callback it is delivering: stop it now and
/// let the event loop delete it after its signal has returned.
template <typename T> void retire(std::unique_ptr<T> &object)
{
    if (!object)
        return;
    object->disconnect();
    if constexpr (std::is_same_v<T, QSocketNotifier>)
        object->setEnabled(false);
    else
        object->stop();
    object.release()->deleteLater();
}

void dispatch(AvahiWatch *w, AvahiWatchEvent event)
{
    w->lastEvent = event;
    // Nothing may touch w after this call: the callback may have freed it.
    w->callback(w, w->fd, event, w->userdata);
}

void watchUpdate(AvahiWatch *w, AvahiWatchEvent events)
{
    w->reader->setEnabled(events & (AVAHI_WATCH_IN | AVAHI_WATCH_HUP | AVAHI_WATCH_ERR));
    w->writer->setEnabled(events & AVAHI_WATCH_OUT);
}

AvahiWatch *watchNew(const AvahiPoll *, int fd, AvahiWatchEvent events, AvahiWatchCallback callback,
                     void *userdata)
{
    auto *w = new AvahiWatch;
    w->fd = fd;
    w->callback = callback;
    w->userdata = userdata;
    // A hang-up or error reads as readable: the reader reports it as input, and the D-Bus
    // glue then sees the end of the stream on its read.
    w->reader = std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Read);
    w->writer = std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Write);
    QObject::connect(w->reader.get(), &QSocketNotifier::activated, w->reader.get(),
                     [w] { dispatch(w, AVAHI_WATCH_IN); });
    QObject::connect(w->writer.get(), &QSocketNotifier::activated, w->writer.get(),
                     [w] { dispatch(w, AVAHI_WATCH_OUT); });
    watchUpdate(w, events);
    return w;
}

AvahiWatchEvent watchGetEvents(AvahiWatch *w)
{
    return w->lastEvent;
}

void watchFree(AvahiWatch *w)
{
    retire(w->reader);
    retire(w->writer);
    delete w;
}

void timeoutUpdate(AvahiTimeout *t, const struct timeval *tv)
{
    if (!tv) {
        t->timer->stop();
        return;
    }
    // tv is an absolute wall-clock time; avahi_age() is negative while it lies ahead.
    const AvahiUsec ahead = -avahi_age(tv);
    const auto ms = std::clamp<AvahiUsec>((ahead + 999) / 1000, 0, 24 * 3600 * 1000);
    t->timer->start(int(ms));
}

AvahiTimeout *timeoutNew(const AvahiPoll *, const struct timeval *tv, AvahiTimeoutCallback callback,
                         void *userdata)
{
    auto *t = new AvahiTimeout;
    t->callback = callback;
    t->userdata = userdata;
    t->timer = std::make_unique<QTimer>();
    t->timer->setSingleShot(true);
    QObject::connect(t->timer.get(), &QTimer::timeout, t->timer.get(),
                     [t] { t->callback(t, t->userdata); });
    timeoutUpdate(t, tv);
    return t;
}

void timeoutFree(AvahiTimeout *t)
{
    retire(t->timer);
    delete t;
}

} // namespace

AvahiQtPoll::AvahiQtPoll()
{
    m_poll.userdata = this;
    m_poll.watch_new = watchNew;
    m_poll.watch_update = watchUpdate;
    m_poll.watch_get_events = watchGetEvents;
    m_poll.watch_free = watchFree;
    m_poll.timeout_new = timeoutNew;
    m_poll.timeout_update = timeoutUpdate;
    m_poll.timeout_free = timeoutFree;
}

} // namespace confab::client
