// libFuzzer entry: the CSV / clipboard table parser. Built by ./test.sh --fuzz.
#include "fuzz_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    bnflow::fuzz::checkTable(data, size);
    return 0;
}
