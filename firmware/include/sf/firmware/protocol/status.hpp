#pragma once

#include <cstdint>

#include <sf/firmware/protocol/frame.hpp>

// The board's states and the reasons it refuses a message (docs/protocol.md, "Error replies"):
// one list for frames refused unseen, requests refused with an error reply and stream or bulk
// frames dropped, so that every refusal is counted under its reason. Freestanding.
namespace sf::firmware::protocol {

enum class board_state : std::uint8_t { idle = 0, loaded = 1, running = 2, stopped = 3 };

enum class reason : std::uint16_t {
    none = 0,
    too_short = 1,
    bad_magic = 2,
    bad_version = 3,
    bad_length = 4,
    bad_crc = 5,
    unknown_type = 6,
    not_a_request = 7, // a reply or an outgoing stream frame sent to the board
    bad_session = 8,
    out_of_window = 9,
    duplicate = 10,
    bad_payload = 11,
    overrun = 12, // a stream frame past its credit limit
    no_transfer = 13,
    chunk_crc = 14,
    chunk_range = 15,
    busy = 16,
    not_loaded = 17,
    wrong_state = 18,
    bad_argument = 19,
    too_large = 20,
    incomplete = 21,
    image_refused = 22,
};
constexpr std::size_t reason_count = 23;

constexpr reason reason_of(decode_status status) {
    switch (status) {
    case decode_status::ok: return reason::none;
    case decode_status::too_short: return reason::too_short;
    case decode_status::bad_magic: return reason::bad_magic;
    case decode_status::bad_version: return reason::bad_version;
    case decode_status::bad_length: return reason::bad_length;
    case decode_status::bad_crc: return reason::bad_crc;
    case decode_status::unknown_type: return reason::unknown_type;
    }
    return reason::none;
}

} // namespace sf::firmware::protocol
