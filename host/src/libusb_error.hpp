#pragma once

#include <system_error>

#include <libusb.h>

#include <sf/host/usb_link.hpp>

namespace sf::host {

inline std::error_code make_libusb_error(int code) { return {code, libusb_category()}; }

// The error a finished transfer stands for; none when it completed.
std::error_code transfer_error(libusb_transfer_status status);

} // namespace sf::host
