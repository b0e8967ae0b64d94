#pragma once

#include <sf/firmware/crc32.hpp>

// The check of every frame and of every image chunk (docs/protocol.md): the CRC-32 the board image
// uses too. Freestanding.
namespace sf::firmware::protocol {

using firmware::crc32;
using firmware::crc32_finish;
using firmware::crc32_start;
using firmware::crc32_update;

} // namespace sf::firmware::protocol
