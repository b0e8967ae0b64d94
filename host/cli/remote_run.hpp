#pragma once

#include <cstdint>
#include <string>
#include <vector>

// `spikeforge run` on a board reached by URL (docs/host.md): load an image, run it in lockstep
// or in real time, print what it cost and what was lost, and write the recordings.
namespace sf::cli {

struct remote_run_options {
    std::string url;        // udp://HOST:PORT, usb://VID:PID[/SERIAL], emu://functional, ...
    std::string image_file; // a .sfimg written by `spikeforge map`
    // The image itself when the caller has it already (a model mapped on the fly); image_file
    // then only names it in messages.
    std::vector<std::uint32_t> image_words;
    std::string out_dir = ".";
    // Populations whose spikes the host exchanges live at every step. Without a program of the
    // user's to produce them, live inputs get no spikes (each step still sends its empty input
    // frame); live outputs are counted per population and printed.
    std::vector<std::string> live_inputs;
    std::vector<std::string> live_outputs;
    bool take_over = false; // replace a session another host left open
    bool realtime = false;  // run freely for steps × dt instead of in lockstep
};

// Exit codes as main's: 0 done, 1 failed (the link, the board, losses that ended the run),
// 2 bad input (image file, URL, population names).
int remote_run(const remote_run_options& options);

} // namespace sf::cli
