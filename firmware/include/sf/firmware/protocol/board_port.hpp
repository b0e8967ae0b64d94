#pragma once

#include <cstddef>
#include <cstdint>

#include <sf/firmware/kernel.hpp>
#include <sf/firmware/protocol/messages.hpp>

// What the board side of the protocol needs from a board (docs/protocol.md, "The board side"):
// a board's control core implements it over its cores and memories, and the emulator server
// over an emulated board. Freestanding.
namespace sf::firmware::protocol {

struct board_info {
    std::uint32_t board_id = 0;
    std::uint32_t chips = 0;
    std::uint32_t cores = 0;
    std::uint32_t max_image_bytes = 0;
    std::uint16_t max_frame = 0; // the largest frame its link carries
};

class board_port {
public:
    virtual board_info info() const = 0;

    // Makes room for an image of `total_bytes`, discarding the loaded one; false when it cannot.
    virtual bool begin_image(std::uint32_t total_bytes) = 0;
    // Writes checked bytes of the image at `offset` (within the size begin_image accepted).
    virtual void load_section(std::uint32_t offset, const std::uint8_t* bytes,
                              std::size_t length) = 0;
    // Checks the whole image (docs/image-format.md) and starts its cores at step 0; false when the
    // image is refused.
    virtual bool commit_image(std::uint32_t total_bytes) = 0;

    // Free running, in real time, until stop() or until a run_for() ends.
    virtual void start() = 0;
    virtual void run_for(std::uint64_t microseconds) = 0;
    virtual void stop() = 0;
    virtual bool running() const = 0;
    // Computes `count` steps now; returns how many it computed.
    virtual std::uint32_t step(std::uint32_t count) = 0;
    // The last step computed (0 before the first).
    virtual std::uint32_t current_step() const = 0;

    // Room in the input queue, in spikes.
    virtual std::uint32_t inject_room() const = 0;
    // Queues spikes of sources outside the board for `step`; returns how many it took. A call
    // with no keys (`keys` may then be null) says that the host's input for `step` is there.
    virtual std::size_t inject(std::uint32_t step, const std::uint32_t* keys,
                               std::size_t count) = 0;

    // The oldest step whose spikes are waiting to go out; false when none is.
    virtual bool pending_spikes(std::uint32_t& step) const = 0;
    // Moves up to `capacity` keys of that step to `keys` and returns their number; the step stops
    // being pending once its last key has been taken (at once for a step without spikes).
    virtual std::size_t take_spikes(std::uint32_t step, std::uint32_t* keys,
                                    std::size_t capacity) = 0;
    // Chooses the spikes that go out from now on: those matching one of `count` filters (none
    // when count is 0, as after start-up and reset).
    virtual void watch(const key_filter* filters, std::size_t count) = 0;
    // Spikes the output queue could not hold since the image was committed.
    virtual std::uint64_t spikes_dropped() const = 0;

    // Copies recorded bytes from `offset` (at most `capacity`) and tells the recording's size.
    virtual std::size_t read_recording(std::uint32_t offset, std::uint8_t* out,
                                       std::size_t capacity, std::uint32_t& total) = 0;
    virtual kernel_counters counters() const = 0;
    // Time spent computing steps since the image was committed, in microseconds; 0 for a board
    // without a clock to tell.
    virtual std::uint64_t compute_microseconds() const { return 0; }
    // Stops, discards the image and its recordings.
    virtual void reset() = 0;

protected:
    // Never deleted through this interface, so a board needs no deleting destructor.
    ~board_port() = default;
};

} // namespace sf::firmware::protocol
