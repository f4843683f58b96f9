// libFuzzer entry: the .npy/.npz reader (and sessions from .npz). Built by ./test.sh --fuzz.
#include "fuzz_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    bnflow::fuzz::checkNpy(data, size);
    return 0;
}
