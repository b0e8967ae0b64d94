#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>

// A UDP relay on loopback between a host and a server that damages the datagrams it forwards:
// drops, duplicates, reorders (holds one back until the next one in its direction), delays and
// corrupts (flips one bit) each at its own rate, from a fixed seed, counting each. The host sends
// to port(); the proxy forwards to the server's port and the server's answers back to the host.
namespace sf::test {

struct fault_rates {
    double drop = 0.0;
    double duplicate = 0.0;
    double reorder = 0.0;
    double delay = 0.0;
    double corrupt = 0.0;
    std::chrono::microseconds delay_by{2000};
};

struct fault_counts {
    std::uint64_t received = 0;
    std::uint64_t forwarded = 0; // datagrams sent on, copies included
    std::uint64_t dropped = 0;
    std::uint64_t duplicated = 0;
    std::uint64_t reordered = 0;
    std::uint64_t delayed = 0;
    std::uint64_t corrupted = 0;
};

class fault_proxy {
public:
    fault_proxy(std::uint16_t server_port, fault_rates rates, std::uint32_t seed);
    ~fault_proxy();
    fault_proxy(const fault_proxy&) = delete;
    fault_proxy& operator=(const fault_proxy&) = delete;

    std::uint16_t port() const;
    fault_counts counts() const; // after stop() or while running (approximate)
    void stop();

private:
    struct state;
    std::unique_ptr<state> state_;
    std::thread relay_;
};

} // namespace sf::test
