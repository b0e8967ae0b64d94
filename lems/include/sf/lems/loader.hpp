#pragma once

#include <filesystem>
#include <vector>

#include <sf/lems/diagnostics.hpp>
#include <sf/lems/model.hpp>

namespace sf::lems {

struct load_options {
    // Searched, in order, for <Include> files not found beside the including file.
    std::vector<std::filesystem::path> include_paths;
    // Append the project's own NeuroML2 core type definitions to the search path.
    bool builtin_core_types = true;
};

// Reads LEMS and NeuroML2 files (and everything they include) into one model. Every problem
// found is added to `problems`; the returned model is complete only when `problems` is empty.
model load_model(const std::vector<std::filesystem::path>& files, const load_options& options,
                 diagnostics& problems);

// As above, throwing the first problem.
model load_model(const std::vector<std::filesystem::path>& files, const load_options& options = {});

// Where the project's own core type definitions are (SPIKEFORGE_CORETYPES overrides).
std::filesystem::path builtin_core_types_dir();

} // namespace sf::lems
