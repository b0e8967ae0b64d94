#pragma once

// The board image (docs/image-format.md): its constants and layouts, its checksum, and a reader
// that checks every length, offset and checksum of an image held in memory before anything uses
// it, then gives views into it. Freestanding: nothing is copied or allocated; views point into
// the words.
#include <sf/firmware/image_check.hpp>
#include <sf/firmware/image_cursor.hpp>
#include <sf/firmware/image_format.hpp>
#include <sf/firmware/image_sections.hpp>
#include <sf/firmware/image_views.hpp>
