#include "xml_tag_scanner.hpp"

namespace sf::lems {
namespace {

bool is_name_char(char c) {
    return c != '>' && c != '/' && c != '<' && c != '=' && c != '"' && c != '\'' && c != ' ' &&
           c != '\t' && c != '\n' && c != '\r';
}

class scanner {
public:
    scanner(std::string_view text, std::size_t stop) : text_(text), stop_(stop) {}

    xml_tag_scan run() {
        while (!result_.mismatched) {
            const std::size_t open = text_.find('<', at_);
            if (open == std::string_view::npos || open > stop_) {
                break;
            }
            at_ = open;
            if (!markup()) {
                result_.ended_cleanly = false;
                break;
            }
        }
        return std::move(result_);
    }

private:
    bool starts_with(std::string_view prefix) const {
        return text_.substr(at_, prefix.size()) == prefix;
    }

    // Moves past `terminator`; false when the text ends first.
    bool skip_past(std::string_view terminator) {
        const std::size_t end = text_.find(terminator, at_);
        if (end == std::string_view::npos) {
            at_ = text_.size();
            return false;
        }
        at_ = end + terminator.size();
        return true;
    }

    // A declaration such as <!DOCTYPE ... [ ... ]>, whose internal subset may hold '>'.
    bool skip_declaration() {
        int depth = 0;
        for (; at_ < text_.size(); ++at_) {
            const char c = text_[at_];
            if (c == '[') {
                ++depth;
            } else if (c == ']') {
                --depth;
            } else if (c == '>' && depth <= 0) {
                ++at_;
                return true;
            }
        }
        return false;
    }

    std::string name_from(std::size_t start) {
        at_ = start;
        while (at_ < text_.size() && is_name_char(text_[at_])) {
            ++at_;
        }
        return std::string(text_.substr(start, at_ - start));
    }

    // Attributes up to the tag's '>', skipping quoted values; sets whether it closed itself.
    bool skip_attributes(bool& self_closing) {
        char previous = 0;
        for (; at_ < text_.size(); ++at_) {
            const char c = text_[at_];
            if (c == '"' || c == '\'') {
                const std::size_t close = text_.find(c, at_ + 1);
                if (close == std::string_view::npos) {
                    return false;
                }
                at_ = close;
                previous = c;
            } else if (c == '>') {
                self_closing = previous == '/';
                ++at_;
                return true;
            } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                previous = c;
            }
        }
        return false;
    }

    bool end_tag(std::size_t start) {
        xml_tag tag{name_from(start + 2), start};
        if (!result_.open.empty() && result_.open.back().name == tag.name) {
            result_.open.pop_back();
        } else {
            result_.mismatched = std::move(tag);
        }
        return skip_past(">");
    }

    bool start_tag(std::size_t start) {
        xml_tag tag{name_from(start + 1), start};
        bool self_closing = false;
        if (!skip_attributes(self_closing)) {
            return false;
        }
        if (!self_closing) {
            result_.open.push_back(std::move(tag));
        }
        return true;
    }

    bool markup() {
        const std::size_t start = at_;
        if (starts_with("<!--")) {
            at_ += 4;
            return skip_past("-->");
        }
        if (starts_with("<![CDATA[")) {
            at_ += 9;
            return skip_past("]]>");
        }
        if (starts_with("<?")) {
            at_ += 2;
            return skip_past("?>");
        }
        if (starts_with("<!")) {
            at_ += 2;
            return skip_declaration();
        }
        if (starts_with("</")) {
            return end_tag(start);
        }
        return start_tag(start);
    }

    std::string_view text_;
    std::size_t stop_;
    std::size_t at_ = 0;
    xml_tag_scan result_;
};

} // namespace

xml_tag_scan scan_xml_tags(std::string_view text, std::size_t stop) {
    return scanner(text, stop).run();
}

} // namespace sf::lems
