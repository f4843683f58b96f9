// The PyTorch reference cases of tests/reference (made by tests/reference/generate.py).
#pragma once

#include <core/model/session.h>

#include <map>
#include <string>
#include <vector>

namespace bnflow::test {

struct ReferenceCase {
    std::string name;
    std::string sessionPath;          // cases/NAME.bnflow.json
    Session session;                  // loaded by bnflow's own loader
    double rtol = 1e-12;
    std::map<std::string, Matrix> expected;  // mean, var, inv_std, xhat, y, dxhat, dvar, dmean,
                                             // dx, dgamma, dbeta; vectors as 1 x D
};

std::vector<std::string> referenceCaseNames();  // sorted
ReferenceCase loadReferenceCase(const std::string& name);  // throws std::runtime_error

// The magnitude of the terms that make up the tensor `key`: the same rule as term_scale() in
// generate.py, computed from the reference values.
double termScale(const std::string& key, const ReferenceCase& c);

// A JSON array of numbers or of rows of numbers as a matrix (a flat array becomes 1 x D).
Matrix matrixFromJsonText(const std::string& jsonText);

}  // namespace bnflow::test
