// The UDP link: frames to a server on loopback and back, timeouts, a server that is not there,
// and the fault proxy the protocol tests run through.
#include <poll.h>

#include <atomic>
#include <cstdint>
#include <set>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <catch2/catch.hpp>

#include <sf/host/udp_link.hpp>

#include "fault_proxy.hpp"

namespace {

namespace asio = boost::asio;
using asio::ip::udp;
using namespace std::chrono_literals;

// Sends every datagram back to where it came from, until destroyed.
class echo_server {
public:
    echo_server() {
        socket_.open(udp::v4());
        socket_.bind(udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        socket_.non_blocking(true);
        thread_ = std::thread([this] { serve(); });
    }
    ~echo_server() {
        running_ = false;
        thread_.join();
    }
    std::uint16_t port() const { return socket_.local_endpoint().port(); }

private:
    void serve() {
        std::vector<std::uint8_t> buffer(65536);
        while (running_) {
            pollfd ready{socket_.native_handle(), POLLIN, 0};
            ::poll(&ready, 1, 1);
            udp::endpoint from;
            boost::system::error_code error;
            const std::size_t n = socket_.receive_from(asio::buffer(buffer), from, 0, error);
            if (!error) {
                socket_.send_to(asio::buffer(buffer.data(), n), from, 0, error);
            }
        }
    }

    asio::io_context io_;
    udp::socket socket_{io_};
    std::atomic<bool> running_{true};
    std::thread thread_;
};

std::vector<std::uint8_t> frame_numbered(std::uint32_t n, std::size_t size) {
    std::vector<std::uint8_t> bytes(size, static_cast<std::uint8_t>(n * 7));
    for (std::size_t b = 0; b < 4 && b < size; ++b) {
        bytes[b] = static_cast<std::uint8_t>(n >> (8 * b));
    }
    return bytes;
}

} // namespace

TEST_CASE("udp link: frames reach a server on loopback and come back whole", "[host][udp_link]") {
    echo_server server;
    auto link = sf::host::udp_link::open("127.0.0.1", server.port());
    REQUIRE(link);
    std::vector<std::uint8_t> back(sf::host::udp_link::max_datagram);
    for (std::size_t size : {std::size_t{1}, std::size_t{64}, sf::host::udp_link::max_datagram}) {
        const auto sent = frame_numbered(static_cast<std::uint32_t>(size), size);
        REQUIRE_FALSE(link.value()->send(sent.data(), sent.size()));
        const auto got = link.value()->receive(back.data(), back.size(), 2s);
        REQUIRE(got);
        REQUIRE(got.value() == size);
        CHECK(std::vector<std::uint8_t>(back.begin(),
                                        back.begin() + static_cast<std::ptrdiff_t>(size)) == sent);
    }
}

TEST_CASE("udp link: a frame larger than a datagram is refused before it is sent",
          "[host][udp_link]") {
    echo_server server;
    auto link = sf::host::udp_link::open("127.0.0.1", server.port());
    REQUIRE(link);
    const std::vector<std::uint8_t> big(sf::host::udp_link::max_datagram + 1, 0);
    CHECK(link.value()->send(big.data(), big.size()) == std::errc::message_size);
}

TEST_CASE("udp link: waiting with nothing to receive ends at the timeout", "[host][udp_link]") {
    echo_server server;
    auto link = sf::host::udp_link::open("127.0.0.1", server.port());
    REQUIRE(link);
    std::vector<std::uint8_t> back(16);
    const auto got = link.value()->receive(back.data(), back.size(), 5ms);
    REQUIRE_FALSE(got);
    CHECK(got.error() == std::errc::timed_out);
}

TEST_CASE("udp link: a server that is not listening is reported, not waited for",
          "[host][udp_link]") {
    std::uint16_t closed_port = 0;
    {
        asio::io_context io;
        udp::socket probe(io, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        closed_port = probe.local_endpoint().port();
    }
    auto link = sf::host::udp_link::open("127.0.0.1", closed_port);
    REQUIRE(link);
    const std::uint8_t hello[4] = {1, 2, 3, 4};
    REQUIRE_FALSE(link.value()->send(hello, sizeof hello));
    std::vector<std::uint8_t> back(16);
    const auto got = link.value()->receive(back.data(), back.size(), 2s);
    REQUIRE_FALSE(got);
    CHECK(got.error() == std::errc::connection_refused);
}

TEST_CASE("fault proxy: damages datagrams at the rates asked and counts each kind",
          "[host][fault_proxy]") {
    echo_server server;
    sf::test::fault_rates rates;
    rates.drop = 0.1;
    rates.duplicate = 0.1;
    rates.reorder = 0.1;
    rates.delay = 0.1;
    rates.corrupt = 0.1;
    rates.delay_by = 1ms;
    sf::test::fault_proxy proxy(server.port(), rates, 1234);
    auto link = sf::host::udp_link::open("127.0.0.1", proxy.port());
    REQUIRE(link);
    constexpr std::uint32_t frames = 400;
    std::vector<std::uint8_t> back(64);
    std::multiset<std::uint32_t> seen;
    for (std::uint32_t n = 0; n < frames; ++n) {
        const auto sent = frame_numbered(n, 32);
        REQUIRE_FALSE(link.value()->send(sent.data(), sent.size()));
        // Take whatever has come back so far; the rest is collected below.
        while (true) {
            const auto got = link.value()->receive(back.data(), back.size(), 0us);
            if (!got) {
                break;
            }
            seen.insert(static_cast<std::uint32_t>(back[0]) | static_cast<std::uint32_t>(back[1])
                                                                  << 8);
        }
    }
    while (true) {
        const auto got = link.value()->receive(back.data(), back.size(), 50ms);
        if (!got) {
            REQUIRE(got.error() == std::errc::timed_out);
            break;
        }
        seen.insert(static_cast<std::uint32_t>(back[0]) | static_cast<std::uint32_t>(back[1]) << 8);
    }
    proxy.stop();
    const sf::test::fault_counts c = proxy.counts();
    // Every datagram the proxy took was dropped or sent on, once more when duplicated; at most
    // one per direction may still be held back for reordering when it stopped.
    CHECK(c.received >= frames);
    CHECK(c.forwarded + c.dropped <= c.received + c.duplicated);
    CHECK(c.forwarded + c.dropped + 2 >= c.received + c.duplicated);
    CHECK(seen.size() <= c.forwarded);
    CHECK(seen.size() > frames / 2);
    // Each kind of damage happened, near its rate over both directions.
    for (std::uint64_t k : {c.dropped, c.duplicated, c.delayed, c.corrupted}) {
        CHECK(k > c.received / 20);
        CHECK(k < c.received / 5);
    }
    CHECK(c.reordered > 0);
}
