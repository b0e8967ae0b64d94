#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <sf/lems/component.hpp>
#include <sf/lems/component_type.hpp>
#include <sf/lems/units.hpp>

namespace sf::lems {

// Everything read from a set of LEMS/NeuroML2 files and their includes, resolved: types linked
// to their bases, components to their types, values converted to SI.
class model {
public:
    unit_system units;
    std::vector<std::unique_ptr<component_type>> types;
    std::vector<std::unique_ptr<component>> components; // top-level, in document order
    std::vector<std::string> targets;                   // <Target component="...">
    std::vector<std::string> files;                     // every file read, in order
    std::vector<std::string> library_files;             // those found through the include path

    const component_type* find_type(const std::string& name) const;
    const component* find_component(const std::string& id) const;

    // Registers names after loading; called by the loader.
    void index();

private:
    std::map<std::string, const component_type*> type_index_;
    std::map<std::string, const component*> component_index_;
};

} // namespace sf::lems
