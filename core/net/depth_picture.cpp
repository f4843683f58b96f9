#include <core/net/depth_picture.h>

#include <algorithm>
#include <cmath>

namespace bnflow {

Histogram histogram(const Matrix& values, double lo, double hi, int bins, bool countSaturated)
{
    Histogram h;
    h.lo = lo;
    h.hi = hi;
    h.fraction.assign(std::size_t(bins), 0.0);
    h.saturated.assign(std::size_t(bins), 0.0);
    const double share = values.size() ? 1.0 / double(values.size()) : 0.0;
    const double scale = double(bins) / (hi - lo);
    for (Eigen::Index k = 0; k < values.size(); ++k) {
        const double v = values.data()[k];
        const int b = std::clamp(int(std::floor((v - lo) * scale)), 0, bins - 1);
        (countSaturated && std::abs(v) > kSaturated ? h.saturated : h.fraction)[std::size_t(b)] += share;
    }
    return h;
}

DepthPass depthPass(const Network& net, const Dataset& data)
{
    DepthPass pass;
    pass.forward = forwardPass(net, data);
    pass.backward = backwardPass(net, data, pass.forward);
    pass.stats = layerStatistics(net, pass.forward, pass.backward);
    return pass;
}

namespace {

// Out to |mean| + 4 std of the widest layer; 1 when every layer is constant (or not finite).
double reach(const std::vector<MeanStd>& layers)
{
    double r = 0;
    for (const MeanStd& s : layers)
        r = std::max(r, std::abs(s.mean) + 4 * s.std);
    return std::isfinite(r) && r > 0 ? r : 1.0;
}

}  // namespace

HistogramRanges histogramRanges(const Network& net, const DepthPass& pass)
{
    std::vector<MeanStd> act, grad;
    for (int k = 0; k < net.shape.hidden; ++k) {
        act.push_back(pass.stats[std::size_t(k)].act);
        grad.push_back(pass.stats[std::size_t(k)].gradAct);
    }
    HistogramRanges r;
    r.act = net.shape.activation == Activation::Tanh ? kTanhReach : reach(act);
    r.grad = reach(grad);
    return r;
}

HistogramRanges unite(const HistogramRanges& a, const HistogramRanges& b)
{
    return {std::max(a.act, b.act), std::max(a.grad, b.grad)};
}

DepthPicture depthPicture(const Network& net, const DepthPass& pass, const HistogramRanges& ranges)
{
    DepthPicture p;
    p.shape = net.shape;
    p.loss = pass.forward.loss;
    p.stats = pass.stats;
    p.ranges = ranges;
    const bool tanh = net.shape.activation == Activation::Tanh;
    for (int k = 0; k < net.shape.hidden; ++k) {
        p.act.push_back(histogram(pass.forward.hidden[std::size_t(k)].act, -ranges.act, ranges.act,
                                  tanh ? kTanhBins : kActivationBins, tanh));
        p.grad.push_back(histogram(pass.backward.layers[std::size_t(k)].dact, -ranges.grad, ranges.grad,
                                   kGradientBins, false));
    }
    return p;
}

Session normSession(const Network& net, const DepthPass& pass, int k)
{
    const HiddenForward& h = pass.forward.hidden[std::size_t(k)];
    const LayerParameters& p = net.layers[std::size_t(k)];
    Session s;
    s.x = h.pre;
    s.gamma = p.gamma;
    s.beta = p.beta;
    s.eps = kNetworkEps;
    s.dout = activationBackward(net.shape.activation, pass.backward.layers[std::size_t(k)].dact, h.act);
    s.norm.layer = net.shape.norm;
    const std::string n = std::to_string(k);
    const std::string input = k == 0 ? "the data x" : "h_" + std::to_string(k - 1);
    s.title = "Layer " + n + "'s " + std::string(layerTitle(*net.shape.norm)) + " of the Depth tab's network";
    s.notes = "x = " + input + " @ W_" + n + (p.b.size() ? " + b_" + n : std::string()) +
              ", layer " + n + "'s pre-activation (one row per sample of the batch); dout = d loss / "
              "d (the norm's output), as it came back through the activation above.";
    return s;
}

}  // namespace bnflow
