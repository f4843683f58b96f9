#include <plots/plot_series.h>

#include <document/display_settings.h>

#include <algorithm>
#include <cmath>

namespace bnflow::ui::detail {

QString num(double v) { return DisplaySettings::fullPrecision(v); }

QString elementLabel(Eigen::Index i, Eigen::Index j)
{
    return QStringLiteral("sample %1, feature %2").arg(i).arg(j);
}

Series hline(const QString& name, double y, int colour, double x0, double x1)
{
    Series s{name, SeriesKind::HLine, colour};
    s.x = {x0, x1};
    s.y = {y, y};
    s.dashed = true;
    return s;
}

// The y = x line over the range of both coordinates.
Series diagonal(const std::vector<double>& a, const std::vector<double>& b)
{
    double lo = 0, hi = 0;
    if (!a.empty()) {
        lo = std::min(*std::min_element(a.begin(), a.end()), *std::min_element(b.begin(), b.end()));
        hi = std::max(*std::max_element(a.begin(), a.end()), *std::max_element(b.begin(), b.end()));
    }
    Series s{QStringLiteral("y = x"), SeriesKind::Line, kGrey};
    s.x = {lo, hi};
    s.y = {lo, hi};
    s.dashed = true;
    return s;
}

// Element k = j * N + i: feature-major, so each feature's samples sit together.
std::vector<double> elements(const Matrix& m)
{
    return std::vector<double>(m.data(), m.data() + m.size());
}

QStringList elementLabels(const Matrix& m, const QString& what, const Matrix* other,
                          const QString& otherWhat)
{
    QStringList labels;
    for (Eigen::Index j = 0; j < m.cols(); ++j)
        for (Eigen::Index i = 0; i < m.rows(); ++i) {
            QString text = elementLabel(i, j) + QStringLiteral("\n%1 = %2").arg(what, num(m(i, j)));
            if (other)
                text += QStringLiteral("\n%1 = %2").arg(otherWhat, num((*other)(i, j)));
            labels << text;
        }
    return labels;
}

// Splits values for a log axis: positive ones as they are, zeros at the floor.
std::pair<Series, Series> onLogAxis(const std::vector<double>& values, const QStringList& labels,
                                    const QString& name, const QString& zeroName, double floor)
{
    Series positive{name, SeriesKind::Points, kBlue};
    Series zero{zeroName, SeriesKind::Points, kVermillion};
    for (std::size_t k = 0; k < values.size(); ++k) {
        if (std::isnan(values[k]))
            continue;  // not a number: never drawn as "exactly 0" (callers say why it is missing)
        Series& s = values[k] > 0 ? positive : zero;
        s.x.push_back(double(k));
        s.y.push_back(values[k] > 0 ? values[k] : floor);
        s.labels << labels.value(int(k));
    }
    return {positive, zero};
}

QStringList featureTicks(Eigen::Index d)
{
    QStringList ticks;
    for (Eigen::Index j = 0; j < d; ++j)
        ticks << QString::number(j);
    return ticks;
}

}  // namespace bnflow::ui::detail
