#pragma once

#include <string>

#include <libusb.h>

#include <sf/host/usb_url.hpp>

namespace sf::host {

// Opens the attached device at `address` (the first one by bus and address when several
// match). When none matches, `why` lists every USB device found, with its serial where it can
// be read, so that the user sees what to ask for instead.
expected<libusb_device_handle*> open_matching_device(libusb_context* context,
                                                     const usb_address& address, std::string& why);

// Whether the open device has the interface and endpoints of usb_contract; `why` says what is
// missing.
std::error_code check_contract(libusb_device_handle* handle, std::string& why);

} // namespace sf::host
