#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <sf/host/expected.hpp>
#include <sf/host/frame_link.hpp>

// Which link a board URL opens. `udp://HOST:PORT` and `usb://VID:PID[/SERIAL]` are built in;
// other schemes are registered by the program (the CLI registers `emu`, a link to an emulator in
// the same process, so that this library never depends on the emulator).
namespace sf::host {

using link_factory = std::function<expected<std::unique_ptr<frame_link>>(const std::string& url)>;

// Makes `scheme` (without "://") open links through `factory`; a later registration of the same
// scheme replaces the earlier one. Not thread-safe: register before connecting.
void register_link_scheme(const std::string& scheme, link_factory factory);
// The schemes open_link knows, built-in ones first.
std::vector<std::string> known_link_schemes();
// Opens the link a URL names. Throws usage_error for a malformed URL or an unknown scheme (the
// message lists the known ones), transport_error when the link cannot be opened.
std::unique_ptr<frame_link> open_link(const std::string& url);

} // namespace sf::host
