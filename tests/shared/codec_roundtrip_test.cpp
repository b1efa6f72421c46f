// SPDX-License-Identifier: Apache-2.0
// Every client frame, server frame and reply type survives encode -> parse unchanged, with
// a non-default value in every field; and the bytes on the wire are the documented ones.

#include "replies.h"
#include "testutil.h"
#include "validation.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <set>

using namespace confab;
using namespace Qt::StringLiterals;

namespace {

// Text that must survive byte-exact: NUL, emoji, RTL, BOM, line/paragraph separators,
// quotes, backslash and control characters.
const QString trickyText = u"hi \"there\" \\ \n\t\x01 \0 😀 שלום \u202e \ufeff \u2028\u2029 é €"_s;

std::vector<ClientFrame> sampleClientFrames()
{
    return {
        HelloRequest{7, 1, u"tok-\u00e9"_s, {}, {}, u"confab-desktop/0.3"_s},
        HelloRequest{8, 1, {}, u"alice"_s, u"p\u00e4ss w\u00f6rd 🔑"_s, u"bot"_s},
        RegisterRequest{9, u"bob.smith-2"_s, u"long enough password"_s, u"Bob Smith 😀"_s},
        LogoutRequest{10},
        JoinRequest{11, u"general"_s, 1200, {}, {}},
        JoinRequest{12, u"dm:alice:bob"_s, {}, 50, {}},
        JoinRequest{13, u"x_y-z"_s, {}, {}, 3600},
        JoinRequest{14, u"general"_s, 0, {}, {}},
        LeaveRequest{15, u"general"_s},
        PublishRequest{rules::maxRequestId, u"general"_s, u"cid-\u00e9"_s, trickyText},
        HistoryRequest{16, u"general"_s, 1200, {}, 200},
        HistoryRequest{17, u"dm:alice:bob"_s, {}, 0, 1},
        ChannelsRequest{18, {}, 0},
        ChannelsRequest{18, u"dm:alice:bob"_s, 200},
        CreateRequest{19, u"design"_s, u"Design talk ✏️"_s, true},
        InviteRequest{20, u"design"_s, u"bob"_s},
        TypingNotice{u"general"_s, true},
        TypingNotice{u"design"_s, false},
        PresenceRequest{21, PresenceStatus::Away, u"lunch 🍜"_s},
        PresenceRequest{22, PresenceStatus::Dnd, {}},
        AdminWatchRequest{23, {}},
        AdminWatchRequest{
            23, {{PresenceStatus::Online, PresenceStatus::Dnd}, u"a*"_s, u"general"_s, 600000}},
        AdminUnwatchRequest{24},
        AdminStatsRequest{25},
        AdminKickRequest{26, u"mallory"_s, {}, {}},
        AdminKickRequest{27, {}, u"session-42"_s, u"spam, again 😠"_s},
        AdminUserRequest{28, AdminUserAction::Add, u"carol"_s, u"password1"_s, u"Carol"_s,
                         Role::Admin},
        AdminUserRequest{29, AdminUserAction::Disable, u"carol"_s, {}, {}, {}},
        AdminUserRequest{30, AdminUserAction::Enable, u"carol"_s, {}, {}, {}},
        AdminUserRequest{31, AdminUserAction::SetRole, u"carol"_s, {}, {}, Role::User},
        AdminUserRequest{32, AdminUserAction::ResetPassword, u"carol"_s, u"new password"_s, {}, {}},
        ReadRequest{33, u"general"_s, 1234},
        ReadRequest{34, u"dm:alice:bob"_s, 0},
    };
}

ConnectionInfo sampleConnection()
{
    return {u"s-1"_s, u"confab-desktop/0.3"_s,           u"192.0.2.7"_s, 1732771200000,
            1500,     {u"general"_s, u"dm:alice:bob"_s}, true,           2048};
}

Presence samplePresence()
{
    return {u"alice"_s, PresenceStatus::Away, u"lunch"_s, 1732771200000, 1732771300000};
}

ServerStatistics sampleStatistics()
{
    return {12, 7, 2, 1, 40, 12.5, 3.25, 9, 86400000, 1 << 20, u"0.5.0"_s};
}

Message sampleMessage()
{
    return {u"general"_s, 1235, u"m-1"_s, u"c-1"_s, u"alice"_s, 1732771200000, trickyText};
}

std::vector<ServerFrame> sampleServerFrames()
{
    QJsonObject ok{{u"seq"_s, 5},
                   {u"nested"_s, QJsonObject{{u"list"_s, QJsonArray{1, 2.5, u"x"_s, true}}}},
                   {u"nothing"_s, QJsonValue::Null}};
    return {
        Reply{7, ok, {}},
        Reply{8, {}, Error{ErrorCode::RateLimited, u"slow down"_s, 1500}},
        Reply{0, {}, Error{ErrorCode::BadRequest, u"frame must be a JSON object"_s, {}}},
        Reply{rules::maxRequestId, QJsonObject{}, {}},
        MsgEvent{sampleMessage()},
        SyncedEvent{u"general"_s, 1201, 1234},
        TypingEvent{{u"general"_s, u"bob"_s, true}},
        PresenceEvent{samplePresence()},
        AdminPresenceEvent{AdminPresenceKind::Connect, samplePresence(), sampleConnection(), {}},
        AdminPresenceEvent{AdminPresenceKind::Disconnect, samplePresence(), sampleConnection(),
                           4002},
        AdminPresenceEvent{AdminPresenceKind::Status, samplePresence(), {}, {}},
        ByeEvent{ByeReason::Kicked, 1000, u"spam"_s},
        ByeEvent{ByeReason::Replaced, {}, {}},
        ByeEvent{ByeReason::Shutdown, 30000, {}},
        AdminStatsEvent{sampleStatistics(), {{u"s-1"_s, 4096}, {u"s-2"_s, 12}}},
        AdminStatsEvent{sampleStatistics(), {}},
        ChannelEvent{ChannelEventKind::Added, Channel{u"design"_s, u"Design ✏️"_s, false, 12}},
        ChannelEvent{ChannelEventKind::Removed, Channel{u"secret"_s, {}, true, 0}},
        ChannelEvent{ChannelEventKind::Updated, Channel{u"ops"_s, u"new topic"_s, false, 3}},
        PresenceEvent{Presence{u"carol"_s, PresenceStatus::Dnd, {}, 1, 2, u"Carol D."_s}},
        MemberEvent{u"general"_s, MemberEventKind::Joined, u"carol"_s, u"Carol D."_s},
        MemberEvent{u"dm:alice:bob"_s, MemberEventKind::Left, u"bob"_s, {}},
        ReadEvent{u"general"_s, 1234},
        ReadEvent{u"dm:alice:bob"_s, 0},
    };
}

std::string clientFrameName(const testing::TestParamInfo<ClientFrame> &info)
{
    std::string name = frameType(info.param).toString().toStdString();
    std::replace(name.begin(), name.end(), '.', '_');
    return name + "_" + std::to_string(info.index);
}

} // namespace

class ClientRoundTrip : public testing::TestWithParam<ClientFrame>
{};

TEST_P(ClientRoundTrip, EncodeThenParseGivesTheSameFrame)
{
    const QByteArray encoded = encodeClientFrame(GetParam());
    const auto parsed = parseClientFrame(encoded);
    ASSERT_TRUE(std::holds_alternative<ClientFrame>(parsed))
        << encoded.toStdString() << " -> " << testing::PrintToString(parsed);
    EXPECT_EQ(std::get<ClientFrame>(parsed), GetParam()) << encoded.toStdString();
}

INSTANTIATE_TEST_SUITE_P(AllTypes, ClientRoundTrip, testing::ValuesIn(sampleClientFrames()),
                         clientFrameName);

TEST(ClientRoundTrip, SamplesCoverEveryFrameType)
{
    std::set<std::size_t> seen;
    for (const ClientFrame &frame : sampleClientFrames())
        seen.insert(frame.index());
    EXPECT_EQ(seen.size(), std::variant_size_v<ClientFrame>);
}

TEST(ClientRoundTrip, FrameTypeNamesMapBackToTheirAlternative)
{
    for (const ClientFrame &frame : sampleClientFrames())
        EXPECT_EQ(clientFrameIndex(frameType(frame).toString()), frame.index());
    EXPECT_EQ(clientFrameIndex(u"nope"_s), std::nullopt);
}

TEST(ClientRoundTrip, RequestIdIsNulloptOnlyForTyping)
{
    for (const ClientFrame &frame : sampleClientFrames()) {
        if (std::holds_alternative<TypingNotice>(frame))
            EXPECT_EQ(requestId(frame), std::nullopt);
        else
            EXPECT_GE(requestId(frame).value_or(0), 7);
    }
}

class ServerRoundTrip : public testing::TestWithParam<ServerFrame>
{};

TEST_P(ServerRoundTrip, EncodeThenParseGivesTheSameFrame)
{
    const QByteArray encoded = encodeServerFrame(GetParam());
    const auto parsed = parseServerFrame(encoded);
    ASSERT_TRUE(std::holds_alternative<ServerFrame>(parsed))
        << encoded.toStdString() << " -> " << testing::PrintToString(parsed);
    EXPECT_EQ(std::get<ServerFrame>(parsed), GetParam()) << encoded.toStdString();
}

INSTANTIATE_TEST_SUITE_P(AllTypes, ServerRoundTrip, testing::ValuesIn(sampleServerFrames()));

TEST(ServerRoundTrip, SamplesCoverEveryFrameType)
{
    std::set<std::size_t> seen;
    for (const ServerFrame &frame : sampleServerFrames())
        seen.insert(frame.index());
    EXPECT_EQ(seen.size(), std::variant_size_v<ServerFrame>);
}

// ---- exact wire bytes --------------------------------------------------------------------

TEST(WireBytes, MsgEventIsCompactJsonInFieldOrder)
{
    const Message message{u"general"_s,          1235, u"m1"_s, u"c1"_s, u"alice"_s, 1732771200000,
                          u"a \"q\" \\ \n é 😀"_s};
    EXPECT_EQ(encodeMsgEvent(message),
              QByteArray(R"({"t":"msg","channel":"general","seq":1235,"mid":"m1","cid":"c1",)"
                         R"("from":"alice","ts":1732771200000,"text":"a \"q\" \\ \u000a )"
                         "\xc3\xa9 \xf0\x9f\x98\x80\"}"));
}

TEST(WireBytes, MsgEventReservesEnoughForOneAllocation)
{
    Message message = sampleMessage();
    message.text = QString(16384, u'\x01'); // worst case: every character escaped
    const QByteArray encoded = encodeMsgEvent(message);
    EXPECT_GE(encoded.capacity(), encoded.size());
    EXPECT_LE(encoded.capacity() - encoded.size(), 128);
}

TEST(WireBytes, ReplyOkWithId)
{
    EXPECT_EQ(encodeReplyOk(7, PublishOk{1235, u"m1"_s, 1732771200000, false}.toJson()),
              QByteArray(R"({"t":"reply","id":7,"ok":{"dup":false,"mid":"m1","seq":1235,)"
                         R"("ts":1732771200000}})"));
}

TEST(WireBytes, ReplyErrorLeavesOutIdZeroAndRetryWhenUnset)
{
    EXPECT_EQ(
        encodeReplyError(0, Error{ErrorCode::BadRequest, u"frame must be a JSON object"_s, {}}),
        QByteArray(R"({"t":"reply","error":{"code":"bad_request",)"
                   R"("message":"frame must be a JSON object"}})"));
}

TEST(WireBytes, ReplyErrorCarriesRetryMs)
{
    EXPECT_EQ(encodeReplyError(ProtocolError{{ErrorCode::RateLimited, u"slow"_s, 250}, 9}),
              QByteArray(R"({"t":"reply","id":9,"error":{"code":"rate_limited",)"
                         R"("message":"slow","retry_ms":250}})"));
}

TEST(WireBytes, TypingNoticeHasNoId)
{
    EXPECT_EQ(encodeClientFrame(TypingNotice{u"general"_s, true}),
              QByteArray(R"({"t":"typing","channel":"general","active":true})"));
}

TEST(WireBytes, PublishRequest)
{
    EXPECT_EQ(encodeClientFrame(PublishRequest{7, u"general"_s, u"c1"_s, u"hi"_s}),
              QByteArray(R"({"t":"publish","id":7,"channel":"general","cid":"c1","text":"hi"})"));
}

TEST(WireBytes, SyncedAndBye)
{
    EXPECT_EQ(encodeServerFrame(SyncedEvent{u"general"_s, 1235, 1234}),
              QByteArray(R"({"t":"synced","channel":"general","first_seq":1235,"last_seq":1234})"));
    EXPECT_EQ(encodeServerFrame(ByeEvent{ByeReason::Shutdown, 500, {}}),
              QByteArray(R"({"t":"bye","reason":"shutdown","retry_ms":500})"));
    EXPECT_EQ(encodeServerFrame(ByeEvent{ByeReason::Kicked, {}, {}}),
              QByteArray(R"({"t":"bye","reason":"kicked"})"));
    EXPECT_EQ(encodeServerFrame(ByeEvent{ByeReason::Kicked, {}, u"spam"_s}),
              QByteArray(R"({"t":"bye","reason":"kicked","message":"spam"})"));
}

TEST(WireBytes, ChannelEvent)
{
    EXPECT_EQ(encodeServerFrame(
                  ChannelEvent{ChannelEventKind::Removed, Channel{u"ops"_s, u"t"_s, true, 7}}),
              QByteArray(R"({"t":"channel","event":"removed","channel":{"name":"ops","topic":"t",)"
                         R"("private":true,"last_seq":7}})"));
}

TEST(WireBytes, MemberEvent)
{
    EXPECT_EQ(encodeServerFrame(
                  MemberEvent{u"general"_s, MemberEventKind::Joined, u"carol"_s, u"Carol D."_s}),
              QByteArray(R"({"t":"member","channel":"general","event":"joined","user":"carol",)"
                         R"("display":"Carol D."})"));
    EXPECT_EQ(encodeServerFrame(MemberEvent{u"general"_s, MemberEventKind::Left, u"bob"_s, {}}),
              QByteArray(R"({"t":"member","channel":"general","event":"left","user":"bob"})"));
}

TEST(WireBytes, ChannelEventAdded)
{
    EXPECT_EQ(encodeServerFrame(
                  ChannelEvent{ChannelEventKind::Added, Channel{u"design"_s, u"px"_s, false, 0}}),
              QByteArray(R"({"t":"channel","event":"added","channel":{"name":"design",)"
                         R"("topic":"px","private":false,"last_seq":0}})"));
}

TEST(WireBytes, PresenceCarriesDisplayOnlyWhenGiven)
{
    Presence presence = samplePresence();
    EXPECT_FALSE(encodeServerFrame(PresenceEvent{presence}).contains("display"));
    presence.display = u"Alice A."_s;
    EXPECT_EQ(encodeServerFrame(PresenceEvent{presence}),
              QByteArray(R"({"t":"presence","user":"alice","status":"away","text":"lunch",)"
                         R"("since":1732771200000,"last_seen":1732771300000,)"
                         R"("display":"Alice A."})"));
}

TEST(Codec, The11EventsParseWithoutTheOptionalDisplay)
{
    const auto member = test::serverFrameAs<MemberEvent>(
        R"({"t":"member","channel":"general","event":"left","user":"bob"})");
    ASSERT_TRUE(member);
    EXPECT_EQ(*member, (MemberEvent{u"general"_s, MemberEventKind::Left, u"bob"_s, {}}));
    const auto join = JoinOk::fromJson(
        QJsonDocument::fromJson(
            R"({"channel":{"name":"g"},"last_seq":0,"members":[{"user":"bob","status":"online"}],"typing":[]})")
            .object());
    ASSERT_TRUE(join);
    EXPECT_EQ(join->members.value(0), (Member{u"bob"_s, PresenceStatus::Online, {}}));
    const auto watch = AdminWatchOk::fromJson(
        QJsonDocument::fromJson(R"({"users":[{"user":"bob","status":"offline","connections":[]}]})")
            .object());
    ASSERT_TRUE(watch);
    EXPECT_TRUE(watch->users.value(0).presence.display.isEmpty());
}

TEST(WireBytes, ReadRequestAndEvent)
{
    EXPECT_EQ(encodeClientFrame(ReadRequest{5, u"general"_s, 12}),
              QByteArray(R"({"t":"read","id":5,"channel":"general","seq":12})"));
    EXPECT_EQ(encodeServerFrame(ReadEvent{u"general"_s, 12}),
              QByteArray(R"({"t":"read","channel":"general","seq":12})"));
}

TEST(Codec, MemberEventWithAnUnknownKindIsRejected)
{
    const auto parsed =
        parseServerFrame(R"({"t":"member","channel":"general","event":"kicked","user":"bob"})");
    EXPECT_TRUE(std::holds_alternative<ProtocolError>(parsed));
}

TEST(WireBytes, AdminPresenceLeavesOutUnsetConnection)
{
    const QByteArray encoded =
        encodeServerFrame(AdminPresenceEvent{AdminPresenceKind::Status, samplePresence(), {}, {}});
    EXPECT_EQ(encoded, QByteArray(R"({"t":"admin.presence","event":"status","user":"alice",)"
                                  R"("status":"away","text":"lunch","since":1732771200000,)"
                                  R"("last_seen":1732771300000})"));
}

TEST(WireBytes, ParsedTextIsRelayedByteExact)
{
    // Raw UTF-8 on the wire (NUL escaped, as JSON requires) comes out as the same bytes.
    const QByteArray rawText = "a\\u0000b \xf0\x9f\x98\x80 \xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d "
                               "\xe2\x80\xae \xef\xbb\xbf \xe2\x80\xa8 \xe2\x80\xa9";
    const auto publish = test::clientFrameAs<PublishRequest>(
        R"({"t":"publish","id":1,"channel":"general","cid":"c","text":")" + rawText + "\"}");
    ASSERT_TRUE(publish);
    const QByteArray expectedUtf8 = QByteArray("a") + '\0' + rawText.mid(7);
    EXPECT_EQ(publish->text.toUtf8(), expectedUtf8);
    Message message = sampleMessage();
    message.text = publish->text;
    // On the way out a BOM is escaped (\ufeff) so that clients whose JSON parser drops a
    // raw BOM opening a string keep it; every other character goes out as it came in.
    QByteArray expectedOut = rawText;
    expectedOut.replace("\xef\xbb\xbf", "\\ufeff");
    EXPECT_TRUE(encodeMsgEvent(message).endsWith("\"text\":\"" + expectedOut + "\"}"))
        << encodeMsgEvent(message).toStdString();
}

TEST(WireBytes, ATextThatStartsWithABomKeepsIt)
{
    // Qt's JSON parser drops a raw BOM opening a string; the codec must not.
    const QString text = u"\ufeffhello"_s;
    for (const QByteArray &frame :
         {encodeClientFrame(PublishRequest{1, u"g"_s, u"c"_s, text}),
          QByteArray("{\"t\":\"publish\",\"id\":1,\"channel\":\"g\",\"cid\":\"c\","
                     "\"text\":\"\xef\xbb\xbfhello\",\"extra\":1}")}) {
        const auto publish = test::clientFrameAs<PublishRequest>(frame);
        ASSERT_TRUE(publish) << frame.toStdString();
        EXPECT_EQ(publish->text, text) << frame.toStdString();
    }
    Message message = sampleMessage();
    message.text = text;
    const auto msg = test::serverFrameAs<MsgEvent>(encodeMsgEvent(message));
    ASSERT_TRUE(msg);
    EXPECT_EQ(msg->message.text, text);
    const auto topic = test::clientFrameAs<CreateRequest>(
        "{\"t\":\"create\",\"id\":1,\"channel\":\"d\",\"topic\":\"\xef\xbb\xbf\"}");
    ASSERT_TRUE(topic);
    EXPECT_EQ(topic->topic, u"\ufeff"_s);
}

// ---- replies.h ---------------------------------------------------------------------------

template <typename T> T sampleReply();

template <> HelloOk sampleReply()
{
    return {{u"alice"_s, u"Alice 😀"_s, Role::Admin},
            u"tok"_s,
            u"s-1"_s,
            20000,
            Limits{1000, 500, 5, 10, 100, 20},
            u"confabd/0.3"_s,
            {{u"general"_s, u"Hi"_s, false, 1234}, {u"dm:alice:bob"_s, {}, true, 0}},
            u"Design team's server ✏️"_s,
            u"1.1"_s};
}
template <> RegisterOk sampleReply()
{
    return {{u"bob"_s, u"Bob"_s, Role::User}};
}
template <> JoinOk sampleReply()
{
    return {{u"general"_s, u"Topic"_s, true, 99},
            99,
            {{u"bob"_s, PresenceStatus::Online, u"Bob 🚲"_s},
             {u"carol"_s, PresenceStatus::Dnd, {}, u"focus time until 3 ☕"_s}},
            {u"bob"_s},
            42};
}
template <> PublishOk sampleReply()
{
    return {1235, u"m-1"_s, 1732771200000, true};
}
template <> HistoryOk sampleReply()
{
    Message second = sampleMessage();
    second.seq += 1;
    return {{sampleMessage(), second}, true};
}
template <> ChannelsOk sampleReply()
{
    return {{{u"general"_s, u"Hi"_s, false, 12}, {u"design"_s, u"Draw"_s, true, 3}}};
}
template <> ChannelOk sampleReply()
{
    return {{u"design"_s, u"Draw"_s, true, 3}};
}
template <> AdminWatchOk sampleReply()
{
    return {{{samplePresence(), {sampleConnection(), sampleConnection()}},
             {{u"bob"_s, PresenceStatus::Offline, {}, 5, 6}, {}}},
            sampleStatistics()};
}
template <> AdminStatsOk sampleReply()
{
    return {sampleStatistics()};
}
template <> AdminKickOk sampleReply()
{
    return {3};
}
template <> AdminUserOk sampleReply()
{
    return {{u"carol"_s, u"Carol"_s, Role::Admin}, true};
}

template <typename T> class ReplyRoundTrip : public testing::Test
{};

using ReplyTypes = testing::Types<HelloOk, RegisterOk, JoinOk, PublishOk, HistoryOk, ChannelsOk,
                                  ChannelOk, AdminWatchOk, AdminStatsOk, AdminKickOk, AdminUserOk>;
TYPED_TEST_SUITE(ReplyRoundTrip, ReplyTypes);

TYPED_TEST(ReplyRoundTrip, ToJsonThroughTheWireAndBack)
{
    const TypeParam sent = sampleReply<TypeParam>();
    EXPECT_NE(sent, TypeParam{}) << "the sample must not be the default value";
    const auto reply = test::serverFrameAs<Reply>(encodeReplyOk(42, sent.toJson()));
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->id, 42);
    EXPECT_FALSE(reply->error);
    EXPECT_EQ(TypeParam::fromJson(reply->ok), sent);
}

TYPED_TEST(ReplyRoundTrip, FromJsonRejectsAnArray)
{
    QJsonObject ok = sampleReply<TypeParam>().toJson();
    // Every reply type has at least one required field; make every field an array.
    for (auto it = ok.begin(); it != ok.end(); ++it)
        it.value() = QJsonArray{1};
    EXPECT_EQ(TypeParam::fromJson(ok), std::nullopt);
}

TEST(Replies, HelloOkLeavesOutEmptyToken)
{
    HelloOk hello = sampleReply<HelloOk>();
    EXPECT_TRUE(hello.toJson().contains(u"token"_s));
    hello.token.clear();
    EXPECT_FALSE(hello.toJson().contains(u"token"_s));
    EXPECT_EQ(HelloOk::fromJson(hello.toJson()), hello);
}

TEST(Replies, HelloOkJsonHasTheDocumentedShape)
{
    const QJsonObject json = sampleReply<HelloOk>().toJson();
    EXPECT_EQ(json[u"user"_s][u"role"_s].toString(), u"admin"_s);
    EXPECT_EQ(json[u"heartbeat_ms"_s].toInt(), 20000);
    EXPECT_EQ(json[u"limits"_s][u"rate_per_s"_s].toInt(), 5);
    EXPECT_EQ(json[u"limits"_s][u"history_page"_s].toInt(), 20);
    EXPECT_EQ(json[u"channels"_s][1][u"private"_s].toBool(), true);
    EXPECT_EQ(json[u"channels"_s][0][u"last_seq"_s].toInteger(), 1234);
}

TEST(Replies, DisplayAppearsInTheJoinMembersAndTheAdminSnapshot)
{
    const QJsonObject join = sampleReply<JoinOk>().toJson();
    EXPECT_EQ(join[u"members"_s][0][u"display"_s].toString(), u"Bob 🚲"_s);
    EXPECT_FALSE(join[u"members"_s][1].toObject().contains(u"display"_s));
    AdminWatchOk watch = sampleReply<AdminWatchOk>();
    watch.users[0].presence.display = u"Alice A."_s;
    const QJsonObject json = watch.toJson();
    EXPECT_EQ(json[u"users"_s][0][u"display"_s].toString(), u"Alice A."_s);
    EXPECT_EQ(AdminWatchOk::fromJson(json), watch);
}

TEST(Replies, StatusTextAppearsInTheJoinMembersOnlyWhenSet)
{
    const JoinOk sample = sampleReply<JoinOk>();
    const QJsonObject join = sample.toJson();
    EXPECT_FALSE(join[u"members"_s][0].toObject().contains(u"text"_s));
    EXPECT_EQ(join[u"members"_s][1][u"text"_s].toString(), u"focus time until 3 ☕"_s);
    EXPECT_EQ(JoinOk::fromJson(join)->members, sample.members);
}

TEST(Replies, AJoinMemberWithoutTextHasNone)
{
    // What a 1.1 server sends, and a 1.2 server for a member with no status text.
    const auto join = JoinOk::fromJson(
        QJsonDocument::fromJson(
            R"({"channel":{"name":"g"},"last_seq":0,"members":[{"user":"bob","status":"away","display":"Bob"}],"typing":[]})")
            .object());
    ASSERT_TRUE(join);
    EXPECT_EQ(join->members.value(0), (Member{u"bob"_s, PresenceStatus::Away, u"Bob"_s, {}}));
    EXPECT_TRUE(join->members.value(0).text.isEmpty());
}

TEST(Replies, HistoryMessagesCarryNoType)
{
    const QJsonObject json = sampleReply<HistoryOk>().toJson();
    const QJsonObject first = json[u"messages"_s][0].toObject();
    EXPECT_FALSE(first.contains(u"t"_s));
    EXPECT_EQ(first.keys(), (QStringList{u"channel"_s, u"cid"_s, u"from"_s, u"mid"_s, u"seq"_s,
                                         u"text"_s, u"ts"_s}));
}

TEST(Replies, AdminWatchFlattensPresenceNextToConnections)
{
    const QJsonObject user = sampleReply<AdminWatchOk>().toJson()[u"users"_s][0].toObject();
    EXPECT_EQ(user[u"user"_s].toString(), u"alice"_s);
    EXPECT_EQ(user[u"status"_s].toString(), u"away"_s);
    EXPECT_EQ(user[u"connections"_s][0][u"idle_ms"_s].toInteger(), 1500);
    EXPECT_EQ(user[u"connections"_s][0][u"channels"_s][1].toString(), u"dm:alice:bob"_s);
}

TEST(Events, ChannelAddedSaysMemberOnlyWhenTheUserIsOne)
{
    ChannelEvent added{ChannelEventKind::Added, Channel{u"design"_s, u"px"_s, false, 3}};
    EXPECT_FALSE(encodeServerFrame(added).contains("member"));
    added.member = true;
    const QByteArray bytes = encodeServerFrame(added);
    EXPECT_TRUE(bytes.contains("\"member\":true")) << bytes.toStdString();
    const auto parsed = parseServerFrame(bytes);
    ASSERT_TRUE(std::holds_alternative<ServerFrame>(parsed)) << bytes.toStdString();
    EXPECT_EQ(std::get<ServerFrame>(parsed), ServerFrame(added));
}

TEST(Replies, AdminWatchMarksDisabledAccountsOnly)
{
    AdminWatchOk watch = sampleReply<AdminWatchOk>();
    EXPECT_FALSE(watch.toJson()[u"users"_s][0].toObject().contains(u"disabled"_s))
        << "absent unless disabled: older clients see nothing new";
    watch.users[0].disabled = true;
    const QJsonObject json = watch.toJson();
    EXPECT_TRUE(json[u"users"_s][0][u"disabled"_s].toBool());
    const auto back = AdminWatchOk::fromJson(json);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, watch);
}

TEST(Replies, AdminStatsUsesWireNames)
{
    const QJsonObject json = sampleReply<AdminStatsOk>().toJson();
    EXPECT_EQ(json.keys(), (QStringList{u"connections"_s, u"db_bytes"_s, u"messages_per_s"_s,
                                        u"messages_per_s_1m"_s, u"refused_rate_limited"_s,
                                        u"uptime_ms"_s, u"users_away"_s, u"users_dnd"_s,
                                        u"users_offline"_s, u"users_online"_s, u"version"_s}));
    EXPECT_EQ(json[u"messages_per_s"_s].toDouble(), 12.5);
}

TEST(Replies, AdminWatchWithoutStatsFromAnOlderServer)
{
    QJsonObject ok = sampleReply<AdminWatchOk>().toJson();
    ok.remove(u"stats"_s);
    const auto watch = AdminWatchOk::fromJson(ok);
    ASSERT_TRUE(watch);
    EXPECT_FALSE(watch->stats);
    EXPECT_EQ(watch->users.size(), 2);
}

TEST(Replies, MissingRequiredFieldsGiveNullopt)
{
    QJsonObject hello = sampleReply<HelloOk>().toJson();
    hello.remove(u"session"_s);
    EXPECT_EQ(HelloOk::fromJson(hello), std::nullopt);

    QJsonObject publish = sampleReply<PublishOk>().toJson();
    publish.remove(u"mid"_s);
    EXPECT_EQ(PublishOk::fromJson(publish), std::nullopt);

    QJsonObject join = sampleReply<JoinOk>().toJson();
    join[u"members"_s] = QJsonArray{QJsonObject{{u"user"_s, u"bob"_s}, {u"status"_s, u"?"_s}}};
    EXPECT_EQ(JoinOk::fromJson(join), std::nullopt);
}

TEST(Replies, ValueTypesRoundTripThroughJson)
{
    EXPECT_EQ(messageFromJson(toJson(sampleMessage())), sampleMessage());
    EXPECT_EQ(presenceFromJson(toJson(samplePresence())), samplePresence());
    EXPECT_EQ(connectionInfoFromJson(toJson(sampleConnection())), sampleConnection());
    const Limits limits{1, 2, 3, 4, 5, 6};
    EXPECT_EQ(limitsFromJson(toJson(limits)), limits);
    const Channel channel{u"c"_s, u"t"_s, true, 9};
    EXPECT_EQ(channelFromJson(toJson(channel)), channel);
    const UserInfo user{u"u"_s, u"U"_s, Role::Admin};
    EXPECT_EQ(userInfoFromJson(toJson(user)), user);
}

TEST(Replies, UnknownErrorCodeParsesAsInternal)
{
    const auto reply = test::serverFrameAs<Reply>(
        R"({"t":"reply","id":3,"error":{"code":"teapot","message":"I am one"}})");
    ASSERT_TRUE(reply);
    ASSERT_TRUE(reply->error);
    EXPECT_EQ(reply->error->code, ErrorCode::Internal);
    EXPECT_EQ(reply->error->message, u"I am one"_s);
    EXPECT_EQ(reply->id, 3);
}

TEST(Replies, ReplyWithoutIdParsesAsIdZero)
{
    const auto reply =
        test::serverFrameAs<Reply>(R"({"t":"reply","error":{"code":"bad_request","message":"m"}})");
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->id, 0);
    EXPECT_EQ(reply->error->code, ErrorCode::BadRequest);
}

TEST(WireBytes, FastPublishOkMatchesTheGeneralReplyEncoding)
{
    // The server answers publishes with encodePublishOk (hot path); it must write exactly
    // the bytes of the general encoder for the same reply.
    const struct
    {
        RequestId id;
        qint64 seq;
        QString mid;
        qint64 ts;
        bool dup;
    } cases[] = {{1, 1, u"a"_s, 0, false},
                 {7, 1234567890123, u"z9\"\\é😀"_s, 1732771200000, true},
                 {(qint64(1) << 53) - 1, 42, QString(), 1, false}};
    for (const auto &c : cases) {
        const QByteArray general =
            encodeReplyOk(c.id, PublishOk{c.seq, c.mid, c.ts, c.dup}.toJson());
        EXPECT_EQ(encodePublishOk(c.id, c.seq, c.mid, c.ts, c.dup), general)
            << general.toStdString();
    }
}

TEST(Replies, JoinOkCarriesReadSeqAndDefaultsToZeroWhenAbsent)
{
    EXPECT_EQ(sampleReply<JoinOk>().toJson().value("read_seq"_L1).toInteger(), 42);
    // A 1.1 server sends no read_seq: never read.
    const auto old = JoinOk::fromJson(
        QJsonDocument::fromJson(R"({"channel":{"name":"g"},"last_seq":3,"members":[],"typing":[]})")
            .object());
    ASSERT_TRUE(old);
    EXPECT_EQ(old->readSeq, 0);
    // A read_seq that is not a seq is a broken reply, not a position.
    QJsonObject bad = sampleReply<JoinOk>().toJson();
    bad.insert(u"read_seq"_s, -1);
    EXPECT_EQ(JoinOk::fromJson(bad), std::nullopt);
    bad.insert(u"read_seq"_s, u"7"_s);
    EXPECT_EQ(JoinOk::fromJson(bad), std::nullopt);
}
