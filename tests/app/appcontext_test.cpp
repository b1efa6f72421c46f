// SPDX-License-Identifier: Apache-2.0
// The app's unread total and window title (AppContext) follow the sidebar live, and the tray
// says and draws the total. Runs with a QGuiApplication (offscreen) of its own: icons need it.

#include "appcontext.h"
#include "apptray.h"

#include "channellistmodel.h"
#include "channelsync.h"
#include "chatclient.h"
#include "clientdevices.h"
#include "confabprocess.h"
#include "messagecache.h"

#include <QGuiApplication>
#include <QImage>
#include <QQmlEngine>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace Qt::StringLiterals;
using namespace confab;
using confab::client::ChannelListModel;
using confab::desktop::AppTray;
using confab::ui::AppContext;

namespace {

Message message(const QString &channel, const QString &from, qint64 seq)
{
    Message m;
    m.channel = channel;
    m.from = from;
    m.seq = seq;
    m.text = u"hi"_s;
    return m;
}

TEST(AppContextUnread, TotalAndTitleFollowTheSidebar)
{
    QTemporaryDir dataDir;
    ASSERT_TRUE(dataDir.isValid());
    ui::LaunchOptions options;
    options.dataDir = dataDir.path();
    AppContext::setLaunchOptions(options);
    QQmlEngine engine;
    AppContext *context = AppContext::create(&engine, nullptr);
    EXPECT_EQ(context->unreadTotal(), 0);
    EXPECT_EQ(context->windowTitle(), u"Confab"_s);

    QSignalSpy total(context, &AppContext::unreadTotalChanged);
    QSignalSpy title(context, &AppContext::windowTitleChanged);
    ChannelListModel *channels = context->engine()->channelListModel();
    channels->upsert(u"general"_s, {});
    channels->upsert(u"random"_s, {});
    channels->setUnread(u"general"_s, 2, false);
    EXPECT_EQ(context->unreadTotal(), 2);
    channels->messageArrived(message(u"random"_s, u"bob"_s, 7), true, false);
    EXPECT_EQ(context->unreadTotal(), 3);
    EXPECT_EQ(total.size(), 2);
    EXPECT_GE(title.size(), 2);
    EXPECT_EQ(context->windowTitle(), u"(3) Confab"_s);
    EXPECT_EQ(context->tray()->unreadTotal(), 3);
    EXPECT_EQ(context->tray()->toolTip(), u"Confab: 3 unread"_s);

    channels->messageArrived(message(u"random"_s, u"bob"_s, 8), false, false); // read: no change
    EXPECT_EQ(total.size(), 2);
    channels->markRead(u"general"_s);
    EXPECT_EQ(context->unreadTotal(), 1);
    channels->remove(u"random"_s);
    EXPECT_EQ(context->unreadTotal(), 0);
    EXPECT_EQ(context->windowTitle(), u"Confab"_s);
    EXPECT_EQ(context->tray()->toolTip(), u"Confab"_s);
    delete context;
}

TEST(AppContextUnread, WindowFocusIsKept)
{
    QTemporaryDir dataDir;
    ASSERT_TRUE(dataDir.isValid());
    ui::LaunchOptions options;
    options.dataDir = dataDir.path();
    AppContext::setLaunchOptions(options);
    QQmlEngine engine;
    AppContext *context = AppContext::create(&engine, nullptr);
    EXPECT_TRUE(context->isWindowActive());
    QSignalSpy changed(context, &AppContext::windowActiveChanged);
    context->setWindowActive(false);
    context->setWindowActive(false);
    EXPECT_FALSE(context->isWindowActive());
    EXPECT_EQ(changed.size(), 1);
    EXPECT_TRUE(context->mentionsMe(u"nobody signed in: @"_s) == false);
    delete context;
}

TEST(AppContextUnread, AClickedNotificationOpensItsConversation)
{
    QTemporaryDir dataDir;
    ASSERT_TRUE(dataDir.isValid());
    ui::LaunchOptions options;
    options.dataDir = dataDir.path();
    AppContext::setLaunchOptions(options);
    QQmlEngine engine;
    AppContext *context = AppContext::create(&engine, nullptr);
    context->engine()->channelListModel()->upsert(u"general"_s, {});
    context->engine()->channelListModel()->upsert(u"dm:alice:bob"_s, {});
    QSignalSpy raise(context, &AppContext::raiseRequested);
    context->openFromNotification(u"dm:alice:bob"_s);
    EXPECT_EQ(context->currentChannel(), u"dm:alice:bob"_s);
    EXPECT_EQ(raise.size(), 1);
    context->openFromNotification(u"gone"_s); // left meanwhile: the window still comes
    EXPECT_EQ(context->currentChannel(), u"dm:alice:bob"_s);
    EXPECT_EQ(raise.size(), 2);
    delete context;
}

// Against the real confabd: a message in the channel on screen counts as unread while the
// window is not focused (and shows in the title), and is read once it is.
TEST(AppContextUnread, TheChannelOnScreenIsReadOnlyWhileTheWindowIsFocused)
{
    QTemporaryDir serverDir, dataDir;
    ASSERT_TRUE(serverDir.isValid() && dataDir.isValid());
    const QString password = u"password1"_s;
    for (const QString &user : {u"alice"_s, u"bob"_s}) {
        QString output;
        ASSERT_EQ(confab::test::runConfabctl({u"--data"_s, serverDir.path(), u"user"_s, u"add"_s,
                                              user, u"--password-stdin"_s},
                                             password.toUtf8() + '\n', &output),
                  0)
            << output.toStdString();
    }
    confab::test::ConfabdProcess server(serverDir.path());
    QString error;
    ASSERT_TRUE(server.start(0, &error)) << error.toStdString();

    ui::LaunchOptions options;
    options.dataDir = dataDir.path();
    options.serverUrl = server.url();
    options.user = u"alice"_s;
    options.password = password;
    AppContext::setLaunchOptions(options);
    QQmlEngine engine;
    AppContext *context = AppContext::create(&engine, nullptr);
    ASSERT_TRUE(client::test::waitOnline(*context->engine()));
    ASSERT_TRUE(client::test::waitUntil([&] { return context->currentChannel() == u"general"_s; }));
    EXPECT_EQ(context->windowTitle(), u"#general — Confab"_s);

    client::test::ClientDevices devices;
    auto bob = devices.signedIn(server.url(), u"bob"_s, password);
    ASSERT_TRUE(
        client::test::waitUntil([&] { return bob->channelSync()->isJoined(u"general"_s); }));
    context->setWindowActive(false);
    bob->sendMessage(u"general"_s, u"anyone?"_s);
    ASSERT_TRUE(client::test::waitUntil([&] { return context->unreadTotal() == 1; }));
    EXPECT_EQ(context->windowTitle(), u"(1) #general — Confab"_s);

    context->setWindowActive(true);
    context->markRead(); // what the window does when it gets the focus (Main.qml)
    EXPECT_EQ(context->unreadTotal(), 0);
    bob->sendMessage(u"general"_s, u"hello?"_s);
    ASSERT_TRUE(client::test::waitUntil([&] {
        return context->engine()->cache()->last(u"general"_s).value_or(Message{}).text ==
               u"hello?"_s;
    }));
    EXPECT_EQ(context->unreadTotal(), 0) << "read at once while focused";
    EXPECT_EQ(context->windowTitle(), u"#general — Confab"_s);
    delete context;
}

TEST(AppTray, SaysAndDrawsTheUnreadTotal)
{
    AppTray tray;
    EXPECT_EQ(tray.toolTip(), u"Confab"_s);
    tray.setUnreadTotal(1);
    EXPECT_EQ(tray.toolTip(), u"Confab: 1 unread"_s);
    tray.setNote(u"Hosting a server"_s);
    EXPECT_EQ(tray.toolTip(), u"Confab: 1 unread\nHosting a server"_s);
    tray.setUnreadTotal(-4);
    EXPECT_EQ(tray.unreadTotal(), 0);

    // The badge: red in the top right corner only when there is something unread.
    const auto corner = [](const QIcon &icon) {
        return icon.pixmap(64, 64).toImage().pixelColor(34, 18); // in the badge, beside the digit
    };
    EXPECT_EQ(corner(AppTray::iconWithCount(0)), corner(AppTray::appIcon()));
    const QColor badge = corner(AppTray::iconWithCount(3));
    EXPECT_GT(badge.red(), 200);
    EXPECT_LT(badge.green(), 100);
    EXPECT_NE(AppTray::iconWithCount(3).pixmap(64, 64).toImage(),
              AppTray::iconWithCount(120).pixmap(64, 64).toImage());
}

} // namespace

int main(int argc, char **argv)
{
    // No window is shown: offscreen wherever it runs (also when ctest lists the tests), and
    // never the desktop's session bus.
    qputenv("QT_QPA_PLATFORM", "offscreen");
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/confab-test-bus");
    QGuiApplication app(argc, argv);
    testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
