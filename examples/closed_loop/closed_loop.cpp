// A network in a closed loop with a plant, over the host runtime: every time step the program
// encodes the cart's position error as spikes of the sensor populations, the board computes the
// step, and the motor populations' spikes move the cart. It writes the trajectory and each step's
// loop latency, and tells how well the cart followed its target.
//
//   closed_loop IMAGE [--url URL] [--out FILE] [--max-error E] [--open-loop]
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <sf/host/board_client.hpp>
#include <sf/host/image_populations.hpp>
#include <sf/mapper/image_file.hpp>

#include "plant.hpp"

namespace {

struct options {
    std::string image;
    std::string url = "udp://127.0.0.1:5346";
    std::string out = "closed_loop.trajectory.csv";
    double max_error = -1.0; // fail when the settled error exceeds it (negative: never)
    bool open_loop = false;  // ignore the motors: the cart stays where it is
};

bool parse(int argc, char** argv, options& o) {
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const bool has_value = i + 1 < argc;
        if (a == "--url" && has_value) {
            o.url = argv[++i];
        } else if (a == "--out" && has_value) {
            o.out = argv[++i];
        } else if (a == "--max-error" && has_value) {
            o.max_error = std::stod(argv[++i]);
        } else if (a == "--open-loop") {
            o.open_loop = true;
        } else if (o.image.empty() && !a.empty() && a[0] != '-') {
            o.image = a;
        } else {
            return false;
        }
    }
    return !o.image.empty();
}

struct sample {
    std::uint32_t step;
    double target;
    double position;
    double round_trip;
};

// The mean distance to the target over the last 30 % of each half of the run, when the cart
// should have settled.
double settled_error(const std::vector<sample>& trajectory) {
    const std::size_t half = trajectory.size() / 2;
    double sum = 0.0;
    std::size_t count = 0;
    for (std::size_t start : {std::size_t{0}, half}) {
        for (std::size_t i = start + half * 7 / 10; i < start + half; ++i) {
            sum += std::abs(trajectory[i].target - trajectory[i].position);
            ++count;
        }
    }
    return count > 0 ? sum / static_cast<double>(count) : 0.0;
}

int run(const options& o) {
    namespace host = sf::host;
    const std::vector<std::uint32_t> image = sf::mapper::load_image(o.image);
    const host::image_populations pops = host::image_populations::read(image);
    const host::population& sense_left = pops.find("senseLeft");
    const host::population& sense_right = pops.find("senseRight");
    const std::size_t push_right = pops.index_of("pushRight");
    const std::size_t push_left = pops.index_of("pushLeft");
    const double dt = pops.dt();
    const auto steps = static_cast<std::uint32_t>(pops.steps());
    const double run_seconds = dt * steps;

    auto board = host::board_client::connect(o.url);
    board->load(image);
    board->watch(pops.filters({"pushRight", "pushLeft"}));

    const closed_loop::error_encoder encoder(static_cast<std::uint32_t>(sense_left.keys.size()),
                                             0.05, 4);
    closed_loop::motor_decoder motors(0.2, 0.02);
    closed_loop::cart cart;
    std::vector<sample> trajectory;
    host::key_io io;
    io.input = [&](std::uint32_t step) {
        const double error = closed_loop::target_at(step * dt, run_seconds) - cart.position;
        const host::population& side = error > 0 ? sense_left : sense_right;
        std::vector<std::uint32_t> keys;
        for (std::uint32_t cell : encoder.firing(std::abs(error), step)) {
            keys.push_back(side.keys[cell]);
        }
        return keys;
    };
    io.output = [&](std::uint32_t step, const std::vector<std::uint32_t>& keys) {
        std::size_t right = 0;
        std::size_t left = 0;
        for (std::uint32_t key : keys) {
            host::cell_ref where;
            if (pops.cell_of(key, where)) {
                right += where.population == push_right;
                left += where.population == push_left;
            }
        }
        const double velocity = motors.update(right, left, dt);
        if (!o.open_loop) {
            cart.move(velocity, dt);
        }
        trajectory.push_back(
            {step, closed_loop::target_at(step * dt, run_seconds), cart.position, 0.0});
    };
    const host::run_report report = board->run(steps, &io);
    for (std::size_t i = 0; i < trajectory.size() && i < report.step_round_trips.size(); ++i) {
        trajectory[i].round_trip = report.step_round_trips[i];
    }
    board->close();

    std::ofstream csv(o.out);
    csv << "step,time_s,target,position,loop_latency_us\n";
    for (const sample& s : trajectory) {
        csv << s.step << ',' << s.step * dt << ',' << s.target << ',' << s.position << ','
            << s.round_trip * 1e6 << '\n';
    }
    if (!csv) {
        std::cerr << "closed_loop: cannot write " << o.out << "\n";
        return 1;
    }
    const double error = settled_error(trajectory);
    std::cout << "closed loop over " << o.url << ": " << trajectory.size() << " steps of "
              << dt * 1e3 << " ms; settled tracking error " << error << "; loop latency median "
              << host::median_seconds(report.step_round_trips) * 1e6 << " us, p99 "
              << host::p99_seconds(report.step_round_trips) * 1e6 << " us\nwrote " << o.out << "\n";
    if (trajectory.size() != steps) {
        std::cerr << "closed_loop: " << steps - trajectory.size() << " steps without output\n";
        return 1;
    }
    return o.max_error >= 0 && error > o.max_error ? 1 : 0;
}

} // namespace

int main(int argc, char** argv) {
    options o;
    if (!parse(argc, argv, o)) {
        std::cerr << "usage: closed_loop IMAGE [--url URL] [--out FILE] [--max-error E] "
                     "[--open-loop]\n";
        return 2;
    }
    try {
        return run(o);
    } catch (const std::exception& e) {
        std::cerr << "closed_loop: " << e.what() << "\n";
        return 1;
    }
}
