#include <poll.h>

#include <algorithm>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <boost/asio.hpp>

#include <sf/emulator/board_server.hpp>
#include <sf/firmware/protocol/frame.hpp>
#include <sf/firmware/protocol/messages.hpp>

namespace sf::emulator {

namespace asio = boost::asio;
namespace protocol = firmware::protocol;
using asio::ip::udp;
using clock = std::chrono::steady_clock;

namespace {

// How often serve() looks at stop() while nothing else is due.
constexpr std::chrono::microseconds stop_check{20000};
// Datagrams handled before the free run gets its turn again.
constexpr int datagrams_per_turn = 256;

std::string describe(const udp::endpoint& e) {
    std::ostringstream s;
    s << e.address().to_string() << ':' << e.port();
    return s.str();
}

// The hello of a frame that passes the frame checks; nothing otherwise.
std::optional<protocol::hello_request> hello_of(const std::uint8_t* bytes, std::size_t size,
                                                protocol::header& head) {
    protocol::frame f;
    if (protocol::decode_frame(bytes, size, f) != protocol::decode_status::ok ||
        f.head.type != protocol::message_type::hello) {
        return std::nullopt;
    }
    protocol::hello_request m;
    if (!protocol::decode_message(f, m)) {
        return std::nullopt;
    }
    head = f.head;
    return m;
}

} // namespace

struct board_server::state {
    board_endpoint& endpoint;
    server_options options;
    std::ostream& log;
    asio::io_context io;
    udp::socket socket{io};
    std::optional<udp::endpoint> host; // the session's host
    clock::time_point last_heard;
    mutable std::mutex counters_lock;
    server_counters counts;
    std::vector<std::uint8_t> datagram = std::vector<std::uint8_t>(65536);

    state(board_endpoint& e, const server_options& o, std::ostream& l)
        : endpoint(e), options(o), log(l) {}

    void note(const std::string& line) { log << line << std::endl; }
    template <class F>
    void count(F f) {
        const std::lock_guard<std::mutex> guard(counters_lock);
        f(counts);
    }
    void send_to(const udp::endpoint& to, const std::uint8_t* bytes, std::size_t size) {
        boost::system::error_code error;
        // A full send buffer loses the datagram as the network would; the protocol copes.
        socket.send_to(asio::buffer(bytes, size), to, 0, error);
    }
    board_endpoint::sender sender_to(const udp::endpoint& to) {
        return
            [this, to](const std::uint8_t* bytes, std::size_t size) { send_to(to, bytes, size); };
    }

    void bind();
    void on_datagram(const udp::endpoint& from, std::size_t size);
    void on_foreign(const udp::endpoint& from, std::size_t size);
    void after_frame(const udp::endpoint& from, std::uint32_t session_before);
    void check_lease();
    bool wait_readable(std::chrono::microseconds wait);
    void receive_all();
};

namespace {
constexpr int socket_buffer_bytes = 4 << 20;
} // namespace

void board_server::state::bind() {
    boost::system::error_code error;
    const auto address = asio::ip::make_address(options.bind, error);
    if (error) {
        throw std::runtime_error("cannot serve on '" + options.bind + "': not an IP address (" +
                                 error.message() + ")");
    }
    const udp::endpoint local(address, options.port);
    socket.open(local.protocol(), error);
    if (!error) {
        socket.bind(local, error);
    }
    if (!error) {
        socket.non_blocking(true, error);
    }
    if (error) {
        throw std::runtime_error("cannot serve on udp://" + describe(local) + ": " +
                                 error.message());
    }
    // An image's chunks come back to back: room for a few thousand of them while the board
    // writes the ones before. The system may grant less (its limit); that only costs resends.
    boost::system::error_code ignored;
    socket.set_option(asio::socket_base::receive_buffer_size(socket_buffer_bytes), ignored);
    socket.set_option(asio::socket_base::send_buffer_size(socket_buffer_bytes), ignored);
}

void board_server::state::on_datagram(const udp::endpoint& from, std::size_t size) {
    count([](server_counters& c) { ++c.datagrams; });
    if (host && from != *host) {
        on_foreign(from, size);
        return;
    }
    const std::uint32_t before = endpoint.session_open() ? endpoint.session() : 0;
    endpoint.receive(datagram.data(), size, sender_to(from));
    after_frame(from, before);
}

// Another host's frames are refused; its hello learns the board is busy, unless it takes the
// board over (the protocol's way to recover a board whose host died).
void board_server::state::on_foreign(const udp::endpoint& from, std::size_t size) {
    count([](server_counters& c) { ++c.foreign_datagrams; });
    protocol::header head;
    const auto hello = hello_of(datagram.data(), size, head);
    if (!hello) {
        return;
    }
    if (hello->take_over) {
        const std::uint32_t before = endpoint.session();
        endpoint.receive(datagram.data(), size, sender_to(from));
        if (endpoint.session_open() && endpoint.session() != before) {
            note("session " + std::to_string(before) + " of " + describe(*host) +
                 " taken over by " + describe(from));
            host.reset();
            after_frame(from, 0);
        }
        return;
    }
    count([](server_counters& c) { ++c.busy_replies; });
    protocol::error_reply busy;
    busy.why = protocol::reason::busy;
    busy.request_type = static_cast<std::uint8_t>(protocol::message_type::hello);
    busy.state = endpoint.side().state();
    std::uint8_t reply[protocol::header_bytes + 16];
    const std::size_t n =
        protocol::encode_message(reply, sizeof reply, head.session, head.sequence, busy);
    if (n > 0) {
        send_to(from, reply, n);
    }
}

// The host whose hello opened a session is the session's host; a bye lets the next one in.
void board_server::state::after_frame(const udp::endpoint& from, std::uint32_t session_before) {
    const bool open = endpoint.session_open();
    if (open && (!host || endpoint.session() != session_before)) {
        host = from;
        count([](server_counters& c) { ++c.sessions_opened; });
        note("session " + std::to_string(endpoint.session()) + " opened by " + describe(from));
    } else if (!open && host) {
        note("session " + std::to_string(session_before) + " of " + describe(*host) + " closed");
        host.reset();
    }
    if (host) {
        last_heard = clock::now();
    }
}

void board_server::state::check_lease() {
    if (!host || clock::now() - last_heard < options.lease) {
        return;
    }
    note("session " + std::to_string(endpoint.session()) + " of " + describe(*host) +
         " expired: nothing heard for " + std::to_string(options.lease.count()) + " ms");
    endpoint.close_session();
    host.reset();
    count([](server_counters& c) { ++c.sessions_expired; });
}

bool board_server::state::wait_readable(std::chrono::microseconds wait) {
    pollfd p{socket.native_handle(), POLLIN, 0};
    const auto us = wait.count();
    timespec t{static_cast<time_t>(us / 1000000), static_cast<long>(us % 1000000) * 1000};
    return ppoll(&p, 1, &t, nullptr) > 0;
}

void board_server::state::receive_all() {
    for (int k = 0; k < datagrams_per_turn; ++k) {
        udp::endpoint from;
        boost::system::error_code error;
        const std::size_t size =
            socket.receive_from(asio::buffer(datagram.data(), datagram.size()), from, 0, error);
        if (error) {
            return; // would block: nothing more for now (other errors: a datagram lost)
        }
        on_datagram(from, size);
    }
}

board_server::board_server(board_endpoint& endpoint, const server_options& options,
                           std::ostream& log)
    : state_(std::make_unique<state>(endpoint, options, log)) {
    state_->bind();
}

board_server::~board_server() = default;

std::uint16_t board_server::local_port() const {
    boost::system::error_code error;
    return state_->socket.local_endpoint(error).port();
}

void board_server::serve() {
    state& s = *state_;
    while (!stopping_.load()) {
        const auto to_host = [&s](const std::uint8_t* bytes, std::size_t size) {
            if (s.host) {
                s.send_to(*s.host, bytes, size);
            }
        };
        std::chrono::microseconds wait = std::min(s.endpoint.advance(to_host), stop_check);
        if (s.host) {
            const auto left = std::chrono::duration_cast<std::chrono::microseconds>(
                s.options.lease - (clock::now() - s.last_heard));
            wait = std::max(std::chrono::microseconds(0), std::min(wait, left));
        }
        if (s.wait_readable(wait)) {
            s.receive_all();
        }
        s.check_lease();
    }
}

server_counters board_server::counters() const {
    const std::lock_guard<std::mutex> guard(state_->counters_lock);
    return state_->counts;
}

} // namespace sf::emulator
