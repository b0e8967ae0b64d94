#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <system_error>

#include <sf/host/expected.hpp>

namespace sf::host {

// A link that carries whole frames between the host and a board: UDP datagrams, USB bulk
// transfers, or an emulator in the same process. A frame arrives whole or not at all; order,
// loss and duplication are the protocol's business, not the link's.
class frame_link {
public:
    virtual ~frame_link() = default;

    // The largest frame the link carries.
    virtual std::size_t max_frame() const = 0;
    // Sends one frame; an error when the link cannot take it.
    virtual std::error_code send(const std::uint8_t* bytes, std::size_t size) = 0;
    // Waits up to `timeout` for one frame and copies it into `buffer`: its size, or
    // std::errc::timed_out, or the link's error (a board that refuses the link, ...).
    virtual expected<std::size_t> receive(std::uint8_t* buffer, std::size_t capacity,
                                          std::chrono::microseconds timeout) = 0;
    // Frames that reached the host but were dropped by the link before receive() could take them
    // (a full receive queue); links that never drop a frame they have received report 0.
    virtual std::uint64_t frames_lost() const { return 0; }
};

} // namespace sf::host
