#pragma once

#include <memory>

#include <pugixml.hpp>

#include <sf/lems/component_type.hpp>
#include <sf/lems/diagnostics.hpp>

#include "xml_source.hpp"

namespace sf::lems {

// Reads one <ComponentType> element; problems are added and what could be read is returned
// (nullptr when the type has no name).
std::unique_ptr<component_type>
read_component_type(const xml_source& source, const pugi::xml_node& node, diagnostics& problems);

} // namespace sf::lems
