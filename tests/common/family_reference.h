// The PyTorch reference cases of the normalization family (tests/reference/family, made by
// tests/reference/generate.py): layer norm, RMSNorm, group norm, batch norm eval and running
// statistics under each convention.
#pragma once

#include <core/model/session.h>

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace bnflow::test {

struct FamilyCase {
    std::string name;
    std::string sessionPath;  // family/NAME.bnflow.json
    Session session;          // loaded by bnflow's own loader
    double rtol = 1e-12;
    // "forward.y", "forward.mean", "grads.dx", "running.var", ...: as in the expected file,
    // statistics in the layer's shape (a flat array becomes 1 x K).
    std::map<std::string, Matrix> expected;
};

// A JSON array of numbers (1 x K) or of rows (N x D) as a matrix.
Matrix toMatrix(const nlohmann::json& value);

std::vector<std::string> familyCaseNames();  // sorted
FamilyCase loadFamilyCase(const std::string& name);  // throws std::runtime_error

// The magnitude of the terms that make up the tensor `key` (as termScale() for batch norm):
// what its rounding error is measured against.
double familyTermScale(const std::string& key, const FamilyCase& c);

}  // namespace bnflow::test
