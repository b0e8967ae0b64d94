#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

// The plant and its spike codes for the closed-loop example: a cart on a rail that must follow a
// target. The network sees the position error through two sensor populations and moves the cart
// through two motor populations; everything here runs on the host, once per time step.
namespace closed_loop {

// Where the cart should be: a step to +1 at the start, then a step to -0.5 halfway through.
inline double target_at(double seconds, double run_seconds) {
    return seconds < run_seconds / 2 ? 1.0 : -0.5;
}

// A population code of the error: sensor cell i of the side the error lies on fires when the
// error exceeds (i + 1) * resolution, at most every `period` steps (its motor cell's refractory
// period is shorter), staggered so that the cells do not all fire in the same step.
class error_encoder {
public:
    error_encoder(std::uint32_t cells, double resolution, std::uint32_t period)
        : cells_(cells), resolution_(resolution), period_(period) {}

    // The cells of one side that fire at `step` for an error of `magnitude` (at least 0).
    std::vector<std::uint32_t> firing(double magnitude, std::uint64_t step) const {
        std::vector<std::uint32_t> out;
        for (std::uint32_t i = 0; i < cells_; ++i) {
            if (magnitude > (i + 1) * resolution_ && (step + i) % period_ == 0) {
                out.push_back(i);
            }
        }
        return out;
    }
    double resolution() const { return resolution_; }

private:
    std::uint32_t cells_;
    double resolution_;
    std::uint32_t period_;
};

// The motor populations' spikes as a velocity command: each spike adds `gain` (positions per
// second) to a push that decays with time constant `tau`.
class motor_decoder {
public:
    motor_decoder(double gain, double tau_seconds) : gain_(gain), tau_(tau_seconds) {}

    double update(std::size_t push_right, std::size_t push_left, double dt) {
        velocity_ += gain_ * (static_cast<double>(push_right) - static_cast<double>(push_left));
        velocity_ *= std::exp(-dt / tau_);
        return velocity_;
    }

private:
    double gain_;
    double tau_;
    double velocity_ = 0.0;
};

// The cart: its velocity is what the motors command.
struct cart {
    double position = 0.0;
    void move(double velocity, double dt) { position += velocity * dt; }
};

} // namespace closed_loop
