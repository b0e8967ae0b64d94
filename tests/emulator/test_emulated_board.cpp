// The emulated board (sf/emulator/emulated_board.hpp) behind the firmware's board side: an image
// loaded in chunks runs as the functional emulator runs it, step by step or at once, and its
// recordings come back as the same blob; the host's keys drive a population of spike sources;
// watched spikes go out before the step's ack; a lockstep free run waits for the host's input.
#include <algorithm>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/emulator/board_endpoint.hpp>
#include <sf/emulator/emulated_board.hpp>
#include <sf/emulator/recording_blob.hpp>

#include "board_test_support.hpp"

namespace {

using namespace sf::emulator::test;
namespace emulator = sf::emulator;
namespace mapper = sf::mapper;
using emulator::board_endpoint;
using emulator::emulated_board;
using emulator::functional_emulator;
using protocol::board_state;
using protocol::message_type;

constexpr std::uint32_t session = 0x5EED1234u;

// A host driving an endpoint: it keeps every frame the board sends, in order.
struct endpoint_host {
    explicit endpoint_host(board_endpoint& e) : endpoint(e) {}

    board_endpoint& endpoint;
    std::uint32_t sequence = 10;
    std::uint32_t next_input = 0; // index of the next spikes_in key
    std::vector<bytes> received;

    board_endpoint::sender sink() {
        return [this](const std::uint8_t* b, std::size_t n) { received.emplace_back(b, b + n); };
    }
    void send(const bytes& frame) { endpoint.receive(frame.data(), frame.size(), sink()); }
    // Sends a request; returns its reply (the last frame received).
    template <class M>
    bytes request(const M& m) {
        const std::size_t before = received.size();
        send(encode_frame(m, session, sequence++));
        REQUIRE(received.size() > before);
        return received.back();
    }
    void hello(std::uint32_t spikes_out_limit = 1u << 30) {
        protocol::hello_request h;
        h.spikes_out_limit = spikes_out_limit;
        REQUIRE(decoded(request(h)).head.type == message_type::hello_reply);
    }
    void load(const std::vector<std::uint32_t>& words, std::uint16_t chunk = 1000) {
        const bytes image = image_bytes(words);
        const std::uint32_t transfer = sequence;
        REQUIRE(decoded(request(begin_of(image, chunk))).head.type == message_type::ack);
        for (const bytes& c : image_chunks(image, chunk, transfer, session)) {
            send(c);
        }
        REQUIRE(decoded(request(protocol::load_commit_request{})).head.type == message_type::ack);
    }
    void step(std::uint32_t n) {
        protocol::step_request s;
        s.steps = n;
        REQUIRE(decoded(request(s)).head.type == message_type::ack);
    }
    void input(std::uint32_t step, const std::vector<std::uint32_t>& keys) {
        protocol::spikes_in m;
        m.step = step;
        m.key_words = keys.data();
        m.count = static_cast<std::uint16_t>(keys.size());
        send(encode_frame(m, session, next_input));
        next_input += static_cast<std::uint32_t>(keys.size());
    }
    bytes recording() {
        bytes all;
        std::uint32_t total = 1;
        while (all.size() < total) {
            protocol::read_recording_request r;
            r.offset = static_cast<std::uint32_t>(all.size());
            r.max_bytes = 0xFFFF;
            const bytes reply = request(r); // the decoded data points into it
            const auto data = message_of<protocol::recording_data_reply>(reply);
            REQUIRE(data.offset == all.size());
            total = data.total;
            REQUIRE(data.length > 0);
            all.insert(all.end(), data.data, data.data + data.length);
        }
        return all;
    }
};

std::unique_ptr<board_endpoint> make_endpoint(emulator::pace pace = emulator::pace::lockstep) {
    emulator::endpoint_options options;
    options.pace = pace;
    return std::make_unique<board_endpoint>(std::make_unique<emulated_board>(), options);
}

std::vector<std::uint32_t> small_image(mapper::mapped_network* mapped = nullptr) {
    temp_folder dir("sf_test_emulated_board");
    const mapper::mapped_network m = map_text(dir, small_model, small_hex_board());
    if (mapped != nullptr) {
        *mapped = m;
    }
    return mapper::encode_image(m);
}

std::size_t spikes_of(const functional_emulator& e, const std::string& id) {
    std::size_t n = 0;
    for (const auto& file : e.events()) {
        for (const auto& [time, who] : file.events) {
            n += who == id ? 1 : 0;
        }
    }
    return n;
}

} // namespace

TEST_CASE("emulated board: the recording blob is laid out as documented", "[emulator][board]") {
    std::vector<emulator::recorded_trace> traces(1);
    traces[0].path = "v.dat";
    traces[0].columns = 1;
    traces[0].rows = {0.0f, 1.0f, 0.5f, -2.0f};
    std::vector<emulator::recorded_events> events(1);
    events[0].path = "s";
    events[0].id_first = true;
    events[0].events = {{0.25, "7"}};
    const bytes expected = {
        0x53, 0x46, 0x52, 0x43, 1,   0,   0,    0,    1,   0, 0, 0, // magic, version, 1 trace file
        5,    0,    0,    0,    'v', '.', 'd',  'a',  't',          // its path
        1,    0,    0,    0,    2,   0,   0,    0,                  // 1 column, 2 rows
        0,    0,    0,    0,    0,   0,   0x80, 0x3F,               // 0.0f, 1.0f
        0,    0,    0,    0x3F, 0,   0,   0,    0xC0,               // 0.5f, -2.0f
        1,    0,    0,    0,                                        // 1 event file
        1,    0,    0,    0,    's', 1,   0,    0,    0,   1, 0, 0,
        0,                                            // path "s", id first, 1 event
        0,    0,    0,    0,    0,   0,   0xD0, 0x3F, // 0.25
        1,    0,    0,    0,    '7',                  // id "7"
    };
    CHECK(emulator::encode_recording(traces, events) == expected);
    CHECK(emulator::encode_recording({}, {}) ==
          bytes({0x53, 0x46, 0x52, 0x43, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
}

TEST_CASE("emulated board: an image loaded in chunks runs as the functional emulator runs it",
          "[emulator][board]") {
    const std::vector<std::uint32_t> words = small_image();
    functional_emulator direct(words.data(), words.size());
    REQUIRE(direct.ready());
    direct.run(57);

    auto endpoint = make_endpoint();
    endpoint_host host{*endpoint};
    host.hello();
    host.load(words);
    const auto& board = dynamic_cast<const emulated_board&>(endpoint->board());
    CHECK(board.info().cores == direct.core_count());
    CHECK(board.info().chips == direct.chip_count());
    host.step(1);
    host.step(6);
    host.step(50);
    CHECK(board.current_step() == 57);
    const bytes blob = host.recording();
    CHECK((blob == emulator::encode_recording(direct.traces(), direct.events())));
    CHECK(endpoint->side().counters().kernel.steps == direct.counters().cores.steps);

    SECTION("watching every spike changes nothing recorded") {
        functional_emulator more(words.data(), words.size());
        more.run(100);
        protocol::watch_request w;
        w.count = 1;
        host.request(w);
        host.step(43);
        CHECK((host.recording() == emulator::encode_recording(more.traces(), more.events())));
    }
    SECTION("reset discards the image and its recordings") {
        host.request(protocol::reset_request{});
        CHECK(endpoint->side().state() == board_state::idle);
        CHECK(board.info().cores == 0);
        protocol::read_recording_request r;
        CHECK(message_of<protocol::error_reply>(host.request(r)).why ==
              protocol::reason::not_loaded);
    }
}

TEST_CASE("emulated board: an image the emulator refuses is refused with its reason",
          "[emulator][board]") {
    std::vector<std::uint32_t> words = small_image();
    words[words.size() / 2] ^= 0x00010000u; // a section checksum no longer holds
    std::vector<std::string> log;
    emulator::endpoint_options options;
    board_endpoint endpoint(std::make_unique<emulated_board>(), options,
                            [&log](const std::string& line) { log.push_back(line); });
    endpoint_host host{endpoint};
    host.hello();
    const bytes image = image_bytes(words);
    const std::uint32_t transfer = host.sequence;
    host.request(begin_of(image, 1000));
    for (const bytes& c : image_chunks(image, 1000, transfer, session)) {
        host.send(c);
    }
    const auto refused =
        message_of<protocol::error_reply>(host.request(protocol::load_commit_request{}));
    CHECK(refused.why == protocol::reason::image_refused);
    REQUIRE(log.size() == 1);
    CHECK(log[0].find("image refused: the image is refused") == 0);
}

TEST_CASE("emulated board: the host's keys make a population of spike sources spike",
          "[emulator][board]") {
    mapper::mapped_network mapped;
    const std::vector<std::uint32_t> words = driven_image(mapped);
    const std::uint32_t in0 = key_of_selection(mapped, "0");
    const std::uint32_t in1 = key_of_selection(mapped, "1");
    emulated_board board;
    REQUIRE(board.begin_image(static_cast<std::uint32_t>(words.size() * 4)));
    const bytes image = image_bytes(words);
    board.load_section(0, image.data(), image.size());
    REQUIRE(board.commit_image(static_cast<std::uint32_t>(image.size())));
    const functional_emulator& e = *board.emulator();

    SECTION("without input the targets stay silent") {
        board.step(100);
        CHECK(spikes_of(e, "10") + spikes_of(e, "11") + spikes_of(e, "12") == 0);
        CHECK(spikes_of(e, "0") + spikes_of(e, "1") == 0);
    }
    SECTION("injected keys are the sources' spikes, routed and recorded") {
        const std::uint32_t keys[] = {in0, 0xFFFFFFF0u};
        CHECK(board.inject(5, keys, 2) == 2);
        CHECK(board.inject_room() == (1u << 20) - 2);
        board.step(100);
        CHECK(board.unowned_keys() == 1);
        CHECK(spikes_of(e, "0") == 1);
        CHECK(spikes_of(e, "1") == 0);
        CHECK(spikes_of(e, "10") >= 1);
        CHECK(spikes_of(e, "11") >= 1);
        CHECK(spikes_of(e, "12") == 0);
        const auto& file = e.events()[0].events;
        REQUIRE(!file.empty());
        CHECK(file[0].second == "0");
        CHECK(file[0].first == Approx(5 * e.dt()));
        CHECK(board.inject_room() == 1u << 20);
    }
    SECTION("keys for a step already computed are late and dropped") {
        board.step(3);
        const std::uint32_t keys[] = {in1};
        board.inject(3, keys, 1);
        board.step(50);
        CHECK(board.late_keys() == 1);
        CHECK(spikes_of(e, "12") == 0);
    }
}

TEST_CASE("emulated board: watched spikes go out before the step's ack", "[emulator][board]") {
    mapper::mapped_network mapped;
    const std::vector<std::uint32_t> words = driven_image(mapped);
    const std::uint32_t in1 = key_of_selection(mapped, "1");
    const std::uint32_t out2 = key_of_selection(mapped, "12");
    auto endpoint = make_endpoint();
    endpoint_host host{*endpoint};
    host.hello();
    host.load(words);
    protocol::watch_request w;
    w.count = 2;
    w.filters[0] = {in1, 0xFFFFFFFFu};
    w.filters[1] = {out2, 0xFFFFFFFFu};
    host.request(w);
    host.input(2, {in1});
    host.received.clear();
    host.step(30);

    // One spikes_out frame per step, in step order, then the ack.
    REQUIRE(host.received.size() == 31);
    CHECK(decoded(host.received.back()).head.type == message_type::ack);
    std::vector<std::uint32_t> steps_with_target;
    for (std::uint32_t k = 0; k < 30; ++k) {
        const protocol::frame f = decoded(host.received[k]);
        REQUIRE(f.head.type == message_type::spikes_out);
        protocol::spikes_out m;
        REQUIRE(protocol::decode_message(f, m));
        CHECK(m.step == k + 1);
        for (std::size_t i = 0; i < m.count; ++i) {
            if (m.key(i) == out2) {
                steps_with_target.push_back(m.step);
            } else {
                CHECK(m.key(i) == in1);
                CHECK(m.step == 2);
            }
        }
    }
    CHECK(!steps_with_target.empty());
    const auto& board = dynamic_cast<const emulated_board&>(endpoint->board());
    CHECK(board.spikes_dropped() == 0);
}

TEST_CASE("emulated board: a lockstep free run computes a step once its input is there",
          "[emulator][board]") {
    mapper::mapped_network mapped;
    const std::vector<std::uint32_t> words = driven_image(mapped);
    auto endpoint = make_endpoint();
    endpoint_host host{*endpoint};
    host.hello();
    host.load(words);
    host.request(protocol::start_request{});
    auto& board = endpoint->board();
    CHECK(endpoint->advance(host.sink()) == std::chrono::microseconds::max());
    CHECK(board.current_step() == 0);
    host.input(1, {});
    endpoint->advance(host.sink());
    CHECK(board.current_step() == 1);
    host.input(4, {key_of_selection(mapped, "0")});
    endpoint->advance(host.sink());
    CHECK(board.current_step() == 4);
    CHECK(endpoint->advance(host.sink()) == std::chrono::microseconds::max());
    CHECK(board.current_step() == 4);
    const auto acked = message_of<protocol::ack_reply>(host.request(protocol::stop_request{}));
    CHECK(acked.state == board_state::stopped);
    CHECK(acked.step == 4);

    SECTION("a run ends after its board time") {
        protocol::run_request r;
        r.microseconds = 1000; // ten steps of 0.1 ms
        host.request(r);
        host.input(100, {});
        endpoint->advance(host.sink());
        CHECK(board.current_step() == 14);
        CHECK_FALSE(board.running());
        protocol::credit_request c;
        c.spikes_out_limit = 1u << 30;
        CHECK(message_of<protocol::ack_reply>(host.request(c)).state == board_state::stopped);
    }
}

TEST_CASE("emulated board: a realtime free run keeps the wall clock's pace", "[emulator][board]") {
    mapper::mapped_network mapped;
    const std::vector<std::uint32_t> words = driven_image(mapped);
    emulator::endpoint_options options;
    options.pace = emulator::pace::realtime;
    options.speed_up = 1.0; // 0.1 ms steps: about 10 per millisecond
    board_endpoint endpoint(std::make_unique<emulated_board>(), options);
    endpoint_host host{endpoint};
    host.hello();
    host.load(words);
    protocol::run_request r;
    r.microseconds = 20000; // 200 steps in 20 ms
    host.request(r);
    const auto began = std::chrono::steady_clock::now();
    while (endpoint.board().running() &&
           std::chrono::steady_clock::now() - began < std::chrono::seconds(5)) {
        const auto wait = endpoint.advance(host.sink());
        std::this_thread::sleep_for(std::min(wait, std::chrono::microseconds(1000)));
    }
    const auto took = std::chrono::steady_clock::now() - began;
    CHECK(endpoint.board().current_step() == 200);
    CHECK(took >= std::chrono::milliseconds(19));
    CHECK(took < std::chrono::seconds(2));
}

TEST_CASE("emulated board: input that comes after its step is kept apart by step, never applied",
          "[emulator][board]") {
    mapper::mapped_network mapped;
    const std::vector<std::uint32_t> words = driven_image(mapped);
    const std::uint32_t in1 = key_of_selection(mapped, "1");
    std::vector<std::string> log;
    emulator::endpoint_options options;
    board_endpoint endpoint(std::make_unique<emulated_board>(), options,
                            [&](const std::string& line) { log.push_back(line); });
    endpoint_host host(endpoint);
    host.hello();
    host.load(words);
    host.step(5);
    host.input(3, {in1, in1});
    host.input(5, {in1});
    host.input(7, {in1}); // in time
    host.step(20);
    const auto& late = endpoint.late_input();
    REQUIRE(late.size() == 2);
    CHECK(late.at(3) == 2);
    CHECK(late.at(5) == 1);
    CHECK(endpoint.side().counters().inject_late == 3);
    CHECK(std::count_if(log.begin(), log.end(), [](const std::string& line) {
              return line.rfind("late input: ", 0) == 0;
          }) == 2);
    const auto& e = *dynamic_cast<const emulated_board&>(endpoint.board()).emulator();
    CHECK(spikes_of(e, "1") == 1); // only the key of step 7
}
