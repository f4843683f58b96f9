// Every category of bad session file, with what its message must name. Shared by the core
// loader tests and the CLI tests, which write each one to a file and run bnflow-cli on it.
#pragma once

#include <string>
#include <vector>

namespace bnflow::test {

struct BadInput {
    const char* name;      // the test row's name, and the fixture file's stem
    std::string content;   // the file's bytes
    const char* where;     // must appear in the message: the field, or "line L, column C"
    const char* what;      // must appear too: what is wrong
    bool computation = false;  // parses fine; only analyze() finds the problem
};

const std::vector<BadInput>& badInputs();

}  // namespace bnflow::test
