#include <cstdio>

#include <sf/host/usb_url.hpp>

namespace sf::host {

namespace {

constexpr std::string_view scheme = "usb://";
constexpr std::string_view form = "usb://VID:PID[/SERIAL] with VID and PID in hex, e.g. "
                                  "usb://1209:5346/SF0001";

expected<usb_address> invalid(std::string& why, std::string_view url, const std::string& what) {
    why =
        "malformed USB URL '" + std::string(url) + "': " + what + "; expected " + std::string(form);
    return std::make_error_code(std::errc::invalid_argument);
}

// One hex id of 1 to 4 digits; nothing on failure.
std::optional<std::uint16_t> parse_id(std::string_view text) {
    if (text.empty() || text.size() > 4) {
        return std::nullopt;
    }
    std::uint16_t value = 0;
    for (char c : text) {
        int digit = -1;
        if (c >= '0' && c <= '9') {
            digit = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            digit = c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            digit = c - 'A' + 10;
        } else {
            return std::nullopt;
        }
        value = static_cast<std::uint16_t>(value * 16 + digit);
    }
    return value;
}

} // namespace

expected<usb_address> parse_usb_url(std::string_view url, std::string& why) {
    if (url.substr(0, scheme.size()) != scheme) {
        return invalid(why, url, "it does not start with usb://");
    }
    const std::string_view rest = url.substr(scheme.size());
    const std::size_t slash = rest.find('/');
    const std::string_view ids = rest.substr(0, slash);
    const std::size_t colon = ids.find(':');
    if (colon == std::string_view::npos) {
        return invalid(why, url, "no ':' between VID and PID");
    }
    usb_address address;
    const auto vid = parse_id(ids.substr(0, colon));
    if (!vid) {
        return invalid(why, url,
                       "VID '" + std::string(ids.substr(0, colon)) + "' is not 1 to 4 hex digits");
    }
    const auto pid = parse_id(ids.substr(colon + 1));
    if (!pid) {
        return invalid(why, url,
                       "PID '" + std::string(ids.substr(colon + 1)) + "' is not 1 to 4 hex digits");
    }
    address.vid = *vid;
    address.pid = *pid;
    if (slash == std::string_view::npos) {
        return address;
    }
    const std::string_view serial = rest.substr(slash + 1);
    if (serial.empty()) {
        return invalid(why, url, "the serial after '/' is empty");
    }
    for (char c : serial) {
        if (c <= ' ' || c > '~' || c == '/') {
            return invalid(why, url,
                           "the serial has a character that is not printable ASCII "
                           "or is '/'");
        }
    }
    address.serial = std::string(serial);
    return address;
}

std::string to_url(const usb_address& address) {
    char ids[16];
    std::snprintf(ids, sizeof ids, "%04x:%04x", address.vid, address.pid);
    return std::string(scheme) + ids + (address.serial ? "/" + *address.serial : "");
}

} // namespace sf::host
