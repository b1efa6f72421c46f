// SPDX-License-Identifier: Apache-2.0
#pragma once

// Helpers shared by the shared/ unit tests: readable gtest output for Qt and protocol
// types, and typed parse shortcuts.

#include "codec.h"

#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>

inline void PrintTo(const QString &text, std::ostream *os)
{
    *os << '"' << text.toStdString() << '"';
}

inline void PrintTo(const QByteArray &bytes, std::ostream *os)
{
    *os << bytes.toStdString();
}

namespace confab {

inline void PrintTo(ErrorCode code, std::ostream *os)
{
    const QLatin1StringView name = errorCodeName(code);
    *os << std::string(name.data(), std::size_t(name.size()));
}

inline void PrintTo(const Error &error, std::ostream *os)
{
    PrintTo(error.code, os);
    *os << ": " << error.message.toStdString();
}

inline void PrintTo(const ProtocolError &error, std::ostream *os)
{
    PrintTo(error.error, os);
    *os << " (id " << (error.id ? std::to_string(*error.id) : std::string("none")) << ')';
}

inline void PrintTo(const ClientFrame &frame, std::ostream *os)
{
    *os << encodeClientFrame(frame).toStdString();
}

inline void PrintTo(const ServerFrame &frame, std::ostream *os)
{
    *os << encodeServerFrame(frame).toStdString();
}

namespace test {

/// The error for a client frame, or nullopt when it parses.
inline std::optional<ProtocolError> clientError(QByteArrayView json, const Limits &limits = {})
{
    const auto result = parseClientFrame(json, limits);
    if (const auto *error = std::get_if<ProtocolError>(&result))
        return *error;
    return std::nullopt;
}

/// The client frame as a `T`, or nullopt when it fails or is another type.
template <typename T> std::optional<T> clientFrameAs(QByteArrayView json, const Limits &limits = {})
{
    const auto result = parseClientFrame(json, limits);
    if (const auto *frame = std::get_if<ClientFrame>(&result)) {
        if (const auto *typed = std::get_if<T>(frame))
            return *typed;
    }
    return std::nullopt;
}

inline std::optional<ProtocolError> serverError(QByteArrayView json)
{
    const auto result = parseServerFrame(json);
    if (const auto *error = std::get_if<ProtocolError>(&result))
        return *error;
    return std::nullopt;
}

template <typename T> std::optional<T> serverFrameAs(QByteArrayView json)
{
    const auto result = parseServerFrame(json);
    if (const auto *frame = std::get_if<ServerFrame>(&result)) {
        if (const auto *typed = std::get_if<T>(frame))
            return *typed;
    }
    return std::nullopt;
}

} // namespace test
} // namespace confab
