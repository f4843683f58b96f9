#include <core/net/depth_run.h>

#include <charconv>
#include <cmath>
#include <string>

namespace bnflow {

MeanStd meanStd(const Matrix& m)
{
    MeanStd s;
    const double n = double(m.size());
    s.mean = m.sum() / n;
    s.std = std::sqrt((m.array() - s.mean).square().sum() / n);  // two passes: no cancellation
    return s;
}

std::vector<LayerStatistics> layerStatistics(const Network& net, const NetworkForward& f,
                                             const NetworkBackward& g)
{
    const NetworkShape& shape = net.shape;
    std::vector<LayerStatistics> stats(std::size_t(shape.layerCount()));
    for (int k = 0; k < shape.layerCount(); ++k) {
        LayerStatistics& s = stats[std::size_t(k)];
        const LayerGradients& grad = g.layers[std::size_t(k)];
        if (k < shape.hidden) {
            const HiddenForward& h = f.hidden[std::size_t(k)];
            s.pre = meanStd(h.pre);
            s.act = meanStd(h.act);
            if (shape.activation == Activation::Tanh)
                s.saturated = double((h.act.array().abs() > kSaturated).count()) / double(h.act.size());
            s.gradAct = meanStd(grad.dact);
        } else {
            s.pre = meanStd(f.logits);
        }
        s.wStd = meanStd(net.layers[std::size_t(k)].W).std;
        s.gradW = meanStd(grad.dW);
        s.gradToData = s.gradW.std / s.wStd;
    }
    return stats;
}

namespace {

// The number in shortest round-trip form, for a message.
std::string shortestText(double value)
{
    char buffer[32];
    const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return error == std::errc() ? std::string(buffer, end) : std::to_string(value);
}


// A problem when the pass overflowed or a ratio has no W to divide by; `when` names the step.
std::optional<Problem> passProblem(const Network& net, const NetworkForward& f,
                                   const NetworkBackward& g, const std::string& when)
{
    if (!std::isfinite(f.loss))
        return Problem{when, "the loss is not a finite number (the logits overflow); lower lr "
                             "or gain"};
    for (std::size_t k = 0; k < g.layers.size(); ++k) {
        const LayerGradients& grad = g.layers[k];
        if (!(grad.dW.allFinite() && grad.db.allFinite() && grad.dgamma.allFinite() &&
              grad.dbeta.allFinite()))
            return Problem{when, "a gradient of layer " + std::to_string(k) +
                                     " is not a finite number; lower lr or gain"};
        const Matrix& W = net.layers[k].W;
        if (W.size() > 0 && (W.array() == W(0, 0)).all())
            return Problem{when + ": W" + std::to_string(k),
                           "every entry is " + shortestText(W(0, 0)) +
                               " (std 0), so std(dW) / std(W) is undefined; give W" +
                               std::to_string(k) + " different entries (fan_in x fan_out > 1)"};
    }
    return std::nullopt;
}

bool finite(const MeanStd& s)
{
    return std::isfinite(s.mean) && std::isfinite(s.std);
}

bool finite(const LayerStatistics& s)
{
    return finite(s.pre) && finite(s.act) && finite(s.gradAct) && finite(s.gradW) &&
           std::isfinite(s.wStd) && std::isfinite(s.gradToData);
}

}  // namespace

DepthResult runDepth(Network& net, const Dataset& data, long steps, double lr)
{
    return runDepth(net, data, steps, lr, DepthControl{});
}

DepthResult runDepth(Network& net, const Dataset& data, long steps, double lr,
                     const DepthControl& control)
{
    DepthResult result;
    DepthReport report;
    NetworkForward f = forwardPass(net, data);
    NetworkBackward g = backwardPass(net, data, f);
    if (auto problem = passProblem(net, f, g, "the network before any step")) {
        result.problems.push_back(std::move(*problem));
        return result;
    }
    report.loss = f.loss;
    report.layers = layerStatistics(net, f, g);
    for (std::size_t k = 0; k < report.layers.size(); ++k)
        if (!finite(report.layers[k])) {
            result.problems.push_back({"the network before any step",
                                       "a statistic of layer " + std::to_string(k) +
                                           " overflows a double; lower gain or scale x down"});
            return result;
        }
    report.steps.reserve(std::size_t(steps));
    for (long t = 0; t < steps; ++t) {
        if (control.cancel && control.cancel->load()) {
            report.cancelled = true;
            break;
        }
        const std::string when = "step " + std::to_string(t);
        if (t > 0) {  // step 0 uses the pass above
            f = forwardPass(net, data);
            g = backwardPass(net, data, f);
            if (auto problem = passProblem(net, f, g, when)) {
                result.problems.push_back(std::move(*problem));
                return result;
            }
        }
        DepthStep step;
        step.loss = f.loss;
        for (std::size_t k = 0; k < net.layers.size(); ++k) {
            const double wStd = meanStd(net.layers[k].W).std;
            if (!std::isfinite(wStd)) {  // W's entries near the largest double: their squares overflow
                result.problems.push_back({when, "std(W" + std::to_string(k) +
                                                     ") overflows a double; lower lr"});
                return result;
            }
            step.updateToData.push_back(std::abs(lr) * meanStd(g.layers[k].dW).std / wStd);
        }
        for (const double r : step.updateToData)
            if (!std::isfinite(r)) {
                result.problems.push_back({when, "an update-to-data ratio overflows a double; lower lr"});
                return result;
            }
        sgdStep(net, g, lr);
        if (!allFinite(net)) {
            result.problems.push_back({when, "a parameter is not a finite number after the "
                                             "update; lower lr"});
            return result;
        }
        report.steps.push_back(std::move(step));
        if (control.progress)
            control.progress(t + 1, steps);
    }
    result.report = std::move(report);
    return result;
}

}  // namespace bnflow
