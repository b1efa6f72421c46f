// SPDX-License-Identifier: Apache-2.0
// Local network discovery (DNS-SD through Avahi): without a daemon nothing blocks and both
// sides say discovery is unavailable; against a private avahi-daemon (tests/support
// AvahiSandbox) a service announced here or by another process is listed within 5 s with
// its TXT values, disappears when withdrawn, and is announced again after the daemon
// restarts. Where avahi-daemon cannot run, those tests are skipped and say why.

#include "avahisandbox.h"

#include "discoveredserversmodel.h"
#include "serviceannouncer.h"
#include "servicebrowser.h"

#include <QAbstractItemModelTester>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>

#include <gtest/gtest.h>

#include <cstdio>
#include <optional>

using namespace Qt::StringLiterals;
using namespace confab::client;
using Role = DiscoveredServersModel::Role;

namespace {

constexpr int discoveryTimeoutMs = 5000;
const QString fingerprint = u"AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:"
                            "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"_s;

/// A service name no other run (parallel ctest, another machine on the link) uses.
QString uniqueName(const QString &what)
{
    return u"Confab test %1 %2-%3"_s.arg(what)
        .arg(QCoreApplication::applicationPid())
        .arg(QRandomGenerator::global()->generate() % 100000);
}

/// The model's row whose name is `name`, or -1.
int rowNamed(const QAbstractItemModel &model, const QString &name)
{
    for (int row = 0; row < model.rowCount(); ++row) {
        if (model.index(row, 0).data(Role::NameRole).toString() == name)
            return row;
    }
    return -1;
}

/// A private bus and avahi-daemon per test; skips (saying why) where they cannot run.
class AvahiDiscoveryTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        confab::test::AvahiSandbox::usePrivateSystemBus();
        if (!m_sandbox.start()) {
            const QString why = u"discovery NOT exercised: "_s + m_sandbox.whyNot();
            std::fprintf(stderr, "%s\n", qPrintable(why));
            GTEST_SKIP() << qPrintable(why);
        }
    }
    void TearDown() override { m_sandbox.stop(); }

    confab::test::AvahiSandbox m_sandbox;
};

} // namespace

TEST(DiscoveryWithoutDaemon, AnnouncerAndBrowserSayUnavailableAndDoNotBlock)
{
    // Nothing listens there between sandboxes: no system bus at all.
    confab::test::AvahiSandbox::usePrivateSystemBus();

    QElapsedTimer clock;
    clock.start();
    ServiceAnnouncer announcer;
    announcer.announce({u"Nobody hears this"_s, 8765, true, fingerprint});
    DiscoveredServersModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.start();
    EXPECT_LT(clock.elapsed(), 1000) << "making and starting them must not wait";

    EXPECT_FALSE(announcer.available());
    EXPECT_FALSE(announcer.isAnnounced());
    EXPECT_TRUE(announcer.errorString().startsWith(u"Discovery is unavailable: "_s))
        << qPrintable(announcer.errorString());
    EXPECT_FALSE(model.available());
    EXPECT_TRUE(model.statusText().startsWith(u"Discovery is unavailable: "_s))
        << qPrintable(model.statusText());
    EXPECT_EQ(model.rowCount(), 0);

    // Whatever Avahi queued runs without harm; withdrawing or stopping is harmless too.
    QCoreApplication::processEvents();
    announcer.withdraw();
    model.stop();
    EXPECT_EQ(model.statusText(), QString());
}

TEST_F(AvahiDiscoveryTest, AnnouncedServiceIsListedWithItsRecordsAndWithdrawn)
{
    const QString name = uniqueName(u"announce"_s);
    ServiceAnnouncer announcer;
    DiscoveredServersModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);

    model.start();
    ASSERT_TRUE(QTest::qWaitFor([&] { return model.available(); }, discoveryTimeoutMs))
        << qPrintable(model.statusText());
    EXPECT_EQ(model.statusText(), u"Looking for servers…"_s);

    announcer.announce({name, 48765, true, fingerprint});
    ASSERT_TRUE(QTest::qWaitFor([&] { return rowNamed(model, name) >= 0; }, discoveryTimeoutMs))
        << "not listed within 5 s; avahi-daemon said:\n"
        << qPrintable(m_sandbox.avahiOutput());
    EXPECT_TRUE(announcer.available());
    EXPECT_TRUE(QTest::qWaitFor([&] { return announcer.isAnnounced(); }, discoveryTimeoutMs));
    EXPECT_EQ(announcer.announcedName(), name);

    const QModelIndex row = model.index(rowNamed(model, name), 0);
    const QString address = row.data(Role::AddressRole).toString();
    EXPECT_FALSE(address.isEmpty());
    EXPECT_FALSE(address.contains(u':')) << "an IPv4 address: " << qPrintable(address);
    EXPECT_TRUE(row.data(Role::HostRole).toString().endsWith(u".local"_s))
        << qPrintable(row.data(Role::HostRole).toString());
    EXPECT_EQ(row.data(Role::PortRole).toInt(), 48765);
    EXPECT_TRUE(row.data(Role::EncryptedRole).toBool());
    EXPECT_EQ(row.data(Role::FingerprintRole).toString(), fingerprint);
    EXPECT_EQ(row.data(Role::UrlRole).toString(), u"wss://%1:48765/ws"_s.arg(address));
    std::printf("discovery exercised: %s at %s\n", qPrintable(name),
                qPrintable(row.data(Role::UrlRole).toString()));

    announcer.withdraw();
    EXPECT_TRUE(QTest::qWaitFor([&] { return rowNamed(model, name) < 0; }, discoveryTimeoutMs));
}

TEST_F(AvahiDiscoveryTest, PlainServiceGetsAWsUrlAndRawTxtValues)
{
    const QString name = uniqueName(u"plain"_s);
    ServiceAnnouncer announcer;
    ServiceBrowser browser;
    std::optional<DiscoveredServer> found;
    QObject::connect(&browser, &ServiceBrowser::serverFound, [&](const DiscoveredServer &s) {
        if (s.serviceName == name)
            found = s;
    });
    browser.start();
    announcer.announce({name, 48766, false, {}});
    ASSERT_TRUE(QTest::qWaitFor([&] { return found.has_value(); }, discoveryTimeoutMs));
    EXPECT_EQ(found->name, name);
    EXPECT_FALSE(found->encrypted);
    EXPECT_TRUE(found->fingerprint.isEmpty());
    EXPECT_EQ(found->protocolVersion, 1);
    EXPECT_TRUE(found->local);
    EXPECT_EQ(found->url.toString(), u"ws://%1:48766/ws"_s.arg(found->address));
}

TEST_F(AvahiDiscoveryTest, NameCollisionTakesAnAlternativeName)
{
    const QString name = uniqueName(u"collide"_s);
    ServiceAnnouncer first;
    ServiceAnnouncer second;
    first.announce({name, 48767, false, {}});
    ASSERT_TRUE(QTest::qWaitFor([&] { return first.isAnnounced(); }, discoveryTimeoutMs));
    second.announce({name, 48768, false, {}});
    ASSERT_TRUE(QTest::qWaitFor([&] { return second.isAnnounced(); }, discoveryTimeoutMs))
        << qPrintable(second.errorString());
    EXPECT_EQ(first.announcedName(), name);
    EXPECT_EQ(second.announcedName(), name + u" #2"_s);
}

TEST_F(AvahiDiscoveryTest, DaemonRestartMakesBothSidesWaitAndThenComeBack)
{
    const QString name = uniqueName(u"restart"_s);
    ServiceAnnouncer announcer;
    DiscoveredServersModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.start();
    announcer.announce({name, 48769, false, {}});
    ASSERT_TRUE(QTest::qWaitFor([&] { return rowNamed(model, name) >= 0; }, discoveryTimeoutMs));

    m_sandbox.stopAvahi();
    ASSERT_TRUE(QTest::qWaitFor([&] { return !model.available() && !announcer.available(); },
                                discoveryTimeoutMs));
    EXPECT_EQ(model.rowCount(), 0) << "what the daemon told us is gone with it";
    // Connected again to the bus, waiting for the daemon.
    const QString waiting = u"Discovery is unavailable: the Avahi daemon is not running"_s;
    EXPECT_TRUE(QTest::qWaitFor([&] { return model.statusText() == waiting; }, discoveryTimeoutMs))
        << qPrintable(model.statusText());
    EXPECT_EQ(announcer.errorString(), waiting);

    ASSERT_TRUE(m_sandbox.startAvahi()) << qPrintable(m_sandbox.whyNot());
    EXPECT_TRUE(QTest::qWaitFor([&] { return rowNamed(model, name) >= 0; }, 2 * discoveryTimeoutMs))
        << "not announced again after the restart";
    EXPECT_TRUE(announcer.available());
}

TEST_F(AvahiDiscoveryTest, ProbeProcessAnnouncesAndThisProcessListsIt)
{
    const QString name = uniqueName(u"probe"_s);
    DiscoveredServersModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.start();

    QProcess probe;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"DBUS_SYSTEM_BUS_ADDRESS"_s, m_sandbox.busAddress());
    probe.setProcessEnvironment(env);
    probe.start(QStringLiteral(DISCOVERY_PROBE_PATH),
                {u"--announce"_s, name, u"48770"_s, u"--tls"_s, fingerprint});
    ASSERT_TRUE(probe.waitForStarted(5000));
    QByteArray probeOutput;
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            probeOutput += probe.readAllStandardOutput();
            return probeOutput.contains("announced ");
        },
        discoveryTimeoutMs))
        << probeOutput.constData() << probe.readAllStandardError().constData();
    EXPECT_TRUE(probeOutput.contains((u"announced "_s + name).toUtf8())) << probeOutput.constData();

    ASSERT_TRUE(QTest::qWaitFor([&] { return rowNamed(model, name) >= 0; }, discoveryTimeoutMs));
    const QModelIndex row = model.index(rowNamed(model, name), 0);
    EXPECT_EQ(row.data(Role::PortRole).toInt(), 48770);
    EXPECT_TRUE(row.data(Role::EncryptedRole).toBool());
    EXPECT_EQ(row.data(Role::FingerprintRole).toString(), fingerprint);

    // SIGTERM: the probe withdraws on the way out.
    probe.terminate();
    EXPECT_TRUE(probe.waitForFinished(5000));
    EXPECT_TRUE(QTest::qWaitFor([&] { return rowNamed(model, name) < 0; }, discoveryTimeoutMs));
}

TEST(DiscoveryDaemonLater, BrowserStartedBeforeTheBusFindsTheDaemonWhenItComes)
{
    confab::test::AvahiSandbox::usePrivateSystemBus();
    DiscoveredServersModel model;
    model.start();
    ASSERT_FALSE(model.available());

    confab::test::AvahiSandbox sandbox;
    if (!sandbox.start()) {
        const QString why = u"discovery NOT exercised: "_s + sandbox.whyNot();
        std::fprintf(stderr, "%s\n", qPrintable(why));
        GTEST_SKIP() << qPrintable(why);
    }
    EXPECT_TRUE(QTest::qWaitFor([&] { return model.available(); }, 30000))
        << qPrintable(model.statusText());
}
