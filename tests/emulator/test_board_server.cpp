// The emulator server (sf/emulator/board_server.hpp) over real UDP on 127.0.0.1: the address whose
// hello opened the session is the only one served, another is told busy or ignored and counted,
// and a host that stays silent past its lease lets the next one in.
// First: <signal.h>, which Asio includes, defines a macro named as a field of the model headers
// this brings.
#include "board_test_support.hpp"

#include <chrono>
#include <memory>
#include <sstream>
#include <thread>

#include <boost/asio.hpp>
#include <catch2/catch.hpp>

#include <sf/emulator/board_server.hpp>
#include <sf/emulator/emulated_board.hpp>

namespace {

using namespace sf::emulator::test;
namespace emulator = sf::emulator;
namespace asio = boost::asio;
using asio::ip::udp;
using protocol::message_type;

// A host's socket on 127.0.0.1 talking to the server.
struct client {
    asio::io_context& io;
    udp::socket socket;
    udp::endpoint server;
    std::uint32_t session;
    std::uint32_t sequence = 1;

    client(asio::io_context& context, std::uint16_t port, std::uint32_t id)
        : io(context), socket(context, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
          server(asio::ip::make_address("127.0.0.1"), port), session(id) {
        socket.non_blocking(true);
    }

    template <class M>
    void send(const M& m) {
        const bytes frame = encode_frame(m, session, sequence++);
        socket.send_to(asio::buffer(frame), server);
    }
    // The next datagram within `timeout`; empty when none came.
    bytes receive(std::chrono::milliseconds timeout = std::chrono::milliseconds(2000)) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        bytes buffer(65536);
        while (std::chrono::steady_clock::now() < deadline) {
            boost::system::error_code error;
            udp::endpoint from;
            const std::size_t n = socket.receive_from(asio::buffer(buffer), from, 0, error);
            if (!error) {
                buffer.resize(n);
                return buffer;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        return {};
    }
    message_type hello() {
        protocol::hello_request h;
        h.spikes_out_limit = 1000;
        send(h);
        const bytes reply = receive();
        REQUIRE(!reply.empty());
        return decoded(reply).head.type;
    }
};

// A host's requests over UDP: the reply to each, and the spikes_out frames that came before it.
struct udp_host {
    client& link;
    std::vector<bytes> spikes; // spikes_out frames, as they came

    template <class M>
    bytes request(const M& m) {
        const std::uint32_t sequence = link.sequence;
        for (int attempt = 0; attempt < 5; ++attempt) {
            link.sequence = sequence;
            link.send(m);
            for (;;) {
                const bytes b = link.receive(std::chrono::milliseconds(500));
                if (b.empty()) {
                    break; // lost: send it again
                }
                const protocol::frame f = decoded(b);
                if (f.head.type == message_type::spikes_out) {
                    spikes.push_back(b);
                } else if (f.head.sequence == sequence) {
                    return b;
                }
            }
        }
        FAIL("no reply to request " << sequence);
        return {};
    }

    // Loads an image, resending the chunks a query finds missing.
    void load(const std::vector<std::uint32_t>& words) {
        const bytes image = image_bytes(words);
        const std::uint32_t transfer = link.sequence;
        REQUIRE(decoded(request(begin_of(image, 1000))).head.type == message_type::ack);
        const std::vector<bytes> chunks = image_chunks(image, 1000, transfer, link.session);
        std::vector<std::uint32_t> missing(chunks.size());
        for (std::uint32_t k = 0; k < missing.size(); ++k) {
            missing[k] = k;
        }
        for (int round = 0; round < 20 && !missing.empty(); ++round) {
            for (const std::uint32_t k : missing) {
                link.socket.send_to(asio::buffer(chunks[k]), link.server);
                std::this_thread::sleep_for(std::chrono::microseconds(200));
            }
            const bytes reply = request(protocol::load_query_request{});
            const auto m = message_of<protocol::load_missing_reply>(reply);
            REQUIRE(m.covered == chunks.size());
            missing.clear();
            for (std::uint32_t k = 0; k < m.covered; ++k) {
                if (m.is_missing(k)) {
                    missing.push_back(k);
                }
            }
        }
        REQUIRE(missing.empty());
        REQUIRE(decoded(request(protocol::load_commit_request{})).head.type == message_type::ack);
    }
};

// A server on a thread of its own, stopped when the test ends.
struct running_server {
    emulator::board_endpoint endpoint;
    std::ostringstream log;
    emulator::board_server server;
    std::thread thread;

    explicit running_server(std::chrono::milliseconds lease)
        : endpoint(std::make_unique<emulator::emulated_board>(), {}),
          server(endpoint, options(lease), log), thread([this] { server.serve(); }) {}
    ~running_server() { finish(); }
    void finish() {
        server.stop();
        if (thread.joinable()) {
            thread.join();
        }
    }
    static emulator::server_options options(std::chrono::milliseconds lease) {
        emulator::server_options o;
        o.lease = lease;
        return o;
    }
};

} // namespace

TEST_CASE("board server: one host at a time, the others told busy or ignored",
          "[emulator][server]") {
    auto s = std::make_unique<running_server>(std::chrono::milliseconds(10000));
    const std::uint16_t port = s->server.local_port();
    REQUIRE(port != 0);
    asio::io_context io;
    client first(io, port, 0x11111111u);
    client second(io, port, 0x22222222u);

    CHECK(first.hello() == message_type::hello_reply);
    protocol::hello_request h;
    second.send(h);
    const bytes busy = second.receive();
    REQUIRE(!busy.empty());
    CHECK(message_of<protocol::error_reply>(busy).why == protocol::reason::busy);

    // The second host's other frames are dropped unanswered, even with the session's own id.
    second.session = first.session;
    second.send(protocol::read_counters_request{});
    CHECK(second.receive(std::chrono::milliseconds(200)).empty());

    // The session's host is still served.
    first.send(protocol::read_counters_request{});
    const bytes counters = first.receive();
    REQUIRE(!counters.empty());
    CHECK(decoded(counters).head.type == message_type::counters);

    first.send(protocol::bye_request{});
    REQUIRE(!first.receive().empty());
    second.session = 0x22222222u;
    CHECK(second.hello() == message_type::hello_reply);

    s->finish();
    const emulator::server_counters c = s->server.counters();
    CHECK(c.foreign_datagrams == 2);
    CHECK(c.busy_replies == 1);
    CHECK(c.sessions_opened == 2);
    CHECK(c.sessions_expired == 0);
    CHECK(s->log.str().find("closed") != std::string::npos);
}

TEST_CASE("board server: a silent host's lease runs out and the next host gets the board",
          "[emulator][server]") {
    running_server s(std::chrono::milliseconds(200));
    asio::io_context io;
    client first(io, s.server.local_port(), 0x11111111u);
    client second(io, s.server.local_port(), 0x22222222u);
    CHECK(first.hello() == message_type::hello_reply);
    protocol::hello_request h;
    second.send(h);
    REQUIRE(!second.receive().empty());
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    CHECK(second.hello() == message_type::hello_reply);
    CHECK(s.server.counters().sessions_expired == 1);
    CHECK(s.log.str().find("expired") != std::string::npos);

    // The first host is now the foreign one.
    first.send(protocol::read_counters_request{});
    CHECK(first.receive(std::chrono::milliseconds(200)).empty());
}

TEST_CASE("board server: an address that is not one is refused with a reason",
          "[emulator][server]") {
    emulator::board_endpoint endpoint(std::make_unique<emulator::emulated_board>(), {});
    std::ostringstream log;
    emulator::server_options o;
    o.bind = "not-an-address";
    CHECK_THROWS_WITH(emulator::board_server(endpoint, o, log),
                      Catch::Contains("not an IP address"));
}

TEST_CASE("board server: a hello that takes the board over moves the session to its address",
          "[emulator][server]") {
    running_server s(std::chrono::milliseconds(10000));
    asio::io_context io;
    client first(io, s.server.local_port(), 0x11111111u);
    client second(io, s.server.local_port(), 0x22222222u);
    CHECK(first.hello() == message_type::hello_reply);
    protocol::hello_request take;
    take.take_over = true;
    take.spikes_out_limit = 1000;
    second.send(take);
    const bytes reply = second.receive();
    REQUIRE(!reply.empty());
    CHECK(decoded(reply).head.type == message_type::hello_reply);
    first.send(protocol::read_counters_request{});
    CHECK(first.receive(std::chrono::milliseconds(200)).empty());
    second.send(protocol::read_counters_request{});
    const bytes counters = second.receive();
    REQUIRE(!counters.empty());
    CHECK(decoded(counters).head.type == message_type::counters);
    CHECK(s.log.str().find("taken over") != std::string::npos);
}

TEST_CASE("board server: a lockstep run over UDP steps with the host's input and sends its spikes",
          "[emulator][server]") {
    sf::mapper::mapped_network mapped;
    const std::vector<std::uint32_t> words = driven_image(mapped);
    const std::uint32_t in0 = key_of_selection(mapped, "0");
    const std::uint32_t out0 = key_of_selection(mapped, "10");
    running_server s(std::chrono::milliseconds(10000));
    asio::io_context io;
    client link(io, s.server.local_port(), 0x33333333u);
    udp_host host{link, {}};
    protocol::hello_request h;
    h.spikes_out_limit = 1u << 20;
    REQUIRE(decoded(host.request(h)).head.type == message_type::hello_reply);
    host.load(words);
    protocol::watch_request w;
    w.count = 1; // every spike: key & 0 == 0
    host.request(w);
    host.request(protocol::start_request{});

    // One input frame per step; the board computes step t once its frame is there.
    constexpr std::uint32_t steps = 40;
    std::uint32_t next_key = 0;
    for (std::uint32_t t = 1; t <= steps; ++t) {
        const std::vector<std::uint32_t> keys =
            t == 3 ? std::vector<std::uint32_t>{in0} : std::vector<std::uint32_t>{};
        protocol::spikes_in m;
        m.step = t;
        m.key_words = keys.data();
        m.count = static_cast<std::uint16_t>(keys.size());
        const bytes frame = encode_frame(m, link.session, next_key);
        next_key += m.count;
        link.socket.send_to(asio::buffer(frame), link.server);
        const bytes out = link.receive();
        REQUIRE(!out.empty());
        host.spikes.push_back(out);
    }
    const auto stopped = message_of<protocol::ack_reply>(host.request(protocol::stop_request{}));
    CHECK(stopped.step == steps);

    std::vector<std::uint32_t> step_of_in0, step_of_out0;
    REQUIRE(host.spikes.size() == steps);
    for (std::uint32_t k = 0; k < steps; ++k) {
        const protocol::frame f = decoded(host.spikes[k]);
        REQUIRE(f.head.type == message_type::spikes_out);
        protocol::spikes_out m;
        REQUIRE(protocol::decode_message(f, m));
        CHECK(m.step == k + 1);
        for (std::size_t i = 0; i < m.count; ++i) {
            if (m.key(i) == in0) {
                step_of_in0.push_back(m.step);
            }
            if (m.key(i) == out0) {
                step_of_out0.push_back(m.step);
            }
        }
    }
    CHECK(step_of_in0 == std::vector<std::uint32_t>{3});
    REQUIRE(!step_of_out0.empty());
    CHECK(step_of_out0.front() > 3);
}
