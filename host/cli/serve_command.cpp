#include <csignal>
#include <iostream>
#include <stdexcept>

#include <sf/emulator/board_server.hpp>
#include <sf/emulator/emulated_board.hpp>
#include <sf/firmware/protocol/frame.hpp>

#include "rtl_target.hpp"
#include "serve_command.hpp"
#include "timed_target.hpp"

namespace sf::cli {

namespace {

// The server a signal stops; set while serve_command serves.
emulator::board_server* serving = nullptr;

extern "C" void stop_serving(int) {
    if (serving != nullptr) {
        serving->stop(); // an atomic store: safe in a signal handler
    }
}

// What is wrong with the options users give; empty when nothing is.
std::string check_options(const serve_options& o) {
    if (!make_served_board(o.target, firmware::protocol::max_frame_udp)) {
        return "unknown target '" + o.target + "'; available: " + serve_target_list();
    }
    if (o.pace != "lockstep" && o.pace != "realtime") {
        return "unknown pace '" + o.pace + "'; available: lockstep, realtime";
    }
    if (!(o.speed_up > 0.0)) {
        return "the speed-up must be above 0";
    }
    if (!(o.lease_seconds > 0.0)) {
        return "the lease must be above 0 seconds";
    }
    if (o.max_frame < 84 || o.max_frame > firmware::protocol::max_frame) {
        return "the largest frame must be 84 to " + std::to_string(firmware::protocol::max_frame) +
               " bytes";
    }
    return {};
}

} // namespace

std::vector<std::string> serve_targets() { return {"functional", "systemc", "rtl"}; }

std::string serve_target_list() {
    std::string all;
    for (const std::string& n : serve_targets()) {
        all += (all.empty() ? "" : ", ") + n;
    }
    return all;
}

std::unique_ptr<emulator::served_board> make_served_board(const std::string& target,
                                                          std::uint16_t max_frame) {
    emulator::emulated_board_options options;
    options.max_frame = max_frame;
    if (target == "functional") {
        return std::make_unique<emulator::emulated_board>(options);
    }
    if (target == "systemc") {
        // Each image on the board its machine section names, timed as docs/timing.md says.
        options.make_board = timed_target_maker({});
        return std::make_unique<emulator::emulated_board>(options);
    }
    if (target == "rtl") {
        // Every core and router Verilated, the cores' cycle budget the image's board's.
        options.make_board = rtl_target_maker({});
        return std::make_unique<emulator::emulated_board>(options);
    }
    return nullptr;
}

int serve_command(const serve_options& options) {
    const std::string problem = check_options(options);
    if (!problem.empty()) {
        std::cerr << "spikeforge serve: " << problem << "\n";
        return 2;
    }
    emulator::endpoint_options paced;
    paced.pace = options.pace == "realtime" ? emulator::pace::realtime : emulator::pace::lockstep;
    paced.speed_up = options.speed_up;
    emulator::board_endpoint endpoint(
        make_served_board(options.target, options.max_frame), paced,
        [](const std::string& line) { std::cout << line << std::endl; });
    emulator::server_options where;
    where.bind = options.bind;
    where.port = options.port;
    where.lease = std::chrono::milliseconds(static_cast<long long>(options.lease_seconds * 1e3));
    try {
        emulator::board_server server(endpoint, where, std::cout);
        serving = &server;
        std::signal(SIGINT, stop_serving);
        std::signal(SIGTERM, stop_serving);
        std::cout << "serving the " << options.target << " emulator on udp://" << options.bind
                  << ':' << server.local_port() << " (pace " << options.pace << ")" << std::endl;
        server.serve();
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
        serving = nullptr;
        std::cout << "stopped" << std::endl;
        return 0;
    } catch (const std::runtime_error& e) {
        std::cerr << "spikeforge serve: " << e.what() << "\n";
        return 1;
    }
}

} // namespace sf::cli
