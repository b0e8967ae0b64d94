// The emulator server's board, as a link delivers frames to it: a session is opened and a small
// image of a model with a host-driven population loaded, then each input is read as frames to
// deliver. A record is 1 byte kind, 1 byte sequence step, 2 bytes length, then the payload: kind
// 0xFF delivers the payload as a raw frame; any other kind is the message type of a frame built
// around the payload with the session's id, a sequence number and a valid CRC, so that the
// board's state machine, not only its frame check, is explored (step requests ask for at most
// 255 steps). Everything the board sends must be a well-formed reply or spikes_out frame.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <sf/emulator/board_endpoint.hpp>
#include <sf/emulator/emulated_board.hpp>
#include <sf/firmware/protocol/crc.hpp>
#include <sf/firmware/protocol/frame.hpp>
#include <sf/firmware/protocol/messages.hpp>
#include <sf/lems/flatten.hpp>
#include <sf/lems/loader.hpp>
#include <sf/mapper/board_loader.hpp>
#include <sf/mapper/image_file.hpp>
#include <sf/mapper/map_network.hpp>

namespace {

namespace protocol = sf::firmware::protocol;
using bytes = std::vector<std::uint8_t>;

constexpr std::uint32_t session = 0x5EED;

const char* const model = R"(<Lems>
    <Target component="sim"/>
    <Include file="Cells.xml"/>
    <Include file="Networks.xml"/>
    <Include file="Simulation.xml"/>
    <iafCell id="iaf" C="1nF" thresh="-50mV" reset="-70mV" leakConductance="10nS" leakReversal="-70mV"/>
    <spikeArray id="fromHost"/>
    <expOneSynapse id="syn" gbase="500nS" erev="0mV" tauDecay="2ms"/>
    <network id="net">
        <population id="in" component="fromHost" size="2"/>
        <population id="out" component="iaf" size="2"/>
        <projection id="p" presynapticPopulation="in" postsynapticPopulation="out" synapse="syn">
            <connection id="0" preCellId="../in[0]" postCellId="../out[0]"/>
            <connection id="1" preCellId="../in[1]" postCellId="../out[1]"/>
        </projection>
    </network>
    <Simulation id="sim" length="5ms" step="0.1ms" target="net">
        <OutputFile id="volts" fileName="volts.dat">
            <OutputColumn id="v0" quantity="out[0]/v"/>
        </OutputFile>
        <EventOutputFile id="spikes" fileName="spikes.dat" format="ID_TIME">
            <EventSelection id="0" select="in[0]" eventPort="spike"/>
            <EventSelection id="1" select="out[0]" eventPort="spike"/>
        </EventOutputFile>
    </Simulation>
</Lems>
)";

bytes mapped_image() {
    const auto dir = std::filesystem::temp_directory_path() / "sf_fuzz_board_endpoint";
    std::filesystem::create_directories(dir);
    const auto file = dir / "model.xml";
    std::ofstream(file) << model;
    sf::lems::flatten_options flat;
    flat.output_dir = ".";
    sf::mapper::map_options options;
    options.placement.improvement_seconds = 0.0;
    const auto network = sf::lems::flatten(sf::lems::load_model({file}), flat);
    const auto words = sf::mapper::encode_image(
        sf::mapper::map_network(network, sf::mapper::find_board("tiny"), options));
    bytes image;
    for (const std::uint32_t w : words) {
        for (int k = 0; k < 4; ++k) {
            image.push_back(static_cast<std::uint8_t>(w >> (8 * k)));
        }
    }
    return image;
}

template <class M>
bytes frame_of(const M& m, std::uint32_t sequence) {
    bytes out(protocol::max_frame);
    out.resize(protocol::encode_message(out.data(), out.size(), session, sequence, m));
    return out;
}

// Everything the board sends is a frame a host can check and a class a board may send.
void check_sent(const std::uint8_t* frame, std::size_t size) {
    protocol::frame f;
    if (protocol::decode_frame(frame, size, f) != protocol::decode_status::ok) {
        std::abort();
    }
    const auto kind = protocol::class_of(f.head.type);
    if (kind != protocol::message_class::reply && kind != protocol::message_class::stream_out) {
        std::abort();
    }
}

// A session with the image loaded, at step 0.
std::unique_ptr<sf::emulator::board_endpoint> loaded_board(std::uint32_t& sequence) {
    static const bytes image = mapped_image();
    sf::emulator::emulated_board_options small;
    small.input_capacity = 256;
    small.output_capacity = 256;
    auto endpoint = std::make_unique<sf::emulator::board_endpoint>(
        std::make_unique<sf::emulator::emulated_board>(small), sf::emulator::endpoint_options{});
    const auto send = [](const std::uint8_t* f, std::size_t n) { check_sent(f, n); };
    const auto deliver = [&](const bytes& f) { endpoint->receive(f.data(), f.size(), send); };
    protocol::hello_request hello;
    hello.spikes_out_limit = 1u << 20;
    deliver(frame_of(hello, sequence++));
    constexpr std::uint16_t chunk = 1024;
    protocol::load_begin_request begin;
    begin.total_bytes = static_cast<std::uint32_t>(image.size());
    begin.chunk_bytes = chunk;
    begin.chunk_count = static_cast<std::uint32_t>((image.size() + chunk - 1) / chunk);
    const std::uint32_t transfer = sequence;
    deliver(frame_of(begin, sequence++));
    for (std::uint32_t i = 0; i * chunk < image.size(); ++i) {
        protocol::load_chunk c;
        c.transfer = transfer;
        c.offset = i * chunk;
        c.data = image.data() + c.offset;
        c.length =
            static_cast<std::uint16_t>(std::min<std::size_t>(chunk, image.size() - c.offset));
        c.chunk_crc = protocol::crc32(c.data, c.length);
        deliver(frame_of(c, i));
    }
    deliver(frame_of(protocol::load_commit_request{}, sequence++));
    if (endpoint->side().state() != protocol::board_state::loaded) {
        std::abort(); // the harness's own image must load
    }
    return endpoint;
}

bytes built_frame(std::uint8_t type, std::uint32_t sequence, const std::uint8_t* payload,
                  std::size_t length) {
    bytes out(protocol::header_bytes + length);
    std::copy(payload, payload + length, out.begin() + protocol::header_bytes);
    // A board computes what it is asked to; the harness asks for little, to stay fast.
    if (type == static_cast<std::uint8_t>(protocol::message_type::step) && length >= 4) {
        out[protocol::header_bytes + 1] = out[protocol::header_bytes + 2] =
            out[protocol::header_bytes + 3] = 0;
    }
    protocol::header h;
    h.type = static_cast<protocol::message_type>(type);
    h.payload_length = static_cast<std::uint16_t>(length);
    h.session = session;
    h.sequence = sequence;
    out.resize(protocol::finish_frame(out.data(), out.size(), h));
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::uint32_t sequence = 1;
    const auto endpoint = loaded_board(sequence);
    const auto send = [](const std::uint8_t* f, std::size_t n) { check_sent(f, n); };
    std::size_t at = 0;
    for (int records = 0; at + 4 <= size && records < 64; ++records) {
        const std::uint8_t kind = data[at];
        sequence += data[at + 1];
        const std::size_t wanted = std::size_t{data[at + 2]} | std::size_t{data[at + 3]} << 8;
        at += 4;
        const std::size_t length = std::min({wanted, size - at, protocol::max_payload});
        const bytes frame = kind == 0xFF ? bytes(data + at, data + at + length)
                                         : built_frame(kind, sequence, data + at, length);
        at += length;
        endpoint->receive(frame.data(), frame.size(), send);
        endpoint->advance(send);
    }
    return 0;
}
