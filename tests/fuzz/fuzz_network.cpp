// libFuzzer entry: the network file reader (*.bnflow-net.json) and a small depth run of what it
// accepts. Built by ./test.sh --fuzz.
#include "fuzz_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    bnflow::fuzz::checkNetwork(data, size);
    return 0;
}
