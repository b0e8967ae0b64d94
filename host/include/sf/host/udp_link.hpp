#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <sf/host/frame_link.hpp>

namespace sf::host {

// Frames as UDP datagrams to one board (or emulator server) at HOST:PORT. The socket is connected
// to that address, so datagrams from anywhere else never reach the host, and a board that is not
// listening shows up as std::errc::connection_refused on the next receive.
class udp_link final : public frame_link {
public:
    // The largest UDP payload that is not fragmented on a 1500-byte Ethernet MTU.
    static constexpr std::size_t max_datagram = 1472;

    // Resolves and connects; an error names what failed (the host name, the port).
    static expected<std::unique_ptr<udp_link>> open(const std::string& host, std::uint16_t port);
    ~udp_link() override;

    std::size_t max_frame() const override { return max_datagram; }
    std::error_code send(const std::uint8_t* bytes, std::size_t size) override;
    expected<std::size_t> receive(std::uint8_t* buffer, std::size_t capacity,
                                  std::chrono::microseconds timeout) override;

    // The local port the link sends from.
    std::uint16_t local_port() const;

private:
    struct state;
    explicit udp_link(std::unique_ptr<state> s);
    std::unique_ptr<state> state_;
};

} // namespace sf::host
