#include <walkthrough/graph_content.h>

#include <document/display_settings.h>
#include <document/session_document.h>
#include <walkthrough/walkthrough_state.h>

#include <core/math/analysis.h>
#include <core/math/batchnorm.h>
#include <core/math/family.h>
#include <core/teach/family_catalogue.h>

#include <QCoreApplication>
#include <QStringList>

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

namespace bnflow::ui {
namespace {

QString qs(std::string_view text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

QString tr(const char* text)
{
    return QCoreApplication::translate("bnflow::ui::GraphView", text);
}

}  // namespace

QString sliceText(const Matrix& m, int i, int j, bool byRow, const DisplaySettings& d, const Exercise& exercise,
                  std::string_view id)
{
    const bool row = byRow && m.rows() > 1 && i < m.rows();
    const int fixed = row ? i : j;
    if (m.size() == 0 || fixed < 0 || fixed >= (row ? m.rows() : m.cols()))
        return tr("—");
    QStringList parts;
    const int n = int(row ? m.cols() : m.rows());
    for (int k = 0; k < n; ++k) {
        if (!std::isfinite(row ? m(fixed, k) : m(k, fixed)))
            return tr("undefined");
        if (n > 4 && k == 2) {  // the first two, "…", the last
            parts << QStringLiteral("…");
            k = n - 1;
        }
        const int r = row ? fixed : k, c = row ? k : fixed;
        parts << (exercise.isHidden(id, r, c) ? QStringLiteral("?") : d.format(m(r, c)));
    }
    return n == 1 ? parts.front() : QStringLiteral("[") + parts.join(QStringLiteral(", ")) + QStringLiteral("]");
}

GraphContent graphContent(const SessionDocument& document, const WalkthroughState& state,
                          const DisplaySettings& display)
{
    GraphContent content;
    const Session& session = document.session();
    // The session layer's graph (core/teach/graph.h), stepped through the walkthrough's list of the
    // same layer; while the two disagree (the layer has just changed) nothing is lit.
    const Graph& g = graphOf(layerSpec(session.norm, session.features()));
    content.graph = &g;
    const auto& nodes = g.nodes();
    const auto& edges = g.edges();
    content.state = g.stateAt(&g.steps() == &state.steps() ? std::size_t(state.step()) : g.steps().size());
    const int j = std::min(state.feature(), int(session.features()) - 1);
    const int i = std::min(state.sample(), int(session.samples()) - 1);
    const Reduction reduction = Reduction::of(session.norm, session.samples(), session.features());
    // Layer norm, RMSNorm, group norm: a set is (part of) a row, so the nodes show sample i's
    // row, as the plugged-in numbers do; batch norm (and eval) feature j's column.
    const bool byRow = reduction.layer != Layer::BatchNorm && !reduction.eval;
    const bool computed = document.isComputed();
    content.computed = computed;
    const Exercise& exercise = session.exercise;

    // A session that cannot be computed still has its forward values up to the one that is
    // undefined (mean, x − μ and var with eps = 0 on a constant column): core's forward pass.
    // Batch norm's pass, so for training batch norm only.
    std::optional<Analysis> forwardOnly;
    if (!computed && &g == &graphOf(Layer::BatchNorm) && session.samples() > 0 &&
        session.gamma.size() == session.features() && session.beta.size() == session.features()) {
        forwardOnly.emplace();
        forwardOnly->forward = forward<double>(session.x, session.gamma, session.beta, session.eps);
    }
    const auto valueFor = [&](std::string_view id) -> std::optional<Matrix> {
        if (const auto v = document.value(id))
            return Matrix(*v);
        const Step* producer = findStep(id);
        if (forwardOnly && producer && producer->phase == Phase::Forward)
            return Matrix(valueOf(id, session, *forwardOnly));
        return std::nullopt;
    };
    // A statistic of layer norm, RMSNorm or group norm (N x 1, N x G) shows the selected set's
    // value, named by its set; a spatial session's per-channel row feature j's channel;
    // everything else sliceText's row or column.
    // The set's name and its number where `m` is such a statistic; nullopt otherwise.
    const auto ofSet = [&](const Matrix& m, std::string_view id) -> std::optional<std::pair<QString, QString>> {
        if (!isSetStatistic(id) || reduction.layer == Layer::BatchNorm || i < 0 || j < 0 ||
            m.rows() != reduction.statRows() || m.cols() != reduction.statCols())
            return std::nullopt;
        const Eigen::Index r = reduction.statRow(i), c = reduction.statCol(j);
        const double v = m(r, c);
        const QString number = exercise.isHidden(id, r, c) ? QStringLiteral("?")
                               : std::isfinite(v)           ? display.format(v)
                                                            : tr("undefined");
        return std::pair{QString::fromStdString(reduction.setName(r, c)), number};
    };
    const auto shown = [&](const Matrix& m, std::string_view id) {
        if (reduction.positions > 1 && m.rows() == 1 && m.cols() == reduction.channels && j >= 0)
            return sliceText(m, i, int(reduction.channelOf(j)), false, display, exercise, id);
        if (const auto set = ofSet(m, id))
            return tr("%1: %2").arg(set->first, set->second);
        return sliceText(m, i, j, byRow, display, exercise, id);
    };

    content.nodes.resize(nodes.size());
    for (std::size_t n = 0; n < nodes.size(); ++n) {
        const GraphNode& node = nodes[n];
        GraphNodeText& t = content.nodes[n];
        t.title = QString::fromStdString(labelWithSymbol(node.quantity()));
        const auto value = valueFor(node.id);
        t.value = value ? shown(*value, node.id) : tr("—");
        if (node.gradient.empty()) {
            // Eval mode: the running statistics, and the invStd made of them, are constants;
            // x − running mean hands dx on unchanged (doc/derivation.md#eval-mode).
            t.pending = node.id == "xmu" ? tr("passes dx through") : tr("constant: no gradient");
        } else {
            const QString gradName = qs(quantity(node.gradient).label);
            if (const auto grad = document.value(node.gradient)) {
                // A set's gradient names its set after the gradient ("dmean for x[0][0:3] = ..."):
                // "dmean = x[0][0:3]: ..." read as if dmean were x's entries.
                const Matrix m(*grad);
                const auto set = ofSet(m, node.gradient);
                t.gradient = set ? tr("%1 for %2 = %3").arg(gradName, set->first, set->second)
                                 : tr("%1 = %2").arg(gradName, shown(m, node.gradient));
            }
            t.pending = computed ? tr("%1: not computed yet").arg(gradName) : tr("%1: none (see above)").arg(gradName);
        }
    }
    // Shares on the edges out of a fan-out node (doc/derivation.md: a node's gradient is the
    // sum of one share per consumer), name over value.
    content.shares.resize(edges.size());
    for (std::size_t e = 0; e < edges.size(); ++e) {
        if (g.fanOut(edges[e].from).size() < 2 || edges[e].share.empty())
            continue;
        const auto share = document.value(edges[e].share);
        if (!share)
            continue;
        // dx via mean is dmean / M, one number per set broadcast over it: shown once, not as the
        // set's copies of it (they made the label, and so the graph's columns, wider).
        const Matrix m(*share);
        QString text;
        if (edges[e].share == "dx_via_mean" && i >= 0 && j >= 0 && i < m.rows() && j < m.cols())
            text = exercise.isHidden(edges[e].share, i, j) ? QStringLiteral("?")
                   : std::isfinite(m(i, j))                ? display.format(m(i, j))
                                                           : tr("undefined");
        else
            text = sliceText(m, i, j, byRow, display, exercise, edges[e].share);
        content.shares[e] = tr("%1 =").arg(qs(quantity(edges[e].share).label)) + QLatin1Char('\n') + text;
    }
    return content;
}

}  // namespace bnflow::ui
