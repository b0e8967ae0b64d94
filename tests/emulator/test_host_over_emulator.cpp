// The host runtime against the emulator server over loopback UDP, through the fault proxy: a
// model's recordings come back byte-identical to the in-process run's when a tenth of the
// datagrams are dropped, duplicated, reordered, delayed or corrupted, and every live input key
// that does not reach the board is counted.
//
// The lems and mapper headers come before the server's: Asio's <signal.h> defines a macro that
// clashes with a field name of theirs.
#include "board_test_support.hpp"

#include <atomic>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

#include <sf/emulator/board_endpoint.hpp>
#include <sf/emulator/board_server.hpp>
#include <sf/emulator/emulated_board.hpp>
#include <sf/emulator/functional.hpp>
#include <sf/emulator/recording_blob.hpp>
#include <sf/host/board_client.hpp>
#include <sf/host/image_populations.hpp>

#include "../host/fault_proxy.hpp"

namespace sf::emulator::test {
namespace {

// The emulator server on a thread of its own, for as long as the object lives.
class served_emulator {
public:
    served_emulator()
        : endpoint_(std::make_unique<emulated_board>(), endpoint_options{}),
          server_(endpoint_, server_options{}, log_), thread_([this] { server_.serve(); }) {}
    ~served_emulator() {
        server_.stop();
        thread_.join();
    }
    std::uint16_t port() const { return server_.local_port(); }

private:
    std::ostringstream log_;
    board_endpoint endpoint_;
    board_server server_;
    std::thread thread_;
};

std::string url_of(std::uint16_t port) { return "udp://127.0.0.1:" + std::to_string(port); }

sf::test::fault_rates tenth_of_everything() {
    sf::test::fault_rates rates;
    rates.drop = 0.1;
    rates.duplicate = 0.1;
    rates.reorder = 0.1;
    rates.delay = 0.1;
    rates.corrupt = 0.1;
    return rates;
}

std::vector<std::uint32_t> balanced_network_image() {
    std::ifstream in(std::string(SF_EXAMPLES_DIR) + "/balanced_network/LEMS_balanced_network.xml");
    REQUIRE(in);
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    temp_folder dir("sf_test_host_over_emulator");
    return mapper::encode_image(map_text(dir, text, mapper::find_board("spinn5")));
}

// What the same image records when the functional emulator runs it in this process.
std::vector<std::uint8_t> in_process_recording(const std::vector<std::uint32_t>& image) {
    functional_emulator board(image.data(), image.size());
    REQUIRE(board.ready());
    board.run(board.steps());
    return encode_recording(board.traces(), board.events());
}

std::vector<std::uint8_t> remote_recording(const std::string& url,
                                           const std::vector<std::uint32_t>& image,
                                           host::load_report& loaded) {
    auto client = host::board_client::connect(url);
    loaded = client->load(image);
    const auto steps = static_cast<std::uint32_t>(host::image_populations::read(image).steps());
    const host::run_report run = client->run(steps, nullptr, 100);
    CHECK(run.steps == steps);
    std::vector<std::uint8_t> blob = client->read_recording();
    const auto counters = client->read_counters();
    CHECK(counters.kernel.program_faults == 0);
    CHECK(counters.kernel.steps == steps);
    CHECK(counters.compute_microseconds > 0); // the board's share of the host's wait
    client->close();
    return blob;
}

} // namespace

TEST_CASE("host over the emulator server: a lossy link gives the recordings of a clean run",
          "[emulator][server][faults]") {
    const std::vector<std::uint32_t> image = balanced_network_image();
    const std::vector<std::uint8_t> expected = in_process_recording(image);
    served_emulator server;
    host::load_report clean;
    CHECK(remote_recording(url_of(server.port()), image, clean) == expected);
    CHECK(clean.chunks_resent == 0);

    sf::test::fault_proxy proxy(server.port(), tenth_of_everything(), 2026);
    host::load_report lossy;
    CHECK(remote_recording(url_of(proxy.port()), image, lossy) == expected);
    CHECK(lossy.chunks_resent > 0);
    proxy.stop();
    const sf::test::fault_counts faults = proxy.counts();
    CHECK(faults.dropped > 0);
    CHECK(faults.corrupted > 0);
    CHECK(faults.reordered > 0);
}

TEST_CASE("host over the emulator server: live input lost on the link is counted, never applied "
          "to another step",
          "[emulator][server][faults]") {
    mapper::mapped_network mapped;
    const std::vector<std::uint32_t> image = driven_image(mapped);
    const host::image_populations pops = host::image_populations::read(image);
    const std::uint32_t source = pops.find("in").keys[0];
    served_emulator server;
    sf::test::fault_proxy proxy(server.port(), tenth_of_everything(), 7);
    auto client = host::board_client::connect(url_of(proxy.port()));
    client->load(image);
    client->watch(pops.filters({"in"}));

    // Input on every step; the source's own spikes come back as output of the same step.
    std::uint64_t sent = 0;
    std::uint64_t wrong_step = 0;
    std::uint64_t echoed = 0;
    host::key_io io;
    io.input = [&](std::uint32_t) {
        ++sent;
        return std::vector<std::uint32_t>{source};
    };
    io.output = [&](std::uint32_t, const std::vector<std::uint32_t>& keys) {
        echoed += keys.size();
        wrong_step += keys.size() > 1;
    };
    const auto steps = static_cast<std::uint32_t>(pops.steps());
    const host::run_report run = client->run(steps, &io);
    const auto counters = client->read_counters();
    client->close();
    proxy.stop();

    CHECK(run.steps == steps);
    CHECK(sent == steps);
    CHECK(wrong_step == 0);
    // Every key either reached the board or is counted: lost (a gap in the stream), or late. Only
    // the last step's frame can vanish without a later frame to reveal the gap.
    const std::uint64_t accounted =
        counters.inject_events + counters.inject_lost + counters.inject_late;
    CHECK(accounted >= sent - 1);
    CHECK(accounted <= sent);
    CHECK(counters.inject_lost > 0);
    CHECK(counters.inject_dropped == 0);
    // The spikes that came back are those applied, less the output frames the link lost.
    CHECK(echoed <= counters.inject_events);
    CHECK(echoed + client->link_counters().output_lost + run.late_output_keys >=
          counters.inject_events - 1);
}

} // namespace sf::emulator::test
