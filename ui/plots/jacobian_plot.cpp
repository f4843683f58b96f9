#include <plots/jacobian_plot.h>

#include <plots/plot_builders.h>
#include <plots/plot_series.h>

#include <core/math/jacobian_directions.h>

#include <algorithm>
#include <cmath>

namespace bnflow::ui {

using namespace detail;

namespace {

// The doc's spelling: the plots' font draws no combining circumflex over x.
const QString kXhat = QStringLiteral("xhat");

QString cellName(const std::pair<Eigen::Index, Eigen::Index>& cell)
{
    return QStringLiteral("[%1,%2]").arg(cell.first).arg(cell.second);
}

QString layerName(const NormConfig& norm)
{
    if (norm.isEval())
        return QStringLiteral("batch norm, eval mode");
    if (norm.layerOrDefault() == Layer::BatchNorm && norm.channels)
        return QStringLiteral("spatial batch norm");
    return QString::fromUtf8(layerTitle(norm.layerOrDefault()).data());
}

QString directionName(const std::string& direction)
{
    return direction == "1" ? QStringLiteral("1") : kXhat;
}

// What the direction means, for the caption and the tooltips.
QString directionMeaning(const std::string& direction)
{
    return direction == "1" ? QStringLiteral("a shift of the whole set, which changes no y")
                            : QStringLiteral("a scaling of the set's deviations: gamma s eps / (var + eps), 0 as eps \u2192 0");
}

Panel heatmapPanel(const LayerJacobian& jac)
{
    Panel panel{QStringLiteral("x entry b [sample,feature]"), QStringLiteral("y entry a [sample,feature]")};
    Heatmap& map = panel.heatmap;
    const int m = int(jac.set.size());
    map.rows = map.cols = m;
    map.values.resize(std::size_t(m) * std::size_t(m));
    for (int a = 0; a < m; ++a)
        for (int b = 0; b < m; ++b)
            map.values[std::size_t(a) * std::size_t(m) + std::size_t(b)] = jac.matrix(a, b);
    for (const auto& cell : jac.set.cells)
        map.rowLabels << cellName(cell);
    map.colLabels = map.rowLabels;
    map.valueLabel = QStringLiteral("dy/dx");
    map.cellNumbers = m <= kJacobianCellNumbersUpTo;
    return panel;
}

Panel eigenvaluePanel(const LayerJacobian& jac, const std::vector<NamedEigenvalue>& named)
{
    Panel panel{QStringLiteral("eigenvalue k, ascending"), QStringLiteral("|\u03bb_k| (log)"), false, true};
    panel.integerX = true;
    const Eigen::Index m = jac.eigenvalues.size();
    std::vector<double> magnitudes;
    for (Eigen::Index k = 0; k < m; ++k)
        magnitudes.push_back(std::abs(jac.eigenvalues[k]));
    const double floor = logFloor(magnitudes);
    const auto nameOf = [&](Eigen::Index k) -> const NamedEigenvalue* {
        for (const NamedEigenvalue& n : named)
            if (n.index == k)
                return &n;
        return nullptr;
    };
    Series positive{QStringLiteral("\u03bb > 0"), SeriesKind::Points, kBlue};
    Series negative{QStringLiteral("\u03bb < 0 (|\u03bb| drawn)"), SeriesKind::Points, kPurple};
    negative.dashed = true;  // hollow markers
    Series zero{QStringLiteral("\u03bb = 0 exactly (drawn at the floor)"), SeriesKind::Points, kGrey};
    for (Eigen::Index k = 0; k < m; ++k) {
        const double value = jac.eigenvalues[k];
        Series& s = value > 0 ? positive : value < 0 ? negative : zero;
        QString label = QStringLiteral("\u03bb_%1 = %2").arg(k).arg(num(value));
        if (const NamedEigenvalue* n = nameOf(k))
            label += QStringLiteral("\nalong %1 (overlap %2): %3")
                         .arg(directionName(n->direction)).arg(n->overlap, 0, 'f', 4).arg(directionMeaning(n->direction));
        s.x.push_back(double(k));
        s.y.push_back(value != 0 ? std::abs(value) : floor);
        s.exactY.push_back(value);
        s.labels << label;
    }
    // The named directions, drawn over their eigenvalues' markers, each with its value.
    std::vector<Series> directions;
    const int colours[] = {kVermillion, kGreen};
    for (std::size_t d = 0; d < named.size(); ++d) {
        const NamedEigenvalue& n = named[d];
        Series s{QStringLiteral("along %1: \u03bb = %2").arg(directionName(n.direction), QString::number(n.value, 'g', 3)),
                 SeriesKind::Points, colours[d % 2]};
        s.x.push_back(double(n.index));
        s.y.push_back(n.value != 0 ? std::abs(n.value) : floor);
        s.exactY.push_back(n.value);
        s.labels << QStringLiteral("\u03bb_%1 = %2\nalong %3 (overlap %4): %5")
                        .arg(n.index).arg(num(n.value), directionName(n.direction))
                        .arg(n.overlap, 0, 'f', 4).arg(directionMeaning(n.direction));
        directions.push_back(s);
    }
    for (Series* s : {&positive, &negative, &zero})
        if (!s->x.empty())
            panel.series.push_back(*s);
    for (Series& s : directions)
        panel.series.push_back(s);
    return panel;
}

PlotSpec message(const QString& text)
{
    PlotSpec spec;  // no panels: the view shows the caption as its message (plots_panel.h)
    spec.name = QStringLiteral("jacobian");
    spec.caption = text;
    return spec;
}

}  // namespace

JacobianSelectors jacobianSelectors(const NormConfig& norm)
{
    if (norm.isEval() || norm.layerOrDefault() == Layer::BatchNorm)
        return {true, false};
    if (norm.layerOrDefault() == Layer::GroupNorm)
        return {true, true};
    return {false, true};
}

PlotSpec jacobianPlot(const LayerJacobian& jac, const NormConfig& norm, double identityError)
{
    const std::vector<NamedEigenvalue> named = namedEigenvalues(jac, norm);
    PlotSpec spec;
    spec.name = QStringLiteral("jacobian");
    const QString set = QString::fromStdString(jac.set.name);
    spec.title = QStringLiteral("Jacobian dy/dx of %1 (%2), M = %3").arg(set, layerName(norm)).arg(jac.set.size());
    spec.sideBySide = true;
    spec.panels = {heatmapPanel(jac), eigenvaluePanel(jac, named)};
    QString caption = QStringLiteral("dx = J\u1d40 dout over the set: max |difference| = %1 (staged dx).   "
                                     "Rank %2, null space dimension %3.")
                          .arg(QString::number(identityError, 'g', 3)).arg(jac.rank).arg(jac.nullSpaceDim());
    for (const NamedEigenvalue& n : named)
        caption += QStringLiteral("\nAlong %1: \u03bb = %2, %3.")
                       .arg(directionName(n.direction), QString::number(n.value, 'g', 3), directionMeaning(n.direction));
    if (named.empty())
        caption += norm.isEval() ? QStringLiteral("\nEval mode: the statistics are constants, J = diag(gamma \u00b7 inv_std).")
                                 : QStringLiteral("\nA constant set: xhat = 0, only the shift 1 is named.");
    spec.caption = caption;
    return spec;
}

Eigen::Index jacobianSize(const Session& session, Eigen::Index feature, Eigen::Index sample)
{
    const Eigen::Index n = session.samples(), d = session.features();
    if (n == 0 || d == 0)
        return 0;
    const Reduction r = Reduction::of(session.norm, n, d);
    return jacobianSet(session, r, std::clamp<Eigen::Index>(feature, 0, d - 1),
                       std::clamp<Eigen::Index>(sample, 0, n - 1)).size();
}

PlotSpec jacobianPlot(const Session& session, const Matrix& stagedDx, Eigen::Index feature, Eigen::Index sample)
{
    const Eigen::Index n = session.samples(), d = session.features();
    if (n == 0 || d == 0)
        return message(QStringLiteral("The batch is empty: there is no Jacobian to show."));
    const JacobianResult result = layerJacobian(session, std::clamp<Eigen::Index>(feature, 0, d - 1),
                                                std::clamp<Eigen::Index>(sample, 0, n - 1));
    if (!result.ok()) {
        QString text = QStringLiteral("The Jacobian is not drawn: ");
        QStringList problems;
        for (const auto& p : result.problems)
            problems << QStringLiteral("%1 %2").arg(QString::fromStdString(p.where), QString::fromStdString(p.what));
        text += problems.join(QStringLiteral("; "));
        if (session.validate().empty() && jacobianSize(session, feature, sample) > kMaxJacobianSize)
            text += QStringLiteral(" (an M x M matrix and its eigenvalues; choose a smaller set or batch).");
        return message(text);
    }
    const LayerJacobian& jac = *result.jacobian;
    return jacobianPlot(jac, session.norm, jacobianIdentityError(jac, session.dout, stagedDx));
}

}  // namespace bnflow::ui
