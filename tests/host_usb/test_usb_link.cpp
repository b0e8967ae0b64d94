// The USB link against a board that umockdev emulates: frames there and back, many queued at
// once, a full receive queue, timeouts, a board that is not plugged in, and usb:// URLs.
#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/host/usb_link.hpp>

#include "usb_echo_device.hpp"

namespace {

using namespace std::chrono_literals;
using sf::host::usb_address;
using sf::host::usb_contract;
using sf::host::usb_link;
using sf::test::usb_echo_device;

const usb_address board{usb_echo_device::vid, usb_echo_device::pid, std::nullopt};

std::vector<std::uint8_t> frame_numbered(std::uint32_t n, std::size_t size) {
    std::vector<std::uint8_t> bytes(size, static_cast<std::uint8_t>(n * 7 + 1));
    for (std::size_t b = 0; b < 4 && b < size; ++b) {
        bytes[b] = static_cast<std::uint8_t>(n >> (8 * b));
    }
    return bytes;
}

std::vector<std::uint8_t> inverted(std::vector<std::uint8_t> bytes) {
    for (auto& byte : bytes) {
        byte = static_cast<std::uint8_t>(~byte);
    }
    return bytes;
}

std::unique_ptr<usb_link> open_board(const usb_address& address,
                                     const sf::host::usb_link_options& options = {}) {
    std::string why;
    auto link = usb_link::open(address, why, options);
    INFO(why);
    REQUIRE(link);
    return std::move(link.value());
}

// The next frame, which must come within a second.
std::vector<std::uint8_t> next_frame(usb_link& link) {
    std::vector<std::uint8_t> bytes(usb_contract::max_frame);
    const auto got = link.receive(bytes.data(), bytes.size(), 1s);
    INFO(got.error().message());
    REQUIRE(got);
    bytes.resize(got.value());
    return bytes;
}

} // namespace

TEST_CASE("usb link: frames of every size reach the board and its answers come back whole",
          "[host][usb_link]") {
    usb_echo_device device;
    auto link = open_board(board);
    const std::vector<std::size_t> sizes = {1, 64, 511, 512, 513, 1024, 4095, 4096};
    for (std::size_t size : sizes) {
        const auto sent = frame_numbered(static_cast<std::uint32_t>(size), size);
        REQUIRE_FALSE(link->send(sent.data(), sent.size()));
        CHECK(next_frame(*link) == inverted(sent));
    }
    link.reset();
    CHECK(device.frames_taken() == sizes);
    // A frame that fills whole packets is ended by a zero-length packet, unless it fills the
    // largest transfer, which ends by itself.
    CHECK(device.zero_packets_asked() ==
          std::vector<bool>{false, false, false, true, false, true, false, false});
}

TEST_CASE("usb link: a frame that is empty or larger than the contract's is refused",
          "[host][usb_link]") {
    usb_echo_device device;
    auto link = open_board(board);
    const std::vector<std::uint8_t> big(usb_contract::max_frame + 1, 0);
    CHECK(link->send(big.data(), 0) == std::errc::message_size);
    CHECK(link->send(big.data(), big.size()) == std::errc::message_size);
    link.reset();
    CHECK(device.frames_taken().empty());
}

TEST_CASE("usb link: a thousand frames queued before any is read all arrive, in order",
          "[host][usb_link]") {
    usb_echo_device device;
    auto link = open_board(board);
    constexpr std::uint32_t frames = 1000;
    for (std::uint32_t n = 0; n < frames; ++n) {
        const auto sent = frame_numbered(n, 4 + n % 300);
        REQUIRE_FALSE(link->send(sent.data(), sent.size()));
    }
    for (std::uint32_t n = 0; n < frames; ++n) {
        const auto got = next_frame(*link);
        REQUIRE(got == inverted(frame_numbered(n, 4 + n % 300)));
    }
    CHECK(link->frames_lost() == 0);
    std::vector<std::uint8_t> bytes(16);
    CHECK(link->receive(bytes.data(), bytes.size(), 10ms).error() == std::errc::timed_out);
}

TEST_CASE("usb link: frames that find the receive queue full are counted as lost",
          "[host][usb_link]") {
    usb_echo_device device;
    sf::host::usb_link_options options;
    options.queue_frames = 4;
    auto link = open_board(board, options);
    for (std::uint32_t n = 0; n < 10; ++n) {
        const auto sent = frame_numbered(n, 16);
        REQUIRE_FALSE(link->send(sent.data(), sent.size()));
    }
    // The device answers each frame before it lets send() return, so all ten have arrived.
    CHECK(link->frames_lost() == 6);
    for (std::uint32_t n = 0; n < 4; ++n) {
        CHECK(next_frame(*link) == inverted(frame_numbered(n, 16)));
    }
    std::vector<std::uint8_t> bytes(16);
    CHECK(link->receive(bytes.data(), bytes.size(), 10ms).error() == std::errc::timed_out);
}

TEST_CASE("usb link: a frame larger than the receiver's buffer is reported, not cut",
          "[host][usb_link]") {
    usb_echo_device device;
    auto link = open_board(board);
    const auto sent = frame_numbered(1, 100);
    REQUIRE_FALSE(link->send(sent.data(), sent.size()));
    std::vector<std::uint8_t> bytes(99);
    CHECK(link->receive(bytes.data(), bytes.size(), 1s).error() == std::errc::message_size);
    CHECK(link->receive(bytes.data(), bytes.size(), 0us).error() == std::errc::timed_out);
}

TEST_CASE("usb link: waiting when the board sends nothing ends at the timeout",
          "[host][usb_link]") {
    usb_echo_device device;
    auto link = open_board(board);
    std::vector<std::uint8_t> bytes(16);
    const auto start = std::chrono::steady_clock::now();
    const auto got = link->receive(bytes.data(), bytes.size(), 20ms);
    const auto waited = std::chrono::steady_clock::now() - start;
    REQUIRE_FALSE(got);
    CHECK(got.error() == std::errc::timed_out);
    CHECK(waited >= 20ms);
    CHECK(waited < 1s);
}

TEST_CASE("usb link: a board that stops reading makes send time out", "[host][usb_link]") {
    usb_echo_device device;
    sf::host::usb_link_options options;
    options.send_timeout = 30ms;
    auto link = open_board(board, options);
    device.stop_reading();
    const auto sent = frame_numbered(1, 8);
    const auto start = std::chrono::steady_clock::now();
    CHECK(link->send(sent.data(), sent.size()) == std::errc::timed_out);
    const auto waited = std::chrono::steady_clock::now() - start;
    CHECK(waited >= 30ms);
    CHECK(waited < 1s);
}

TEST_CASE("usb link: a board unplugged is reported after the frames it sent before",
          "[host][usb_link]") {
    usb_echo_device device;
    auto link = open_board(board);
    for (std::uint32_t n = 0; n < 2; ++n) {
        const auto sent = frame_numbered(n, 8);
        REQUIRE_FALSE(link->send(sent.data(), sent.size()));
    }
    device.unplug();
    std::vector<std::uint8_t> bytes(16);
    for (std::uint32_t n = 0; n < 2; ++n) {
        CHECK(next_frame(*link) == inverted(frame_numbered(n, 8)));
    }
    const auto got = link->receive(bytes.data(), bytes.size(), 1s);
    REQUIRE_FALSE(got);
    CHECK(got.error() == std::errc::no_such_device);
    CHECK(link->send(bytes.data(), 8) == std::errc::no_such_device);
}

TEST_CASE("usb link: a device without the contract's endpoints is refused with why",
          "[host][usb_link]") {
    usb_echo_device device(false);
    std::string why;
    const auto link = usb_link::open(board, why);
    REQUIRE_FALSE(link);
    CHECK(link.error() == std::errc::not_supported);
    CHECK(why == "the USB device has no bulk endpoints 0x01 (OUT) and 0x81 (IN) on interface 0: "
                 "it is not a board that speaks the spikeforge protocol");
}

TEST_CASE("usb link: the board is found by its serial number", "[host][usb_link]") {
    usb_echo_device device;
    auto link = open_board({usb_echo_device::vid, usb_echo_device::pid, "SF0001"});
    const auto sent = frame_numbered(5, 32);
    REQUIRE_FALSE(link->send(sent.data(), sent.size()));
    CHECK(next_frame(*link) == inverted(sent));
}

TEST_CASE("usb link: a board that is not plugged in fails at once and names what is there",
          "[host][usb_link]") {
    usb_echo_device device;
    SECTION("another vendor and product") {
        std::string why;
        const auto link = usb_link::open({0xdead, 0xbeef, std::nullopt}, why);
        REQUIRE_FALSE(link);
        CHECK(link.error() == std::errc::no_such_device);
        CHECK(why == "no USB device matches usb://dead:beef; 1 found:\n"
                     "  1209:5346 serial SF0001 (bus 1, address 1)");
    }
    SECTION("the same board with another serial") {
        std::string why;
        const auto link =
            usb_link::open({usb_echo_device::vid, usb_echo_device::pid, "SF0002"}, why);
        REQUIRE_FALSE(link);
        CHECK(link.error() == std::errc::no_such_device);
        CHECK(why == "no USB device matches usb://1209:5346/SF0002; 1 found:\n"
                     "  1209:5346 serial SF0001 (bus 1, address 1)");
    }
}

TEST_CASE("usb url: vendor, product and serial are read from usb://VID:PID[/SERIAL]",
          "[host][usb_url]") {
    std::string why;
    const auto plain = sf::host::parse_usb_url("usb://1209:5346", why);
    REQUIRE(plain);
    CHECK(plain.value().vid == 0x1209);
    CHECK(plain.value().pid == 0x5346);
    CHECK_FALSE(plain.value().serial);
    const auto with_serial = sf::host::parse_usb_url("usb://AbC:f/SF-0001", why);
    REQUIRE(with_serial);
    CHECK(with_serial.value().vid == 0x0abc);
    CHECK(with_serial.value().pid == 0x000f);
    CHECK(with_serial.value().serial == std::string("SF-0001"));
    CHECK(sf::host::to_url(with_serial.value()) == "usb://0abc:000f/SF-0001");
}

TEST_CASE("usb url: a malformed URL is refused with what is wrong and the form expected",
          "[host][usb_url]") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"", "it does not start with usb://"},
        {"udp://1209:5346", "it does not start with usb://"},
        {"usb://", "no ':' between VID and PID"},
        {"usb://12095346", "no ':' between VID and PID"},
        {"usb://:5346", "VID '' is not 1 to 4 hex digits"},
        {"usb://12345:5346", "VID '12345' is not 1 to 4 hex digits"},
        {"usb://0x12:5346", "VID '0x12' is not 1 to 4 hex digits"},
        {"usb://1209:", "PID '' is not 1 to 4 hex digits"},
        {"usb://1209:53g6", "PID '53g6' is not 1 to 4 hex digits"},
        {"usb://1209:5346/", "the serial after '/' is empty"},
        {"usb://1209:5346/a b", "the serial has a character that is not printable ASCII or is '/'"},
        {"usb://1209:5346/a/b", "the serial has a character that is not printable ASCII or is '/'"},
    };
    for (const auto& [url, what] : cases) {
        std::string why;
        const auto parsed = sf::host::parse_usb_url(url, why);
        INFO(url);
        REQUIRE_FALSE(parsed);
        CHECK(parsed.error() == std::errc::invalid_argument);
        CHECK(why == "malformed USB URL '" + url + "': " + what +
                         "; expected usb://VID:PID[/SERIAL] with VID and PID in hex, e.g. "
                         "usb://1209:5346/SF0001");
    }
}
