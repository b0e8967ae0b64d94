#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <sf/host/expected.hpp>

namespace sf::host {

// Which USB device a link opens: vendor and product ids, and the serial number when several
// boards of one kind are plugged in.
struct usb_address {
    std::uint16_t vid = 0;
    std::uint16_t pid = 0;
    std::optional<std::string> serial;
};

// Reads `usb://VID:PID[/SERIAL]`, VID and PID in hex (1 to 4 digits, no 0x), SERIAL printable
// ASCII without '/'. A malformed URL gives std::errc::invalid_argument, and `why` says what is
// wrong and what was expected.
expected<usb_address> parse_usb_url(std::string_view url, std::string& why);

// The address written as a URL that parse_usb_url reads back.
std::string to_url(const usb_address& address);

} // namespace sf::host
