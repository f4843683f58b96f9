// A string stream for documents: what its buffer throws reaches the caller.
#pragma once

#include <sstream>

namespace bnflow {

// std::ostream catches whatever its buffer throws (std::bad_alloc when the text cannot grow), sets
// badbit and ignores every later write; str() then returns the text cut at the buffer's last
// successful growth (64 MiB of an 84 MB grad document) as if it were whole. This stream rethrows
// instead, so that the caller reports "out of memory" and nothing cut short is printed or saved.
// Every document that goes to stdout or a file is built in one.
class TextStream : public std::ostringstream {
public:
    TextStream() { exceptions(std::ios::badbit | std::ios::failbit); }
};

}  // namespace bnflow
