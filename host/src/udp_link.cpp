#include <poll.h>

#include <boost/asio.hpp>

#include <sf/host/udp_link.hpp>

namespace sf::host {

namespace asio = boost::asio;
using asio::ip::udp;

struct udp_link::state {
    asio::io_context io;
    udp::socket socket{io};
};

udp_link::udp_link(std::unique_ptr<state> s) : state_(std::move(s)) {}
udp_link::~udp_link() = default;

expected<std::unique_ptr<udp_link>> udp_link::open(const std::string& host, std::uint16_t port) {
    auto s = std::make_unique<state>();
    boost::system::error_code error;
    udp::resolver resolver(s->io);
    const auto endpoints = resolver.resolve(host, std::to_string(port), error);
    if (error || endpoints.empty()) {
        return std::make_error_code(std::errc::host_unreachable);
    }
    const udp::endpoint peer = *endpoints.begin();
    s->socket.open(peer.protocol(), error);
    if (!error) {
        s->socket.connect(peer, error);
    }
    if (error) {
        return std::error_code(error.value(), std::system_category());
    }
    s->socket.non_blocking(true, error);
    // Bursts (an image's chunks out, a step's spikes in) fit the socket's buffers; the system
    // may grant less, which only costs resends.
    constexpr int buffer_bytes = 4 << 20;
    boost::system::error_code ignored;
    s->socket.set_option(asio::socket_base::receive_buffer_size(buffer_bytes), ignored);
    s->socket.set_option(asio::socket_base::send_buffer_size(buffer_bytes), ignored);
    return std::unique_ptr<udp_link>(new udp_link(std::move(s)));
}

std::error_code udp_link::send(const std::uint8_t* bytes, std::size_t size) {
    if (size > max_datagram) {
        return std::make_error_code(std::errc::message_size);
    }
    boost::system::error_code error;
    state_->socket.send(asio::buffer(bytes, size), 0, error);
    // A full send buffer loses the datagram as the network would; the protocol resends it.
    if (error == asio::error::would_block) {
        return {};
    }
    return error ? std::error_code(error.value(), std::system_category()) : std::error_code();
}

expected<std::size_t> udp_link::receive(std::uint8_t* buffer, std::size_t capacity,
                                        std::chrono::microseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        boost::system::error_code error;
        const std::size_t size = state_->socket.receive(asio::buffer(buffer, capacity), 0, error);
        if (!error) {
            return size;
        }
        if (error != asio::error::would_block) {
            return std::error_code(error.value(), std::system_category());
        }
        const auto left = std::chrono::duration_cast<std::chrono::microseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            return std::make_error_code(std::errc::timed_out);
        }
        pollfd ready{state_->socket.native_handle(), POLLIN, 0};
        // poll counts in milliseconds: round up so that a short wait still waits.
        ::poll(&ready, 1, static_cast<int>((left.count() + 999) / 1000));
    }
}

std::uint16_t udp_link::local_port() const {
    boost::system::error_code error;
    return state_->socket.local_endpoint(error).port();
}

} // namespace sf::host
