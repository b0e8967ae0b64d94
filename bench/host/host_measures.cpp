#include "host_measures.hpp"

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <sf/host/image_populations.hpp>

namespace sf::bench {

namespace protocol = firmware::protocol;

namespace {

constexpr std::uint32_t warm_up_steps = 1000;

std::unique_ptr<host::board_client> open(const std::string& url) {
    host::connect_options options;
    options.take_over = true; // a session an earlier measurement left open must not block this
    return host::board_client::connect(url, options);
}

link_figures link_of(const host::board_client& board, std::uint64_t drops_before) {
    return {board.link_counters(), board.timing(), udp_receive_buffer_errors() - drops_before};
}

// after − before, counter by counter (the board's counters only grow within a session).
protocol::board_counters difference(protocol::board_counters after,
                                    protocol::board_counters before) {
    std::vector<std::uint64_t> earlier;
    protocol::visit_counters(before, [&](std::uint64_t& v) { earlier.push_back(v); });
    std::size_t i = 0;
    protocol::visit_counters(after, [&](std::uint64_t& v) { v -= earlier[i++]; });
    return after;
}

} // namespace

std::uint64_t udp_receive_buffer_errors() {
    std::ifstream snmp("/proc/net/snmp");
    std::string names;
    std::string values;
    // Two lines start with "Udp:": the field names, then their values.
    while (std::getline(snmp, names)) {
        if (names.rfind("Udp:", 0) == 0 && std::getline(snmp, values)) {
            std::istringstream n(names);
            std::istringstream v(values);
            std::string name;
            std::string value;
            while (n >> name && v >> value) {
                if (name == "RcvbufErrors") {
                    return std::stoull(value);
                }
            }
        }
    }
    return 0;
}

double load_figures::megabytes_per_second() const {
    return report.seconds > 0 ? static_cast<double>(report.bytes) / report.seconds / 1e6 : 0.0;
}

double input_figures::keys_per_second() const {
    return run.seconds > 0 ? static_cast<double>(keys_sent) / run.seconds : 0.0;
}

bool input_figures::every_key_accounted() const {
    return keys_sent ==
           board.inject_events + board.inject_lost + board.inject_late + board.inject_dropped;
}

double loop_figures::median_us() const { return host::median_seconds(run.step_round_trips) * 1e6; }
double loop_figures::p99_us() const { return host::p99_seconds(run.step_round_trips) * 1e6; }

load_figures measure_load(const std::string& url, const std::vector<std::uint8_t>& image) {
    const std::uint64_t drops_before = udp_receive_buffer_errors();
    auto board = open(url);
    load_figures f;
    f.report = board->load_bytes(image);
    f.link = link_of(*board, drops_before);
    board->reset(); // the image's memory is freed before the next measurement loads its own
    board->close();
    return f;
}

input_figures measure_input(const std::string& url, const std::vector<std::uint32_t>& image,
                            const std::string& population, std::uint32_t keys_per_step,
                            std::uint32_t steps) {
    const host::image_populations pops = host::image_populations::read(image);
    const std::vector<std::uint32_t>& cells = pops.find(population).keys;
    const std::uint64_t drops_before = udp_receive_buffer_errors();
    auto board = open(url);
    board->load(image);
    // Each step's keys: the next keys_per_step cells of the population, round robin, so that a
    // cell spikes at most once per step while keys_per_step ≤ its size.
    std::vector<std::uint32_t> keys(keys_per_step);
    std::size_t next = 0;
    host::key_io io;
    io.input = [&](std::uint32_t) {
        for (std::uint32_t& k : keys) {
            k = cells[next];
            next = (next + 1) % cells.size();
        }
        return keys;
    };
    // Untimed steps first: the first thousands of steps after a load run slower (the server's
    // and the host's memory and caches warming up), which is not the sustained rate.
    board->run(warm_up_steps, &io);
    const protocol::board_counters before = board->read_counters();
    const std::uint64_t sent_before = board->link_counters().input_keys;
    input_figures f;
    f.keys_per_step = keys_per_step;
    f.run = board->run(steps, &io);
    f.keys_sent = board->link_counters().input_keys - sent_before;
    f.board = difference(board->read_counters(), before);
    f.link = link_of(*board, drops_before);
    board->reset();
    board->close();
    return f;
}

loop_figures measure_loop(const std::string& url, const std::vector<std::uint32_t>& image,
                          std::uint32_t steps) {
    const host::image_populations pops = host::image_populations::read(image);
    const host::population& left = pops.find("senseLeft");
    const host::population& right = pops.find("senseRight");
    const std::uint64_t drops_before = udp_receive_buffer_errors();
    auto board = open(url);
    board->load(image);
    board->watch(pops.filters({"pushRight", "pushLeft"}));
    // The sensors alternate every 50 steps, and within a side a quarter of the cells fire each
    // step, so the motors answer with spikes of their own every step or so.
    host::key_io io;
    io.input = [&](std::uint32_t step) {
        const host::population& side = (step / 50) % 2 == 0 ? left : right;
        std::vector<std::uint32_t> keys;
        for (std::size_t c = step % 4; c < side.keys.size(); c += 4) {
            keys.push_back(side.keys[c]);
        }
        return keys;
    };
    io.output = [](std::uint32_t, const std::vector<std::uint32_t>&) {};
    const protocol::board_counters before = board->read_counters();
    loop_figures f;
    f.run = board->run(steps, &io);
    f.board = difference(board->read_counters(), before);
    f.link = link_of(*board, drops_before);
    board->reset();
    board->close();
    return f;
}

} // namespace sf::bench
