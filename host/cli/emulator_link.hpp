#pragma once

// `emu://TARGET`: a board emulated in this process, reached through the same frames as over a
// wire. The CLI registers the scheme with the host runtime, which never depends on the emulator.
namespace sf::cli {

// Makes the host runtime open `emu://functional` (and every other `serve` target) in process.
void register_emulator_links();

} // namespace sf::cli
