#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>

#include <sf/emulator/board_endpoint.hpp>

// The emulator server (docs/protocol.md, "The emulator server"): a board endpoint behind a UDP
// socket. The address whose hello opened the session is the only one whose frames are handled;
// a session whose host stays silent for the lease time is closed so that another host may connect.
namespace sf::emulator {

struct server_options {
    std::string bind = "127.0.0.1";
    std::uint16_t port = 0; // 0: any free port (local_port() tells which)
    std::chrono::milliseconds lease{10000};
};

struct server_counters {
    std::uint64_t datagrams = 0;         // received
    std::uint64_t foreign_datagrams = 0; // from an address other than the session's host, refused
    std::uint64_t busy_replies = 0;      // hellos from such an address, answered busy
    std::uint64_t sessions_opened = 0;
    std::uint64_t sessions_expired = 0; // closed after their lease ran out
};

class board_server {
public:
    // Binds the socket; throws std::runtime_error saying why when it cannot. `log` receives a
    // line per session opened, closed or expired and per image loaded or refused.
    board_server(board_endpoint& endpoint, const server_options& options, std::ostream& log);
    ~board_server();
    board_server(const board_server&) = delete;
    board_server& operator=(const board_server&) = delete;

    std::uint16_t local_port() const;
    // Serves until stop(); returns within a few milliseconds of it.
    void serve();
    // Makes serve() return. Safe from any thread and from a signal handler.
    void stop() { stopping_.store(true); }

    // A snapshot; safe from any thread.
    server_counters counters() const;

private:
    struct state;
    std::unique_ptr<state> state_;
    std::atomic<bool> stopping_{false};
};

} // namespace sf::emulator
