// Comparing floating-point results: never a bare QCOMPARE on doubles.
#pragma once

#include <core/model/types.h>

#include <string>

namespace bnflow::test {

// max |actual - expected| <= rtol * scale, element by element, where scale is the magnitude of
// the terms that make up the tensor (a quantity that is 0 in exact math is judged against the
// size of what cancelled, not against 0). On failure, *report says where and by how much.
bool closeTo(const Matrix& actual, const Matrix& expected, double scale, double rtol,
             std::string* report);

// Largest |a - b| / scale.
double scaledError(const Matrix& actual, const Matrix& expected, double scale);

double maxAbs(const Matrix& m);

}  // namespace bnflow::test
