#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <sf/emulator/spike_exchange.hpp>
#include <sf/mapper/image_file.hpp>

// `mpirun -np N spikeforge run`: the functional target's run spread over ranks, each stepping the
// cores of its own chips (docs/cli.md). Rank 0 writes what one process would, and the facts of the
// spreading; every rank ends with the same exit code.
namespace sf::cli {

// Runs the image (named `name`) as this rank's share, the cores stepped on `threads`, their
// programs compiled to machine code as `native_code` (auto, always, never) says: each rank decides
// for its own cores and compiles their programs, and the reports give rank 0's outcome. Exit codes
// as run's: 0 done, 1 a program fault, 2 bad input (found by any rank).
int run_on_ranks(mapper::image_in_memory&& image, const std::string& name,
                 const std::filesystem::path& out_dir, std::size_t threads,
                 const std::string& native_code, const std::string& report_file,
                 emulator::spike_exchange& ranks);

// Collective: the first problem of any rank (in rank order), on rank 0; on the others a
// non-empty text when any rank has one. Empty when no rank has.
std::string first_problem(emulator::spike_exchange& ranks, const std::string& local);

} // namespace sf::cli
