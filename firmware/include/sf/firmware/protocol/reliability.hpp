#pragma once

// The protocol's reliability on datagram links (docs/protocol.md): serial-number arithmetic with
// wraparound, the board's window of handled requests, the map of missing image chunks and the
// credits of live spike streams. Freestanding.
#include <sf/firmware/protocol/chunk_map.hpp>
#include <sf/firmware/protocol/credit.hpp>
#include <sf/firmware/protocol/receive_window.hpp>
#include <sf/firmware/protocol/sequence.hpp>
