#pragma once

#include <cstdint>
#include <string>

#include <sf/firmware/protocol/board_port.hpp>

// A board the emulator server can serve: the protocol's board port, plus what the server needs to
// pace a free run and to log. Each target of `spikeforge serve` is one implementation.
namespace sf::emulator {

class served_board : public firmware::protocol::board_port {
public:
    virtual ~served_board() = default;

    // Seconds of model time per step; 0 before an image is committed.
    virtual double dt() const = 0;
    // Whether the host's input for `step` is there (an inject for that step or a later one).
    virtual bool input_ready(std::uint32_t step) const = 0;
    // Computes the next step of a free run (start or run_for); false when none is running.
    virtual bool free_step() = 0;
    // Why the last image was refused; empty when it was not.
    virtual const std::string& image_problem() const = 0;
};

} // namespace sf::emulator
