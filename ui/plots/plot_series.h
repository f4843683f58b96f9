// Pieces shared by the plot builders: colours, reference lines, element order and labels.
#pragma once

#include <plots/plot_spec.h>

#include <core/model/types.h>

namespace bnflow::ui::detail {

// Okabe-Ito indices (plot_renderer.cpp).
constexpr int kOrange = 0, kSky = 1, kGreen = 2, kBlue = 4, kVermillion = 5, kPurple = 6, kGrey = 7;

QString num(double v);  // shortest round-trip text
QString elementLabel(Eigen::Index i, Eigen::Index j);
Series hline(const QString& name, double y, int colour, double x0, double x1);
// The dashed y = x line over the range of both coordinates.
Series diagonal(const std::vector<double>& a, const std::vector<double>& b);
// Element k = j * N + i: feature-major, so each feature's samples sit together.
std::vector<double> elements(const Matrix& m);
QStringList elementLabels(const Matrix& m, const QString& what, const Matrix* other = nullptr,
                          const QString& otherWhat = {});
// Splits values for a log axis: positive ones as they are, zeros at the floor.
std::pair<Series, Series> onLogAxis(const std::vector<double>& values, const QStringList& labels,
                                    const QString& name, const QString& zeroName, double floor);
QStringList featureTicks(Eigen::Index d);

}  // namespace bnflow::ui::detail
