#include <sf/host/host_errors.hpp>

namespace sf::host {

const char* reason_name(firmware::protocol::reason why) {
    static const char* const names[] = {
        "none",        "too_short",    "bad_magic",     "bad_version", "bad_length",
        "bad_crc",     "unknown_type", "not_a_request", "bad_session", "out_of_window",
        "duplicate",   "bad_payload",  "overrun",       "no_transfer", "chunk_crc",
        "chunk_range", "busy",         "not_loaded",    "wrong_state", "bad_argument",
        "too_large",   "incomplete",   "image_refused"};
    const auto index = static_cast<std::size_t>(why);
    return index < sizeof(names) / sizeof(names[0]) ? names[index] : "unknown reason";
}

const char* message_name(std::uint8_t type) {
    static const char* const requests[] = {
        "hello", "bye", "load_begin",     "load_query",    "load_commit", "start",  "stop",
        "step",  "run", "read_recording", "read_counters", "reset",       "credit", "watch"};
    if (type >= 0x01 && type <= 0x0E) {
        return requests[type - 1];
    }
    switch (type) {
    case 0x40: return "load_chunk";
    case 0x50: return "spikes_in";
    case 0x51: return "spikes_out";
    case 0x80: return "ack";
    case 0x81: return "error";
    case 0x82: return "hello_reply";
    case 0x83: return "load_missing";
    case 0x84: return "recording_data";
    case 0x85: return "counters";
    default: return "unknown message";
    }
}

} // namespace sf::host
