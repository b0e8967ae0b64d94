#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <sf/firmware/protocol/counters.hpp>
#include <sf/host/board_client.hpp>

// The three host–board measurements of bench (g) (bench/README.md): image load throughput,
// sustained live input, and the closed-loop round trip per step. Each runs one session against
// the board at `url` and returns what it measured, the host's and the board's counters included.
namespace sf::bench {

struct link_figures {
    host::channel_counters host;
    host::phase_timing timing;
    // Datagrams the kernel dropped because a receiving socket's buffer was full (Udp
    // RcvbufErrors of /proc/net/snmp, machine-wide) during the measurement: on loopback, losses
    // of the host, the server or the relay that no protocol counter can see as such.
    std::uint64_t socket_buffer_drops = 0;
};

// Udp RcvbufErrors from /proc/net/snmp (0 when it cannot be read).
std::uint64_t udp_receive_buffer_errors();

struct load_figures {
    host::load_report report;
    link_figures link;
    double megabytes_per_second() const;
};

struct input_figures {
    std::uint32_t keys_per_step = 0;
    host::run_report run;
    link_figures link;
    std::uint64_t keys_sent = 0;              // spikes_in keys the host sent in the run
    firmware::protocol::board_counters board; // what changed on the board during the run
    double keys_per_second() const;
    // Every key the host sent is passed on or counted as lost, late or dropped by the board.
    bool every_key_accounted() const;
};

struct loop_figures {
    host::run_report run;
    link_figures link;
    firmware::protocol::board_counters board;
    double median_us() const;
    double p99_us() const;
};

load_figures measure_load(const std::string& url, const std::vector<std::uint8_t>& image);
input_figures measure_input(const std::string& url, const std::vector<std::uint32_t>& image,
                            const std::string& population, std::uint32_t keys_per_step,
                            std::uint32_t steps);
loop_figures measure_loop(const std::string& url, const std::vector<std::uint32_t>& image,
                          std::uint32_t steps);

} // namespace sf::bench
