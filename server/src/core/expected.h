// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "errorcode.h"

#include <utility>
#include <variant>

namespace confab::server {

/// A value, or the protocol error that says why there is none. Lookups return it; the
/// request handler decides what to reply (std::expected is C++23).
template <typename T> class Expected
{
public:
    Expected(T value)
        : m_state(std::move(value))
    {}
    Expected(Error error)
        : m_state(std::move(error))
    {}

    explicit operator bool() const { return m_state.index() == 0; }
    const T &operator*() const { return std::get<0>(m_state); }
    const T *operator->() const { return &std::get<0>(m_state); }
    const Error &error() const { return std::get<1>(m_state); }

private:
    std::variant<T, Error> m_state;
};

} // namespace confab::server
