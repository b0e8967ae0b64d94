#include <map>

#include <sf/host/host_errors.hpp>
#include <sf/host/link_registry.hpp>
#include <sf/host/udp_link.hpp>
#include <sf/host/usb_link.hpp>
#include <sf/host/usb_url.hpp>

namespace sf::host {

namespace {

std::map<std::string, link_factory>& registry() {
    static std::map<std::string, link_factory> factories;
    return factories;
}

std::unique_ptr<frame_link> open_udp(const std::string& url) {
    const std::string rest = url.substr(6); // after "udp://"
    const std::size_t colon = rest.rfind(':');
    const std::string usage = "expected udp://HOST:PORT, for example udp://127.0.0.1:5555";
    if (colon == std::string::npos || colon == 0 || colon + 1 == rest.size()) {
        throw usage_error("bad board URL '" + url + "': " + usage);
    }
    const std::string host = rest.substr(0, colon);
    const std::string port_text = rest.substr(colon + 1);
    unsigned long port = 0;
    for (const char c : port_text) {
        if (c < '0' || c > '9' || port > 65535) {
            throw usage_error("bad port in board URL '" + url + "': " + usage);
        }
        port = port * 10 + static_cast<unsigned long>(c - '0');
    }
    if (port == 0 || port > 65535) {
        throw usage_error("bad port in board URL '" + url + "': " + usage);
    }
    auto link = udp_link::open(host, static_cast<std::uint16_t>(port));
    if (!link) {
        throw transport_error("cannot open " + url + ": " + link.error().message());
    }
    return std::move(link.value());
}

std::unique_ptr<frame_link> open_usb(const std::string& url) {
    std::string why;
    const auto address = parse_usb_url(url, why);
    if (!address) {
        throw usage_error("bad board URL '" + url + "': " + why);
    }
    auto link = usb_link::open(address.value(), why);
    if (!link) {
        throw transport_error("cannot open " + url + ": " + why);
    }
    return std::move(link.value());
}

} // namespace

void register_link_scheme(const std::string& scheme, link_factory factory) {
    registry()[scheme] = std::move(factory);
}

std::vector<std::string> known_link_schemes() {
    std::vector<std::string> names{"udp", "usb"};
    for (const auto& [scheme, factory] : registry()) {
        if (scheme != "udp" && scheme != "usb") {
            names.push_back(scheme);
        }
    }
    return names;
}

std::unique_ptr<frame_link> open_link(const std::string& url) {
    const std::size_t separator = url.find("://");
    const std::string scheme =
        separator == std::string::npos ? std::string() : url.substr(0, separator);
    const auto registered = registry().find(scheme);
    if (registered != registry().end()) {
        auto link = registered->second(url);
        if (!link) {
            throw transport_error("cannot open " + url + ": " + link.error().message());
        }
        return std::move(link.value());
    }
    if (scheme == "udp") {
        return open_udp(url);
    }
    if (scheme == "usb") {
        return open_usb(url);
    }
    std::string known;
    for (const auto& name : known_link_schemes()) {
        known += (known.empty() ? "" : ", ") + name + "://";
    }
    throw usage_error("unknown board URL '" + url + "' (known schemes: " + known + ")");
}

} // namespace sf::host
