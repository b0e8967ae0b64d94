#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <sf/lems/component_type.hpp>
#include <sf/lems/error.hpp>

namespace sf::lems {

// One element of a model that instantiates a ComponentType, e.g. <iafCell id="iaf" .../>.
struct component {
    std::string id;
    std::string element;   // the XML tag it was written as
    std::string type_name; // the resolved type's name
    std::string prototype; // `extends`: another component whose values this one starts from
    const component_type* type = nullptr;
    source_location where;

    std::vector<std::pair<std::string, std::string>> attributes; // as written, in order
    std::string body;                                            // text content, if any

    component* parent = nullptr;
    std::string role; // the Child/Children slot of the parent this component fills
    std::vector<std::unique_ptr<component>> children;

    // Filled by resolution: values in SI units and references to other components.
    std::map<std::string, double> parameters; // parameters, fixed values and index parameters
    std::map<std::string, std::string> texts; // Text and Path members
    std::map<std::string, const component*> references;
    std::map<std::string, double> properties; // instance property defaults set here

    const std::string* attribute(const std::string& name) const;
    const component* child(const std::string& role_or_id) const;
    // "id" if it has one, else "<element> at file:line".
    std::string label() const;
    // The elements that hold this one, from the outermost down, each as "element id":
    // "network net > projection p > connectionWD 1". Errors about an element name it this way,
    // so that a user can find it among thousands of siblings with the same id.
    std::string chain() const;
};

} // namespace sf::lems
