#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <sf/emulator/served_board.hpp>

// `spikeforge serve`: an emulated board answering the host protocol over UDP
// (docs/protocol.md, "The emulator server"), until SIGINT or SIGTERM.
namespace sf::cli {

struct serve_options {
    std::string target = "functional";
    std::uint16_t port = 5346;
    std::string bind = "127.0.0.1";
    std::string pace = "lockstep"; // lockstep or realtime
    double speed_up = 1.0;         // realtime: board time per wall-clock time
    double lease_seconds = 10.0;   // a silent host's session ends after this
    std::uint16_t max_frame = 1472;
};

// The targets serve knows, as `--target` takes them.
std::vector<std::string> serve_targets();
// "a, b": the targets, for messages.
std::string serve_target_list();
// The board a target serves; null when the target is unknown.
std::unique_ptr<emulator::served_board> make_served_board(const std::string& target,
                                                          std::uint16_t max_frame);

// Exit codes as main's: 0 done (stopped by a signal), 1 failed, 2 bad input.
int serve_command(const serve_options& options);

} // namespace sf::cli
