// The whole protocol over USB: libusb talks to a device umockdev emulates, whose frames go through
// the firmware's board side to an emulated board. An image loads in frames of 4096 bytes, runs in
// lockstep with live input and output, and its recordings come back as the functional emulator
// records them; a board that is not plugged in fails at once; frames the link drops are counted.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/emulator/board_endpoint.hpp>
#include <sf/emulator/emulated_board.hpp>
#include <sf/emulator/recording_blob.hpp>
#include <sf/host/board_client.hpp>
#include <sf/host/host_errors.hpp>
#include <sf/host/usb_link.hpp>

#include "../mapper/mapping_support.hpp"
#include "usb_echo_device.hpp"

namespace {

using namespace std::chrono_literals;
using namespace sf::mapper::test;
namespace emulator = sf::emulator;
namespace mapper = sf::mapper;
namespace protocol = sf::firmware::protocol;
using sf::host::board_client;
using sf::test::usb_echo_device;
using bytes = std::vector<std::uint8_t>;

const std::string board_url = "usb://1209:5346/SF0001";

// An emulated board with the USB contract's frame size behind the emulated device: each frame
// the host sends is handled by the board's endpoint, and what it sends back goes out on the IN
// endpoint. umockdev runs the device on a thread of its own, so the board is looked at under a
// lock.
class usb_board {
public:
    usb_board()
        : endpoint_(new_board(), emulator::endpoint_options{}),
          device_(true, [this](const std::uint8_t* frame, std::size_t size,
                               std::vector<bytes>& answers) { answer(frame, size, answers); }) {}

    // Calls `look` with the board while no frame is being handled.
    template <class F>
    auto with_board(F look) {
        std::lock_guard<std::mutex> lock(mutex_);
        return look(dynamic_cast<const emulator::emulated_board&>(endpoint_.board()));
    }
    // Sizes of the frames the board sent, in order.
    std::vector<std::size_t> answer_sizes() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return answer_sizes_;
    }
    const usb_echo_device& device() const { return device_; }

private:
    static std::unique_ptr<emulator::served_board> new_board() {
        emulator::emulated_board_options options;
        options.max_frame = static_cast<std::uint16_t>(sf::host::usb_contract::max_frame);
        return std::make_unique<emulator::emulated_board>(options);
    }
    void answer(const std::uint8_t* frame, std::size_t size, std::vector<bytes>& answers) {
        std::lock_guard<std::mutex> lock(mutex_);
        endpoint_.receive(frame, size, [&](const std::uint8_t* out, std::size_t n) {
            answers.emplace_back(out, out + n);
            answer_sizes_.push_back(n);
        });
    }

    mutable std::mutex mutex_;
    emulator::board_endpoint endpoint_;
    std::vector<std::size_t> answer_sizes_;
    usb_echo_device device_; // last: gone before the endpoint it answers with
};

// Replies wait long enough that a board computing many steps at once is never asked twice.
sf::host::connect_options patient() {
    sf::host::connect_options options;
    options.channel.first_timeout = 2s;
    options.channel.tries = 3;
    return options;
}

mapper::mapped_network driven_network() {
    temp_folder dir("sf_test_usb_driven");
    return map_text(dir, driven_model, inline_board(2, 2, "hexagonal", 2, 4));
}

// The balanced network example (50 cells, Poisson drive, a trace and a spike file) mapped onto
// a board of 2 x 2 chips of 4 cores of 16 neurons.
std::vector<std::uint32_t> balanced_image() {
    const auto file =
        std::filesystem::path(SF_EXAMPLES_DIR) / "balanced_network" / "LEMS_balanced_network.xml";
    const mapper::mapped_network mapped =
        mapper::map_network(flatten_here(sf::lems::load_model({file})),
                            inline_board(2, 2, "hexagonal", 4, 16), quick_options());
    return mapper::encode_image(mapped);
}

std::size_t frames_of_size(const std::vector<std::size_t>& sizes, std::size_t size) {
    return static_cast<std::size_t>(std::count(sizes.begin(), sizes.end(), size));
}

} // namespace

TEST_CASE("usb board: an image loads in frames of 4096 bytes and records what the emulator does",
          "[host][usb_board]") {
    const std::vector<std::uint32_t> words = balanced_image();
    constexpr std::uint32_t steps = 2000;
    emulator::functional_emulator direct(words.data(), words.size());
    REQUIRE(direct.ready());
    direct.run(steps);

    usb_board b;
    auto client = board_client::connect(board_url, patient());
    CHECK(client->board().max_frame == sf::host::usb_contract::max_frame);

    const sf::host::load_report load = client->load(words);
    // Each chunk fills a frame of the size the board and the link agreed on.
    const std::size_t chunk = sf::host::usb_contract::max_frame - protocol::header_bytes -
                              protocol::load_chunk::fixed_bytes;
    const std::size_t image_bytes = words.size() * 4;
    CHECK(load.bytes == image_bytes);
    CHECK(load.chunk_bytes == chunk);
    CHECK(load.chunks == (image_bytes + chunk - 1) / chunk);
    CHECK(load.chunks_resent == 0);
    REQUIRE(image_bytes > 2 * chunk);
    CHECK(frames_of_size(b.device().frames_taken(), sf::host::usb_contract::max_frame) ==
          image_bytes / chunk);
    CHECK(b.with_board([](const emulator::emulated_board& board) { return board.info().cores; }) ==
          direct.core_count());

    const sf::host::run_report run = client->run(steps);
    CHECK(run.steps == steps);
    CHECK(run.last_step == steps);
    const bytes recording = client->read_recording();
    CHECK((recording == emulator::encode_recording(direct.traces(), direct.events())));
    // The recording is longer than a frame: it came back in full frames.
    REQUIRE(recording.size() > 2 * sf::host::usb_contract::max_frame);
    CHECK(frames_of_size(b.answer_sizes(), sf::host::usb_contract::max_frame) >= 2);

    const protocol::board_counters counters = client->read_counters();
    CHECK(counters.chunks_written == load.chunks);
    CHECK(counters.kernel.steps == direct.counters().cores.steps);
    CHECK(counters.kernel.spikes == direct.counters().cores.spikes);
    CHECK(counters.kernel.program_faults == 0);
    const sf::host::channel_counters link = client->link_counters();
    CHECK(link.retransmissions == 0);
    CHECK(link.refused_frames == 0);
    CHECK(link.unmatched_replies == 0);
    CHECK(link.link_frames_lost == 0);
    CHECK(link.bulk_frames_sent == load.chunks);
    client->close();
}

TEST_CASE("usb board: a lockstep run injects the host's keys and sends the spikes watched",
          "[host][usb_board]") {
    const mapper::mapped_network mapped = driven_network();
    const std::vector<std::uint32_t> words = mapper::encode_image(mapped);
    const std::uint32_t in0 = key_of_selection(mapped, "0");
    const std::uint32_t in1 = key_of_selection(mapped, "1");
    const std::vector<std::uint32_t> outs = {key_of_selection(mapped, "10"),
                                             key_of_selection(mapped, "11"),
                                             key_of_selection(mapped, "12")};
    const std::map<std::uint32_t, std::vector<std::uint32_t>> input = {{3, {in0}}, {20, {in1}}};
    constexpr std::uint32_t steps = 60;

    // The same image run directly, each step's keys injected before the step.
    emulator::functional_emulator direct(words.data(), words.size());
    REQUIRE(direct.ready());
    for (std::uint32_t t = 1; t <= steps; ++t) {
        if (input.count(t) != 0) {
            for (const std::uint32_t key : input.at(t)) {
                std::size_t core = 0;
                std::uint32_t neuron = 0;
                REQUIRE(direct.owner_of(key, core, neuron));
                direct.inject(core, neuron);
            }
        }
        direct.run(1);
    }

    usb_board b;
    auto client = board_client::connect(board_url, patient());
    client->load(words);
    client->watch({{in0, 0xFFFFFFFFu},
                   {outs[0], 0xFFFFFFFFu},
                   {outs[1], 0xFFFFFFFFu},
                   {outs[2], 0xFFFFFFFFu}});
    std::map<std::uint32_t, std::vector<std::uint32_t>> steps_of; // by key
    std::uint32_t delivered = 0;
    sf::host::key_io io;
    io.input = [&](std::uint32_t step) {
        return input.count(step) != 0 ? input.at(step) : std::vector<std::uint32_t>{};
    };
    io.output = [&](std::uint32_t step, const std::vector<std::uint32_t>& keys) {
        CHECK(step == ++delivered); // every step once, in order, with or without spikes
        for (const std::uint32_t key : keys) {
            steps_of[key].push_back(step);
        }
    };
    const sf::host::run_report run = client->run(steps, &io);
    CHECK(run.steps == steps);
    CHECK(run.step_round_trips.size() == steps);
    CHECK(delivered == steps);
    CHECK(run.late_output_keys == 0);

    // in0 came back at the step it was injected; the cells it drives fired after it, the cell
    // in1 drives after in1 (not watched) was injected.
    CHECK(steps_of[in0] == std::vector<std::uint32_t>{3});
    CHECK(steps_of.count(in1) == 0);
    REQUIRE(!steps_of[outs[0]].empty());
    REQUIRE(!steps_of[outs[1]].empty());
    REQUIRE(!steps_of[outs[2]].empty());
    CHECK(steps_of[outs[0]].front() > 3);
    CHECK(steps_of[outs[1]].front() > 3);
    CHECK(steps_of[outs[2]].front() > 20);

    CHECK(
        (client->read_recording() == emulator::encode_recording(direct.traces(), direct.events())));
    const protocol::board_counters counters = client->read_counters();
    CHECK(counters.inject_frames == steps); // one a step, empty or not
    CHECK(counters.inject_events == 2);
    CHECK(counters.inject_lost + counters.inject_late + counters.inject_dropped == 0);
    CHECK(counters.output_events == run.output_keys);
    CHECK(counters.output_dropped == 0);
    CHECK(counters.kernel.steps == direct.counters().cores.steps);
    const sf::host::channel_counters link = client->link_counters();
    CHECK(link.input_frames == steps);
    CHECK(link.input_keys == 2);
    CHECK(link.output_keys == run.output_keys);
    CHECK(link.output_lost + link.output_duplicates + link.output_overruns == 0);
    CHECK(link.retransmissions == 0);
    CHECK(link.link_frames_lost == 0);
    client->close();
}

TEST_CASE("usb board: frames the link drops for want of room are in the host's counters",
          "[host][usb_board]") {
    const std::vector<std::uint32_t> words = mapper::encode_image(driven_network());
    usb_board b;
    sf::host::usb_link_options small_queue;
    small_queue.queue_frames = 4;
    std::string why;
    auto opened = sf::host::usb_link::open({usb_echo_device::vid, usb_echo_device::pid, "SF0001"},
                                           why, small_queue);
    INFO(why);
    REQUIRE(opened);
    sf::host::connect_options options;
    options.channel.first_timeout = 50ms;
    board_client client(std::move(opened.value()), options);
    client.load(words);
    client.watch({{0, 0}}); // every spike, so that each step sends a spikes_out frame

    // A first step times the board; then one request of 29 steps: 29 spikes_out frames and the
    // ack reach the link, faster than the host reads them; four fit its queue, the rest are
    // dropped (26 when all arrive before the host reads any; a host that gets to read one or two
    // in between on a busy machine loses as many fewer), and the ack comes again on a resend.
    const sf::host::run_report run = client.run(30, nullptr, 30);
    CHECK(run.last_step == 30);
    const sf::host::channel_counters link = client.link_counters();
    CHECK(link.link_frames_lost >= 20);
    CHECK(link.link_frames_lost <= 26);
    CHECK(link.retransmissions >= 1);
    client.close();
}

TEST_CASE("usb board: a board that is not plugged in fails at once and names what is there",
          "[host][usb_board]") {
    usb_echo_device device;
    const auto started = std::chrono::steady_clock::now();
    CHECK_THROWS_MATCHES(board_client::connect("usb://1209:5346/NOPE"), sf::host::transport_error,
                         Catch::Message("cannot open usb://1209:5346/NOPE: no USB device matches "
                                        "usb://1209:5346/NOPE; 1 found:\n"
                                        "  1209:5346 serial SF0001 (bus 1, address 1)"));
    CHECK(std::chrono::steady_clock::now() - started < 1s);
}
