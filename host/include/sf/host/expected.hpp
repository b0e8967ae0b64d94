#pragma once

#include <system_error>
#include <utility>
#include <variant>

#include <sf/firmware/assert.hpp>

namespace sf::host {

// The result of an operation that is expected to fail now and then (a link, a timeout, a board
// that is not there): a value, or the error code that says why not.
template <class T>
class expected {
public:
    expected(T value) : state_(std::move(value)) {}
    expected(std::error_code error) : state_(error) { SF_ASSERT(error); }

    explicit operator bool() const { return state_.index() == 0; }
    const T& value() const {
        SF_ASSERT(state_.index() == 0);
        return std::get<0>(state_);
    }
    T& value() {
        SF_ASSERT(state_.index() == 0);
        return std::get<0>(state_);
    }
    std::error_code error() const {
        return state_.index() == 1 ? std::get<1>(state_) : std::error_code();
    }

private:
    std::variant<T, std::error_code> state_;
};

} // namespace sf::host
