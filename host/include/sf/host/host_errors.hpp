#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include <sf/firmware/protocol/frame.hpp>
#include <sf/firmware/protocol/status.hpp>

// What goes wrong when a host drives a board, as exceptions a program (or the CLI) tells apart:
// the link or the board stopped answering, the board refused a request, or the user asked for
// something that cannot be (an unknown URL scheme or population, a malformed recording).
namespace sf::host {

// The link failed or the board did not answer in time: the board may be gone.
class transport_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The board answered a request with an error reply (docs/protocol.md, "Error reasons").
class board_refused : public std::runtime_error {
public:
    board_refused(const std::string& what, firmware::protocol::reason why,
                  std::uint8_t request_type, std::uint32_t detail)
        : std::runtime_error(what), why_(why), request_type_(request_type), detail_(detail) {}
    firmware::protocol::reason why() const { return why_; }
    std::uint8_t request_type() const { return request_type_; }
    std::uint32_t detail() const { return detail_; }

private:
    firmware::protocol::reason why_;
    std::uint8_t request_type_;
    std::uint32_t detail_;
};

// The board speaks another protocol version, or is held by another host.
class session_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Input the user gave that cannot be used: a URL, a population name, a recording blob.
class usage_error : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

// The protocol's name of a refusal reason ("busy", "incomplete", ...).
const char* reason_name(firmware::protocol::reason why);
// The protocol's name of a message type ("hello", "load_begin", ...).
const char* message_name(std::uint8_t type);

} // namespace sf::host
